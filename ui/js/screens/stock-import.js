// The catalog import wizard: choose a CSV file or a workbook (its bytes
// read, checked and written by Rust), see what it would do — new, changed,
// unchanged and rejected rows; per product what changes (field: old →
// new); every problem of every bad row with its line and field — and only
// then import it, with progress for large files.

import { call, callApproved } from '../api.js';
import { h, clear, toast } from '../dom.js';
import { plural } from '../words.js';

/** The catalog's columns in words. */
const FIELD_LABELS = {
  sku: 'SKU', barcode: 'Barcode', name: 'Name', unit_price: 'Price', tax_rate: 'Tax rate',
  unit: 'Unit', kind: 'Kind', category: 'Category', low_stock_threshold: 'Low stock at', active: 'Active',
  deposit: 'Deposit', tare_grams: 'Tare (g)', scale_item_code: 'Scale item code',
};

/** What each new or changed product gets: one row per product. */
function changesTable(r) {
  if (!r.changes.length) return null;
  const listed = r.changes.length;
  const all = r.new + r.changed;
  return h('section', { id: 'import-changes-section' },
    h('h3', {}, 'What changes'),
    listed < all ? h('p', { class: 'muted' }, `The first ${listed} of ${plural(all, 'product')} are listed.`) : null,
    h('table', { class: 'table compact', id: 'import-changes' },
      h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'Line'), h('th', {}, 'Product'), h('th', {}, 'Change'))),
      h('tbody', {}, r.changes.map((c) => h('tr', { dataset: { sku: c.sku } },
        h('td', { class: 'num' }, String(c.line)),
        h('td', {}, h('strong', {}, c.name), h('span', { class: 'muted' }, ` ${c.sku}`)),
        h('td', {}, c.new
          ? ['New product', ...c.fields.map((f) => ` · ${FIELD_LABELS[f.field] || f.field} ${f.new}`)]
          : h('ul', { class: 'change-list' }, c.fields.map((f) => h('li', { dataset: { field: f.field } },
            `${FIELD_LABELS[f.field] || f.field}: `, f.old === '' ? '(empty)' : f.old, ' → ', f.new === '' ? '(empty)' : f.new)))))))));
}

/** A channel Rust sends import progress on. */
function progressChannel(bar, label) {
  const { Channel } = window.__TAURI__.core;
  const channel = new Channel();
  channel.onmessage = (p) => {
    bar.max = Math.max(p.total, 1);
    bar.value = p.done;
    label.textContent = `${p.phase === 'writing' ? 'Writing' : 'Checking'} ${p.done.toLocaleString()} of ${p.total.toLocaleString()} rows`;
  };
  return channel;
}

/** The file's text as the import reads it: Rust decodes the bytes (UTF-8
 * CSV, or the first sheet of an .xlsx / .ods workbook) and says what is
 * wrong with a file it cannot read. */
async function readFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return call('read_catalog_file', bytes);
}

