//! An event's flow: the copy of a template's steps an event gets, and each
//! step's state derived on read from its sign-off records: done, skipped
//! or open (and then what it still awaits: a second signature, an
//! organizer's approval), overdue against the clock (or a late start: due
//! before the flow was even made), waiting for open prerequisites. Also what may be edited on a step of an event (assignee,
//! notes, due).

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::due::{check_due_fits_phase, parse_due, Due};
use super::templates::{get_template, parse_list, stored_due, to_json_list, TemplateStep};
use super::{Action, Phase, Signoff};
use crate::db::store::Tx;
use crate::shop::events::{self, Event, EventInput};
use crate::text::clean;
use crate::{new_id, Error, Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Open,
    Done,
    Skipped,
}

/// One sign-off, skip or completion by the work, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignoffRecord {
    pub id: String,
    pub kind: String,
    /// The signer's name; empty once erased (`name_erased`).
    pub signer_name: String,
    /// The signer's team id, when they are on the team (kept when the name
    /// is erased).
    pub signer_person_id: Option<String>,
    /// The name was erased (`tasks::erase_signer_names`): the record still
    /// shows that someone signed, and their id, but no longer who by name.
    pub name_erased: bool,
    /// The name of the organizer whose PIN approved it, if any.
    pub approved_by: Option<String>,
    pub reason: String,
    pub source_type: Option<String>,
    pub source_id: Option<String>,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
}

/// What an open step still needs after the first part of it was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Awaiting {
    /// A two-person step with one signature (a person's, or the work's):
    /// a second, different team member still signs with their own PIN.
    SecondSignature,
    /// An organizer-PIN step whose work was done: an organizer still
    /// approves it.
    OrganizerApproval,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: String,
    pub event_id: String,
    pub position: i64,
    pub key: String,
    pub phase: Phase,
    pub title: String,
    pub notes: String,
    pub action: Option<Action>,
    /// The screen that does this step's work.
    pub screen: Option<&'static str>,
    pub due: Option<Due>,
    pub due_text: String,
    /// Local wall-clock time the step is due, `YYYY-MM-DDTHH:MM`.
    pub due_at: Option<String>,
    /// Open and past its due time, which came after the flow was made.
    pub overdue: bool,
    /// Open and due before the flow was made (an event created late): not
    /// overdue, since nobody could have done it in time.
    pub late_start: bool,
    pub signoff: Signoff,
    pub requires: Vec<String>,
    /// Titles of prerequisites still open.
    pub waiting_for: Vec<String>,
    pub assignee: String,
    pub status: StepStatus,
    /// What an open step still awaits once part of it is done; None when
    /// it is done, skipped, or nothing of it is done yet.
    pub awaiting: Option<Awaiting>,
    pub records: Vec<SignoffRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseProgress {
    pub phase: Phase,
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub event: Event,
    pub steps: Vec<Step>,
    pub phases: Vec<PhaseProgress>,
    pub done: usize,
    pub total: usize,
    /// Ids of the open steps that can be signed now, in order.
    pub next: Vec<String>,
    pub overdue: usize,
    /// Open steps that were due before the flow was made.
    pub late_start: usize,
    /// How many sign-off records still carry the signer's name (see
    /// `tasks::erase_signer_names`).
    pub signer_names: usize,
}

