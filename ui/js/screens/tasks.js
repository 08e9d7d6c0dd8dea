// The Tasks screen: an event's whole flow by phase (sign, skip, edit,
// open the screen doing a step's work), erasing the signers' names once
// the event is closed, the pre-orders to hand over, and the task templates
// (edit, duplicate, share as a JSON file).

import { call, callApproved } from '../api.js';
import { h, clear, field, showFormError, clearFormError, toast } from '../dom.js';
import { openDialog } from '../dialog.js';
import { PHASES, ACTION_LABELS, SIGNOFF_LABELS, progressBars, stepRow } from '../flow.js';
import { select } from '../select.js';
import { plural, noun } from '../words.js';

function eventPicker(ctx, events, redraw) {
  return select({
    id: 'tasks-event',
    onchange: (e) => { ctx.selectedEventId = e.target.value; redraw(); },
  }, events.map((ev) => [ev.id, `${ev.name} (${ev.status})`]), ctx.selectedEventId);
}

async function flowSection(ctx, eventId, redraw) {
  const flow = await call('task_flow', { eventId });
  const section = h('section', { class: 'panel', id: 'flow' });
  if (flow.total === 0) {
    section.append(h('p', { class: 'muted' }, 'This event has no task flow yet: create it from the Event screen.'));
    return section;
  }
  section.append(progressBars(flow));
  for (const [phase, label] of PHASES) {
    const steps = flow.steps.filter((s) => s.phase === phase);
    if (!steps.length) continue;
    section.append(h('h2', { class: 'phase-head' }, label),
      h('ol', { class: 'step-list', dataset: { phase } }, steps.map((s) => stepRow(ctx, s, redraw))));
  }
  if (flow.event.status === 'closed') section.append(signerNames(ctx, flow, redraw));
  return section;
}

/**
 * A closed event's signers' names: erased on request (an organizer
 * approves; the PIN is asked for only when the core says so). The steps
 * stay signed.
 */
function signerNames(ctx, flow, redraw) {
  const box = h('div', { class: 'signer-names', id: 'signer-names' }, h('h2', {}, 'Signers’ names'));
  if (flow.signer_names === 0) {
    box.append(h('p', { class: 'muted', id: 'signer-names-erased' },
      'The names of the people who signed are erased. The steps stay signed, by “a team member (name erased)”.'));
    return box;
  }
  const erase = async () => {
    const erased = await openDialog({
      id: 'erase-names-dialog',
      title: `Erase the signers’ names of ${flow.event.name}?`,
      body: h('p', {}, `${plural(flow.signer_names, 'sign-off')} still ${noun(flow.signer_names, 'names', 'name')} who signed, skipped or did the work. `
        + 'Erased names cannot be brought back; every step stays signed, and the journal keeps only the count.'),
      submitLabel: 'Erase the names',
      submitId: 'erase-names-ok',
      submit: () => callApproved('erase_task_signer_names', { eventId: flow.event.id }, ctx.askPin),
    });
    if (erased === null) return;
    toast(`Erased ${erased} ${erased === 1 ? 'name' : 'names'}`);
    redraw();
  };
  box.append(
    h('p', {}, `The event is closed. ${plural(flow.signer_names, 'sign-off')} still ${noun(flow.signer_names, 'names', 'name')} the person who signed: personal data you can erase now.`),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'erase-signer-names', onclick: erase }, 'Erase signers’ names')));
  return box;
}

async function ordersSection(ctx, eventId, redraw) {
  // Contacts past their retention period go before the list is shown.
  await call('purge_order_contacts').catch(() => 0);
  const [orders, days] = await Promise.all([
    call('list_orders', { eventId, openOnly: true }),
    call('order_retention_days'),
  ]);
  const section = h('section', { class: 'panel', id: 'orders-panel' },
    h('h2', {}, 'Pre-orders to hand over'));
  if (!orders.length) {
    section.append(h('p', { class: 'muted', id: 'orders-empty' }, 'No open orders for this event.'));
  } else {
    const body = h('tbody', {});
    for (const o of orders) {
      const qty = h('input', { class: 'order-qty', inputmode: 'decimal', placeholder: o.remaining, 'aria-label': 'Quantity to hand over' });
      const fulfil = async () => {
        try {
          await call('fulfil_order', { orderId: o.id, quantity: qty.value || null });
          toast(`Handed over: ${o.product_name}`);
          redraw();
        } catch (err) { toast(err.message, 'error'); }
      };
      const c = o.contact;
      body.append(h('tr', { dataset: { orderId: o.id } },
        h('td', {}, o.product_name),
        h('td', { class: 'num' }, `${o.remaining} of ${o.quantity}`),
        h('td', {}, c ? [c.name, h('br'), h('span', { class: 'muted' }, [c.phone, c.email].filter(Boolean).join(' · '))] : h('span', { class: 'muted' }, 'contact purged')),
        h('td', {}, h('div', { class: 'actions' }, qty, h('button', { type: 'button', class: 'primary order-fulfil', onclick: fulfil }, 'Hand over')))));
    }
    section.append(h('table', { class: 'table', id: 'orders-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Product'), h('th', { class: 'num' }, 'Left'), h('th', {}, 'Contact'), h('th', {}, 'Hand over (empty: all)'))),
      body));
  }
  const input = h('input', { name: 'retention_days', id: 'retention-days', value: String(days), inputmode: 'numeric', maxlength: '3' });
  const form = h('form', { class: 'retention-form', id: 'retention-form', novalidate: true },
    field('Keep contacts of fulfilled orders for (days)', input, 'Then they are deleted; the order stays.'),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', id: 'retention-save' }, 'Save'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const saved = await callApproved('save_order_retention', { days: input.value }, ctx.askPin);
      if (saved === null) return;
      toast('Retention saved');
    } catch (err) { showFormError(form, err); }
  });
  section.append(form);
  return section;
}

