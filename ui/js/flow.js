// An event's flow as the Event and Tasks screens show it: step rows with
// their status (and what an open step still awaits), who signed and when,
// and the dialogs that sign, skip and edit a step. The rules
// (prerequisites, two different people of the team, the organizer PIN)
// are the core's: these only collect and show. An organizer's PIN is
// asked for only when the core answers that approval is needed. A step due
// before its flow was made is a "late start", never overdue (the core
// says which).

import { call, callApproved, ErrorCode, TillError } from './api.js';
import { h, field, toast } from './dom.js';
import { openDialog } from './dialog.js';
import { localTime, wallTime } from './time.js';

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
  two_people: 'two people of the team sign',
  organizer_pin: 'organizer PIN',
};

/** Who a record names: the signer, or a team member whose name was erased. */
function who(rec) {
  return rec.name_erased ? 'a team member (name erased)' : rec.signer_name;
}

/** "Signed by Riley 10:02 · Sam 10:04" */
export function recordText(rec) {
  const when = localTime(rec.at_utc, rec.utc_offset_minutes);
  if (rec.kind === 'skip') return `Skipped by ${who(rec)} at ${when}: ${rec.reason}`;
  if (rec.kind === 'work') return `Done by the work (${rec.source_type || 'till'}) · ${who(rec)} at ${when}`;
  return `Signed by ${who(rec)} at ${when}${rec.approved_by ? ` · approved by ${rec.approved_by}` : ''}`;
}

/** A step's signatures so far: people's and the work's. */
function signaturesOf(step) {
  return step.records.filter((r) => r.kind === 'sign' || r.kind === 'work');
}

/** "Riley did the work" / "Riley signed first". */
function firstText(rec) {
  return rec.kind === 'work' ? `${who(rec)} did the work` : `${who(rec)} signed first`;
}

/**
 * The body of the sign dialog of a two-person step: who signs first (the
 * person at the till, or whoever did the work), and — when the second
 * signature is someone else's — the other active team members to choose
 * from and a PIN field for them. Returns the body and what to send.
 */
function twoPersonBody(ctx, step) {
  const me = ctx.person();
  const signed = signaturesOf(step);
  const signedIds = new Set(signed.map((r) => r.signer_person_id).filter(Boolean));
  const iSigned = Boolean(me && signedIds.has(me.id));
  const asksSecond = signed.length === 0 || iSigned;
  const myName = me ? me.name : 'The person at the till';
  if (!asksSecond) {
    return {
      body: h('p', { class: 'notice', id: 'sign-who' }, `${firstText(signed[0])}. ${myName}, you sign as the second person.`),
      submitLabel: `Sign as ${myName}`,
      read: () => ({}),
    };
  }
  const others = (ctx.status.people || []).filter((p) => p.active && (!me || p.id !== me.id) && !signedIds.has(p.id));
  const notice = signed.length
    ? `${firstText(signed[0])}. A second, different person of the team signs now with their own PIN.`
    : `${myName} signs first, at the till. A second, different person of the team signs with their own PIN.`;
  const choices = others.map((p, i) => h('label', { class: 'choice', dataset: { personId: p.id } },
    h('input', { type: 'radio', name: 'second_person_id', value: p.id, id: `sign-second-${i}`, checked: others.length === 1 }),
    h('span', { class: 'choice-name' }, p.name),
    h('span', { class: 'muted' }, p.role)));
  const picker = h('fieldset', { class: 'field choice-fieldset', id: 'sign-second', dataset: { field: 'second_person_id' } },
    h('legend', { class: 'field-label' }, 'Second person'),
    others.length
      ? h('div', { class: 'choice-grid' }, choices)
      : h('p', { class: 'muted' }, 'Nobody else on the team can sign: an organizer adds people on the People screen.'),
    h('span', { class: 'field-error', role: 'alert' }));
  const pin = h('input', {
    type: 'password', name: 'second_pin', id: 'sign-second-pin', inputmode: 'numeric',
    autocomplete: 'off', maxlength: '12',
  });
  return {
    body: h('div', {}, h('p', { class: 'notice', id: 'sign-who' }, notice), picker,
      field('Their PIN', pin, 'The second person types their own PIN')),
    submitLabel: 'Sign together',
    focus: others.length === 1 ? pin : null,
    read: (form) => {
      const chosen = form.querySelector('input[name=second_person_id]:checked');
      return { second_person_id: chosen ? chosen.value : null, second_pin: pin.value };
    },
    // A wrong PIN (or a lockout) is about the PIN field: shown next to it.
    onError: (err) => {
      pin.value = '';
      if (err.field || ![ErrorCode.unauthorized, ErrorCode.locked].includes(err.code)) return err;
      return new TillError({ code: err.code, message: err.message, field: 'second_pin' });
    },
  };
}

