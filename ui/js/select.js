// The one way the screens build a <select>: options from [value, label]
// pairs, the chosen value selected. Labels become text, never HTML.

import { h } from './dom.js';

/**
 * One option; `extra` may hold { disabled: true }.
 */
export function option(value, label, extra = {}) {
  return h('option', { value, disabled: extra.disabled }, label);
}

/**
 * select({ name: 'unit', id: 'product-unit' }, [['each', 'each'], ['kg', 'kg']], 'kg')
 * An option may carry a third element, { disabled: true }. Without a chosen
 * value (or one no option has) the first option is selected.
 */
export function select(attrs, options, chosen) {
  const el = h('select', attrs, options.map(([value, label, extra]) => option(value, label, extra)));
  if (chosen !== undefined && options.some(([value]) => value === chosen)) el.value = chosen;
  return el;
}
