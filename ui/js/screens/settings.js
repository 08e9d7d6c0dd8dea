// The Settings screen: shop name, currency, tax mode and rates, cash
// rounding, till code, the locale dates and times are shown in, the till's
// limits (saving needs an organizer's PIN), the refill station's scale
// label layouts and deposit tax, the journal check, the tills of the
// shop (tills.js: a till for another laptop, a merge), and the loyalty
// programme with its sheet of new cards (loyalty.js). A
// cashier does not use it: an organizer opens it (see gate.js). Removing a
// tax rate products use, or changing the currency once anything was sold,
// is refused by the core next to its field.

import { call, callApproved } from '../api.js';
import { h, clear, field, formValues, showFormError, clearFormError, toast } from '../dom.js';
import { select } from '../select.js';
import { localTime } from '../time.js';
import { organizerGate, organizerOnly } from '../gate.js';
import { tillsPanel } from './tills.js';
import { loyaltyPanel } from './loyalty.js';

/** A limit's field, holding the value in force. */
function limitInput(name, s) {
  return h('input', { name, id: `settings-${name.replaceAll('_', '-')}`, value: String(s.limits[name]), inputmode: 'decimal', autocomplete: 'off' });
}

export async function render(root, ctx) {
  if (!await organizerGate(ctx, 'settings')) {
    root.append(organizerOnly(ctx, 'settings', 'Settings', 'The shop\'s settings are the organizer\'s: an organizer opens this screen with their PIN.'));
    return;
  }
  const s = ctx.status.settings;
  const form = h('form', { class: 'panel', id: 'settings-form', novalidate: true },
    h('h2', {}, 'Shop'),
    field('Shop name', h('input', { name: 'shop_name', id: 'settings-shop', value: s.shop_name, maxlength: '80' })),
    h('div', { class: 'row' },
      field('Currency', h('input', { name: 'currency', id: 'settings-currency', value: s.currency.code, maxlength: '3' }), 'ISO code, e.g. EUR'),
      field('Till code', h('input', { name: 'till_code', id: 'settings-till', value: s.till_code, maxlength: '8' }), 'Printed on receipts, e.g. T1')),
    field('Dates and times', select({ name: 'locale', id: 'settings-locale' }, ctx.status.locales.map(([code, words]) => [code, words]), s.locale),
      'One format on every screen, receipt and Z report'),
    h('div', { class: 'row' },
      field('Prices', select({ name: 'tax_mode', id: 'settings-tax-mode' }, [['inclusive', 'include tax'], ['exclusive', 'exclude tax']], s.tax_mode)),
      field('Cash rounding', select({ name: 'cash_rounding', id: 'settings-rounding' },
        [['none', 'none'], ['0.05', 'to 0.05'], ['0.10', 'to 0.10'], ['0.50', 'to 0.50'], ['1', 'to 1']], s.cash_rounding))),
    field('Tax rates (%)', h('input', { name: 'tax_rates', id: 'settings-rates', value: s.tax_rates.join('; ') }), 'Separate with ; e.g. 0; 5.5; 20'),
    h('h2', {}, 'Limits'),
    h('p', { class: 'muted' }, 'Above the discount, float, cash movement or refund limit an organizer approves with a PIN; above the quantity or unit price limit the till refuses.'),
    h('div', { class: 'row' },
      field('Discount limit (%)', limitInput('discount_limit_percent', s), 'Line and sale discounts together, of the list price'),
      field(`Opening float (${s.currency.code})`, limitInput('float_max', s), 'Largest without an organizer')),
    h('div', { class: 'row' },
      field(`Paid in, paid out, drop (${s.currency.code})`, limitInput('cash_move_max', s), 'Largest each, without an organizer'),
      field('Quantity of a line', limitInput('quantity_max', s), 'Pieces, kg or l')),
    h('div', { class: 'row' },
      field(`Unit price (${s.currency.code})`, limitInput('unit_price_max', s), 'In the catalog and as a price override'),
      field('Lock after (minutes)', limitInput('idle_lock_minutes', s), 'Without use; then a PIN takes the till again')),
    h('div', { class: 'row' },
      field(`Refund (${s.currency.code})`, limitInput('refund_max', s), 'Largest refund without an organizer')),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'settings-save' }, 'Save settings')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const saved = await callApproved('save_settings', { input: formValues(form) }, ctx.askPin);
      if (!saved) return;
      await ctx.refresh();
      toast('Settings saved');
    } catch (err) { showFormError(form, err); }
  });

  const result = h('div', { id: 'journal-result' });
  const entries = h('tbody', {});
  const journal = h('section', { class: 'panel', id: 'journal-panel' },
    h('h2', {}, 'Audit journal'),
    h('p', { class: 'muted' }, 'Every change is journaled and chained by SHA-256. Checking walks the whole chain and holds every sale, payment, stock and cash movement against its entry.'),
    h('div', { class: 'actions' }, h('button', {
      type: 'button', id: 'verify-journal',
      onclick: async () => {
        clear(result);
        const v = await call('verify_journal');
        result.append(v.problem
          ? h('p', { class: 'error-banner' }, `The journal does not hold at entry ${v.problem.seq}: ${v.problem.message}`)
          : h('p', { class: 'ok-banner' }, `The journal holds: ${v.entries} entries. Head hash ${v.head_hash.slice(0, 16)}…`));
        // Every sale, line, payment, stock and cash movement against the
        // entry that wrote it.
        result.append(v.ledger_mismatch_count
          ? h('div', { class: 'error-banner', id: 'journal-ledger' },
            h('p', {}, `${v.ledger_mismatch_count} ledger ${v.ledger_mismatch_count === 1 ? 'row does' : 'rows do'} not match the journal:`),
            h('ul', {}, v.ledger_mismatches.slice(0, 20).map((m) => h('li', {}, m.message))),
            v.ledger_mismatch_count > 20 ? h('p', {}, `… and ${v.ledger_mismatch_count - 20} more (popup-till verify lists them all).`) : null)
          : h('p', { class: 'ok-banner', id: 'journal-ledger' }, `The ledger agrees with the journal: ${v.ledger_rows} rows${v.ledger_rows_older ? ` (${v.ledger_rows_older} older ones checked for their entry only)` : ''}.`));
        if (v.clock_warnings.length) {
          result.append(h('div', { class: 'notice', id: 'journal-clock' },
            h('p', {}, 'The till\'s clock moved back:'),
            h('ul', {}, v.clock_warnings.map((w) => h('li', {}, w.message)))));
        }
      },
    }, 'Check the journal')),
    result,
    h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'When'), h('th', {}, 'Action'), h('th', {}, 'Entity'))),
      entries));
  for (const e of await call('recent_journal', { limit: 12 })) {
    entries.append(h('tr', {}, h('td', {}, e.seq), h('td', {}, localTime(e.at_utc, e.utc_offset_minutes, { seconds: true })), h('td', {}, e.action), h('td', {}, e.entity)));
  }
  root.append(h('div', { class: 'screen-head' }, h('h1', {}, 'Settings')),
    h('p', { class: 'muted' }, 'Database: ', ctx.status.db_path),
    h('div', { class: 'two-col' }, form, journal),
    await refillSettings(ctx),
    await tillsPanel(ctx),
    h('div', { class: 'two-col' }, ...await loyaltyPanel(ctx)));
}

