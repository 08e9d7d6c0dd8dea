// Receipts on the Till screen: the receipt of a sale (shown and printed,
// with its check code: the start of the sale's journal entry hash),
// the session's recent sales, and voiding one of them. Which rows a
// receipt has (discount, cash rounding, change) is the core's answer, and
// so is whether a void needs an organizer's PIN: the page asks for one
// when the core says so.

import { call, ErrorCode } from '../../api.js';
import { h, clear, field, toast } from '../../dom.js';
import { openDialog } from '../../dialog.js';
import { localTime } from '../../time.js';
import { MINUS } from '../../words.js';

export const METHOD_LABEL = { cash: 'Cash', card: 'Card', mobile: 'Mobile', other: 'Other', exchange: 'Exchange credit' };

function receiptView(r) {
  return h('section', { class: 'receipt', id: 'receipt' },
    r.practice ? h('p', { class: 'receipt-practice' }, 'PRACTICE — NOT A REAL SALE') : null,
    h('h3', {}, r.shop_name),
    h('p', { class: 'receipt-event' }, r.event_name, r.venue ? ` · ${r.venue}` : ''),
    h('p', {}, 'Receipt ', h('strong', { class: 'receipt-number' }, r.receipt_number), ' · ', localTime(r.at_utc, r.utc_offset_minutes)),
    r.voided ? h('p', { class: 'receipt-void' }, `VOIDED: ${r.voided}`) : null,
    h('table', { class: 'receipt-lines' },
      h('tbody', {}, r.lines.map((l) => h('tr', {},
        h('td', {}, l.name, h('br'), h('small', {}, `${l.quantity} ${l.unit === 'each' ? '×' : l.unit + ' ×'} ${l.unit_price}`,
          l.has_discount ? ` ${MINUS} ${l.discount}` : '', l.handover_later ? ' · hand over later' : ''),
          l.weighing ? h('small', { class: 'receipt-weighing' }, h('br'), l.weighing) : null,
          l.deposit_of_line ? h('small', {}, h('br'), `deposit of line ${l.deposit_of_line}`) : null),
        h('td', { class: 'num' }, l.gross))))),
    h('table', { class: 'receipt-totals' }, h('tbody', {},
      r.has_discount ? h('tr', {}, h('td', {}, 'Discounts'), h('td', { class: 'num' }, `${MINUS}${r.discount}`)) : null,
      r.tax_mode === 'exclusive' ? h('tr', {}, h('td', {}, 'Subtotal (excl. tax)'), h('td', { class: 'num' }, r.subtotal)) : null,
      r.taxes.map((t) => h('tr', { class: 'receipt-tax' }, h('td', {}, `Tax ${t.rate}% on ${t.net}`), h('td', { class: 'num' }, t.tax))),
      r.has_rounding ? h('tr', {}, h('td', {}, 'Cash rounding'), h('td', { class: 'num' }, r.rounding)) : null,
      h('tr', { class: 'receipt-total' }, h('td', {}, 'Total'), h('td', { class: 'num' }, r.total)),
      // Containers brought back: their deposits pay the sale first (its
      // exchange credit), and what is left over was paid out in cash.
      r.deposits_back.map((d) => h('tr', { class: 'receipt-deposit-back' },
        h('td', {}, `${d.name} brought back`, h('br'), h('small', {}, `${d.quantity} × ${d.unit_price}`)),
        h('td', { class: 'num' }, `${MINUS}${d.amount}`))),
      r.paid_out_minor > 0 ? h('tr', { class: 'receipt-total', id: 'receipt-paid-out' }, h('td', {}, 'Paid out in cash'), h('td', { class: 'num' }, r.paid_out)) : null,
      r.deposits_back.length && !(r.paid_out_minor > 0) ? h('tr', { class: 'receipt-total', id: 'receipt-to-pay' }, h('td', {}, 'To pay'), h('td', { class: 'num' }, r.to_pay)) : null,
      r.payments.filter((p) => !(r.deposits_back.length && p.method === 'exchange')).map((p) => h('tr', {}, h('td', {}, METHOD_LABEL[p.method] || p.method,
        p.card_last_four ? ` •••• ${p.card_last_four}` : '', p.auth_code ? ` auth ${p.auth_code}` : '',
        p.method === 'cash' ? ` (tendered ${p.tendered})` : ''), h('td', { class: 'num' }, p.amount))),
      r.has_change ? h('tr', {}, h('td', {}, 'Change'), h('td', { class: 'num' }, r.change)) : null)),
    h('p', { class: 'receipt-thanks' }, 'Thank you!'),
    r.withdrawal_code ? h('p', { class: 'receipt-withdraw', id: 'receipt-withdrawal-code' }, 'No more news from us? Quote ', h('strong', {}, r.withdrawal_code)) : null,
    // The start of the sale's own journal entry hash: anyone holding the
    // receipt can ask for the entry it names.
    r.check_code ? h('p', { class: 'receipt-check', id: 'receipt-check-code' }, 'Check code ', h('strong', {}, r.check_code)) : null);
}

