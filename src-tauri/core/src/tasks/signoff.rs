//! Signing steps off by hand: the append-only records that make a step done
//! or skipped. A person signs (a one-person step with their name; an
//! organizer-PIN step with an organizer's approval; a two-person step, the
//! person at the till and a second team member with their own PIN — see
//! `two_people`) or skips with a reason. The record writer and who the
//! person at the till is are shared with the work's own completions
//! (`by_work`).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::flow::{step_at, step_of, Step, StepStatus};
use super::two_people::{self, Cosigner};
use super::Signoff;
use crate::db::store::{Actor, Tx};
use crate::shop::people::{self, Approval, ApprovalRequest, Person};
use crate::text::clean;
use crate::{new_id, Error, Result, Store};

fn must_be_open(step: &Step) -> Result<()> {
    match step.status {
        StepStatus::Open => Ok(()),
        StepStatus::Done => Err(Error::Conflict(format!("'{}' is already done", step.title))),
        StepStatus::Skipped => Err(Error::Conflict(format!(
            "'{}' was skipped; it cannot be signed",
            step.title
        ))),
    }
}

/// A step that may be signed now: open, its prerequisites done.
pub(super) fn ready_to_sign(step: &Step) -> Result<()> {
    must_be_open(step)?;
    if !step.waiting_for.is_empty() {
        return Err(Error::Conflict(format!(
            "'{}' cannot be signed yet: first finish {}",
            step.title,
            step.waiting_for
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

/// Who signs. A one-person or organizer-PIN step: the name a volunteer
/// gives (and their team id when they are on the team). A two-person step:
/// the person at the till signs, and the second signature is another team
/// member chosen by id who types their own PIN; no name is typed.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct SignInput {
    #[serde(default)]
    pub signer_name: String,
    #[serde(default)]
    pub signer_person_id: Option<String>,
    /// A two-person step: the team member who signs second.
    #[serde(default)]
    pub second_person_id: Option<String>,
    /// Their own PIN; checked, never stored or journaled.
    #[serde(default)]
    pub second_pin: Option<String>,
}

impl std::fmt::Debug for SignInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInput")
            .field("signer_name", &self.signer_name)
            .field("signer_person_id", &self.signer_person_id)
            .field("second_person_id", &self.second_person_id)
            .field("second_pin", &self.second_pin.as_ref().map(|_| "…"))
            .finish()
    }
}

impl SignInput {
    /// The second person chosen, if any.
    pub(super) fn second_person(&self) -> Option<&str> {
        self.second_person_id
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}

/// One record of a step: its kind, who (the name kept apart, where it can
/// be erased), the approving organizer, a skip's reason, the work's
/// document.
pub(super) struct Record<'a> {
    pub kind: &'a str,
    pub signer_name: &'a str,
    pub signer_person_id: Option<&'a str>,
    pub approved_by: Option<&'a str>,
    pub reason: &'a str,
    pub source: (Option<&'a str>, Option<&'a str>),
}

pub(super) fn insert_record(tx: &Tx, task_id: &str, record: &Record) -> Result<String> {
    let id = new_id();
    tx.execute(
        "INSERT INTO task_signoff (id, device_id, task_id, kind, signer_person_id, approved_by, reason, source_type, source_id, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        rusqlite::params![
            id,
            tx.device_id,
            task_id,
            record.kind,
            record.signer_person_id,
            record.approved_by,
            record.reason,
            record.source.0,
            record.source.1,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    // The name is personal data: kept beside the append-only ledger row, where
    // it can be erased (migration 0010).
    tx.execute(
        "INSERT INTO task_signer_name (signoff_id, name) VALUES (?1, ?2)",
        (&id, record.signer_name),
    )?;
    Ok(id)
}

/// The team member making a change, when the actor is one (a system actor
/// such as the command line or the demo's setup is not).
pub(super) fn team_member(conn: &Connection, actor: &Actor) -> Result<Option<Person>> {
    let on_team: Option<String> = conn
        .query_row("SELECT id FROM person WHERE id = ?1", [&actor.id], |r| {
            r.get(0)
        })
        .optional()?;
    on_team.map(|id| people::get(conn, &id)).transpose()
}

/// Who makes this change, as a record names them: a team member's id and
/// name, or a system actor's id as its name.
pub(super) fn actor_signer(tx: &Tx) -> Result<(Option<String>, String)> {
    Ok(match team_member(tx, tx.actor)? {
        Some(person) => (Some(person.id), person.name),
        None => (None, tx.actor.id.clone()),
    })
}

/// The approval a step's records keep: only an organizer-PIN step's (an
/// organizer at the till approves everything they do, which is no
/// approval of a step that asks for none).
fn needed<'a>(step: &Step, approval: Option<&'a Approval>) -> Option<&'a Approval> {
    approval.filter(|_| step.signoff == Signoff::OrganizerPin)
}

/// Sign a step off. Refused before its prerequisites are done and once it
/// is done or skipped. A one-person step takes the signer's name; an
/// organizer-PIN step also an organizer's approval (without it the answer
/// is `ApprovalNeeded`); a two-person step is signed by the person at the
/// till and, when a second signature is still needed, by the `second` team
/// member who confirmed with their PIN (see `two_people`).
pub fn sign(
    tx: &Tx,
    task_id: &str,
    input: &SignInput,
    approval: Option<&Approval>,
    second: Option<&Cosigner>,
) -> Result<Step> {
    let step = step_of(tx, task_id)?;
    ready_to_sign(&step)?;
    let approval = needed(&step, approval);
    if step.signoff == Signoff::TwoPeople {
        two_people::sign(tx, &step, second, approval)?;
        return step_of(tx, task_id);
    }
    if second.is_some() || input.second_person().is_some() {
        return Err(two_people::not_asked(&step));
    }
    let name = clean("signer_name", &input.signer_name, true, 80)?;
    let person_id = match input.signer_person_id.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(people::get(tx, p)?.id),
        None => None,
    };
    if step.signoff == Signoff::OrganizerPin && approval.is_none() {
        return Err(Error::ApprovalNeeded(format!(
            "'{}' needs an organizer's PIN",
            step.title
        )));
    }
    let record_id = insert_record(
        tx,
        task_id,
        &Record {
            kind: "sign",
            signer_name: &name,
            signer_person_id: person_id.as_deref(),
            approved_by: approval.map(|a| a.organizer_id()),
            reason: "",
            source: (None, None),
        },
    )?;
    tx.journal(
        "task.signed",
        "task",
        task_id,
        serde_json::json!({
            "event_id": step.event_id,
            "signoff_id": record_id,
            "signature": super::flow::signatures(&step.records).count() + 1,
            "signer_person_id": person_id,
            "approved_by": approval.map(|a| a.organizer_id()),
        }),
    )?;
    step_of(tx, task_id)
}

