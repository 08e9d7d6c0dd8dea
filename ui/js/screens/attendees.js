// The Attendees screen: the chosen event's attendee list (sign-ups before,
// check-in at the door), the contacts and each one's page (consents,
// withdrawal, their data as a file, erasure), the import of sign-ups from
// a CSV file, and the consent wording, the marketing export and how long
// inactive contacts are kept. The core decides every rule (what may be
// kept, what needs an organizer); this screen shows what it answers.

import { call } from '../api.js';
import { h, clear } from '../dom.js';
import { select } from '../select.js';
import { wallDate } from '../time.js';
import { renderList } from './attendees/list.js';
import { renderContacts } from './attendees/contacts.js';
import { renderContact } from './attendees/contact.js';
import { renderImport } from './attendees/import.js';
import { renderPrivacy } from './attendees/privacy.js';

const TABS = [
  ['list', 'Attendee list'],
  ['contacts', 'Contacts'],
  ['privacy', 'Consent and privacy'],
];

// What the screen shows, kept while the till moves between screens.
const view = { tab: 'list', eventId: null };

/** The event the list starts on: the open one, else the next planned, else the latest. */
function preferredEvent(events, ctx) {
  if (view.eventId && events.some((e) => e.id === view.eventId)) return view.eventId;
  const open = ctx.status.current_event;
  if (open) return open.id;
  const planned = events.filter((e) => e.status === 'planned')
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at))[0];
  return (planned || events[0] || {}).id || null;
}

export async function render(root, ctx) {
  const events = await call('list_events');
  view.eventId = preferredEvent(events, ctx);
  const body = h('div', { id: 'attendees-body' });
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Attendees' });
  const eventSelect = events.length ? select({ id: 'attendees-event', 'aria-label': 'Event' },
    events.map((e) => [e.id, `${e.name} · ${wallDate(e.starts_at)} · ${e.status}`]), view.eventId) : null;

  const show = {
    tab(id) {
      view.tab = id;
      for (const b of tabs.children) {
        const on = b.dataset.tab === id;
        b.classList.toggle('active', on);
        b.setAttribute('aria-selected', String(on));
      }
      if (eventSelect) eventSelect.closest('label').hidden = id !== 'list';
      clear(body);
      if (id === 'list') return renderList(body, ctx, show, view.eventId);
      if (id === 'contacts') return renderContacts(body, ctx, show);
      return renderPrivacy(body, ctx, show);
    },
    /** A contact's page; `how` is `receipt_code` when found by a receipt's code. */
    contact: (contactId, how = 'attendee_list') => renderContact(clear(body), ctx, show, contactId, how),
    import: () => renderImport(clear(body), ctx, show, view.eventId),
    back: () => show.tab(view.tab),
  };

  tabs.append(...TABS.map(([id, label]) => h('button', {
    type: 'button', role: 'tab', class: 'tab', id: `attendees-tab-${id}`, dataset: { tab: id },
    'aria-selected': 'false', onclick: () => show.tab(id),
  }, label)));
  if (eventSelect) {
    eventSelect.addEventListener('change', () => {
      view.eventId = eventSelect.value;
      show.tab('list');
    });
  }
  root.append(
    h('div', { class: 'screen-head attendees-head' },
      h('h1', {}, 'Attendees'),
      eventSelect ? h('label', { class: 'inline-field' }, 'Event', eventSelect) : null),
    tabs,
    body);
  await show.tab(view.tab === 'list' && !view.eventId ? 'contacts' : view.tab);
}
