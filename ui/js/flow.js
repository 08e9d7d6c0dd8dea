// An event's flow as the Event and Tasks screens show it: step rows with
// their status, who signed and when, and the dialogs that sign, skip and
// edit a step. The rules (prerequisites, two different people, the
// organizer PIN) are the core's: these only collect and show.

import { call } from './api.js';
import { h, field, toast } from './dom.js';
import { openDialog } from './dialog.js';
import { localTime } from './time.js';

export const PHASES = [
  ['before', 'Before the event'],
  ['during', 'During the event'],
  ['after', 'After the event'],
];

export const ACTION_LABELS = {
  stock_count: 'Count stock',
  load_out: 'Load out',
  load_in: 'Load in',
  open_till: 'Open the till',
  sell: 'Sell',
  close_till: 'Close the till',
  fulfil_orders: 'Fulfil orders',
  export: 'Export the day',
};

export const SIGNOFF_LABELS = {
  one: 'one person signs',
  two_people: 'two different people sign',
  organizer_pin: 'organizer PIN',
};

/** "Signed by Riley 10:02 · Sam 10:04" */
export function recordText(rec) {
  const when = localTime(rec.at_utc, rec.utc_offset_minutes);
  if (rec.kind === 'skip') return `Skipped by ${rec.signer_name} at ${when}: ${rec.reason}`;
  if (rec.kind === 'work') return `Done by the work (${rec.source_type || 'till'}) · ${rec.signer_name} at ${when}`;
  return `Signed by ${rec.signer_name} at ${when}${rec.approved_by ? ` · approved by ${rec.approved_by}` : ''}`;
}

/** Ask for an organizer's PIN when the step needs one. */
async function approvalFor(ctx, step, verb) {
  if (step.signoff !== 'organizer_pin') return { organizer_id: null, pin: null };
  return ctx.askPin(`${verb} “${step.title}” needs an organizer's PIN.`);
}

/** The sign-off dialog; calls `done()` after a successful signature. */
export async function signStep(ctx, step, done) {
  const signed = step.records.filter((r) => r.kind === 'sign');
  const me = ctx.person();
  const defaultName = me && !signed.some((r) => r.signer_name === me.name) ? me.name : '';
  const names = h('datalist', { id: 'sign-people' }, (ctx.status.people || []).filter((p) => p.active).map((p) => h('option', { value: p.name })));
  const name = h('input', { name: 'signer_name', id: 'sign-name', list: 'sign-people', maxlength: '80', autocomplete: 'off', value: defaultName });
  const after = await openDialog({
    id: 'sign-dialog',
    title: `Sign off: ${step.title}`,
    body: h('div', {},
      step.signoff === 'two_people'
        ? h('p', { class: 'notice' }, signed.length ? `${signed[0].signer_name} signed the first half. A second, different person signs now.` : 'Two different people sign this step: this is the first of them.')
        : null,
      step.signoff === 'organizer_pin' ? h('p', { class: 'notice' }, 'An organizer approves this step with their PIN.') : null,
      field('Who signs', name, 'Your own name, as the team knows you'),
      names),
    submitLabel: 'Sign',
    submitId: 'sign-ok',
    submit: async (values) => {
      const signerName = values.signer_name;
      const person = (ctx.status.people || []).find((p) => p.name === signerName.trim());
      const approval = await approvalFor(ctx, step, 'Signing');
      if (!approval) return undefined;
      return call('sign_task', {
        taskId: step.id,
        input: { signer_name: signerName, signer_person_id: person ? person.id : null },
        approval,
      });
    },
  });
  if (!after) return;
  toast(after.status === 'done' ? `Done: ${after.title}` : `First half signed: ${after.title}`);
  done(after);
}

/** The skip dialog: a reason is required. */
export async function skipStep(ctx, step, done) {
  const after = await openDialog({
    id: 'skip-dialog',
    title: `Skip: ${step.title}`,
    body: field('Why is it skipped?', h('input', { name: 'reason', id: 'skip-reason', maxlength: '500', autocomplete: 'off' })),
    submitLabel: 'Skip the step',
    submitId: 'skip-ok',
    submit: async (values) => {
      const approval = await approvalFor(ctx, step, 'Skipping');
      if (!approval) return undefined;
      return call('skip_task', { taskId: step.id, reason: values.reason, approval });
    },
  });
  if (!after) return;
  toast(`Skipped: ${after.title}`);
  done(after);
}

