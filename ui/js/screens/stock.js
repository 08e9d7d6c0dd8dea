// The Stock screen: the stock list (search, filters, on hand, low stock;
// an empty catalog says how to add or import products), a product's page
// (form, stock flows, movement history linked to source documents), the
// per-event stock picture, and entry points to the catalog import wizard
// and count mode. Figures come from Rust as strings. A count shows its
// difference as it is typed and asks before it records a loss.

import { call, callApproved } from '../api.js';
import { h, clear, field, formValues, showFormError, clearFormError, toast } from '../dom.js';
import { option, select } from '../select.js';
import { localTime } from '../time.js';
import { renderImport } from './stock-import.js';
import { renderCount } from './stock-count.js';
import { openDialog } from '../dialog.js';
import { confirmLoss } from './stock-count.js';
import { plural } from '../words.js';

const KIND_LABELS = {
  receive: 'Received', transfer: 'Transfer', sale: 'Sale', return: 'Return', void: 'Void',
  adjust: 'Adjustment', count: 'Count', waste: 'Waste', refill: 'Refill', fulfil: 'Order fulfilled',
};

/** Remembered while the screen is open, so going back keeps the filters. */
const filters = { query: '', category: '', low_only: false, archived: false };

export async function render(root, ctx) {
  const show = {
    list: () => renderList(root, ctx, show),
    product: (id) => renderProduct(root, ctx, show, id),
    newProduct: () => renderProduct(root, ctx, show, null),
    import: () => renderImport(root, ctx, show),
    count: () => renderCount(root, ctx, show),
    picture: () => renderPicture(root, ctx, show),
  };
  await show.list();
}

export function qty(value, unit) {
  return unit && unit !== 'each' ? `${value} ${unit}` : String(value);
}

