// The Till screen: open the till with a counted float, build a cart by
// scanning, searching or quick keys, take cash / card / mobile / split
// payments, print a receipt, void a sale, park carts, move cash in and out,
// and close with a blind count that produces the Z report.
//
// Keyboard first: focus lives in the scan field. A scanner types digits and
// Enter; "3*code" sells three; ↑ and ↓ move through the search results and
// Enter adds the highlighted one. F2 cash exact, F3 cash tendered, F4 card,
// F5 +1 visitor, F6 split, F7 edit the last line, F8 sale discount, F9
// park, F10 resume a parked cart, F11 void the last sale, F12 refund or
// exchange (find the sale by its receipt number), Ctrl+P the last
// sale's receipt, Ctrl+D pays a deposit back for containers brought back,
// Ctrl+Delete clears the cart (after asking), Delete
// (empty field) removes the last line, Ctrl+L locks the till, Esc closes a
// dialog. The keys are listed on the screen. All money arithmetic is done
// in Rust: this screen shows what it returns.
//
// This module lays the screen out and owns its shortcuts; the parts live
// in till/: the cart and scan field, payments, parked carts, receipts and
// voids, and the session (open, cash in and out, close, Z report).

import { call } from '../api.js';
import { h, fill } from '../dom.js';
import { dialogOpen, confirmDialog } from '../dialog.js';
import { visitorTally } from '../visitors.js';
import { createCart } from './till/cart.js';
import { createPayments } from './till/payments.js';
import { park, parkAway, parkedList, resumeKey } from './till/parked.js';
import { recentList, showReceipt, voidSale } from './till/receipts.js';
import { startRefund } from './till/refund.js';
import { depositBack } from './till/deposits.js';
import { renderClosed, moveCash, closeTill } from './till/session.js';

let keyHandler = null;
// The till being sold on, while the Till screen shows one.
let selling = null;

const LEAVING = { lock: 'till locked', person: 'person changed', screen: 'screen left' };

/** Leaving the Till screen (another screen, another person, the lock): a
 * cart with items is parked, labelled with why, and offered back on return. */
export async function leave(why) {
  const till = selling;
  selling = null;
  if (till) await parkAway(till, LEAVING[why] || 'left');
}

export async function render(root, ctx) {
  if (keyHandler) document.removeEventListener('keydown', keyHandler);
  keyHandler = null;
  selling = null;
  const overview = await call('till_overview');
  root.replaceChildren();
  if (!overview.session) {
    renderClosed(root, overview, () => render(root, ctx), ctx);
    return;
  }
  renderSelling(root, ctx, overview);
}