/// Make an event's flow from a template: a copy of its steps.
pub fn create_flow(tx: &Tx, event_id: &str, template_id: &str) -> Result<Vec<Step>> {
    let event = events::get(tx, event_id)?;
    let existing: i64 = tx.query_row(
        "SELECT count(*) FROM task WHERE event_id = ?1",
        [event_id],
        |r| r.get(0),
    )?;
    if existing > 0 {
        return Err(Error::Conflict(format!(
            "'{}' already has a flow of {existing} steps",
            event.name
        )));
    }
    let template = get_template(tx, template_id)?;
    // A repeating step becomes one task per repetition, from its due time
    // to the event's end (each its own sign-off); a step that depends on
    // it waits for the first.
    let minutes = event_minutes(&event.starts_at, &event.ends_at);
    let tasks: Vec<(&TemplateStep, usize, usize)> = template
        .steps
        .iter()
        .flat_map(|s| {
            let n = match (s.repeat_minutes, s.due) {
                // Every `every` minutes from the due time while the event
                // still runs (none at the very end: the clean-down is then).
                (Some(every), Some(due)) if every > 0 && minutes > due.offset_minutes => {
                    ((minutes - due.offset_minutes - 1) / every + 1) as usize
                }
                _ => 1,
            };
            (1..=n).map(move |k| (s, k, n))
        })
        .collect();
    let task_ids: Vec<String> = tasks.iter().map(|_| new_id()).collect();
    let ids: HashMap<&str, String> = tasks
        .iter()
        .zip(&task_ids)
        .filter(|((_, k, _), _)| *k == 1)
        .map(|((s, _, _), id)| (s.key.as_str(), id.clone()))
        .collect();
    for (i, ((s, k, n), id)) in tasks.iter().zip(&task_ids).enumerate() {
        let requires: Vec<String> = s
            .requires
            .iter()
            .filter_map(|k| ids.get(k.as_str()).cloned())
            .collect();
        let (key, title, due) = if *n > 1 {
            let every = s.repeat_minutes.unwrap_or(0);
            (
                format!("{}-{k}", s.key),
                format!("{} ({k} of {n})", s.title),
                s.due.map(|d| Due {
                    offset_minutes: d.offset_minutes + every * (*k as i64 - 1),
                    ..d
                }),
            )
        } else {
            (s.key.clone(), s.title.clone(), s.due)
        };
        tx.execute(
            "INSERT INTO task (id, device_id, event_id, template_id, position, key, phase, title, notes, action, due_anchor, due_offset_minutes, signoff, requires, created_at, utc_offset_minutes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            rusqlite::params![
                id,
                tx.device_id,
                event_id,
                template_id,
                i as i64 + 1,
                key,
                s.phase.as_str(),
                title,
                s.notes,
                s.action.map(Action::as_str),
                due.map(|d| d.anchor.as_str()),
                due.map(|d| d.offset_minutes),
                s.signoff.as_str(),
                to_json_list(&requires),
                tx.now.utc,
                tx.now.offset_minutes,
            ],
        )?;
    }
    tx.journal(
        "task_flow.created",
        "event",
        event_id,
        serde_json::json!({"template_id": template_id, "steps": tasks.len()}),
    )?;
    Ok(flow_at(tx, event_id, now_local(tx))?.steps)
}

/// Minutes from an event's start to its end (local wall-clock times).
fn event_minutes(starts_at: &str, ends_at: &str) -> i64 {
    let parse = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").ok();
    match (parse(starts_at), parse(ends_at)) {
        (Some(a), Some(b)) => (b - a).num_minutes(),
        _ => 0,
    }
}

/// Create an event and, when a template is chosen, its flow: one
/// transaction, so an event never exists with half a flow.
pub fn create_event_with_flow(
    tx: &Tx,
    input: &EventInput,
    template_id: Option<&str>,
) -> Result<Event> {
    let event = events::create(tx, input)?;
    if let Some(template_id) = template_id.map(str::trim).filter(|t| !t.is_empty()) {
        match get_template(tx, template_id) {
            Err(Error::NotFound { .. }) => {
                return Err(Error::validation(
                    "template",
                    "choose a task template from the list",
                ))
            }
            other => other?,
        };
        create_flow(tx, &event.id, template_id)?;
    }
    Ok(event)
}

pub(super) fn now_local(tx: &Tx) -> NaiveDateTime {
    crate::db::clock::parse_utc(&tx.now.utc)
        .map(|t| (t + Duration::minutes(tx.now.offset_minutes as i64)).naive_utc())
        .unwrap_or_default()
}

struct TaskRow {
    id: String,
    event_id: String,
    position: i64,
    key: String,
    phase: String,
    title: String,
    notes: String,
    action: Option<String>,
    anchor: Option<String>,
    offset: Option<i64>,
    signoff: String,
    requires: String,
    assignee: String,
    created_at: String,
    created_offset: i64,
}

const TASK_COLUMNS: &str = "id, event_id, position, key, phase, title, notes, action, due_anchor, due_offset_minutes, signoff, requires, assignee, created_at, utc_offset_minutes";

fn read_task(r: &rusqlite::Row) -> rusqlite::Result<TaskRow> {
    Ok(TaskRow {
        id: r.get(0)?,
        event_id: r.get(1)?,
        position: r.get(2)?,
        key: r.get(3)?,
        phase: r.get(4)?,
        title: r.get(5)?,
        notes: r.get(6)?,
        action: r.get(7)?,
        anchor: r.get(8)?,
        offset: r.get(9)?,
        signoff: r.get(10)?,
        requires: r.get(11)?,
        assignee: r.get(12)?,
        created_at: r.get(13)?,
        created_offset: r.get(14)?,
    })
}

