//! People at the till: named cashiers and organizers, each with a PIN hashed
//! with Argon2id (changed by its owner, reset by an organizer), the lockout
//! that grows after wrong PINs and survives a restart (computed from the
//! append-only `pin_attempt` ledger in the order of the tries), and the one
//! way to an organizer's `Approval`: an `ApprovalRequest` (an organizer's
//! PIN, or an organizer at the till) checked by `approve`.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::clock::parse_utc;
use crate::db::store::{Actor, Store, Tx};
use crate::shop::at_till::AtTill;
use crate::text::clean;
use crate::{new_id, Error, Result};

/// Wrong PINs allowed before the first lockout.
pub const FREE_TRIES: i64 = 3;
/// The first lockout; each further wrong PIN doubles it, up to `MAX_LOCKOUT`.
pub const FIRST_LOCKOUT_SECS: i64 = 30;
pub const MAX_LOCKOUT_SECS: i64 = 15 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Cashier,
    Organizer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Organizer => "organizer",
        }
    }
    pub fn parse(text: &str) -> Result<Role> {
        match text.trim() {
            "cashier" => Ok(Role::Cashier),
            "organizer" => Ok(Role::Organizer),
            other => Err(Error::validation(
                "role",
                format!("'{other}' is not a role (cashier or organizer)"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PersonInput {
    pub name: String,
    pub role: String,
    /// Required for organizers: at least 6 digits.
    #[serde(default)]
    pub pin: Option<String>,
}

/// Proof that an organizer entered their PIN just now. Only
/// `verify_organizer_pin` makes one (and, while the team has no organizer
/// yet, the first setup), so a core function that takes `&Approval` cannot
/// run without it. Outside this module it cannot be built:
///
/// ```compile_fail
/// let forged = popup_till_core::shop::people::Approval { organizer_id: "me".into() };
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    organizer_id: String,
}

impl Approval {
    pub fn organizer_id(&self) -> &str {
        &self.organizer_id
    }

    /// The approval of whoever runs the command line: they hold the till's
    /// file itself (and could change it with any SQLite tool), so the
    /// file's holder approves. The window never reaches this: its commands
    /// go through `approve`. Journaled as `system:cli`.
    pub fn file_holder() -> Approval {
        Approval {
            organizer_id: "system:cli".into(),
        }
    }

    /// An approval for the very first setup, when no organizer exists yet.
    pub(crate) fn bootstrap() -> Approval {
        Approval {
            organizer_id: "system:setup".into(),
        }
    }
}

/// An organizer and the PIN they typed, not yet checked: what the window
/// sends as `{organizer_id, pin}` with an organizer-only action. Either may
/// be missing (no organizer asked, or none on the team yet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ApprovalRequest {
    #[serde(default)]
    pub organizer_id: Option<String>,
    #[serde(default)]
    pub pin: Option<String>,
    /// Who is at the till, when the request comes from the window: an
    /// organizer at the till approves without typing their PIN again, and
    /// a wrong PIN is journaled under whoever typed it. Never read from
    /// the window's JSON.
    #[serde(skip)]
    pub at_till: Option<AtTill>,
}

impl ApprovalRequest {
    pub fn new(organizer_id: impl Into<String>, pin: impl Into<String>) -> ApprovalRequest {
        ApprovalRequest {
            organizer_id: Some(organizer_id.into()),
            pin: Some(pin.into()),
            at_till: None,
        }
    }

    /// The request as made by the person at the till.
    pub fn from_till(mut self, at_till: Option<AtTill>) -> ApprovalRequest {
        self.at_till = at_till;
        self
    }

    /// No organizer and no PIN: for actions that need an approval only
    /// sometimes, or a team with no organizer yet.
    pub fn none() -> ApprovalRequest {
        ApprovalRequest::default()
    }

    /// The organizer and the PIN, when both were given; the one place a
    /// request is unpacked.
    pub fn organizer_and_pin(&self) -> Result<(&str, &str)> {
        let organizer = self.organizer_id.as_deref().map(str::trim);
        let pin = self.pin.as_deref().map(str::trim);
        match (organizer, pin) {
            (Some(id), Some(pin)) if !id.is_empty() && !pin.is_empty() => Ok((id, pin)),
            _ => Err(Error::ApprovalNeeded(
                "an organizer's PIN is needed for this".into(),
            )),
        }
    }

    fn is_given(&self) -> bool {
        self.organizer_and_pin().is_ok()
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The shortest PIN each role may have: an organizer's PIN approves
/// privileged actions, so it is longer.
pub fn min_pin_len(role: Role) -> usize {
    match role {
        Role::Cashier => 4,
        Role::Organizer => 6,
    }
}

/// Check a PIN's shape for a role: 4 (cashier) or 6 (organizer) to 12 digits.
pub fn validate_pin(role: Role, pin: &str) -> Result<()> {
    let min = min_pin_len(role);
    if pin.len() < min {
        return Err(Error::validation(
            "pin",
            format!("must have at least {min} digits"),
        ));
    }
    if pin.len() > 12 || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::validation(
            "pin",
            format!("must be {min} to 12 digits, nothing else"),
        ));
    }
    Ok(())
}

/// The PHC string of an Argon2id hash of `pin` with a fresh salt.
pub fn hash_pin(role: Role, pin: &str) -> Result<String> {
    validate_pin(role, pin)?;
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Integrity(format!("cannot hash the PIN: {e}")))
}

fn pin_matches(pin: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| argon2().verify_password(pin.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

fn read_person(r: &rusqlite::Row) -> rusqlite::Result<Person> {
    let role: String = r.get(2)?;
    Ok(Person {
        id: r.get(0)?,
        name: r.get(1)?,
        role: if role == "organizer" {
            Role::Organizer
        } else {
            Role::Cashier
        },
        active: r.get(3)?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<Person>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, role, active FROM person ORDER BY active DESC, role DESC, name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], read_person)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Person> {
    conn.query_row(
        "SELECT id, name, role, active FROM person WHERE id = ?1",
        [id],
        read_person,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("person", id))
}

pub fn organizer_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM person WHERE role = 'organizer' AND active = 1",
        [],
        |r| r.get(0),
    )?)
}

/// Add a cashier or an organizer, each with their own PIN (they give it
/// to take the till). The name stays out of the journal: it is personal data.
pub fn add(tx: &Tx, approval: &Approval, input: &PersonInput) -> Result<Person> {
    let name = clean("name", &input.name, true, 80)?;
    let role = Role::parse(&input.role)?;
    let pin_hash = match input.pin.as_deref().map(str::trim) {
        Some(pin) if !pin.is_empty() => hash_pin(role, pin)?,
        _ => {
            return Err(Error::validation(
                "pin",
                format!(
                    "a{} {} needs a PIN of at least {} digits",
                    if role == Role::Organizer { "n" } else { "" },
                    role.as_str(),
                    min_pin_len(role)
                ),
            ))
        }
    };
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM person WHERE name = ?1 COLLATE NOCASE AND active = 1)",
        [&name],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::validation(
            "name",
            format!("someone called '{name}' is already on the team"),
        ));
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO person (id, device_id, name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![id, tx.device_id, name, role.as_str(), pin_hash, tx.now.utc],
    )?;
    tx.journal(
        "person.added",
        "person",
        &id,
        serde_json::json!({"role": role.as_str(), "approved_by": approval.organizer_id()}),
    )?;
    Ok(Person {
        id,
        name,
        role,
        active: true,
    })
}