/** Edit a step of the event: who does it, notes, when it is due. */
export async function editStep(ctx, step, done) {
  const after = await openDialog({
    id: 'edit-step-dialog',
    title: step.title,
    body: h('div', {},
      field('Assigned to', h('input', { name: 'assignee', id: 'edit-assignee', maxlength: '80', value: step.assignee }), 'A volunteer\'s name'),
      field('Due', h('input', { name: 'due', id: 'edit-due', value: step.due_text, placeholder: 'e.g. 2 days before start' }),
        'Relative to the event: “2 days before start”, “1 hour after end”, “at start”; empty for none'),
      field('Notes', h('textarea', { name: 'notes', id: 'edit-notes', rows: '3', maxlength: '2000' }, step.notes))),
    submitLabel: 'Save',
    submitId: 'edit-step-save',
    submit: (values) => call('edit_task', { taskId: step.id, edit: { assignee: values.assignee, notes: values.notes, due: values.due } }),
  });
  if (after) done(after);
}

function statusBadge(step) {
  if (step.status === 'done') return h('span', { class: 'badge badge-done' }, 'done');
  if (step.status === 'skipped') return h('span', { class: 'badge badge-skipped' }, 'skipped');
  if (step.overdue) return h('span', { class: 'badge badge-overdue' }, 'overdue');
  const half = step.signoff === 'two_people' && step.records.some((r) => r.kind === 'sign');
  return h('span', { class: 'badge' }, half ? '1 of 2 signed' : 'open');
}

/**
 * One step as a list row. `refresh` redraws after a change; `compact`
 * leaves out notes and the edit button (the Event screen's summary).
 */
export function stepRow(ctx, step, refresh, { compact = false } = {}) {
  const open = step.status === 'open';
  const blocked = step.waiting_for.length > 0;
  const classes = ['step', `step-${step.status}`];
  if (step.overdue) classes.push('overdue');
  if (blocked && open) classes.push('blocked');
  const meta = [
    step.due_at ? `Due ${step.due_at.replace('T', ' ')} (${step.due_text})` : null,
    step.assignee ? `Assigned to ${step.assignee}` : null,
    SIGNOFF_LABELS[step.signoff],
  ].filter(Boolean).join(' · ');
  return h('li', { class: classes.join(' '), dataset: { key: step.key, taskId: step.id } },
    h('div', { class: 'step-main' },
      h('div', { class: 'step-title' }, statusBadge(step), ' ', h('strong', {}, step.title)),
      h('div', { class: 'muted step-meta' }, meta),
      blocked && open ? h('div', { class: 'step-waiting' }, `Waiting for: ${step.waiting_for.join(', ')}`) : null,
      !compact && step.notes ? h('div', { class: 'step-notes' }, step.notes) : null,
      step.records.length ? h('ul', { class: 'step-records' }, step.records.map((r) => h('li', {}, recordText(r)))) : null),
    h('div', { class: 'step-actions' },
      step.action && open ? h('button', {
        type: 'button', class: 'step-go primary',
        onclick: () => goToWork(ctx, step),
      }, ACTION_LABELS[step.action] || step.action) : null,
      open ? h('button', { type: 'button', class: 'step-sign', disabled: blocked, onclick: () => signStep(ctx, step, refresh) }, 'Sign') : null,
      open ? h('button', { type: 'button', class: 'step-skip', onclick: () => skipStep(ctx, step, refresh) }, 'Skip') : null,
      !compact && open ? h('button', { type: 'button', class: 'step-edit', onclick: () => editStep(ctx, step, refresh) }, 'Edit') : null));
}

/** Open the screen that does a step's work. */
export function goToWork(ctx, step) {
  ctx.selectedEventId = step.event_id;
  ctx.focusOrders = step.action === 'fulfil_orders';
  ctx.go(step.screen);
}

/** Progress of each phase as bars: "Before 2 / 5". */
export function progressBars(flow) {
  return h('div', { class: 'flow-progress', id: 'flow-progress' },
    h('div', { class: 'progress-total' }, h('strong', { class: 'big-figure' }, `${flow.done} / ${flow.total}`), ' steps done',
      flow.overdue ? h('span', { class: 'badge badge-overdue' }, `${flow.overdue} overdue`) : null),
    PHASES.map(([phase, label]) => {
      const p = flow.phases.find((x) => x.phase === phase) || { done: 0, total: 0 };
      const pct = p.total ? Math.round((100 * p.done) / p.total) : 0;
      return h('div', { class: 'progress-row', dataset: { phase } },
        h('span', { class: 'progress-label' }, label),
        h('progress', { max: String(p.total || 1), value: String(p.done), 'aria-label': label }),
        h('span', { class: 'progress-count' }, `${p.done} / ${p.total}`, pct === 100 && p.total ? ' ✓' : ''));
    }));
}
