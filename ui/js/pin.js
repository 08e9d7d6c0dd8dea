// The organizer PIN dialog for organizer-only actions. Resolves to
// {organizer_id, pin}, or null when cancelled (Esc). Checking the PIN is
// the core's job: this only collects it (and, given `check`, sends it
// before closing, so a wrong PIN is shown on the dialog itself).

import { h } from './dom.js';
import { openDialog } from './dialog.js';
import { select as selectOf } from './select.js';

export function askOrganizerPin(status, reason, check = null) {
  const organizers = (status.people || []).filter((p) => p.role === 'organizer' && p.active);
  if (organizers.length === 0) return Promise.resolve({ organizer_id: null, pin: null });
  const select = selectOf({ name: 'organizer_id', id: 'pin-organizer' }, organizers.map((p) => [p.id, p.name]));
  const pin = h('input', {
    type: 'password', name: 'pin', id: 'pin-input', inputmode: 'numeric',
    autocomplete: 'off', maxlength: '12', required: true,
  });
  return openDialog({
    id: 'pin-dialog',
    title: 'Organizer PIN',
    body: h('div', {},
      h('p', {}, reason || 'An organizer must approve this.'),
      organizers.length > 1
        ? h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Organizer'), select)
        : h('input', { type: 'hidden', name: 'organizer_id', value: organizers[0].id }),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'PIN'), pin)),
    submitLabel: 'Approve',
    submitId: 'pin-ok',
    focus: pin,
    submit: async (values) => {
      const approval = { organizer_id: values.organizer_id, pin: values.pin };
      if (check) {
        try {
          await check(approval);
        } catch (err) {
          pin.value = '';
          throw err;
        }
      }
      return approval;
    },
  });
}