/// The local wall-clock time a step was made (with its flow), in the
/// offset it was made in.
fn made_at(row: &TaskRow) -> Option<NaiveDateTime> {
    crate::db::clock::parse_utc(&row.created_at)
        .map(|t| (t + Duration::minutes(row.created_offset)).naive_utc())
}

fn records_of_event(
    conn: &Connection,
    event_id: &str,
) -> Result<HashMap<String, Vec<SignoffRecord>>> {
    let mut stmt = conn.prepare(
        // In the order they were written: two signatures of one
        // transaction share their time.
        "SELECT s.task_id, s.id, s.kind, n.name, s.signer_person_id, p.name, s.reason, s.source_type, s.source_id, s.at_utc, s.utc_offset_minutes
         FROM task_signoff s JOIN task t ON t.id = s.task_id
         LEFT JOIN task_signer_name n ON n.signoff_id = s.id
         LEFT JOIN person p ON p.id = s.approved_by
         WHERE t.event_id = ?1 ORDER BY s.at_utc, s.rowid",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        // Every sign-off gets its name row when written; only erasing
        // removes it.
        let name: Option<String> = r.get(3)?;
        Ok((
            r.get::<_, String>(0)?,
            SignoffRecord {
                id: r.get(1)?,
                kind: r.get(2)?,
                name_erased: name.is_none(),
                signer_name: name.unwrap_or_default(),
                signer_person_id: r.get(4)?,
                approved_by: r.get(5)?,
                reason: r.get(6)?,
                source_type: r.get(7)?,
                source_id: r.get(8)?,
                at_utc: r.get(9)?,
                utc_offset_minutes: r.get(10)?,
            },
        ))
    })?;
    let mut out: HashMap<String, Vec<SignoffRecord>> = HashMap::new();
    for row in rows {
        let (task, rec) = row?;
        out.entry(task).or_default().push(rec);
    }
    Ok(out)
}

/// The signatures of a step: people's and the work's (whoever did the work
/// signs with it); a skip is none.
pub(super) fn signatures(records: &[SignoffRecord]) -> impl Iterator<Item = &SignoffRecord> {
    records
        .iter()
        .filter(|r| r.kind == "sign" || r.kind == "work")
}

/// A step's status from its records, and what an open one still awaits:
/// skipped if skipped; a one-person step is done by one signature or its
/// work; a two-person step by two signatures (the work counts as one, by
/// whoever did it); an organizer-PIN step by a signature an organizer
/// approved (its work alone leaves it awaiting that approval).
fn derive_status(signoff: Signoff, records: &[SignoffRecord]) -> (StepStatus, Option<Awaiting>) {
    if records.iter().any(|r| r.kind == "skip") {
        return (StepStatus::Skipped, None);
    }
    let signed = signatures(records).count();
    let worked = records.iter().any(|r| r.kind == "work");
    let approved = records.iter().any(|r| r.kind == "sign");
    match signoff {
        Signoff::One if signed >= 1 => (StepStatus::Done, None),
        Signoff::TwoPeople if signed >= 2 => (StepStatus::Done, None),
        Signoff::TwoPeople if signed == 1 => (StepStatus::Open, Some(Awaiting::SecondSignature)),
        Signoff::OrganizerPin if approved => (StepStatus::Done, None),
        Signoff::OrganizerPin if worked => (StepStatus::Open, Some(Awaiting::OrganizerApproval)),
        _ => (StepStatus::Open, None),
    }
}

