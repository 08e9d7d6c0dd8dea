//! The footfall tally: "+1 visitor" taps, counted numbers and corrections
//! per event, and which events take them. Conversion (sales ÷ visitors) is
//! computed from it by the report.

use crate::db::store::Tx;
use crate::shop::events::{self, EventStatus};
use crate::{new_id, Error, Result};
use rusqlite::Connection;

/// Whether an event in `status` takes visitor counts: once it has opened,
/// during the event and afterwards (a count written down on paper), never
/// before. Every event the core hands out carries the answer
/// (`Event::accepts_visitors`), and `record_visitors` refuses otherwise.
pub fn accepts_visitors(status: EventStatus) -> bool {
    match status {
        EventStatus::Planned => false,
        EventStatus::Open | EventStatus::Closed => true,
    }
}

/// Visitors of an event so far (Σ of the tally).
pub fn visitors(conn: &Connection, event_id: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(delta), 0) FROM visitor_tally WHERE event_id = ?1",
        [event_id],
        |r| r.get(0),
    )?)
}

/// A counted number of visitors as typed (negative: a correction).
pub fn enter_visitors(tx: &Tx, event_id: &str, typed: &str) -> Result<i64> {
    record_visitors(tx, event_id, parse_visitor_delta(typed)?, true)
}

/// Record visitors: `delta` of +1 for a tap, any count for a manual entry,
/// negative for a correction. The total may never go below zero. Returns
/// the new total.
pub fn record_visitors(tx: &Tx, event_id: &str, delta: i64, manual: bool) -> Result<i64> {
    let event = events::get(tx, event_id)?;
    if !accepts_visitors(event.status) {
        return Err(Error::validation(
            "event",
            "the event has not opened yet; count visitors once it is open",
        ));
    }
    if delta == 0 {
        return Err(Error::validation("visitors", "enter a number other than 0"));
    }
    if delta.unsigned_abs() > 100_000 {
        return Err(Error::validation(
            "visitors",
            format!("{delta} is more than 100000 visitors at once"),
        ));
    }
    if !manual && delta != 1 {
        return Err(Error::validation("visitors", "a tap counts one visitor"));
    }
    let before = visitors(tx, event_id)?;
    if before + delta < 0 {
        return Err(Error::validation(
            "visitors",
            format!(
                "the event has {before} visitors; a correction of {delta} would make it negative"
            ),
        ));
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO visitor_tally (id, device_id, event_id, delta, source, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            id,
            tx.device_id,
            event_id,
            delta,
            if manual { "manual" } else { "tap" },
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    tx.journal(
        "visitors.counted",
        "event",
        event_id,
        serde_json::json!({"tally_id": id, "delta": delta, "total": before + delta, "manual": manual}),
    )?;
    Ok(before + delta)
}

/// Parse a manual visitor entry as typed (`12`, `-3`).
pub fn parse_visitor_delta(text: &str) -> Result<i64> {
    text.trim().parse::<i64>().map_err(|_| {
        Error::validation(
            "visitors",
            format!("'{}' is not a whole number of visitors", text.trim()),
        )
    })
}
