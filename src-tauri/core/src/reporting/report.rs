//! The event report: the figures of an event (or of a date range) as the
//! organizer sees them after the day — the sales and cash figures of
//! `figures`, plus sales by local hour, top products, stock at the event,
//! visitors and conversion, and tasks done — and `summary.csv`'s rows.
//!
//! The export's `summary.csv` is written from the same `EventReport`, so the
//! file and the screen cannot disagree. Definitions: `docs/figures.md`.

use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

use crate::money::Currency;
use crate::reporting::figures::{
    average_basket, cash_figures, conversion, milli_text, sale_totals, sales_figures_of,
    visitors_look_low, CashFigures, Money, SalesFigures, SummaryRow,
};
use crate::reporting::line_sums::{LineSums, Sums};
use crate::reporting::scope::Scope;
use crate::shop::events::Event;
use crate::shop::people::{self, Role};
use crate::shop::settings;
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HourRow {
    /// Local hour of the day, 0–23 (the device's offset at the time).
    pub hour: u32,
    pub sales: i64,
    pub total: Money,
    pub visitors: i64,
    pub conversion: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductRow {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub quantity: String,
    /// Σ line gross (net + tax) of the product.
    pub gross: Money,
}

/// Stock at the event location, from the stock ledger: `brought` = receive,
/// transfer and refill moves; `sold` = sale, return, void and fulfil moves
/// (negated); `shrinkage` = adjust, count and waste moves (negated);
/// `remaining` = brought − sold − shrinkage = Σ of every move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockRow {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub brought: String,
    pub sold: String,
    pub shrinkage: String,
    pub remaining: String,
}

/// Steps of the event flows in scope that are finished (done or skipped
/// with a reason), out of all their steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskFigures {
    pub done: i64,
    pub total: i64,
}

/// Everything the Reports screen shows for one event or range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventReport {
    pub scope: String,
    pub event: Option<Event>,
    pub currency: String,
    pub include_practice: bool,
    #[serde(flatten)]
    pub sales: SalesFigures,
    pub by_hour: Vec<HourRow>,
    pub top_products: Vec<ProductRow>,
    pub stock: Vec<StockRow>,
    pub cash: CashFigures,
    /// Refills, containers and deposits (`reporting::reuse`).
    pub reuse: crate::reporting::reuse::ReuseFigures,
    /// Stamps, rewards and who came back (`reporting::loyalty`).
    pub loyalty: crate::reporting::loyalty::LoyaltyFigures,
    /// The event's moments and their figures (`reporting::moments`).
    pub moments: Vec<crate::reporting::moments::MomentRow>,
    pub visitors: i64,
    /// sales_count ÷ visitors, in percent.
    pub conversion: Option<String>,
    /// The conversion is above 100 %: fewer visitors were counted than sales.
    pub visitors_look_low: bool,
    pub tasks: Option<TaskFigures>,
    /// The same sales and refunds by till (one row per till with any).
    pub by_till: Vec<crate::reporting::by_till::TillRow>,
}

/// How much of the report to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything the screen shows.
    Full,
    /// Only the figures of `summary_rows` (the export's summary.csv): by
    /// hour, top products and stock are left empty. The figures computed
    /// are the very same queries as `Full`.
    Totals,
}

/// Who looks at a report. What a drawer still open should hold is for an
/// organizer's eyes: a cashier counts the drawer blind at close, so the
/// report a cashier sees leaves it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Cashier,
    Organizer,
}

impl Viewer {
    pub fn of_role(role: Role) -> Viewer {
        match role {
            Role::Organizer => Viewer::Organizer,
            Role::Cashier => Viewer::Cashier,
        }
    }

    /// The viewer the person at the till is: an organizer by their role;
    /// anyone else (a cashier, nobody chosen, an id that is no person's)
    /// sees what a cashier sees.
    pub fn of(conn: &Connection, person_id: Option<&str>) -> Result<Viewer> {
        let Some(id) = person_id else {
            return Ok(Viewer::Cashier);
        };
        match people::get(conn, id) {
            Ok(person) => Ok(Viewer::of_role(person.role)),
            Err(crate::Error::NotFound { .. }) => Ok(Viewer::Cashier),
            Err(e) => Err(e),
        }
    }
}

