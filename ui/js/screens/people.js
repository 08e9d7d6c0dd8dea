// The People screen: the team of cashiers and organizers, each with their
// own PIN. An organizer opens it (see gate.js); adding, deactivating and
// setting someone's PIN need an organizer too (the PIN given on entry
// serves them). Anyone changes their own PIN with the old one: a cashier
// without an organizer still gets that part of the screen.

import { call, callApproved } from '../api.js';
import { h, field, formValues, showFormError, clearFormError, toast } from '../dom.js';
import { openDialog } from '../dialog.js';
import { select } from '../select.js';
import { organizerGate } from '../gate.js';

const pinInput = (name, id) => h('input', { name, id, type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: '12' });

/** An organizer sets a new PIN for someone who forgot theirs. */
function resetPin(ctx, p) {
  return openDialog({
    id: 'reset-pin-dialog',
    title: `New PIN for ${p.name}`,
    body: field('New PIN', pinInput('pin', 'reset-pin'), p.role === 'organizer' ? 'At least 6 digits' : 'At least 4 digits'),
    submitLabel: 'Set the PIN',
    submit: async (v) => {
      const done = await callApproved('reset_pin', { personId: p.id, pin: v.pin }, ctx.askPin);
      return done === null ? undefined : 'set';
    },
  });
}

function changeOwnPin(ctx) {
  const me = ctx.person();
  if (!me) return null;
  const form = h('form', { class: 'panel', id: 'own-pin-form', novalidate: true },
    h('h2', {}, `Change my PIN (${me.name})`),
    field('Current PIN', pinInput('old_pin', 'own-pin-old')),
    field('New PIN', pinInput('new_pin', 'own-pin-new'), me.role === 'organizer' ? 'At least 6 digits' : 'At least 4 digits'),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'own-pin-save' }, 'Change my PIN')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const v = formValues(form);
    try {
      await call('change_own_pin', { oldPin: v.old_pin, newPin: v.new_pin });
      form.reset();
      toast('Your PIN is changed');
    } catch (err) { showFormError(form, err); }
  });
  return form;
}

export async function render(root, ctx) {
  if (!await organizerGate(ctx, 'people')) {
    root.append(h('div', { class: 'screen-head' }, h('h1', {}, 'People')),
      h('div', { class: 'two-col' },
        h('section', { class: 'panel organizer-only', id: 'people-locked' },
          h('h2', {}, 'The team'),
          h('p', {}, 'An organizer looks after the team: they open this part with their PIN.'),
          h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'people-unlock', onclick: () => ctx.go('people') }, 'An organizer opens it'))),
        changeOwnPin(ctx)));
    const own = root.querySelector('#own-pin-old');
    if (own) own.focus();
    return;
  }
  const draw = async () => {
    const people = await call('list_people');
    root.replaceChildren();
    const rows = people.map((p) => h('tr', { dataset: { personId: p.id }, class: p.active ? '' : 'inactive' },
      h('td', {}, p.name),
      h('td', {}, p.role),
      h('td', {}, p.active ? 'active' : 'inactive'),
      h('td', { class: 'row-actions' },
        h('button', {
          type: 'button',
          class: 'toggle-active',
          onclick: async () => {
            try {
              const done = await callApproved('set_person_active', { personId: p.id, active: !p.active }, ctx.askPin);
              if (!done) return;
              await ctx.refresh();
              draw();
            } catch (err) { toast(err.message, 'error'); }
          },
        }, p.active ? 'Deactivate' : 'Reactivate'),
        p.active ? h('button', {
          type: 'button',
          class: 'reset-pin',
          onclick: async () => { if (await resetPin(ctx, p)) toast(`${p.name} has a new PIN`); },
        }, 'New PIN') : null)));
    const role = select({ name: 'role', id: 'person-role' }, [['cashier', 'Cashier'], ['organizer', 'Organizer']]);
    const form = h('form', { class: 'panel', id: 'person-form', novalidate: true },
      h('h2', {}, 'Add to the team'),
      field('Name', h('input', { name: 'name', id: 'person-name', maxlength: '80' })),
      field('Role', role),
      field('Their PIN', pinInput('pin', 'person-pin'), 'Cashiers at least 4 digits, organizers at least 6'),
      h('p', { class: 'form-error', role: 'alert' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'person-save' }, 'Add person')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFormError(form);
      try {
        const person = await callApproved('add_person', { input: formValues(form) }, ctx.askPin);
        if (!person) return;
        toast(`Added ${person.name}`);
        await ctx.refresh();
        draw();
      } catch (err) { showFormError(form, err); }
    });
    root.append(h('div', { class: 'screen-head' }, h('h1', {}, 'People')),
      h('div', { class: 'two-col' },
        h('section', {}, h('table', { class: 'table', id: 'people-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Role'), h('th', {}, 'Status'), h('th', {}, ''))),
          h('tbody', {}, rows))),
        h('div', {}, form, changeOwnPin(ctx))));
  };
  await draw();
}
