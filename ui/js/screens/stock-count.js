// Count mode: walk the shelves with a scanner. Each scan (the code and
// Enter) adds one to that product's count; a typed name offers matches;
// weighed products take the quantity in their field. Saving records the
// counted quantities; Rust writes the variance to the ledger.

import { call } from '../api.js';
import { h, clear, showFormError, clearFormError, toast } from '../dom.js';
import { qty } from './stock.js';

export async function renderCount(root, ctx, show) {
  clear(root);
  const current = ctx.status.current_event;
  const location = h('select', { id: 'count-location', 'aria-label': 'Where' },
    h('option', { value: 'storage' }, 'Storage'),
    h('option', { value: 'event', disabled: !current }, current ? `At the event (${current.name})` : 'At the event (no event open)'));
  const scan = h('input', {
    id: 'count-scan', autocomplete: 'off', placeholder: 'Scan a barcode, or type a name and press Enter',
  });
  const results = h('div', { class: 'search-results', id: 'count-results' });
  const body = h('tbody');
  const status = h('p', { class: 'muted', id: 'count-status' }, 'Nothing counted yet.');
  /** product id -> { row, input, expectedCell, diffCell } */
  const lines = new Map();

  const expectedOf = (row) => (location.value === 'event' ? row.at_event : row.in_storage);
  const refreshLine = (line) => {
    line.expectedCell.textContent = qty(expectedOf(line.row), line.row.unit);
    const counted = Number(String(line.input.value).replace(',', '.'));
    const diff = Number.isFinite(counted) ? counted - Number(expectedOf(line.row)) : NaN;
    line.diffCell.textContent = Number.isFinite(diff) ? `${diff > 0 ? '+' : ''}${Math.round(diff * 1000) / 1000}` : '';
    line.diffCell.className = `num${diff < 0 ? ' negative' : ''}`;
  };
  const updateStatus = () => {
    status.textContent = `${lines.size} product${lines.size === 1 ? '' : 's'} counted.`;
  };

  const add = async (productId, by = 1) => {
    let line = lines.get(productId);
    if (!line) {
      const row = await call('stock_product', { productId });
      const input = h('input', { class: 'count-qty', inputmode: 'decimal', value: '0', 'aria-label': `Counted ${row.name}`, dataset: { productId } });
      const expectedCell = h('td', { class: 'num' });
      const diffCell = h('td', { class: 'num' });
      const tr = h('tr', { dataset: { productId, sku: row.sku } }, h('td', {}, row.sku), h('td', {}, row.name), expectedCell, h('td', { class: 'num' }, input), diffCell);
      line = { row, input, expectedCell, diffCell, tr };
      input.addEventListener('input', () => refreshLine(line));
      input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); scan.focus(); } });
      lines.set(productId, line);
      body.prepend(tr);
    } else {
      body.prepend(line.tr);
    }
    if (by) {
      const now = Number(String(line.input.value).replace(',', '.')) || 0;
      line.input.value = String(Math.round((now + by) * 1000) / 1000);
    }
    refreshLine(line);
    line.tr.classList.remove('flash');
    void line.tr.offsetWidth; // restart the highlight
    line.tr.classList.add('flash');
    updateStatus();
    return line;
  };

  scan.addEventListener('keydown', async (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const code = scan.value.trim();
    scan.value = '';
    clear(results);
    if (!code) return;
    const found = await call('catalog_lookup_code', { code });
    if (found) {
      const line = await add(found.id, found.unit === 'each' ? 1 : 0);
      if (found.unit !== 'each') line.input.select();
      if (found.unit !== 'each') line.input.focus();
      return;
    }
    const matches = await call('catalog_search', { query: code, limit: 8 });
    if (matches.length === 0) {
      results.append(h('p', { class: 'error-banner' }, `Nothing matches “${code}”.`));
      return;
    }
    results.append(...matches.map((p) => h('button', {
      type: 'button', class: 'result', dataset: { productId: p.id },
      onclick: async () => { clear(results); const line = await add(p.id, p.unit === 'each' ? 1 : 0); line.input.focus(); line.input.select(); },
    }, `${p.name} · ${p.sku}`)));
    results.firstChild.focus();
  });
  location.addEventListener('change', () => { for (const line of lines.values()) refreshLine(line); });

  const form = h('form', { id: 'count-form', novalidate: true },
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary huge', id: 'count-save' }, 'Save the count')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    if (lines.size === 0) { showFormError(form, { message: 'Scan or add at least one product first.' }); return; }
    const ordered = [...lines.values()];
    try {
      const result = await call('count_stock', {
        input: {
          location: location.value,
          event_id: null,
          lines: ordered.map((l) => ({ product_id: l.row.id, counted: l.input.value })),
          note: '',
        },
      });
      const changed = result.lines.filter((l) => Number(l.variance) !== 0).length;
      toast(`Count saved: ${result.lines.length} product${result.lines.length === 1 ? '' : 's'}, ${changed} with a difference`);
      show.list();
    } catch (err) {
      // "lines[3].counted": point at that product's field.
      const m = /^lines\[(\d+)\]/.exec(err.field || '');
      const line = m ? ordered[Number(m[1])] : ordered.length === 1 ? ordered[0] : null;
      if (line) { line.input.classList.add('invalid'); line.input.focus(); }
      showFormError(form, { message: err.message });
    }
  });

  root.append(
    h('div', { class: 'screen-head head-row' }, h('h1', {}, 'Count stock'),
      h('button', { type: 'button', id: 'back-to-list', onclick: () => show.list() }, '← Stock list')),
    h('div', { class: 'filter-bar' }, location, scan),
    results,
    status,
    h('table', { class: 'table', id: 'count-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'SKU'), h('th', {}, 'Product'), h('th', { class: 'num' }, 'Expected'), h('th', { class: 'num' }, 'Counted'), h('th', { class: 'num' }, 'Difference'))),
      body),
    form);
  scan.focus();
}
