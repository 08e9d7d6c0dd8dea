// The Stock screen. For now it lists the catalog read-only; receiving,
// counting and import arrive with the stock ledger.

import { call } from '../api.js';
import { h } from '../dom.js';

export async function render(root) {
  const products = await call('list_products');
  root.append(h('div', { class: 'screen-head' },
    h('h1', {}, 'Stock'),
    h('p', { class: 'notice' }, 'The catalog is shown read-only: import, receiving and counting stock are not built yet.')),
  h('table', { class: 'table', id: 'product-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'SKU'), h('th', {}, 'Name'), h('th', {}, 'Category'), h('th', { class: 'num' }, 'Price'), h('th', {}, 'Unit'), h('th', { class: 'num' }, 'Tax %'))),
    h('tbody', {}, products.map((p) => h('tr', {},
      h('td', {}, p.sku), h('td', {}, p.name), h('td', {}, p.category),
      h('td', { class: 'num' }, p.unit_price), h('td', {}, p.unit), h('td', { class: 'num' }, p.tax_rate))))));
}
