//! Signing steps off: the append-only records that make a step done or
//! skipped. A person signs (two different people where the step needs
//! them, an organizer's PIN where it needs one) or skips with a reason; or
//! the work itself completes the step that asked for it
//! ([`complete_by_action`]), called by the till, stock, order and export
//! code inside their own transaction.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::flow::{flow_at, now_local, step_of, SignoffRecord, Step, StepStatus};
use super::{Action, Signoff};
use crate::db::store::{Actor, Tx};
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::text::{clean, fold_for_search};
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

/// Who signs: the name a volunteer gives (and their team id when they are
/// on the team).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SignInput {
    pub signer_name: String,
    #[serde(default)]
    pub signer_person_id: Option<String>,
}

/// Names compared as people mean them: case, accents and spacing aside.
fn same_person(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        fold_for_search(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

#[allow(clippy::too_many_arguments)]
fn insert_record(
    tx: &Tx,
    task_id: &str,
    kind: &str,
    signer_name: &str,
    signer_person_id: Option<&str>,
    approved_by: Option<&str>,
    reason: &str,
    source: (Option<&str>, Option<&str>),
) -> Result<String> {
    let id = new_id();
    tx.execute(
        "INSERT INTO task_signoff (id, device_id, task_id, kind, signer_person_id, approved_by, reason, source_type, source_id, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        rusqlite::params![
            id,
            tx.device_id,
            task_id,
            kind,
            signer_person_id,
            approved_by,
            reason,
            source.0,
            source.1,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    // The name is personal data: kept beside the append-only ledger row, where
    // it can be erased (migration 0010).
    tx.execute(
        "INSERT INTO task_signer_name (signoff_id, name) VALUES (?1, ?2)",
        (&id, signer_name),
    )?;
    Ok(id)
}

/// Sign a step off (or one half of a two-person step). Refused before its
/// prerequisites are done, twice by the same person, and without an
/// organizer's approval when the step needs one.
pub fn sign(
    tx: &Tx,
    task_id: &str,
    input: &SignInput,
    approval: Option<&Approval>,
) -> Result<Step> {
    let step = step_of(tx, task_id)?;
    must_be_open(&step)?;
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
    let name = clean("signer_name", &input.signer_name, true, 80)?;
    let person_id = match input.signer_person_id.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(people::get(tx, p)?.id),
        None => None,
    };
    if step.signoff == Signoff::OrganizerPin && approval.is_none() {
        return Err(Error::Unauthorized(format!(
            "'{}' needs an organizer's PIN",
            step.title
        )));
    }
    let earlier: Vec<&SignoffRecord> = step.records.iter().filter(|r| r.kind == "sign").collect();
    if step.signoff == Signoff::TwoPeople {
        if let Some(first) = earlier.iter().find(|r| same_person(&r.signer_name, &name)) {
            return Err(Error::validation(
                "signer_name",
                format!(
                    "{} already signed the first half of '{}'; a second, different person must sign",
                    first.signer_name, step.title
                ),
            ));
        }
    }
    let record_id = insert_record(
        tx,
        task_id,
        "sign",
        &name,
        person_id.as_deref(),
        approval.map(|a| a.organizer_id()),
        "",
        (None, None),
    )?;
    tx.journal(
        "task.signed",
        "task",
        task_id,
        serde_json::json!({
            "event_id": step.event_id,
            "signoff_id": record_id,
            "signature": earlier.len() + 1,
            "signer_person_id": person_id,
            "approved_by": approval.map(|a| a.organizer_id()),
        }),
    )?;
    step_of(tx, task_id)
}

/// Sign a step that may need an organizer's PIN: the PIN is checked (and
/// its try recorded) first, then the sign-off is written.
pub fn sign_with_pin(
    store: &mut Store,
    actor: &Actor,
    task_id: &str,
    input: &SignInput,
    request: &ApprovalRequest,
) -> Result<Step> {
    let approval = people::approve_if_given(store, request)?;
    store.write(actor, |tx| sign(tx, task_id, input, approval.as_ref()))
}

/// Skip a step, with the reason. A step that needs an organizer's PIN
/// needs it to be skipped too.
pub fn skip(tx: &Tx, task_id: &str, reason: &str, approval: Option<&Approval>) -> Result<Step> {
    let step = step_of(tx, task_id)?;
    must_be_open(&step)?;
    let reason = clean("reason", reason, true, 500)?;
    if step.signoff == Signoff::OrganizerPin && approval.is_none() {
        return Err(Error::Unauthorized(format!(
            "skipping '{}' needs an organizer's PIN",
            step.title
        )));
    }
    let (person, who) = actor_person(tx)?;
    let record_id = insert_record(
        tx,
        task_id,
        "skip",
        &who,
        person.as_deref(),
        approval.map(|a| a.organizer_id()),
        &reason,
        (None, None),
    )?;
    tx.journal(
        "task.skipped",
        "task",
        task_id,
        serde_json::json!({"event_id": step.event_id, "signoff_id": record_id}),
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

/// The person making this change, when it is a person on the team (a
/// system actor such as the command line has no name to sign with).
fn actor_person(tx: &Tx) -> Result<(Option<String>, String)> {
    let name: Option<String> = tx
        .query_row(
            "SELECT name FROM person WHERE id = ?1",
            [&tx.actor.id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match name {
        Some(name) => (Some(tx.actor.id.clone()), name),
        None => (None, tx.actor.id.clone()),
    })
}

/// The kind of document whose work completed a step. Stored with the
/// sign-off record, so the step links to it (the export's `done_by` is
/// `kind:id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkSource {
    TillSession,
    Sale,
    Transfer,
    Count,
    Order,
    Export,
}

impl WorkSource {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkSource::TillSession => "till_session",
            WorkSource::Sale => "sale",
            WorkSource::Transfer => "transfer",
            WorkSource::Count => "count",
            WorkSource::Order => "order",
            WorkSource::Export => "export",
        }
    }
}

/// The work itself completes the step that asked for it: called by the
/// stock, till, order and export code inside their own transaction (a till
/// session opened, a count saved, the first sale), with the document that
/// did the work. Completes the first open step of the event with that
/// action and returns its id; does nothing (and returns None) when the
/// flow has no such open step. The work is the proof, so prerequisites do
/// not hold it back: a till that opened, opened.
pub fn complete_by_action(
    tx: &Tx,
    event_id: &str,
    action: Action,
    source: WorkSource,
    source_id: &str,
) -> Result<Option<String>> {
    let flow = flow_at(tx, event_id, now_local(tx))?;
    let Some(step) = flow
        .steps
        .iter()
        .find(|s| s.action == Some(action) && s.status == StepStatus::Open)
    else {
        return Ok(None);
    };
    let (person, who) = actor_person(tx)?;
    let record_id = insert_record(
        tx,
        &step.id,
        "work",
        &who,
        person.as_deref(),
        None,
        "",
        (Some(source.as_str()), Some(source_id)),
    )?;
    tx.journal(
        "task.completed_by_work",
        "task",
        &step.id,
        serde_json::json!({
            "event_id": event_id,
            "signoff_id": record_id,
            "action": action.as_str(),
            "source_type": source.as_str(),
            "source_id": source_id,
        }),
    )?;
    Ok(Some(step.id.clone()))
}