function renderSelling(root, ctx, overview) {
  const session = overview.session;
  const message = h('div', { class: 'till-message', id: 'till-message', role: 'status' });
  const side = h('div', { class: 'till-side-lists' });

  // What the parts of the screen share.
  const till = {
    ctx,
    overview,
    cart: null,
    focusScan: () => { if (!dialogOpen()) till.cart.scan.focus(); },
    showMessage: (text, kind = 'info', ...more) => fill(message, h('p', { class: `till-msg till-msg-${kind}` }, text), more),
    refreshSide: async () => {
      const o = await call('till_overview');
      till.parked = o.parked;
      till.recent = o.recent;
      fill(side, parkedList(till, o.parked), recentList(till, o.recent));
    },
    parked: overview.parked,
    recent: overview.recent,
    /** The sale completed last on this screen (its receipt is Ctrl+P). */
    lastSale: null,
    rerender: () => render(root, ctx),
  };
  const cart = createCart(till);
  till.cart = cart;
  selling = till;
  const pay = createPayments(till);

  // Clearing a cart throws its items away: asked first.
  const clearCart = async () => {
    await cart.settled();
    if (!cart.hasLines()) { till.showMessage('The cart is empty: there is nothing to clear', 'error'); till.focusScan(); return; }
    const yes = await confirmDialog({
      id: 'clear-cart-dialog', title: 'Clear the cart?',
      body: h('p', {}, 'Every item in the cart is taken out. Park the cart instead (F9) to keep it for later.'),
      confirmLabel: 'Clear the cart',
    });
    if (yes) {
      cart.reset();
      till.showMessage('Cart cleared');
    }
    till.focusScan();
  };

  // F11: void the latest sale of this session that is not voided yet.
  const voidLast = () => {
    const sale = (till.recent || []).find((x) => !x.voided);
    if (!sale) { till.showMessage('No sale of this session to void', 'error'); till.focusScan(); return; }
    voidSale(till, sale);
  };

  // Ctrl+P: the receipt of the last sale (of this screen, else of the session).
  const lastReceipt = () => {
    const id = till.lastSale ? till.lastSale.sale_id : ((till.recent || [])[0] || {}).sale_id;
    if (!id) { till.showMessage('No sale yet in this session', 'error'); till.focusScan(); return; }
    showReceipt(id).then(till.focusScan);
  };

  // F5: one more visitor, counted by the tally's own button.
  const plusVisitor = () => {
    const plus = document.getElementById('visitor-plus');
    if (plus && !plus.disabled) plus.click();
    else till.showMessage('Visitors are not counted in practice mode', 'error');
  };

  const quick = h('div', { class: 'quick-keys', id: 'till-quick' },
    overview.quick_keys.map((p) => h('button', { type: 'button', class: 'quick', dataset: { productId: p.id }, onclick: () => cart.addProduct(p) },
      h('span', { class: 'quick-name' }, p.name), h('span', { class: 'quick-price' }, p.unit === 'each' ? p.price : `${p.price}/${p.unit}`))));

  const keyButton = (id, label, key, fn, cls = '') => h('button', { type: 'button', id, class: `paykey ${cls}`, onclick: fn }, h('span', {}, label), h('kbd', {}, key));

  fill(root,
    session.practice ? h('div', { class: 'practice-banner', id: 'practice-banner' }, 'PRACTICE MODE — sales here are rehearsals: a separate series, no stock, left out of the figures') : null,
    h('div', { class: 'till-head' },
      h('h1', {}, 'Till'),
      h('span', { class: 'muted' }, `${overview.event_name || ''} · float ${session.opening_float}`),
      session.practice ? null : visitorTally({ id: session.event_id, name: overview.event_name, status: 'open' }, () => till.focusScan(), { compact: true }),
      h('div', { class: 'till-session-actions' },
        h('button', { type: 'button', id: 'till-paid-in', onclick: () => moveCash(till, 'paid_in', 'Paid in') }, 'Paid in'),
        h('button', { type: 'button', id: 'till-paid-out', onclick: () => moveCash(till, 'paid_out', 'Paid out') }, 'Paid out'),
        h('button', { type: 'button', id: 'till-drop', onclick: () => moveCash(till, 'drop', 'Cash drop to the safe') }, 'Drop'),
        h('button', { type: 'button', id: 'till-deposit-back', onclick: () => depositBack(till) }, 'Deposit back'),
        h('button', { type: 'button', id: 'till-close', onclick: () => closeTill(till) }, 'Close till'))),
    h('div', { class: 'till-grid' },
      h('section', { class: 'till-left' },
        h('div', { class: 'scan-wrap' }, cart.scan, cart.results),
        quick,
        h('table', { class: 'table cart', id: 'till-cart' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Price'), h('th', { class: 'num' }, 'Disc.'), h('th', { class: 'num' }, 'Total'))),
          cart.body),
        cart.tareNote,
        cart.warnings,
        side,
        // Below the cart, so the change stays in view beside the pay keys.
        h('section', { class: 'key-help', id: 'till-keys', 'aria-labelledby': 'till-keys-title' },
          h('h2', { id: 'till-keys-title' }, 'More keys'),
          h('ul', {},
            h('li', {}, h('kbd', {}, '↑'), ' ', h('kbd', {}, '↓'), ' ', h('kbd', {}, 'Enter'), ' pick a search result'),
            h('li', {}, h('kbd', {}, 'F5'), ' +1 visitor'),
            h('li', {}, h('kbd', {}, 'Ctrl+P'), ' last receipt'),
            h('li', {}, h('kbd', {}, 'Ctrl+D'), ' deposit back'),
            h('li', {}, h('kbd', {}, 'Del'), ' remove the last line'),
            h('li', {}, h('kbd', {}, 'Ctrl+L'), ' lock the till'),
            h('li', {}, h('kbd', {}, 'Alt+1…9'), ' screens')))),
      h('section', { class: 'till-right' },
        cart.totals,
        cart.cardPanel,
        h('div', { class: 'paykeys' },
          keyButton('pay-cash-exact', 'Cash exact', 'F2', pay.cashExact, 'primary'),
          keyButton('pay-cash', 'Cash tendered', 'F3', pay.cashTendered, 'primary'),
          keyButton('pay-card', 'Card', 'F4', pay.card),
          keyButton('pay-split', 'Split', 'F6', pay.split),
          keyButton('cart-qty', 'Quantity', 'F7', cart.editLast),
          keyButton('cart-discount', 'Sale discount', 'F8', cart.saleDiscount),
          keyButton('cart-park', 'Park', 'F9', () => park(till)),
          keyButton('cart-resume', 'Resume parked', 'F10', () => resumeKey(till)),
          keyButton('sale-void-last', 'Void last sale', 'F11', voidLast),
          keyButton('till-refund', 'Refund / exchange', 'F12', () => startRefund(till)),
          keyButton('cart-cancel', 'Clear cart', 'Ctrl+Del', clearCart)),
        message)));

  const scan = cart.scan;
  keyHandler = (e) => {
    if (!root.isConnected || root.dataset.screen !== 'till') {
      document.removeEventListener('keydown', keyHandler);
      return;
    }
    if (dialogOpen()) return;
    const actions = {
      F2: pay.cashExact, F3: pay.cashTendered, F4: pay.card, F5: plusVisitor, F6: pay.split, F7: cart.editLast,
      F8: cart.saleDiscount, F9: () => park(till), F10: () => resumeKey(till), F11: voidLast,
      F12: () => startRefund(till),
    };
    if (actions[e.key] && !e.ctrlKey && !e.altKey) { e.preventDefault(); actions[e.key](); return; }
    if (e.key === 'Delete' && e.ctrlKey) { e.preventDefault(); clearCart(); return; }
    if ((e.key === 'p' || e.key === 'P') && e.ctrlKey) { e.preventDefault(); lastReceipt(); return; }
    if ((e.key === 'd' || e.key === 'D') && e.ctrlKey) { e.preventDefault(); depositBack(till); return; }
    if (e.key === 'Delete' && document.activeElement === scan && !scan.value && cart.hasLines()) {
      e.preventDefault();
      cart.removeLast();
      return;
    }
    if (document.activeElement !== scan && e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey
      && !['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) {
      // A scanner or a cashier typing anywhere on the screen lands in the scan field.
      scan.focus();
    }
  };
  document.addEventListener('keydown', keyHandler);
  cart.draw();
  till.refreshSide();
  scan.focus();
}
