// A contact's page: what they agreed to (each consent with its wording
// version, when, how and who recorded it), one button to withdraw it as
// easily as it was given, a consent recorded here, the events they signed
// up for or came to, a loyalty card linked with their consent (`card.js`), their data as one JSON file, and erasure (an
// organizer approves; the core says when to ask for the PIN).

import { call, callApproved } from '../../api.js';
import { h, field, showFormError, clearFormError, toast } from '../../dom.js';
import { openDialog, confirmDialog } from '../../dialog.js';
import { localTime, wallDate } from '../../time.js';
import { plural } from '../../words.js';
import { wordingQuote } from './wording.js';
import { nameOf } from './list.js';
import { cardPanel } from './card.js';

const CHANNELS = [['email', 'Email', 'email'], ['sms', 'SMS', 'phone']];
const HOW = {
  till: 'at the till, after a sale',
  sign_up: 'on signing up',
  check_in: 'at the door',
  attendee_list: 'on the attendee list',
  receipt_code: 'with the code on the receipt',
  erasure: 'erased on request',
  inactive: 'purged after the retention period',
};

function by(entry) {
  return entry.recorded_by_name || entry.recorded_by.replace('system:', '');
}

/** Ask for consent on one channel here: the wording, the address, agreed. */
async function giveConsent(page, channel, label, redraw) {
  const address = h('input', { name: 'address', id: 'give-consent-address', autocomplete: 'off', value: '', type: channel === 'email' ? 'email' : 'tel' });
  const given = await openDialog({
    id: 'give-consent', title: `News by ${label}`,
    body: h('div', {}, wordingQuote(page.wording, 'give-consent-wording'),
      field(channel === 'email' ? 'Their email' : 'Their mobile number', address)),
    submitLabel: 'They agree',
    submit: (v) => call('give_consent', { contactId: page.contact.id, channel, address: v.address }),
  });
  if (given) {
    toast(`${label} consent recorded (wording version ${given.wording_version})`);
    await redraw();
  }
}

function channelRow(page, [channel, label, key], how, redraw) {
  const active = page[`${channel}_consent`];
  const erased = Boolean(page.contact.erased_at);
  const latest = page.consents.filter((c) => c.channel === channel).at(-1);
  const withdraw = h('button', {
    type: 'button', id: `withdraw-${channel}`,
    onclick: async () => {
      withdraw.disabled = true;
      try {
        await call('withdraw_consent', { contactId: page.contact.id, channel, how });
        toast(`${label} consent withdrawn; the address is on the suppression list`);
        await redraw();
      } catch (err) {
        toast(err.message, 'error');
        withdraw.disabled = false;
      }
    },
  }, 'Withdraw');
  return h('div', { class: 'channel-status', id: `channel-${channel}`, dataset: { active: String(active) } },
    h('span', { class: 'channel-name' }, label),
    active
      ? h('span', {}, h('strong', {}, 'agreed'), ` · ${page.contact[key]} · version ${latest.wording_version}, `,
        localTime(latest.at_utc, latest.utc_offset_minutes), ` ${HOW[latest.how] || latest.how}`)
      : h('span', { class: 'muted' }, latest && latest.withdrawn
        ? `withdrawn ${localTime(latest.withdrawn.at_utc, latest.withdrawn.utc_offset_minutes)} ${HOW[latest.withdrawn.how] || ''}`
        : 'no consent'),
    active ? withdraw : null,
    !active && !erased && page.wording
      ? h('button', { type: 'button', id: `give-${channel}`, onclick: () => giveConsent(page, channel, label, redraw) }, 'Record consent')
      : null);
}

function historyTable(page) {
  return h('table', { class: 'table compact', id: 'consent-history' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Given'), h('th', {}, 'News by'), h('th', {}, 'Wording'), h('th', {}, 'How'), h('th', {}, 'Recorded by'), h('th', {}, 'Withdrawn'))),
    h('tbody', {}, page.consents.map((c) => h('tr', { dataset: { consentId: c.id } },
      h('td', {}, localTime(c.at_utc, c.utc_offset_minutes)),
      h('td', {}, c.channel === 'sms' ? 'SMS' : 'email'),
      h('td', { title: c.wording_text }, `version ${c.wording_version}`),
      h('td', {}, HOW[c.how] || c.how, c.receipt_number ? ` (${c.receipt_number})` : ''),
      h('td', {}, by(c)),
      h('td', {}, c.withdrawn
        ? `${localTime(c.withdrawn.at_utc, c.withdrawn.utc_offset_minutes)}, ${HOW[c.withdrawn.how] || c.withdrawn.how}, by ${by(c.withdrawn)}`
        : '—')))));
}

/** Their data as one JSON file, written into a folder chosen here. */
function accessForm(page) {
  const folder = h('input', { name: 'folder', id: 'contact-data-folder', autocomplete: 'off', spellcheck: 'false', placeholder: '/home/you/Documents' });
  const form = h('form', { id: 'contact-data-form', novalidate: true },
    h('div', { class: 'folder-row' },
      field('Their data as one JSON file, into the folder', folder, 'To answer an access request: everything the till holds about them.'),
      h('button', {
        type: 'button', id: 'contact-data-choose',
        onclick: async () => {
          try {
            const picked = await call('plugin:dialog|open', { options: { directory: true, title: 'Where should the file go?' } });
            if (picked) folder.value = String(picked);
          } catch (err) { toast(err.message, 'error'); }
        },
      }, 'Choose…')),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'contact-data-save' }, 'Write the file')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const path = await call('save_contact_data', { contactId: page.contact.id, folder: folder.value });
      toast(`Wrote ${path}`);
      form.querySelector('.form-error').textContent = '';
      form.append(h('p', { class: 'ok-banner', id: 'contact-data-done' }, `Written: ${path}`));
    } catch (err) {
      showFormError(form, err);
    }
  });
  return form;
}