async function renderList(root, ctx, show) {
  clear(root);
  const search = h('input', {
    type: 'search', id: 'stock-search', placeholder: 'Search name, SKU or scan a barcode', 'aria-label': 'Search products',
    value: filters.query, autocomplete: 'off',
  });
  const category = select({ id: 'stock-category', 'aria-label': 'Category' }, [['', 'All categories']]);
  const low = h('input', { type: 'checkbox', id: 'stock-low' });
  low.checked = filters.low_only;
  const archived = h('input', { type: 'checkbox', id: 'stock-archived' });
  archived.checked = filters.archived;
  const body = h('tbody');
  const summary = h('p', { class: 'muted', id: 'stock-summary' });
  const empty = h('section', { class: 'panel empty-catalog', id: 'stock-empty', hidden: true },
    h('h2', {}, 'No products yet'),
    h('p', {}, 'Add your products one by one with ', h('strong', {}, 'New product'),
      ', or bring them all in from a spreadsheet with ', h('strong', {}, 'Import catalog'),
      ': a CSV file whose first line names the columns ', h('code', {}, 'sku, name, unit_price, tax_rate'),
      '. You see what it would do before anything is written.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'empty-new-product', onclick: () => show.newProduct() }, 'New product'),
      h('button', { type: 'button', id: 'empty-import', onclick: () => show.import() }, 'Import catalog')));
  const hint = ctx.stockHint === 'load_out' && !ctx.status.checklist.stock_loaded
    ? h('p', { class: 'notice', id: 'stock-load-out-hint' }, 'To load stock out to the event: open a product, then ',
      h('strong', {}, 'Load out'), '. It moves the quantity from storage to the event.')
    : null;
  const table = h('table', { class: 'table', id: 'product-table' },
    h('thead', {}, h('tr', {},
      h('th', {}, 'SKU'), h('th', {}, 'Name'), h('th', {}, 'Category'),
      h('th', { class: 'num' }, 'Price'), h('th', {}, 'Unit'),
      h('th', { class: 'num' }, 'Storage'), h('th', { class: 'num' }, 'Event'),
      h('th', { class: 'num' }, 'On hand'))),
    body);

  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    Object.assign(filters, {
      query: search.value, category: category.value, low_only: low.checked, archived: archived.checked,
    });
    const list = await call('stock_list', { filter: { ...filters, limit: 500 } });
    if (mine !== seq) return; // a newer keystroke already asked
    if (category.options.length === 1) {
      for (const c of list.categories) if (c) category.append(option(c, c));
      category.value = filters.category;
    }
    clear(body).append(...list.rows.map((r) => h('tr', {
      class: `clickable${r.low ? ' low' : ''}${r.active ? '' : ' inactive'}`,
      dataset: { productId: r.id, sku: r.sku },
      tabindex: '0',
      onclick: () => show.product(r.id),
      onkeydown: (e) => { if (e.key === 'Enter') show.product(r.id); },
    },
    h('td', {}, r.sku),
    h('td', {}, r.name, r.low ? h('span', { class: 'badge badge-low' }, 'low') : null),
    h('td', {}, r.category),
    h('td', { class: 'num' }, r.price),
    h('td', {}, r.unit),
    h('td', { class: 'num' }, r.in_storage),
    h('td', { class: 'num' }, r.at_event),
    h('td', { class: 'num on-hand' }, r.on_hand))));
    summary.textContent = list.matched > list.rows.length
      ? `Showing ${list.rows.length} of ${list.matched} products: search to narrow down.`
      : plural(list.matched, 'product');
    // Nothing in the catalog at all (not merely nothing matching).
    const none = list.matched === 0 && !filters.query.trim() && !filters.category && !filters.low_only && !filters.archived;
    empty.hidden = !none;
    table.hidden = none;
  };
  let timer = null;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 80); });
  search.addEventListener('keydown', async (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    clearTimeout(timer);
    // A scanner types the code and Enter: open that product.
    const found = search.value.trim() ? await call('catalog_lookup_code', { code: search.value }) : null;
    if (found) show.product(found.id); else load();
  });
  for (const el of [category, low, archived]) el.addEventListener('change', load);

  root.append(
    h('div', { class: 'screen-head head-row' },
      h('h1', {}, 'Stock'),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'start-count', onclick: () => show.count() }, 'Count stock'),
        h('button', { type: 'button', id: 'new-product', onclick: () => show.newProduct() }, 'New product'),
        h('button', { type: 'button', id: 'open-import', onclick: () => show.import() }, 'Import catalog'),
        h('button', { type: 'button', id: 'export-catalog', onclick: () => exportCatalog() }, 'Export catalog'),
        h('button', { type: 'button', id: 'open-picture', onclick: () => show.picture() }, 'Event picture'))),
    // DOM append would print a null: an absent hint is left out.
    ...[hint].filter(Boolean),
    h('div', { class: 'filter-bar' },
      search, category,
      h('label', { class: 'check' }, low, ' Low stock'),
      h('label', { class: 'check' }, archived, ' Archived')),
    summary,
    empty,
    table);
  await load();
  if (!empty.hidden) root.querySelector('#empty-new-product').focus();
  else search.focus();
}

async function exportCatalog() {
  try {
    const path = await call('export_catalog');
    toast(`Catalog exported to ${path}`);
  } catch (err) { toast(err.message, 'error'); }
}

/** The shop's tax rates, and the product's own rate when it is no longer
 * one of them: shown as it is, never silently replaced (saving it names the
 * problem, so the organizer picks the new rate). */
function taxOptions(rates, current) {
  const options = rates.map((r) => [String(r), `${r} %`]);
  if (current !== undefined && current !== null && !rates.map(String).includes(String(current))) {
    options.unshift([String(current), `${current} % (no longer a shop rate: choose another)`]);
  }
  return options;
}

