// The organizer PIN dialog for organizer-only actions. Resolves to
// {organizer_id, pin}, or null when cancelled (Esc). Checking the PIN is
// the core's job: this only collects it.

import { h, clear } from './dom.js';

export function askOrganizerPin(status, reason) {
  const organizers = (status.people || []).filter((p) => p.role === 'organizer' && p.active);
  if (organizers.length === 0) return Promise.resolve({ organizer_id: null, pin: null });
  return new Promise((resolve) => {
    const overlay = document.getElementById('overlay');
    const select = h('select', { name: 'organizer_id', id: 'pin-organizer' },
      organizers.map((p) => h('option', { value: p.id }, p.name)));
    const pin = h('input', {
      type: 'password', name: 'pin', id: 'pin-input', inputmode: 'numeric',
      autocomplete: 'off', maxlength: '12', required: true,
    });
    const finish = (value) => {
      overlay.hidden = true;
      clear(overlay);
      document.removeEventListener('keydown', onKey, true);
      resolve(value);
    };
    const onKey = (e) => { if (e.key === 'Escape') { e.preventDefault(); finish(null); } };
    document.addEventListener('keydown', onKey, true);
    const form = h('form', {
      class: 'dialog', role: 'dialog', 'aria-modal': 'true', id: 'pin-dialog',
      onsubmit: (e) => { e.preventDefault(); finish({ organizer_id: select.value, pin: pin.value }); },
    },
    h('h2', {}, 'Organizer PIN'),
    h('p', {}, reason || 'An organizer must approve this.'),
    organizers.length > 1 ? h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Organizer'), select) : null,
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'PIN'), pin),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'pin-ok' }, 'Approve'),
      h('button', { type: 'button', onclick: () => finish(null) }, 'Cancel (Esc)')));
    if (organizers.length === 1) form.append(h('input', { type: 'hidden', name: 'organizer_id', value: organizers[0].id }));
    clear(overlay).append(form);
    overlay.hidden = false;
    pin.focus();
  });
}