// --- templates ---------------------------------------------------------------

function stepInputFrom(s) {
  return {
    key: s.key, phase: s.phase, title: s.title, notes: s.notes,
    action: s.action || '', due: s.due_text || '', signoff: s.signoff,
    requires: s.requires.slice(), repeat: s.repeat_text || '',
  };
}

/** The template editor: steps added, removed, moved, changed; saved whole. */
function templateEditor(ctx, template, done) {
  const steps = template.steps.map(stepInputFrom);
  const form = h('form', { class: 'panel', id: 'tpl-editor', novalidate: true });
  const name = h('input', { name: 'name', id: 'tpl-name', maxlength: '120', value: template.name });
  const description = h('input', { name: 'description', id: 'tpl-description', maxlength: '2000', value: template.description });
  const rows = h('ol', { class: 'tpl-steps' });
  const drawRows = () => {
    clear(rows);
    steps.forEach((s, i) => {
      const n = i + 1;
      const set = (key) => (e) => { s[key] = e.target.value; };
      const title = h('input', { name: `steps[${n}].title`, value: s.title, maxlength: '120', oninput: set('title') });
      const phase = select({ name: `steps[${n}].phase` }, PHASES.map(([v]) => [v, v]), s.phase);
      phase.addEventListener('change', set('phase'));
      const action = select({ name: `steps[${n}].action` }, [['', 'no action'], ...Object.entries(ACTION_LABELS)], s.action);
      action.addEventListener('change', set('action'));
      const due = h('input', { name: `steps[${n}].due`, value: s.due, placeholder: '2 days before start', oninput: set('due') });
      const signoff = select({ name: `steps[${n}].signoff` }, Object.entries(SIGNOFF_LABELS), s.signoff);
      signoff.addEventListener('change', set('signoff'));
      const key = h('input', { name: `steps[${n}].key`, value: s.key, maxlength: '40', oninput: set('key') });
      const repeat = h('input', { name: `steps[${n}].repeat`, value: s.repeat, placeholder: 'every 2 hours', oninput: set('repeat') });
      const requires = h('input', {
        name: `steps[${n}].requires`, value: s.requires.join(', '), placeholder: 'keys, e.g. float',
        oninput: (e) => { s.requires = e.target.value.split(',').map((x) => x.trim()).filter(Boolean); },
      });
      const move = (delta) => () => {
        const j = i + delta;
        if (j < 0 || j >= steps.length) return;
        [steps[i], steps[j]] = [steps[j], steps[i]];
        drawRows();
      };
      rows.append(h('li', { class: 'tpl-step', dataset: { key: s.key } },
        h('div', { class: 'tpl-grid' },
          field('Title', title), field('Phase', phase), field('Due', due),
          field('Action', action), field('Sign-off', signoff), field('Key', key), field('Needs', requires),
          field('Repeats (during)', repeat)),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'tpl-up', onclick: move(-1), 'aria-label': 'Move up' }, '↑'),
          h('button', { type: 'button', class: 'tpl-down', onclick: move(1), 'aria-label': 'Move down' }, '↓'),
          h('button', { type: 'button', class: 'tpl-remove', onclick: () => { steps.splice(i, 1); drawRows(); } }, 'Remove'))));
    });
  };
  drawRows();
  form.append(
    h('h2', {}, `Edit “${template.name}”`),
    h('div', { class: 'row' }, field('Name', name), field('Description', description)),
    h('p', { class: 'muted' }, 'Steps run before, during and after the event; within a phase they keep this order. A step can only need steps above it.'),
    rows,
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', {
        type: 'button', id: 'tpl-add',
        onclick: () => { steps.push({ key: '', phase: 'during', title: '', notes: '', action: '', due: '', signoff: 'one', requires: [], repeat: '' }); drawRows(); },
      }, 'Add a step'),
      h('button', { type: 'submit', class: 'primary', id: 'tpl-save' }, 'Save template'),
      h('button', { type: 'button', onclick: () => done() }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const input = {
      name: name.value,
      description: description.value,
      steps: steps.map((s) => ({ ...s, action: s.action || null, due: s.due || null })),
    };
    try {
      await call('save_task_template', { id: template.id, input });
      toast('Template saved');
      done();
    } catch (err) {
      showFormError(form, err);
    }
  });
  return form;
}