function productForm(ctx, product, onSaved) {
  const p = product || {};
  const rates = (ctx.status.settings && ctx.status.settings.tax_rates) || [];
  const form = h('form', { class: 'panel', id: 'product-form', novalidate: true },
    h('h2', {}, product ? 'Product' : 'New product'),
    h('div', { class: 'row' },
      field('SKU', h('input', { name: 'sku', id: 'product-sku', maxlength: '64', value: p.sku || '' })),
      field('Barcode', h('input', { name: 'barcode', id: 'product-barcode', maxlength: '32', value: p.barcode || '' }))),
    field('Name', h('input', { name: 'name', id: 'product-name', maxlength: '200', value: p.name || '' })),
    h('div', { class: 'row' },
      field('Price per unit', h('input', { name: 'unit_price', id: 'product-price', inputmode: 'decimal', value: p.unit_price || '' })),
      field('Tax rate %', select({ name: 'tax_rate', id: 'product-tax' }, taxOptions(rates, p.tax_rate), p.tax_rate ? String(p.tax_rate) : String(rates[rates.length - 1] || '')))),
    h('div', { class: 'row' },
      field('Unit', select({ name: 'unit', id: 'product-unit' }, [['each', 'each'], ['kg', 'kg'], ['l', 'litre']], p.unit || 'each')),
      field('Kind', select({ name: 'kind', id: 'product-kind' }, [['item', 'item'], ['refill', 'refill (by weight or volume)'], ['deposit', 'deposit'], ['service', 'service']], p.kind || 'item'))),
    h('div', { class: 'row' },
      field('Category', h('input', { name: 'category', id: 'product-category', maxlength: '80', value: p.category || '' })),
      field('Low stock at', h('input', { name: 'low_stock_threshold', id: 'product-low', inputmode: 'decimal', value: p.low_stock_threshold || '' }))),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'product-save' }, product ? 'Save changes' : 'Add product')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const saved = await callApproved('save_product', { id: product ? product.id : null, input: formValues(form) }, ctx.askPin);
      if (!saved) return;
      toast(`Saved ${saved.name}`);
      onSaved(saved);
    } catch (err) { showFormError(form, err); }
  });
  if (!product) return form;
  const refill = h('div', { id: 'product-refill' });
  refillForm(ctx, product).then((f) => refill.append(f)).catch(() => {});
  return h('div', {}, form, refill);
}

/** A product's refill fields: the item code its scale labels carry, a shop
 * container's tare, and the deposit selling it adds (an organizer's). */
async function refillForm(ctx, product) {
  const [fields, deposits] = await Promise.all([
    call('refill_fields', { id: product.id }),
    call('deposit_returnable'),
  ]);
  const options = [['', 'no deposit'], ...deposits.filter((d) => d.product_id !== product.id).map((d) => [d.product_id, `${d.name} (${d.price})`])];
  const form = h('form', { class: 'panel', id: 'refill-form', novalidate: true },
    h('h2', {}, 'Refill and reuse'),
    h('div', { class: 'row' },
      field('Scale item code', h('input', { name: 'scale_item_code', id: 'refill-item-code', inputmode: 'numeric', maxlength: '6', value: fields.scale_item_code || '' }),
        'The digits the scale prints on its labels for this product'),
      field('Container tare (g)', h('input', { name: 'tare_grams', id: 'refill-tare', inputmode: 'numeric', value: fields.tare_grams == null ? '' : String(fields.tare_grams) }),
        'A shop jar or bottle: its empty weight')),
    field('Deposit added when sold', select({ name: 'deposit_product_id', id: 'refill-deposit' }, options, fields.deposit_product_id || '')),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'refill-save' }, 'Save refill and reuse')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const v = formValues(form);
    const tare = v.tare_grams.trim();
    if (tare && !/^\d+$/.test(tare)) {
      showFormError(form, Object.assign(new Error('The tare is whole grams, e.g. 240'), { field: 'tare_grams' }));
      return;
    }
    const input = {
      scale_item_code: v.scale_item_code.trim() || null,
      tare_grams: tare ? Number(tare) : null,
      deposit_product_id: v.deposit_product_id || null,
    };
    try {
      const saved = await callApproved('save_refill_fields', { id: product.id, input }, ctx.askPin);
      if (saved) toast(`Saved ${product.name}: refill and reuse`);
    } catch (err) { showFormError(form, err); }
  });
  return form;
}

const FLOWS = [
  { id: 'receive', label: 'Receive' },
  { id: 'load_out', label: 'Load out' },
  { id: 'load_in', label: 'Load in' },
  { id: 'count', label: 'Count' },
  { id: 'waste', label: 'Waste' },
  { id: 'adjust', label: 'Adjust' },
];