/// The event's flow as of the local time `now`.
pub fn flow_at(conn: &Connection, event_id: &str, now: NaiveDateTime) -> Result<Flow> {
    let event = events::get(conn, event_id)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {TASK_COLUMNS} FROM task WHERE event_id = ?1 ORDER BY position"
    ))?;
    let rows: Vec<TaskRow> = stmt
        .query_map([event_id], read_task)?
        .collect::<rusqlite::Result<_>>()?;
    let mut records = records_of_event(conn, event_id)?;
    let mut steps = Vec::with_capacity(rows.len());
    for row in rows {
        let recs = records.remove(&row.id).unwrap_or_default();
        let signoff = Signoff::parse("signoff", &row.signoff)?;
        let action = row
            .action
            .as_deref()
            .map(|a| Action::parse("action", a))
            .transpose()?;
        let due = stored_due(row.anchor.as_deref(), row.offset)?;
        let due_at = due.and_then(|d| d.at(&event));
        let (status, awaiting) = derive_status(signoff, &recs);
        let open_and_due = |before: NaiveDateTime| {
            status == StepStatus::Open && due_at.is_some_and(|t| t < before)
        };
        let late_start = made_at(&row).is_some_and(open_and_due);
        let overdue = !late_start && open_and_due(now);
        steps.push(Step {
            id: row.id,
            event_id: row.event_id,
            position: row.position,
            key: row.key,
            phase: Phase::parse("phase", &row.phase)?,
            title: row.title,
            notes: row.notes,
            screen: action.map(Action::screen),
            action,
            due_text: due.map(|d| d.describe()).unwrap_or_default(),
            due,
            due_at: due_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
            overdue,
            late_start,
            signoff,
            requires: parse_list(&row.requires)?,
            waiting_for: Vec::new(),
            assignee: row.assignee,
            status,
            awaiting,
            records: recs,
        });
    }
    let state: HashMap<String, (StepStatus, String)> = steps
        .iter()
        .map(|s| (s.id.clone(), (s.status, s.title.clone())))
        .collect();
    for step in &mut steps {
        step.waiting_for = step
            .requires
            .iter()
            .filter_map(|r| state.get(r))
            .filter(|(st, _)| *st == StepStatus::Open)
            .map(|(_, title)| title.clone())
            .collect();
    }
    let phases = Phase::ALL
        .iter()
        .map(|&phase| {
            let of_phase: Vec<&Step> = steps.iter().filter(|s| s.phase == phase).collect();
            PhaseProgress {
                phase,
                done: of_phase
                    .iter()
                    .filter(|s| s.status != StepStatus::Open)
                    .count(),
                total: of_phase.len(),
            }
        })
        .collect();
    let next = steps
        .iter()
        .filter(|s| s.status == StepStatus::Open && s.waiting_for.is_empty())
        .map(|s| s.id.clone())
        .collect();
    Ok(Flow {
        total: steps.len(),
        done: steps
            .iter()
            .filter(|s| s.status != StepStatus::Open)
            .count(),
        overdue: steps.iter().filter(|s| s.overdue).count(),
        late_start: steps.iter().filter(|s| s.late_start).count(),
        signer_names: steps
            .iter()
            .flat_map(|s| &s.records)
            .filter(|r| !r.name_erased)
            .count(),
        phases,
        next,
        event,
        steps,
    })
}

/// The event's flow as of the store's clock.
pub fn flow(store: &Store, event_id: &str) -> Result<Flow> {
    flow_at(store.conn(), event_id, store.now_local().naive_local())
}

/// One step of an event's flow as of the local time `now`.
pub(super) fn step_at(conn: &Connection, task_id: &str, now: NaiveDateTime) -> Result<Step> {
    let event_id: String = conn
        .query_row("SELECT event_id FROM task WHERE id = ?1", [task_id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::not_found("task", task_id))?;
    flow_at(conn, &event_id, now)?
        .steps
        .into_iter()
        .find(|s| s.id == task_id)
        .ok_or_else(|| Error::not_found("task", task_id))
}

/// One step as the transaction sees it.
pub(super) fn step_of(tx: &Tx, task_id: &str) -> Result<Step> {
    step_at(tx, task_id, now_local(tx))
}

/// What may change on an event's step: who does it, notes, when it is due.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StepEdit {
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub notes: String,
    /// In words: "2 days before start"; empty for none.
    #[serde(default)]
    pub due: String,
}

pub fn edit_step(tx: &Tx, task_id: &str, edit: &StepEdit) -> Result<Step> {
    let step = step_of(tx, task_id)?;
    let assignee = clean("assignee", &edit.assignee, false, 80)?;
    let notes = clean("notes", &edit.notes, false, 2000)?;
    let due = parse_due("due", &edit.due)?;
    if let Some(due) = &due {
        check_due_fits_phase("due", step.phase, due)?;
    }
    tx.execute(
        "UPDATE task SET assignee = ?2, notes = ?3, due_anchor = ?4, due_offset_minutes = ?5 WHERE id = ?1",
        rusqlite::params![
            task_id,
            assignee,
            notes,
            due.map(|d| d.anchor.as_str()),
            due.map(|d| d.offset_minutes)
        ],
    )?;
    // Ids and figures only: the assignee is a person's name.
    tx.journal(
        "task.edited",
        "task",
        task_id,
        serde_json::json!({
            "event_id": step.event_id,
            "assignee_changed": assignee != step.assignee,
            "notes_changed": notes != step.notes,
            "due_offset_minutes": due.map(|d| d.offset_minutes),
            "due_anchor": due.map(|d| d.anchor.as_str()),
        }),
    )?;
    step_of(tx, task_id)
}
