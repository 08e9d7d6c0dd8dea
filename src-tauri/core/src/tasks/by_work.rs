//! The work itself signs its step: the stock, till, order and export code
//! call [`complete_by_action`] inside their own transaction with the
//! document that did the work. The work counts as one signature, by whoever
//! did it: it completes a one-person step; a two-person step then awaits a
//! second, different person, and an organizer-PIN step an organizer's
//! approval, both given on the Tasks screen.

use super::flow::{flow_at, now_local, StepStatus};
use super::signoff::{actor_signer, insert_record, Record};
use super::Action;
use crate::db::store::Tx;
use crate::Result;

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

/// The work itself signs the step that asked for it: called by the stock,
/// till, order and export code inside their own transaction (a till
/// session opened, a count saved, the first sale), with the document that
/// did the work. Signs the first open step of the event with that action
/// whose work is not yet recorded and returns its id; does nothing (and
/// returns None) when the flow has no such step. The work is the proof, so
/// prerequisites do not hold it back: a till that opened, opened. Whether
/// the step is then done depends on its sign-off (see the module's doc).
pub fn complete_by_action(
    tx: &Tx,
    event_id: &str,
    action: Action,
    source: WorkSource,
    source_id: &str,
) -> Result<Option<String>> {
    let flow = flow_at(tx, event_id, now_local(tx))?;
    let Some(step) = flow.steps.iter().find(|s| {
        s.action == Some(action)
            && s.status == StepStatus::Open
            && !s.records.iter().any(|r| r.kind == "work")
    }) else {
        return Ok(None);
    };
    let (person, who) = actor_signer(tx)?;
    let record_id = insert_record(
        tx,
        &step.id,
        &Record {
            kind: "work",
            signer_name: &who,
            signer_person_id: person.as_deref(),
            approved_by: None,
            reason: "",
            source: (Some(source.as_str()), Some(source_id)),
        },
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
            "signer_person_id": person,
        }),
    )?;
    Ok(Some(step.id.clone()))
}
