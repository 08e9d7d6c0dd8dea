// The cart on the Till screen: the scan field (a scanner's digits and
// Enter, "3*code" sells three, search as you type: the arrow keys move
// through the results and Enter adds the highlighted one), the cart lines
// and totals, editing a line, the sale discount, and clearing. The core keeps
// the rules: it decides whether a scanned item joins a line already in the
// cart and what the quantities come to, prices the cart and says which
// rows (discount, cash total) are worth showing. Changes to the cart run
// one after another, so a fast scanner never loses an item. A loyalty
// card's code scanned (its QR code types it) or typed in the scan field
// attaches the card to the sale; its panel shows the stamps and the
// rewards they buy, and a reward becomes a line of the sale.

import { call } from '../../api.js';
import { h, clear, fill, field } from '../../dom.js';
import { MINUS } from '../../words.js';
import { openDialog } from '../../dialog.js';
import { select } from '../../select.js';

// A new cart has no id yet: the core gives it one with its first item.
const EMPTY = () => ({ cart_id: null, lines: [], sale_discount: null, handover_contact: null, card: null, deposits_back: [] });

// A card's code as printed: four groups of four letters and digits.
const CARD_CODE = /^[0-9A-Za-z]{4}(?:[- ][0-9A-Za-z]{4}){3}$/;

