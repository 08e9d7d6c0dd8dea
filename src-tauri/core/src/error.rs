//! The core's error type: one enum whose variants carry a stable machine code
//! (what the UI and scripts branch on) and a message a person can read on
//! its own: a validation error names its field in words ("Step 2, due: …")
//! while the field's path travels beside it for the screen to mark the
//! input, and a database failure is a plain sentence without SQLite's text.

use std::fmt;

/// Stable error codes; the UI mirrors them in `ui/js/api.js`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The input is wrong; the message names the field.
    Validation,
    /// A referenced record does not exist.
    NotFound,
    /// The request clashes with the current state (e.g. two open events).
    Conflict,
    /// A PIN was wrong, or the person may not do this.
    Unauthorized,
    /// This needs an organizer's approval: ask for a PIN and send it again.
    ApprovalNeeded,
    /// Nobody is at the till (never chosen, locked, or no longer active):
    /// show the person picker.
    NoOneAtTill,
    /// Too many wrong PINs; try again later.
    Locked,
    /// The database file cannot be used (not SQLite, read-only, too new).
    Storage,
    /// The journal or the schema does not hold together.
    Integrity,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::ApprovalNeeded => "approval_needed",
            ErrorCode::NoOneAtTill => "no_one_at_till",
            ErrorCode::Locked => "locked",
            ErrorCode::Storage => "storage",
            ErrorCode::Integrity => "integrity",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `field` is the input's path as the window names it (`steps[2].due`);
    /// the message shown to a person carries its label instead.
    #[error("{}: {message}", field_label(field))]
    Validation { field: String, message: String },
    #[error("{what} not found: {id}")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    ApprovalNeeded(String),
    #[error("{0}")]
    NoOneAtTill(String),
    #[error("{0}")]
    Locked(String),
    #[error("{0}")]
    Storage(String),
    #[error("{0}")]
    Integrity(String),
    /// SQLite's own text stays in the source error (see `detail`), out of
    /// the message.
    #[error("{}", database_sentence(.0))]
    Sqlite(#[from] rusqlite::Error),
}

impl Error {
    pub fn validation(field: impl Into<String>, message: impl fmt::Display) -> Self {
        Error::Validation {
            field: field.into(),
            message: message.to_string(),
        }
    }

    pub fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            id: id.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation { .. } => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Unauthorized(_) => ErrorCode::Unauthorized,
            Error::ApprovalNeeded(_) => ErrorCode::ApprovalNeeded,
            Error::NoOneAtTill(_) => ErrorCode::NoOneAtTill,
            Error::Locked(_) => ErrorCode::Locked,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Integrity(_) => ErrorCode::Integrity,
            Error::Sqlite(e) => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => ErrorCode::Conflict,
                _ => ErrorCode::Storage,
            },
        }
    }

    /// The field a validation error is about, if any (its path, e.g.
    /// `steps[2].due`, for the screen to find the input).
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message without the field's label, for a caller that puts it
    /// into a message of its own (which names the field itself).
    pub fn bare_message(&self) -> String {
        match self {
            Error::Validation { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// What SQLite itself said, for a developer's log only: it names
    /// tables and constraints, never the values written.
    pub fn detail(&self) -> Option<String> {
        match self {
            Error::Sqlite(e) => Some(e.to_string()),
            _ => None,
        }
    }
}

/// A field path as a person reads it: `steps[2].due` is "Step 2, due",
/// `lines[1].counted` "Line 1, counted", `ends_at` "Ends", `pin` "PIN"
/// (the words the screens' labels use).
/// Positions in paths count from 1, as people count.
pub fn field_label(path: &str) -> String {
    let label = path
        .split('.')
        .map(|segment| match segment.split_once('[') {
            Some((list, rest)) => {
                let position = rest.trim_end_matches(']');
                format!(
                    "{} {position}",
                    words(list.strip_suffix('s').unwrap_or(list))
                )
            }
            None => words(segment),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => label,
    }
}

/// One field name in words.
fn words(name: &str) -> String {
    match name {
        "pin" => "PIN".into(),
        "second_pin" => "their PIN".into(),
        "sku" => "SKU".into(),
        "starts_at" => "starts".into(),
        "ends_at" => "ends".into(),
        "unit_price" => "price per unit".into(),
        "low_stock_threshold" => "low stock at".into(),
        "organizer_name" => "your name".into(),
        "handover_contact" => "customer's contact".into(),
        "retention_days" => "days to keep contacts".into(),
        "out" => "output folder".into(),
        other => other.strip_suffix("_id").unwrap_or(other).replace('_', " "),
    }
}

/// A database failure as a plain sentence.
fn database_sentence(err: &rusqlite::Error) -> &'static str {
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            "The till could not save this: it clashes with what is already stored"
        }
        Some(rusqlite::ErrorCode::DiskFull) => "The till could not save this: the disk is full",
        Some(rusqlite::ErrorCode::ReadOnly) => {
            "The till could not save this: its database file is read-only"
        }
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            "The till could not save this: another program is using its database; try again"
        }
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            "The till cannot read its database file"
        }
        _ => "The till could not read or save this in its database",
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_read_as_words() {
        assert_eq!(field_label("steps[2].due"), "Step 2, due");
        assert_eq!(field_label("lines[1].counted"), "Line 1, counted");
        assert_eq!(field_label("signer_name"), "Signer name");
        assert_eq!(field_label("ends_at"), "Ends");
        assert_eq!(field_label("pin"), "PIN");
        assert_eq!(field_label("second_pin"), "Their PIN");
        assert_eq!(field_label("second_person_id"), "Second person");
        assert_eq!(field_label("event_id"), "Event");
        assert_eq!(field_label("contact.phone"), "Contact, phone");
        assert_eq!(field_label("template file"), "Template file");
    }

    #[test]
    fn a_validation_message_names_its_field_in_words_and_keeps_the_path_apart() {
        let err = Error::validation("steps[2].due", "does not fit the before phase");
        assert_eq!(
            err.to_string(),
            "Step 2, due: does not fit the before phase"
        );
        assert_eq!(err.field(), Some("steps[2].due"));
        assert_eq!(err.bare_message(), "does not fit the before phase");
    }

    #[test]
    fn a_database_failure_is_a_sentence_without_sqlites_text() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (name TEXT UNIQUE); INSERT INTO t VALUES ('Maya');")
            .unwrap();
        let err = Error::from(
            conn.execute("INSERT INTO t VALUES ('Maya')", [])
                .unwrap_err(),
        );
        assert_eq!(err.code(), ErrorCode::Conflict);
        let message = err.to_string();
        assert!(
            message.starts_with("The till could not save this"),
            "{message}"
        );
        assert!(
            !message.contains("UNIQUE") && !message.contains("t.name"),
            "{message}"
        );
        assert!(err.detail().unwrap().contains("UNIQUE constraint failed"));
    }
}
