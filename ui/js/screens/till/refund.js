// Refunds and exchanges on the Till screen (F12). Keyboard first: the
// receipt number is typed or scanned and Enter finds the sale (a number
// alone is this till's receipt; a date, an amount or a product finds it
// too, from any event or day); then a quantity on each line that comes
// back, "damaged" with a reason for what is written off, where the money
// goes (as paid, by default), and Enter refunds. With items in the cart
// the refund can be an exchange: the customer takes the cart and pays or
// receives the difference. Every figure — what each line pays back, tax,
// cash rounding, the tenders, the difference, what needs an organizer —
// is the core's answer (`quote_refund`, `quote_exchange`); the page does
// no arithmetic. The organizer's PIN is asked for when the core says so.

import { call, callApproved } from '../../api.js';
import { h, fill, field, toast } from '../../dom.js';
import { openDialog } from '../../dialog.js';
import { localTime } from '../../time.js';
import { MINUS } from '../../words.js';
import { METHOD_LABEL, showRefundReceipt } from './receipts.js';

const TENDERS = [['', 'As paid'], ['cash', 'Cash'], ['card', 'Card'], ['mobile', 'Mobile'], ['other', 'Other']];

function tenderSelect() {
  return h('select', { name: 'tender', id: 'refund-tender' },
    TENDERS.map(([value, label]) => h('option', { value }, label)));
}

/** Find the sale: resolves {sale_id} or {without_receipt: true}, or null. */
function findSale() {
  const results = h('div', { id: 'refund-found', class: 'plain-list' });
  return openDialog({
    id: 'refund-find-dialog', title: 'Refund: find the sale',
    body: (close) => {
      results.pick = (sale) => close({ sale_id: sale.sale_id });
      return h('div', {},
        field('Receipt number', h('input', { name: 'receipt', id: 'refund-receipt', autocomplete: 'off' }),
          'Type or scan the code on the receipt; a number alone is this till\'s receipt'),
        h('details', { id: 'refund-search-more' },
          h('summary', {}, 'No receipt number? Find it by date, amount or product'),
          h('div', { class: 'row' },
            field('Date', h('input', { name: 'date', id: 'refund-date', placeholder: '2026-12-05', autocomplete: 'off' })),
            field('Total', h('input', { name: 'amount', id: 'refund-amount', inputmode: 'decimal', autocomplete: 'off' }))),
          field('Product', h('input', { name: 'product', id: 'refund-product', autocomplete: 'off' }))),
        results);
    },
    submitLabel: 'Find',
    extraButtons: [{ id: 'refund-no-receipt', label: 'Without a receipt', onclick: (close) => close({ without_receipt: true }) }],
    submit: async (v) => {
      const found = await call('find_sales', { query: { receipt: v.receipt, date: v.date, amount: v.amount, product: v.product } });
      const usable = found.filter((s) => !s.voided);
      if (found.length === 1 && usable.length === 1) return { sale_id: usable[0].sale_id };
      fill(results,
        found.length === 0 ? h('p', { class: 'notice', role: 'status' }, 'No sale found: check the number, or search by date, amount or product.') : null,
        found.map((s) => h('button', {
          type: 'button', class: 'refund-found-sale', disabled: s.voided, dataset: { saleId: s.sale_id },
          onclick: () => results.pick(s),
        }, `${s.receipt_number} · ${localTime(s.at_utc, s.utc_offset_minutes)} · ${s.event_name} · ${s.total}`,
        s.voided ? ' · voided' : '', s.has_refunds ? ` · refunded ${s.refunded}` : '')));
      const first = results.querySelector('button:not([disabled])');
      if (first) first.focus();
      return undefined;
    },
  });
}