/// An organizer sets a new PIN for someone on the team (who forgot theirs).
/// The PIN's tries start afresh.
pub fn reset_pin(tx: &Tx, approval: &Approval, person_id: &str, pin: &str) -> Result<()> {
    let person = get(tx, person_id)?;
    write_pin(
        tx,
        &person,
        pin,
        serde_json::json!({"by": "reset", "approved_by": approval.organizer_id()}),
    )
}

fn write_pin(tx: &Tx, person: &Person, pin: &str, details: serde_json::Value) -> Result<()> {
    let hash = hash_pin(person.role, pin.trim())?;
    tx.execute(
        "UPDATE person SET pin_hash = ?1 WHERE id = ?2",
        (&hash, &person.id),
    )?;
    // A fresh PIN clears the lockout: a right try is what ends a run of
    // wrong ones.
    record_try(tx, &person.id, true)?;
    tx.journal("person.pin_changed", "person", &person.id, details)?;
    Ok(())
}

fn record_try(tx: &Tx, person_id: &str, ok: bool) -> Result<()> {
    tx.execute(
        "INSERT INTO pin_attempt (id, device_id, person_id, at_utc, ok) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![new_id(), tx.device_id, person_id, tx.now.utc, ok],
    )?;
    Ok(())
}

/// Change your own PIN: the old PIN first (a wrong one counts as a try).
pub fn change_own_pin(
    store: &mut Store,
    person_id: &str,
    old_pin: &str,
    new_pin: &str,
) -> Result<()> {
    let person = get(store.conn(), person_id)?;
    validate_pin(person.role, new_pin.trim())?;
    verify_pin(store, person_id, old_pin, &Actor::person(person_id)).map_err(|e| match e {
        Error::Unauthorized(message) => Error::validation("old_pin", message),
        other => other,
    })?;
    store.write(&Actor::person(person_id), |tx| {
        write_pin(tx, &person, new_pin, serde_json::json!({"by": "self"}))
    })
}

