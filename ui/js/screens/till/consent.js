// After a sale, the till offers to record the customer's consent to news,
// without slowing the sale: the offer sits under the change, the scan
// field keeps the focus, and the next scan simply passes it by. Two taps:
// choose email or SMS (the dialog shows the exact wording), then type the
// address and confirm. Esc skips. Nothing is ticked for anyone; the core
// refuses an address that asked to stop, and the receipt then carries the
// code that withdraws it.

import { call } from '../../api.js';
import { h, field } from '../../dom.js';
import { openDialog } from '../../dialog.js';
import { wordingQuote } from '../attendees/wording.js';

const LABEL = { email: 'email', sms: 'SMS' };

export function consentOffer(till, done) {
  if (done.practice) return null;
  const status = h('p', { class: 'consent-status', id: 'consent-status', role: 'status' });
  const buttons = [];
  const ask = async (channel) => {
    let wording = null;
    try {
      [wording] = await call('consent_wordings');
    } catch (err) {
      status.textContent = err.message;
    }
    if (!wording) {
      status.textContent = 'No consent wording yet: an organizer writes it on the Attendees screen.';
      till.focusScan();
      return;
    }
    const address = h('input', {
      name: 'address', id: 'till-consent-address', autocomplete: 'off',
      type: channel === 'email' ? 'email' : 'tel', inputmode: channel === 'email' ? 'email' : 'tel',
    });
    const given = await openDialog({
      id: 'till-consent', title: `News by ${LABEL[channel]}`,
      body: h('div', {}, wordingQuote(wording, 'till-consent-wording'),
        field(channel === 'email' ? 'Their email' : 'Their mobile number', address)),
      submitLabel: 'They agree', submitId: 'till-consent-ok', cancelLabel: 'Skip (Esc)',
      focus: address,
      submit: (v) => call('give_consent_at_till', { input: { sale_id: done.sale_id, channel, address: v.address } }),
    });
    if (given) {
      status.textContent = `News by ${LABEL[channel]}: agreed · receipt code ${given.code}`;
      for (const b of buttons) b.hidden = b.dataset.channel === channel;
    }
    till.focusScan();
  };
  for (const channel of ['email', 'sms']) {
    buttons.push(h('button', {
      type: 'button', id: `consent-offer-${channel}`, dataset: { channel }, tabindex: '-1',
      onclick: () => ask(channel),
    }, channel === 'email' ? 'Email' : 'SMS'));
  }
  return h('div', { class: 'consent-offer', id: 'consent-offer', role: 'group', 'aria-label': 'News for this customer' },
    h('span', {}, 'News by'), buttons, status);
}
