//! Events side by side: the same figures of several events, oldest first.

use rusqlite::Connection;
use serde::Serialize;

use crate::reporting::figures::{Money, Voids};
use crate::reporting::report::{report_with, Detail};
use crate::reporting::scope::Scope;
use crate::shop::events::{self, Event};
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
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        // A row holds totals only: the by-hour, top products and stock
        // parts of each event's report are not computed.
        let r = report_with(conn, &Scope::Event(id), include_practice, Detail::Totals)?;
        let Some(event) = r.event else { continue };
        let s = r.sales;
        rows.push(ComparisonRow {
            event,
            sales_count: s.sales_count,
            total: s.total,
            net: s.net,
            tax: s.tax,
            discounts: s.discounts,
            voids: s.voids,
            items: s.items,
            average_basket: s.average_basket,
            visitors: r.visitors,
            conversion: r.conversion,
            visitors_look_low: r.visitors_look_low,
            cash_variance: r.cash.variance,
        });
    }
    rows.sort_by(|a, b| a.event.starts_at.cmp(&b.event.starts_at));
    Ok(rows)
}