async function flowForm(ctx, row, flow, onDone) {
  const events = await call('list_events');
  const current = ctx.status.current_event;
  const usable = events.filter((e) => e.status !== 'closed');
  // The open event first; without one, the next planned event (loading
  // out happens before an event opens).
  const others = usable.filter((e) => !current || e.id !== current.id);
  const eventSelect = select({ name: 'event_id', id: 'flow-event' }, [
    ...(current || others.length === 0 ? [['', current ? `Open event (${current.name})` : 'No event']] : []),
    ...others.map((e) => [e.id, `${e.name} (${e.status})`]),
  ]);
  const location = select({ name: 'location', id: 'flow-location' }, [['storage', 'Storage'], ['event', 'At the event']]);
  const quantityLabel = { count: 'Counted quantity', adjust: 'Change (+ or -)', waste: 'Quantity thrown away' }[flow] || 'Quantity';
  const quantity = h('input', {
    name: flow === 'count' ? 'counted' : 'quantity', id: 'flow-quantity', inputmode: 'decimal', autocomplete: 'off',
  });
  const fields = [field(`${quantityLabel} (${row.unit})`, quantity)];
  if (flow === 'count') {
    // The difference against what the ledger holds there, as it is typed.
    const difference = h('output', { id: 'flow-difference', class: 'count-difference', 'aria-live': 'polite' });
    const showDifference = async () => {
      if (!quantity.value.trim()) { difference.textContent = ''; return; }
      const here = location.value === 'event' ? row.at_event : row.in_storage;
      const t = await call('count_tally', { line: { expected: String(here), counted: quantity.value, unit: row.unit, scanned: false } });
      difference.textContent = t.difference ? `Difference: ${t.difference} ${row.unit} (the ledger holds ${qty(here, row.unit)})` : '';
      difference.classList.toggle('negative', t.short);
    };
    quantity.addEventListener('input', showDifference);
    location.addEventListener('change', showDifference);
    fields.push(difference);
  }
  if (flow === 'adjust') {
    const reasons = await call('adjust_reasons');
    fields.push(field('Reason', select({ name: 'reason', id: 'flow-reason' }, reasons.map((r) => [r, r]))));
  }
  if (['count', 'waste', 'adjust'].includes(flow)) fields.push(field('Where', location));
  if (flow === 'load_out' || flow === 'load_in' || flow === 'count' || flow === 'waste' || flow === 'adjust') fields.push(field('Event', eventSelect));
  if (flow === 'receive' || flow === 'load_out') fields.push(field('Lot code', h('input', { name: 'lot_code', id: 'flow-lot', maxlength: '64' })));
  fields.push(field('Note', h('input', { name: 'note', id: 'flow-note', maxlength: '500' })));
  const form = h('form', { class: 'flow-form', id: 'flow-form', novalidate: true, dataset: { flow } },
    fields,
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'flow-save' },
      FLOWS.find((f) => f.id === flow).label)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const v = formValues(form);
    const event_id = v.event_id || null;
    const line = { product_id: row.id, quantity: v.quantity };
    try {
      if (flow === 'receive') {
        await call('receive_stock', { input: { lines: [line], lot_code: v.lot_code, note: v.note } });
      } else if (flow === 'load_out' || flow === 'load_in') {
        await call('transfer_stock', { input: { direction: flow, lines: [line], event_id, lot_code: v.lot_code || '', note: v.note } });
      } else if (flow === 'count') {
        const input = { location: v.location, event_id, lines: [{ product_id: row.id, counted: v.counted }], note: v.note };
        // The core says whether this records a loss: then ask first.
        if (!await confirmLoss(await call('preview_stock_count', { input }))) return;
        if (!await callApproved('count_stock', { input }, ctx.askPin)) return;
      } else if (flow === 'waste') {
        if (!await callApproved('waste_stock', { input: { product_id: row.id, location: v.location, event_id, quantity: v.quantity, note: v.note } }, ctx.askPin)) return;
      } else if (flow === 'adjust') {
        const done = await callApproved('adjust_stock', { input: { product_id: row.id, location: v.location, event_id, quantity: v.quantity, reason: v.reason, note: v.note } }, ctx.askPin);
        if (!done) return;
      }
      toast('Saved to the stock ledger');
      onDone();
    } catch (err) { showFormError(form, err); }
  });
  return form;
}

