// Consent and privacy on the Attendees screen: the consent wording and its
// versions (a change is a new version; an organizer writes it), the
// marketing export of one channel (an organizer approves; the journal
// records who, when and how many), and how long a contact with no activity
// is kept before the till erases it at start-up.

import { call, callApproved } from '../../api.js';
import { h, field, showFormError, clearFormError, toast } from '../../dom.js';
import { select } from '../../select.js';
import { localTime } from '../../time.js';
import { plural } from '../../words.js';

function wordingPanel(ctx, wordings, redraw) {
  const text = h('textarea', { name: 'text', id: 'wording-text', rows: '4', maxlength: '1000' }, wordings[0] ? wordings[0].text : '');
  const form = h('form', { id: 'wording-form', novalidate: true },
    field(wordings.length ? 'A new version' : 'The first version', text,
      'The exact words people agree to. Say what you will send, how often, and how to stop. Each version is kept; none is edited.'),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'wording-save' }, 'Save as a new version')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const saved = await callApproved('save_consent_wording', { text: text.value }, ctx.askPin);
      if (!saved) return;
      toast(`Consent wording version ${saved.version} saved`);
      redraw();
    } catch (err) { showFormError(form, err); }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'wording-title' },
    h('h2', { id: 'wording-title' }, 'Consent wording'),
    wordings.length ? h('ol', { class: 'wording-versions', id: 'wording-versions', reversed: true }, wordings.map((w) => h('li', { dataset: { version: String(w.version) } },
      h('strong', {}, `Version ${w.version}`), w === wordings[0] ? ' (current)' : '',
      h('span', { class: 'muted' }, ` · ${localTime(w.at_utc, w.utc_offset_minutes)}`),
      h('blockquote', { class: 'consent-wording' }, w.text)))) : h('p', { class: 'notice' }, 'No wording yet: no consent can be recorded until there is one.'),
    form);
}

function folderField(id, title) {
  const input = h('input', { name: 'folder', id, autocomplete: 'off', spellcheck: 'false', placeholder: '/home/you/Documents' });
  return h('div', { class: 'folder-row' },
    field('Into the folder', input),
    h('button', {
      type: 'button', id: `${id}-choose`,
      onclick: async () => {
        try {
          const picked = await call('plugin:dialog|open', { options: { directory: true, title } });
          if (picked) input.value = String(picked);
        } catch (err) { toast(err.message, 'error'); }
      },
    }, 'Choose…'));
}

function mailingPanel(ctx) {
  const done = h('div', { id: 'mailing-done', role: 'status' });
  const form = h('form', { class: 'panel', id: 'mailing-form', novalidate: true },
    h('h2', {}, 'Export for a mailing'),
    h('p', { class: 'muted' }, 'A CSV of the people with an active consent on one channel, with the proof beside each (when, how, wording version). Withdrawn and suppressed addresses are never in it. An organizer approves; the journal records who exported how many, never an address.'),
    field('News by', select({ name: 'channel', id: 'mailing-channel' }, [['email', 'Email'], ['sms', 'SMS']])),
    folderField('mailing-folder', 'Where should the export go?'),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'mailing-export' }, 'Export')),
    done);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    done.replaceChildren();
    try {
      const result = await callApproved('export_marketing',
        { channel: form.elements.channel.value, folder: form.elements.folder.value }, ctx.askPin);
      if (!result) return;
      done.append(h('p', { class: 'ok-banner' }, `Exported ${plural(result.count, 'contact')} to ${result.path}`));
    } catch (err) { showFormError(form, err); }
  });
  return form;
}

function retentionPanel(ctx, days) {
  const input = h('input', { name: 'contact_retention_days', id: 'contact-retention', inputmode: 'numeric', value: String(days), autocomplete: 'off' });
  const form = h('form', { class: 'panel retention-form', id: 'contact-retention-form', novalidate: true },
    h('h2', {}, 'Keeping contacts'),
    field('Days a contact is kept without activity', input,
      'A contact with no sign-up, check-in or consent for this long is erased when the till starts.'),
    h('p', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit', id: 'contact-retention-save' }, 'Save'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const saved = await callApproved('save_contact_retention', { days: input.value }, ctx.askPin);
      if (saved === null) return;
      input.value = String(saved);
      toast(`Contacts are kept ${saved} days without activity`);
    } catch (err) { showFormError(form, err); }
  });
  return form;
}

export async function renderPrivacy(host, ctx, show) {
  const [wordings, days] = await Promise.all([call('consent_wordings'), call('contact_retention_days')]);
  const redraw = () => { host.replaceChildren(); renderPrivacy(host, ctx, show); };
  host.append(h('div', { class: 'privacy-grid' },
    h('div', {}, wordingPanel(ctx, wordings, redraw)),
    h('div', {}, mailingPanel(ctx), retentionPanel(ctx, days),
      h('p', { class: 'muted' }, 'What the till collects, why and for how long, and how to answer an access or erasure request: see docs/privacy.md, a record of processing to keep.'))));
}
