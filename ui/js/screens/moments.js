// An event's moments on the Reports screen: added by anyone at the till,
// edited or removed by an organizer (the core asks for the PIN; a change
// is journaled with what it was, a removed moment drops out of the report).
// A closed event's moments stay as they were.

import { call, callApproved } from '../api.js';
import { h, field, toast } from '../dom.js';
import { openDialog, confirmDialog } from '../dialog.js';

/** A new moment: a name and a window of the event's local time. */
function momentForm(ev, redraw) {
  const said = h('p', { id: 'moment-message', role: 'status' });
  const form = h('form', { class: 'row moment-form', id: 'moment-form' },
    h('label', {}, 'Moment ', h('input', { name: 'name', id: 'moment-name', placeholder: 'Capsule drop', autocomplete: 'off' })),
    h('label', {}, 'From ', h('input', { name: 'starts_at', id: 'moment-from', placeholder: '15:00', inputmode: 'numeric', size: '5', autocomplete: 'off' })),
    h('label', {}, 'To ', h('input', { name: 'ends_at', id: 'moment-to', placeholder: '15:30', inputmode: 'numeric', size: '5', autocomplete: 'off' })),
    h('button', { type: 'submit', id: 'moment-add' }, 'Add moment'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    try {
      await call('add_moment', { eventId: ev.id, input: v });
      await redraw();
    } catch (err) {
      said.className = 'error-banner';
      said.textContent = err.message;
    }
  });
  return h('div', {}, form, said);
}

async function edit(m, ctx, redraw) {
  const input = (name, id, value, attrs = {}) => h('input', { name, id, value, autocomplete: 'off', ...attrs });
  const changed = await openDialog({
    id: 'moment-edit', title: `Change “${m.name}”`,
    body: h('div', {},
      field('Name', input('name', 'moment-edit-name', m.name)),
      field('From', input('starts_at', 'moment-edit-from', m.starts_at, { inputmode: 'numeric' })),
      field('To', input('ends_at', 'moment-edit-to', m.ends_at, { inputmode: 'numeric' }))),
    submitLabel: 'Save',
    submit: (v) => callApproved('update_moment', { momentId: m.id, input: v }, ctx.askPin),
  });
  if (changed) {
    toast('Moment changed');
    await redraw();
  }
}

async function remove(m, ctx, redraw) {
  const sure = await confirmDialog({
    id: 'moment-remove-dialog', title: `Remove “${m.name}”?`,
    body: h('p', {}, `${m.starts_at}–${m.ends_at}. It leaves the report and its chart; the journal keeps what it was.`),
    confirmLabel: 'Remove',
  });
  if (!sure) return;
  try {
    const done = await callApproved('remove_moment', { momentId: m.id }, ctx.askPin);
    if (!done) return;
    toast('Moment removed');
    await redraw();
  } catch (err) { toast(err.message, 'error'); }
}

/** The moments with their Edit and Remove buttons, and the form to add one. */
export function momentsEditor(ev, moments, ctx, redraw) {
  if (!ev || ev.status === 'closed') return null;
  return h('div', { class: 'moments-editor' },
    moments.length ? h('ul', { class: 'moment-list', id: 'moment-list' }, moments.map((m) => h('li', { dataset: { moment: m.id } },
      h('span', {}, `${m.name} · ${m.starts_at}–${m.ends_at}`),
      h('span', { class: 'actions' },
        h('button', { type: 'button', class: 'moment-edit', 'aria-label': `Edit ${m.name}`, onclick: () => edit(m, ctx, redraw) }, 'Edit'),
        h('button', { type: 'button', class: 'moment-remove', 'aria-label': `Remove ${m.name}`, onclick: () => remove(m, ctx, redraw) }, 'Remove'))))) : null,
    momentForm(ev, redraw));
}