/// The report of `scope` as an organizer sees it (the command line, the
/// export): every figure. Reads only; call it inside a read transaction for
/// a snapshot consistent with other reads (the export does).
pub fn report(conn: &Connection, scope: &Scope, include_practice: bool) -> Result<EventReport> {
    report_with(conn, scope, include_practice, Detail::Full)
}

/// The report of `scope` as `viewer` may see it (the Reports screen): for a
/// cashier, without what the drawers still open should hold.
pub fn report_seen_by(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    viewer: Viewer,
) -> Result<EventReport> {
    let mut report = report(conn, scope, include_practice)?;
    if viewer == Viewer::Cashier {
        report.cash.expected_open = None;
    }
    Ok(report)
}

/// The report with only the `detail` asked for.
pub fn report_with(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    detail: Detail,
) -> Result<EventReport> {
    let event = scope.event(conn)?;
    let currency = settings::load(conn)?.currency;
    let lines = LineSums::of(conn, &scope.counted_sales(include_practice))?;
    let sales = sales_figures_of(conn, scope, include_practice, &currency, &lines)?;
    let visitors = visitors_in(conn, scope)?;
    let (by_hour, top_products, stock) = match detail {
        Detail::Full => (
            hours(conn, scope, include_practice, &currency)?,
            top_products(conn, &lines, &currency)?,
            stock_figures(conn, scope)?,
        ),
        Detail::Totals => (Vec::new(), Vec::new(), Vec::new()),
    };
    Ok(EventReport {
        scope: scope.label(),
        event,
        currency: currency.code.clone(),
        include_practice,
        conversion: conversion(sales.sales_count, visitors),
        visitors_look_low: visitors_look_low(sales.sales_count, visitors),
        sales,
        by_hour,
        top_products,
        stock,
        cash: cash_figures(conn, scope, include_practice, &currency)?,
        reuse: crate::reporting::reuse::reuse_figures(
            conn,
            scope,
            include_practice,
            &currency,
            &lines,
        )?,
        loyalty: crate::reporting::loyalty::loyalty_figures(conn, scope)?,
        moments: moments_of(conn, scope, include_practice, &currency)?,
        visitors,
        tasks: tasks_done(conn, scope)?,
        by_till: crate::reporting::by_till::by_till(conn, scope, include_practice, &currency)?,
    })
}

/// What the Reports screen draws first: the big figures and the sales by
/// hour. They take only a pass over the sales (not their lines) and the
/// tally, so they are on screen while the rest of the report is computed;
/// each comes from the very function the full report takes it from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportHead {
    pub event: Option<Event>,
    pub currency: String,
    pub sales_count: i64,
    pub total: Money,
    pub average_basket: Money,
    pub visitors: i64,
    pub conversion: Option<String>,
    pub visitors_look_low: bool,
    pub by_hour: Vec<HourRow>,
    pub moments: Vec<crate::reporting::moments::MomentRow>,
}

/// The head of the report of `scope` (`ReportHead`).
pub fn report_head(conn: &Connection, scope: &Scope, include_practice: bool) -> Result<ReportHead> {
    let event = scope.event(conn)?;
    let currency = settings::load(conn)?.currency;
    let totals = sale_totals(conn, scope, include_practice)?;
    let visitors = visitors_in(conn, scope)?;
    Ok(ReportHead {
        event,
        currency: currency.code.clone(),
        sales_count: totals.count,
        total: Money::new(&currency, totals.total),
        average_basket: average_basket(&currency, totals.total, totals.count)?,
        visitors,
        conversion: conversion(totals.count, visitors),
        visitors_look_low: visitors_look_low(totals.count, visitors),
        by_hour: hours(conn, scope, include_practice, &currency)?,
        moments: moments_of(conn, scope, include_practice, &currency)?,
    })
}

