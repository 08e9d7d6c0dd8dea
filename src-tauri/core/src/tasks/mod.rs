//! Task flows: the pop-up run as a checklist. Owns the vocabulary every
//! part of a flow shares (phase, action, sign-off); the parts live beside it:
//!
//! - `templates`: the organizer's templates, validated and stored, edited and
//!   duplicated; `starter`: the built-in thirteen-step flow;
//! - `template_file`: the versioned JSON file a template is shared as, and
//!   the checks a file from elsewhere must pass;
//! - `due`: due times relative to the event, as people write them;
//! - `flow`: an event's flow made from a template, its steps and their
//!   status, overdue and waiting computed on read;
//! - `signoff`: the append-only sign-offs and skips by hand;
//!   `two_people`: the second person of a two-person step, a team member
//!   with their own PIN; `by_work`: the work itself signing its step
//!   (`complete_by_action`);
//! - `erase`: erasing the signers' names of a closed event;
//! - `tasks_csv`: the one `tasks.csv` writer.
//!
//! Callers use the re-exports below (`tasks::sign`, `tasks::Flow`), so the
//! split into files is this folder's own business.

mod by_work;
mod due;
mod erase;
mod flow;
mod signoff;
mod starter;
mod tasks_csv;
mod template_file;
mod templates;
mod two_people;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

pub use by_work::{complete_by_action, WorkSource};
pub use due::{parse_due, Anchor, Due, MAX_DUE_DAYS};
pub use erase::{erase_signer_names, erase_signer_names_with_pin};
pub use flow::{
    create_event_with_flow, create_flow, edit_step, flow, flow_at, Awaiting, Flow, PhaseProgress,
    SignoffRecord, Step, StepEdit, StepStatus,
};
pub use signoff::{sign, sign_with_pin, skip, skip_with_pin, SignInput};
pub use starter::{starter, STARTER_ID};
pub use tasks_csv::{csv_columns, write_csv, write_csv_into, PersonalData};
pub use template_file::{
    check_file_size, export_template, import_template, parse_template_file, FILE_FORMAT,
    FILE_VERSION, MAX_FILE_BYTES,
};
pub use templates::{
    create_template, delete_template, duplicate_template, get_template, list_templates,
    parse_repeat, save_template, validate_template, DueInput, StepInput, Template, TemplateInput,
    TemplateStep, MAX_STEPS,
};
pub use two_people::Cosigner;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Before,
    During,
    After,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Before, Phase::During, Phase::After];
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::During => "during",
            Phase::After => "after",
        }
    }
    pub fn parse(field: &str, text: &str) -> Result<Phase> {
        match text.trim() {
            "before" => Ok(Phase::Before),
            "during" => Ok(Phase::During),
            "after" => Ok(Phase::After),
            other => Err(Error::validation(
                field,
                format!("'{other}' is not a phase (before, during or after)"),
            )),
        }
    }
}

/// The work a step stands for; each opens the screen that does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    StockCount,
    LoadOut,
    LoadIn,
    OpenTill,
    Sell,
    CloseTill,
    FulfilOrders,
    Export,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::StockCount,
        Action::LoadOut,
        Action::LoadIn,
        Action::OpenTill,
        Action::Sell,
        Action::CloseTill,
        Action::FulfilOrders,
        Action::Export,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Action::StockCount => "stock_count",
            Action::LoadOut => "load_out",
            Action::LoadIn => "load_in",
            Action::OpenTill => "open_till",
            Action::Sell => "sell",
            Action::CloseTill => "close_till",
            Action::FulfilOrders => "fulfil_orders",
            Action::Export => "export",
        }
    }
    pub fn parse(field: &str, text: &str) -> Result<Action> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == text.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
                Error::validation(
                    field,
                    format!(
                        "'{}' is not an action (one of {})",
                        text.trim(),
                        known.join(", ")
                    ),
                )
            })
    }
    /// The screen of the window that does this work.
    pub fn screen(self) -> &'static str {
        match self {
            Action::StockCount | Action::LoadOut | Action::LoadIn => "stock",
            Action::OpenTill | Action::Sell | Action::CloseTill => "till",
            Action::FulfilOrders => "tasks",
            Action::Export => "export",
        }
    }
}

/// Who must sign a step off. The work of a step (the till opened, a count
/// saved) is one signature, by whoever did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signoff {
    /// One named person (or the work).
    One,
    /// Two different people of the team (e.g. counting the float): the
    /// person at the till and a second team member with their own PIN; or
    /// whoever did the work and one more person.
    TwoPeople,
    /// A named person, approved by an organizer's PIN; the work alone
    /// still awaits that approval.
    OrganizerPin,
}

impl Signoff {
    pub fn as_str(self) -> &'static str {
        match self {
            Signoff::One => "one",
            Signoff::TwoPeople => "two_people",
            Signoff::OrganizerPin => "organizer_pin",
        }
    }
    pub fn parse(field: &str, text: &str) -> Result<Signoff> {
        match text.trim() {
            "" | "one" => Ok(Signoff::One),
            "two_people" => Ok(Signoff::TwoPeople),
            "organizer_pin" => Ok(Signoff::OrganizerPin),
            other => Err(Error::validation(
                field,
                format!("'{other}' is not a sign-off (one, two_people or organizer_pin)"),
            )),
        }
    }
}
