// Dialogs: every overlay of the window opens here, so they all behave the
// same way. A dialog is a form in #overlay: the focus goes into its first
// field (or, in a dialog that only shows something, onto its Close button)
// and back where it was when it closes, Esc closes it, Enter submits it
// from anywhere in it — a text field, a select, a checkbox, a radio button;
// in a text area Ctrl+Enter does, Enter there starts a new line — and an
// error its submit throws is shown on it. `confirmDialog` asks a yes-or-no
// question the same way. Dialogs stack: one opened from another (the
// organizer PIN over a void) hides the one below until it closes.

import { h, formValues, showFormError, clearFormError } from './dom.js';

const open = [];

/** Whether a dialog is open (screens leave their shortcuts alone then). */
export function dialogOpen() {
  return open.length > 0;
}

/** Close every open dialog as if cancelled (the till is locking). */
export function closeAllDialogs() {
  while (open.length) open[open.length - 1].close(null);
}

function top() {
  return open[open.length - 1] || null;
}

document.addEventListener('keydown', (e) => {
  const dialog = top();
  if (!dialog) return;
  if (e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    if (dialog.cancellable) dialog.close(null);
    return;
  }
  // Enter submits from every field; a button does what it says, a text
  // area takes Ctrl+Enter (Enter there is a new line), a fold-out opens.
  const t = e.target;
  if (e.key !== 'Enter' || !dialog.submits || !dialog.form.contains(t) || e.isComposing) return;
  if (['BUTTON', 'A', 'SUMMARY'].includes(t.tagName)) return;
  if (t.tagName === 'TEXTAREA' && !e.ctrlKey) return;
  e.preventDefault();
  dialog.form.requestSubmit();
}, true);

function firstField(form) {
  return form.querySelector('input:not([type=hidden]):not([disabled]), select, textarea')
    || form.querySelector('button:not([disabled])');
}

/**
 * Open a dialog. Resolves with the value it closes with: what `submit`
 * returned, what a button passed to `close`, or null when cancelled.
 *
 * - `body`: a node, or `(close) => node` for bodies whose own buttons close it.
 * - `submit(values, form)`: may be async; a value other than undefined
 *   closes the dialog with it; an error it throws is shown on the form.
 *   Without `submit` the dialog only shows something and has a Close button.
 * - `extraButtons`: `[{id, label, onclick(close)}]` beside OK and Cancel.
 * - `cancellable: false`: no Cancel button and Esc does nothing (a choice
 *   that must be made). `cancelLabel: null` leaves out the button only.
 * - `focus`: the field to start in, when it is not the first one.
 */
export function openDialog({
  id, title, body = null, submit = null, submitLabel = 'OK', submitId = `${id}-ok`,
  cancelLabel, cancelId = `${id}-cancel`, extraButtons = [], cancellable = true,
  wide = false, focus = null,
}) {
  return new Promise((resolve) => {
    const overlay = document.getElementById('overlay');
    const opener = document.activeElement;
    let closed = false;
    let submitting = false;
    const close = (value) => {
      if (closed) return;
      closed = true;
      const i = open.indexOf(dialog);
      if (i >= 0) open.splice(i, 1);
      form.remove();
      const below = top();
      if (below) below.form.hidden = false;
      else overlay.hidden = true;
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(value === undefined ? null : value);
    };
    const label = cancelLabel !== undefined ? cancelLabel : (submit ? 'Cancel (Esc)' : 'Close (Esc)');
    const headingId = `${id}-title`;
    const form = h('form', {
      class: wide ? 'dialog dialog-wide' : 'dialog', role: 'dialog', 'aria-modal': 'true',
      'aria-labelledby': headingId, id, novalidate: true,
    },
    h('h2', { id: headingId }, title),
    typeof body === 'function' ? body(close) : body,
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' },
      submit ? h('button', { type: 'submit', class: 'primary', id: submitId }, submitLabel) : null,
      extraButtons.map((b) => h('button', { type: 'button', id: b.id, onclick: () => b.onclick(close) }, b.label)),
      cancellable && label !== null ? h('button', { type: 'button', id: cancelId, onclick: () => close(null) }, label) : null));
    const dialog = { form, close, cancellable, submits: Boolean(submit) };

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      // One submit at a time: a double click or a second Enter while the
      // first is answered does nothing.
      if (!submit || closed || submitting) return;
      submitting = true;
      clearFormError(form);
      const ok = form.querySelector('button[type=submit]');
      ok.disabled = true;
      try {
        const result = await submit(formValues(form), form);
        if (result !== undefined) close(result);
      } catch (err) {
        showFormError(form, err);
      } finally {
        submitting = false;
        ok.disabled = false;
      }
    });

    const below = top();
    if (below) below.form.hidden = true;
    open.push(dialog);
    overlay.append(form);
    overlay.hidden = false;
    // A dialog that only shows something: Enter closes it.
    const closeButton = submit ? null : form.querySelector(`#${CSS.escape(cancelId)}`);
    const start = focus || closeButton || firstField(form);
    if (start) {
      start.focus();
      if (start.select && start.tagName === 'INPUT') start.select();
    }
  });
}

/**
 * Ask before something that cannot be taken back (clearing a cart,
 * recording a loss). Resolves true when confirmed (Enter or the button),
 * false when cancelled (Esc).
 */
export async function confirmDialog({ id, title, body, confirmLabel, cancelLabel = 'Cancel (Esc)' }) {
  const answer = await openDialog({
    id, title, body, submitLabel: confirmLabel, cancelLabel, submit: () => 'yes',
  });
  return answer === 'yes';
}