/** The quote panel: what the refund (or the exchange) comes to. */
function quotePanel(q, x) {
  const rows = [
    q.has_discount ? h('div', { class: 'total-row' }, h('span', {}, 'Discounts that come off'), h('span', {}, `${MINUS}${q.discount}`)) : null,
    q.taxes.map((t) => h('div', { class: 'total-row' }, h('span', {}, `Tax ${t.rate}% on ${t.net}`), h('span', {}, t.tax))),
    q.has_rounding ? h('div', { class: 'total-row' }, h('span', {}, 'Cash rounding'), h('span', {}, q.rounding)) : null,
    h('div', { class: 'total-row' }, h('span', {}, 'Pay back'), h('strong', { id: 'refund-total' }, q.total)),
    q.tenders.map((t) => h('div', { class: 'total-row refund-tender-row' },
      h('span', {}, t.method === 'exchange' ? 'Toward the new sale' : `To ${METHOD_LABEL[t.method] || t.method}`), h('span', {}, t.amount))),
  ];
  const exchange = x ? h('div', { class: 'change-panel', id: 'exchange-difference' },
    h('div', { class: 'change-label' }, x.customer_pays ? 'Customer pays' : 'Customer receives'),
    h('div', { class: 'change-big' }, x.customer_pays ? x.difference_in_cash : x.difference),
    h('div', {}, `New sale ${x.sale_total} · returned goods pay ${x.credit}`)) : null;
  const reasons = x ? x.approval_reasons : q.approval_reasons;
  const needs = x ? x.needs_approval : q.needs_approval;
  return [rows, exchange,
    needs ? h('p', { class: 'notice', id: 'refund-needs-pin' }, `Needs an organizer's PIN: ${reasons.join(', ')}`) : null];
}

/**
 * The refund of one sale (or, without `sale`, of goods without a receipt):
 * lines, tenders, the quote as it changes, and the refund or exchange.
 */
