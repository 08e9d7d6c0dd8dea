//! An event's attendee list: sign-ups before the event (typed, or imported
//! by `import`) and check-in at the door, of someone signed up or of a
//! walk-in. A check-in counts one visitor in the event's footfall tally.
//!
//! Only what is needed is asked: a name or a nickname, and an address only
//! for someone who wants news on that channel, with its consent given in
//! the same step (an address without its box ticked is refused, not kept).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::consent::{self, Context, Wording};
use super::contacts::{self, validate_email, validate_name, validate_phone};
use super::{Channel, How};
use crate::db::store::Tx;
use crate::reporting::visitors;
use crate::shop::events::{self, Event, EventStatus};
use crate::{new_id, Error, Result};

/// Someone on an event's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendee {
    pub id: String,
    pub event_id: String,
    pub contact_id: String,
    pub name: String,
    pub email_consent: bool,
    pub sms_consent: bool,
    /// `typed`, `import` or `door`.
    pub source: String,
    pub signed_up_at: Option<String>,
    pub signed_up_offset: Option<i64>,
    pub checked_in_at: Option<String>,
    pub checked_in_offset: Option<i64>,
}

/// An event's list as the Attendees screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AttendeeList {
    pub event: Event,
    pub attendees: Vec<Attendee>,
    pub signed_up: usize,
    pub checked_in: usize,
    /// Whether the event takes sign-ups (before it closes) and check-ins
    /// (once it has opened): the core's answer, the window renders it.
    pub takes_sign_ups: bool,
    pub takes_check_ins: bool,
    /// The wording a consent is given under now.
    pub wording: Option<Wording>,
}

/// A sign-up or a walk-in as typed: nothing is ticked unless the person
/// said yes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUpInput {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email_consent: bool,
    #[serde(default)]
    pub sms_consent: bool,
}

/// Where a contact came to or signed up for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendance {
    pub attendee_id: String,
    pub event_id: String,
    pub event_name: String,
    pub starts_at: String,
    pub source: String,
    pub signed_up_at: Option<String>,
    pub signed_up_offset: Option<i64>,
    pub checked_in_at: Option<String>,
    pub checked_in_offset: Option<i64>,
}

const SELECT: &str = "SELECT a.id, a.event_id, a.contact_id, c.name, a.source, a.signed_up_at,
        a.signed_up_offset, a.checked_in_at, a.checked_in_offset";

fn select_with_consents() -> String {
    format!(
        "{SELECT}, {}, {} FROM attendee a JOIN contact c ON c.id = a.contact_id",
        consent::active_sql("c", Channel::Email),
        consent::active_sql("c", Channel::Sms)
    )
}

