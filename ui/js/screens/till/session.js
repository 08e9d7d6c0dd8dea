// The till session on the Till screen: opening with a counted float,
// paid in / paid out / drops, the blind count at close and the Z report.
// The drawer can be counted by coins and notes: the faces are the shop
// currency's, as the core lists them, and the core adds the count up.

import { call } from '../../api.js';
import { h, field, showFormError, clearFormError, toast } from '../../dom.js';
import { openDialog } from '../../dialog.js';
import { localTime } from '../../time.js';
import { METHOD_LABEL, printSection } from './receipts.js';

/** A fold-out grid to count the drawer by coins and notes. */
function denominationGrid(prefix, faces) {
  return h('details', { class: 'denominations', id: `${prefix}-denominations` },
    h('summary', {}, 'Count by coins and notes (optional)'),
    h('div', { class: 'denomination-grid' }, faces.map((face) => h('label', { class: 'denomination' },
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

function zReportView(z) {
  const f = z.figures;
  const c = f.cash;
  const minus = (m) => (m.minor === 0 ? m.text : `−${m.text}`);
  const row = (label, value, id) => h('tr', id ? { id } : {}, h('th', {}, label), h('td', { class: 'num' }, value));
  return h('section', { class: 'z-report', id: 'z-report' },
    h('h3', {}, `${f.practice ? 'PRACTICE ' : ''}Z report no. ${z.number}`),
    h('p', { class: 'muted' }, `${localTime(f.opened_at)} – ${localTime(f.closed_at)} · ${f.currency}`),
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
  await openDialog({
    id: 'z-dialog', title: 'Z report', body: view, wide: true,
    extraButtons: [{ id: 'z-print', label: 'Print', onclick: () => printSection(view) }],
  });
}

/** The closed till: open it with a counted float; the Z reports so far. */
export function renderClosed(root, overview, reopen) {
  const form = h('form', { class: 'panel', id: 'till-open-form', novalidate: true },
    h('h2', {}, 'Open the till'),
    overview.event_name
      ? h('p', {}, 'Event: ', h('strong', {}, overview.event_name))
      : h('p', { class: 'notice' }, 'No event is open: open today\'s event on the Event screen first.'),
    field(`Counted float (${overview.currency})`, h('input', { name: 'float', id: 'till-float', inputmode: 'decimal', autocomplete: 'off', placeholder: overview.zero }),
      'Count the coins and notes in the drawer before the first sale.'),
    denominationGrid('float', overview.faces),
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
      await reopen();
    } catch (err) { showFormError(form, err); }
  });
  const zList = h('section', { class: 'panel', id: 'z-list' },
    h('h2', {}, 'Z reports'),
    overview.z_reports.length === 0 ? h('p', { class: 'muted' }, 'No till session has been closed yet.') : null,
    h('ul', { class: 'plain-list' }, overview.z_reports.map((z) => h('li', {},
      h('button', { type: 'button', class: 'z-open', dataset: { zId: z.id }, onclick: () => showZReport(z) },
        `${z.practice ? 'Practice ' : ''}Z ${z.number} · ${localTime(z.at_utc)} · ${z.figures.total.text}`)))));
  root.append(h('div', { class: 'screen-head' }, h('h1', {}, 'Till')),
    h('div', { class: 'two-col' }, form, zList));
  form.elements.float.focus();
}

/** Paid in, paid out or a drop to the safe, with its reason. */
export async function moveCash(till, kind, title) {
  await openDialog({
    id: 'cash-move-dialog', title,
    body: h('div', {},
      field('Amount', h('input', { name: 'amount', id: 'cash-move-amount', inputmode: 'decimal', autocomplete: 'off' })),
      field('Reason', h('input', { name: 'reason', id: 'cash-move-reason', maxlength: '200', autocomplete: 'off' }))),
    submitLabel: 'Record',
    submit: async (v) => { await call('move_till_cash', { kind, amount: v.amount, reason: v.reason }); return 'ok'; },
  });
  till.focusScan();
}

/** Close with a blind count: the expected amount shows only in the Z report. */
export async function closeTill(till) {
  if (till.cart.hasLines()) { till.showMessage('Finish, park or clear the cart before closing', 'error'); return; }
  const { overview } = till;
  const z = await openDialog({
    id: 'close-dialog', title: 'Close the till: blind count',
    body: h('div', {},
      h('p', {}, 'Count the cash in the drawer and enter it. The expected amount is shown only after the count.'),
      field(`Counted cash (${overview.currency})`, h('input', { name: 'counted', id: 'close-counted', inputmode: 'decimal', autocomplete: 'off' })),
      denominationGrid('close', overview.faces),
      field('Reason, if the count differs', h('input', { name: 'reason', id: 'close-reason', maxlength: '200', autocomplete: 'off' }))),
    submitLabel: 'Close till',
    submit: (v, form) => call('close_till_session', { input: { counted: v.counted, denominations: countedPieces(form), reason: v.reason } }),
  });
  if (z) {
    await showZReport(z);
    await till.rerender();
  } else {
    till.focusScan();
  }
}