async function refundDialog(till, sale) {
  const cartLines = till.cart.hasLines();
  const quoteBox = h('div', { class: 'till-totals', id: 'refund-quote', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Enter what comes back.'));
  const lineRows = h('tbody', { id: 'refund-lines' });
  const state = { key: null, lines: [] };

  // A line row: what comes back of it, damaged or not.
  const row = (i, label, detail, max) => {
    const qty = h('input', { name: `qty-${i}`, id: `refund-qty-${i}`, class: 'refund-qty', inputmode: 'decimal', autocomplete: 'off', 'aria-label': `Back now: ${label}` });
    const damaged = h('input', { type: 'checkbox', name: `damaged-${i}`, id: `refund-damaged-${i}` });
    const reason = h('input', { name: `damage-${i}`, id: `refund-damage-reason-${i}`, maxlength: '200', autocomplete: 'off', placeholder: 'What is wrong', 'aria-label': `Why ${label} is damaged`, hidden: true });
    // The reason is asked for only for what is written off.
    damaged.addEventListener('change', () => {
      reason.hidden = !damaged.checked;
      if (damaged.checked) reason.focus();
    });
    const tr = h('tr', { dataset: { line: String(i) } },
      h('td', {}, h('strong', {}, label), h('br'), h('small', { class: 'muted' }, detail)),
      h('td', { class: 'num' }, max),
      h('td', {}, qty),
      h('td', {}, h('label', { class: 'check' }, damaged, ' Damaged'), reason));
    return { tr, qty, damaged, reason };
  };

  if (sale) {
    sale.lines.forEach((l, i) => {
      const r = row(i, l.name, `sold ${l.sold} · back already ${l.back_already} · ${l.gross}`, l.refundable);
      if (l.refundable === '0') r.qty.disabled = true;
      state.lines.push({ sale_line_id: l.sale_line_id, ...r });
      lineRows.append(r.tr);
    });
  }

  // Without a receipt: products are found by name or code and added.
  const search = sale ? null : h('input', { id: 'refund-product-search', autocomplete: 'off', placeholder: 'Name, SKU or barcode, then Enter' });
  if (search) {
    search.addEventListener('keydown', async (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      e.stopPropagation();
      const text = search.value.trim();
      if (!text) return;
      const found = (await call('till_scan', { code: text })) || (await call('till_search', { query: text }))[0];
      if (!found) { toast('No product found', 'error'); return; }
      const i = state.lines.length;
      const r = row(i, found.name, `today's price ${found.price}${found.unit === 'each' ? '' : `/${found.unit}`}`, '');
      state.lines.push({ product_id: found.id, ...r });
      lineRows.append(r.tr);
      search.value = '';
      r.qty.value = '1';
      r.qty.focus();
      r.qty.select();
      requote();
    });
  }

  const tender = tenderSelect();
  const reference = h('input', { name: 'reference', id: 'refund-reference', maxlength: '80', autocomplete: 'off' });
  const reason = h('input', { name: 'reason', id: 'refund-reason', maxlength: '200', autocomplete: 'off' });
  const exchange = cartLines ? h('input', { type: 'checkbox', name: 'exchange', id: 'refund-exchange' }) : null;
  const payBy = cartLines ? h('select', { name: 'pay_by', id: 'refund-exchange-pay' },
    h('option', { value: 'cash' }, 'Cash'), h('option', { value: 'card' }, 'Card')) : null;

  const input = (quote) => {
    const lines = state.lines.map((l) => ({
      sale_line_id: l.sale_line_id || null, product_id: l.product_id || null,
      quantity: l.qty.value, damaged: l.damaged.checked, damage_reason: l.reason.value,
    }));
    // "As paid": the tenders the core proposes, sent back with the
    // terminal's reference for a card.
    let tenders = [];
    if (tender.value) tenders = [{ method: tender.value, amount: '', reference: reference.value }];
    else if (quote) {
      tenders = quote.tenders.filter((t) => t.method !== 'exchange').map((t) => ({
        method: t.method, amount: t.method === 'cash' ? '' : t.amount, reference: t.needs_reference ? reference.value : '',
      }));
    }
    return { sale_id: sale ? sale.sale_id : null, lines, tenders, reason: reason.value, refund_key: state.key };
  };

  let asking = Promise.resolve();
  let latest = null;
  // Ask the core again, one question at a time; the last answer stands.
  const requote = () => {
    asking = asking.then(async () => {
      try {
        const wanted = input(null);
        wanted.tenders = tender.value ? [{ method: tender.value, amount: '', reference: reference.value }] : [];
        if (exchange && exchange.checked) {
          const x = await call('quote_exchange', { input: wanted, cart: till.cart.input() });
          state.key = state.key || x.refund.refund_key;
          latest = { q: x.refund, x };
        } else {
          const q = await call('quote_refund', { input: wanted });
          state.key = state.key || q.refund_key;
          latest = { q, x: null };
        }
        fill(quoteBox, quotePanel(latest.q, latest.x));
      } catch (err) {
        latest = null;
        fill(quoteBox, h('p', { class: 'notice', role: 'status' }, err.message));
      }
    });
    return asking;
  };

  const body = h('div', {},
    sale
      ? h('p', {}, 'Sale ', h('strong', { id: 'refund-sale-number' }, sale.receipt_number), ` · ${localTime(sale.at_utc, sale.utc_offset_minutes)} · ${sale.event_name} · total ${sale.total}`,
        sale.refunds.length ? ` · refunded before: ${sale.refunds.join(', ')}` : '')
      : h('p', { class: 'notice' }, 'Without a receipt: priced at today\'s price, and an organizer approves.'),
    sale && sale.refusal ? h('p', { class: 'notice', role: 'alert' }, sale.refusal) : null,
    h('div', { class: 'refund-grid' },
      h('div', {},
        search ? field('Add a product', search) : null,
        h('table', { class: 'table compact refund-lines' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', { class: 'num' }, 'Can come back'), h('th', {}, 'Back now'), h('th', {}, 'Condition'))),
          lineRows),
        h('div', { class: 'row' },
          field('Pay back to', tender, 'As paid: to the tenders of the sale'),
          field('Card terminal reference', reference, 'For a card refund')),
        field('Reason (optional)', reason)),
      h('div', { class: 'refund-side' },
        exchange ? h('label', { class: 'check' }, exchange, ` Exchange for the cart (${(till.cart.quote() || {}).total || ''})`) : null,
        exchange ? field('Customer pays a difference by', payBy) : null,
        quoteBox)));
  for (const el of [tender, reference, reason, exchange]) if (el) el.addEventListener('change', requote);
  lineRows.addEventListener('input', requote);
  lineRows.addEventListener('change', requote);

  const done = await openDialog({
    id: 'refund-dialog', title: sale ? `Refund ${sale.receipt_number}` : 'Refund without a receipt', wide: true,
    body,
    submitLabel: exchange ? 'Refund / exchange' : 'Refund',
    submit: async () => {
      await requote();
      if (!latest) throw new Error(quoteBox.textContent || 'Enter what comes back.');
      const args = input(latest.q);
      if (exchange && exchange.checked) {
        const payments = latest.x.customer_pays ? [{ method: payBy.value }] : [];
        const made = await callApproved('complete_exchange', { input: args, cart: till.cart.input(), payments }, till.ctx.askPin);
        return made ? { exchange: made } : undefined;
      }
      const made = await callApproved('complete_refund', { input: args }, till.ctx.askPin);
      return made ? { refund: made } : undefined;
    },
  });
  return done;
}

/** F12: find the sale, choose what comes back, refund or exchange. */
export async function startRefund(till) {
  const found = await findSale();
  if (!found) { till.focusScan(); return; }
  let sale = null;
  if (found.sale_id) {
    try {
      sale = await call('refundable_sale', { saleId: found.sale_id });
    } catch (err) {
      till.showMessage(err.message, 'error');
      till.focusScan();
      return;
    }
  }
  const done = await refundDialog(till, sale);
  if (!done) { till.focusScan(); return; }
  const refund = done.refund || done.exchange.refund;
  const receiptButton = h('button', { type: 'button', id: 'till-refund-receipt', onclick: () => showRefundReceipt(refund.refund_id).then(till.focusScan) }, 'Refund receipt');
  if (done.exchange) {
    const x = done.exchange;
    till.cart.reset();
    till.lastSale = x.sale;
    till.showMessage(`Exchange: refund ${refund.receipt_number}, sale ${x.sale.receipt_number}`, 'ok',
      h('div', { class: 'change-panel', id: 'till-refund-panel' },
        x.customer_pays
          ? [h('div', { class: 'change-label' }, 'Change'), h('div', { class: 'change-big', id: 'till-change' }, x.sale.change)]
          : [h('div', { class: 'change-label' }, 'Pay back'), h('div', { class: 'change-big', id: 'till-pay-back' }, refund.cash_paid ? refund.cash : refund.total)],
        h('div', { class: 'actions' }, receiptButton,
          h('button', { type: 'button', id: 'till-show-receipt', onclick: () => import('./receipts.js').then((m) => m.showReceipt(x.sale.sale_id)).then(till.focusScan) }, 'Sale receipt'))));
  } else {
    till.showMessage(`Refund ${refund.receipt_number}${refund.sale_receipt_number ? ` of ${refund.sale_receipt_number}` : ''}`, 'ok',
      h('div', { class: 'change-panel', id: 'till-refund-panel' },
        h('div', { class: 'change-label' }, refund.cash_paid ? 'Pay back in cash' : 'Paid back'),
        h('div', { class: 'change-big', id: 'till-pay-back' }, refund.cash_paid ? refund.cash : refund.total),
        h('div', {}, `Refund total ${refund.total}`),
        h('div', { class: 'actions' }, receiptButton)));
  }
  await till.refreshSide();
  till.focusScan();
}
