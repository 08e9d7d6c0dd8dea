//! Events side by side: the same figures of several events, oldest first.

use rusqlite::Connection;
use serde::Serialize;

use crate::reporting::figures::{
    average_basket, conversion, drawer_counts, milli_text, sale_totals, visitors_look_low, Money,
    Voids,
};
use crate::reporting::line_sums::LineSums;
use crate::reporting::report::visitors_in;
use crate::reporting::scope::Scope;
use crate::shop::events::{self, Event};
use crate::shop::settings;
use crate::Result;

/// One row of the side-by-side comparison of events; each figure is the
/// event report's figure of the same name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComparisonRow {
    pub event: Event,
    pub sales_count: i64,
    pub total: Money,
    pub net: Money,
    pub tax: Money,
    pub discounts: Money,
    pub voids: Voids,
    pub items: String,
    pub average_basket: Money,
    pub visitors: i64,
    pub conversion: Option<String>,
    /// The conversion is above 100 %: the visitor count looks low.
    pub visitors_look_low: bool,
    pub cash_variance: Money,
}

/// The same figures for several events side by side; all events that are
/// open or closed when `event_ids` is empty, oldest first.
pub fn compare(
    conn: &Connection,
    event_ids: &[String],
    include_practice: bool,
) -> Result<Vec<ComparisonRow>> {
    let ids: Vec<String> = if event_ids.is_empty() {
        events::list(conn)?
            .into_iter()
            .filter(|e| e.status != events::EventStatus::Planned)
            .map(|e| e.id)
            .collect()
    } else {
        event_ids.to_vec()
    };
    let currency = settings::load(conn)?.currency;
    let m = |minor: i64| Money::new(&currency, minor);
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        // A row reads only what it shows, each figure through the same
        // function the event report takes it from: the sales' totals, the
        // lines' sums, the tally and the drawers' counts.
        let scope = Scope::Event(id);
        let Some(event) = scope.event(conn)? else {
            continue;
        };
        let totals = sale_totals(conn, &scope, include_practice)?;
        let lines = LineSums::of(conn, &scope.counted_sales(include_practice))?.totals()?;
        let visitors = visitors_in(conn, &scope)?;
        let (_, _, _, _, variance) = drawer_counts(conn, &scope, include_practice)?;
        rows.push(ComparisonRow {
            event,
            sales_count: totals.count,
            total: m(totals.total),
            net: m(lines.all.net_minor),
            tax: m(lines.all.tax_minor),
            discounts: m(totals.discounts),
            voids: Voids {
                count: totals.void_count,
                total: m(totals.void_total),
            },
            items: milli_text(lines.items_milli),
            average_basket: average_basket(&currency, totals.total, totals.count)?,
            visitors,
            conversion: conversion(totals.count, visitors),
            visitors_look_low: visitors_look_low(totals.count, visitors),
            cash_variance: m(variance),
        });
    }
    rows.sort_by(|a, b| a.event.starts_at.cmp(&b.event.starts_at));
    Ok(rows)
}
