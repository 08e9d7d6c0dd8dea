//! The versioned JSON file a template is shared as between organizers:
//! writing it, and reading one from elsewhere, which is refused unless it is
//! a file this build would write (size first, then format, version, fields).

use rusqlite::Connection;

use super::templates::{
    as_input, get_template, insert_template, StepInput, Template, TemplateInput, MAX_STEPS,
};
use crate::db::store::Tx;
use crate::{Error, Result};

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
/// flow of 100 steps with notes is well under 100 KB. Callers that hold a
/// file rather than its text (the command line, the window's file chooser)
/// ask [`check_file_size`] before reading it, so the limit lives here only.
pub const MAX_FILE_BYTES: usize = 256 * 1024;

/// Refuse a template file of `bytes` bytes when it is over the limit, with
/// the message a person sees wherever the file came from.
pub fn check_file_size(bytes: u64) -> Result<()> {
    if bytes > MAX_FILE_BYTES as u64 {
        return Err(Error::validation(
            FILE_FIELD,
            format!(
                "is {} KB; a template file is at most {} KB",
                bytes / 1024,
                MAX_FILE_BYTES / 1024
            ),
        ));
    }
    Ok(())
}

/// The field errors about the file as a whole are reported on.
const FILE_FIELD: &str = "template file";

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
    check_file_size(text.len() as u64)?;
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Error::validation(FILE_FIELD, format!("is not a JSON template file ({e})")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| Error::validation(FILE_FIELD, "is not a JSON object"))?;
    match obj.get("format").and_then(|v| v.as_str()) {
        Some(FILE_FORMAT) => {}
        Some(other) => {
            return Err(Error::validation(
                FILE_FIELD,
                format!("is a '{other}' file, not a Popup Till task template"),
            ))
        }
        None => {
            return Err(Error::validation(
                FILE_FIELD,
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
                FILE_FIELD,
                format!("is version {v}; this Popup Till reads version {FILE_VERSION} only"),
            ))
        }
        None if obj.contains_key("version") => {
            return Err(Error::validation(
                FILE_FIELD,
                "its version is not a whole number",
            ))
        }
        None => return Err(Error::validation(FILE_FIELD, "has no version number")),
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
