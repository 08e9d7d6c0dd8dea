//! The figures of an event's moments (`shop::moments`): for each, the
//! visitors counted (Σ of the footfall tally), the counted sales and their
//! total, and the conversion, over the moment's window of local time
//! (start included, end excluded). Definitions: `docs/figures.md`.

use rusqlite::Connection;
use serde::Serialize;

use crate::money::Currency;
use crate::reporting::figures::{conversion, Money};
use crate::shop::moments;
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MomentRow {
    pub id: String,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub sales: i64,
    pub total: Money,
    pub visitors: i64,
    /// sales ÷ visitors in percent; none without visitors.
    pub conversion: Option<String>,
}

/// The moments of `event_id` with their figures (live sales, not voided;
/// practice ones only when asked).
pub fn moment_figures(
    conn: &Connection,
    event_id: &str,
    include_practice: bool,
    currency: &Currency,
) -> Result<Vec<MomentRow>> {
    let local = |alias: &str| {
        format!("strftime('%H:%M', {alias}.at_utc, {alias}.utc_offset_minutes || ' minutes')")
    };
    let mut out = Vec::new();
    for m in moments::list(conn, event_id)? {
        let (sales, total): (i64, i64) = conn.query_row(
            &format!(
                "SELECT count(*), coalesce(sum(s.total_minor), 0) FROM sale s
                 WHERE s.event_id = ?1 AND s.practice <= ?2 AND {} AND {t} >= ?3 AND {t} < ?4",
                crate::reporting::scope::NOT_VOIDED,
                t = local("s")
            ),
            rusqlite::params![event_id, include_practice, m.starts_at, m.ends_at],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let visitors: i64 = conn.query_row(
            &format!(
                "SELECT coalesce(sum(v.delta), 0) FROM visitor_tally v
                 WHERE v.event_id = ?1 AND {t} >= ?2 AND {t} < ?3",
                t = local("v")
            ),
            rusqlite::params![event_id, m.starts_at, m.ends_at],
            |r| r.get(0),
        )?;
        out.push(MomentRow {
            id: m.id,
            name: m.name,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            sales,
            total: Money::new(currency, total),
            visitors,
            conversion: conversion(sales, visitors),
        });
    }
    Ok(out)
}
