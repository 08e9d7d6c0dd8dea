// The footfall tally: a large "+1 visitor" button and a field for a counted
// number or a correction (e.g. -2), the total shown as "1 visitor" or
// "12 visitors". A small module so the Event and Till screens can mount the
// same control as the Reports screen (the till's F5 presses its button).

import { call } from './api.js';
import { h, field, showFormError, clearFormError, toast } from './dom.js';
import { noun } from './words.js';

/**
 * The tally for `event` ({id, name, accepts_visitors}, as the core sends
 * every event). The core decides whether the event takes counts, and
 * refuses them otherwise; the buttons are off only when it said no.
 * `onChange(total)` runs after every recorded count. `compact` leaves out
 * the manual entry (the till and the event's home; the Reports screen has
 * it). Returns the element to mount.
 */
export function visitorTally(event, onChange = () => {}, { compact = false } = {}) {
  const count = h('strong', { class: 'visitor-count', id: 'visitor-count' }, '…');
  const word = h('span', { class: 'muted visitor-noun' }, ' visitors');
  const show = (total) => {
    count.textContent = String(total);
    word.textContent = ` ${noun(total, 'visitor')}`;
  };
  const canCount = event.accepts_visitors !== false;

  const plus = h('button', {
    type: 'button',
    class: 'primary huge visitor-plus',
    id: 'visitor-plus',
    disabled: !canCount,
    title: 'Count one visitor',
    onclick: async () => {
      plus.disabled = true;
      try {
        const total = await call('count_visitor', { eventId: event.id });
        show(total);
        onChange(total);
      } catch (err) {
        toast(err.message, 'error');
      } finally {
        plus.disabled = false;
        // On the till, focus goes back to the scan field (onChange does it).
        if (!compact) plus.focus();
      }
    },
  }, '+1 visitor');

  const input = h('input', { name: 'visitors', id: 'visitor-manual', inputmode: 'numeric', placeholder: 'e.g. 25 or -2', autocomplete: 'off' });
  const form = h('form', { class: 'visitor-manual', id: 'visitor-form', novalidate: true },
    field('Add a counted number (negative to correct)', input),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', id: 'visitor-manual-save', disabled: !canCount }, 'Add'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const total = await call('enter_visitors', { eventId: event.id, count: input.value });
      input.value = '';
      show(total);
      toast(`Visitors now ${total}`);
      onChange(total);
    } catch (err) {
      showFormError(form, err);
    }
  });

  call('event_visitors', { eventId: event.id }).then(show, (err) => toast(err.message, 'error'));

  if (compact) {
    return h('div', { class: 'visitor-compact', id: 'visitor-tally' },
      plus, h('span', { class: 'visitor-total', 'aria-live': 'polite' }, count, word));
  }
  return h('section', { class: 'panel visitor-tally', id: 'visitor-tally' },
    h('h2', {}, 'Visitors'),
    h('div', { class: 'visitor-row' },
      h('div', { class: 'visitor-total', 'aria-live': 'polite' }, count, word),
      plus),
    canCount ? null : h('p', { class: 'muted' }, 'Count visitors once the event is open.'),
    compact ? null : form);
}
