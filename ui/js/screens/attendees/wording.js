// The consent wording as a person reads it before saying yes: the exact
// words of the current version and its number, shown wherever a consent
// is asked for (the sign-up form, the contact's page, the till).

import { h } from '../../dom.js';

/** The wording quoted, or a notice when the organizer has not written one. */
export function wordingQuote(wording, id = 'consent-wording') {
  if (!wording) {
    return h('p', { class: 'notice', id: `${id}-missing` },
      'No consent wording yet: news cannot be asked for until an organizer writes it under “Consent and privacy”.');
  }
  return h('div', {},
    h('blockquote', { class: 'consent-wording', id }, wording.text),
    h('p', { class: 'field-hint' }, `Consent wording, version ${wording.version}. Read it out; tick only when they say yes.`));
}