fn read_attendee(r: &rusqlite::Row) -> rusqlite::Result<Attendee> {
    Ok(Attendee {
        id: r.get(0)?,
        event_id: r.get(1)?,
        contact_id: r.get(2)?,
        name: r.get(3)?,
        source: r.get(4)?,
        signed_up_at: r.get(5)?,
        signed_up_offset: r.get(6)?,
        checked_in_at: r.get(7)?,
        checked_in_offset: r.get(8)?,
        email_consent: r.get(9)?,
        sms_consent: r.get(10)?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Attendee> {
    conn.query_row(
        &format!("{} WHERE a.id = ?1", select_with_consents()),
        [id],
        read_attendee,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("attendee", id))
}

/// Whether an event in `status` takes sign-ups: until it closes.
pub fn takes_sign_ups(status: EventStatus) -> bool {
    status != EventStatus::Closed
}

/// Whether an event in `status` takes check-ins: once it has opened (and
/// afterwards, from a list ticked on paper), as the footfall tally does.
pub fn takes_check_ins(status: EventStatus) -> bool {
    visitors::accepts_visitors(status)
}

/// The event's list, by name.
pub fn list(conn: &Connection, event_id: &str) -> Result<AttendeeList> {
    let event = events::get(conn, event_id)?;
    let mut stmt = conn.prepare(&format!(
        "{} WHERE a.event_id = ?1 ORDER BY c.name COLLATE NOCASE, a.id",
        select_with_consents()
    ))?;
    let attendees: Vec<Attendee> = stmt
        .query_map([event_id], read_attendee)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(AttendeeList {
        signed_up: attendees
            .iter()
            .filter(|a| a.signed_up_at.is_some())
            .count(),
        checked_in: attendees
            .iter()
            .filter(|a| a.checked_in_at.is_some())
            .count(),
        takes_sign_ups: takes_sign_ups(event.status),
        takes_check_ins: takes_check_ins(event.status),
        wording: consent::current_wording(conn)?,
        attendees,
        event,
    })
}

/// Where a contact signed up or came, newest event first.
pub fn attendance_of(conn: &Connection, contact_id: &str) -> Result<Vec<Attendance>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.event_id, e.name, e.starts_at, a.source, a.signed_up_at, a.signed_up_offset,
                a.checked_in_at, a.checked_in_offset
         FROM attendee a JOIN event e ON e.id = a.event_id
         WHERE a.contact_id = ?1 ORDER BY e.starts_at DESC, a.id",
    )?;
    let rows = stmt.query_map([contact_id], |r| {
        Ok(Attendance {
            attendee_id: r.get(0)?,
            event_id: r.get(1)?,
            event_name: r.get(2)?,
            starts_at: r.get(3)?,
            source: r.get(4)?,
            signed_up_at: r.get(5)?,
            signed_up_offset: r.get(6)?,
            checked_in_at: r.get(7)?,
            checked_in_offset: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A sign-up checked: the name, and each address only with its consent.
pub(crate) struct Checked {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// Check a sign-up as typed. An address is kept only for someone who
/// wants news on its channel: given without its box ticked it is refused,
/// and a ticked box needs its address.
pub(crate) fn check(input: &SignUpInput) -> Result<Checked> {
    let name = validate_name("name", &input.name, true)?;
    let email = validate_email("email", &input.email)?;
    let phone = validate_phone("phone", &input.phone)?;
    for (field, address, agreed, channel) in [
        ("email", &email, input.email_consent, Channel::Email),
        ("phone", &phone, input.sms_consent, Channel::Sms),
    ] {
        if !address.is_empty() && !agreed {
            return Err(Error::validation(
                field,
                format!(
                    "an address is kept only for someone who wants news by {}: tick the box, or leave it out",
                    channel.label()
                ),
            ));
        }
        if address.is_empty() && agreed {
            return Err(Error::validation(
                field,
                format!(
                    "give the address for news by {}, or untick the box",
                    channel.label()
                ),
            ));
        }
    }
    Ok(Checked { name, email, phone })
}

/// The contact a sign-up is for: the one holding its email or phone, or a
/// new one (a name alone never matches: names are not unique).
fn contact_for(tx: &Tx, checked: &Checked) -> Result<String> {
    for (channel, address) in [
        (Channel::Email, &checked.email),
        (Channel::Sms, &checked.phone),
    ] {
        if let Some(id) = contacts::find_by_address(tx, channel, address)? {
            contacts::name_if_empty(tx, &id, &checked.name)?;
            return Ok(id);
        }
    }
    contacts::create(tx, &checked.name)
}

/// How a person comes onto a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Typed,
    Import,
    Door,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Typed => "typed",
            Source::Import => "import",
            Source::Door => "door",
        }
    }
}

/// Put a checked person on the event's list (or find them there), with
/// the consents they gave. Journals the sign-up; returns the attendee's id.
pub(crate) fn enlist(tx: &Tx, event: &Event, checked: &Checked, source: Source) -> Result<String> {
    let contact_id = contact_for(tx, checked)?;
    let existing: Option<(String, Option<String>)> = tx
        .query_row(
            "SELECT id, signed_up_at FROM attendee WHERE event_id = ?1 AND contact_id = ?2",
            (&event.id, &contact_id),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let id = match existing {
        Some((_, Some(_))) if source != Source::Door => {
            return Err(Error::Conflict(format!(
                "{} is already signed up for {}",
                checked.name, event.name
            )))
        }
        Some((id, _)) => id,
        None => {
            let id = new_id();
            let signed = source != Source::Door;
            tx.execute(
                "INSERT INTO attendee (id, device_id, event_id, contact_id, source, signed_up_at, signed_up_offset, signed_up_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    id,
                    tx.device_id,
                    event.id,
                    contact_id,
                    source.as_str(),
                    signed.then_some(&tx.now.utc),
                    signed.then_some(tx.now.offset_minutes),
                    signed.then_some(&tx.actor.id),
                ],
            )?;
            tx.journal(
                "attendee.signed_up",
                "attendee",
                &id,
                serde_json::json!({
                    "event_id": event.id, "contact_id": contact_id, "source": source.as_str(),
                }),
            )?;
            id
        }
    };
    let how = if source == Source::Door {
        How::CheckIn
    } else {
        How::SignUp
    };
    let contact = contacts::get_live(tx, &contact_id)?;
    for (channel, address, field) in [
        (Channel::Email, &checked.email, "email"),
        (Channel::Sms, &checked.phone, "phone"),
    ] {
        if !address.is_empty() {
            consent::give(
                tx,
                &contact,
                channel,
                address,
                how,
                Context {
                    event_id: Some(&event.id),
                    sale_id: None,
                },
                field,
            )?;
        }
    }
    contacts::touch(tx, &contact_id)?;
    Ok(id)
}

/// Sign someone up for an event before it closes (typed on the screen).
pub fn sign_up(tx: &Tx, event_id: &str, input: &SignUpInput) -> Result<Attendee> {
    let event = events::get(tx, event_id)?;
    if !takes_sign_ups(event.status) {
        return Err(Error::Conflict(format!(
            "{} is over: sign-ups are taken before an event closes",
            event.name
        )));
    }
    let checked = check(input)?;
    let id = enlist(tx, &event, &checked, Source::Typed)?;
    get(tx, &id)
}

fn refuse_unless_checking_in(event: &Event) -> Result<()> {
    if !takes_check_ins(event.status) {
        return Err(Error::Conflict(format!(
            "{} has not opened yet: people are checked in once it is open",
            event.name
        )));
    }
    Ok(())
}

/// Mark an attendee as come in, and count them as a visitor. Journals the
/// check-in (the tally journals its count).
fn mark_checked_in(tx: &Tx, attendee: &Attendee) -> Result<()> {
    if let Some(at) = &attendee.checked_in_at {
        return Err(Error::Conflict(format!(
            "{} was already checked in ({at})",
            if attendee.name.is_empty() {
                "this attendee"
            } else {
                &attendee.name
            }
        )));
    }
    tx.execute(
        "UPDATE attendee SET checked_in_at = ?1, checked_in_offset = ?2, checked_in_by = ?3 WHERE id = ?4",
        rusqlite::params![tx.now.utc, tx.now.offset_minutes, tx.actor.id, attendee.id],
    )?;
    contacts::touch(tx, &attendee.contact_id)?;
    let total = visitors::record_visitors(tx, &attendee.event_id, 1, false)?;
    tx.journal(
        "attendee.checked_in",
        "attendee",
        &attendee.id,
        serde_json::json!({
            "event_id": attendee.event_id, "contact_id": attendee.contact_id, "visitors": total,
        }),
    )?;
    Ok(())
}

/// Check in someone on the list.
pub fn check_in(tx: &Tx, attendee_id: &str) -> Result<Attendee> {
    let attendee = get(tx, attendee_id)?;
    refuse_unless_checking_in(&events::get(tx, &attendee.event_id)?)?;
    mark_checked_in(tx, &attendee)?;
    get(tx, attendee_id)
}

/// Check in someone at the door who did not sign up (or whose sign-up
/// holds the address they give now), with the consents they give there.
pub fn walk_in(tx: &Tx, event_id: &str, input: &SignUpInput) -> Result<Attendee> {
    let event = events::get(tx, event_id)?;
    refuse_unless_checking_in(&event)?;
    let checked = check(input)?;
    let id = enlist(tx, &event, &checked, Source::Door)?;
    mark_checked_in(tx, &get(tx, &id)?)?;
    get(tx, &id)
}
