// The People screen: the team of cashiers and organizers. Adding or
// deactivating someone needs an organizer's PIN.

import { call } from '../api.js';
import { h, field, formValues, showFormError, clearFormError, toast } from '../dom.js';
import { select } from '../select.js';

export async function render(root, ctx) {
  const draw = async () => {
    const people = await call('list_people');
    root.replaceChildren();
    const rows = people.map((p) => h('tr', { dataset: { personId: p.id }, class: p.active ? '' : 'inactive' },
      h('td', {}, p.name),
      h('td', {}, p.role),
      h('td', {}, p.active ? 'active' : 'inactive'),
      h('td', {}, h('button', {
        type: 'button',
        onclick: async () => {
          const approval = await ctx.askPin(`${p.active ? 'Deactivate' : 'Reactivate'} ${p.name}`);
          if (!approval) return;
          try {
            await call('set_person_active', { personId: p.id, active: !p.active, approval });
            await ctx.refresh();
            draw();
          } catch (err) { toast(err.message, 'error'); }
        },
      }, p.active ? 'Deactivate' : 'Reactivate'))));
    const role = select({ name: 'role', id: 'person-role' }, [['cashier', 'Cashier'], ['organizer', 'Organizer']]);
    const pinField = field('PIN (organizers)', h('input', { name: 'pin', id: 'person-pin', type: 'password', inputmode: 'numeric', maxlength: '12' }), 'At least 6 digits');
    const form = h('form', { class: 'panel', id: 'person-form', novalidate: true },
      h('h2', {}, 'Add to the team'),
      field('Name', h('input', { name: 'name', id: 'person-name', maxlength: '80' })),
      field('Role', role),
      pinField,
      h('p', { class: 'form-error', role: 'alert' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'person-save' }, 'Add person')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFormError(form);
      const input = formValues(form);
      const approval = await ctx.askPin(`Add ${input.name || 'a person'} to the team`);
      if (!approval) return;
      try {
        const person = await call('add_person', { input, approval });
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
        form));
  };
  await draw();
}
