// A screen that is not built yet says so plainly.

import { h } from '../dom.js';

export function placeholder(title, text) {
  return {
    render(root) {
      root.append(h('section', { class: 'panel placeholder' },
        h('h1', {}, title),
        h('p', {}, text),
        h('p', { class: 'muted' }, 'Nothing on this screen changes your till.')));
    },
  };
}