/// The moments of an event and their figures; none for a session or range.
fn moments_of(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
) -> Result<Vec<crate::reporting::moments::MomentRow>> {
    match scope {
        Scope::Event(id) => {
            crate::reporting::moments::moment_figures(conn, id, include_practice, currency)
        }
        _ => Ok(Vec::new()),
    }
}

/// Σ of the footfall tally in scope.
pub(crate) fn visitors_in(conn: &Connection, scope: &Scope) -> Result<i64> {
    let f = scope.filter("t", "at_utc", "utc_offset_minutes");
    Ok(conn.query_row(
        &format!(
            "SELECT coalesce(sum(t.delta), 0) FROM visitor_tally t WHERE {}",
            f.sql
        ),
        params_from_iter(f.params.iter()),
        |r| r.get(0),
    )?)
}

/// Steps of the event flows in scope that are finished (done or skipped
/// with a reason), out of all their steps; None when no event in scope has
/// a flow.
fn tasks_done(conn: &Connection, scope: &Scope) -> Result<Option<TaskFigures>> {
    let mut figures = TaskFigures { done: 0, total: 0 };
    for event_id in scope.event_ids(conn)? {
        // "now" only decides what is overdue, which is not counted here.
        let flow = crate::tasks::flow_at(conn, &event_id, chrono::NaiveDateTime::default())?;
        figures.total += flow.steps.len() as i64;
        figures.done += flow
            .steps
            .iter()
            .filter(|s| s.status != crate::tasks::StepStatus::Open)
            .count() as i64;
    }
    Ok((figures.total > 0).then_some(figures))
}

fn hours(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
) -> Result<Vec<HourRow>> {
    let sales = scope.counted_sales(include_practice);
    let mut by_hour: std::collections::BTreeMap<u32, (i64, i64, i64)> = Default::default();
    let mut stmt = conn.prepare(&format!(
        "SELECT CAST(strftime('%H', s.at_utc, s.utc_offset_minutes || ' minutes') AS INTEGER) AS hour,
                count(*), sum(s.total_minor)
         FROM sale s WHERE {}
         GROUP BY hour",
        sales.sql
    ))?;
    let mut rows = stmt.query(params_from_iter(sales.params.iter()))?;
    while let Some(r) = rows.next()? {
        let hour: u32 = r.get(0)?;
        let e = by_hour.entry(hour).or_default();
        e.0 = r.get(1)?;
        e.1 = r.get(2)?;
    }
    let f = scope.filter("t", "at_utc", "utc_offset_minutes");
    let mut stmt = conn.prepare(&format!(
        "SELECT CAST(strftime('%H', t.at_utc, t.utc_offset_minutes || ' minutes') AS INTEGER) AS hour,
                sum(t.delta)
         FROM visitor_tally t WHERE {}
         GROUP BY hour",
        f.sql
    ))?;
    let mut rows = stmt.query(params_from_iter(f.params.iter()))?;
    while let Some(r) = rows.next()? {
        let hour: u32 = r.get(0)?;
        by_hour.entry(hour).or_default().2 = r.get(1)?;
    }
    // Show every hour between the first and the last, quiet ones too, so
    // the chart's bars stand at their true positions.
    let (Some(first), Some(last)) = (
        by_hour.keys().next().copied(),
        by_hour.keys().last().copied(),
    ) else {
        return Ok(Vec::new());
    };
    Ok((first..=last)
        .map(|hour| {
            let (sales, total, visitors) = by_hour.get(&hour).copied().unwrap_or_default();
            HourRow {
                hour,
                sales,
                total: Money::new(currency, total),
                visitors,
                conversion: conversion(sales, visitors),
            }
        })
        .collect())
}

