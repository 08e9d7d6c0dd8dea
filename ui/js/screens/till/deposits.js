// Containers brought back on their own (no sale): the cashier picks the
// deposit (a jar, a bottle), says how many, and pays the deposit back from
// the drawer. The core caps a return at what is out with customers and
// counts the cash paid out in the drawer's expected cash.

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
  const done = await openDialog({
    id: 'deposit-dialog', title: 'Containers brought back',
    body: h('div', {},
      h('p', {}, 'Pay the deposit back from the drawer for each container returned.'),
      field('Container', select({ name: 'product_id', id: 'deposit-product' },
        deposits.map((d) => [d.product_id, `${d.name} · ${d.price} · ${d.outstanding} out`]))),
      field('How many', h('input', { name: 'quantity', id: 'deposit-quantity', inputmode: 'numeric', autocomplete: 'off', value: '1' }))),
    submitLabel: 'Pay the deposit back',
    submit: async (v) => call('return_deposit', { input: { product_id: v.product_id, quantity: v.quantity.trim() } }),
  });
  if (done) {
    till.showMessage(`Deposit paid back: ${done.amount} for ${done.quantity} × ${done.name}. Give it from the drawer.`, 'ok');
  }
  till.focusScan();
}
