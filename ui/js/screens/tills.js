// The Tills panel of the Settings screen: the tills this file knows, "Make
// a till for another laptop" (a new till file with its own code and
// receipt series) and "Merge a till's file" (another till's file brought
// back into this one). Both need an organizer; the core verifies, refuses
// and reports, this panel only shows what it says.

import { call, callApproved } from '../api.js';
import { h, clear, field, showFormError, clearFormError, toast } from '../dom.js';

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The merge's short report: what came in. */
function mergeReportView(r) {
  const rows = Object.entries(r.rows_added).map(([table, n]) => h('li', {}, `${table}: ${plural(n, 'row')} added`));
  const updated = Object.entries(r.records_updated).map(([table, n]) => h('li', {}, `${table}: ${plural(n, 'record')} took the file's later change`));
  return h('div', { class: r.entries ? 'ok-banner' : 'notice', id: 'merge-result' },
    h('p', {}, r.message),
    rows.length || updated.length ? h('ul', {}, rows, updated) : null);
}

export async function tillsPanel(ctx) {
  const list = h('tbody', { id: 'tills-list' });
  async function refreshList() {
    clear(list);
    for (const t of await call('list_tills')) {
      list.append(h('tr', { dataset: { till: t.till_code } },
        h('td', {}, t.till_code), h('td', {}, t.local ? 'this laptop' : 'another laptop'), h('td', {}, String(t.entries))));
    }
  }

  const code = h('input', { name: 'code', id: 'clone-code', placeholder: 'T2', maxlength: '8', autocomplete: 'off' });
  const file = h('input', { name: 'file', id: 'clone-file', placeholder: '/media/usb/popup-till-T2.sqlite', autocomplete: 'off', spellcheck: 'false' });
  const cloneResult = h('div', { id: 'clone-result' });
  async function chooseCloneFolder() {
    try {
      const picked = await call('plugin:dialog|open', { options: { directory: true, title: 'Where should the new till\'s file go?' } });
      if (!picked) return;
      const name = `popup-till-${(code.value || 'T2').trim().toUpperCase()}.sqlite`;
      file.value = `${String(picked).replace(/\/+$/, '')}/${name}`;
      file.focus();
    } catch (err) { toast(err.message, 'error'); }
  }
  const cloneForm = h('form', { id: 'clone-form', novalidate: true },
    h('h3', {}, 'Make a till for another laptop'),
    h('p', { class: 'muted' }, 'A new till file with the catalog, settings, events, task flows and the people who sell; attendees\u2019 contacts stay on this laptop. Open it on the second laptop (popup-till --db FILE); its receipts are numbered in its own series.'),
    h('div', { class: 'row' },
      field('Till code', code, 'Printed on its receipts, e.g. T2'),
      field('File to write', file, 'A new file; nothing is overwritten')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'clone-choose', onclick: chooseCloneFolder }, 'Choose folder…'),
      h('button', { type: 'submit', class: 'primary', id: 'clone-submit' }, 'Make the till file')),
    h('p', { class: 'form-error', role: 'alert' }),
    cloneResult);
  cloneForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(cloneForm);
    clear(cloneResult);
    try {
      const made = await callApproved('clone_till', { code: code.value, file: file.value }, ctx.askPin);
      if (!made) return;
      cloneResult.append(h('p', { class: 'ok-banner' }, `Till ${made.till_code} written to ${made.path}. Its first receipt will be ${made.first_receipt}.`));
      toast(`Till ${made.till_code} made`);
      await refreshList();
    } catch (err) { showFormError(cloneForm, err); }
  });

  const mergeFile = h('input', { name: 'file', id: 'merge-file', placeholder: '/media/usb/popup-till-T2.sqlite', autocomplete: 'off', spellcheck: 'false' });
  const mergeResult = h('div', { id: 'merge-result-slot' });
  async function chooseMergeFile() {
    try {
      const picked = await call('plugin:dialog|open', { options: { directory: false, title: 'Which till file should come in?' } });
      if (picked) { mergeFile.value = String(picked); mergeFile.focus(); }
    } catch (err) { toast(err.message, 'error'); }
  }
  const mergeForm = h('form', { id: 'merge-form', novalidate: true },
    h('h3', {}, 'Merge a till\'s file'),
    h('p', { class: 'muted' }, 'Brings another till\'s sales, refunds, stock and cash movements into this one. Its journal is checked first; a broken file, another shop\'s file or a copied till is refused with nothing written. Merging the same file again changes nothing.'),
    field('Till file', mergeFile),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'merge-choose', onclick: chooseMergeFile }, 'Choose file…'),
      h('button', { type: 'submit', class: 'primary', id: 'merge-submit' }, 'Merge')),
    h('p', { class: 'form-error', role: 'alert' }),
    mergeResult);
  mergeForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(mergeForm);
    clear(mergeResult);
    try {
      const report = await callApproved('merge_till_file', { file: mergeFile.value }, ctx.askPin);
      if (!report) return;
      mergeResult.append(mergeReportView(report));
      mergeResult.scrollIntoView({ block: 'nearest' });
      toast(report.entries ? `Merged till ${report.from_till}` : 'Nothing new to merge');
      await refreshList();
    } catch (err) {
      showFormError(mergeForm, err);
      mergeForm.querySelector('.form-error').scrollIntoView({ block: 'nearest' });
    }
  });

  await refreshList();
  return h('section', { class: 'panel', id: 'tills-panel' },
    h('h2', {}, 'Tills'),
    h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Till'), h('th', {}, 'Where'), h('th', {}, 'Journal entries'))),
      list),
    cloneForm,
    mergeForm);
}
