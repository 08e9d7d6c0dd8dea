// The Till screen: open the till with a counted float, build a cart by
// scanning, searching or quick keys, take cash / card / mobile / split
// payments, print a receipt, void a sale, park carts, move cash in and out,
// and close with a blind count that produces the Z report.
//
// Keyboard first: focus lives in the scan field. A scanner types digits and
// Enter; "3*code" sells three. F2 cash exact, F3 cash tendered, F4 card,
// F6 split, F7 quantity of the last line, F8 discount, F9 park,
// Delete (empty field) removes the last line, Esc closes a dialog.
// All money arithmetic is done in Rust: this screen shows what it returns.

import { call } from '../api.js';
import { h, clear, field, formValues, showFormError, clearFormError, toast } from '../dom.js';
import { visitorTally } from '../visitors.js';

let keyHandler = null;

/** Replace an element's children, skipping null/false and flattening lists
 * (the DOM's own append would print "null" or "[object ...]"). */
function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

const METHOD_LABEL = { cash: 'Cash', card: 'Card', mobile: 'Mobile', other: 'Other' };

/** A modal form in the overlay. `submit(values)` may throw a TillError to
 * show on the form; its result resolves the promise. Esc resolves null. */
function modal({ id, title, body, submitLabel = 'OK', submit, wide = false, extraButtons = [] }) {
  return new Promise((resolve) => {
    const overlay = document.getElementById('overlay');
    const finish = (value) => {
      document.removeEventListener('keydown', onKey, true);
      overlay.hidden = true;
      clear(overlay);
      resolve(value);
    };
    const onKey = (e) => {
      if (e.key === 'Escape' && !document.getElementById('pin-dialog')) {
        e.preventDefault();
        e.stopPropagation();
        finish(null);
      }
    };
    document.addEventListener('keydown', onKey, true);
    const form = h('form', { class: wide ? 'dialog dialog-wide' : 'dialog', role: 'dialog', 'aria-modal': 'true', id, novalidate: true },
      h('h2', {}, title),
      body,
      h('p', { class: 'form-error', role: 'alert' }),
      h('div', { class: 'actions' },
        submit ? h('button', { type: 'submit', class: 'primary', id: `${id}-ok` }, submitLabel) : null,
        extraButtons.map((b) => h('button', { type: 'button', id: b.id, onclick: () => b.onclick(finish) }, b.label)),
        h('button', { type: 'button', id: `${id}-cancel`, onclick: () => finish(null) }, submit ? 'Cancel (Esc)' : 'Close (Esc)')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!submit) return;
      clearFormError(form);
      const okButton = form.querySelector('button[type=submit]');
      okButton.disabled = true;
      try {
        const result = await submit(formValues(form), form);
        if (result !== undefined) finish(result);
      } catch (err) {
        overlay.hidden = false;
        showFormError(form, err);
      } finally {
        okButton.disabled = false;
      }
    });
    clear(overlay).append(form);
    overlay.hidden = false;
    const first = form.querySelector('input:not([type=hidden]), select, textarea, button');
    if (first) { first.focus(); if (first.select) first.select(); }
  });
}

function receiptView(r) {
  const when = new Date(r.at_utc);
  return h('section', { class: 'receipt', id: 'receipt' },
    r.practice ? h('p', { class: 'receipt-practice' }, 'PRACTICE — NOT A REAL SALE') : null,
    h('h3', {}, r.shop_name),
    h('p', { class: 'receipt-event' }, r.event_name, r.venue ? ` · ${r.venue}` : ''),
    h('p', {}, 'Receipt ', h('strong', { class: 'receipt-number' }, r.receipt_number), ' · ', when.toLocaleString()),
    r.voided ? h('p', { class: 'receipt-void' }, `VOIDED: ${r.voided}`) : null,
    h('table', { class: 'receipt-lines' },
      h('tbody', {}, r.lines.map((l) => h('tr', {},
        h('td', {}, l.name, h('br'), h('small', {}, `${l.quantity} ${l.unit === 'each' ? '×' : l.unit + ' ×'} ${l.unit_price}`,
          Number(l.discount) !== 0 ? ` − ${l.discount}` : '', l.handover_later ? ' · hand over later' : '')),
        h('td', { class: 'num' }, l.gross))))),
    h('table', { class: 'receipt-totals' }, h('tbody', {},
      Number(r.discount) !== 0 ? h('tr', {}, h('td', {}, 'Discounts'), h('td', { class: 'num' }, `−${r.discount}`)) : null,
      r.tax_mode === 'exclusive' ? h('tr', {}, h('td', {}, 'Subtotal (excl. tax)'), h('td', { class: 'num' }, r.subtotal)) : null,
      r.taxes.map((t) => h('tr', { class: 'receipt-tax' }, h('td', {}, `Tax ${t.rate}% on ${t.net}`), h('td', { class: 'num' }, t.tax))),
      Number(r.rounding) !== 0 ? h('tr', {}, h('td', {}, 'Cash rounding'), h('td', { class: 'num' }, r.rounding)) : null,
      h('tr', { class: 'receipt-total' }, h('td', {}, 'Total'), h('td', { class: 'num' }, r.total)),
      r.payments.map((p) => h('tr', {}, h('td', {}, METHOD_LABEL[p.method] || p.method,
        p.card_last_four ? ` •••• ${p.card_last_four}` : '', p.auth_code ? ` auth ${p.auth_code}` : '',
        p.method === 'cash' ? ` (tendered ${p.tendered})` : ''), h('td', { class: 'num' }, p.amount))),
      Number(r.change) !== 0 ? h('tr', {}, h('td', {}, 'Change'), h('td', { class: 'num' }, r.change)) : null)),
    h('p', { class: 'receipt-thanks' }, 'Thank you!'));
}

