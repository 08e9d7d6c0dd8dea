//! `tasks.csv`: the steps of events' flows with their status and sign-offs.
//! The one writer of that file, for the accountant's export (no personal
//! data, the default) and the organizer's own `tasks-csv` command (with
//! volunteers' names); both get the same columns, the names only added.

use std::borrow::Cow;
use std::io::Write;

use chrono::NaiveDateTime;
use rusqlite::Connection;

use super::flow::{flow_at, Step, StepStatus};
use crate::csv_cell::{self, inert};
use crate::{Error, Result};

/// Whether people's names go into the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PersonalData {
    /// Steps, times and documents only: what may leave the organizer's hands.
    #[default]
    LeftOut,
    /// Also who is assigned, who signed and which organizer approved.
    Included,
}

/// Every column in file order, and whether it names a person.
const COLUMNS: [(&str, bool); 15] = [
    ("step_id", false),
    ("event_id", false),
    ("position", false),
    ("phase", false),
    ("title", false),
    ("action", false),
    ("assignee", true),
    ("due_at", false),
    ("status", false),
    ("signoffs", false),
    ("signed_by", true),
    ("signed_at_utc", false),
    ("approved_by", true),
    ("done_by", false),
    ("skip_reason", false),
];

/// Lists inside one cell (several signatures) are separated by this.
const LIST_SEPARATOR: &str = ";";

/// A signer whose name was erased (`tasks::erase_signer_names`).
const ERASED_NAME: &str = "(name erased)";

fn wanted(names_a_person: bool, personal: PersonalData) -> bool {
    !names_a_person || personal == PersonalData::Included
}

/// The header of `tasks.csv` for that choice.
pub fn csv_columns(personal: PersonalData) -> Vec<&'static str> {
    COLUMNS
        .iter()
        .filter(|(_, names)| wanted(*names, personal))
        .map(|(name, _)| *name)
        .collect()
}

/// One step's cells, in `COLUMNS` order; text a person typed is made inert.
fn cells(step: &Step) -> [Cow<'_, str>; 15] {
    let signed: Vec<_> = step.records.iter().filter(|r| r.kind != "skip").collect();
    let approved: Vec<&str> = step
        .records
        .iter()
        .filter_map(|r| r.approved_by.as_deref())
        .collect();
    let done_by = step
        .records
        .iter()
        .find_map(|r| match (&r.source_type, &r.source_id) {
            (Some(t), Some(id)) => Some(format!("{t}:{id}")),
            _ => None,
        })
        .unwrap_or_default();
    let skip_reason = step
        .records
        .iter()
        .find(|r| r.kind == "skip")
        .map(|r| r.reason.as_str())
        .unwrap_or("");
    let status = match step.status {
        StepStatus::Open => "open",
        StepStatus::Done => "done",
        StepStatus::Skipped => "skipped",
    };
    let join = |items: Vec<&str>| items.join(LIST_SEPARATOR);
    [
        step.id.as_str().into(),
        step.event_id.as_str().into(),
        step.position.to_string().into(),
        step.phase.as_str().into(),
        inert(&step.title),
        step.action.map(|a| a.as_str()).unwrap_or("").into(),
        inert(&step.assignee),
        step.due_at.as_deref().unwrap_or("").into(),
        status.into(),
        signed.len().to_string().into(),
        inert(&join(
            signed
                .iter()
                .map(|r| {
                    if r.name_erased {
                        ERASED_NAME
                    } else {
                        r.signer_name.as_str()
                    }
                })
                .collect(),
        ))
        .into_owned()
        .into(),
        join(signed.iter().map(|r| r.at_utc.as_str()).collect()).into(),
        inert(&join(approved)).into_owned().into(),
        done_by.into(),
        inert(skip_reason),
    ]
}

/// Write `tasks.csv` of `event_ids` (header, then every step in flow
/// order) into a writer the caller opened with [`csv_cell::writer`], so
/// the export can hash and place it as its other files. `csv_error` turns
/// a write failure into the caller's error (the export names the file and
/// a full disk). Returns the number of steps written.
pub fn write_csv_into<W: Write>(
    w: &mut csv_cell::Writer<W>,
    conn: &Connection,
    event_ids: &[String],
    personal: PersonalData,
    csv_error: impl Fn(csv::Error) -> Error,
) -> Result<u64> {
    w.write_record(csv_columns(personal)).map_err(&csv_error)?;
    let mut rows = 0;
    for event_id in event_ids {
        // The file has no overdue column, so "now" does not matter here.
        let flow = flow_at(conn, event_id, NaiveDateTime::default())?;
        for step in &flow.steps {
            let record = COLUMNS
                .iter()
                .zip(cells(step))
                .filter(|((_, names), _)| wanted(*names, personal))
                .map(|(_, cell)| cell);
            w.write_record(record.collect::<Vec<_>>().iter().map(|c| c.as_bytes()))
                .map_err(&csv_error)?;
            rows += 1;
        }
    }
    Ok(rows)
}

/// `tasks.csv` of one event as a file of its own (comma-separated), as the
/// organizer's `tasks-csv` command writes it.
pub fn write_csv<W: Write>(
    conn: &Connection,
    event_id: &str,
    personal: PersonalData,
    out: W,
) -> Result<()> {
    let io = |e: csv::Error| Error::Storage(format!("cannot write tasks.csv: {e}"));
    let mut w = csv_cell::writer(out, b',');
    write_csv_into(&mut w, conn, &[event_id.to_string()], personal, io)?;
    w.flush()
        .map_err(|e| Error::Storage(format!("cannot write tasks.csv: {e}")))?;
    Ok(())
}
