//! What a figure covers: one `Scope` (a till session, an event, or a date
//! range of local days) for the Z report, the event report and the export
//! alike. It owns the SQL conditions that pick a scope's rows: sales (all,
//! or only those that count: not voided; practice ones only when asked),
//! till sessions, and the rows of tables with a time column, with the
//! local-date → UTC window a range needs.

use chrono::{Duration, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::shop::events::{self, Event};
use crate::{Error, Result};

/// What a report, a Z report or an export covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One till session: its sales, its drawer, and what happened at its
    /// event while it was open.
    Session(String),
    /// One event's sales, sessions, stock and visitors.
    Event(String),
    /// Everything whose local date (the device's offset at the time) falls
    /// within `from..=to`.
    Range { from: NaiveDate, to: NaiveDate },
}

/// A SQL condition on a table alias plus its parameters, so that every
/// query of a report and of the export selects exactly the same rows.
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    pub sql: String,
    pub params: Vec<Value>,
}

impl Filter {
    /// This filter and one more condition that takes no parameter.
    pub fn and(&self, condition: &str) -> Filter {
        Filter {
            sql: format!("{} AND {condition}", self.sql),
            params: self.params.clone(),
        }
    }
}

/// A sale that was not voided (alias `s`): the sales every figure counts.
pub(crate) const NOT_VOIDED: &str = "NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)";

/// Bounds on the stored UTC text that surely include every local date of
/// the range (offsets run from −12:00 to +14:00), so the index on the time
/// column narrows the scan before the exact local-date test.
fn utc_bounds(from: NaiveDate, to: NaiveDate) -> (String, String) {
    let lo = from.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(15);
    let hi = to.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::hours(24 + 15);
    (
        lo.format("%Y-%m-%dT%H:%M:%S").to_string(),
        hi.format("%Y-%m-%dT%H:%M:%S").to_string(),
    )
}

/// UTC times whose local date is inside the range for every offset from
/// −12:00 to +14:00: from `from` 12:00 to `to + 1 day` 10:00 (UTC).
fn utc_safe_zone(from: NaiveDate, to: NaiveDate) -> (String, String) {
    let lo = from.and_hms_opt(12, 0, 0).unwrap_or_default();
    let hi = to.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::hours(24 - 14);
    (
        lo.format("%Y-%m-%dT%H:%M:%S").to_string(),
        hi.format("%Y-%m-%dT%H:%M:%S").to_string(),
    )
}

