// Containers brought back: the cashier picks the deposit (a jar, a
// bottle) and says how many. With a sale under way they go into it as a
// negative line (its deposit pays part of the sale, or the till pays the
// rest out when they come to more); with an empty cart the deposit is paid
// back from the drawer on its own. The core caps a return at what is out
// with customers and counts the cash paid out in the drawer's expected cash.

import { call } from '../../api.js';
import { h, field } from '../../dom.js';
import { openDialog } from '../../dialog.js';
import { select } from '../../select.js';

export async function depositBack(till) {
  if (till.overview.session && till.overview.session.practice) {
    till.showMessage('Deposits are not paid back in practice mode', 'error');
    till.focusScan();
    return;
  }
  let deposits;
  try {
    deposits = await call('deposit_returnable');
  } catch (err) {
    till.showMessage(err.message, 'error');
    return;
  }
  if (!deposits.length) { till.showMessage('The catalog has no deposits to take back', 'error'); till.focusScan(); return; }
  const inSale = till.cart.hasLines();
  const done = await openDialog({
    id: 'deposit-dialog', title: inSale ? 'Containers brought back in this sale' : 'Containers brought back',
    body: h('div', {},
      h('p', {}, inSale
        ? 'Each container’s deposit comes off this sale.'
        : 'Pay the deposit back from the drawer for each container returned.'),
      field('Container', select({ name: 'product_id', id: 'deposit-product' },
        deposits.map((d) => [d.product_id, `${d.name} · ${d.price} · ${d.outstanding} out`]))),
      field('How many', h('input', { name: 'quantity', id: 'deposit-quantity', inputmode: 'numeric', autocomplete: 'off', value: '1' }))),
    submitLabel: inSale ? 'Take back in the sale' : 'Pay the deposit back',
    submit: async (v) => (inSale
      ? till.cart.addDepositBack(v.product_id, v.quantity.trim()).then(() => ({ inSale: true }))
      : call('return_deposit', { input: { product_id: v.product_id, quantity: v.quantity.trim() } })),
  });
  if (done && !done.inSale) {
    till.showMessage(`Deposit paid back: ${done.amount} for ${done.quantity} × ${done.name}. Give it from the drawer.`, 'ok');
  }
  till.focusScan();
}
