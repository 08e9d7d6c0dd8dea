//! The clock the demo moves and the team's hand in its task flows. The
//! demo dates its work (a market's sales, a step signed two weeks before a
//! fair) by moving the till's clock; steps nobody's work completes are
//! signed by the people who did them, on the days they fell due, through
//! the same function as the Tasks screen.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};

use crate::db::clock::system_clock;
use crate::shop::people::{self, ApprovalRequest, Person};
use crate::tasks::{self, SignInput, Signoff};
use crate::{Actor, Error, Result, Store};

/// The time the demo has set; the store reads it as its clock.
pub struct DemoClock(Arc<Mutex<DateTime<FixedOffset>>>);

impl DemoClock {
    pub fn set(&self, t: DateTime<FixedOffset>) {
        if let Ok(mut now) = self.0.lock() {
            *now = t;
        }
    }
}

/// A clock the demo moves, set on `store` from `start` (the till keeps it
/// until it is closed: a second laptop's file made for the demo).
pub fn install_demo_clock(store: &mut Store, start: DateTime<FixedOffset>) -> DemoClock {
    let clock = DemoClock(Arc::new(Mutex::new(start)));
    let shared = clock.0.clone();
    store.set_clock(Box::new(move || match shared.lock() {
        Ok(t) => *t,
        Err(_) => chrono::Local::now().fixed_offset(),
    }));
    clock
}

/// Run `work` on a clock the demo moves, starting at `start`; the till
/// goes back to real time afterwards, whatever happened.
pub fn on_demo_clock<T>(
    store: &mut Store,
    start: DateTime<FixedOffset>,
    work: impl FnOnce(&mut Store, &DemoClock) -> Result<T>,
) -> Result<T> {
    let clock = DemoClock(Arc::new(Mutex::new(start)));
    let shared = clock.0.clone();
    store.set_clock(Box::new(move || match shared.lock() {
        Ok(t) => *t,
        // A poisoned lock only happens after a panic elsewhere; fall back to now.
        Err(_) => chrono::Local::now().fixed_offset(),
    }));
    let result = work(store, &clock);
    store.set_clock(system_clock());
    result
}

/// `day` at `hour:minute` on the wall clock of `offset`.
pub fn local_time(
    offset: FixedOffset,
    day: NaiveDate,
    hour: u32,
    minute: u32,
) -> Result<DateTime<FixedOffset>> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0)
        .ok_or_else(|| Error::Integrity("a demo time is invalid".into()))?;
    offset
        .from_local_datetime(&day.and_time(time))
        .single()
        .ok_or_else(|| Error::Integrity("a demo time is ambiguous".into()))
}

/// A step signed by hand: the step's key in the starter flow, when
/// (days from the event's day, then the time of day) and by whom (a
/// first name on the demo team).
pub struct HandSignature {
    pub key: &'static str,
    pub day: i64,
    pub at: (u32, u32),
    pub by: &'static str,
}

/// Sign these steps of the event's flow in order, each at its time. A step
/// that needs an organizer's PIN is approved with `organizer_pin` (the
/// demo's organizer signs those herself).
pub fn sign_by_hand(
    store: &mut Store,
    clock: &DemoClock,
    event_id: &str,
    event_day: NaiveDate,
    organizer_pin: &str,
    signatures: &[HandSignature],
) -> Result<()> {
    let team = people::list(store.conn())?;
    let offset = *store.now_local().offset();
    for signature in signatures {
        let person = team_member(&team, signature.by)?;
        let (hour, minute) = signature.at;
        clock.set(local_time(
            offset,
            event_day + Duration::days(signature.day),
            hour,
            minute,
        )?);
        let step = tasks::flow(store, event_id)?
            .steps
            .into_iter()
            .find(|s| s.key == signature.key)
            .ok_or_else(|| {
                Error::Integrity(format!("the demo flow has no step '{}'", signature.key))
            })?;
        let approval = if step.signoff == Signoff::OrganizerPin {
            ApprovalRequest::new(&person.id, organizer_pin)
        } else {
            ApprovalRequest::none()
        };
        tasks::sign_with_pin(
            store,
            &Actor::person(&person.id),
            &step.id,
            &SignInput {
                signer_name: person.name.clone(),
                signer_person_id: Some(person.id.clone()),
                ..SignInput::default()
            },
            &approval,
        )?;
    }
    Ok(())
}

/// The demo team member with this first name.
pub fn team_member<'a>(team: &'a [Person], first_name: &str) -> Result<&'a Person> {
    team.iter()
        .find(|p| p.name.split_whitespace().next() == Some(first_name))
        .ok_or_else(|| Error::Integrity(format!("the demo team has no {first_name}")))
}
