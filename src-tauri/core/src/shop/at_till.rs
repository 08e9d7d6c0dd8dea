//! Who is at the till: a team member takes the till with their own PIN and
//! holds it until they lock it, someone else takes it, the till locks
//! itself after the idle time in the settings, or they are deactivated.
//! `AtTill` is the proof of a taken till; only `take_till` makes one, and
//! `check` turns it into the actor of each command (or refuses).

use std::time::Duration;

use rusqlite::Connection;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::db::store::{Actor, Store};
use crate::shop::people::{self, Person, Role};
use crate::shop::settings;
use crate::{Error, Result};

/// A person who took the till with their PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AtTill {
    person_id: String,
    role: Role,
}

impl AtTill {
    pub fn person_id(&self) -> &str {
        &self.person_id
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn actor(&self) -> Actor {
        Actor::person(&self.person_id)
    }

    /// The first organizer, who set the shop up with their PIN just now.
    pub(crate) fn set_up_by(person: &Person) -> AtTill {
        AtTill {
            person_id: person.id.clone(),
            role: person.role,
        }
    }
}

/// Take the till: the person's own PIN (with the lockout; a wrong try is
/// journaled under the person it was typed for). A deactivated person
/// cannot take it.
pub fn take_till(store: &mut Store, person_id: &str, pin: &str) -> Result<(AtTill, Person)> {
    let person = people::verify_pin(store, person_id, pin, &Actor::person(person_id))?;
    Ok((AtTill::set_up_by(&person), person))
}

/// The idle time after which the till locks itself (a setting).
pub fn idle_lock(conn: &Connection) -> Result<Duration> {
    let minutes = settings::load(conn)?
        .limits
        .idle_lock_minutes
        .to_f64()
        .unwrap_or(10.0);
    Ok(Duration::from_secs_f64(minutes * 60.0))
}

/// The actor of a command made by the person at the till, `idle_for`
/// after the till's last command: refused when nobody is at the till,
/// when the till has been idle longer than the idle lock, or when the
/// person has been deactivated since (checked on every command).
pub fn check(conn: &Connection, at_till: Option<&AtTill>, idle_for: Duration) -> Result<Actor> {
    let at = at_till.ok_or_else(|| Error::NoOneAtTill("choose who is at the till first".into()))?;
    let limit = idle_lock(conn)?;
    if idle_for > limit {
        return Err(Error::NoOneAtTill(format!(
            "the till locked itself after {} minutes without use; choose who is at the till",
            limit.as_secs() / 60
        )));
    }
    let person = people::get(conn, &at.person_id)?;
    if !person.active {
        return Err(Error::NoOneAtTill(format!(
            "{} is no longer active on the team; choose who is at the till",
            person.name
        )));
    }
    Ok(at.actor())
}