impl Scope {
    /// Parse a date range as a person types it, refusing an inverted range.
    pub fn range(from: &str, to: &str) -> Result<Scope> {
        let parse = |field: &str, text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                Error::validation(
                    field,
                    format!("'{}' is not a date like 2026-12-05", text.trim()),
                )
            })
        };
        let from = parse("from", from)?;
        let to = parse("to", to)?;
        if to < from {
            return Err(Error::validation(
                "to",
                format!("the range ends ({to}) before it starts ({from})"),
            ));
        }
        Ok(Scope::Range { from, to })
    }

    /// A short label for files and journal entries.
    pub fn label(&self) -> String {
        match self {
            Scope::Session(id) => format!("till session {id}"),
            Scope::Event(id) => format!("event {id}"),
            Scope::Range { from, to } => format!("{from} to {to}"),
        }
    }

    /// The event a scope names (None for a session or a range), after
    /// checking that what it names exists.
    pub fn event(&self, conn: &Connection) -> Result<Option<Event>> {
        match self {
            Scope::Event(id) => Ok(Some(events::get(conn, id)?)),
            Scope::Session(id) => {
                conn.query_row("SELECT 1 FROM till_session WHERE id = ?1", [id], |_| Ok(()))
                    .optional()?
                    .ok_or_else(|| Error::not_found("till session", id))?;
                Ok(None)
            }
            Scope::Range { .. } => Ok(None),
        }
    }

    /// The events in scope whose task flows count: the one event, or those
    /// starting within the range. A till session is no event's whole day:
    /// none.
    pub fn event_ids(&self, conn: &Connection) -> Result<Vec<String>> {
        match self {
            Scope::Event(id) => Ok(vec![id.clone()]),
            Scope::Session(_) => Ok(Vec::new()),
            Scope::Range { from, to } => {
                let mut stmt = conn.prepare(
                    "SELECT id FROM event WHERE substr(starts_at, 1, 10) BETWEEN ?1 AND ?2 ORDER BY starts_at, id",
                )?;
                let rows = stmt.query_map((from.to_string(), to.to_string()), |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            }
        }
    }

    /// Rows of a table with an `event_id` column, a UTC time column and an
    /// offset column (`alias.time`, `alias.offset`). A session takes its
    /// event's rows from its opening to its close.
    pub(crate) fn filter(&self, alias: &str, time: &str, offset: &str) -> Filter {
        match self {
            Scope::Session(id) => Filter {
                sql: format!(
                    "EXISTS (SELECT 1 FROM till_session w WHERE w.id = ? AND w.event_id = {alias}.event_id
                       AND {alias}.{time} >= w.opened_at
                       AND (w.closed_at IS NULL OR {alias}.{time} <= w.closed_at))"
                ),
                params: vec![Value::Text(id.clone())],
            },
            Scope::Event(id) => Filter {
                sql: format!("{alias}.event_id = ?"),
                params: vec![Value::Text(id.clone())],
            },
            Scope::Range { from, to } => {
                let (lo, hi) = utc_bounds(*from, *to);
                let (safe_lo, safe_hi) = utc_safe_zone(*from, *to);
                // Rows inside the safe zone are in range whatever their
                // offset; only those near the edges pay for date().
                Filter {
                    sql: format!(
                        "{alias}.{time} >= ? AND {alias}.{time} < ? AND (({alias}.{time} >= ? AND {alias}.{time} < ?) OR date({alias}.{time}, {alias}.{offset} || ' minutes') BETWEEN ? AND ?)"
                    ),
                    params: vec![
                        Value::Text(lo),
                        Value::Text(hi),
                        Value::Text(safe_lo),
                        Value::Text(safe_hi),
                        Value::Text(from.to_string()),
                        Value::Text(to.to_string()),
                    ],
                }
            }
        }
    }

    /// Every sale in scope (alias `s`), voided ones too; practice ones only
    /// when asked.
    pub(crate) fn sales(&self, include_practice: bool) -> Filter {
        let mut f = match self {
            Scope::Session(id) => Filter {
                sql: "s.session_id = ?".into(),
                params: vec![Value::Text(id.clone())],
            },
            _ => self.filter("s", "at_utc", "utc_offset_minutes"),
        };
        f.sql.push_str(" AND s.practice <= ?");
        f.params.push(Value::Integer(i64::from(include_practice)));
        f
    }

    /// The sales in scope that count (alias `s`): not voided.
    pub(crate) fn counted_sales(&self, include_practice: bool) -> Filter {
        self.sales(include_practice).and(NOT_VOIDED)
    }

    /// The refunds in scope (alias `r`): those the session paid out, those
    /// the event's tills paid out (whatever the sale's event or day), or
    /// those of local days in the range; practice ones only when asked.
    pub(crate) fn refunds(&self, include_practice: bool) -> Filter {
        let mut f = match self {
            Scope::Session(id) => Filter {
                sql: "r.session_id = ?".into(),
                params: vec![Value::Text(id.clone())],
            },
            _ => self.filter("r", "at_utc", "utc_offset_minutes"),
        };
        f.sql.push_str(" AND r.practice <= ?");
        f.params.push(Value::Integer(i64::from(include_practice)));
        f
    }

    /// The till sessions in scope (alias `t`). A range also takes the
    /// sessions of its sales and refunds (a session opened the evening
    /// before), so every sale's and refund's session is in the export too.
    pub(crate) fn sessions(&self, include_practice: bool) -> Filter {
        let mut f = match self {
            Scope::Session(id) => Filter {
                sql: "t.id = ?".into(),
                params: vec![Value::Text(id.clone())],
            },
            _ => self.filter("t", "opened_at", "opened_offset_minutes"),
        };
        if let Scope::Range { .. } = self {
            let sales = self.sales(include_practice);
            let refunds = self.refunds(include_practice);
            f.sql = format!(
                "(({}) OR t.id IN (SELECT s.session_id FROM sale s WHERE {}) OR t.id IN (SELECT r.session_id FROM refund r WHERE {}))",
                f.sql, sales.sql, refunds.sql
            );
            f.params.extend(sales.params);
            f.params.extend(refunds.params);
        }
        f.sql.push_str(" AND t.practice <= ?");
        f.params.push(Value::Integer(i64::from(include_practice)));
        f
    }
}
