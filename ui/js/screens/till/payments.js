// Taking payment on the Till screen: cash exact (F2), cash tendered (F3,
// typed or with the currency's coin and note buttons, added up by the
// core; an empty Tendered field is never taken as exact cash — the dialog
// says so, and offers the exact amount as its own button), card (F4) and
// split (F6), then the change shown large when cash was paid (a card sale
// shows what was paid, no change). A pay key on an empty cart says the
// cart is empty. The organizer's PIN is asked for first when the quote
// says the sale needs it.
// While one payment is under way the pay keys and buttons do nothing (a
// second F2 or a double click); the core still answers a cart completed
// twice with its first sale, so this only spares a needless call.

import { call, ErrorCode, TillError } from '../../api.js';
import { h, field, showFormError, clearFormError } from '../../dom.js';
import { openDialog } from '../../dialog.js';
import { showReceipt } from './receipts.js';
import { consentOffer } from './consent.js';

const PAY_BUTTONS = ['pay-cash-exact', 'pay-cash', 'pay-card', 'pay-split'];

export function createPayments(till) {
  const { cart } = till;
  let paying = false;

  function setPaying(on) {
    paying = on;
    for (const id of PAY_BUTTONS) {
      const button = document.getElementById(id);
      if (button) button.disabled = on;
    }
  }

  // One payment at a time: a key or button pressed while one is under way
  // is ignored, and the pay buttons are disabled until it is done.
  const oneAtATime = (pay) => async () => {
    if (paying) return;
    setPaying(true);
    try {
      await pay();
    } finally {
      setPaying(false);
    }
  };

  // The cart as it is once every scan so far has been added, or null
  // (having said so) when there is nothing to pay.
  async function readyQuote() {
    await cart.settled();
    if (cart.hasLines()) return cart.quote();
    till.showMessage('The cart is empty: scan or search a product first', 'error');
    till.focusScan();
    return null;
  }

  // Ask for the organizer's PIN before a payment dialog opens. Resolves
  // the approval, or null if cancelled.
  async function approvalFor(quote) {
    if (!quote.needs_approval) return { organizer_id: null, pin: null };
    const got = await till.ctx.askPin(`Approve: ${quote.approval_reasons.join(', ')}`);
    if (!got) till.focusScan();
    return got;
  }

  async function complete(payments, approval) {
    if (!cart.hasLines()) { till.showMessage('The cart is empty', 'error'); return null; }
    const done = await call('complete_sale', { cart: cart.input(), payments, approval });
    cart.reset();
    till.lastSale = done;
    // Change only when cash was paid: a card sale has none to give. When
    // the containers brought back came to more than the sale, the till
    // pays the rest out. The sale and the card's stamps sit beside the
    // amount, not under it: at 1280x720 a line below the panel falls under
    // the fold.
    let shown;
    if (done.paid_out_minor > 0) shown = [h('div', { class: 'change-label' }, 'Pay out'), h('div', { class: 'change-big', id: 'till-pay-out' }, done.paid_out)];
    else if (done.cash_paid) shown = [h('div', { class: 'change-label' }, 'Change'), h('div', { class: 'change-big', id: 'till-change' }, done.change)];
    else shown = [h('div', { class: 'change-label' }, 'Paid'), h('div', { class: 'change-big', id: 'till-paid' }, done.total)];
    const big = h('div', { class: 'change-panel', id: 'till-change-panel' },
      h('div', { class: 'change-head' },
        h('div', {}, shown),
        h('div', { class: 'change-facts' },
          h('div', {}, `Sale ${done.receipt_number} · total ${done.total}`),
          done.loyalty ? h('div', { id: 'till-card-stamps' },
            h('div', {}, `Card ${done.loyalty.card}`),
            h('div', {}, `+${done.loyalty.earned} stamps`
              + (done.loyalty.spent ? `, ${done.loyalty.spent} spent` : '')
              + ` · balance ${done.loyalty.balance}`)) : null)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'till-show-receipt', onclick: () => showReceipt(done.sale_id).then(till.focusScan) },
          'Receipt ', h('kbd', {}, 'Ctrl+P'))),
      consentOffer(till, done));
    till.showMessage(`Sale complete: ${done.receipt_number}`, 'ok', big,
      done.warnings.map((w) => h('p', { class: 'notice stock-warning' }, `Stock warning: ${w}`)));
    await till.refreshSide();
    till.focusScan();
    return done;
  }

  /** Nothing to pay: the containers brought back cover the sale (the
   * till pays out what they come to beyond it). Any pay key completes. */
  async function settleByDeposits(quote) {
    const approval = await approvalFor(quote);
    if (!approval) return;
    try {
      await complete([], approval);
    } catch (err) {
      till.showMessage(err.message, 'error');
      till.focusScan();
    }
  }
  const coveredByDeposits = (quote) => quote.deposits_back.length > 0 && quote.total_minor <= 0;

  async function cashExact() {
    const quote = await readyQuote();
    if (!quote) return;
    if (coveredByDeposits(quote)) { await settleByDeposits(quote); return; }
    const approval = await approvalFor(quote);
    if (!approval) return;
    try {
      await complete([{ method: 'cash' }], approval);
    } catch (err) {
      till.showMessage(err.message, 'error');
      till.focusScan();
    }
  }

  /** Buttons for the currency's coins and notes: each adds its face to
   * what was tendered (the core does the sum). */
  function faceButtons(tendered) {
    return h('div', { class: 'tender-faces', id: 'cash-faces' }, till.overview.faces.map((face) => h('button', {
      type: 'button', class: 'face', tabindex: '-1', dataset: { face },
      onclick: async () => {
        clearFormError(tendered.form);
        try {
          tendered.value = await call('tender_face', { tendered: tendered.value, face });
        } catch (err) {
          showFormError(tendered.form, err);
        }
        tendered.focus();
      },
    }, face)));
  }

  async function cashTendered() {
    const quote = await readyQuote();
    if (!quote) return;
    if (coveredByDeposits(quote)) { await settleByDeposits(quote); return; }
    const approval = await approvalFor(quote);
    if (!approval) return;
    const tendered = h('input', { name: 'tendered', id: 'cash-tendered', inputmode: 'decimal', autocomplete: 'off' });
    await openDialog({
      id: 'cash-dialog', title: 'Cash',
      body: h('div', {},
        h('p', { class: 'due-big' }, 'Due ', h('strong', { id: 'cash-due' }, quote.cash_total)),
        field('Tendered', tendered, 'What the customer hands over'),
        faceButtons(tendered)),
      submitLabel: 'Take cash',
      extraButtons: [{
        id: 'cash-exact-instead', label: `Exact cash (${quote.cash_total})`,
        onclick: async (close) => {
          try {
            close(await complete([{ method: 'cash' }], approval));
          } catch (err) { showFormError(tendered.form, err); }
        },
      }],
      submit: (v) => {
        // Nothing typed is not "exact": say so, and let the cashier choose.
        if (!v.tendered.trim()) {
          throw new TillError({
            code: ErrorCode.validation, field: 'tendered',
            message: `Type what the customer hands over, or choose “Exact cash” for ${quote.cash_total}.`,
          });
        }
        return complete([{ method: 'cash', tendered: v.tendered }], approval);
      },
    });
    till.focusScan();
  }

  async function card() {
    const quote = await readyQuote();
    if (!quote) return;
    if (coveredByDeposits(quote)) { await settleByDeposits(quote); return; }
    const approval = await approvalFor(quote);
    if (!approval) return;
    await openDialog({
      id: 'card-dialog', title: `Card: ${quote.total}`,
      body: h('div', {},
        h('p', {}, 'Take the payment on the card terminal, then record it here.'),
        h('div', { class: 'row' },
          field('Last four digits (optional)', h('input', { name: 'card_last_four', id: 'card-last-four', inputmode: 'numeric', maxlength: '4', autocomplete: 'off' })),
          field('Authorisation code (optional)', h('input', { name: 'auth_code', id: 'card-auth', autocomplete: 'off', maxlength: '32' })))),
      submitLabel: 'Card paid',
      submit: (v) => complete([{ method: 'card', card_last_four: v.card_last_four, auth_code: v.auth_code }], approval),
    });
    till.focusScan();
  }

  async function split() {
    const quote = await readyQuote();
    if (!quote) return;
    if (coveredByDeposits(quote)) { await settleByDeposits(quote); return; }
    const approval = await approvalFor(quote);
    if (!approval) return;
    await openDialog({
      id: 'split-dialog', title: `Split payment: ${quote.total}`,
      body: h('div', {},
        h('p', { class: 'muted' }, 'Enter what each method pays; cash pays what is left (leave Tendered empty for exact cash).'),
        h('div', { class: 'row' },
          field('Card amount', h('input', { name: 'card', id: 'split-card', inputmode: 'decimal', autocomplete: 'off' })),
          field('Card last four (optional)', h('input', { name: 'card_last_four', id: 'split-card-four', inputmode: 'numeric', maxlength: '4', autocomplete: 'off' }))),
        h('div', { class: 'row' },
          field('Mobile amount', h('input', { name: 'mobile', id: 'split-mobile', inputmode: 'decimal', autocomplete: 'off' })),
          field('Other amount', h('input', { name: 'other', id: 'split-other', inputmode: 'decimal', autocomplete: 'off' }))),
        field('Cash tendered', h('input', { name: 'tendered', id: 'split-tendered', inputmode: 'decimal', autocomplete: 'off' }),
          'Empty: cash pays the rest exactly')),
      submitLabel: 'Take payment',
      submit: (v) => {
        const payments = [];
        if (v.card.trim()) payments.push({ method: 'card', amount: v.card, card_last_four: v.card_last_four });
        if (v.mobile.trim()) payments.push({ method: 'mobile', amount: v.mobile });
        if (v.other.trim()) payments.push({ method: 'other', amount: v.other });
        payments.push({ method: 'cash', tendered: v.tendered });
        return complete(payments, approval);
      },
    });
    till.focusScan();
  }

  return {
    cashExact: oneAtATime(cashExact),
    cashTendered: oneAtATime(cashTendered),
    card: oneAtATime(card),
    split: oneAtATime(split),
    paying: () => paying,
  };
}
