// The Event screen, the event's home: until a new shop has done it, the
// first-run checklist (create the event, add or import products, load
// stock out, add the team, open the till — each a link, each ticked by the
// core once done); the chosen event's flow by phase with progress, what is
// next, overdue or a late start, who signed what and when, and a big way
// into selling; below it, pick, create (from a task template), edit, open
// and close pop-ups.

import { call, callApproved } from '../api.js';
import { h, field, formValues, showFormError, clearFormError, toast } from '../dom.js';
import { progressBars, stepRow, recordText } from '../flow.js';
import { visitorTally } from '../visitors.js';
import { select } from '../select.js';
import { localDate, eventSpan, wallTime } from '../time.js';
import { plural } from '../words.js';

/** The first-run checklist, from the core's `checklist` (null once done). */
function checklistPanel(ctx) {
  const c = ctx.status.checklist;
  if (!c || c.done) return null;
  const focusEventForm = () => {
    const name = document.getElementById('event-name');
    if (name) { name.scrollIntoView({ block: 'center' }); name.focus(); }
  };
  const items = [
    ['event', c.event, 'Create the event', focusEventForm],
    ['products', c.products, 'Add or import products', () => ctx.go('stock')],
    ['stock', c.stock_loaded, 'Load stock out to the event', () => { ctx.stockHint = 'load_out'; ctx.go('stock'); }],
    ['team', c.team, 'Add the team', () => ctx.go('people')],
    ['till', c.till_opened, 'Open the event and the till', () => ctx.go('till')],
  ];
  const done = items.filter(([, ok]) => ok).length;
  return h('section', { class: 'panel checklist', id: 'checklist', 'aria-labelledby': 'checklist-title' },
    h('div', { class: 'checklist-head' },
      h('h2', { id: 'checklist-title' }, 'Before the first sale'),
      h('span', { class: 'muted', id: 'checklist-count' }, `${done} of ${items.length} done`)),
    h('ol', { class: 'checklist-items' }, items.map(([key, ok, label, go]) => h('li', {
      class: ok ? 'checklist-item done' : 'checklist-item', dataset: { item: key, done: String(ok) },
    },
    h('span', { class: 'tick', 'aria-hidden': 'true' }, ok ? '✓' : ''),
    h('button', { type: 'button', class: 'link-button checklist-link', id: `checklist-${key}`, onclick: go },
      label, h('span', { class: 'visually-hidden' }, ok ? ' (done)' : ' (to do)'))))));
}

function defaultTimes() {
  const day = localDate(1);
  return { starts_at: `${day} 10:00`, ends_at: `${day} 17:00` };
}

function eventForm(ctx, editing, onSaved, templates) {
  const times = editing ? { starts_at: editing.starts_at.replace('T', ' '), ends_at: editing.ends_at.replace('T', ' ') } : defaultTimes();
  const form = h('form', { class: 'panel', id: 'event-form', novalidate: true },
    h('h2', {}, editing ? `Edit “${editing.name}”` : 'New event'),
    field('Name', h('input', { name: 'name', id: 'event-name', maxlength: '120', value: editing ? editing.name : '' })),
    field('Venue', h('input', { name: 'venue', id: 'event-venue', maxlength: '200', value: editing ? editing.venue : '' })),
    h('div', { class: 'row' },
      field('Starts', h('input', { name: 'starts_at', id: 'event-starts', value: times.starts_at, placeholder: 'YYYY-MM-DD HH:MM' })),
      field('Ends', h('input', { name: 'ends_at', id: 'event-ends', value: times.ends_at, placeholder: 'YYYY-MM-DD HH:MM' }))),
    field('Notes', h('textarea', { name: 'notes', id: 'event-notes', rows: '3', maxlength: '4000' }, editing ? editing.notes : '')),
    editing ? null : field('Task flow', select({ name: 'template', id: 'event-template' },
      [...templates.map((t) => [t.id, `${t.name} (${plural(t.steps.length, 'step')})`]), ['', 'No flow for now']]),
    'The checklist of the pop-up, made from a template'),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'event-save' }, editing ? 'Save changes' : 'Create event'),
      editing ? h('button', { type: 'button', onclick: () => onSaved(null) }, 'Cancel') : null));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const { template, ...input } = formValues(form);
      const saved = editing
        ? await call('update_event', { id: editing.id, input })
        : await call('create_event_with_flow', { input, templateId: template || null });
      if (!editing) ctx.selectedEventId = saved.id;
      toast(editing ? `Saved “${saved.name}”` : `Created “${saved.name}”`);
      onSaved(saved);
    } catch (err) {
      showFormError(form, err);
    }
  });
  return form;
}

