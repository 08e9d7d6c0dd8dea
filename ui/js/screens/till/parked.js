// Parked carts on the Till screen: park the cart to serve someone else
// (F9), the list of parked carts, resume one (from the list, or F10: the
// only one at once, or the one chosen from them) or cancel it.

import { call } from '../../api.js';
import { h, field } from '../../dom.js';
import { openDialog } from '../../dialog.js';
import { localTime } from '../../time.js';
import { plural } from '../../words.js';

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

/** What a parked cart is called in a list. */
function parkedLabel(p) {
  return `${p.label || 'cart'} · ${localTime(p.parked_at, null, { date: false })} · ${p.parked_by} · ${plural(p.cart.lines.length, 'line')}`;
}

/** F10: resume the only parked cart, or ask which one (Enter takes the
 * highlighted choice). */
export async function resumeKey(till) {
  await till.cart.settled();
  const parked = till.parked || [];
  if (!parked.length) { till.showMessage('No parked cart to resume', 'error'); till.focusScan(); return; }
  if (till.cart.hasLines()) { till.showMessage('Finish or park the current cart first', 'error'); till.focusScan(); return; }
  if (parked.length === 1) { await resume(till, parked[0]); return; }
  const chosen = await openDialog({
    id: 'resume-dialog', title: 'Resume which cart?',
    body: h('fieldset', { class: 'field choice-fieldset', dataset: { field: 'parked' } },
      h('legend', { class: 'field-label' }, 'Parked carts'),
      h('div', { class: 'choice-grid' }, parked.map((p, i) => h('label', { class: 'choice' },
        h('input', { type: 'radio', name: 'parked', value: p.id, id: `resume-${i}`, checked: i === 0 }),
        h('span', { class: 'choice-name' }, parkedLabel(p)))))),
    submitLabel: 'Resume',
    submit: (v, form) => {
      const picked = form.querySelector('input[name=parked]:checked');
      return parked.find((p) => picked && p.id === picked.value) || null;
    },
  });
  if (chosen) await resume(till, chosen);
  else till.focusScan();
}

async function resume(till, p) {
  if (till.cart.hasLines()) { till.showMessage('Finish or park the current cart first', 'error'); return; }
  try {
    const cart = await call('resume_parked_cart', { id: p.id });
    const quote = await call('quote_cart', { cart });
    till.cart.load(cart, quote);
    till.showMessage(`Resumed ${p.label || 'the parked cart'}`);
    await till.refreshSide();
  } catch (err) { till.showMessage(err.message, 'error'); }
  till.focusScan();
}

/** The parked carts, or nothing when there are none. */
export function parkedList(till, parked) {
  if (!parked.length) return null;
  return h('section', { id: 'till-parked' }, h('h3', {}, 'Parked'),
    parked.map((p) => h('div', { class: 'parked' },
      h('button', { type: 'button', class: 'resume', onclick: () => resume(till, p) }, `Resume ${parkedLabel(p)}`),
      h('button', {
        type: 'button', class: 'cancel-parked', title: 'Cancel this parked cart', 'aria-label': `Cancel the parked cart ${parkedLabel(p)}`,
        onclick: async () => { await call('cancel_parked_cart', { id: p.id }); await till.refreshSide(); till.focusScan(); },
      }, '✕'))));
}