export function createCart(till) {
  const { overview } = till;
  // `card`: the card attached to the sale, as the core looked it up.
  // `tare`: a tare label scanned (a customer's own container weighed
  // empty at a scale), waiting for the refill it is the tare of.
  const state = { cart: EMPTY(), quote: null, card: null, tare: null };
  let pending = Promise.resolve();

  const body = h('tbody', { id: 'till-cart-lines' });
  const totals = h('div', { class: 'till-totals', id: 'till-totals' });
  const warnings = h('div', { id: 'till-warnings' });
  const tareNote = h('div', { id: 'till-tare', class: 'notice', hidden: true });
  const cardPanel = h('div', { class: 'till-card', id: 'till-card', hidden: true });
  const scan = h('input', {
    id: 'till-scan', class: 'scan', autocomplete: 'off', placeholder: 'Scan or type a name, SKU or barcode · 3*code sells three',
    role: 'combobox', 'aria-label': 'Scan or search', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'till-results',
  });
  const results = h('div', { class: 'till-results', id: 'till-results', role: 'listbox', 'aria-label': 'Matching products' });
  // The search results on show: for which text, and which one is highlighted.
  let shown = { text: null, products: [], index: -1 };

  /** Run cart changes in the order they were asked for. */
  function queued(change) {
    const run = pending.then(change);
    pending = run.catch(() => {});
    return run;
  }

  /** The card's panel: its id, stamps and the rewards they buy. */
  function drawCard() {
    const c = state.card;
    cardPanel.hidden = !c;
    if (!c) { clear(cardPanel); return; }
    const cost = state.cart.lines.reduce((sum, l) => {
      const r = l.reward_id && c.rewards_all.find((x) => x.id === l.reward_id);
      return sum + (r ? r.cost : 0);
    }, 0);
    const left = c.balance - cost;
    fill(cardPanel,
      h('div', { class: 'total-row' },
        h('strong', {}, `Loyalty card ${c.card}`, c.linked ? h('span', { class: 'badge', id: 'till-card-linked' }, 'linked') : null),
        h('span', { id: 'till-card-balance' }, cost ? `${left} stamps (${c.balance} − ${cost})` : `${c.balance} stamps`)),
      h('div', { class: 'card-rewards' },
        c.rewards_all.filter((r) => r.cost <= left).map((r) => h('button', {
          type: 'button', class: 'reward', id: `reward-${r.id}`, onclick: () => queued(() => redeem(r)),
        }, `${r.name} · ${r.cost} stamps`)),
        h('button', { type: 'button', id: 'till-card-remove', onclick: () => queued(removeCard) }, 'Remove card')));
  }

  /** Attach the card of `code`: looked up first, refused when not genuine. */
  async function attachCard(code) {
    const c = await call('loyalty_card', { code });
    if (!c.genuine) { till.showMessage(c.refusal, 'error'); return; }
    const program = await call('loyalty_program');
    state.card = { ...c, rewards_all: program.rewards };
    const next = structuredClone(state.cart);
    next.card = c.code;
    if (next.lines.length) await use(next);
    else { state.cart = next; draw(); }
    till.showMessage(`Card ${c.card}: ${c.balance} stamps`, 'ok');
  }

  async function removeCard() {
    const next = structuredClone(state.cart);
    next.card = null;
    next.lines = next.lines.filter((l) => !l.reward_id || l.product_id !== rewardProduct(l.reward_id));
    next.lines.forEach((l) => { delete l.reward_id; });
    state.card = null;
    if (next.lines.length) await use(next);
    else { state.cart = next; state.quote = null; draw(); }
  }

  const rewardProduct = (id) => {
    const r = state.card && state.card.rewards_all.find((x) => x.id === id);
    return r ? r.product_id : null;
  };

  /** A reward as a line: a free item is a line of its own; a discount
   * comes off the last line that has none. The core checks the stamps. */
  async function redeem(r) {
    const next = structuredClone(state.cart);
    if (r.kind === 'free_item') {
      next.lines.push({ product_id: r.product_id, quantity: '1', reward_id: r.id });
    } else {
      const target = [...next.lines].reverse().find((l) => !l.reward_id && !l.deposit_of_line && !(l.discount && l.discount.value));
      if (!target) { till.showMessage(`Add the item ${r.name} comes off first`, 'error'); return; }
      target.reward_id = r.id;
    }
    try {
      await use(next);
      till.showMessage(`Reward: ${r.name}`, 'ok');
    } catch (err) { till.showMessage(err.message, 'error'); }
  }

  /** The tare label waiting for its refill, with a way to drop it. */
  function drawTare() {
    tareNote.hidden = !state.tare;
    if (!state.tare) { clear(tareNote); return; }
    fill(tareNote,
      h('span', {}, `Tare ${state.tare.tare} g from a label: the next refill’s (own container)`), ' ',
      h('button', { type: 'button', id: 'till-tare-clear', onclick: () => { state.tare = null; drawTare(); till.focusScan(); } }, 'Drop tare'));
  }

  // The rows drawn, each with what it shows: a redraw replaces only the
  // rows that changed (a scan changes one, or adds one).
  let drawn = [];

  function draw() {
    drawTare();
    drawCard();
    clear(warnings);
    const q = state.quote;
    if (!q || state.cart.lines.length === 0) {
      drawn = [];
      fill(body, h('tr', {}, h('td', { colspan: '5', class: 'muted empty-cart' }, 'Cart is empty: scan or search to add a product.')));
      fill(totals, h('div', { class: 'total-big', id: 'till-total' }, overview.zero));
      return;
    }
    if (!drawn.length) clear(body);
    // The cart's lines, then the containers brought back in the sale.
    const rows = [
      ...q.lines.map((l, i) => ({ shows: `line ${i} ${JSON.stringify(l)}`, make: () => lineRow(l, i) })),
      ...q.deposits_back.map((d, i) => ({ shows: `back ${i} ${JSON.stringify(d)}`, make: () => backRow(d, i) })),
    ];
    const next = rows.map((r, i) => {
      const old = drawn[i];
      if (old && old.shows === r.shows) return old;
      const row = { shows: r.shows, el: r.make() };
      if (old) old.el.replaceWith(row.el);
      else body.append(row.el);
      return row;
    });
    drawn.slice(next.length).forEach((row) => row.el.remove());
    drawn = next;
    q.warnings.forEach((w) => warnings.append(h('p', { class: 'notice stock-warning' }, `Stock warning: ${w}`)));
    drawTotals(q);
  }

  /** The row of quoted line `l` (the `i`th). */
  function lineRow(l, i) {
    return h('tr', { class: 'cart-line', dataset: { index: String(i) } },
        h('td', {}, h('button', { type: 'button', class: 'line-name', onclick: () => editLine(i) }, l.name),
          l.handover_later ? h('span', { class: 'badge' }, 'hand over later') : null,
          l.overridden ? h('span', { class: 'badge' }, 'price override') : null,
          l.scale_label ? h('span', { class: 'badge' }, 'scale label') : null,
          l.deposit_of_line ? h('span', { class: 'badge' }, `deposit of line ${l.deposit_of_line}`) : null,
          l.reward_id ? h('span', { class: 'badge badge-reward' }, 'reward') : null,
          l.weighing ? h('div', { class: 'muted line-weighing' }, l.weighing) : null),
        h('td', { class: 'num line-qty' }, l.unit === 'each' ? l.quantity : `${l.quantity} ${l.unit}`),
        h('td', { class: 'num' }, l.unit_price),
        h('td', { class: 'num line-discount' }, l.has_discount ? `${MINUS}${l.discount}` : ''),
        h('td', { class: 'num line-total' }, l.gross));
  }

  /** A container brought back in the sale (the `i`th): a negative line;
   * a click takes it out of the sale again. */
  function backRow(d, i) {
    return h('tr', { class: 'cart-line deposit-back', dataset: { back: String(i) } },
      h('td', {}, h('button', { type: 'button', class: 'line-name', onclick: () => removeDepositBack(i) }, `${d.name} brought back`),
        h('span', { class: 'badge' }, 'deposit back')),
      h('td', { class: 'num line-qty' }, String(d.quantity)),
      h('td', { class: 'num' }, ''),
      h('td', { class: 'num line-discount' }, ''),
      h('td', { class: 'num line-total' }, `${MINUS}${d.amount}`));
  }

  function drawTotals(q) {
    const back = q.deposits_back.length > 0;
    fill(totals,
      h('div', { class: 'total-row' }, h('span', {}, q.tax_mode === 'exclusive' ? 'Items (excl. tax)' : 'Items'), h('span', { id: 'till-items' }, q.items_total)),
      q.has_discount ? h('div', { class: 'total-row' }, h('span', {}, 'Discounts'), h('span', { id: 'till-discount' }, `${MINUS}${q.discount}`)) : null,
      h('div', { class: 'total-row' }, h('span', {}, q.tax_mode === 'exclusive' ? 'Tax' : 'Incl. tax'), h('span', { id: 'till-tax' }, q.tax)),
      back ? h('div', { class: 'total-row' }, h('span', {}, 'Sale'), h('span', { id: 'till-sale-total' }, q.sale_total)) : null,
      back ? h('div', { class: 'total-row' }, h('span', {}, 'Containers back'), h('span', { id: 'till-deposits-back' }, `${MINUS}${q.deposits_back_total}`)) : null,
      q.pays_out
        ? h('div', { class: 'total-big pay-out', id: 'till-total' }, h('small', {}, 'Pay out '), q.paid_out)
        : h('div', { class: 'total-big', id: 'till-total' }, q.total),
      q.cash_rounded ? h('div', { class: 'total-row', id: 'till-cash-total' }, h('span', {}, 'In cash'), h('span', {}, q.cash_total)) : null,
      q.needs_approval ? h('p', { class: 'notice' }, `Needs an organizer PIN: ${q.approval_reasons.join(', ')}`) : null);
  }

  /** Quote `next` and make it the cart; on an error the cart stays as it was. */
  async function use(next) {
    // An empty cart is quoted too: the core keeps the cart on the counter.
    const quote = await call('quote_cart', { cart: next });
    state.quote = next.lines.length ? quote : null;
    state.cart = next;
    draw();
  }

  /** Add to the cart what the core makes of `addition`; the quote comes with it. */
  async function addition(p, add) {
    added(p, await call('cart_add', { cart: state.cart, addition: add }));
  }

  /** The cart and quote the core answered after adding `p`. */
  function added(p, answer) {
    state.cart = answer.cart;
    state.quote = answer.quote;
    draw();
    till.showMessage(`Added ${p.name}`);
  }

  // The shop's containers (jars, bottles with their tare), read once.
  let containers = null;

  /** A product sold by weight or volume: the net typed, or a container's
   * tare and the gross (the customer's own jar: tare typed, weighed full;
   * a shop jar: its tare is known). The core subtracts and checks. */
  async function weighDialog(p) {
    if (!containers) containers = await call('till_containers');
    const small = p.unit === 'kg' ? 'g' : 'ml';
    const container = select({ name: 'container', id: 'weight-container' }, [
      ['', 'No container: net typed above'],
      ['own', 'Customer’s own container'],
      ...containers.map((c) => [`shop:${c.id}`, `${c.name} (tare ${c.tare_grams} g)`]),
    ], state.tare ? 'own' : undefined);
    const labelTare = state.tare ? String(state.tare.tare) : '';
    return openDialog({
      id: 'weight-dialog', title: `${p.name}: ${p.unit === 'kg' ? 'weight' : 'volume'}`,
      body: h('div', {},
        field(`${p.unit === 'kg' ? 'Weight in kg' : 'Volume in l'} (price ${p.price} per ${p.unit})`,
          h('input', { name: 'quantity', id: 'weight-input', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.250' })),
        h('p', { class: 'muted' }, `Refill into a container: choose it, weigh it empty (tare), then full (gross), in ${small}.`),
        field('Container', container),
        h('div', { class: 'row' },
          field(`Tare in ${small} (empty container)`, h('input', { name: 'tare', id: 'weight-tare', inputmode: 'numeric', autocomplete: 'off', value: labelTare })),
          field(`Gross in ${small} (filled)`, h('input', { name: 'gross', id: 'weight-gross', inputmode: 'numeric', autocomplete: 'off' })))),
      submitLabel: 'Add',
      submit: async (v) => {
        const gross = v.gross.trim();
        const chosen = v.container;
        // The net typed: added once the dialog is closed (as a quantity
        // typed anywhere, its errors show on the till's message line).
        if (!gross && !chosen) return v.quantity.trim() || null;
        const add = { product_id: p.id, gross, tare: v.tare.trim() };
        if (chosen === 'own' || !chosen) add.container = 'own';
        else { add.container = 'shop'; add.container_id = chosen.slice(5); add.tare = ''; }
        if (!gross) {
          const err = new Error(`Weigh the filled container: the gross in ${small}`);
          err.field = 'gross';
          throw err;
        }
        await addition(p, add);
        // The tare label is used up by the refill it was the tare of.
        if (add.container === 'own' && labelTare && add.tare === labelTare) { state.tare = null; drawTare(); }
        return { added: true };
      },
    });
  }

  async function addProduct(p, quantity) {
    if (!p.active) { till.showMessage(`${p.name} is archived and cannot be sold`, 'error'); return; }
    try {
      if (p.unit !== 'each' && !quantity) {
        const net = await weighDialog(p);
        if (typeof net === 'string') await addition(p, { product_id: p.id, quantity: net });
      } else {
        await addition(p, { product_id: p.id, quantity: quantity || '' });
      }
    } catch (err) {
      till.showMessage(err.message, 'error');
    }
    till.focusScan();
  }

  // Search as you type, without a pause (digits alone aside, see below):
  // one search at a time, and when it answers the field's text of that
  // moment is searched next, so a fast typist never waits behind a queue
  // of stale ones.
  let searching = false;

  /** Mark the highlighted result (for the eye and for a screen reader). */
  function highlight(index) {
    shown.index = index;
    [...results.children].forEach((el, i) => {
      el.setAttribute('aria-selected', String(i === index));
      el.classList.toggle('highlighted', i === index);
      if (i === index) el.scrollIntoView({ block: 'nearest' });
    });
    if (index >= 0) scan.setAttribute('aria-activedescendant', `till-result-${index}`);
    else scan.removeAttribute('aria-activedescendant');
  }

  function hideResults() {
    shown = { text: null, products: [], index: -1 };
    delete results.dataset.query;
    clear(results);
    scan.setAttribute('aria-expanded', 'false');
    scan.removeAttribute('aria-activedescendant');
  }

  function pick(p) {
    scan.value = '';
    hideResults();
    return queued(() => addProduct(p, null));
  }

  function showResults(text, found) {
    shown = { text, products: found, index: -1 };
    results.dataset.query = text;
    fill(results, found.map((p, i) => h('div', {
      role: 'option', id: `till-result-${i}`, class: 'result', 'aria-selected': 'false', dataset: { productId: p.id },
      onclick: () => { pick(p); scan.focus(); },
    }, h('strong', {}, p.name), h('span', { class: 'muted' }, ` ${p.sku} · ${p.price}${p.unit === 'each' ? '' : ' / ' + p.unit}`))));
    scan.setAttribute('aria-expanded', String(found.length > 0));
    // The first is highlighted: Enter adds what the screen shows.
    highlight(found.length ? 0 : -1);
  }

  /** The text of the scan field as a search: without "3*". */
  const searchText = () => scan.value.trim().replace(/^\d+(?:[.,]\d+)?\*/, '');

  async function onScanEnter() {
    let text = scan.value.trim();
    if (!text) return;
    let quantity = null;
    const m = text.match(/^(\d+(?:[.,]\d+)?)\*(.+)$/);
    if (m) { quantity = m[1]; text = m[2].trim(); }
    // Results on show for this very text: the highlighted one is added.
    const chosen = shown.text === text && shown.index >= 0 ? shown.products[shown.index] : null;
    scan.value = '';
    hideResults();
    await queued(async () => {
      try {
        // A loyalty card: attached to the sale, not sold.
        if (!quantity && CARD_CODE.test(text)) { await attachCard(text); return; }
        let product = chosen;
        if (!product) {
          // A barcode, a SKU or a scale label (02, 20–29: the core reads
          // its weight or price and checks its digits, and a weight label
          // after a tare label is weighed net of it): looked up and added
          // in one call.
          const got = await call('cart_scan', {
            cart: state.cart, code: text, quantity: quantity || '', tare: state.tare ? state.tare.tare : null,
          });
          if (got && got.tare) {
            // A tare label: kept for the next refill line.
            state.tare = got.tare;
            drawTare();
            till.showMessage(`Tare ${got.tare.tare} g: now weigh the refill (scan its label or choose the product)`, 'ok');
            return;
          }
          const item = got ? got.item : null;
          if (item && item.added) {
            if (item.tare_used) { state.tare = null; drawTare(); }
            added(item.product, item.added);
            return;
          }
          product = item ? item.product : null;
        }
        if (!product) {
          const found = await call('till_search', { query: text });
          product = found[0] || null;
        }
        if (!product) { till.showMessage(`Nothing matches “${text}”`, 'error'); return; }
        await addProduct(product, quantity);
      } catch (err) {
        till.showMessage(err.message, 'error');
      }
    });
  }

  /** The text to search for now, or null when the field asks for none. */
  function wanted() {
    const text = searchText();
    return text.length < 2 || /^\d{6,}$/.test(text) ? null : text;
  }

  async function search() {
    searching = true;
    try {
      for (let text = wanted(); text !== null && text !== shown.text; text = wanted()) {
        const found = await call('till_search', { query: text });
        // The cashier may have pressed Enter (or typed on) meanwhile.
        if (searchText() === text) showResults(text, found);
      }
    } catch (err) {
      till.showMessage(err.message, 'error');
    } finally {
      searching = false;
    }
  }

  // Digits alone may be a scanner part-way through a code (its keys come
  // a few ms apart): they are searched once the typing pauses, so the
  // scan's own call does not wait behind a search for its first digits.
  let digitsPause = null;
  scan.addEventListener('input', () => {
    clearTimeout(digitsPause);
    const text = wanted();
    if (text === null) { hideResults(); return; }
    if (/^\d+$/.test(text)) {
      digitsPause = setTimeout(() => { if (!searching) search(); }, 40);
      return;
    }
    if (!searching) search();
  });
  scan.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); onScanEnter(); return; }
    const step = { ArrowDown: 1, ArrowUp: -1 }[e.key];
    if (step && shown.products.length) {
      e.preventDefault();
      const n = shown.products.length;
      highlight((shown.index + step + n) % n);
    } else if (e.key === 'Escape' && shown.products.length) {
      e.preventDefault();
      hideResults();
    }
  });

  function kindSelect(name, id, current) {
    return select({ name, id }, [['percent', '%'], ['amount', overview.currency]], current ? current.kind : undefined);
  }

  async function editLine(i) {
    const l = state.cart.lines[i];
    const shown = state.quote && state.quote.lines[i];
    if (!l || !shown) return;
    const contact = state.cart.handover_contact || { name: '', phone: '', email: '' };
    const result = await openDialog({
      id: 'line-dialog', title: shown.name,
      body: h('div', {},
        field(shown.unit === 'each' ? 'Quantity' : `Quantity (${shown.unit})`, h('input', { name: 'quantity', id: 'line-quantity', inputmode: 'decimal', value: l.quantity, autocomplete: 'off' })),
        h('div', { class: 'row' },
          field('Line discount', h('input', { name: 'discount', id: 'line-discount', inputmode: 'decimal', value: l.discount ? l.discount.value : '', autocomplete: 'off' })),
          field('Discount in', kindSelect('discount_kind', 'line-discount-kind', l.discount))),
        field('Price override (per unit, needs a PIN)', h('input', { name: 'price_override', id: 'line-price', inputmode: 'decimal', value: l.price_override || '', autocomplete: 'off' })),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'handover_later', id: 'line-later', checked: l.handover_later }), ' Paid now, hand over later (pre-order)'),
        h('p', { class: 'muted' }, 'Pre-order contact: kept with the order only, to hand it over.'),
        h('div', { class: 'row' },
          field('Customer name', h('input', { name: 'contact_name', id: 'line-contact-name', autocomplete: 'off', value: contact.name })),
          field('Phone', h('input', { name: 'contact_phone', id: 'line-contact-phone', autocomplete: 'off', value: contact.phone }))),
        field('Email', h('input', { name: 'contact_email', id: 'line-contact-email', autocomplete: 'off', value: contact.email }))),
      submitLabel: 'Apply',
      extraButtons: [{ id: 'line-remove', label: 'Remove line', onclick: (close) => close('remove') }],
      submit: (v, form) => queued(async () => {
        const next = structuredClone(state.cart);
        const line = next.lines[i];
        line.quantity = v.quantity.trim();
        line.discount = v.discount.trim() ? { kind: v.discount_kind, value: v.discount.trim() } : null;
        line.price_override = v.price_override.trim() || null;
        line.handover_later = form.elements.handover_later.checked;
        if (line.handover_later) {
          next.handover_contact = { name: v.contact_name.trim(), phone: v.contact_phone.trim(), email: v.contact_email.trim() };
        }
        await use(next);
        return 'ok';
      }),
    });
    if (result === 'remove') await removeLine(i);
    till.focusScan();
  }

  async function saleDiscount() {
    if (!state.cart.lines.length) { till.showMessage('The cart is empty: add a product first', 'error'); return; }
    const current = state.cart.sale_discount;
    await openDialog({
      id: 'sale-discount-dialog', title: 'Discount on the whole sale',
      body: h('div', { class: 'row' },
        field('Discount', h('input', { name: 'value', id: 'sale-discount-value', inputmode: 'decimal', autocomplete: 'off', value: current ? current.value : '' })),
        field('In', kindSelect('kind', 'sale-discount-kind', current))),
      submitLabel: 'Apply',
      submit: (v) => queued(async () => {
        const next = structuredClone(state.cart);
        next.sale_discount = v.value.trim() ? { kind: v.kind, value: v.value.trim() } : null;
        await use(next);
        return 'ok';
      }),
    });
    till.focusScan();
  }

  /** A container brought back into this sale: the core prices it and
   * checks it against what is out with customers (counting the ones
   * already in the cart). */
  function addDepositBack(productId, quantity) {
    return queued(async () => {
      const next = structuredClone(state.cart);
      next.deposits_back = [...(next.deposits_back || []), { product_id: productId, quantity }];
      await use(next);
      const d = state.quote.deposits_back[state.quote.deposits_back.length - 1];
      till.showMessage(`${d.quantity} × ${d.name} brought back: ${MINUS}${d.amount}`, 'ok');
    });
  }

  function removeDepositBack(i) {
    return queued(async () => {
      const next = structuredClone(state.cart);
      next.deposits_back.splice(i, 1);
      try { await use(next); } catch (err) { till.showMessage(err.message, 'error'); }
    });
  }

  /** Take line `i` out; a cart that cannot be quoted without it keeps it. */
  function removeLine(i) {
    return queued(async () => {
      const next = structuredClone(state.cart);
      next.lines.splice(i, 1);
      try { await use(next); } catch (err) { till.showMessage(err.message, 'error'); }
    });
  }

  return {
    /** The pieces of the screen this module draws. */
    scan, results, body, totals, warnings, cardPanel, tareNote,
    draw,
    hasLines: () => state.cart.lines.length > 0,
    /** The cart as the core takes it. */
    input: () => state.cart,
    quote: () => state.quote,
    /** Resolves once every change asked for so far has been made. */
    settled: () => pending,
    /** Put a cart (a resumed one) in place, with its quote. */
    load: (cart, quote) => {
      state.cart = { ...EMPTY(), ...cart }; state.quote = quote;
      // A parked cart's card is looked up again for its panel.
      if (cart.card) attachCard(cart.card).catch(() => {}); else { state.card = null; draw(); }
    },
    /** Empty the cart (after a sale, parking or clearing). */
    reset: () => {
      state.cart = EMPTY(); state.quote = null; state.card = null; state.tare = null; draw();
      // The core forgets the cart on the counter too (after a sale or
      // parking it already has).
      call('quote_cart', { cart: state.cart }).catch(() => {});
    },
    editLast: () => (state.cart.lines.length
      ? editLine(state.cart.lines.length - 1)
      : till.showMessage('The cart is empty: add a product first', 'error')),
    removeLast: () => removeLine(state.cart.lines.length - 1),
    saleDiscount,
    addDepositBack,
    addProduct: (p) => queued(() => addProduct(p, null)),
  };
}
