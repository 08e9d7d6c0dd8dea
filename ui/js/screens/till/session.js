// The till session on the Till screen: opening with a counted float,
// paid in / paid out / drops, the blind count at close and the Z report
// (with the reason for a variance, asked after the count, and a recount
// that an organizer approves).
// A float or a cash movement above the shop's limits: the core answers
// that an organizer approves, and only then is the PIN asked for.
// The drawer can be counted by coins and notes: the faces are the shop
// currency's, as the core lists them, and the core adds the count up.

import { call, callApproved } from '../../api.js';
import { h, field, showFormError, clearFormError, toast } from '../../dom.js';
import { openDialog } from '../../dialog.js';
import { localTime } from '../../time.js';
import { MINUS } from '../../words.js';
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
  const count = z.count;
  const minus = (m) => (m.minor === 0 ? m.text : `${MINUS}${m.text}`);
  const row = (label, value, id) => h('tr', id ? { id } : {}, h('th', {}, label), h('td', { class: 'num' }, value));
  // Every count of the drawer when there was a recount: the first is the
  // one frozen on this Z, the latest is the one that stands.
  const counts = count.recounted
    ? count.counts.map((k) => row(
      k.number === 1 ? `Counted at close (${localTime(k.at_utc)})` : `Recount ${k.number - 1}, organizer approved (${localTime(k.at_utc)})`,
      `${k.counted.text} (variance ${k.variance.text})${k.reason ? ` · ${k.reason}` : ''}`, `z-count-${k.number}`))
    : null;
  const reason = count.reason || f.variance_reason;
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
      row('Refunds', `${f.refunds.count} (${minus(f.refunds.total)})`, 'z-refunds'),
      f.refunds.payments.map((m) => row(`Refunded to ${METHOD_LABEL[m.method] || m.method} (${m.count})`, minus(m.amount), `z-refund-method-${m.method}`)),
      f.refunds.tax_by_rate.map((t) => row(`Refund tax ${t.rate}% (net ${t.net.text}, gross ${t.gross.text})`, minus(t.tax), null)),
      row('Takings net of refunds', f.takings.text, 'z-takings'),
      row('Opening float', c.opening_float.text),
      row('Cash taken', c.taken.text),
      row('Change given', minus(c.change_given)),
      row('Cash refunded (voids)', minus(c.refunded)),
      row('Cash refunds', minus(c.refunds), 'z-cash-refunds'),
      row('Paid in', c.paid_in.text),
      row('Paid out', minus(c.paid_out)),
      row('Drops', minus(c.drops)),
      row('Expected cash', c.expected.text, 'z-expected'),
      counts,
      row(count.recounted ? 'Counted cash (latest recount)' : 'Counted cash', count.counted.text, 'z-counted'),
      row('Variance', count.variance.text, 'z-variance'),
      reason ? row('Reason', reason, 'z-reason-given') : null)),
    // The journal's head when the Z was frozen: written down (printed), it
    // shows later that no entry up to it was removed or rewritten.
    f.journal_head
      ? h('p', { class: 'z-journal-head', id: 'z-journal-head' },
        `Journal head: entry ${f.journal_head.seq}`, h('br'), h('code', {}, f.journal_head.hash))
      : null);
}

/**
 * One showing of a Z report. When the latest count differs from the
 * expected cash and no reason was given yet, it asks for one (the count is
 * already recorded). Resolves with the Z as it stands after a reason, with
 * 'recount' when an organizer is to count again, or null when closed.
 */
function zDialog(z) {
  const view = zReportView(z);
  const asking = z.count.needs_reason;
  return openDialog({
    id: 'z-dialog', title: 'Z report', wide: true,
    body: h('div', {}, view,
      asking
        ? h('div', { id: 'z-reason-ask' },
          h('p', { class: 'notice' }, 'The count differs from the expected cash. It is recorded as you entered it: say why it differs.'),
          field('Reason', h('input', { name: 'reason', id: 'z-reason', maxlength: '200', autocomplete: 'off' })))
        : null),
    submit: asking ? (v) => call('give_till_count_reason', { sessionId: z.session_id, reason: v.reason }) : null,
    submitLabel: 'Record the reason', submitId: 'z-reason-save',
    extraButtons: [
      { id: 'z-print', label: 'Print', onclick: () => printSection(view) },
      { id: 'z-recount', label: 'Recount (organizer)', onclick: (close) => close('recount') },
    ],
  });
}

