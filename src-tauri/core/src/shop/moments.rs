//! Moments inside an event: a 15:00 capsule drop, a workshop — a name and
//! a window of the event's local time of day. The event report counts the
//! visitors, sales and conversion of each (`reporting::moments`).
//! Adding one is journaled; an organizer edits or removes one, each change
//! journaled with what it was before (a removed moment is kept, marked, and
//! drops out of the report); a closed event's moments stay as they were.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::store::{Actor, Store, Tx};
use crate::shop::events::{self, EventStatus};
use crate::shop::people::{Approval, ApprovalRequest};
use crate::shop::roles::{self, Action};
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

fn refuse_closed(tx: &Tx, event_id: &str) -> Result<()> {
    let event = events::get(tx, event_id)?;
    if event.status == EventStatus::Closed {
        return Err(Error::Conflict(format!(
            "'{}' is closed; its moments cannot change",
            event.name
        )));
    }
    Ok(())
}

/// The input checked: (name, starts_at, ends_at).
fn checked(input: &MomentInput) -> Result<(String, String, String)> {
    let name = clean("name", &input.name, true, 80)?;
    let starts_at = time_of_day("starts_at", &input.starts_at)?;
    let ends_at = time_of_day("ends_at", &input.ends_at)?;
    if ends_at <= starts_at {
        return Err(Error::validation(
            "ends_at",
            format!("the moment ends ({ends_at}) before it starts ({starts_at})"),
        ));
    }
    Ok((name, starts_at, ends_at))
}

/// Add a moment to an event that is not closed.
pub fn add(tx: &Tx, event_id: &str, input: &MomentInput) -> Result<Moment> {
    refuse_closed(tx, event_id)?;
    let (name, starts_at, ends_at) = checked(input)?;
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

/// A moment not removed.
pub fn get(conn: &Connection, id: &str) -> Result<Moment> {
    conn.query_row(
        "SELECT id, event_id, name, starts_at, ends_at FROM moment WHERE id = ?1 AND removed_at IS NULL",
        [id],
        |r| {
            Ok(Moment {
                id: r.get(0)?,
                event_id: r.get(1)?,
                name: r.get(2)?,
                starts_at: r.get(3)?,
                ends_at: r.get(4)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::not_found("moment", id))
}

/// Change a moment's name or window (an organizer's): journaled with the
/// fields before and after.
pub fn update(tx: &Tx, approval: &Approval, id: &str, input: &MomentInput) -> Result<Moment> {
    let before = get(tx, id)?;
    refuse_closed(tx, &before.event_id)?;
    let (name, starts_at, ends_at) = checked(input)?;
    if (&name, &starts_at, &ends_at) == (&before.name, &before.starts_at, &before.ends_at) {
        return Err(Error::validation("name", "nothing was changed"));
    }
    tx.execute(
        "UPDATE moment SET name = ?1, starts_at = ?2, ends_at = ?3 WHERE id = ?4",
        (&name, &starts_at, &ends_at, id),
    )?;
    tx.journal(
        "moment.updated",
        "moment",
        id,
        serde_json::json!({
            "event_id": before.event_id,
            "before": {"name": before.name, "starts_at": before.starts_at, "ends_at": before.ends_at},
            "after": {"name": name, "starts_at": starts_at, "ends_at": ends_at},
            "approved_by": approval.organizer_id(),
        }),
    )?;
    Ok(Moment {
        id: id.to_string(),
        event_id: before.event_id,
        name,
        starts_at,
        ends_at,
    })
}

/// Remove a moment (an organizer's): kept, marked removed, so the journal
/// still points to it; it drops out of the list and the report.
pub fn remove(tx: &Tx, approval: &Approval, id: &str) -> Result<()> {
    let before = get(tx, id)?;
    refuse_closed(tx, &before.event_id)?;
    tx.execute(
        "UPDATE moment SET removed_at = ?1 WHERE id = ?2",
        (&tx.now.utc, id),
    )?;
    tx.journal(
        "moment.removed",
        "moment",
        id,
        serde_json::json!({
            "event_id": before.event_id,
            "before": {"name": before.name, "starts_at": before.starts_at, "ends_at": before.ends_at},
            "approved_by": approval.organizer_id(),
        }),
    )?;
    Ok(())
}

/// `update` with an organizer's approval.
pub fn update_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    id: &str,
    input: &MomentInput,
) -> Result<Moment> {
    roles::approved_write(store, actor, Action::EditMoment, request, |tx, ok| {
        update(tx, ok, id, input)
    })
}

/// `remove` with an organizer's approval.
pub fn remove_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    id: &str,
) -> Result<()> {
    roles::approved_write(store, actor, Action::EditMoment, request, |tx, ok| {
        remove(tx, ok, id)
    })
}

/// An event's moments not removed, by start.
pub fn list(conn: &Connection, event_id: &str) -> Result<Vec<Moment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, event_id, name, starts_at, ends_at FROM moment
         WHERE event_id = ?1 AND removed_at IS NULL ORDER BY starts_at, id",
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