function printSection(node) {
  const holder = document.getElementById('print-area') || document.body.appendChild(h('div', { id: 'print-area' }));
  clear(holder).append(node.cloneNode(true));
  window.print();
}

function zReportView(z) {
  const f = z.figures;
  const c = f.cash;
  const minus = (m) => (m.minor === 0 ? m.text : `−${m.text}`);
  const row = (label, value, id) => h('tr', id ? { id } : {}, h('th', {}, label), h('td', { class: 'num' }, value));
  return h('section', { class: 'z-report', id: 'z-report' },
    h('h3', {}, `${f.practice ? 'PRACTICE ' : ''}Z report no. ${z.number}`),
    h('p', { class: 'muted' }, `${new Date(f.opened_at).toLocaleString()} – ${new Date(f.closed_at).toLocaleString()} · ${f.currency}`),
    h('table', { class: 'table compact' }, h('tbody', {},
      row('Sales', String(f.sales_count), 'z-sales-count'),
      row('Receipts', f.first_receipt ? `${f.first_receipt} – ${f.last_receipt}` : '—'),
      row('Total taken', f.total.text, 'z-total'),
      row('Voids', `${f.voids.count} (${f.voids.total.text})`, 'z-voids'),
      row('Discounts', f.discounts.text),
      row('Cash rounding', f.rounding.text),
      f.payments.map((m) => row(`${METHOD_LABEL[m.method] || m.method} (${m.count})`, m.amount.text, `z-method-${m.method}`)),
      f.tax_by_rate.map((t) => row(`Tax ${t.rate}% (net ${t.net.text}, gross ${t.gross.text})`, t.tax.text, null)),
      row('Opening float', c.opening_float.text),
      row('Cash taken', c.taken.text),
      row('Change given', minus(c.change_given)),
      row('Cash refunded', minus(c.refunded)),
      row('Paid in', c.paid_in.text),
      row('Paid out', minus(c.paid_out)),
      row('Drops', minus(c.drops)),
      row('Expected cash', c.expected.text, 'z-expected'),
      row('Counted cash', c.counted.text, 'z-counted'),
      row('Variance', c.variance.text, 'z-variance'),
      f.variance_reason ? row('Reason', f.variance_reason) : null)));
}

async function showZReport(z) {
  const view = zReportView(z);
  await modal({
    id: 'z-dialog', title: 'Z report', body: view, wide: true,
    extraButtons: [{ id: 'z-print', label: 'Print', onclick: () => printSection(view) }],
  });
}

async function showReceipt(saleId) {
  const r = await call('sale_receipt', { saleId });
  const view = receiptView(r);
  await modal({
    id: 'receipt-dialog', title: `Receipt ${r.receipt_number}`, body: view,
    extraButtons: [{ id: 'receipt-print', label: 'Print', onclick: () => printSection(view) }],
  });
}

// Coins and notes a drawer usually holds; the count is summed in Rust.
const FACES = ['100', '50', '20', '10', '5', '2', '1', '0.50', '0.20', '0.10', '0.05', '0.02', '0.01'];

/** A fold-out grid to count the drawer by denomination. */
function denominationGrid(prefix) {
  return h('details', { class: 'denominations', id: `${prefix}-denominations` },
    h('summary', {}, 'Count by coins and notes (optional)'),
    h('div', { class: 'denomination-grid' }, FACES.map((face) => h('label', { class: 'denomination' },
      h('span', {}, `${face} ×`),
      h('input', { name: `face:${face}`, inputmode: 'numeric', autocomplete: 'off', dataset: { face } })))));
}