function refundReceiptView(r) {
  return h('section', { class: 'receipt', id: 'refund-receipt' },
    r.practice ? h('p', { class: 'receipt-practice' }, 'PRACTICE — NOT A REAL REFUND') : null,
    h('h3', {}, r.shop_name),
    h('p', { class: 'receipt-event' }, r.event_name, r.venue ? ` · ${r.venue}` : ''),
    h('p', { class: 'receipt-refund' }, 'REFUND ', h('strong', { class: 'receipt-number' }, r.receipt_number), ' · ', localTime(r.at_utc, r.utc_offset_minutes)),
    r.sale_receipt_number
      ? h('p', {}, 'Of receipt ', h('strong', { id: 'refund-receipt-original' }, r.sale_receipt_number))
      : h('p', { class: 'receipt-void' }, 'WITHOUT A RECEIPT — at today\'s price'),
    r.exchange_receipt_number ? h('p', {}, `Exchanged for sale ${r.exchange_receipt_number}`) : null,
    h('table', { class: 'receipt-lines' },
      h('tbody', {}, r.lines.map((l) => h('tr', {},
        h('td', {}, l.name, h('br'), h('small', {}, `${l.quantity} ${l.unit === 'each' ? '×' : l.unit + ' ×'} ${l.unit_price}`,
          l.has_discount ? ` ${MINUS} ${l.discount}` : '', l.damaged ? ' · damaged' : '')),
        h('td', { class: 'num' }, `${MINUS}${l.gross}`))))),
    h('table', { class: 'receipt-totals' }, h('tbody', {},
      r.taxes.map((t) => h('tr', { class: 'receipt-tax' }, h('td', {}, `Tax ${t.rate}% on ${t.net}`), h('td', { class: 'num' }, `${MINUS}${t.tax}`))),
      r.has_rounding ? h('tr', {}, h('td', {}, 'Cash rounding'), h('td', { class: 'num' }, r.rounding)) : null,
      h('tr', { class: 'receipt-total' }, h('td', {}, 'Paid back'), h('td', { class: 'num' }, r.total)),
      r.payments.map((p) => h('tr', {}, h('td', {}, METHOD_LABEL[p.method] || p.method, p.reference ? ` · ref ${p.reference}` : ''), h('td', { class: 'num' }, p.amount))))),
    r.check_code ? h('p', { class: 'receipt-check' }, `Check ${r.check_code}`) : null);
}

/** A refund's receipt, shown and printable. */
export async function showRefundReceipt(refundId) {
  const r = await call('refund_receipt', { refundId });
  const view = refundReceiptView(r);
  await openDialog({
    id: 'refund-receipt-dialog', title: `Refund ${r.receipt_number}`, body: view,
    extraButtons: [{ id: 'refund-receipt-print', label: 'Print', onclick: () => printSection(view) }],
  });
}

/** Print one section of the page (a receipt, a Z report) and nothing else. */
export function printSection(node) {
  const holder = document.getElementById('print-area') || document.body.appendChild(h('div', { id: 'print-area' }));
  clear(holder).append(node.cloneNode(true));
  window.print();
}

export async function showReceipt(saleId) {
  const r = await call('sale_receipt', { saleId });
  const view = receiptView(r);
  await openDialog({
    id: 'receipt-dialog', title: `Receipt ${r.receipt_number}`, body: view,
    extraButtons: [{ id: 'receipt-print', label: 'Print', onclick: () => printSection(view) }],
  });
}

/** Void a sale: the reason first; the organizer's PIN when the core asks
 * for it. The Void buttons and F11 (the last sale) open it. */
export async function voidSale(till, sale) {
  const asked = { organizer_id: null, pin: null };
  const voided = await openDialog({
    id: 'void-dialog', title: `Void ${sale.receipt_number} (${sale.total})`,
    body: field('Reason', h('input', { name: 'reason', id: 'void-reason', maxlength: '200', autocomplete: 'off' })),
    submitLabel: 'Continue',
    submit: async (v) => {
      const voidWith = (approval) => call('void_sale', { saleId: sale.sale_id, reason: v.reason, approval });
      try {
        return await voidWith(asked);
      } catch (err) {
        if (err.code !== ErrorCode.approvalNeeded) throw err;
      }
      const approval = await till.ctx.askPin(`Void ${sale.receipt_number}: the organizer approves.`);
      if (!approval) return undefined;
      return voidWith(approval);
    },
  });
  if (voided) {
    toast(`Voided ${sale.receipt_number}; stock is back`);
    await till.refreshSide();
  }
  till.focusScan();
}

/** The session's latest sales, each with its receipt and a way to void it. */
export function recentList(till, recent) {
  return h('section', { id: 'till-recent' }, h('h3', {}, 'Recent sales'),
    recent.length === 0 ? h('p', { class: 'muted' }, 'None yet') : null,
    h('table', { class: 'table compact' }, h('tbody', {}, recent.map((s) => h('tr', { class: s.voided ? 'inactive' : '', dataset: { saleId: s.sale_id } },
      h('td', {}, s.receipt_number), h('td', { class: 'num' }, s.total),
      h('td', {}, h('button', { type: 'button', class: 'small show-receipt', onclick: () => showReceipt(s.sale_id).then(till.focusScan) }, 'Receipt'),
        s.voided ? h('span', { class: 'badge' }, 'voided') : h('button', { type: 'button', class: 'small void-sale', onclick: () => voidSale(till, s) }, 'Void')))))));
}
