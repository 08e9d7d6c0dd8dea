// Parked carts on the Till screen: park the cart to serve someone else
// (F9), the list of parked carts, resume one or cancel it.

import { call } from '../../api.js';
import { h, field } from '../../dom.js';
import { openDialog } from '../../dialog.js';
import { localTime } from '../../time.js';

export async function park(till) {
  await till.cart.settled();
  if (!till.cart.hasLines()) return;
  const parked = await openDialog({
    id: 'park-dialog', title: 'Park this cart',
    body: field('Label (optional)', h('input', { name: 'label', id: 'park-label', maxlength: '60', autocomplete: 'off', placeholder: 'e.g. blue coat' })),
    submitLabel: 'Park',
    submit: async (v) => { await call('park_cart', { cart: till.cart.input(), label: v.label }); return 'parked'; },
  });
  if (parked) {
    till.cart.reset();
    till.showMessage('Cart parked');
    await till.refreshSide();
  }
  till.focusScan();
}

/** Park the cart without asking, labelled with why (the person changes,
 * the till locks, the screen is left); it waits in the parked list. */
export async function parkAway(till, why) {
  await till.cart.settled();
  if (!till.cart.hasLines()) return;
  await call('park_cart', { cart: till.cart.input(), label: why });
  till.cart.reset();
}

async function resume(till, p) {
  if (till.cart.hasLines()) { till.showMessage('Finish or park the current cart first', 'error'); return; }
  try {
    const cart = await call('resume_parked_cart', { id: p.id });
    const quote = await call('quote_cart', { cart });
    till.cart.load(cart, quote);
    await till.refreshSide();
  } catch (err) { till.showMessage(err.message, 'error'); }
  till.focusScan();
}

/** The parked carts, or nothing when there are none. */
export function parkedList(till, parked) {
  if (!parked.length) return null;
  return h('section', { id: 'till-parked' }, h('h3', {}, 'Parked'),
    parked.map((p) => h('div', { class: 'parked' },
      h('button', { type: 'button', class: 'resume', onclick: () => resume(till, p) }, `Resume ${p.label || 'cart'} · ${localTime(p.parked_at, null, { date: false })} · ${p.parked_by} · ${p.cart.lines.length} ${p.cart.lines.length === 1 ? 'line' : 'lines'}`),
      h('button', {
        type: 'button', class: 'cancel-parked', title: 'Cancel this parked cart',
        onclick: async () => { await call('cancel_parked_cart', { id: p.id }); await till.refreshSide(); till.focusScan(); },
      }, '✕'))));
}