/// An organizer resets someone's PIN, approved by an organizer's PIN.
pub fn reset_pin_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    person_id: &str,
    pin: &str,
) -> Result<()> {
    let approval = approve(store, request)?;
    store.write(actor, |tx| reset_pin(tx, &approval, person_id, pin))
}

/// Deactivate or reactivate a person (people are never deleted: the journal
/// names them). The last active organizer cannot be deactivated.
pub fn set_active(tx: &Tx, approval: &Approval, person_id: &str, active: bool) -> Result<Person> {
    let person = get(tx, person_id)?;
    if !active && person.role == Role::Organizer && person.active && organizer_count(tx)? <= 1 {
        return Err(Error::Conflict(
            "this is the last organizer; add another organizer before deactivating them".into(),
        ));
    }
    tx.execute(
        "UPDATE person SET active = ?1 WHERE id = ?2",
        (active, &person.id),
    )?;
    tx.journal(
        if active {
            "person.reactivated"
        } else {
            "person.deactivated"
        },
        "person",
        &person.id,
        serde_json::json!({"approved_by": approval.organizer_id()}),
    )?;
    Ok(Person { active, ..person })
}

/// The lockout state of an organizer, from their PIN tries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lockout {
    /// Wrong PINs since the last right one.
    pub failures: i64,
    /// Until when tries are refused, if locked now.
    pub locked_until: Option<DateTime<Utc>>,
}

/// How long the lockout lasts after `failures` wrong PINs in a row.
pub fn lockout_duration(failures: i64) -> Option<Duration> {
    if failures < FREE_TRIES {
        return None;
    }
    let doublings = (failures - FREE_TRIES).min(16) as u32;
    let secs = (FIRST_LOCKOUT_SECS.saturating_mul(1i64 << doublings)).min(MAX_LOCKOUT_SECS);
    Some(Duration::seconds(secs))
}

pub fn lockout(conn: &Connection, person_id: &str, now: DateTime<Utc>) -> Result<Lockout> {
    let mut stmt = conn.prepare(
        // In the order the tries were made (rowid), not by their clock: a
        // clock set back must not hide wrong tries.
        "SELECT at_utc, ok FROM pin_attempt WHERE person_id = ?1 ORDER BY rowid DESC LIMIT 64",
    )?;
    let mut failures = 0;
    let mut last_failure: Option<DateTime<Utc>> = None;
    let mut rows = stmt.query([person_id])?;
    while let Some(row) = rows.next()? {
        let ok: bool = row.get(1)?;
        if ok {
            break;
        }
        if last_failure.is_none() {
            last_failure = parse_utc(&row.get::<_, String>(0)?);
        }
        failures += 1;
    }
    let locked_until = match (lockout_duration(failures), last_failure) {
        (Some(d), Some(at)) if at + d > now => Some(at + d),
        _ => None,
    };
    Ok(Lockout {
        failures,
        locked_until,
    })
}

/// Check a team member's PIN. Every try is recorded in the `pin_attempt`
/// ledger and journaled (without the PIN) under `tried_by`, the person who
/// typed it, so that wrong tries lock the person out with growing delays,
/// even across restarts. A deactivated person's PIN is never accepted.
pub fn verify_pin(
    store: &mut Store,
    person_id: &str,
    pin: &str,
    tried_by: &Actor,
) -> Result<Person> {
    let person = get(store.conn(), person_id)?;
    if !person.active {
        return Err(Error::Unauthorized(format!(
            "{} is no longer active on the team",
            person.name
        )));
    }
    let now = store.now_local().with_timezone(&Utc);
    let state = lockout(store.conn(), person_id, now)?;
    if let Some(until) = state.locked_until {
        let wait = (until - now).num_seconds().max(1);
        return Err(Error::Locked(format!(
            "too many wrong PINs: try again in {wait} s"
        )));
    }
    let phc: Option<String> = store.conn().query_row(
        "SELECT pin_hash FROM person WHERE id = ?1",
        [person_id],
        |r| r.get(0),
    )?;
    let ok = phc
        .as_deref()
        .is_some_and(|phc| pin_matches(pin.trim(), phc));
    store.write(tried_by, |tx| {
        record_try(tx, person_id, ok)?;
        tx.journal(
            if ok { "pin.accepted" } else { "pin.rejected" },
            "person",
            person_id,
            serde_json::json!({}),
        )?;
        Ok(())
    })?;
    if ok {
        return Ok(person);
    }
    if phc.is_none() {
        return Err(Error::Unauthorized(format!(
            "{} has no PIN yet: an organizer sets one on the People screen",
            person.name
        )));
    }
    let failures = state.failures + 1;
    let message = match lockout_duration(failures) {
        Some(d) => format!("wrong PIN; tries are locked for {} s", d.num_seconds()),
        None => format!(
            "wrong PIN; {} more {} before a lockout",
            FREE_TRIES - failures,
            if FREE_TRIES - failures == 1 {
                "try"
            } else {
                "tries"
            }
        ),
    };
    Err(Error::Unauthorized(message))
}