async function templatesSection(ctx, redraw, editingId) {
  const templates = await call('list_task_templates');
  const section = h('section', { class: 'panel', id: 'templates' }, h('h2', {}, 'Task templates'));
  const exportBox = h('div', { id: 'tpl-export' });
  const act = (fn) => async () => { try { await fn(); } catch (err) { toast(err.message, 'error'); } };
  const list = h('ul', { class: 'template-list', id: 'template-list' }, templates.map((t) => h('li', { class: 'template-card', dataset: { templateId: t.id } },
    h('div', {}, h('strong', {}, t.name), t.builtin ? h('span', { class: 'badge' }, 'built-in') : null,
      h('div', { class: 'muted' }, plural(t.steps.length, 'step'), t.description ? ` · ${t.description}` : '')),
    h('div', { class: 'actions' },
      t.builtin ? null : h('button', { type: 'button', class: 'tpl-edit', onclick: () => redraw(t.id) }, 'Edit'),
      h('button', { type: 'button', class: 'tpl-duplicate', onclick: act(async () => { const copy = await call('duplicate_task_template', { id: t.id }); toast(`Made “${copy.name}”`); redraw(copy.id); }) }, 'Duplicate'),
      h('button', {
        type: 'button', class: 'tpl-export',
        onclick: act(async () => {
          const text = await call('export_task_template', { id: t.id });
          const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
          clear(exportBox).append(
            h('h3', {}, `“${t.name}” as a file`),
            h('textarea', { id: 'tpl-export-text', rows: '8', readonly: true }, text),
            h('div', { class: 'actions' },
              h('a', { href: url, download: `${t.name.replace(/[^\w-]+/g, '-').toLowerCase()}.popup-till-template.json`, class: 'button-link' }, 'Save as file'),
              h('button', { type: 'button', onclick: () => { const ta = document.getElementById('tpl-export-text'); ta.select(); document.execCommand('copy'); toast('Copied'); } }, 'Copy')));
        }),
      }, 'Export'),
      t.builtin ? null : h('button', { type: 'button', class: 'tpl-delete', onclick: act(async () => { if (!await callApproved('delete_task_template', { id: t.id }, ctx.askPin)) return; toast('Template deleted'); redraw(); }) }, 'Delete')))));
  section.append(list, exportBox);

  const text = h('textarea', { name: 'template file', id: 'tpl-import-text', rows: '4', placeholder: 'Paste a template file here, or choose one' });
  const file = h('input', {
    type: 'file', id: 'tpl-import-file', accept: '.json,application/json',
    onchange: async (e) => {
      const f = e.target.files[0];
      if (!f) return;
      clearFormError(form);
      // The core knows how large a template file may be: ask it before
      // reading, so a huge file never enters the page.
      try {
        await call('check_task_template_file_size', { bytes: f.size });
      } catch (err) { showFormError(form, err); return; }
      text.value = await f.text();
    },
  });
  const form = h('form', { id: 'tpl-import', novalidate: true },
    h('h3', {}, 'Import a template'),
    field('Template file', text, 'A .json file another organizer shared'),
    h('label', { class: 'field', for: 'tpl-import-file' }, h('span', { class: 'field-label' }, 'Or choose the file'), file),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'tpl-import-ok' }, 'Import')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const t = await call('import_task_template', { text: text.value });
      toast(`Imported “${t.name}”`);
      redraw();
    } catch (err) { showFormError(form, err); }
  });
  section.append(form);
  const editing = editingId ? templates.find((t) => t.id === editingId && !t.builtin) : null;
  return { section, editor: editing ? templateEditor(ctx, editing, () => redraw()) : null };
}

export async function render(root, ctx) {
  const draw = async (editingTemplateId) => {
    const events = await call('list_events');
    const current = ctx.status.current_event;
    if (!events.some((e) => e.id === ctx.selectedEventId)) {
      ctx.selectedEventId = current ? current.id : (events[0] ? events[0].id : null);
    }
    const redraw = () => draw();
    const flow = ctx.selectedEventId ? await flowSection(ctx, ctx.selectedEventId, redraw) : null;
    const orders = ctx.selectedEventId ? await ordersSection(ctx, ctx.selectedEventId, redraw) : null;
    const { section, editor } = await templatesSection(ctx, (id) => draw(id), editingTemplateId);
    root.replaceChildren(
      h('div', { class: 'screen-head tasks-head' },
        h('h1', {}, 'Tasks'),
        events.length ? h('label', { class: 'inline-field' }, 'Event ', eventPicker(ctx, events, redraw)) : h('p', { class: 'muted' }, 'Create an event first.')),
      editor || h('div', { class: 'tasks-layout' }, flow, orders ? h('div', { class: 'two-col' }, orders, section) : section));
    if (editor) editor.querySelector('input').focus();
    if (ctx.focusOrders) {
      ctx.focusOrders = false;
      const orders = document.getElementById('orders-panel');
      if (orders) orders.scrollIntoView();
    }
  };
  await draw();
}