/** The body of the sign dialog of a one-person or organizer-PIN step. */
function namedBody(ctx, step) {
  const me = ctx.person();
  const names = h('datalist', { id: 'sign-people' }, (ctx.status.people || []).filter((p) => p.active).map((p) => h('option', { value: p.name })));
  const name = h('input', { name: 'signer_name', id: 'sign-name', list: 'sign-people', maxlength: '80', autocomplete: 'off', value: me ? me.name : '' });
  const work = step.records.find((r) => r.kind === 'work');
  return {
    body: h('div', {},
      step.signoff === 'organizer_pin'
        ? h('p', { class: 'notice' }, work ? `${firstText(work)}. An organizer approves this step with their PIN.` : 'An organizer approves this step with their PIN.')
        : null,
      field('Who signs', name, 'Your own name, as the team knows you'),
      names),
    submitLabel: 'Sign',
    read: () => {
      const signerName = name.value;
      const person = (ctx.status.people || []).find((p) => p.name === signerName.trim());
      return { signer_name: signerName, signer_person_id: person ? person.id : null };
    },
  };
}

/** The sign-off dialog; calls `done()` after a successful signature. */
export async function signStep(ctx, step, done) {
  const form = step.signoff === 'two_people' ? twoPersonBody(ctx, step) : namedBody(ctx, step);
  const after = await openDialog({
    id: 'sign-dialog',
    title: `Sign off: ${step.title}`,
    body: form.body,
    submitLabel: form.submitLabel,
    submitId: 'sign-ok',
    focus: form.focus || null,
    submit: async (_values, dialog) => {
      const input = form.read(dialog);
      try {
        return await callApproved('sign_task', { taskId: step.id, input }, ctx.askPin);
      } catch (err) {
        throw form.onError ? form.onError(err) : err;
      }
    },
  });
  if (!after) return;
  toast(after.status === 'done' ? `Done: ${after.title}` : `Signed, still open: ${after.title}`);
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
    submit: (values) => callApproved('skip_task', { taskId: step.id, reason: values.reason }, ctx.askPin),
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

/** What an open step still awaits, in words (the core says which). */
function awaitingText(step) {
  const worked = step.records.some((r) => r.kind === 'work');
  if (step.awaiting === 'second_signature') return worked ? 'work done · second signature needed' : '1 of 2 signed';
  if (step.awaiting === 'organizer_approval') return 'work done · organizer PIN needed';
  return null;
}

function statusBadge(step) {
  if (step.status === 'done') return h('span', { class: 'badge badge-done' }, 'done');
  if (step.status === 'skipped') return h('span', { class: 'badge badge-skipped' }, 'skipped');
  const overdue = step.overdue ? h('span', { class: 'badge badge-overdue' }, 'overdue')
    : step.late_start ? h('span', { class: 'badge badge-late', title: 'Due before this flow was made' }, 'late start') : null;
  const awaiting = awaitingText(step);
  if (awaiting) return [h('span', { class: 'badge badge-awaiting' }, awaiting), overdue ? ' ' : null, overdue];
  return overdue || h('span', { class: 'badge' }, 'open');
}

/**
 * One step as a list row. `refresh` redraws after a change; `compact`
 * leaves out notes and the edit button (the Event screen's summary).
 */
export function stepRow(ctx, step, refresh, { compact = false } = {}) {
  const open = step.status === 'open';
  // Once the work is recorded, what is left is a signature, not the work.
  const worked = step.records.some((r) => r.kind === 'work');
  const blocked = step.waiting_for.length > 0;
  const classes = ['step', `step-${step.status}`];
  if (step.overdue) classes.push('overdue');
  if (step.late_start) classes.push('late-start');
  if (blocked && open) classes.push('blocked');
  const meta = [
    step.due_at ? `Due ${wallTime(step.due_at)} (${step.due_text})` : null,
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
      step.action && open && !worked ? h('button', {
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
      flow.overdue ? h('span', { class: 'badge badge-overdue' }, `${flow.overdue} overdue`) : null,
      flow.late_start ? h('span', { class: 'badge badge-late' }, `${flow.late_start} late start`) : null),
    PHASES.map(([phase, label]) => {
      const p = flow.phases.find((x) => x.phase === phase) || { done: 0, total: 0 };
      const pct = p.total ? Math.round((100 * p.done) / p.total) : 0;
      return h('div', { class: 'progress-row', dataset: { phase } },
        h('span', { class: 'progress-label' }, label),
        h('progress', { max: String(p.total || 1), value: String(p.done), 'aria-label': label }),
        h('span', { class: 'progress-count' }, `${p.done} / ${p.total}`, pct === 100 && p.total ? ' ✓' : ''));
    }));
}