async function renderProduct(root, ctx, show, id) {
  clear(root);
  const back = h('button', { type: 'button', id: 'back-to-list', onclick: () => show.list() }, '← Stock list');
  if (!id) {
    root.append(h('div', { class: 'screen-head head-row' }, h('h1', {}, 'New product'), back),
      h('div', { class: 'two-col' }, productForm(ctx, null, (saved) => show.product(saved.id))));
    root.querySelector('#product-sku').focus();
    return;
  }
  const row = await call('stock_product', { productId: id });
  const history = await call('product_history', { productId: id });
  let flow = ctx.stockHint === 'load_out' && !ctx.status.checklist.stock_loaded ? 'load_out' : 'receive';
  const flowHost = h('div');
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const drawFlow = async () => {
    for (const b of tabs.children) b.classList.toggle('active', b.dataset.flow === flow);
    clear(flowHost).append(await flowForm(ctx, row, flow, () => renderProduct(root, ctx, show, id)));
    const q = flowHost.querySelector('#flow-quantity');
    if (q) q.focus();
  };
  tabs.append(...FLOWS.map((f) => h('button', {
    type: 'button', role: 'tab', class: 'tab', id: `flow-${f.id.replace('_', '-')}`, dataset: { flow: f.id },
    onclick: () => { flow = f.id; drawFlow(); },
  }, f.label)));

  const archive = h('button', {
    type: 'button', id: 'product-archive',
    onclick: async () => {
      try {
        if (!await callApproved('set_product_archived', { id, archived: row.active }, ctx.askPin)) return;
        toast(row.active ? `Archived ${row.name}` : `Restored ${row.name}`);
        renderProduct(root, ctx, show, id);
      } catch (err) { toast(err.message, 'error'); }
    },
  }, row.active ? 'Archive' : 'Restore');
  const remove = h('button', {
    type: 'button', id: 'product-remove',
    title: 'Deletes a product that was never sold or moved; archives one that was',
    onclick: async () => {
      try {
        const result = await callApproved('remove_product', { id }, ctx.askPin);
        if (!result) return;
        toast(result === 'deleted' ? `Deleted ${row.name}` : `${row.name} has stock history: archived instead of deleted`);
        show.list();
      } catch (err) { toast(err.message, 'error'); }
    },
  }, 'Remove');

  root.append(
    h('div', { class: 'screen-head head-row' },
      h('h1', {}, row.name, row.active ? null : h('span', { class: 'badge' }, 'archived')),
      h('div', { class: 'actions' }, archive, remove, back)),
    h('div', { class: 'two-col' },
      productForm(ctx, row, () => renderProduct(root, ctx, show, id)),
      h('section', { class: 'panel' },
        h('div', { class: `stock-figures${row.low ? ' low' : ''}` },
          h('div', {}, h('span', { class: 'muted' }, 'On hand'), h('strong', { class: 'big-figure', id: 'product-on-hand' }, qty(row.on_hand, row.unit))),
          h('div', {}, h('span', { class: 'muted' }, 'Storage'), h('strong', { id: 'product-in-storage' }, qty(row.in_storage, row.unit))),
          h('div', {}, h('span', { class: 'muted' }, 'At the event'), h('strong', { id: 'product-at-event' }, qty(row.at_event, row.unit)))),
        row.low ? h('p', { class: 'notice' }, `Low stock: at or under ${qty(row.low_stock_threshold, row.unit)}`) : null,
        tabs, flowHost)),
    h('h2', { class: 'section-title' }, 'Movement history'),
    historyTable(history, row));
  await drawFlow();
}

function historyTable(history, row) {
  if (history.length === 0) return h('p', { class: 'muted', id: 'history-table' }, 'No movements yet.');
  return h('table', { class: 'table compact', id: 'history-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'What'), h('th', {}, 'Where'),
      h('th', { class: 'num' }, 'Quantity'), h('th', { class: 'num' }, 'On hand after'),
      h('th', {}, 'Source'), h('th', {}, 'Who'), h('th', {}, 'Note'))),
    h('tbody', {}, history.map((m) => h('tr', { dataset: { kind: m.kind } },
      h('td', {}, localTime(m.at_utc, m.utc_offset_minutes)),
      h('td', {}, KIND_LABELS[m.kind] || m.kind, m.reason ? ` (${m.reason})` : ''),
      h('td', {}, m.location === 'event' ? `Event${m.event_name ? `: ${m.event_name}` : ''}` : 'Storage'),
      h('td', { class: 'num' }, qty(m.quantity, row.unit)),
      h('td', { class: 'num' }, m.balance),
      h('td', {}, m.source_id ? h('button', {
        type: 'button', class: 'link source-link', dataset: { sourceType: m.source_type },
        onclick: () => showDocument(m.source_type, m.source_id),
      }, `${m.source_type} ${m.source_id.slice(-6)}`) : m.source_type),
      h('td', {}, m.actor_name || m.actor_id.replace('system:', '')),
      h('td', {}, [m.lot_code ? `lot ${m.lot_code}` : '', m.note].filter(Boolean).join(' · '))))));
}

