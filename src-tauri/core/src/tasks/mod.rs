//! Task flows: the pop-up run as a checklist. Owns task templates (the
//! built-in starter flow, the organizer's own, their JSON file format), the
//! flow of steps each event gets from a template, and the append-only
//! sign-offs and skips from which a step's status is derived. Also owns
//! `complete_by_action`, through which the work itself (a count, a till
//! session, a sale) completes the step that asked for it, and the
//! `tasks.csv` export.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use chrono::{Duration, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::csv_cell::{self, inert};
use crate::db::store::{Actor, Tx};
use crate::shop::events::{self, Event, EventInput};
use crate::shop::people::{self, Approval};
use crate::text::{clean, fold_for_search};
use crate::{new_id, Error, Result, Store};

/// The id under which the built-in starter flow is offered. It lives in the
/// code, so it cannot be edited or lost; duplicate it to change it.
pub const STARTER_ID: &str = "builtin:starter";
/// What a template file says it is, and the only version this build reads.
///
/// A template file is UTF-8 JSON, at most `MAX_FILE_BYTES`:
/// `{"format": "popup-till.task-template", "version": 1, "name": "...",
///   "description": "...", "steps": [{"key": "float", "phase": "before",
///   "title": "...", "notes": "...", "action": "open_till" | null,
///   "due": {"anchor": "start" | "end", "offset_minutes": -1440} | "2 days
///   before start" | null, "signoff": "one" | "two_people" | "organizer_pin",
///   "requires": ["earlier-key", ...]}, ...]}` with at most `MAX_STEPS` steps.
/// Unknown fields are ignored; every known one is validated as the editor's.
pub const FILE_FORMAT: &str = "popup-till.task-template";
pub const FILE_VERSION: i64 = 1;
/// A template file larger than this is refused before it is parsed: a real
/// flow of 100 steps with notes is well under 100 KB.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
pub const MAX_STEPS: usize = 100;
/// Due times further than this from the event make no sense for a pop-up.
pub const MAX_DUE_DAYS: i64 = 90;

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

/// Who must sign a step off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signoff {
    /// One named person.
    One,
    /// Two different people (e.g. counting the float).
    TwoPeople,
    /// A named person, approved by an organizer's PIN.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    Start,
    End,
}

impl Anchor {
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::End => "end",
        }
    }
    fn parse(field: &str, text: &str) -> Result<Anchor> {
        match text.trim() {
            "start" => Ok(Anchor::Start),
            "end" => Ok(Anchor::End),
            other => Err(Error::validation(
                field,
                format!("'{other}' is not an anchor (start or end of the event)"),
            )),
        }
    }
}

/// A due time relative to the event: `offset_minutes` after (positive) or
/// before (negative) its start or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub anchor: Anchor,
    pub offset_minutes: i64,
}

impl Due {
    /// "2 days before start", "at end", "90 minutes after start".
    pub fn describe(&self) -> String {
        let m = self.offset_minutes.abs();
        if m == 0 {
            return format!("at {}", self.anchor.as_str());
        }
        let (n, unit) = if m % 1440 == 0 {
            (m / 1440, "day")
        } else if m % 60 == 0 {
            (m / 60, "hour")
        } else {
            (m, "minute")
        };
        format!(
            "{n} {unit}{} {} {}",
            if n == 1 { "" } else { "s" },
            if self.offset_minutes < 0 {
                "before"
            } else {
                "after"
            },
            self.anchor.as_str()
        )
    }

    /// The local wall-clock time this falls on for an event.
    pub fn at(&self, event: &Event) -> Option<NaiveDateTime> {
        let base = match self.anchor {
            Anchor::Start => &event.starts_at,
            Anchor::End => &event.ends_at,
        };
        NaiveDateTime::parse_from_str(base, "%Y-%m-%dT%H:%M")
            .ok()
            .map(|t| t + Duration::minutes(self.offset_minutes))
    }
}

