// The Export screen: an event or a date range written as CSV files for the
// accountant into a new folder whose path is typed here, with progress and
// the list of files (and their SHA-256) when it is done. A cashier does not
// use it: an organizer opens it (see gate.js).

import { call, callApproved } from '../api.js';
import { h, field, showFormError, clearFormError, clear, toast } from '../dom.js';
import { select } from '../select.js';
import { organizerGate, organizerOnly } from '../gate.js';
import { wallDate } from '../time.js';
import { plural } from '../words.js';

function kib(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function resultView(result) {
  return h('section', { class: 'panel ok-panel', id: 'export-result' },
    h('p', { class: 'ok-banner' }, `Exported ${plural(result.sales, 'sale')} (total ${result.total}) to ${result.folder}`),
    h('table', { class: 'table compact', id: 'export-files' },
      h('thead', {}, h('tr', {}, h('th', {}, 'File'), h('th', { class: 'num' }, 'Rows'), h('th', { class: 'num' }, 'Size'), h('th', {}, 'SHA-256'))),
      h('tbody', {}, result.files.map((f) => h('tr', { dataset: { file: f.path } },
        h('td', {}, f.path),
        h('td', { class: 'num' }, f.rows == null ? '' : String(f.rows)),
        h('td', { class: 'num' }, kib(f.bytes)),
        h('td', { class: 'hash' }, f.sha256))))),
    h('p', { class: 'muted' }, 'Journal head hash: ', h('code', { id: 'export-head-hash' }, result.journal_head_hash),
      ' — quote it to show that this export matches the till.'));
}

export async function render(root, ctx) {
  if (!await organizerGate(ctx, 'export')) {
    root.append(organizerOnly(ctx, 'export', 'Export', 'The export is the organizer\'s: an organizer opens this screen with their PIN.'));
    return;
  }
  const events = await call('list_events');
  const current = ctx.status.current_event;
  const withSales = events.filter((e) => e.status !== 'planned');
  const preferred = (current && current.id) || (withSales[0] && withSales[0].id) || '';

  const scopeEvent = h('input', { type: 'radio', name: 'scope', id: 'export-scope-event', value: 'event', checked: true });
  const scopeRange = h('input', { type: 'radio', name: 'scope', id: 'export-scope-range', value: 'range' });
  const eventSelect = select({ name: 'event', id: 'export-event' },
    events.map((e) => [e.id, `${e.name} · ${wallDate(e.starts_at)} · ${e.status}`]), preferred);
  const from = h('input', { name: 'from', id: 'export-from', placeholder: 'YYYY-MM-DD', autocomplete: 'off' });
  const to = h('input', { name: 'to', id: 'export-to', placeholder: 'YYYY-MM-DD', autocomplete: 'off' });
  const out = h('input', { name: 'out', id: 'export-out', placeholder: '/home/you/Exports/market-2026-12-05', autocomplete: 'off', spellcheck: 'false' });
  // The native chooser picks where the export goes; the core proposes the
  // new folder inside it, named after the event (or the range), so nothing
  // there is touched.
  async function chooseFolder() {
    try {
      const picked = await call('plugin:dialog|open', { options: { directory: true, title: 'Where should the export folder go?' } });
      if (!picked) return;
      out.value = await call('suggest_export_folder', {
        parent: String(picked),
        eventId: scopeRange.checked ? null : eventSelect.value || null,
        from: from.value,
        to: to.value,
      });
      out.focus();
    } catch (err) {
      toast(err.message, 'error');
    }
  }
  const semicolon = h('input', { type: 'checkbox', id: 'export-semicolon' });
  const xlsx = h('input', { type: 'checkbox', id: 'export-xlsx', checked: true });
  const bom = h('input', { type: 'checkbox', id: 'export-bom' });
  const practice = h('input', { type: 'checkbox', id: 'export-practice' });
  const submit = h('button', { type: 'submit', class: 'primary huge', id: 'export-submit' }, 'Export');
  const bar = h('progress', { id: 'export-progress', max: '1', value: '0', hidden: true });
  const barText = h('p', { class: 'muted', id: 'export-progress-text', 'aria-live': 'polite' });
  const result = h('div', { id: 'export-result-slot' });

  const rangeRow = h('div', { class: 'row', id: 'export-range' },
    field('First day', from), field('Last day', to));
  const eventRow = field('Event', eventSelect);
  const syncScope = () => {
    rangeRow.hidden = !scopeRange.checked;
    eventRow.hidden = scopeRange.checked;
  };
  scopeEvent.addEventListener('change', syncScope);
  scopeRange.addEventListener('change', syncScope);

  const form = h('form', { class: 'panel', id: 'export-form', novalidate: true },
    h('div', { class: 'row scope-choice', role: 'radiogroup', 'aria-label': 'What to export' },
      h('label', { class: 'check' }, scopeEvent, ' One event'),
      h('label', { class: 'check' }, scopeRange, ' A date range')),
    eventRow,
    rangeRow,
    h('div', { class: 'folder-row' },
      field('Folder to create', out, 'Type the full path of a new (or empty) folder, or choose where to put it. Nothing is overwritten.'),
      h('button', { type: 'button', id: 'export-choose', onclick: chooseFolder }, 'Choose…')),
    h('div', { class: 'row' },
      h('label', { class: 'check' }, semicolon, ' Semicolons and decimal commas (for comma-locale spreadsheets)'),
      h('label', { class: 'check' }, bom, ' Byte-order mark (for Excel)'),
      h('label', { class: 'check' }, practice, ' Include practice sales'),
      h('label', { class: 'check' }, xlsx, ' A workbook too (export.xlsx, a sheet per file)')),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, submit),
    bar, barText);
  syncScope();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    clear(result);
    const input = {
      event_id: scopeEvent.checked ? eventSelect.value : null,
      from: scopeRange.checked ? from.value : '',
      to: scopeRange.checked ? to.value : '',
      out: out.value,
      semicolon: semicolon.checked,
      bom: bom.checked,
      include_practice: practice.checked,
      xlsx: xlsx.checked,
    };
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = (p) => {
      bar.hidden = false;
      bar.max = Math.max(1, p.rows_total);
      bar.value = p.rows_done;
      barText.textContent = `Writing ${p.file}: ${p.rows_done} of ${p.rows_total} rows`;
    };
    submit.disabled = true;
    submit.textContent = 'Exporting…';
    try {
      const done = await callApproved('export_package', { input, onProgress: channel }, ctx.askPin);
      if (!done) { barText.textContent = 'Not exported: an organizer did not approve.'; return; }
      barText.textContent = 'Done.';
      result.append(resultView(done));
      result.scrollIntoView({ block: 'start' });
      toast(`Exported to ${done.folder}`);
    } catch (err) {
      bar.hidden = true;
      barText.textContent = '';
      showFormError(form, err);
    } finally {
      submit.disabled = false;
      submit.textContent = 'Export';
    }
  });

  root.append(h('div', { class: 'screen-head' },
    h('h1', {}, 'Export'),
    h('p', { class: 'lead muted' }, 'CSV files for your accountant: one per table, a summary that equals the report, and a package description with checksums. No personal data.')),
  form, result);
  (events.length ? out : from).focus();
}
