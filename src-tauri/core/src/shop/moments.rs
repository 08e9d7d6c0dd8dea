//! Moments inside an event: a 15:00 capsule drop, a workshop — a name and
//! a window of the event's local time of day. The event report counts the
//! visitors, sales and conversion of each (`reporting::moments`).
//! Adding one is journaled; a closed event's moments stay as they were.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::db::store::Tx;
use crate::shop::events::{self, EventStatus};
use crate::text::clean;
use crate::{new_id, Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MomentInput {
    pub name: String,
    /// Local time of day, `HH:MM`.
    pub starts_at: String,
    pub ends_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moment {
    pub id: String,
    pub event_id: String,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
}

fn time_of_day(field: &str, text: &str) -> Result<String> {
    let t = text.trim();
    chrono::NaiveTime::parse_from_str(t, "%H:%M")
        .map(|v| v.format("%H:%M").to_string())
        .map_err(|_| Error::validation(field, format!("'{t}' is not a time of day like 15:00")))
}

/// Add a moment to an event that is not closed.
pub fn add(tx: &Tx, event_id: &str, input: &MomentInput) -> Result<Moment> {
    let event = events::get(tx, event_id)?;
    if event.status == EventStatus::Closed {
        return Err(Error::Conflict(format!(
            "'{}' is closed; its moments cannot change",
            event.name
        )));
    }
    let name = clean("name", &input.name, true, 80)?;
    let starts_at = time_of_day("starts_at", &input.starts_at)?;
    let ends_at = time_of_day("ends_at", &input.ends_at)?;
    if ends_at <= starts_at {
        return Err(Error::validation(
            "ends_at",
            format!("the moment ends ({ends_at}) before it starts ({starts_at})"),
        ));
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO moment (id, device_id, event_id, name, starts_at, ends_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![id, tx.device_id, event_id, name, starts_at, ends_at],
    )?;
    tx.journal(
        "moment.added",
        "moment",
        &id,
        serde_json::json!({"event_id": event_id, "starts_at": starts_at, "ends_at": ends_at}),
    )?;
    Ok(Moment {
        id,
        event_id: event_id.to_string(),
        name,
        starts_at,
        ends_at,
    })
}

/// An event's moments, by start.
pub fn list(conn: &Connection, event_id: &str) -> Result<Vec<Moment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, event_id, name, starts_at, ends_at FROM moment WHERE event_id = ?1 ORDER BY starts_at, id",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        Ok(Moment {
            id: r.get(0)?,
            event_id: r.get(1)?,
            name: r.get(2)?,
            starts_at: r.get(3)?,
            ends_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
