// The shell: loads the till's status (and with it the shop's locale for
// dates), asks who is at the till — and takes a person who chose
// themselves to the till when it is open, the cursor in the scan field —
// and switches between screens. Screens are modules with
// `render(root, ctx)`, each loaded when first opened (the picker comes up
// without waiting for a dozen screens' code). An organizer's PIN given to open a screen is kept
// for that screen only (`ctx.screenApproval`) and forgotten on leaving it.

import { call, onNobodyAtTill } from './api.js';
import { h, clear, toast } from './dom.js';
import { askOrganizerPin } from './pin.js';
import { openDialog, closeAllDialogs } from './dialog.js';
import { setLocale } from './time.js';

const SCREENS = [
  { id: 'event', label: 'Event', load: () => import('./screens/event.js') },
  { id: 'tasks', label: 'Tasks', load: () => import('./screens/tasks.js') },
  { id: 'till', label: 'Till', load: () => import('./screens/till.js') },
  { id: 'attendees', label: 'Attendees', load: () => import('./screens/attendees.js') },
  { id: 'stock', label: 'Stock', load: () => import('./screens/stock.js') },
  { id: 'people', label: 'People', load: () => import('./screens/people.js') },
  { id: 'reports', label: 'Reports', load: () => import('./screens/reports.js') },
  { id: 'export', label: 'Export', load: () => import('./screens/export.js') },
  { id: 'settings', label: 'Settings', load: () => import('./screens/settings.js') },
];

/** A screen's module, loaded on first use (then kept on the screen). */
async function moduleOf(screen) {
  if (!screen.module) screen.module = await screen.load();
  return screen.module;
}

const ctx = {
  status: null,
  current: 'event',
  async refresh() {
    ctx.status = await call('app_status');
    if (ctx.status.settings) setLocale(ctx.status.settings.locale);
    renderChrome();
    return ctx.status;
  },
  async go(id) {
    if (id !== ctx.current) await leaveScreen('screen');
    ctx.current = id;
    renderScreen();
  },
  /** The organizer's PIN given to open this screen, while on it. */
  screenApproval: null,
  askPin(reason) {
    if (ctx.screenApproval) return Promise.resolve(ctx.screenApproval);
    return askOrganizerPin(ctx.status, reason);
  },
  person() {
    const s = ctx.status;
    return s && s.people ? s.people.find((p) => p.id === s.person_id) : null;
  },
};

function renderChrome() {
  const s = ctx.status;
  document.getElementById('shop-name').textContent = s.settings ? s.settings.shop_name : 'Popup Till';
  const ev = document.getElementById('topbar-event');
  clear(ev);
  if (s.current_event) {
    ev.append(h('span', { class: 'badge badge-open' }, 'Open'), ' ', s.current_event.name);
  } else if (s.settings) {
    ev.append(h('span', { class: 'muted' }, 'No event open'));
  }
  const chip = document.getElementById('person-chip');
  const person = ctx.person();
  chip.textContent = person ? `${person.name} · ${person.role}` : 'Who is at the till?';
  chip.hidden = !s.settings || s.needs_setup;
  document.getElementById('lock-button').hidden = !person;
  const nav = clear(document.getElementById('nav'));
  if (s.needs_setup || s.store_error) return;
  SCREENS.forEach((screen, i) => {
    nav.append(h('button', {
      type: 'button',
      class: screen.id === ctx.current ? 'nav-item active' : 'nav-item',
      id: `nav-${screen.id}`,
      title: `Alt+${i + 1}`,
      'aria-current': screen.id === ctx.current ? 'page' : null,
      onclick: () => ctx.go(screen.id),
    }, screen.label));
  });
}

let screensDrawn = 0;

async function renderScreen() {
  renderChrome();
  const host = clear(document.getElementById('screen'));
  const screen = SCREENS.find((s) => s.id === ctx.current) || SCREENS[0];
  host.dataset.screen = screen.id;
  // Each drawing has its own root: a drawing overtaken by a newer one (its
  // calls into Rust still answering, or its code still loading) goes on
  // drawing into a root that is no longer on the page, never over the
  // newer screen.
  const root = h('div', { class: 'screen-root', dataset: { screen: screen.id } });
  host.append(root);
  try {
    const drawing = ++screensDrawn;
    const module = await moduleOf(screen);
    // The screen was drawn again (or another chosen) while its code loaded.
    if (drawing !== screensDrawn) return;
    await module.render(root, ctx);
  } catch (err) {
    root.append(h('p', { class: 'error-banner' }, err.message));
  }
}

function showStoreError(err, dbPath) {
  const root = clear(document.getElementById('screen'));
  clear(document.getElementById('nav'));
  root.append(h('section', { class: 'panel fatal', id: 'store-error' },
    h('h1', {}, 'This till cannot sell yet'),
    h('p', {}, err.message),
    h('p', { class: 'muted' }, 'Database: ', dbPath),
    h('p', {}, 'Nothing was written. Start Popup Till with --db and a path to a till database you can write to, or fix the file and start again.')));
}

/** Ask who is at the till: a person and their own PIN. Resolves once
 * someone took the till (or, when someone already is at it, when the
 * question is dismissed with Esc). Never opens before the shop has a team. */
