// The contacts on the Attendees screen: find one by the withdrawal code a
// customer quotes from their receipt, or search by name or address, and
// open their page.

import { call } from '../../api.js';
import { h, field, fill, showFormError, clearFormError, toast } from '../../dom.js';
import { localTime } from '../../time.js';
import { newsBadges, nameOf } from './list.js';

function codeForm(show) {
  const form = h('form', { class: 'panel', id: 'code-form', novalidate: true },
    h('h2', {}, 'Someone quotes the code on their receipt'),
    field('Code', h('input', { name: 'code', id: 'contact-code', autocomplete: 'off', maxlength: '12', placeholder: 'ABCD-EF12', spellcheck: 'false' }),
      'It finds the contact, to stop their news or answer what they ask.'),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'code-find' }, 'Find')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const page = await call('find_contact_by_code', { code: form.elements.code.value });
      show.contact(page.contact.id, 'receipt_code');
    } catch (err) {
      showFormError(form, err);
    }
  });
  return form;
}

export async function renderContacts(host, ctx, show) {
  const search = h('input', { type: 'search', id: 'contact-search', placeholder: 'Name, email or phone', 'aria-label': 'Find a contact', autocomplete: 'off' });
  const tableHost = h('div');
  let asked = 0;
  const draw = async () => {
    const mine = ++asked;
    let list;
    try {
      list = await call('list_contacts', { query: search.value });
    } catch (err) {
      toast(err.message, 'error');
      return;
    }
    if (mine !== asked) return;
    fill(tableHost, h('table', { class: 'table', id: 'contacts-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'News'), h('th', {}, 'Address'), h('th', { class: 'num' }, 'Events'), h('th', {}, 'Last active'))),
      h('tbody', {}, list.map((c) => h('tr', {
        class: 'clickable', tabindex: '0', dataset: { contactId: c.id },
        onclick: () => show.contact(c.id),
        onkeydown: (e) => { if (e.key === 'Enter') show.contact(c.id); },
      },
      h('td', {}, nameOf(c)),
      h('td', {}, newsBadges(c)),
      h('td', {}, [c.email, c.phone].filter(Boolean).join(' · ')),
      h('td', { class: 'num' }, String(c.events)),
      h('td', {}, localTime(c.last_active_at, null, { date: true })))))),
    list.length ? null : h('p', { class: 'muted' }, search.value ? 'No contact matches.' : 'No contacts yet.'));
  };
  search.addEventListener('input', draw);
  await draw();
  host.append(h('div', { class: 'two-col' },
    h('section', { 'aria-label': 'Contacts' }, h('div', { class: 'filter-bar' }, search), tableHost),
    codeForm(show)));
}