/// Parse a due time as a person writes it: "2 days before start",
/// "1 hour after end", "at start", "30 min before end"; empty means none.
pub fn parse_due(field: &str, text: &str) -> Result<Option<Due>> {
    let t = text.trim().to_lowercase();
    if t.is_empty() || t == "none" {
        return Ok(None);
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let example = "write it like '2 days before start', '1 hour after end' or 'at start'";
    let (minutes, direction, anchor) = match words.as_slice() {
        ["at", anchor] => (0, "after", *anchor),
        ["at", "the", anchor] => (0, "after", *anchor),
        [n, unit, direction, anchor] | [n, unit, direction, "the", anchor] => {
            let n: i64 = n.parse().map_err(|_| {
                Error::validation(field, format!("'{n}' is not a whole number; {example}"))
            })?;
            if n < 0 {
                return Err(Error::validation(
                    field,
                    format!("'{n}' is negative; say 'before' or 'after' instead"),
                ));
            }
            let per = match unit.trim_end_matches('s') {
                "minute" | "min" | "m" => 1,
                "hour" | "h" | "hr" => 60,
                "day" | "d" => 1440,
                "week" | "w" => 7 * 1440,
                other => {
                    return Err(Error::validation(
                        field,
                        format!("'{other}' is not a unit (minutes, hours, days or weeks)"),
                    ))
                }
            };
            let minutes = n.checked_mul(per).unwrap_or(i64::MAX);
            (minutes, *direction, *anchor)
        }
        _ => {
            return Err(Error::validation(
                field,
                format!("'{}' is not a due time; {example}", text.trim()),
            ))
        }
    };
    if minutes > MAX_DUE_DAYS * 1440 {
        return Err(Error::validation(
            field,
            format!("'{}' is more than {MAX_DUE_DAYS} days from the event; that makes no sense for a pop-up", text.trim()),
        ));
    }
    let sign = match direction {
        "before" => -1,
        "after" => 1,
        other => {
            return Err(Error::validation(
                field,
                format!("'{other}' should be 'before' or 'after'; {example}"),
            ))
        }
    };
    let anchor = match anchor {
        "start" | "opening" => Anchor::Start,
        "end" | "closing" => Anchor::End,
        other => {
            return Err(Error::validation(
                field,
                format!("'{other}' should be 'start' or 'end' (of the event); {example}"),
            ))
        }
    };
    Ok(Some(Due {
        anchor,
        offset_minutes: sign * minutes,
    }))
}

/// Refuse a due time that contradicts the step's phase: a step before the
/// event cannot be due after it starts, and so on.
fn check_due_fits_phase(field: &str, phase: Phase, due: &Due) -> Result<()> {
    if due.offset_minutes.abs() > MAX_DUE_DAYS * 1440 {
        return Err(Error::validation(
            field,
            format!(
                "is more than {MAX_DUE_DAYS} days from the event; that makes no sense for a pop-up"
            ),
        ));
    }
    let fits = match (phase, due.anchor) {
        (Phase::Before, Anchor::Start) => due.offset_minutes <= 0,
        (Phase::Before, Anchor::End) => false,
        (Phase::During, Anchor::Start) => due.offset_minutes >= 0,
        (Phase::During, Anchor::End) => due.offset_minutes <= 0,
        (Phase::After, Anchor::End) => due.offset_minutes >= 0,
        (Phase::After, Anchor::Start) => false,
    };
    if fits {
        return Ok(());
    }
    let hint = match phase {
        Phase::Before => {
            "a step before the event is due at or before its start, e.g. '2 days before start'"
        }
        Phase::During => {
            "a step during the event is due between its start and end, e.g. '2 hours after start'"
        }
        Phase::After => "a step after the event is due at or after its end, e.g. '1 day after end'",
    };
    Err(Error::validation(
        field,
        format!(
            "'{}' does not fit the {} phase: {hint}",
            due.describe(),
            phase.as_str()
        ),
    ))
}

/// A due time as a template file or form gives it: the structured form of
/// the file, or the words a person types.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DueInput {
    Parts { anchor: String, offset_minutes: i64 },
    Text(String),
}

/// One step as a template (or its file) gives it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StepInput {
    /// A short id unique in the template, used by `requires`; made from the
    /// position when empty.
    #[serde(default)]
    pub key: String,
    pub phase: String,
    pub title: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub due: Option<DueInput>,
    #[serde(default)]
    pub signoff: String,
    /// Keys of steps that must be done first.
    #[serde(default)]
    pub requires: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TemplateInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub steps: Vec<StepInput>,
}

/// A template step, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateStep {
    pub key: String,
    pub phase: Phase,
    pub title: String,
    pub notes: String,
    pub action: Option<Action>,
    pub due: Option<Due>,
    /// The due time in words ("2 days before start"), empty when none.
    pub due_text: String,
    pub signoff: Signoff,
    pub requires: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub description: String,
    /// The built-in starter flow: read-only, duplicate it to change it.
    pub builtin: bool,
    pub steps: Vec<TemplateStep>,
}

