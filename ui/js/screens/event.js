// The Event screen: pick, create, edit, open and close pop-ups.

import { call } from '../api.js';
import { h, field, formValues, showFormError, clearFormError, toast } from '../dom.js';

function defaultTimes() {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return { starts_at: `${day} 10:00`, ends_at: `${day} 17:00` };
}

function eventForm(ctx, editing, onSaved) {
  const times = editing ? { starts_at: editing.starts_at.replace('T', ' '), ends_at: editing.ends_at.replace('T', ' ') } : defaultTimes();
  const form = h('form', { class: 'panel', id: 'event-form', novalidate: true },
    h('h2', {}, editing ? `Edit “${editing.name}”` : 'New event'),
    field('Name', h('input', { name: 'name', id: 'event-name', maxlength: '120', value: editing ? editing.name : '' })),
    field('Venue', h('input', { name: 'venue', id: 'event-venue', maxlength: '200', value: editing ? editing.venue : '' })),
    h('div', { class: 'row' },
      field('Starts', h('input', { name: 'starts_at', id: 'event-starts', value: times.starts_at, placeholder: 'YYYY-MM-DD HH:MM' })),
      field('Ends', h('input', { name: 'ends_at', id: 'event-ends', value: times.ends_at, placeholder: 'YYYY-MM-DD HH:MM' }))),
    field('Notes', h('textarea', { name: 'notes', id: 'event-notes', rows: '3', maxlength: '4000' }, editing ? editing.notes : '')),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'event-save' }, editing ? 'Save changes' : 'Create event'),
      editing ? h('button', { type: 'button', onclick: () => onSaved(null) }, 'Cancel') : null));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const input = formValues(form);
      const saved = editing
        ? await call('update_event', { id: editing.id, input })
        : await call('create_event', { input });
      toast(editing ? `Saved “${saved.name}”` : `Created “${saved.name}”`);
      onSaved(saved);
    } catch (err) {
      showFormError(form, err);
    }
  });
  return form;
}

function eventCard(ctx, ev, rerender) {
  const act = async (command, verb) => {
    try {
      await call(command, { id: ev.id });
      toast(`${verb} “${ev.name}”`);
      await ctx.refresh();
      rerender();
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  return h('li', { class: `event-card status-${ev.status}`, dataset: { eventId: ev.id } },
    h('div', { class: 'event-main' },
      h('strong', { class: 'event-name' }, ev.name),
      h('span', { class: `badge badge-${ev.status}` }, ev.status),
      h('div', { class: 'muted' }, `${ev.starts_at.replace('T', ' ')} – ${ev.ends_at.replace('T', ' ')}`, ev.venue ? ` · ${ev.venue}` : '')),
    h('div', { class: 'event-actions' },
      ev.status === 'planned' ? h('button', { type: 'button', class: 'open-event', onclick: () => act('open_event', 'Opened') }, 'Open') : null,
      ev.status === 'open' ? h('button', { type: 'button', class: 'close-event', onclick: () => act('close_event', 'Closed') }, 'Close') : null,
      ev.status !== 'closed' ? h('button', { type: 'button', class: 'edit-event', onclick: () => rerender(ev) }, 'Edit') : null));
}

export async function render(root, ctx) {
  const draw = async (editing) => {
    const events = await call('list_events');
    root.replaceChildren();
    const current = ctx.status.current_event;
    root.append(h('div', { class: 'screen-head' },
      h('h1', {}, 'Events'),
      current ? h('p', { class: 'lead' }, 'Open now: ', h('strong', {}, current.name)) : h('p', { class: 'lead muted' }, 'No event is open. Open one to start selling.')));
    const list = h('ul', { class: 'event-list', id: 'event-list' },
      events.length ? events.map((ev) => eventCard(ctx, ev, (e) => draw(e))) : h('li', { class: 'muted' }, 'No events yet: create the first one.'));
    const form = eventForm(ctx, editing || null, async () => { await ctx.refresh(); draw(); });
    root.append(h('div', { class: 'two-col' }, h('section', {}, list), form));
    form.querySelector('input[name=name]').focus();
  };
  await draw();
}