/// Check an organizer's PIN (see `verify_pin`): the one way to an `Approval`
/// from a typed PIN. `tried_by` is who typed it (the person at the till, or
/// the organizer themself).
fn organizer_pin(
    store: &mut Store,
    organizer_id: &str,
    pin: &str,
    tried_by: &Actor,
) -> Result<Approval> {
    let person = get(store.conn(), organizer_id)?;
    if person.role != Role::Organizer || !person.active {
        return Err(Error::Unauthorized(
            "only an active organizer can approve this".into(),
        ));
    }
    verify_pin(store, organizer_id, pin, tried_by)?;
    Ok(Approval {
        organizer_id: organizer_id.to_string(),
    })
}

/// Check an organizer's PIN typed by the organizer themself.
pub fn verify_organizer_pin(store: &mut Store, organizer_id: &str, pin: &str) -> Result<Approval> {
    organizer_pin(store, organizer_id, pin, &Actor::person(organizer_id))
}

/// Check a request: the organizer's PIN (with the lockout) yields an
/// `Approval`; so does an organizer at the till (who gave their PIN to take
/// it). Otherwise the answer is `ApprovalNeeded`: the window asks for a PIN
/// and sends the request again.
pub fn approve(store: &mut Store, request: &ApprovalRequest) -> Result<Approval> {
    if let Ok((organizer_id, pin)) = request.organizer_and_pin() {
        let tried_by = request
            .at_till
            .as_ref()
            .map(|at| at.actor())
            .unwrap_or_else(|| Actor::person(organizer_id));
        return organizer_pin(store, organizer_id, pin, &tried_by);
    }
    match request.at_till.as_ref() {
        Some(at) if at.role() == Role::Organizer => {
            let person = get(store.conn(), at.person_id())?;
            if person.active && person.role == Role::Organizer {
                return Ok(Approval {
                    organizer_id: person.id,
                });
            }
            Err(Error::NoOneAtTill(format!(
                "{} is no longer an active organizer; choose who is at the till",
                person.name
            )))
        }
        _ => Err(Error::ApprovalNeeded(
            "an organizer's PIN is needed for this".into(),
        )),
    }
}

/// For actions that need an organizer only in some cases (the core decides
/// which, given the approval or its absence): the request checked when a PIN
/// was given or an organizer is at the till, nothing otherwise. A wrong PIN
/// is still an error.
pub fn approve_if_given(store: &mut Store, request: &ApprovalRequest) -> Result<Option<Approval>> {
    let organizer_at_till = request
        .at_till
        .as_ref()
        .is_some_and(|at| at.role() == Role::Organizer);
    if request.is_given() || organizer_at_till {
        approve(store, request).map(Some)
    } else {
        Ok(None)
    }
}

/// Approval for settings and the team: while the shop has no organizer yet
/// (the very first setup) the setup approves itself; afterwards an
/// organizer's PIN is required.
pub fn approve_setup(store: &mut Store, request: &ApprovalRequest) -> Result<Approval> {
    if organizer_count(store.conn())? == 0 {
        return Ok(Approval::bootstrap());
    }
    approve(store, request)
}

/// Add a person, approved by an organizer's PIN (or, in the very first
/// setup, with no organizer yet, without one).
pub fn add_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    input: &PersonInput,
) -> Result<Person> {
    let approval = approve_setup(store, request)?;
    store.write(actor, |tx| add(tx, &approval, input))
}

/// Deactivate or reactivate a person, approved by an organizer's PIN.
pub fn set_active_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    person_id: &str,
    active: bool,
) -> Result<Person> {
    let approval = approve_setup(store, request)?;
    store.write(actor, |tx| set_active(tx, &approval, person_id, active))
}