export async function choosePerson(message) {
  const people = (ctx.status.people || []).filter((p) => p.active);
  if (people.length === 0) return;
  let chosen = null;
  const pin = h('input', {
    type: 'password', name: 'pin', id: 'picker-pin', inputmode: 'numeric',
    autocomplete: 'off', maxlength: '12', disabled: true,
  });
  const pinLabel = h('span', { class: 'field-label' }, 'PIN');
  const buttons = people.map((p) => h('button', {
    type: 'button',
    class: 'person-button',
    'aria-pressed': 'false',
    dataset: { personId: p.id },
    onclick: () => {
      chosen = p;
      buttons.forEach((b) => b.setAttribute('aria-pressed', String(b === buttonOf(p))));
      pin.disabled = false;
      pinLabel.textContent = `${p.name}'s PIN`;
      pin.value = '';
      pin.focus();
    },
  }, h('strong', {}, p.name), h('span', { class: 'muted' }, p.role)));
  const buttonOf = (p) => buttons[people.indexOf(p)];
  // Arrow keys move between the people; Enter (or Space) chooses one.
  const grid = h('div', {
    class: 'person-grid', role: 'group', 'aria-label': 'The team',
    onkeydown: (e) => {
      const i = buttons.indexOf(document.activeElement);
      if (i < 0) return;
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
      if (!step) return;
      e.preventDefault();
      buttons[(i + step + buttons.length) % buttons.length].focus();
    },
  }, buttons);
  const picked = openDialog({
    id: 'person-picker',
    title: 'Who is at the till?',
    cancellable: Boolean(ctx.person()),
    cancelLabel: null,
    submitLabel: 'Take the till',
    body: h('div', {},
      message ? h('p', { class: 'notice', id: 'picker-message' }, message) : null,
      grid,
      h('label', { class: 'field' }, pinLabel, pin)),
    submit: async (values) => {
      if (!chosen) throw new Error('Choose who you are first.');
      await call('choose_person', { personId: chosen.id, pin: values.pin || '' });
      // The picker stays until the chrome knows who it is, so nothing can
      // be clicked on a screen about to be drawn again.
      await ctx.refresh();
      return chosen.id;
    },
  });
  // The picker is on the page and takes a click: a mark the window
  // benchmark reads (launch to a usable till).
  performance.mark('person-picker-usable');
  // While a PIN is typed, the screen most likely next is loaded.
  setTimeout(() => { const till = SCREENS.find((s) => s.id === 'till'); moduleOf(till).catch(() => {}); }, 0);
  await picked;
}

/** Leave the current screen: a screen may keep something first (the Till
 * parks a cart with items in it). */
async function leaveScreen(why) {
  ctx.screenApproval = null;
  const screen = SCREENS.find((s) => s.id === ctx.current);
  if (screen && screen.module && screen.module.leave) {
    try { await screen.module.leave(why); } catch (err) { toast(err.message, 'error'); }
  }
}

let locking = false;

/** Lock the till: the cart is parked, nobody is at the till, and the
 * picker asks who takes it next. */
async function lockTill(message) {
  if (locking || !ctx.status || ctx.status.needs_setup) return;
  locking = true;
  try {
    await leaveScreen('lock');
    await call('lock_till');
    await ctx.refresh();
    closeAllDialogs();
    await choosePerson(message);
    renderScreen();
  } finally {
    locking = false;
  }
}
ctx.lock = lockTill;

// The core refuses a command when nobody is at the till (the idle lock,
// a deactivated person): show the picker.
onNobodyAtTill((message) => { lockTill(message); });

// The idle lock: after the minutes set in Settings without a key or a
// touch, the till locks itself (the core refuses commands after that time
// too; this is so the screen shows it).
let lastInput = Date.now();
for (const type of ['keydown', 'pointerdown']) {
  document.addEventListener(type, () => { lastInput = Date.now(); }, true);
}
setInterval(() => {
  const s = ctx.status;
  if (!s || !s.person_id || !s.settings) return;
  const minutes = Number(s.settings.limits.idle_lock_minutes) || 10;
  if (Date.now() - lastInput > minutes * 60000) {
    lockTill(`The till locked itself after ${minutes} minutes without use.`);
  }
}, 5000);

async function start() {
  const status = await ctx.refresh();
  if (status.store_error) {
    showStoreError(status.store_error, status.db_path);
    return;
  }
  if (status.needs_setup) {
    const { renderWelcome } = await import('./screens/welcome.js');
    const message = await renderWelcome(document.getElementById('screen'), ctx);
    await ctx.refresh();
    if (!ctx.person()) await choosePerson(message);
  } else if (!ctx.person()) {
    await choosePerson();
  }
  // A till already open is where the person who took it sells.
  if (ctx.status.till_open && ctx.person()) ctx.current = 'till';
  renderScreen();
}

document.getElementById('person-chip').addEventListener('click', async () => {
  await ctx.refresh();
  if (ctx.status.needs_setup) return;
  await leaveScreen('person');
  await choosePerson();
  renderScreen();
});

document.getElementById('lock-button').addEventListener('click', () => lockTill());

document.addEventListener('keydown', (e) => {
  if (e.altKey && e.key >= '1' && e.key <= String(SCREENS.length)) {
    e.preventDefault();
    ctx.go(SCREENS[Number(e.key) - 1].id);
  } else if (e.ctrlKey && (e.key === 'l' || e.key === 'L')) {
    // The Lock key.
    e.preventDefault();
    lockTill();
  }
});

window.addEventListener('unhandledrejection', (e) => {
  toast(e.reason && e.reason.message ? e.reason.message : String(e.reason), 'error');
});

start().catch((err) => toast(err.message, 'error'));
