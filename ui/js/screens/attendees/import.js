// Sign-ups from a CSV file: choose the file (read here, checked by the
// core), see what it would do — new people, people already known, consents,
// addresses left out and why, every bad row with its line and field — and
// only then import it into the event's list.

import { call } from '../../api.js';
import { h, clear, toast } from '../../dom.js';
import { plural } from '../../words.js';

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error || new Error('the file could not be read'));
    reader.readAsText(file, 'utf-8');
  });
}

const rowsTable = (id, rows) => h('table', { class: 'table compact', id },
  h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'Line'), h('th', {}, 'Field'), h('th', {}, 'What'))),
  h('tbody', {}, rows.map((e) => h('tr', {}, h('td', { class: 'num' }, String(e.line)), h('td', {}, e.field), h('td', {}, e.message)))));

function counts(r) {
  return h('div', { class: 'import-counts', id: 'attendee-import-counts' },
    [['new_contacts', 'New people'], ['known', 'Already known'], ['already_listed', 'Already on the list'], ['consents', 'Consents'], ['suppressed', 'Asked to stop']]
      .map(([key, label]) => h('div', { class: 'count-box', dataset: { count: key } }, h('strong', {}, String(r[key])), h('span', {}, label))));
}

export async function renderImport(host, ctx, show, eventId) {
  const input = h('input', { type: 'file', id: 'attendee-import-file', accept: '.csv,.txt,text/csv' });
  const result = h('div', { id: 'attendee-import-result' });
  let text = null;

  const report = (r, done) => {
    clear(result);
    const ok = r.errors.length === 0;
    const confirm = h('button', {
      type: 'button', class: 'primary huge', id: 'attendee-import-confirm', disabled: !ok,
      onclick: async () => {
        confirm.disabled = true;
        try {
          const after = await call('import_attendees', { eventId, text });
          report(after, true);
          if (after.applied) toast(`Imported ${plural(after.rows, 'sign-up')}`);
        } catch (err) {
          result.append(h('p', { class: 'error-banner' }, err.message));
        }
      },
    }, ok ? `Import ${plural(r.rows - r.already_listed, 'sign-up')}` : 'Fix the rows below first');
    result.append(...[
      counts(r),
      r.wording_version ? h('p', { class: 'muted' }, `Consents are recorded under wording version ${r.wording_version}, as given on the sign-up form.`) : null,
      r.ignored_columns.length ? h('p', { class: 'muted' }, `Columns left alone (not collected): ${r.ignored_columns.join(', ')}`) : null,
      done && r.applied ? h('p', { class: 'ok-banner', id: 'attendee-import-done' }, 'Imported.') : null,
      !ok ? h('p', { class: 'error-banner', id: 'attendee-import-refused' }, `${plural(r.errors.length, 'problem')}: nothing is written until every row is fixed.`) : null,
      !ok ? rowsTable('attendee-import-errors', r.errors) : null,
      r.notes.length ? h('h3', {}, 'Done differently from the file') : null,
      r.notes.length ? rowsTable('attendee-import-notes', r.notes) : null,
      done ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'attendee-import-back', onclick: () => show.tab('list') }, 'Back to the list'))
        : h('div', { class: 'actions' }, confirm)].filter(Boolean));
  };

  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    clear(result);
    if (file.size > 8 * 1024 * 1024) {
      result.append(h('p', { class: 'error-banner' }, `${file.name} is too large for a sign-up list.`));
      return;
    }
    try {
      text = await readFile(file);
      report(await call('preview_attendee_import', { eventId, text }), false);
    } catch (err) {
      result.append(h('p', { class: 'error-banner' }, err.message));
    }
  });

  host.append(
    h('div', { class: 'screen-head head-row' }, h('h2', {}, 'Import sign-ups'),
      h('button', { type: 'button', id: 'attendee-import-back-top', onclick: () => show.tab('list') }, '← Attendee list')),
    h('section', { class: 'panel' },
      h('p', {}, 'A CSV file from your sign-up form (UTF-8; comma, semicolon or tab separated). The first line names the columns: ',
        h('code', {}, 'name'), ' and, for people who asked for news, ', h('code', {}, 'email, email_consent, phone, sms_consent'),
        ' (yes or no). Other columns are left alone. An address whose consent is not yes is not kept, and an address that asked to stop is never brought back.'),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'CSV file'), input)),
    result);
  input.focus();
}
