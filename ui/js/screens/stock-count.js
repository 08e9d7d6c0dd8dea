// Count mode: walk the shelves with a scanner. Each scan (the code and
// Enter) adds one to that product's count; a typed name offers matches;
// weighed products take the quantity in their field; each line shows its
// difference from the ledger as it is counted. Saving first asks the core
// what the count would record: when it records a loss (fewer than the
// ledger holds) the screen lists the missing lines and asks before saving
// (and the core then asks a cashier for an organizer's PIN). Rust writes
// the variance to the ledger.

import { call, callApproved } from '../api.js';
import { h, clear, showFormError, clearFormError, toast } from '../dom.js';
import { confirmDialog } from '../dialog.js';
import { select } from '../select.js';
import { plural } from '../words.js';
import { qty } from './stock.js';

/**
 * Ask before a count that records a loss, from the core's preview (every
 * line short of the ledger, with its difference). Resolves true to go on
 * (nothing is lost, or the loss is confirmed), false to go back.
 */
export function confirmLoss(preview) {
  if (!preview.records_loss) return Promise.resolve(true);
  const short = preview.lines.filter((l) => l.short);
  return confirmDialog({
    id: 'count-loss-dialog',
    title: 'Record a loss?',
    body: h('div', {},
      h('p', {}, `This count finds fewer than the stock ledger holds for ${plural(short.length, 'product')}. `
        + 'Saving it records the difference as a loss.'),
      h('table', { class: 'table compact', id: 'count-loss-lines' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Product'), h('th', { class: 'num' }, 'Expected'), h('th', { class: 'num' }, 'Counted'), h('th', { class: 'num' }, 'Difference'))),
        h('tbody', {}, short.map((l) => h('tr', { dataset: { productId: l.product_id } },
          h('td', {}, l.name), h('td', { class: 'num' }, qty(l.expected, l.unit)), h('td', { class: 'num' }, qty(l.counted, l.unit)),
          h('td', { class: 'num negative' }, qty(l.difference, l.unit)))))),
      h('p', { class: 'muted' }, 'A loss needs an organizer: a cashier is asked for an organizer\'s PIN next.')),
    confirmLabel: 'Record the loss',
  });
}

export async function renderCount(root, ctx, show) {
  clear(root);
  const current = ctx.status.current_event;
  const location = select({ id: 'count-location', 'aria-label': 'Where' }, [
    ['storage', 'Storage'],
    ['event', current ? `At the event (${current.name})` : 'At the event (no event open)', { disabled: !current }],
  ]);
  const scan = h('input', {
    id: 'count-scan', autocomplete: 'off', placeholder: 'Scan a barcode, or type a name and press Enter', 'aria-label': 'Scan or search a product to count',
  });
  const results = h('div', { class: 'search-results', id: 'count-results' });
  const body = h('tbody');
  const status = h('p', { class: 'muted', id: 'count-status' }, 'Nothing counted yet.');
  /** product id -> Promise of { row, input, expectedCell, diffCell, tr, pending } */
  const lines = new Map();

  const expectedOf = (row) => (location.value === 'event' ? row.at_event : row.in_storage);
  // The core works out the difference (and what a scan adds); one tally at a
  // time per line, so two quick scans each add their one.
  const refreshLine = (line, scanned = false) => {
    line.pending = line.pending.then(async () => {
      const expected = expectedOf(line.row);
      const tally = await call('count_tally', {
        line: { expected: String(expected), counted: line.input.value, unit: line.row.unit, scanned },
      });
      if (scanned) line.input.value = tally.counted;
      line.expectedCell.textContent = qty(expected, line.row.unit);
      line.diffCell.textContent = tally.difference;
      line.diffCell.className = `num${tally.short ? ' negative' : ''}`;
    }).catch((err) => toast(err.message, 'error'));
    return line.pending;
  };
  const updateStatus = () => {
    status.textContent = `${plural(lines.size, 'product')} counted.`;
  };

  const newLine = async (productId) => {
    const row = await call('stock_product', { productId });
    const input = h('input', { class: 'count-qty', inputmode: 'decimal', value: '0', 'aria-label': `Counted ${row.name}`, dataset: { productId } });
    const expectedCell = h('td', { class: 'num' });
    const diffCell = h('td', { class: 'num' });
    const tr = h('tr', { dataset: { productId, sku: row.sku } }, h('td', {}, row.sku), h('td', {}, row.name), expectedCell, h('td', { class: 'num' }, input), diffCell);
    const line = { row, input, expectedCell, diffCell, tr, pending: Promise.resolve() };
    input.addEventListener('input', () => refreshLine(line));
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); scan.focus(); } });
    return line;
  };

  /** Bring a product's line to the top; a scan (or a pick) counts it once more. */
  const add = async (productId) => {
    if (!lines.has(productId)) {
      const made = newLine(productId);
      lines.set(productId, made);
      made.catch(() => lines.delete(productId));
    }
    const line = await lines.get(productId);
    body.prepend(line.tr);
    await refreshLine(line, true);
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
      const line = await add(found.id);
      // A weighed product is not counted by scans: its quantity is typed.
      if (found.unit !== 'each') { line.input.focus(); line.input.select(); }
      return;
    }
    const matches = await call('catalog_search', { query: code, limit: 8 });
    if (matches.length === 0) {
      results.append(h('p', { class: 'error-banner' }, `Nothing matches “${code}”.`));
      return;
    }
    results.append(...matches.map((p) => h('button', {
      type: 'button', class: 'result', dataset: { productId: p.id },
      onclick: async () => { clear(results); const line = await add(p.id); line.input.focus(); line.input.select(); },
    }, `${p.name} · ${p.sku}`)));
    results.firstChild.focus();
  });
  location.addEventListener('change', async () => {
    for (const line of await Promise.all(lines.values())) refreshLine(line);
  });

  const form = h('form', { id: 'count-form', novalidate: true },
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary huge', id: 'count-save' }, 'Save the count')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    if (lines.size === 0) { showFormError(form, { message: 'Scan or add at least one product first.' }); return; }
    const ordered = await Promise.all(lines.values());
    await Promise.all(ordered.map((l) => l.pending));
    const input = {
      location: location.value,
      event_id: null,
      lines: ordered.map((l) => ({ product_id: l.row.id, counted: l.input.value })),
      note: '',
    };
    try {
      if (!await confirmLoss(await call('preview_stock_count', { input }))) return;
      const result = await callApproved('count_stock', { input }, ctx.askPin);
      if (!result) return;
      toast(`Count saved: ${plural(result.lines.length, 'product')}, ${result.differing} with a difference`);
      show.list();
    } catch (err) {
      // "lines[3].counted" is the third line sent (counted from 1).
      const m = /^lines\[(\d+)\]/.exec(err.field || '');
      const line = m ? ordered[Number(m[1]) - 1] : ordered.length === 1 ? ordered[0] : null;
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