async function erase(ctx, page, redraw) {
  const sure = await confirmDialog({
    id: 'erase-dialog', title: `Erase ${nameOf(page.contact)}?`,
    body: h('div', {},
      h('p', {}, 'Their name, addresses and code are removed from the till, with their place on every attendee list and any pre-order contact holding their address. Their consents end, and their addresses go on the suppression list so no import brings them back.'),
      h('p', {}, 'Sales, the consent records (without anything personal) and the journal stay whole. This cannot be undone.')),
    confirmLabel: 'Erase',
  });
  if (!sure) return;
  try {
    const done = await callApproved('erase_contact', { contactId: page.contact.id }, ctx.askPin);
    if (!done) return;
    toast(`Personal data erased (${plural(done.attendee_rows, 'attendee row')}, ${plural(done.order_contacts, 'pre-order contact')})`);
    await redraw();
  } catch (err) {
    toast(err.message, 'error');
  }
}

export async function renderContact(host, ctx, show, contactId, how = 'attendee_list') {
  const page = await call('contact_page', { contactId });
  const redraw = () => {
    host.replaceChildren();
    return renderContact(host, ctx, show, contactId, how);
  };
  const c = page.contact;
  const erased = Boolean(c.erased_at);
  host.append(...[
    h('div', { class: 'screen-head head-row', id: 'contact-page', dataset: { contactId } },
      h('h2', { id: 'contact-name' }, erased ? 'Erased contact' : nameOf(c)),
      h('button', { type: 'button', id: 'contact-back', onclick: () => show.back() }, '← Back')),
    erased ? h('p', { class: 'erased-notice', id: 'contact-erased' },
      `Personal data erased ${localTime(c.erased_at)} (${c.erased_how === 'inactive' ? 'no activity for the retention period' : 'on request'}). What remains says that someone agreed and stopped, no longer who.`) : null,
    h('div', { class: 'two-col' },
      h('div', {},
        h('section', { class: 'panel', 'aria-labelledby': 'contact-news-title' },
          h('h2', { id: 'contact-news-title' }, 'News'),
          c.code ? h('p', { class: 'muted' }, 'Code on their receipts: ', h('strong', { id: 'contact-code-shown' }, c.code)) : null,
          CHANNELS.map((ch) => channelRow(page, ch, how, redraw)),
          page.email_consent && page.sms_consent ? h('div', { class: 'actions' }, h('button', {
            type: 'button', id: 'withdraw-all',
            onclick: async () => {
              try {
                await call('withdraw_consent', { contactId, channel: '', how });
                toast('All news withdrawn');
                await redraw();
              } catch (err) { toast(err.message, 'error'); }
            },
          }, 'Withdraw all')) : null),
        h('section', { class: 'panel section-title' },
          h('h2', {}, 'Consent history'),
          page.consents.length ? historyTable(page) : h('p', { class: 'muted' }, 'No consent recorded.'))),
      h('div', {},
        h('section', { class: 'panel' },
          h('h2', {}, 'Events'),
          page.attendance.length ? h('ul', { id: 'contact-events' }, page.attendance.map((a) => h('li', {},
            `${a.event_name} · ${wallDate(a.starts_at)} · `,
            a.checked_in_at ? `came in ${localTime(a.checked_in_at, a.checked_in_offset)}` : 'signed up',
            a.source === 'import' ? ' (imported)' : ''))) : h('p', { class: 'muted' }, 'On no attendee list.')),
        cardPanel(page, redraw),
        erased ? null : h('section', { class: 'panel section-title rights-actions', 'aria-labelledby': 'contact-rights-title' },
          h('h2', { id: 'contact-rights-title' }, 'Their rights'),
          accessForm(page),
          h('div', { class: 'actions' }, h('button', { type: 'button', id: 'contact-erase', onclick: () => erase(ctx, page, redraw) }, 'Erase their personal data…')))))].filter(Boolean));
}
