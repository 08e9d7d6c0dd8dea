//! Events (pop-ups): create, edit, open and close them, and find the open one,
//! which is the scope of everything the till does. Status only moves forward:
//! planned -> open -> closed.

use chrono::NaiveDateTime;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::store::Tx;
use crate::shop::people::Approval;
use crate::text::clean;
use crate::{new_id, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Planned,
    Open,
    Closed,
}

impl EventStatus {
    pub const ALL: [EventStatus; 3] =
        [EventStatus::Planned, EventStatus::Open, EventStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Planned => "planned",
            EventStatus::Open => "open",
            EventStatus::Closed => "closed",
        }
    }
}

impl std::fmt::Display for EventStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stored as the same words the window reads (`planned`, `open`, `closed`).
impl ToSql for EventStatus {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for EventStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        EventStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| FromSqlError::Other(format!("'{text}' is not an event status").into()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: String,
    pub name: String,
    pub venue: String,
    /// Local wall-clock time, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    pub ends_at: String,
    pub notes: String,
    pub status: EventStatus,
    /// Whether the footfall tally takes counts now (the core's answer, from
    /// `reporting::visitors::accepts_visitors`; the window only renders it).
    pub accepts_visitors: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EventInput {
    pub name: String,
    #[serde(default)]
    pub venue: String,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub notes: String,
}

/// Parse a local date and time as a form or a person gives it
/// (`2026-12-05T10:00`, `2026-12-05 10:00`, seconds allowed) into the
/// stored form `YYYY-MM-DDTHH:MM`.
pub fn parse_local_time(field: &str, text: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::validation(
            field,
            "is empty; give a date and time like 2026-12-05T10:00",
        ));
    }
    let normalized = t.replacen(' ', "T", 1);
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M:%S%.f",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(&normalized, f).ok())
    .map(|dt| dt.format("%Y-%m-%dT%H:%M").to_string())
    .ok_or_else(|| {
        Error::validation(
            field,
            format!("'{t}' is not a date and time like 2026-12-05T10:00"),
        )
    })
}

struct Valid {
    name: String,
    venue: String,
    starts_at: String,
    ends_at: String,
    notes: String,
}

fn validate(input: &EventInput) -> Result<Valid> {
    let name = clean("name", &input.name, true, 120)?;
    let venue = clean("venue", &input.venue, false, 200)?;
    let notes = clean("notes", &input.notes, false, 4000)?;
    let starts_at = parse_local_time("starts_at", &input.starts_at)?;
    let ends_at = parse_local_time("ends_at", &input.ends_at)?;
    if ends_at <= starts_at {
        return Err(Error::validation(
            "ends_at",
            format!("the event ends ({ends_at}) before it starts ({starts_at})"),
        ));
    }
    Ok(Valid {
        name,
        venue,
        starts_at,
        ends_at,
        notes,
    })
}

fn read_event(r: &rusqlite::Row) -> rusqlite::Result<Event> {
    let status: EventStatus = r.get(6)?;
    Ok(Event {
        id: r.get(0)?,
        name: r.get(1)?,
        venue: r.get(2)?,
        starts_at: r.get(3)?,
        ends_at: r.get(4)?,
        notes: r.get(5)?,
        status,
        accepts_visitors: crate::reporting::visitors::accepts_visitors(status),
    })
}

const COLUMNS: &str = "id, name, venue, starts_at, ends_at, notes, status";

pub fn list(conn: &Connection) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM event ORDER BY status = 'open' DESC, starts_at DESC"
    ))?;
    let rows = stmt.query_map([], read_event)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Event> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM event WHERE id = ?1"),
        [id],
        read_event,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("event", id))
}

/// The open event, if any.
pub fn current(conn: &Connection) -> Result<Option<Event>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM event WHERE status = 'open'"),
            [],
            read_event,
        )
        .optional()?)
}

fn summary(e: &Event) -> serde_json::Value {
    // Event names and venues are the shop's, not a person's: safe to journal.
    serde_json::json!({
        "name": e.name, "venue": e.venue, "starts_at": e.starts_at,
        "ends_at": e.ends_at, "status": e.status.as_str(),
    })
}

pub fn create(tx: &Tx, input: &EventInput) -> Result<Event> {
    let v = validate(input)?;
    let id = new_id();
    tx.execute(
        "INSERT INTO event (id, device_id, name, venue, starts_at, ends_at, notes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            id,
            tx.device_id,
            v.name,
            v.venue,
            v.starts_at,
            v.ends_at,
            v.notes,
            tx.now.utc
        ],
    )?;
    let event = get(tx, &id)?;
    tx.journal("event.created", "event", &id, summary(&event))?;
    Ok(event)
}

pub fn update(tx: &Tx, id: &str, input: &EventInput) -> Result<Event> {
    let before = get(tx, id)?;
    if before.status == EventStatus::Closed {
        return Err(Error::Conflict(format!(
            "'{}' is closed; a closed event cannot be edited",
            before.name
        )));
    }
    let v = validate(input)?;
    tx.execute(
        "UPDATE event SET name = ?2, venue = ?3, starts_at = ?4, ends_at = ?5, notes = ?6 WHERE id = ?1",
        rusqlite::params![id, v.name, v.venue, v.starts_at, v.ends_at, v.notes],
    )?;
    let after = get(tx, id)?;
    tx.journal(
        "event.edited",
        "event",
        id,
        serde_json::json!({"before": summary(&before), "after": summary(&after)}),
    )?;
    Ok(after)
}

/// Open a planned event. Only one event is open at a time.
pub fn open(tx: &Tx, id: &str) -> Result<Event> {
    let event = get(tx, id)?;
    match event.status {
        EventStatus::Open => return Ok(event),
        EventStatus::Closed => {
            return Err(Error::Conflict(format!(
                "'{}' is closed and cannot be opened again",
                event.name
            )))
        }
        EventStatus::Planned => {}
    }
    if let Some(other) = current(tx)? {
        return Err(Error::Conflict(format!(
            "'{}' is open; close it before opening '{}'",
            other.name, event.name
        )));
    }
    tx.execute(
        "UPDATE event SET status = ?2 WHERE id = ?1",
        rusqlite::params![id, EventStatus::Open],
    )?;
    tx.journal("event.opened", "event", id, serde_json::json!({}))?;
    get(tx, id)
}

/// Close the open event.
/// An organizer's approval is the proof this needs (see `shop::roles`).
pub fn close(tx: &Tx, _approval: &Approval, id: &str) -> Result<Event> {
    let event = get(tx, id)?;
    if event.status != EventStatus::Open {
        return Err(Error::Conflict(format!(
            "'{}' is {}; only an open event can be closed",
            event.name, event.status
        )));
    }
    tx.execute(
        "UPDATE event SET status = ?2 WHERE id = ?1",
        rusqlite::params![id, EventStatus::Closed],
    )?;
    tx.journal("event.closed", "event", id, serde_json::json!({}))?;
    get(tx, id)
}