/** The counted pieces as {face: count}, or null when none were entered. */
function countedPieces(form) {
  const pieces = {};
  for (const input of form.querySelectorAll('.denomination input')) {
    const text = input.value.trim();
    if (text) pieces[input.dataset.face] = text;
  }
  return Object.keys(pieces).length ? pieces : null;
}

// ----- the screen -----

export async function render(root, ctx) {
  if (keyHandler) document.removeEventListener('keydown', keyHandler);
  keyHandler = null;
  const overview = await call('till_overview');
  root.replaceChildren();
  if (!overview.session) {
    renderClosed(root, ctx, overview);
    return;
  }
  renderSelling(root, ctx, overview);
}

function renderClosed(root, ctx, overview) {
  const form = h('form', { class: 'panel', id: 'till-open-form', novalidate: true },
    h('h2', {}, 'Open the till'),
    overview.event_name
      ? h('p', {}, 'Event: ', h('strong', {}, overview.event_name))
      : h('p', { class: 'notice' }, 'No event is open: open today\'s event on the Event screen first.'),
    field(`Counted float (${overview.currency})`, h('input', { name: 'float', id: 'till-float', inputmode: 'decimal', autocomplete: 'off', placeholder: overview.zero }),
      'Count the coins and notes in the drawer before the first sale.'),
    denominationGrid('float'),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'practice', id: 'till-practice' }),
      ' Practice mode: rehearse with volunteers; sales go to a separate series and count nowhere.'),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary huge', id: 'till-open' }, 'Open till')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      await call('open_till_session', {
        input: { float: form.elements.float.value, denominations: countedPieces(form), practice: form.elements.practice.checked },
      });
      toast('Till open');
      await render(root, ctx);
    } catch (err) { showFormError(form, err); }
  });
  const zList = h('section', { class: 'panel', id: 'z-list' },
    h('h2', {}, 'Z reports'),
    overview.z_reports.length === 0 ? h('p', { class: 'muted' }, 'No till session has been closed yet.') : null,
    h('ul', { class: 'plain-list' }, overview.z_reports.map((z) => h('li', {},
      h('button', { type: 'button', class: 'z-open', dataset: { zId: z.id }, onclick: () => showZReport(z) },
        `${z.practice ? 'Practice ' : ''}Z ${z.number} · ${new Date(z.at_utc).toLocaleString()} · ${z.figures.total.text}`)))));
  root.append(h('div', { class: 'screen-head' }, h('h1', {}, 'Till')),
    h('div', { class: 'two-col' }, form, zList));
  form.elements.float.focus();
}

