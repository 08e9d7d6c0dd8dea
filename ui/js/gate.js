// The door of the screens a cashier does not use (People, Settings,
// Export). The core decides who may open them: the screen asks
// `enter_organizer_screen` on entry, and only when the core answers
// `approval_needed` is an organizer's PIN asked for (an organizer at the
// till is never asked). The PIN given here is kept for the screen's own
// actions until the screen is left or the till locks (the shell forgets it).

import { call, ErrorCode } from './api.js';
import { h } from './dom.js';
import { askOrganizerPin } from './pin.js';

/** Whether the screen `id` may be shown: true once the core agrees. */
export async function organizerGate(ctx, id) {
  try {
    await call('enter_organizer_screen', { screen: id });
    return true;
  } catch (err) {
    if (err.code !== ErrorCode.approvalNeeded) throw err;
    const approval = await askOrganizerPin(ctx.status, err.message,
      (asked) => call('enter_organizer_screen', { screen: id, approval: asked }));
    if (!approval) return false;
    ctx.screenApproval = approval;
    return true;
  }
}

/** What a screen shows when no organizer opened it. */
export function organizerOnly(ctx, id, title, text) {
  return h('section', { class: 'panel organizer-only', id: `${id}-locked` },
    h('h1', {}, title),
    h('p', {}, text),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: `${id}-unlock`, onclick: () => ctx.go(id) },
        'An organizer opens it')));
}
