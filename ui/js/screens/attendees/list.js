// An event's attendee list on the Attendees screen: who signed up and who
// came in, a check-in button on each row, and the form for a sign-up or a
// walk-in at the door. The form asks only for a name or a nickname; an
// address only beside its own box, and no box is ticked for anyone: the
// core refuses an address without its consent.

import { call } from '../../api.js';
import { h, field, fill, showFormError, clearFormError, toast } from '../../dom.js';
import { localTime } from '../../time.js';
import { wordingQuote } from './wording.js';

/** The badges of the news a contact agreed to. */
export function newsBadges(item) {
  return [
    item.email_consent ? h('span', { class: 'news-badge', title: 'Agreed to news by email' }, 'email') : null,
    item.sms_consent ? h('span', { class: 'news-badge', title: 'Agreed to news by SMS' }, 'SMS') : null,
  ];
}

/** A name or, for someone who gave only an address, a placeholder. */
export function nameOf(item) {
  return item.name || '(no name given)';
}

/** The boxes for news by email and by SMS, each with its address; none ticked. */
export function consentChoices(prefix) {
  const box = (name, label) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name, id: `${prefix}-${name.replace('_', '-')}` }), ` ${label}`);
  // The address beside its box, labelled for screen readers; its error below it.
  const address = (name, label, type, maxlength) => h('label', { class: 'field', dataset: { field: name } },
    h('span', { class: 'sr-only' }, label),
    h('input', { name, id: `${prefix}-${name}`, type, autocomplete: 'off', maxlength, placeholder: label }),
    h('span', { class: 'field-error', role: 'alert' }));
  return h('fieldset', { class: 'choice-fieldset' },
    h('legend', { class: 'field-label' }, 'News, only if they ask for it'),
    h('div', { class: 'consent-choice' },
      box('email_consent', 'By email'), address('email', 'Their email', 'email', '200'),
      box('sms_consent', 'By SMS'), address('phone', 'Their mobile number', 'tel', '40')));
}

/** A sign-up form's values as the core takes them. */
export function signUpInput(form) {
  const el = form.elements;
  return {
    name: el.name.value,
    email: el.email.value,
    phone: el.phone.value,
    email_consent: el.email_consent.checked,
    sms_consent: el.sms_consent.checked,
  };
}

function attendeeRow(a, data, show, redraw) {
  const checkIn = h('button', {
    type: 'button', class: 'small check-in', disabled: !data.takes_check_ins,
    title: data.takes_check_ins ? 'Check in: counts one visitor' : 'Check-in starts when the event opens',
    onclick: async () => {
      checkIn.disabled = true;
      try {
        await call('check_in_attendee', { attendeeId: a.id });
        toast(`${nameOf(a)} checked in`);
        await redraw();
      } catch (err) {
        toast(err.message, 'error');
        checkIn.disabled = false;
      }
    },
  }, 'Check in');
  return h('tr', { dataset: { attendeeId: a.id, contactId: a.contact_id } },
    h('td', {}, h('button', { type: 'button', class: 'link contact-link', onclick: () => show.contact(a.contact_id) }, nameOf(a))),
    h('td', {}, newsBadges(a)),
    h('td', {}, a.signed_up_at ? localTime(a.signed_up_at, a.signed_up_offset) : h('span', { class: 'muted' }, 'walk-in')),
    h('td', {}, a.checked_in_at
      ? h('span', { class: 'checked-in' }, `checked in ${localTime(a.checked_in_at, a.checked_in_offset, { date: false })}`)
      : checkIn));
}

function personForm(data, redraw) {
  const form = h('form', { class: 'panel', id: 'attendee-form', novalidate: true },
    h('h2', {}, 'Sign up, or check in at the door'),
    field('Name or nickname', h('input', { name: 'name', id: 'attendee-name', maxlength: '80', autocomplete: 'off' }),
      'Nothing else is asked.'),
    wordingQuote(data.wording),
    data.wording ? consentChoices('attendee') : null,
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'attendee-sign-up', disabled: !data.takes_sign_ups, dataset: { act: 'sign_up' } }, 'Sign up'),
      h('button', { type: 'submit', id: 'attendee-walk-in', disabled: !data.takes_check_ins, dataset: { act: 'walk_in' } }, 'Check in now')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const walkIn = e.submitter && e.submitter.dataset.act === 'walk_in';
    const input = data.wording ? signUpInput(form) : { name: form.elements.name.value };
    try {
      const done = await call(walkIn ? 'check_in_walk_in' : 'sign_up_attendee', { eventId: data.event.id, input });
      toast(walkIn ? `${nameOf(done)} checked in` : `${nameOf(done)} signed up`);
      form.reset();
      await redraw();
      document.getElementById('attendee-name').focus();
    } catch (err) {
      showFormError(form, err);
    }
  });
  return form;
}

export async function renderList(host, ctx, show, eventId) {
  if (!eventId) {
    host.append(h('p', { class: 'notice' }, 'Create an event on the Event screen first: attendees sign up for an event.'));
    return;
  }
  const tableHost = h('div');
  const counts = h('p', { class: 'attendee-counts', id: 'attendee-counts', role: 'status' });
  const filter = h('input', { type: 'search', id: 'attendee-filter', placeholder: 'Find a name', 'aria-label': 'Find a name', autocomplete: 'off' });
  let data = null;
  const drawTable = () => {
    const wanted = filter.value.trim().toLowerCase();
    const rows = data.attendees.filter((a) => !wanted || nameOf(a).toLowerCase().includes(wanted));
    fill(tableHost, h('table', { class: 'table', id: 'attendee-list' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'News'), h('th', {}, 'Signed up'), h('th', {}, 'At the door'))),
      h('tbody', {}, rows.map((a) => attendeeRow(a, data, show, redraw)))),
    rows.length ? null : h('p', { class: 'muted' }, data.attendees.length ? 'Nobody by that name.' : 'Nobody on the list yet.'));
  };
  async function redraw() {
    data = await call('attendee_list', { eventId });
    fill(counts, h('span', {}, h('strong', {}, String(data.signed_up)), ' signed up'),
      h('span', {}, h('strong', {}, String(data.checked_in)), ' checked in'));
    drawTable();
  }
  filter.addEventListener('input', drawTable);
  await redraw();
  host.append(h('div', { class: 'two-col' },
    h('section', { 'aria-label': 'Attendee list' },
      counts,
      h('div', { class: 'filter-bar' }, filter,
        h('button', { type: 'button', id: 'attendee-import', onclick: () => show.import(), disabled: !data.takes_sign_ups }, 'Import sign-ups…')),
      tableHost),
    personForm(data, redraw)));
}