function renderSelling(root, ctx, overview) {
  const session = overview.session;
  const state = { lines: [], sale_discount: null, handover_contact: null, quote: null, last: null };

  const scan = h('input', { id: 'till-scan', class: 'scan', autocomplete: 'off', placeholder: 'Scan or type a name, SKU or barcode · 3*code sells three' });
  const results = h('div', { class: 'till-results', id: 'till-results' });
  const cartBody = h('tbody', { id: 'till-cart-lines' });
  const totals = h('div', { class: 'till-totals', id: 'till-totals' });
  const message = h('div', { class: 'till-message', id: 'till-message', role: 'status' });
  const warnings = h('div', { id: 'till-warnings' });

  const cartInput = () => ({
    lines: state.lines.map((l) => ({
      product_id: l.product_id, quantity: l.quantity, discount: l.discount, price_override: l.price_override, handover_later: l.handover_later,
    })),
    sale_discount: state.sale_discount,
    handover_contact: state.lines.some((l) => l.handover_later) ? state.handover_contact : null,
  });

  const focusScan = () => { if (document.getElementById('overlay').hidden) scan.focus(); };

  function drawCart() {
    clear(cartBody);
    clear(warnings);
    const q = state.quote;
    if (!q || state.lines.length === 0) {
      cartBody.append(h('tr', {}, h('td', { colspan: '5', class: 'muted empty-cart' }, 'Cart is empty: scan or search to add a product.')));
      fill(totals, h('div', { class: 'total-big', id: 'till-total' }, overview.zero));
      return;
    }
    q.lines.forEach((l, i) => {
      cartBody.append(h('tr', { class: 'cart-line', dataset: { index: String(i) } },
        h('td', {}, h('button', { type: 'button', class: 'line-name', onclick: () => editLine(i) }, l.name),
          l.handover_later ? h('span', { class: 'badge' }, 'hand over later') : null,
          l.overridden ? h('span', { class: 'badge' }, 'price override') : null),
        h('td', { class: 'num line-qty' }, l.unit === 'each' ? l.quantity : `${l.quantity} ${l.unit}`),
        h('td', { class: 'num' }, l.unit_price),
        h('td', { class: 'num line-discount' }, Number(l.discount) ? `−${l.discount}` : ''),
        h('td', { class: 'num line-total' }, l.gross)));
    });
    q.warnings.forEach((w) => warnings.append(h('p', { class: 'notice stock-warning' }, `Stock warning: ${w}`)));
    fill(totals,
      h('div', { class: 'total-row' }, h('span', {}, q.tax_mode === 'exclusive' ? 'Items (excl. tax)' : 'Items'), h('span', { id: 'till-items' }, q.items_total)),
      Number(q.discount) ? h('div', { class: 'total-row' }, h('span', {}, 'Discounts'), h('span', { id: 'till-discount' }, `−${q.discount}`)) : null,
      h('div', { class: 'total-row' }, h('span', {}, q.tax_mode === 'exclusive' ? 'Tax' : 'Incl. tax'), h('span', { id: 'till-tax' }, q.tax)),
      h('div', { class: 'total-big', id: 'till-total' }, q.total),
      q.cash_total !== q.total ? h('div', { class: 'total-row', id: 'till-cash-total' }, h('span', {}, 'In cash'), h('span', {}, q.cash_total)) : null,
      q.needs_approval ? h('p', { class: 'notice' }, `Needs an organizer PIN: ${q.approval_reasons.join(', ')}`) : null);
  }

  async function requote(undo) {
    if (state.lines.length === 0) {
      state.quote = null;
      drawCart();
      return true;
    }
    try {
      state.quote = await call('quote_cart', { cart: cartInput() });
      drawCart();
      return true;
    } catch (err) {
      if (undo) undo();
      showMessage(err.message, 'error');
      if (state.lines.length) {
        try { state.quote = await call('quote_cart', { cart: cartInput() }); } catch (_) { state.quote = null; }
      } else {
        state.quote = null;
      }
      drawCart();
      return false;
    }
  }

  function showMessage(text, kind = 'info', big = null) {
    fill(message, h('p', { class: `till-msg till-msg-${kind}` }, text), big);
  }

  async function addProduct(p, quantity) {
    if (!p.active) { showMessage(`${p.name} is archived and cannot be sold`, 'error'); return; }
    let qty = quantity;
    if (p.unit !== 'each' && !qty) {
      qty = await modal({
        id: 'weight-dialog', title: `${p.name}: ${p.unit === 'kg' ? 'weight' : 'volume'}`,
        body: field(`${p.unit === 'kg' ? 'Weight in kg' : 'Volume in l'} (price ${p.price} per ${p.unit})`,
          h('input', { name: 'quantity', id: 'weight-input', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.250' })),
        submitLabel: 'Add',
        submit: async (v) => v.quantity,
      });
      if (!qty) { focusScan(); return; }
    }
    qty = qty || '1';
    const same = state.lines.find((l) => l.product_id === p.id && p.unit === 'each' && !l.discount && !l.price_override && !l.handover_later);
    let undo;
    if (same && /^\d+$/.test(qty) && /^\d+$/.test(same.quantity)) {
      const before = same.quantity;
      same.quantity = String(Number(same.quantity) + Number(qty));
      undo = () => { same.quantity = before; };
    } else {
      state.lines.push({ product_id: p.id, name: p.name, unit: p.unit, quantity: qty, discount: null, price_override: null, handover_later: false });
      undo = () => { state.lines.pop(); };
    }
    if (await requote(undo)) showMessage(`Added ${p.name}`);
    focusScan();
  }

  let searchTimer = null;
  async function onScanEnter() {
    let text = scan.value.trim();
    if (!text) return;
    let quantity = null;
    const m = text.match(/^(\d+(?:[.,]\d+)?)\*(.+)$/);
    if (m) { quantity = m[1].replace(',', '.'); text = m[2].trim(); }
    scan.value = '';
    clearTimeout(searchTimer);
    clear(results);
    try {
      let product = await call('till_scan', { code: text });
      if (!product) {
        const found = await call('till_search', { query: text });
        product = found[0] || null;
      }
      if (!product) { showMessage(`Nothing matches “${text}”`, 'error'); return; }
      await addProduct(product, quantity);
    } catch (err) {
      showMessage(err.message, 'error');
    }
  }

  scan.addEventListener('input', () => {
    clearTimeout(searchTimer);
    const text = scan.value.trim().replace(/^\d+(?:[.,]\d+)?\*/, '');
    if (text.length < 2 || /^\d{6,}$/.test(text)) { clear(results); return; }
    searchTimer = setTimeout(async () => {
      try {
        const found = await call('till_search', { query: text });
        // The cashier may have pressed Enter (or cleared the field) meanwhile.
        if (!scan.value.includes(text)) return;
        fill(results, found.map((p) => h('button', {
          type: 'button', class: 'result', tabindex: '-1', dataset: { productId: p.id },
          onclick: () => { scan.value = ''; clear(results); addProduct(p, null); },
        }, h('strong', {}, p.name), h('span', { class: 'muted' }, ` ${p.sku} · ${p.price}${p.unit === 'each' ? '' : ' / ' + p.unit}`))));
      } catch (err) { showMessage(err.message, 'error'); }
    }, 120);
  });
  scan.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); onScanEnter(); }
  });

  async function editLine(i) {
    const l = state.lines[i];
    if (!l) return;
    const kindSelect = h('select', { name: 'discount_kind', id: 'line-discount-kind' },
      h('option', { value: 'percent' }, '%'), h('option', { value: 'amount' }, overview.currency));
    if (l.discount) kindSelect.value = l.discount.kind;
    const result = await modal({
      id: 'line-dialog', title: l.name,
      body: h('div', {},
        field(l.unit === 'each' ? 'Quantity' : `Quantity (${l.unit})`, h('input', { name: 'quantity', id: 'line-quantity', inputmode: 'decimal', value: l.quantity, autocomplete: 'off' })),
        h('div', { class: 'row' },
          field('Line discount', h('input', { name: 'discount', id: 'line-discount', inputmode: 'decimal', value: l.discount ? l.discount.value : '', autocomplete: 'off' })),
          field('Discount in', kindSelect)),
        field('Price override (per unit, needs a PIN)', h('input', { name: 'price_override', id: 'line-price', inputmode: 'decimal', value: l.price_override || '', autocomplete: 'off' })),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'handover_later', id: 'line-later', checked: l.handover_later }), ' Paid now, hand over later (pre-order)'),
        h('p', { class: 'muted' }, 'Pre-order contact: kept with the order only, to hand it over.'),
        h('div', { class: 'row' },
          field('Customer name', h('input', { name: 'contact_name', id: 'line-contact-name', autocomplete: 'off', value: state.handover_contact ? state.handover_contact.name : '' })),
          field('Phone', h('input', { name: 'contact_phone', id: 'line-contact-phone', autocomplete: 'off', value: state.handover_contact ? state.handover_contact.phone : '' }))),
        field('Email', h('input', { name: 'contact_email', id: 'line-contact-email', autocomplete: 'off', value: state.handover_contact ? state.handover_contact.email : '' }))),
      submitLabel: 'Apply',
      extraButtons: [{ id: 'line-remove', label: 'Remove line', onclick: (finish) => finish('remove') }],
      submit: async (v, form) => {
        const before = { ...l };
        l.quantity = v.quantity.trim();
        l.discount = v.discount.trim() ? { kind: v.discount_kind, value: v.discount.trim() } : null;
        l.price_override = v.price_override.trim() || null;
        l.handover_later = form.elements.handover_later.checked;
        if (l.handover_later) {
          state.handover_contact = { name: v.contact_name.trim(), phone: v.contact_phone.trim(), email: v.contact_email.trim() };
        }
        try {
          state.quote = await call('quote_cart', { cart: cartInput() });
        } catch (err) {
          Object.assign(l, before);
          throw err;
        }
        return 'ok';
      },
    });
    if (result === 'remove') {
      state.lines.splice(i, 1);
      await requote();
    } else {
      drawCart();
    }
    focusScan();
  }

  async function saleDiscount() {
    if (!state.lines.length) return;
    const kindSelect = h('select', { name: 'kind', id: 'sale-discount-kind' },
      h('option', { value: 'percent' }, '%'), h('option', { value: 'amount' }, overview.currency));
    if (state.sale_discount) kindSelect.value = state.sale_discount.kind;
    await modal({
      id: 'sale-discount-dialog', title: 'Discount on the whole sale',
      body: h('div', { class: 'row' },
        field('Discount', h('input', { name: 'value', id: 'sale-discount-value', inputmode: 'decimal', autocomplete: 'off', value: state.sale_discount ? state.sale_discount.value : '' })),
        field('In', kindSelect)),
      submitLabel: 'Apply',
      submit: async (v) => {
        const before = state.sale_discount;
        state.sale_discount = v.value.trim() ? { kind: v.kind, value: v.value.trim() } : null;
        try {
          state.quote = await call('quote_cart', { cart: cartInput() });
        } catch (err) {
          state.sale_discount = before;
          throw err;
        }
        return 'ok';
      },
    });
    drawCart();
    focusScan();
  }

  // Ask for the organizer's PIN before a payment dialog opens (the PIN
  // dialog shares the overlay). Resolves the approval, or null if cancelled.
  async function approvalFor() {
    if (!state.quote || !state.quote.needs_approval) return { organizer_id: null, pin: null };
    const got = await ctx.askPin(`Approve: ${state.quote.approval_reasons.join(', ')}`);
    if (!got) focusScan();
    return got;
  }

  async function complete(payments, approval) {
    if (!state.lines.length || !state.quote) { showMessage('The cart is empty', 'error'); return null; }
    const done = await call('complete_sale', { cart: cartInput(), payments, approval });
    state.lines = [];
    state.sale_discount = null;
    state.handover_contact = null;
    state.quote = null;
    state.last = done;
    drawCart();
    const big = h('div', { class: 'change-panel', id: 'till-change-panel' },
      h('div', { class: 'change-label' }, 'Change'),
      h('div', { class: 'change-big', id: 'till-change' }, done.change),
      h('div', {}, `Sale ${done.receipt_number} · total ${done.total}`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'till-show-receipt', onclick: () => showReceipt(done.sale_id).then(focusScan) }, 'Receipt')));
    showMessage(`Sale complete: ${done.receipt_number}`, 'ok', big);
    done.warnings.forEach((w) => message.append(h('p', { class: 'notice stock-warning' }, `Stock warning: ${w}`)));
    await refreshSide();
    focusScan();
    return done;
  }

  async function runPayment(payments) {
    const approval = await approvalFor();
    if (!approval) return null;
    try {
      return await complete(payments, approval);
    } catch (err) {
      showMessage(err.message, 'error');
      focusScan();
      return null;
    }
  }

  const payCashExact = () => runPayment([{ method: 'cash' }]);

  async function payCashTendered() {
    if (!state.quote) return;
    const q = state.quote;
    const approval = await approvalFor();
    if (!approval) return;
    await modal({
      id: 'cash-dialog', title: 'Cash',
      body: h('div', {},
        h('p', { class: 'due-big' }, 'Due ', h('strong', { id: 'cash-due' }, q.cash_total)),
        field('Tendered', h('input', { name: 'tendered', id: 'cash-tendered', inputmode: 'decimal', autocomplete: 'off' }))),
      submitLabel: 'Take cash',
      submit: async (v) => complete([{ method: 'cash', tendered: v.tendered }], approval),
    });
    focusScan();
  }

  async function payCard() {
    if (!state.quote) return;
    const approval = await approvalFor();
    if (!approval) return;
    await modal({
      id: 'card-dialog', title: `Card: ${state.quote.total}`,
      body: h('div', {},
        h('p', {}, 'Take the payment on the card terminal, then record it here.'),
        h('div', { class: 'row' },
          field('Last four digits (optional)', h('input', { name: 'card_last_four', id: 'card-last-four', inputmode: 'numeric', maxlength: '4', autocomplete: 'off' })),
          field('Authorisation code (optional)', h('input', { name: 'auth_code', id: 'card-auth', autocomplete: 'off', maxlength: '32' })))),
      submitLabel: 'Card paid',
      submit: async (v) => complete([{ method: 'card', card_last_four: v.card_last_four, auth_code: v.auth_code }], approval),
    });
    focusScan();
  }

  async function paySplit() {
    if (!state.quote) return;
    const approval = await approvalFor();
    if (!approval) return;
    await modal({
      id: 'split-dialog', title: `Split payment: ${state.quote.total}`,
      body: h('div', {},
        h('p', { class: 'muted' }, 'Enter what each method pays; cash pays what is left (leave Tendered empty for exact cash).'),
        h('div', { class: 'row' },
          field('Card amount', h('input', { name: 'card', id: 'split-card', inputmode: 'decimal', autocomplete: 'off' })),
          field('Card last four (optional)', h('input', { name: 'card_last_four', id: 'split-card-four', inputmode: 'numeric', maxlength: '4', autocomplete: 'off' }))),
        h('div', { class: 'row' },
          field('Mobile amount', h('input', { name: 'mobile', id: 'split-mobile', inputmode: 'decimal', autocomplete: 'off' })),
          field('Other amount', h('input', { name: 'other', id: 'split-other', inputmode: 'decimal', autocomplete: 'off' }))),
        field('Cash tendered', h('input', { name: 'tendered', id: 'split-tendered', inputmode: 'decimal', autocomplete: 'off' }))),
      submitLabel: 'Take payment',
      submit: async (v) => {
        const payments = [];
        if (v.card.trim()) payments.push({ method: 'card', amount: v.card, card_last_four: v.card_last_four });
        if (v.mobile.trim()) payments.push({ method: 'mobile', amount: v.mobile });
        if (v.other.trim()) payments.push({ method: 'other', amount: v.other });
        payments.push({ method: 'cash', tendered: v.tendered });
        return complete(payments, approval);
      },
    });
    focusScan();
  }

  async function park() {
    if (!state.lines.length) return;
    const label = await modal({
      id: 'park-dialog', title: 'Park this cart',
      body: field('Label (optional)', h('input', { name: 'label', id: 'park-label', maxlength: '60', autocomplete: 'off', placeholder: 'e.g. blue coat' })),
      submitLabel: 'Park',
      submit: async (v) => { await call('park_cart', { cart: cartInput(), label: v.label }); return 'parked'; },
    });
    if (label) {
      state.lines = [];
      state.sale_discount = null;
      state.handover_contact = null;
      state.quote = null;
      drawCart();
      showMessage('Cart parked');
      await refreshSide();
    }
    focusScan();
  }

  async function cancelCart() {
    state.lines = [];
    state.sale_discount = null;
    state.handover_contact = null;
    state.quote = null;
    drawCart();
    showMessage('Cart cleared');
    focusScan();
  }

  async function resume(p) {
    if (state.lines.length) { showMessage('Finish or park the current cart first', 'error'); return; }
    try {
      const cart = await call('resume_parked_cart', { id: p.id });
      const q = await call('quote_cart', { cart });
      state.lines = cart.lines.map((l, i) => ({ ...l, name: q.lines[i].name, unit: q.lines[i].unit }));
      state.sale_discount = cart.sale_discount;
      state.handover_contact = cart.handover_contact || null;
      state.quote = q;
      drawCart();
      await refreshSide();
    } catch (err) { showMessage(err.message, 'error'); }
    focusScan();
  }

  async function voidSale(sale) {
    const reason = await modal({
      id: 'void-dialog', title: `Void ${sale.receipt_number} (${sale.total})`,
      body: field('Reason', h('input', { name: 'reason', id: 'void-reason', maxlength: '200', autocomplete: 'off' })),
      submitLabel: 'Continue',
      submit: async (v) => {
        if (!v.reason.trim()) {
          const err = new Error('reason: say why the sale is voided'); err.field = 'reason'; throw err;
        }
        return v.reason;
      },
    });
    if (!reason) { focusScan(); return; }
    const approval = await ctx.askPin(`Void ${sale.receipt_number}: the organizer approves.`);
    if (!approval) { focusScan(); return; }
    try {
      await call('void_sale', { saleId: sale.sale_id, reason, approval });
      toast(`Voided ${sale.receipt_number}; stock is back`);
      await refreshSide();
    } catch (err) { showMessage(err.message, 'error'); }
    focusScan();
  }

  async function moveCash(kind, title) {
    await modal({
      id: 'cash-move-dialog', title,
      body: h('div', {},
        field('Amount', h('input', { name: 'amount', id: 'cash-move-amount', inputmode: 'decimal', autocomplete: 'off' })),
        field('Reason', h('input', { name: 'reason', id: 'cash-move-reason', maxlength: '200', autocomplete: 'off' }))),
      submitLabel: 'Record',
      submit: async (v) => { await call('move_till_cash', { kind, amount: v.amount, reason: v.reason }); return 'ok'; },
    });
    focusScan();
  }

  async function closeTill() {
    if (state.lines.length) { showMessage('Finish, park or clear the cart before closing', 'error'); return; }
    const z = await modal({
      id: 'close-dialog', title: 'Close the till: blind count',
      body: h('div', {},
        h('p', {}, 'Count the cash in the drawer and enter it. The expected amount is shown only after the count.'),
        field(`Counted cash (${overview.currency})`, h('input', { name: 'counted', id: 'close-counted', inputmode: 'decimal', autocomplete: 'off' })),
        denominationGrid('close'),
        field('Reason, if the count differs', h('input', { name: 'reason', id: 'close-reason', maxlength: '200', autocomplete: 'off' }))),
      submitLabel: 'Close till',
      submit: async (v, form) => call('close_till_session', { input: { counted: v.counted, denominations: countedPieces(form), reason: v.reason } }),
    });
    if (z) {
      await showZReport(z);
      await render(root, ctx);
    } else {
      focusScan();
    }
  }

  const side = h('div', { class: 'till-side-lists' });
  async function refreshSide() {
    const o = await call('till_overview');
    fill(side,
      o.parked.length ? h('section', { id: 'till-parked' }, h('h3', {}, 'Parked'),
        o.parked.map((p) => h('div', { class: 'parked' },
          h('button', { type: 'button', class: 'resume', onclick: () => resume(p) }, `Resume ${p.label || new Date(p.parked_at).toLocaleTimeString()} (${p.cart.lines.length})`),
          h('button', {
            type: 'button', class: 'cancel-parked', title: 'Cancel this parked cart',
            onclick: async () => { await call('cancel_parked_cart', { id: p.id }); await refreshSide(); focusScan(); },
          }, '✕')))) : null,
      h('section', { id: 'till-recent' }, h('h3', {}, 'Recent sales'),
        o.recent.length === 0 ? h('p', { class: 'muted' }, 'None yet') : null,
        h('table', { class: 'table compact' }, h('tbody', {}, o.recent.map((s) => h('tr', { class: s.voided ? 'inactive' : '', dataset: { saleId: s.sale_id } },
          h('td', {}, s.receipt_number), h('td', { class: 'num' }, s.total),
          h('td', {}, h('button', { type: 'button', class: 'small show-receipt', onclick: () => showReceipt(s.sale_id).then(focusScan) }, 'Receipt'),
            s.voided ? h('span', { class: 'badge' }, 'voided') : h('button', { type: 'button', class: 'small void-sale', onclick: () => voidSale(s) }, 'Void'))))))));
  }

  const quick = h('div', { class: 'quick-keys', id: 'till-quick' },
    overview.quick_keys.map((p) => h('button', { type: 'button', class: 'quick', dataset: { productId: p.id }, onclick: () => addProduct(p, null) },
      h('span', { class: 'quick-name' }, p.name), h('span', { class: 'quick-price' }, p.unit === 'each' ? p.price : `${p.price}/${p.unit}`))));

  const keyButton = (id, label, key, fn, cls = '') => h('button', { type: 'button', id, class: `paykey ${cls}`, onclick: fn }, h('span', {}, label), h('kbd', {}, key));

  fill(root,
    session.practice ? h('div', { class: 'practice-banner', id: 'practice-banner' }, 'PRACTICE MODE — sales here are rehearsals: a separate series, no stock, left out of the figures') : null,
    h('div', { class: 'till-head' },
      h('h1', {}, 'Till'),
      h('span', { class: 'muted' }, `${overview.event_name || ''} · float ${session.opening_float}`),
      session.practice ? null : visitorTally({ id: session.event_id, name: overview.event_name, status: 'open' }, () => focusScan(), { compact: true }),
      h('div', { class: 'till-session-actions' },
        h('button', { type: 'button', id: 'till-paid-in', onclick: () => moveCash('paid_in', 'Paid in') }, 'Paid in'),
        h('button', { type: 'button', id: 'till-paid-out', onclick: () => moveCash('paid_out', 'Paid out') }, 'Paid out'),
        h('button', { type: 'button', id: 'till-drop', onclick: () => moveCash('drop', 'Cash drop to the safe') }, 'Drop'),
        h('button', { type: 'button', id: 'till-close', onclick: closeTill }, 'Close till'))),
    h('div', { class: 'till-grid' },
      h('section', { class: 'till-left' },
        h('div', { class: 'scan-wrap' }, scan, results),
        quick,
        h('table', { class: 'table cart', id: 'till-cart' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Price'), h('th', { class: 'num' }, 'Disc.'), h('th', { class: 'num' }, 'Total'))),
          cartBody),
        warnings,
        side),
      h('section', { class: 'till-right' },
        totals,
        h('div', { class: 'paykeys' },
          keyButton('pay-cash-exact', 'Cash exact', 'F2', payCashExact, 'primary'),
          keyButton('pay-cash', 'Cash tendered', 'F3', payCashTendered, 'primary'),
          keyButton('pay-card', 'Card', 'F4', payCard),
          keyButton('pay-split', 'Split', 'F6', paySplit),
          keyButton('cart-qty', 'Quantity', 'F7', () => editLine(state.lines.length - 1)),
          keyButton('cart-discount', 'Sale discount', 'F8', saleDiscount),
          keyButton('cart-park', 'Park', 'F9', park),
          keyButton('cart-cancel', 'Clear cart', 'Ctrl+Del', cancelCart)),
        message)));

  keyHandler = (e) => {
    if (!root.isConnected || root.dataset.screen !== 'till') {
      document.removeEventListener('keydown', keyHandler);
      return;
    }
    if (!document.getElementById('overlay').hidden) return;
    const actions = { F2: payCashExact, F3: payCashTendered, F4: payCard, F6: paySplit, F7: () => editLine(state.lines.length - 1), F8: saleDiscount, F9: park };
    if (actions[e.key]) { e.preventDefault(); actions[e.key](); return; }
    if (e.key === 'Delete' && e.ctrlKey) { e.preventDefault(); cancelCart(); return; }
    if (e.key === 'Delete' && document.activeElement === scan && !scan.value && state.lines.length) {
      e.preventDefault();
      state.lines.pop();
      requote();
      return;
    }
    if (document.activeElement !== scan && e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey
      && !['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) {
      // A scanner or a cashier typing anywhere on the screen lands in the scan field.
      scan.focus();
    }
  };
  document.addEventListener('keydown', keyHandler);
  drawCart();
  refreshSide();
  scan.focus();
}
