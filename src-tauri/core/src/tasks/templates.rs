//! Task templates: the steps an event's flow is made from. Owns validating a
//! template (keys, phases, due times that fit their phase, prerequisites
//! that come earlier), storing the organizer's own, editing, duplicating
//! and deleting them. The built-in starter is offered beside them, read-only.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::due::{check_due_fits_phase, parse_due, Anchor, Due};
use super::starter::{builtin_template, STARTER_ID};
use super::{Action, Phase, Signoff};
use crate::db::store::Tx;
use crate::shop::people::Approval;
use crate::text::clean;
use crate::{new_id, Error, Result};

/// The most steps a template (or its file) may hold.
pub const MAX_STEPS: usize = 100;

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
    /// A step during the event that repeats: "every 2 hours" (or minutes),
    /// from its due time to the end, each time its own sign-off. Empty:
    /// once.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub repeat: String,
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
    /// Repeats every this many minutes during the event (see `StepInput::repeat`).
    pub repeat_minutes: Option<i64>,
    /// The repeat in words ("every 2 hours"), empty when the step is once.
    pub repeat_text: String,
}

/// A repeat as typed: "every 2 hours", "every 90 minutes" ("every" may be
/// left out), 15 minutes to 24 hours.
pub fn parse_repeat(field: &str, text: &str) -> Result<Option<i64>> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Error::validation(
            field,
            format!(
                "'{}' is not a repeat: write e.g. 'every 2 hours' or 'every 90 minutes'",
                text.trim()
            ),
        )
    };
    let words: Vec<&str> = t.trim_start_matches("every").split_whitespace().collect();
    let (n, unit) = match words.as_slice() {
        [n, unit] => (n.parse::<i64>().map_err(|_| bad())?, *unit),
        [unit] => (1, *unit),
        _ => return Err(bad()),
    };
    let minutes = match unit {
        "hour" | "hours" | "h" => n.checked_mul(60).ok_or_else(bad)?,
        "minute" | "minutes" | "min" => n,
        _ => return Err(bad()),
    };
    if !(15..=1440).contains(&minutes) {
        return Err(Error::validation(
            field,
            "a step repeats every 15 minutes to 24 hours",
        ));
    }
    Ok(Some(minutes))
}

/// A repeat in words.
pub fn describe_repeat(minutes: i64) -> String {
    match minutes {
        60 => "every hour".into(),
        m if m % 60 == 0 => format!("every {} hours", m / 60),
        m => format!("every {m} minutes"),
    }
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
        let repeat_minutes = parse_repeat(&step_field(i, "repeat"), &s.repeat)?;
        if repeat_minutes.is_some()
            && (phase != Phase::During || due.is_none_or(|d| d.anchor != Anchor::Start))
        {
            return Err(Error::validation(
                step_field(i, "repeat"),
                "only a step during the event, due after the start, can repeat",
            ));
        }
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
            repeat_minutes,
            repeat_text: repeat_minutes.map(describe_repeat).unwrap_or_default(),
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

fn read_template_steps(conn: &Connection, template_id: &str) -> Result<Vec<TemplateStep>> {
    let mut stmt = conn.prepare(
        "SELECT key, phase, title, notes, action, due_anchor, due_offset_minutes, signoff, requires, repeat_minutes
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
            r.get::<_, Option<i64>>(9)?,
        ))
    })?;
    let mut steps = Vec::new();
    for row in rows {
        let (key, phase, title, notes, action, anchor, offset, signoff, requires, repeat_minutes) =
            row?;
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
            repeat_minutes,
            repeat_text: repeat_minutes.map(describe_repeat).unwrap_or_default(),
        });
    }
    Ok(steps)
}

pub(super) fn stored_due(anchor: Option<&str>, offset: Option<i64>) -> Result<Option<Due>> {
    Ok(match (anchor, offset) {
        (Some(a), Some(o)) => Some(Due {
            anchor: Anchor::parse("due", a)?,
            offset_minutes: o,
        }),
        _ => None,
    })
}

pub(super) fn parse_list(json: &str) -> Result<Vec<String>> {
    serde_json::from_str(json)
        .map_err(|e| Error::Integrity(format!("a stored list of steps does not read: {e}")))
}

pub(super) fn to_json_list(items: &[String]) -> String {
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
            "INSERT INTO task_template_step (id, template_id, position, key, phase, title, notes, action, due_anchor, due_offset_minutes, signoff, requires, repeat_minutes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
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
                s.repeat_minutes,
            ],
        )?;
    }
    Ok(())
}

pub(super) fn insert_template(
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

pub(super) fn as_input(t: &Template) -> TemplateInput {
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
                repeat: s.repeat_text.clone(),
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
/// An organizer's approval is the proof this needs (see `shop::roles`).
pub fn delete_template(tx: &Tx, _approval: &Approval, id: &str) -> Result<()> {
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