const MEASURES = [['grams', 'weight in grams'], ['millilitres', 'volume in millilitres'], ['price', 'price in cents'], ['tare', 'tare of an own container (g)']];

/** Scale labels (one layout per prefix; layouts differ by country) and how
 * deposits are taxed. The core checks the layouts as a whole. */
async function refillSettings(ctx) {
  const current = await call('refill_settings');
  const layouts = current.layouts.map((l) => ({ ...l }));
  const rows = h('tbody', {});
  const draw = () => {
    clear(rows);
    layouts.forEach((l, i) => {
      const set = (key, read) => (e) => { l[key] = read(e.target); };
      rows.append(h('tr', { class: 'layout-row' },
        h('td', {}, h('input', { value: l.prefix, maxlength: '2', inputmode: 'numeric', 'aria-label': 'Prefix', size: '3', oninput: set('prefix', (t) => t.value.trim()) })),
        h('td', {}, (() => {
          const m = select({ 'aria-label': 'What the label carries' }, MEASURES, l.measure);
          m.addEventListener('change', set('measure', (t) => t.value));
          return m;
        })()),
        h('td', {}, h('input', { value: String(l.item_digits), inputmode: 'numeric', 'aria-label': 'Item code digits', size: '2', oninput: set('item_digits', (t) => Number.parseInt(t.value, 10) || 0) })),
        h('td', {}, h('input', { type: 'checkbox', checked: l.verifier, 'aria-label': 'Price verifier digit', onchange: set('verifier', (t) => t.checked) })),
        h('td', {}, h('button', { type: 'button', onclick: () => { layouts.splice(i, 1); draw(); } }, 'Remove'))));
    });
  };
  draw();
  const form = h('form', { class: 'panel', id: 'refill-settings-form', novalidate: true },
    h('h2', {}, 'Refill station: scale labels and deposits'),
    h('p', { class: 'muted' }, 'A scale label (EAN-13 starting 02 or 20–29) carries the item code of a product and its weight, volume or price; its layout depends on the scale and the country.'),
    h('table', { class: 'table compact', id: 'refill-layouts' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Prefix'), h('th', {}, 'Carries'), h('th', {}, 'Item digits'), h('th', {}, 'Verifier'), h('th', {}, ''))),
      rows),
    h('div', { class: 'actions' }, h('button', {
      type: 'button', id: 'refill-layout-add',
      onclick: () => { layouts.push({ prefix: '', measure: 'grams', item_digits: 5, verifier: false }); draw(); },
    }, 'Add a layout')),
    field('Deposits are taxed', select({ name: 'deposit_tax', id: 'refill-deposit-tax' },
      [['product_rate', 'at the deposit product\'s rate'], ['outside_tax', 'not at all (outside tax)']], current.deposit_tax)),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'refill-settings-save' }, 'Save refill settings')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    try {
      const saved = await callApproved('save_refill_settings', { input: { layouts, deposit_tax: formValues(form).deposit_tax } }, ctx.askPin);
      if (saved) toast('Refill settings saved');
    } catch (err) { showFormError(form, err); }
  });
  return form;
}