function eventCard(ctx, ev, rerender, selected) {
  const act = async (command, verb) => {
    try {
      // Closing needs an organizer: the core says when to ask for the PIN.
      if (!await callApproved(command, { id: ev.id }, ctx.askPin)) return;
      toast(`${verb} “${ev.name}”`);
      await ctx.refresh();
      rerender();
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  return h('li', { class: `event-card status-${ev.status}${selected ? ' selected' : ''}`, dataset: { eventId: ev.id } },
    h('div', { class: 'event-main' },
      h('button', {
        type: 'button', class: 'event-name link-button select-event', title: 'Show this event\'s flow',
        onclick: () => { ctx.selectedEventId = ev.id; rerender(); },
      }, ev.name),
      h('span', { class: `badge badge-${ev.status}` }, ev.status),
      h('div', { class: 'muted' }, eventSpan(ev), ev.venue ? ` · ${ev.venue}` : '')),
    h('div', { class: 'event-actions' },
      ev.status === 'planned' ? h('button', { type: 'button', class: 'open-event', onclick: () => act('open_event', 'Opened') }, 'Open') : null,
      ev.status === 'open' ? h('button', { type: 'button', class: 'close-event', onclick: () => act('close_event', 'Closed') }, 'Close') : null,
      ev.status !== 'closed' ? h('button', { type: 'button', class: 'edit-event', onclick: () => rerender(ev) }, 'Edit') : null));
}

/** The home of one event: its flow at a glance and the way into selling. */
async function eventHome(ctx, ev, templates, redraw) {
  const home = h('section', { class: 'panel event-home', id: 'event-home', dataset: { eventId: ev.id } });
  const sell = h('button', {
    type: 'button', class: 'primary huge sell-button', id: 'sell-button',
    onclick: () => ctx.go('till'),
  }, ev.status === 'open' ? 'Sell' : 'Go to the till');
  const head = h('div', { class: 'home-head' },
    h('div', {},
      h('h2', {}, ev.name, ' ', h('span', { class: `badge badge-${ev.status}` }, ev.status)),
      h('div', { class: 'muted' }, eventSpan(ev), ev.venue ? ` · ${ev.venue}` : '')),
    h('div', { class: 'home-sell' }, sell, ev.status === 'open' ? visitorTally(ev, () => {}, { compact: true }) : null));
  home.append(head);
  // After a merge: what no single till could see (a line refunded on two tills).
  const flags = await call('merge_flags', { eventId: ev.id });
  if (flags.length) {
    home.append(h('div', { class: 'error-banner', id: 'merge-flags' },
      h('p', {}, 'Refunded beyond what was sold, across tills:'),
      h('ul', {}, flags.map((f) => h('li', {}, f.message)))));
  }
  const rewardFlags = await call('reward_flags', { eventId: ev.id });
  if (rewardFlags.length) {
    home.append(h('div', { class: 'error-banner', id: 'reward-flags' },
      h('p', {}, 'A loyalty reward used on two tills:'),
      h('ul', {}, rewardFlags.map((f) => h('li', {}, f.message)))));
  }
  const flow = await call('task_flow', { eventId: ev.id });
  if (flow.total === 0) {
    const template = select({ id: 'flow-template' }, templates.map((t) => [t.id, `${t.name} (${plural(t.steps.length, 'step')})`]));
    home.append(h('div', { class: 'no-flow' },
      h('p', {}, 'This event has no task flow yet.'),
      h('div', { class: 'actions' },
        h('label', { class: 'inline-field', for: 'flow-template' }, 'Task template'), template, h('button', {
        type: 'button', class: 'primary', id: 'create-flow',
        onclick: async () => {
          try {
            await call('create_task_flow', { eventId: ev.id, templateId: template.value });
            toast('Flow created');
            redraw();
          } catch (err) { toast(err.message, 'error'); }
        },
      }, 'Create the flow'))));
    return home;
  }
  const byId = new Map(flow.steps.map((s) => [s.id, s]));
  const next = flow.next.slice(0, 3).map((id) => byId.get(id));
  const overdue = flow.steps.filter((s) => s.overdue);
  const lateStart = flow.steps.filter((s) => s.late_start);
  const signed = flow.steps
    .flatMap((s) => s.records.map((r) => ({ r, s })))
    .sort((a, b) => (a.r.at_utc < b.r.at_utc ? 1 : -1))
    .slice(0, 6);
  home.append(
    progressBars(flow),
    h('div', { class: 'home-grid' },
      h('div', {},
        h('h3', {}, 'Next'),
        next.length
          ? h('ul', { class: 'step-list', id: 'flow-next' }, next.map((s) => stepRow(ctx, s, redraw, { compact: true })))
          : h('p', { class: 'ok-banner', id: 'flow-next' }, 'Every step is done. Well run!'),
        overdue.length ? h('h3', { class: 'overdue-head' }, `Overdue (${overdue.length})`) : null,
        overdue.length ? h('ul', { class: 'overdue-list', id: 'flow-overdue' },
          overdue.map((s) => h('li', {}, h('strong', {}, s.title), ` · was due ${wallTime(s.due_at)}`, s.assignee ? ` · ${s.assignee}` : ''))) : null,
        lateStart.length ? h('h3', { class: 'late-head' }, `Late start (${lateStart.length})`) : null,
        lateStart.length ? h('p', { class: 'muted late-note' }, 'Due before this flow was made: not overdue, but still to do.') : null,
        lateStart.length ? h('ul', { class: 'late-list', id: 'flow-late-start' },
          lateStart.map((s) => h('li', {}, h('strong', {}, s.title), ` · was due ${wallTime(s.due_at)}`, s.assignee ? ` · ${s.assignee}` : ''))) : null),
      h('div', {},
        h('h3', {}, 'Signed'),
        signed.length
          ? h('ul', { class: 'signed-list', id: 'flow-signed' }, signed.map(({ r, s }) => h('li', {}, h('strong', {}, s.title), h('br'), h('span', { class: 'muted' }, recordText(r)))))
          : h('p', { class: 'muted', id: 'flow-signed' }, 'Nothing signed yet.'),
        h('div', { class: 'actions' }, h('button', { type: 'button', id: 'open-flow', onclick: () => { ctx.selectedEventId = ev.id; ctx.go('tasks'); } }, 'The whole flow')))));
  return home;
}

export async function render(root, ctx) {
  const draw = async (editing) => {
    // The checklist is ticked by what was done elsewhere meanwhile.
    await ctx.refresh();
    const [events, templates] = await Promise.all([call('list_events'), call('list_task_templates')]);
    const current = ctx.status.current_event;
    if (!events.some((e) => e.id === ctx.selectedEventId)) {
      ctx.selectedEventId = current ? current.id : (events[0] ? events[0].id : null);
    }
    const selected = events.find((e) => e.id === ctx.selectedEventId);
    const home = selected ? await eventHome(ctx, selected, templates, () => draw()) : null;
    root.replaceChildren();
    root.append(h('div', { class: 'screen-head' },
      h('h1', {}, 'Events'),
      current ? h('p', { class: 'lead' }, 'Open now: ', h('strong', {}, current.name)) : h('p', { class: 'lead muted' }, 'No event is open. Open one to start selling.')));
    const checklist = checklistPanel(ctx);
    if (checklist) root.append(checklist);
    if (home) root.append(home);
    const list = h('ul', { class: 'event-list', id: 'event-list' },
      events.length ? events.map((ev) => eventCard(ctx, ev, (e) => draw(e), ev.id === ctx.selectedEventId)) : h('li', { class: 'muted' }, 'No events yet: create the first one.'));
    // After a save the screen starts at the top again: the checklist and
    // the event's home are what changed.
    const form = eventForm(ctx, editing || null, async () => { await draw(); document.getElementById('screen').scrollTop = 0; }, templates);
    root.append(h('div', { class: 'two-col' }, h('section', {}, list), form));
    if (!home || editing) form.querySelector('input[name=name]').focus();
  };
  await draw();
}
