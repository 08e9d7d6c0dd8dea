// A loyalty card on a contact's page: linked only with their consent. The
// words they agree to are shown before the box is ticked; the code is
// scanned or typed into one field; each linked card can be unlinked, and
// withdrawing the consent unlinks them all. The core refuses a link
// without the consent and says so next to the box.

import { call } from '../../api.js';
import { h, field, showFormError, clearFormError, toast } from '../../dom.js';
import { localTime } from '../../time.js';
import { plural } from '../../words.js';

function linkedList(page, redraw) {
  return h('ul', { class: 'linked-cards', id: 'linked-cards' }, page.cards.map((c) => h('li', { dataset: { card: c.card } },
    h('span', {}, 'Card ', h('strong', {}, c.card), ` · linked ${localTime(c.linked_at_utc, c.utc_offset_minutes)}`),
    h('button', {
      type: 'button', id: `unlink-${c.card}`,
      onclick: async () => {
        try {
          await call('unlink_card', { contactId: page.contact.id, card: c.card });
          toast(`Card ${c.card} unlinked`);
          await redraw();
        } catch (err) { toast(err.message, 'error'); }
      },
    }, 'Unlink'))));
}

function linkForm(page, redraw) {
  const code = h('input', { name: 'code', id: 'link-card-code', autocomplete: 'off', spellcheck: 'false', placeholder: 'Scan or type the card’s code' });
  const agree = h('input', { type: 'checkbox', name: 'consent', id: 'link-card-consent' });
  const consent = page.card_consent
    ? h('p', { class: 'muted', id: 'card-consent-given' }, 'They agreed to have a loyalty card linked to them.')
    : h('div', { dataset: { field: 'consent' } },
      h('blockquote', { class: 'consent-wording', id: 'card-wording' }, page.card_wording),
      h('label', { class: 'check' }, agree, ' They agree to have this card linked to them'),
      h('span', { class: 'field-error', role: 'alert' }));
  const form = h('form', { id: 'link-card-form', novalidate: true },
    field('Link a loyalty card', code), consent,
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'link-card-submit' }, 'Link the card')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const linked = await call('link_card', { contactId: page.contact.id, code: code.value, consent: agree.checked });
      toast(`Card ${linked.card} linked${linked.consent_given_now ? '; their consent recorded' : ''}`);
      await redraw();
    } catch (err) {
      showFormError(form, err);
    }
  });
  return form;
}

/** The panel, or nothing for an erased contact. */
export function cardPanel(page, redraw) {
  if (page.contact.erased_at) return null;
  const withdraw = page.card_consent ? h('button', {
    type: 'button', id: 'withdraw-card-consent',
    onclick: async () => {
      try {
        const n = await call('withdraw_card_consent', { contactId: page.contact.id });
        toast(`Consent withdrawn; ${plural(n, 'card')} unlinked`);
        await redraw();
      } catch (err) { toast(err.message, 'error'); }
    },
  }, 'Withdraw consent to a linked card') : null;
  return h('section', { class: 'panel section-title', id: 'contact-card', 'aria-labelledby': 'contact-card-title' },
    h('h2', { id: 'contact-card-title' }, 'Loyalty card'),
    page.cards.length ? linkedList(page, redraw) : h('p', { class: 'muted', id: 'no-linked-card' }, 'No card linked: their cards stay anonymous.'),
    linkForm(page, redraw),
    withdraw ? h('div', { class: 'actions' }, withdraw) : null);
}