fn step_field(i: usize, name: &str) -> String {
    format!("steps[{}].{name}", i + 1)
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Validate a whole template. Steps are ordered by phase (before, during,
/// after), keeping their order within a phase; a step may only require
/// steps that come before it, so a flow can never wait on itself.
pub fn validate_template(input: &TemplateInput) -> Result<(String, String, Vec<TemplateStep>)> {
    let name = clean("name", &input.name, true, 120)?;
    let description = clean("description", &input.description, false, 2000)?;
    if input.steps.is_empty() {
        return Err(Error::validation(
            "steps",
            "a template needs at least one step",
        ));
    }
    if input.steps.len() > MAX_STEPS {
        return Err(Error::validation(
            "steps",
            format!(
                "has {} steps; a template holds at most {MAX_STEPS}",
                input.steps.len()
            ),
        ));
    }
    let mut steps = Vec::with_capacity(input.steps.len());
    let mut keys = HashSet::new();
    for (i, s) in input.steps.iter().enumerate() {
        let key = if s.key.trim().is_empty() {
            format!("step-{}", i + 1)
        } else {
            s.key.trim().to_string()
        };
        if !valid_key(&key) {
            return Err(Error::validation(
                step_field(i, "key"),
                format!(
                    "'{key}' is not a step key: use up to 40 lower-case letters, digits, - or _"
                ),
            ));
        }
        if !keys.insert(key.clone()) {
            return Err(Error::validation(
                step_field(i, "key"),
                format!("'{key}' is used by two steps; each step needs its own key"),
            ));
        }
        let phase = Phase::parse(&step_field(i, "phase"), &s.phase)?;
        let title = clean(&step_field(i, "title"), &s.title, true, 120)?;
        let notes = clean(&step_field(i, "notes"), &s.notes, false, 2000)?;
        let action = match s.action.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => Some(Action::parse(&step_field(i, "action"), a)?),
        };
        let due = match &s.due {
            None => None,
            Some(DueInput::Text(t)) => parse_due(&step_field(i, "due"), t)?,
            Some(DueInput::Parts {
                anchor,
                offset_minutes,
            }) => Some(Due {
                anchor: Anchor::parse(&step_field(i, "due"), anchor)?,
                offset_minutes: *offset_minutes,
            }),
        };
        if let Some(due) = &due {
            check_due_fits_phase(&step_field(i, "due"), phase, due)?;
        }
        let signoff = Signoff::parse(&step_field(i, "signoff"), &s.signoff)?;
        if s.requires.len() > 20 {
            return Err(Error::validation(
                step_field(i, "requires"),
                "a step may depend on at most 20 others",
            ));
        }
        steps.push(TemplateStep {
            key,
            phase,
            title,
            notes,
            action,
            due_text: due.map(|d| d.describe()).unwrap_or_default(),
            due,
            signoff,
            requires: s.requires.iter().map(|r| r.trim().to_string()).collect(),
        });
    }
    // Stable: steps keep their order within a phase.
    let mut ordered: Vec<(usize, TemplateStep)> = steps.into_iter().enumerate().collect();
    ordered.sort_by_key(|(_, s)| s.phase);
    let mut seen: HashMap<String, ()> = HashMap::new();
    for (original, step) in &ordered {
        for r in &step.requires {
            if r == &step.key {
                return Err(Error::validation(
                    step_field(*original, "requires"),
                    format!("'{}' cannot depend on itself", step.title),
                ));
            }
            if !keys.contains(r) {
                return Err(Error::validation(
                    step_field(*original, "requires"),
                    format!(
                        "'{}' depends on '{r}', which is not a step of this template",
                        step.title
                    ),
                ));
            }
            if !seen.contains_key(r) {
                return Err(Error::validation(
                    step_field(*original, "requires"),
                    format!("'{}' depends on '{r}', which comes after it; a step can only depend on earlier steps", step.title),
                ));
            }
        }
        seen.insert(step.key.clone(), ());
    }
    Ok((
        name,
        description,
        ordered.into_iter().map(|(_, s)| s).collect(),
    ))
}

fn starter_step(
    key: &str,
    phase: &str,
    title: &str,
    action: Option<&str>,
    due: &str,
    signoff: &str,
    requires: &[&str],
) -> StepInput {
    StepInput {
        key: key.into(),
        phase: phase.into(),
        title: title.into(),
        notes: String::new(),
        action: action.map(str::to_string),
        due: Some(DueInput::Text(due.into())),
        signoff: signoff.into(),
        requires: requires.iter().map(|r| r.to_string()).collect(),
    }
}

/// The built-in starter flow for a one-day pop-up: ten steps.
pub fn starter() -> TemplateInput {
    TemplateInput {
        name: "One-day pop-up (starter)".into(),
        description: "Ten steps from permits to the day's export. Duplicate it to make it yours."
            .into(),
        steps: vec![
            starter_step(
                "venue",
                "before",
                "Confirm venue and permits",
                None,
                "14 days before start",
                "organizer_pin",
                &[],
            ),
            starter_step(
                "catalog",
                "before",
                "Prepare catalog and prices",
                None,
                "7 days before start",
                "one",
                &[],
            ),
            starter_step(
                "receive",
                "before",
                "Receive and count stock",
                Some("stock_count"),
                "3 days before start",
                "one",
                &["catalog"],
            ),
            starter_step(
                "load-out",
                "before",
                "Pack and load out",
                Some("load_out"),
                "1 day before start",
                "one",
                &["receive"],
            ),
            starter_step(
                "float",
                "before",
                "Prepare the float",
                None,
                "1 day before start",
                "one",
                &[],
            ),
            starter_step(
                "open-till",
                "during",
                "Open the till with the float",
                Some("open_till"),
                "at start",
                "two_people",
                &["float"],
            ),
            starter_step(
                "sell",
                "during",
                "Sell",
                Some("sell"),
                "at start",
                "one",
                &["open-till"],
            ),
            starter_step(
                "mid-count",
                "during",
                "Mid-event stock check",
                Some("stock_count"),
                "3 hours after start",
                "one",
                &["open-till"],
            ),
            starter_step(
                "close-till",
                "after",
                "Close the till and count cash",
                Some("close_till"),
                "at end",
                "two_people",
                &["open-till"],
            ),
            starter_step(
                "wrap-up",
                "after",
                "Load-in count, fulfil pre-orders and export the day",
                Some("fulfil_orders"),
                "1 day after end",
                "one",
                &["close-till"],
            ),
        ],
    }
}

fn builtin_template() -> Result<Template> {
    let (name, description, steps) = validate_template(&starter())?;
    Ok(Template {
        id: STARTER_ID.into(),
        name,
        description,
        builtin: true,
        steps,
    })
}

fn read_template_steps(conn: &Connection, template_id: &str) -> Result<Vec<TemplateStep>> {
    let mut stmt = conn.prepare(
        "SELECT key, phase, title, notes, action, due_anchor, due_offset_minutes, signoff, requires
         FROM task_template_step WHERE template_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([template_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    let mut steps = Vec::new();
    for row in rows {
        let (key, phase, title, notes, action, anchor, offset, signoff, requires) = row?;
        let due = stored_due(anchor.as_deref(), offset)?;
        steps.push(TemplateStep {
            key,
            phase: Phase::parse("phase", &phase)?,
            title,
            notes,
            action: action.map(|a| Action::parse("action", &a)).transpose()?,
            due_text: due.map(|d| d.describe()).unwrap_or_default(),
            due,
            signoff: Signoff::parse("signoff", &signoff)?,
            requires: parse_list(&requires)?,
        });
    }
    Ok(steps)
}

fn stored_due(anchor: Option<&str>, offset: Option<i64>) -> Result<Option<Due>> {
    Ok(match (anchor, offset) {
        (Some(a), Some(o)) => Some(Due {
            anchor: Anchor::parse("due", a)?,
            offset_minutes: o,
        }),
        _ => None,
    })
}

fn parse_list(json: &str) -> Result<Vec<String>> {
    serde_json::from_str(json)
        .map_err(|e| Error::Integrity(format!("a stored list of steps does not read: {e}")))
}

fn to_json_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

/// All templates: the built-in starter first, then the organizer's own by name.
pub fn list_templates(conn: &Connection) -> Result<Vec<Template>> {
    let mut out = vec![builtin_template()?];
    let mut stmt =
        conn.prepare("SELECT id, name, description FROM task_template ORDER BY name, id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (id, name, description) = row?;
        let steps = read_template_steps(conn, &id)?;
        out.push(Template {
            id,
            name,
            description,
            builtin: false,
            steps,
        });
    }
    Ok(out)
}

pub fn get_template(conn: &Connection, id: &str) -> Result<Template> {
    if id == STARTER_ID {
        return builtin_template();
    }
    let (name, description): (String, String) = conn
        .query_row(
            "SELECT name, description FROM task_template WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("task template", id))?;
    Ok(Template {
        id: id.to_string(),
        name,
        description,
        builtin: false,
        steps: read_template_steps(conn, id)?,
    })
}

fn write_template_steps(tx: &Tx, template_id: &str, steps: &[TemplateStep]) -> Result<()> {
    tx.execute(
        "DELETE FROM task_template_step WHERE template_id = ?1",
        [template_id],
    )?;
    for (i, s) in steps.iter().enumerate() {
        tx.execute(
            "INSERT INTO task_template_step (id, template_id, position, key, phase, title, notes, action, due_anchor, due_offset_minutes, signoff, requires)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            rusqlite::params![
                new_id(),
                template_id,
                i as i64 + 1,
                s.key,
                s.phase.as_str(),
                s.title,
                s.notes,
                s.action.map(Action::as_str),
                s.due.map(|d| d.anchor.as_str()),
                s.due.map(|d| d.offset_minutes),
                s.signoff.as_str(),
                to_json_list(&s.requires),
            ],
        )?;
    }
    Ok(())
}

fn insert_template(
    tx: &Tx,
    input: &TemplateInput,
    action: &str,
    from: Option<&str>,
) -> Result<Template> {
    let (name, description, steps) = validate_template(input)?;
    let id = new_id();
    tx.execute(
        "INSERT INTO task_template (id, device_id, name, description, created_at, updated_at, utc_offset_minutes) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
        rusqlite::params![id, tx.device_id, name, description, tx.now.utc, tx.now.offset_minutes],
    )?;
    write_template_steps(tx, &id, &steps)?;
    tx.journal(
        action,
        "task_template",
        &id,
        serde_json::json!({"steps": steps.len(), "from_template_id": from}),
    )?;
    get_template(tx, &id)
}

/// Create a new template of the organizer's own.
pub fn create_template(tx: &Tx, input: &TemplateInput) -> Result<Template> {
    insert_template(tx, input, "task_template.created", None)
}

/// Save a template as a whole: its name and its steps, added, removed,
/// reordered or changed. The built-in starter cannot be changed.
pub fn save_template(tx: &Tx, id: &str, input: &TemplateInput) -> Result<Template> {
    if id == STARTER_ID {
        return Err(Error::Conflict(
            "the built-in starter flow cannot be changed; duplicate it and edit the copy".into(),
        ));
    }
    let before = get_template(tx, id)?;
    let (name, description, steps) = validate_template(input)?;
    tx.execute(
        "UPDATE task_template SET name = ?2, description = ?3, updated_at = ?4, utc_offset_minutes = ?5 WHERE id = ?1",
        rusqlite::params![id, name, description, tx.now.utc, tx.now.offset_minutes],
    )?;
    write_template_steps(tx, id, &steps)?;
    tx.journal(
        "task_template.saved",
        "task_template",
        id,
        serde_json::json!({"steps_before": before.steps.len(), "steps_after": steps.len()}),
    )?;
    get_template(tx, id)
}

fn as_input(t: &Template) -> TemplateInput {
    TemplateInput {
        name: t.name.clone(),
        description: t.description.clone(),
        steps: t
            .steps
            .iter()
            .map(|s| StepInput {
                key: s.key.clone(),
                phase: s.phase.as_str().into(),
                title: s.title.clone(),
                notes: s.notes.clone(),
                action: s.action.map(|a| a.as_str().to_string()),
                due: s.due.map(|d| DueInput::Parts {
                    anchor: d.anchor.as_str().into(),
                    offset_minutes: d.offset_minutes,
                }),
                signoff: s.signoff.as_str().into(),
                requires: s.requires.clone(),
            })
            .collect(),
    }
}

/// Copy a template (the starter included) under a new name.
pub fn duplicate_template(tx: &Tx, id: &str) -> Result<Template> {
    let source = get_template(tx, id)?;
    let mut input = as_input(&source);
    let name: String = format!("Copy of {}", source.name)
        .chars()
        .take(120)
        .collect();
    input.name = name;
    insert_template(tx, &input, "task_template.duplicated", Some(id))
}

/// Delete one of the organizer's templates. Flows made from it keep their
/// own copy of its steps.
pub fn delete_template(tx: &Tx, id: &str) -> Result<()> {
    if id == STARTER_ID {
        return Err(Error::Conflict(
            "the built-in starter flow cannot be deleted".into(),
        ));
    }
    get_template(tx, id)?;
    tx.execute("DELETE FROM task_template WHERE id = ?1", [id])?;
    tx.journal(
        "task_template.deleted",
        "task_template",
        id,
        serde_json::json!({}),
    )?;
    Ok(())
}

/// The template as a versioned JSON file to share with other organizers.
pub fn export_template(conn: &Connection, id: &str) -> Result<String> {
    let t = get_template(conn, id)?;
    let input = as_input(&t);
    let file = serde_json::json!({
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "name": input.name,
        "description": input.description,
        "steps": input.steps,
    });
    serde_json::to_string_pretty(&file)
        .map_err(|e| Error::Integrity(format!("the template does not write as JSON: {e}")))
}

/// Read a template file, refusing anything this build would not write:
/// too large, not JSON, another format or version, missing fields. Text is
/// kept as text (a `<script>` in a title is a title that reads oddly).
pub fn parse_template_file(text: &str) -> Result<TemplateInput> {
    const FIELD: &str = "template file";
    if text.len() > MAX_FILE_BYTES {
        return Err(Error::validation(
            FIELD,
            format!(
                "is {} KB; a template file is at most {} KB",
                text.len() / 1024,
                MAX_FILE_BYTES / 1024
            ),
        ));
    }
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Error::validation(FIELD, format!("is not a JSON template file ({e})")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| Error::validation(FIELD, "is not a JSON object"))?;
    match obj.get("format").and_then(|v| v.as_str()) {
        Some(FILE_FORMAT) => {}
        Some(other) => {
            return Err(Error::validation(
                FIELD,
                format!("is a '{other}' file, not a Popup Till task template"),
            ))
        }
        None => {
            return Err(Error::validation(
                FIELD,
                format!(
                    "has no \"format\": \"{FILE_FORMAT}\"; it is not a Popup Till task template"
                ),
            ))
        }
    }
    match obj.get("version").and_then(|v| v.as_i64()) {
        Some(FILE_VERSION) => {}
        Some(v) => {
            return Err(Error::validation(
                FIELD,
                format!("is version {v}; this Popup Till reads version {FILE_VERSION} only"),
            ))
        }
        None if obj.contains_key("version") => {
            return Err(Error::validation(
                FIELD,
                "its version is not a whole number",
            ))
        }
        None => return Err(Error::validation(FIELD, "has no version number")),
    }
    let name = obj
        .get("name")
        .and_then(|v| v.as_str())
        .ok_or_else(|| Error::validation("name", "is missing from the template file"))?;
    let description = match obj.get("description") {
        None | Some(serde_json::Value::Null) => "",
        Some(v) => v
            .as_str()
            .ok_or_else(|| Error::validation("description", "is not text"))?,
    };
    let steps = obj
        .get("steps")
        .and_then(|v| v.as_array())
        .ok_or_else(|| Error::validation("steps", "are missing from the template file"))?;
    if steps.len() > MAX_STEPS {
        return Err(Error::validation(
            "steps",
            format!(
                "the file has {} steps; a template holds at most {MAX_STEPS}",
                steps.len()
            ),
        ));
    }
    let mut parsed = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        let s: StepInput = serde_json::from_value(step.clone())
            .map_err(|e| Error::validation(format!("steps[{}]", i + 1), format!("{e}")))?;
        parsed.push(s);
    }
    Ok(TemplateInput {
        name: name.to_string(),
        description: description.to_string(),
        steps: parsed,
    })
}

/// Import a shared template file as a new template of the organizer's own.
pub fn import_template(tx: &Tx, text: &str) -> Result<Template> {
    let input = parse_template_file(text)?;
    insert_template(tx, &input, "task_template.imported", None)
}

// ---------------------------------------------------------------------------
// An event's flow

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
    pub signer_name: String,
    /// The name of the organizer whose PIN approved it, if any.
    pub approved_by: Option<String>,
    pub reason: String,
    pub source_type: Option<String>,
    pub source_id: Option<String>,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
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
    pub overdue: bool,
    pub signoff: Signoff,
    pub requires: Vec<String>,
    /// Titles of prerequisites still open.
    pub waiting_for: Vec<String>,
    pub assignee: String,
    pub status: StepStatus,
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
    let ids: HashMap<&str, String> = template
        .steps
        .iter()
        .map(|s| (s.key.as_str(), new_id()))
        .collect();
    for (i, s) in template.steps.iter().enumerate() {
        let requires: Vec<String> = s
            .requires
            .iter()
            .filter_map(|k| ids.get(k.as_str()).cloned())
            .collect();
        tx.execute(
            "INSERT INTO task (id, device_id, event_id, template_id, position, key, phase, title, notes, action, due_anchor, due_offset_minutes, signoff, requires, created_at, utc_offset_minutes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            rusqlite::params![
                ids[s.key.as_str()],
                tx.device_id,
                event_id,
                template_id,
                i as i64 + 1,
                s.key,
                s.phase.as_str(),
                s.title,
                s.notes,
                s.action.map(Action::as_str),
                s.due.map(|d| d.anchor.as_str()),
                s.due.map(|d| d.offset_minutes),
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
        serde_json::json!({"template_id": template_id, "steps": template.steps.len()}),
    )?;
    Ok(flow_at(tx, event_id, now_local(tx))?.steps)
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

fn now_local(tx: &Tx) -> NaiveDateTime {
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
}

const TASK_COLUMNS: &str = "id, event_id, position, key, phase, title, notes, action, due_anchor, due_offset_minutes, signoff, requires, assignee";

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
    })
}

fn records_of_event(
    conn: &Connection,
    event_id: &str,
) -> Result<HashMap<String, Vec<SignoffRecord>>> {
    let mut stmt = conn.prepare(
        "SELECT s.task_id, s.id, s.kind, s.signer_name, p.name, s.reason, s.source_type, s.source_id, s.at_utc, s.utc_offset_minutes
         FROM task_signoff s JOIN task t ON t.id = s.task_id
         LEFT JOIN person p ON p.id = s.approved_by
         WHERE t.event_id = ?1 ORDER BY s.at_utc, s.id",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            SignoffRecord {
                id: r.get(1)?,
                kind: r.get(2)?,
                signer_name: r.get(3)?,
                approved_by: r.get(4)?,
                reason: r.get(5)?,
                source_type: r.get(6)?,
                source_id: r.get(7)?,
                at_utc: r.get(8)?,
                utc_offset_minutes: r.get(9)?,
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

/// A step's status from its records: skipped if skipped; done when the
/// work completed it or enough people signed.
fn derive_status(signoff: Signoff, records: &[SignoffRecord]) -> StepStatus {
    if records.iter().any(|r| r.kind == "skip") {
        return StepStatus::Skipped;
    }
    if records.iter().any(|r| r.kind == "work") {
        return StepStatus::Done;
    }
    let signs = records.iter().filter(|r| r.kind == "sign").count();
    let needed = match signoff {
        Signoff::TwoPeople => 2,
        Signoff::One | Signoff::OrganizerPin => 1,
    };
    if signs >= needed {
        StepStatus::Done
    } else {
        StepStatus::Open
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
        let status = derive_status(signoff, &recs);
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
            overdue: status == StepStatus::Open && due_at.is_some_and(|t| t < now),
            signoff,
            requires: parse_list(&row.requires)?,
            waiting_for: Vec::new(),
            assignee: row.assignee,
            status,
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

fn step_of(tx: &Tx, task_id: &str) -> Result<Step> {
    let event_id: String = tx
        .query_row("SELECT event_id FROM task WHERE id = ?1", [task_id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::not_found("task", task_id))?;
    flow_at(tx, &event_id, now_local(tx))?
        .steps
        .into_iter()
        .find(|s| s.id == task_id)
        .ok_or_else(|| Error::not_found("task", task_id))
}

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
        "INSERT INTO task_signoff (id, device_id, task_id, kind, signer_name, signer_person_id, approved_by, reason, source_type, source_id, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        rusqlite::params![
            id,
            tx.device_id,
            task_id,
            kind,
            signer_name,
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
    organizer_id: Option<&str>,
    pin: Option<&str>,
) -> Result<Step> {
    let approval = match (organizer_id.filter(|o| !o.is_empty()), pin) {
        (Some(o), Some(p)) => Some(people::verify_organizer_pin(store, o, p)?),
        _ => None,
    };
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
    organizer_id: Option<&str>,
    pin: Option<&str>,
) -> Result<Step> {
    let approval = match (organizer_id.filter(|o| !o.is_empty()), pin) {
        (Some(o), Some(p)) => Some(people::verify_organizer_pin(store, o, p)?),
        _ => None,
    };
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

/// The work itself completes the step that asked for it: called by the
/// stock, till and export code inside their own transaction (a till
/// session opened, a count saved, the first sale). Completes the first
/// open step of the event with that action and returns its id; does
/// nothing (and returns None) when the flow has no such open step. The
/// work is the proof, so prerequisites do not hold it back: a till that
/// opened, opened.
pub fn complete_by_action(
    tx: &Tx,
    event_id: &str,
    action: &str,
    source_type: &str,
    source_id: Option<&str>,
) -> Result<Option<String>> {
    let action = Action::parse("action", action)?;
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
        (Some(source_type), source_id),
    )?;
    tx.journal(
        "task.completed_by_work",
        "task",
        &step.id,
        serde_json::json!({
            "event_id": event_id,
            "signoff_id": record_id,
            "action": action.as_str(),
            "source_type": source_type,
            "source_id": source_id,
        }),
    )?;
    Ok(Some(step.id.clone()))
}

pub const CSV_HEADER: [&str; 13] = [
    "event_id",
    "position",
    "phase",
    "title",
    "action",
    "assignee",
    "due_at",
    "status",
    "signed_by",
    "signed_at_utc",
    "approved_by",
    "skip_reason",
    "step_id",
];

/// `tasks.csv` of one event: its steps, assignees, signers and times
/// (volunteers' names, never contact data).
pub fn write_csv<W: Write>(conn: &Connection, event_id: &str, out: W) -> Result<()> {
    // The file has no overdue column, so "now" does not matter here.
    let flow = flow_at(conn, event_id, NaiveDateTime::default())?;
    let mut w = csv_cell::writer(out, b',');
    let io = |e: csv::Error| Error::Storage(format!("cannot write tasks.csv: {e}"));
    w.write_record(CSV_HEADER).map_err(io)?;
    for s in &flow.steps {
        let signed: Vec<&SignoffRecord> = s.records.iter().filter(|r| r.kind != "skip").collect();
        let approved: Vec<String> = s
            .records
            .iter()
            .filter_map(|r| r.approved_by.clone())
            .collect();
        let skip_reason = s
            .records
            .iter()
            .find(|r| r.kind == "skip")
            .map(|r| r.reason.clone())
            .unwrap_or_default();
        let status = match s.status {
            StepStatus::Open => "open",
            StepStatus::Done => "done",
            StepStatus::Skipped => "skipped",
        };
        w.write_record([
            s.event_id.clone(),
            s.position.to_string(),
            s.phase.as_str().to_string(),
            inert(&s.title).into_owned(),
            s.action.map(|a| a.as_str().to_string()).unwrap_or_default(),
            inert(&s.assignee).into_owned(),
            s.due_at.clone().unwrap_or_default(),
            status.to_string(),
            inert(
                &signed
                    .iter()
                    .map(|r| r.signer_name.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
            .into_owned(),
            signed
                .iter()
                .map(|r| r.at_utc.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            inert(&approved.join("; ")).into_owned(),
            inert(&skip_reason).into_owned(),
            s.id.clone(),
        ])
        .map_err(io)?;
    }
    w.flush()
        .map_err(|e| Error::Storage(format!("cannot write tasks.csv: {e}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times_read_as_people_write_them() {
        let d = parse_due("due", "2 days before start").unwrap().unwrap();
        assert_eq!(
            d,
            Due {
                anchor: Anchor::Start,
                offset_minutes: -2880
            }
        );
        assert_eq!(d.describe(), "2 days before start");
        let d = parse_due("due", "90 min after the end").unwrap().unwrap();
        assert_eq!(d.describe(), "90 minutes after end");
        assert_eq!(
            parse_due("due", "at start").unwrap().unwrap().describe(),
            "at start"
        );
        assert_eq!(parse_due("due", "").unwrap(), None);
        assert!(parse_due("due", "-2 days before start").is_err());
        assert!(parse_due("due", "2 fortnights before start").is_err());
        assert!(parse_due("due", "400 days before start").is_err());
        assert!(parse_due("due", "soon").is_err());
    }

    #[test]
    fn the_starter_flow_has_ten_valid_steps() {
        let (_, _, steps) = validate_template(&starter()).unwrap();
        assert_eq!(steps.len(), 10);
        assert_eq!(steps[5].signoff, Signoff::TwoPeople);
        assert_eq!(steps[5].action, Some(Action::OpenTill));
    }
}