/// The ten products with the largest gross among the sales that count
/// (ties: the larger quantity first, then by SKU).
fn top_products(
    conn: &Connection,
    lines: &LineSums,
    currency: &Currency,
) -> Result<Vec<ProductRow>> {
    let mut by_product: Vec<(String, Sums)> = lines
        .sum_by(|g| g.product_id.clone())?
        .into_iter()
        .collect();
    let largest = |a: &Sums, b: &Sums| {
        (b.gross_minor, b.quantity_milli).cmp(&(a.gross_minor, a.quantity_milli))
    };
    by_product.sort_by(|a, b| largest(&a.1, &b.1));
    // The ten, and any tied with the tenth: the SKU decides among those.
    if let Some((_, tenth)) = by_product.get(9).cloned() {
        by_product.retain(|(_, sums)| largest(sums, &tenth).is_le());
    }
    let mut stmt = conn.prepare_cached("SELECT sku, name FROM product WHERE id = ?1")?;
    let mut top = Vec::with_capacity(by_product.len());
    for (product_id, sums) in by_product {
        let (sku, name): (String, String) =
            stmt.query_row([&product_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        top.push((sums, sku, name, product_id));
    }
    top.sort_by(|a, b| largest(&a.0, &b.0).then_with(|| a.1.cmp(&b.1)));
    top.truncate(10);
    Ok(top
        .into_iter()
        .map(|(sums, sku, name, product_id)| ProductRow {
            product_id,
            sku,
            name,
            quantity: milli_text(sums.quantity_milli),
            gross: Money::new(currency, sums.gross_minor),
        })
        .collect())
}

fn stock_figures(conn: &Connection, scope: &Scope) -> Result<Vec<StockRow>> {
    let f = scope.filter("m", "at_utc", "utc_offset_minutes");
    let mut stmt = conn.prepare(&format!(
        "SELECT m.product_id, p.sku, p.name, brought, sold, shrink, remaining FROM (
             SELECT m.product_id,
                    coalesce(sum(m.quantity_milli) FILTER (WHERE m.kind IN ('receive', 'transfer', 'refill')), 0) AS brought,
                    -coalesce(sum(m.quantity_milli) FILTER (WHERE m.kind IN ('sale', 'return', 'void', 'fulfil')), 0) AS sold,
                    -coalesce(sum(m.quantity_milli) FILTER (WHERE m.kind IN ('adjust', 'count', 'waste')), 0) AS shrink,
                    sum(m.quantity_milli) AS remaining
             FROM stock_movement m
             WHERE {} AND m.location = 'event'
             GROUP BY m.product_id) m
         JOIN product p ON p.id = m.product_id
         ORDER BY p.sku",
        f.sql
    ))?;
    let rows = stmt.query_map(params_from_iter(f.params.iter()), |r| {
        Ok(StockRow {
            product_id: r.get(0)?,
            sku: r.get(1)?,
            name: r.get(2)?,
            brought: milli_text(r.get(3)?),
            sold: milli_text(r.get(4)?),
            shrinkage: milli_text(r.get(5)?),
            remaining: milli_text(r.get(6)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl EventReport {
    /// The report's figures as the rows of `summary.csv`.
    pub fn summary_rows(&self) -> Vec<SummaryRow> {
        let mut rows = self.sales.summary_rows(&self.currency);
        rows.extend(self.cash.summary_rows(&self.currency));
        rows.extend(self.reuse.summary_rows(&self.currency));
        rows.extend(self.loyalty.summary_rows());
        for m in &self.moments {
            let key = format!("{}-{} {}", m.starts_at, m.ends_at, m.name);
            rows.push(SummaryRow::count("moment_visitors", &key, m.visitors));
            rows.push(SummaryRow::count("moment_sales", &key, m.sales));
            rows.push(SummaryRow::amount(
                "moment_total",
                &key,
                &m.total,
                &self.currency,
            ));
            if let Some(c) = &m.conversion {
                rows.push(SummaryRow {
                    metric: "moment_conversion",
                    key,
                    value: c.clone(),
                    unit: "percent".into(),
                });
            }
        }
        rows.push(SummaryRow::count("visitors", "", self.visitors));
        if let Some(c) = &self.conversion {
            rows.push(SummaryRow::other("conversion", c.clone(), "percent"));
        }
        if let Some(t) = &self.tasks {
            rows.push(SummaryRow::count("tasks_done", "", t.done));
            rows.push(SummaryRow::count("tasks_total", "", t.total));
        }
        rows
    }
}
