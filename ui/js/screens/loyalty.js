// The loyalty panel of the Settings screen: the programme the organizer
// sets (stamps per visit, per amount spent, per refill into the customer's
// own container, per line of a category; the rewards stamps buy) and a
// sheet of new cards to print, each with its QR code drawn from the
// modules the core returns. The core checks the programme and saves it
// with an organizer's PIN.

import { call, callApproved } from '../api.js';
import { h, clear, field, showFormError, clearFormError, toast } from '../dom.js';
import { select } from '../select.js';
import { printSection } from './till/receipts.js';

const SVG = 'http://www.w3.org/2000/svg';

/** A card's QR code as SVG: a dark square per module, a quiet zone of 4. */
function qrSvg(rows) {
  const n = rows.length + 8;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${n} ${n}`);
  svg.setAttribute('class', 'card-qr');
  svg.setAttribute('role', 'img');
  let d = '';
  rows.forEach((row, y) => {
    [...row].forEach((c, x) => { if (c === '1') d += `M${x + 4} ${y + 4}h1v1h-1z`; });
  });
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}

/** The printable sheet: cards of 85 × 54 mm with their QR code and code. */
function sheetView(sheet) {
  return h('div', { class: 'card-sheet', id: 'card-sheet' },
    sheet.cards.map((c) => {
      const qr = qrSvg(c.qr);
      qr.setAttribute('aria-label', `QR code of ${c.code}`);
      return h('div', { class: 'loyalty-card' }, qr,
        h('div', {},
          h('div', { class: 'card-shop' }, sheet.shop_name),
          h('div', { class: 'card-code' }, c.code),
          h('div', { class: 'card-hint' }, 'Show this card at the till to collect stamps. No name needed.')));
    }));
}

export async function loyaltyPanel(ctx) {
  const [program, products] = await Promise.all([call('loyalty_program'), call('list_products')]);
  const own = (program.categories.find((c) => c.on === 'own_container') || { stamps: 0 }).stamps;
  const cat = program.categories.find((c) => c.on === 'category') || { category: '', stamps: 0 };
  const rewards = structuredClone(program.rewards);
  const rewardList = h('ul', { id: 'loyalty-rewards', class: 'plain-list' });
  const productName = (id) => (products.find((p) => p.id === id) || { name: '?' }).name;
  function drawRewards() {
    clear(rewardList);
    rewards.forEach((r, i) => rewardList.append(h('li', { dataset: { reward: r.id } },
      `${r.name} · ${r.cost} stamps · ${r.kind === 'free_item' ? `free ${productName(r.product_id)}` : `${r.amount} off a line`} `,
      h('button', { type: 'button', onclick: () => { rewards.splice(i, 1); drawRewards(); } }, 'Remove'))));
    if (!rewards.length) rewardList.append(h('li', { class: 'muted' }, 'No rewards yet.'));
  }
  drawRewards();
  const num = (name, value) => h('input', { name, id: `loyalty-${name.replaceAll('_', '-')}`, value: String(value), inputmode: 'numeric', autocomplete: 'off' });
  const form = h('form', { class: 'panel', id: 'loyalty-form', novalidate: true },
    h('h2', {}, 'Loyalty cards'),
    h('p', { class: 'muted' }, 'Anonymous cards: no name or phone. Stamps are earned per visit (once a day per card), per amount spent, per refill into the customer’s own container and per line of a category.'),
    h('div', { class: 'row' },
      field('Stamps per visit', num('visit_stamps', program.visit_stamps)),
      field('Stamps per own-container refill', num('own_stamps', own))),
    h('div', { class: 'row' },
      field(`Stamps per amount spent (${ctx.status.settings.currency.code})`, num('spend_step', program.spend_step), 'e.g. 20: empty for none'),
      field('Stamps for each such amount', num('spend_stamps', program.spend_stamps))),
    h('div', { class: 'row' },
      field('Category', h('input', { name: 'category', id: 'loyalty-category', value: cat.category, autocomplete: 'off' }), 'A catalog category, or empty'),
      field('Stamps per line of it', num('category_stamps', cat.stamps))),
    h('h3', {}, 'Rewards'),
    rewardList,
    h('div', { class: 'row' },
      field('Reward', h('input', { name: 'reward_name', id: 'loyalty-reward-name', autocomplete: 'off', placeholder: 'Free gift wrapping' })),
      field('Costs (stamps)', num('reward_cost', ''))),
    h('div', { class: 'row' },
      field('Gives', select({ name: 'reward_kind', id: 'loyalty-reward-kind' }, [['free_item', 'a free item'], ['discount', 'an amount off a line']])),
      field('Free item', select({ name: 'reward_product', id: 'loyalty-reward-product' }, products.filter((p) => p.active && p.unit === 'each').map((p) => [p.id, p.name]))),
      field('Amount off', h('input', { name: 'reward_amount', id: 'loyalty-reward-amount', inputmode: 'decimal', autocomplete: 'off' }))),
    h('div', { class: 'actions' }, h('button', {
      type: 'button', id: 'loyalty-reward-add',
      onclick: () => {
        const f = form.elements;
        const name = f.reward_name.value.trim();
        const id = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || `reward-${rewards.length + 1}`;
        const kind = f.reward_kind.value;
        rewards.push({ id, name, cost: Number(f.reward_cost.value) || 0, kind,
          product_id: kind === 'free_item' ? f.reward_product.value : null, amount: kind === 'discount' ? f.reward_amount.value.trim() : null });
        f.reward_name.value = ''; f.reward_cost.value = ''; f.reward_amount.value = '';
        drawRewards();
      },
    }, 'Add reward')),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'loyalty-save' }, 'Save loyalty programme')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFormError(form);
    const f = form.elements;
    const int = (el) => Number(el.value.trim() || '0');
    const categories = [];
    if (int(f.own_stamps)) categories.push({ on: 'own_container', stamps: int(f.own_stamps) });
    if (f.category.value.trim()) categories.push({ on: 'category', category: f.category.value.trim(), stamps: int(f.category_stamps) });
    const next = {
      visit_stamps: int(f.visit_stamps), spend_step: f.spend_step.value.trim(), spend_stamps: int(f.spend_stamps),
      categories, rewards,
    };
    try {
      const saved = await callApproved('save_loyalty_program', { program: next }, ctx.askPin);
      if (saved) toast('Loyalty programme saved');
    } catch (err) { showFormError(form, err); }
  });

  const sheetHolder = h('div', { id: 'card-sheet-holder' });
  const count = h('input', { id: 'cards-count', value: '10', inputmode: 'numeric', size: '4', autocomplete: 'off' });
  const cards = h('section', { class: 'panel', id: 'cards-panel' },
    h('h2', {}, 'New cards to print'),
    h('div', { class: 'row' }, field('How many', count),
      h('div', { class: 'actions' },
        h('button', {
          type: 'button', id: 'cards-make',
          onclick: async () => {
            try {
              const sheet = await call('loyalty_cards_sheet', { count: Number(count.value) || 0 });
              clear(sheetHolder).append(sheetView(sheet),
                h('div', { class: 'actions' }, h('button', { type: 'button', id: 'cards-print', onclick: () => printSection(sheetHolder.firstChild) }, 'Print sheet')));
              sheetHolder.scrollIntoView({ block: 'start' });
            } catch (err) { toast(err.message, 'error'); }
          },
        }, 'Make a sheet'))),
    sheetHolder);
  return [form, cards];
}