/** A recount of a closed drawer: an organizer approves, the count is kept beside the first. */
async function recountDialog(z, env) {
  const approval = await env.askPin(`Recount the drawer of Z report no. ${z.number}: the organizer approves.`);
  if (!approval) return null;
  return openDialog({
    id: 'recount-dialog', title: 'Recount the drawer',
    body: h('div', {},
      h('p', {}, 'Count the cash in the drawer again. Both counts are kept; the Z report shows the latest.'),
      field(`Counted cash (${env.currency})`, h('input', { name: 'counted', id: 'recount-counted', inputmode: 'decimal', autocomplete: 'off' })),
      denominationGrid('recount', env.faces)),
    submitLabel: 'Record the recount',
    submit: (v, form) => call('recount_till_session', {
      sessionId: z.session_id, input: { counted: v.counted, denominations: countedPieces(form) }, approval,
    }),
  });
}

/** Show a Z report until it is closed: a reason or a recount shows it again. */
async function showZReport(z, env) {
  let current = z;
  for (;;) {
    const next = await zDialog(current);
    if (next === 'recount') {
      current = (await recountDialog(current, env)) || current;
    } else if (next) {
      current = next;
    } else {
      return;
    }
  }
}

/** The closed till: open it with a counted float; the Z reports so far. */
export function renderClosed(root, overview, reopen, ctx) {
  const env = { currency: overview.currency, faces: overview.faces, askPin: (why) => ctx.askPin(why) };
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
      const opened = await callApproved('open_till_session', {
        input: { float: form.elements.float.value, denominations: countedPieces(form), practice: form.elements.practice.checked },
      }, ctx.askPin);
      if (!opened) return;
      toast('Till open');
      await reopen();
    } catch (err) { showFormError(form, err); }
  });
  const zList = h('section', { class: 'panel', id: 'z-list' },
    h('h2', {}, 'Z reports'),
    overview.z_reports.length === 0 ? h('p', { class: 'muted' }, 'No till session has been closed yet.') : null,
    h('ul', { class: 'plain-list' }, overview.z_reports.map((z) => h('li', {},
      h('button', { type: 'button', class: 'z-open', dataset: { zId: z.id }, onclick: () => showZReport(z, env) },
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
    submit: async (v) => {
      const moved = await callApproved('move_till_cash', { kind, amount: v.amount, reason: v.reason }, till.ctx.askPin);
      return moved ? 'ok' : undefined;
    },
  });
  till.focusScan();
}

/**
 * Close with a blind count: the cashier enters what the drawer holds
 * without seeing what it should hold. The count is recorded as entered and
 * closes the session; the expected cash and the variance appear only on
 * the Z report, which then asks for a reason when they differ.
 */
export async function closeTill(till) {
  if (till.cart.hasLines()) { till.showMessage('Finish, park or clear the cart before closing', 'error'); return; }
  const { overview } = till;
  const z = await openDialog({
    id: 'close-dialog', title: 'Close the till: blind count',
    body: h('div', {},
      h('p', {}, 'Count the cash in the drawer and enter what you counted. Your count is recorded as entered; the expected amount is shown only after.'),
      field(`Counted cash (${overview.currency})`, h('input', { name: 'counted', id: 'close-counted', inputmode: 'decimal', autocomplete: 'off' })),
      denominationGrid('close', overview.faces)),
    submitLabel: 'Record the count and close',
    submit: (v, form) => call('close_till_session', { input: { counted: v.counted, denominations: countedPieces(form) } }),
  });
  if (z) {
    await showZReport(z, { currency: overview.currency, faces: overview.faces, askPin: (why) => till.ctx.askPin(why) });
    await till.rerender();
  } else {
    till.focusScan();
  }
}