export async function renderImport(root, ctx, show) {
  clear(root);
  const input = h('input', { type: 'file', id: 'import-file', accept: '.csv,.txt,.xlsx,.ods,text/csv' });
  const bar = h('progress', { id: 'import-progress', max: '1', value: '0' });
  const barLabel = h('span', { class: 'muted', id: 'import-progress-label' });
  const progress = h('div', { class: 'progress-row', hidden: true }, bar, barLabel);
  const result = h('div', { id: 'import-result' });
  let text = null;
  let fileName = '';

  const busy = (on) => { progress.hidden = !on; if (on) { bar.value = 0; barLabel.textContent = 'Reading…'; } };

  const counts = (r) => h('div', { class: 'import-counts', id: 'import-counts' },
    [['new', 'New'], ['changed', 'Changed'], ['unchanged', 'Unchanged'], ['rejected', 'Rejected']].map(([key, label]) => h('div', { class: `count-box count-${key}`, dataset: { count: key } },
      h('strong', {}, String(r[key])), h('span', {}, label))));

  const errorsTable = (r) => h('table', { class: 'table compact', id: 'import-errors' },
    h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'Line'), h('th', {}, 'Field'), h('th', {}, 'Problem'))),
    h('tbody', {}, r.errors.map((e) => h('tr', {}, h('td', { class: 'num' }, String(e.line)), h('td', {}, e.field), h('td', {}, e.message)))));

  const preview = async () => {
    clear(result);
    busy(true);
    try {
      const report = await call('preview_catalog_import', { text, onProgress: progressChannel(bar, barLabel) });
      busy(false);
      const ok = report.errors.length === 0;
      const confirm = h('button', {
        type: 'button', class: 'primary huge', id: 'import-confirm', disabled: !ok,
        onclick: () => doImport(),
      }, ok ? `Import ${plural(report.new + report.changed, 'product change')}` : 'Fix the rows below first');
      // DOM append would print a null: leave the absent parts out.
      result.append(...[
        h('h2', {}, `${fileName}: ${plural(report.rows, 'row')}`),
        counts(report),
        report.ignored_columns.length ? h('p', { class: 'muted' }, `Columns left alone: ${report.ignored_columns.join(', ')}`) : null,
        ok ? h('p', { class: 'ok-banner', id: 'import-ok' }, 'Every row is good. Nothing is written until you import.')
          : h('p', { class: 'error-banner', id: 'import-refused' }, `${plural(report.errors.length, 'problem')} in ${plural(report.rejected, 'row')}: nothing will be written until every row is fixed.`),
        ok ? null : errorsTable(report),
        changesTable(report),
        h('div', { class: 'actions' }, confirm)].filter(Boolean));
      if (ok) confirm.focus();
    } catch (err) {
      busy(false);
      result.append(h('p', { class: 'error-banner' }, err.message));
    }
  };

  const doImport = async () => {
    const confirm = result.querySelector('#import-confirm');
    if (confirm) confirm.disabled = true;
    busy(true);
    try {
      const report = await callApproved('import_catalog', { text, onProgress: progressChannel(bar, barLabel) }, ctx.askPin);
      if (!report) { busy(false); if (confirm) confirm.disabled = false; return; }
      busy(false);
      clear(result);
      if (report.applied) {
        result.append(h('p', { class: 'ok-banner', id: 'import-done' },
          `Imported: ${report.new} new, ${report.changed} changed, ${report.unchanged} unchanged.`), counts(report),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'import-back', onclick: () => show.list() }, 'Back to the stock list')));
        await ctx.refresh();
        toast('Catalog imported');
      } else {
        // The catalog changed since the preview: show what is wrong now.
        result.append(h('p', { class: 'error-banner', id: 'import-refused' }, 'Nothing was written:'), counts(report), errorsTable(report));
      }
    } catch (err) {
      busy(false);
      result.append(h('p', { class: 'error-banner' }, err.message));
    }
  };

  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    fileName = file.name;
    clear(result);
    // A catalog of 100,000 products is under 10 MB; a much bigger file is
    // not a catalog, and reading it would only freeze the window.
    if (file.size > 64 * 1024 * 1024) {
      result.append(h('p', { class: 'error-banner', id: 'import-refused' }, `${file.name} is ${Math.round(file.size / 1048576)} MB: that is not a catalog.`));
      return;
    }
    busy(true);
    try {
      text = await readFile(file);
    } catch (err) {
      busy(false);
      result.append(h('p', { class: 'error-banner' }, err.message));
      return;
    }
    await preview();
  });

  root.append(
    h('div', { class: 'screen-head head-row' }, h('h1', {}, 'Import the catalog'),
      h('button', { type: 'button', id: 'back-to-list', onclick: () => show.list() }, '← Stock list')),
    h('section', { class: 'panel' },
      h('p', {}, 'Choose a workbook (.xlsx or .ods: its first sheet) or a CSV file saved from your spreadsheet (UTF-8; comma, semicolon or tab separated). ',
        'The first line names the columns: ', h('code', {}, 'sku, name, unit_price, tax_rate'),
        ' and optionally ', h('code', {}, 'barcode, unit, kind, category, low_stock_threshold, active'), '. ',
        'Products are created or updated by SKU. You see what would change before anything is written.'),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Catalog file'), input),
      progress),
    result);
  input.focus();
}
