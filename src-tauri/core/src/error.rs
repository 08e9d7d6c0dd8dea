//! The core's error type: one enum whose variants carry a stable machine code
//! (what the UI and scripts branch on) and a message a person can act on.

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
    /// A PIN was wrong or the organizer is locked out.
    Unauthorized,
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
            ErrorCode::Locked => "locked",
            ErrorCode::Storage => "storage",
            ErrorCode::Integrity => "integrity",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    #[error("{what} not found: {id}")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Locked(String),
    #[error("{0}")]
    Storage(String),
    #[error("{0}")]
    Integrity(String),
    #[error("database error: {0}")]
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
            Error::Locked(_) => ErrorCode::Locked,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Integrity(_) => ErrorCode::Integrity,
            Error::Sqlite(e) => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ReadOnly)
                | Some(rusqlite::ErrorCode::NotADatabase)
                | Some(rusqlite::ErrorCode::DiskFull)
                | Some(rusqlite::ErrorCode::CannotOpen) => ErrorCode::Storage,
                Some(rusqlite::ErrorCode::ConstraintViolation) => ErrorCode::Conflict,
                _ => ErrorCode::Storage,
            },
        }
    }

    /// The field a validation error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } => Some(field),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