/// Sign a step as the person at the till (`actor`). A two-person step's
/// second person confirms with their own PIN first (checked with the
/// lockout, the try journaled under the actor); an organizer's approval is
/// checked when given (or an organizer is at the till); then the sign-off
/// is written.
pub fn sign_with_pin(
    store: &mut Store,
    actor: &Actor,
    task_id: &str,
    input: &SignInput,
    request: &ApprovalRequest,
) -> Result<Step> {
    let second = match input.second_person() {
        Some(person_id) => Some(two_people::confirm(
            store,
            actor,
            task_id,
            person_id,
            input.second_pin.as_deref().unwrap_or(""),
        )?),
        None => None,
    };
    let approval = people::approve_if_given(store, request)?;
    store.write(actor, |tx| {
        sign(tx, task_id, input, approval.as_ref(), second.as_ref())
    })
}

/// Skip a step, with the reason. A step that needs an organizer's PIN
/// needs it to be skipped too.
pub fn skip(tx: &Tx, task_id: &str, reason: &str, approval: Option<&Approval>) -> Result<Step> {
    let step = step_of(tx, task_id)?;
    must_be_open(&step)?;
    let approval = needed(&step, approval);
    let reason = clean("reason", reason, true, 500)?;
    if step.signoff == Signoff::OrganizerPin && approval.is_none() {
        return Err(Error::ApprovalNeeded(format!(
            "skipping '{}' needs an organizer's PIN",
            step.title
        )));
    }
    let (person, who) = actor_signer(tx)?;
    let record_id = insert_record(
        tx,
        task_id,
        &Record {
            kind: "skip",
            signer_name: &who,
            signer_person_id: person.as_deref(),
            approved_by: approval.map(|a| a.organizer_id()),
            reason: &reason,
            source: (None, None),
        },
    )?;
    tx.journal(
        "task.skipped",
        "task",
        task_id,
        serde_json::json!({
            "event_id": step.event_id,
            "signoff_id": record_id,
            "approved_by": approval.map(|a| a.organizer_id()),
        }),
    )?;
    step_of(tx, task_id)
}

pub fn skip_with_pin(
    store: &mut Store,
    actor: &Actor,
    task_id: &str,
    reason: &str,
    request: &ApprovalRequest,
) -> Result<Step> {
    let approval = people::approve_if_given(store, request)?;
    store.write(actor, |tx| skip(tx, task_id, reason, approval.as_ref()))
}

/// The step as of the store's clock (for checks made before a write).
pub(super) fn step_now(store: &Store, task_id: &str) -> Result<Step> {
    step_at(store.conn(), task_id, store.now_local().naive_local())
}
