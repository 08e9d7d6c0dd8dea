// The Reports screen: an event's figures as the core computed them (every
// amount arrives as text Rust formatted), sales by hour as an SVG chart, the
// footfall tally, and all events side by side. A conversion above 100 %
// comes with the core's flag that the visitor count looks low, and says so.

import { call } from '../api.js';
import { h, clear } from '../dom.js';
import { select } from '../select.js';
import { visitorTally } from '../visitors.js';
import { wallDate } from '../time.js';
import { plural } from '../words.js';
import { momentsEditor } from './moments.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes; text children become text nodes. */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/**
 * Bars of the takings per local hour, with the number of sales above each
 * bar. Heights are proportional to the minor units (geometry only: every
 * amount shown is the text the core formatted).
 */
export function hourChart(hours, currency, moments = []) {
  const width = 640;
  const height = 240;
  const pad = { top: 28, right: 12, bottom: 36, left: 12 };
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'hour-chart',
    id: 'sales-chart',
    role: 'img',
    'aria-label': 'Sales by hour',
  });
  svg.append(s('title', {}, 'Sales by hour'));
  if (!hours.length) {
    svg.append(s('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'No sales yet'));
    return svg;
  }
  const max = Math.max(1, ...hours.map((x) => x.total.minor));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / hours.length;
  const barW = Math.max(6, Math.min(56, slot * 0.7));
  svg.append(s('line', { x1: pad.left, x2: width - pad.right, y1: pad.top + plotH, y2: pad.top + plotH, class: 'chart-axis' }));
  hours.forEach((x, i) => {
    const barH = Math.round((x.total.minor / max) * plotH);
    const cx = pad.left + slot * i + slot / 2;
    const g = s('g', { class: 'chart-bar', 'data-hour': x.hour });
    g.append(s('title', {}, `${String(x.hour).padStart(2, '0')}:00 – ${plural(x.sales, 'sale')}, ${x.total.text} ${currency}, ${plural(x.visitors, 'visitor')}`));
    g.append(s('rect', { x: cx - barW / 2, y: pad.top + plotH - barH, width: barW, height: Math.max(barH, x.sales ? 1 : 0), rx: 3 }));
    g.append(s('text', { x: cx, y: pad.top + plotH - barH - 6, 'text-anchor': 'middle', class: 'chart-value' }, x.sales ? x.total.text : ''));
    g.append(s('text', { x: cx, y: height - pad.bottom + 18, 'text-anchor': 'middle', class: 'chart-label' }, `${String(x.hour).padStart(2, '0')}h`));
    svg.append(g);
  });
  // Each moment as a band over the hours it covers, named above them.
  moments.forEach((m) => {
    const at = (t) => Number(t.slice(0, 2)) + Number(t.slice(3, 5)) / 60;
    const first = hours[0].hour;
    const x1 = pad.left + slot * (at(m.starts_at) - first);
    const x2 = pad.left + slot * (at(m.ends_at) - first);
    if (x2 <= pad.left || x1 >= width - pad.right) return;
    const g = s('g', { class: 'chart-moment', 'data-moment': m.id });
    g.append(s('title', {}, `${m.name} ${m.starts_at}–${m.ends_at}: ${plural(m.sales, 'sale')}, ${plural(m.visitors, 'visitor')}`));
    g.append(s('rect', { x: Math.max(pad.left, x1), y: pad.top - 22, width: Math.min(width - pad.right, x2) - Math.max(pad.left, x1), height: plotH + 22 }));
    g.append(s('text', { x: Math.max(pad.left, x1) + 4, y: pad.top - 8, class: 'chart-moment-name' }, m.name));
    svg.insertBefore(g, svg.children[1]);
  });
  return svg;
}

/** The event's moments: window, visitors, sales, conversion. */
function momentsTable(moments, cur) {
  if (!moments.length) return null;
  return table('report-moments', ['Moment', 'Time', 'Visitors', 'Sales', `Total ${cur}`, 'Conversion'],
    moments.map((m) => [m.name, `${m.starts_at}–${m.ends_at}`, String(m.visitors), String(m.sales), m.total.text, pct(m.conversion)]), [2, 3, 4, 5]);
}

const pct = (c) => (c == null ? '–' : `${c} %`);

/** The hint beside a conversion above 100 % (the core flags it). */
const LOW_VISITORS = 'more sales than visitors: the visitor count looks low';

/** A conversion, with the hint when the visitor count looks low. */
function conversionText(c, low) {
  return low ? `${pct(c)} (${LOW_VISITORS})` : pct(c);
}

function bigFigure(label, value, id, note = null) {
  return h('div', { class: 'figure' }, h('span', { class: 'figure-label' }, label), h('strong', { class: 'figure-value', id }, value),
    note ? h('span', { class: 'figure-note', id: `${id}-note` }, note) : null);
}

function table(id, head, rows, numeric = []) {
  return h('table', { class: 'table compact', id },
    h('thead', {}, h('tr', {}, head.map((t, i) => h('th', { class: numeric.includes(i) ? 'num' : null }, t)))),
    h('tbody', {}, rows.length
      ? rows.map((r) => h('tr', {}, r.map((c, i) => h('td', { class: numeric.includes(i) ? 'num' : null }, c))))
      : h('tr', {}, h('td', { colspan: head.length, class: 'muted' }, 'Nothing yet'))));
}

function money(r) {
  // data-metric mirrors summary.csv's metric names, so a test can compare.
  const row = (label, metric, value) => h('tr', { dataset: { metric } }, h('td', {}, label), h('td', { class: 'num' }, value));
  return h('table', { class: 'table compact', id: 'report-money' },
    h('tbody', {},
      row('Before discounts', 'before_discounts', r.before_discounts.text),
      row('Discounts', 'discounts', r.discounts.text),
      row('Net (without tax)', 'net', r.net.text),
      row('Tax', 'tax', r.tax.text),
      row('Gross (net + tax)', 'gross', r.gross.text),
      row('Cash rounding', 'rounding', r.rounding.text),
      row('Total taken', 'total', r.total.text),
      row(`Voided (${r.voids.count})`, 'voids_total', r.voids.total.text),
      row(`Refunded (${r.refunds.count})`, 'refunds_total', r.refunds.total.text),
      row('Takings net of refunds', 'takings', r.takings.text),
      row('Sales', 'sales_count', String(r.sales_count)),
      row('Items', 'items', r.items),
      row('Average basket', 'average_basket', r.average_basket.text),
      row('Visitors', 'visitors', String(r.visitors)),
      row('Conversion', 'conversion', conversionText(r.conversion, r.visitors_look_low)),
      r.tasks ? row('Tasks done', 'tasks_done', `${r.tasks.done} of ${r.tasks.total}`) : null));
}

/** Stock rows shown at first: an event can bring thousands of products, and
 * a long table would hold the whole screen up; the rest come on request. */
const STOCK_SHOWN = 30;

function stockPanel(stock) {
  const head = ['SKU', 'Product', 'Brought', 'Sold', 'Shrinkage', 'Remaining'];
  const cells = (rows) => rows.map((x) => [x.sku, x.name, x.brought, x.sold, x.shrinkage, x.remaining]);
  const panel = h('section', { class: 'panel wide', id: 'report-stock-panel' }, h('h2', {}, 'Stock at the event'));
  const shown = table('report-stock', head, cells(stock.slice(0, STOCK_SHOWN)), [2, 3, 4, 5]);
  panel.append(shown);
  if (stock.length > STOCK_SHOWN) {
    const more = h('button', {
      type: 'button', id: 'report-stock-all',
      onclick: () => {
        const all = table('report-stock', head, cells(stock), [2, 3, 4, 5]);
        shown.replaceWith(all);
        more.remove();
        // The focus goes to the first row that was not shown before.
        const first = all.querySelector(`tbody tr:nth-child(${STOCK_SHOWN + 1}) td`);
        if (first) { first.tabIndex = -1; first.focus(); }
      },
    }, `Show all ${stock.length} products`);
    panel.append(h('p', { class: 'muted', id: 'report-stock-count' }, `The first ${STOCK_SHOWN} of ${stock.length} products (by SKU).`), more);
  }
  return panel;
}

/** The refill station: refills, containers and deposits (docs/figures.md). */
function reuse(x, cur) {
  const row = (label, metric, value) => h('tr', { dataset: { metric } }, h('td', {}, label), h('td', { class: 'num' }, value));
  return h('section', { class: 'panel', id: 'report-reuse-panel' }, h('h2', {}, 'Refill and reuse'),
    h('table', { class: 'table compact', id: 'report-reuse' },
      h('tbody', {},
        row('Refills sold', 'refills_sold', String(x.refills_sold)),
        row('Into customers’ own containers', 'refills_own_container', String(x.refills_own_container)),
        row('Into shop containers', 'refills_shop_container', String(x.refills_shop_container)),
        row('Shop containers issued', 'containers_issued', String(x.containers_issued)),
        row('Shop containers returned', 'containers_returned', String(x.containers_returned)),
        row(`Deposits charged (${cur})`, 'deposits_charged', x.deposits_charged.text),
        row(`Deposits paid back (${cur})`, 'deposits_paid_back', x.deposits_paid_back.text),
        row('Deposit return rate', 'deposit_return_rate', pct(x.deposit_return_rate)),
        row('Single-use packs avoided', 'packs_avoided', String(x.packs_avoided)))));
}

/** Loyalty cards and who came back (docs/figures.md): card ids only. */
function loyalty(x) {
  const row = (label, metric, value) => h('tr', { dataset: { metric } }, h('td', {}, label), h('td', { class: 'num' }, value));
  const r = x.repeat;
  return h('section', { class: 'panel', id: 'report-loyalty-panel' }, h('h2', {}, 'Loyalty and who came back'),
    h('table', { class: 'table compact', id: 'report-loyalty' },
      h('tbody', {},
        row('Cards seen', 'cards_seen', String(x.cards_seen)),
        row('Stamps given', 'stamps_given', String(x.stamps_given)),
        row('Rewards redeemed', 'rewards_redeemed', `${x.rewards_redeemed} (${x.stamps_redeemed} stamps)`),
        row('Stamps taken back by refunds', 'stamps_taken_back', String(x.stamps_taken_back)),
        r ? row('Cards (returning)', 'cards_returning', `${r.cards_seen} (${r.cards_returning})`) : null,
        r ? row('Attendees checked in (returning)', 'attendees_returning', `${r.attendees_seen} (${r.attendees_returning})`) : null,
        r ? row('Known visitors: returning / new', 'visitors_returning', `${r.returning} / ${r.new}`) : null,
        r ? row('Return rate', 'return_rate', pct(r.return_rate)) : null)));
}

/** Across events: each event's newcomers and the later events they came back to. */
function cohorts(rows) {
  return h('section', { class: 'panel wide', id: 'report-cohorts-panel' }, h('h2', {}, 'Who came back, across events'),
    rows.length
      ? table('report-cohorts', ['First seen at', 'Newcomers', 'Seen again at'],
        rows.map((c) => [c.event_name, String(c.newcomers),
          c.seen_again.length ? c.seen_again.map((x) => `${x.event_name}: ${x.count}`).join(' · ') : '—']), [1])
      : h('p', { class: 'muted' }, 'No loyalty cards or checked-in attendees yet.'));
}

/** The big figures: the report's head and the full report carry them alike. */
function bigFigures(r) {
  const cur = r.currency;
  return h('div', { class: 'figures' },
    bigFigure(`Total (${cur})`, r.total.text, 'report-total'),
    bigFigure('Sales', String(r.sales_count), 'report-sales'),
    bigFigure('Average basket', r.average_basket.text, 'report-basket'),
    bigFigure('Visitors', String(r.visitors), 'report-visitors'),
    bigFigure('Conversion', pct(r.conversion), 'report-conversion',
      r.visitors_look_low ? `More sales than visitors: the visitor count looks low. Add the visitors not counted below.` : null));
}

/** What is drawn while the rest of the report is worked out: the head. */
function headBody(head) {
  return [
    bigFigures(head),
    h('div', { class: 'report-grid' },
      h('section', { class: 'panel' }, h('h2', {}, 'Sales by hour'), hourChart(head.by_hour, head.currency, head.moments)),
      h('section', { class: 'panel', id: 'report-rest-pending' }, h('h2', {}, 'Takings'),
        h('progress', { class: 'report-pending', 'aria-label': 'Adding up the rest of the report' }),
        h('p', { class: 'muted' }, 'Adding up the lines, tax, payments, cash and stock…'))),
  ];
}

function reportBody(r, ctx, redraw) {
  const cur = r.currency;
  const ev = r.event;
  return [
    bigFigures(r),
    h('div', { class: 'report-grid' },
      h('section', { class: 'panel' }, h('h2', {}, 'Sales by hour'), hourChart(r.by_hour, cur, r.moments),
        momentsTable(r.moments, cur),
        momentsEditor(ev, r.moments, ctx, redraw),
        table('report-hours', ['Hour', 'Sales', `Total ${cur}`, 'Visitors', 'Conversion'],
          r.by_hour.map((x) => [`${String(x.hour).padStart(2, '0')}:00`, String(x.sales), x.total.text, String(x.visitors), pct(x.conversion)]), [1, 2, 3, 4])),
      h('section', { class: 'panel' }, h('h2', {}, 'Takings'), money(r)),
      ev ? visitorTally(ev, async () => { await redraw(); const b = document.getElementById('visitor-plus'); if (b) b.focus(); }) : null,
      h('section', { class: 'panel' }, h('h2', {}, 'Tax by rate'),
        table('report-tax', ['Rate %', 'Net', 'Tax', 'Gross'], r.tax_by_rate.map((t) => [t.rate, t.net.text, t.tax.text, t.gross.text]), [1, 2, 3])),
      h('section', { class: 'panel' }, h('h2', {}, 'Payments'),
        table('report-payments', ['Method', 'Count', `Amount ${cur}`], r.payments.map((p) => [p.method, String(p.count), p.amount.text]), [1, 2])),
      h('section', { class: 'panel', id: 'report-refunds-panel' }, h('h2', {}, 'Refunds'),
        h('p', { class: 'muted' }, `${r.refunds.count} refunds paid out here (${r.refunds.without_receipt} without a receipt, ${r.refunds.exchanges} exchanges, ${r.refunds.damaged_lines} damaged lines written off)`),
        table('report-refund-payments', ['Paid back to', 'Count', `Amount ${cur}`], r.refunds.payments.map((p) => [p.method, String(p.count), p.amount.text]), [1, 2]),
        table('report-refund-tax', ['Rate %', 'Net', 'Tax', 'Gross'], r.refunds.tax_by_rate.map((t) => [t.rate, t.net.text, t.tax.text, t.gross.text]), [1, 2, 3])),
      h('section', { class: 'panel' }, h('h2', {}, 'Cash'),
        table('report-cash', ['Sessions', 'Float', 'Expected at close', 'Counted', 'Variance'],
          [[`${r.cash.sessions}`, r.cash.opening_float.text, r.cash.expected.text, r.cash.counted.text, r.cash.variance.text]], [1, 2, 3, 4]),
        r.cash.open_sessions
          ? h('p', { class: 'notice', id: 'report-cash-open' }, r.cash.expected_open
            ? `${r.cash.open_sessions} till still open: its drawer should hold ${r.cash.expected_open.text} ${cur} now; it is counted at close.`
            // A cashier's report leaves the open drawer's figure out (the close is blind).
            : `${r.cash.open_sessions} till still open: its drawer is counted at close.`)
          : null),
      r.by_till.length > 1
        ? h('section', { class: 'panel', id: 'report-by-till' }, h('h2', {}, 'By till'),
          table('report-tills', ['Till', 'Sales', `Total ${cur}`, `Tax ${cur}`, 'Refunds', `Refunded ${cur}`],
            r.by_till.map((t) => [t.till_code, t.sales_count, t.total.text, t.tax.text, t.refunds_count, t.refunds_total.text]), [1, 2, 3, 4, 5]))
        : null,
      reuse(r.reuse, cur),
      loyalty(r.loyalty),
      h('section', { class: 'panel' }, h('h2', {}, 'Top products'),
        table('report-top', ['SKU', 'Product', 'Qty', `Gross ${cur}`], r.top_products.map((p) => [p.sku, p.name, p.quantity, p.gross.text]), [2, 3])),
      stockPanel(r.stock)),
  ];
}

function comparison(rows) {
  return h('section', { class: 'panel wide' }, h('h2', {}, 'Events side by side'),
    table('compare-table', ['Event', 'Date', 'Sales', 'Total', 'Net', 'Tax', 'Discounts', 'Voids', 'Avg basket', 'Visitors', 'Conversion', 'Cash variance'],
      rows.map((c) => [c.event.name, wallDate(c.event.starts_at), String(c.sales_count), c.total.text, c.net.text, c.tax.text,
        c.discounts.text, String(c.voids.count), c.average_basket.text, String(c.visitors), conversionText(c.conversion, c.visitors_look_low), c.cash_variance.text]),
      [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
}

export async function render(root, ctx) {
  const events = await call('list_events');
  const current = ctx.status.current_event;
  const started = events.filter((e) => e.status !== 'planned');
  const state = {
    eventId: (current && current.id) || (started[0] && started[0].id) || (events[0] && events[0].id) || '',
    practice: false,
  };
  const picked = select({ id: 'report-event', name: 'event' },
    events.map((e) => [e.id, `${e.name} · ${wallDate(e.starts_at)} · ${e.status}`]), state.eventId);
  const practice = h('input', { type: 'checkbox', id: 'report-practice' });
  const body = h('div', { id: 'report-body' });
  const compare = h('div', { id: 'report-compare' });

  // The comparison of all events is read once per visit (and again when
  // practice sales are asked for): on a season it holds the store for a
  // second or more, and it does not depend on the event picked. When the
  // picked event's own figures change (a visitor counted, a moment
  // edited), only its row is read again.
  let compared = null;
  let cohortRows = null;

  // A drawing overtaken by a newer one (another event picked meanwhile)
  // stops where it is. `readAgain`: which rows of the comparison to read
  // ('all', the picked 'event''s, or 'none').
  let drawing = 0;
  async function draw(readAgain = 'all') {
    const mine = ++drawing;
    const current = () => mine === drawing;
    clear(body);
    if (readAgain === 'all') { compared = null; clear(compare); }
    if (!state.eventId) {
      body.append(h('p', { class: 'notice' }, 'No events yet: create one on the Event screen.'));
      return;
    }
    const asked = { eventId: state.eventId, includePractice: state.practice };
    // The big figures and the chart first: they read the sales only, the
    // rest of the report reads every line of a big day.
    const head = await call('event_report_head', asked);
    if (!current()) return;
    body.append(...headBody(head));
    const report = await call('event_report', asked);
    if (!current()) return;
    clear(body);
    body.append(...reportBody(report, ctx, () => draw('event')));
    if (!compared) {
      const rows = await call('compare_events', { includePractice: state.practice });
      const cohortsNow = await call('loyalty_cohorts');
      if (!current()) return;
      [compared, cohortRows] = [rows, cohortsNow];
    } else if (readAgain === 'event') {
      const [row] = await call('compare_events', { includePractice: state.practice, eventIds: [state.eventId] });
      if (!current()) return;
      if (row) compared = compared.map((r) => (r.event.id === row.event.id ? row : r));
    }
    clear(compare);
    compare.append(comparison(compared), cohorts(cohortRows));
  }
  picked.addEventListener('change', () => { state.eventId = picked.value; draw('none'); });
  practice.addEventListener('change', () => { state.practice = practice.checked; draw('all'); });

  root.append(h('div', { class: 'screen-head' },
    h('h1', {}, 'Reports'),
    h('div', { class: 'row report-controls' },
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Event'), picked),
      h('label', { class: 'check' }, practice, ' Include practice sales'))),
  body, compare);
  await draw();
}
