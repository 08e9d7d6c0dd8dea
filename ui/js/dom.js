// Building the page safely: every piece of user text becomes a text node
// (never HTML), so a product called "<img onerror=...>" is just a name.

/**
 * h('button', {class: 'big', onclick: fn, id: 'x'}, 'Label', child, ...)
 * Attributes starting with "on" become listeners; `dataset` sets data-*;
 * strings and numbers become text nodes; null/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value') {
      el.value = value;
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A labelled form field; `input` is the control element. */
export function field(label, input, hint) {
  return h('label', { class: 'field', dataset: { field: input.name || '' } },
    h('span', { class: 'field-label' }, label),
    input,
    hint ? h('span', { class: 'field-hint' }, hint) : null,
    h('span', { class: 'field-error', role: 'alert' }));
}

/** Show an error on a form: next to its field when the error names one. */
export function showFormError(form, err) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  const banner = form.querySelector('.form-error');
  const target = err.field ? form.querySelector(`[data-field="${CSS.escape(err.field)}"]`) : null;
  if (target) {
    target.querySelector('.field-error').textContent = err.message;
    const control = target.querySelector('input, select, textarea');
    if (control) { control.classList.add('invalid'); control.focus(); }
    if (banner) banner.textContent = '';
  } else if (banner) {
    banner.textContent = err.message;
  }
}

export function clearFormError(form) {
  for (const el of form.querySelectorAll('.field-error, .form-error')) el.textContent = '';
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
}

let toastTimer = null;
export function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = `toast toast-${kind}`;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

/** Read a form's named controls into a plain object of strings. */
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (el.name) out[el.name] = el.value;
  }
  return out;
}

/** Replace an element's children (null / false skipped, lists flattened). */
export function fill(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}