/** The source document a movement came from, in a dialog. */
async function showDocument(sourceType, sourceId) {
  const doc = await call('stock_document', { sourceType, sourceId });
  await openDialog({
    id: 'stock-document',
    title: `${KIND_LABELS[sourceType] || sourceType} ${sourceId}`,
    cancelId: 'document-close',
    body: h('div', {},
      h('p', { class: 'muted' }, [doc.at_utc ? localTime(doc.at_utc, doc.utc_offset_minutes) : '', doc.event_name || '', doc.note].filter(Boolean).join(' · ')),
      doc.counted.length ? h('h3', {}, 'What was counted') : null,
      doc.counted.length ? h('table', { class: 'table compact', id: 'document-counted' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Product'), h('th', { class: 'num' }, 'Expected'), h('th', { class: 'num' }, 'Counted'))),
        h('tbody', {}, doc.counted.map((c) => h('tr', {}, h('td', {}, c.name), h('td', { class: 'num' }, c.expected), h('td', { class: 'num' }, c.counted))))) : null,
      h('h3', {}, 'Stock ledger movements'),
      h('table', { class: 'table compact', id: 'document-movements' },
        h('thead', {}, h('tr', {}, h('th', {}, 'SKU'), h('th', {}, 'Product'), h('th', {}, 'Where'), h('th', { class: 'num' }, 'Change'))),
        h('tbody', {}, doc.movements.map((m) => h('tr', {},
          h('td', {}, m.sku), h('td', {}, m.name), h('td', {}, m.location), h('td', { class: 'num' }, m.quantity)))))),
  });
}

async function renderPicture(root, ctx, show) {
  clear(root);
  const events = await call('list_events');
  const current = ctx.status.current_event;
  const picked = select({ id: 'picture-event', 'aria-label': 'Event' },
    events.map((e) => [e.id, `${e.name} (${e.status})`]), current ? current.id : undefined);
  const host = h('div', { id: 'picture-host' });
  const draw = async () => {
    clear(host);
    if (!picked.value) { host.append(h('p', { class: 'muted' }, 'No events yet.')); return; }
    const lines = await call('event_stock_picture', { eventId: picked.value });
    if (lines.length === 0) { host.append(h('p', { class: 'muted' }, 'No stock has moved at this event yet: load stock out first.')); return; }
    host.append(h('table', { class: 'table', id: 'picture-table' },
      h('thead', {}, h('tr', {}, ['Product', 'Brought', 'Sold', 'Returned', 'Loaded back', 'Counted', 'Wasted', 'Shrinkage', 'Still at event']
        .map((t, i) => h('th', { class: i ? 'num' : '' }, t)))),
      h('tbody', {}, lines.map((l) => h('tr', { dataset: { sku: l.sku }, class: l.missing ? 'low' : '' },
        h('td', {}, l.name),
        [l.brought, l.sold, l.returned, l.loaded_back, l.counted === null ? '—' : l.counted, l.wasted, l.shrinkage, l.left_at_event]
          .map((v) => h('td', { class: 'num' }, v)))))));
  };
  picked.addEventListener('change', draw);
  root.append(
    h('div', { class: 'screen-head head-row' }, h('h1', {}, 'Stock at an event'),
      h('button', { type: 'button', id: 'back-to-list', onclick: () => show.list() }, '← Stock list')),
    h('p', { class: 'muted' }, 'Shrinkage is what is missing once sales, returns and waste are accounted for: what counts and adjustments at the event took away.'),
    h('div', { class: 'filter-bar' }, picked),
    host);
  await draw();
}
