//! Retention periods: how many days personal data is kept before the
//! start-up purge erases it (pre-order contacts, attendee contacts). Each is
//! one setting, read with its default (a value the till cannot read is an
//! error, never an early or late purge) and changed by an organizer, journaled
//! with before, after and who approved.

use rusqlite::{Connection, OptionalExtension};

use crate::db::store::Tx;
use crate::shop::people::Approval;
use crate::{Error, Result};

/// One retention period and its bounds.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// The setting's key.
    pub key: &'static str,
    /// The field the window names in an error.
    pub field: &'static str,
    pub default_days: i64,
    pub min_days: i64,
    pub max_days: i64,
}

impl Retention {
    /// The period in force, in days.
    pub fn days(&self, conn: &Connection) -> Result<i64> {
        let value: Option<String> = conn
            .query_row(
                "SELECT value FROM setting WHERE key = ?1",
                [self.key],
                |r| r.get(0),
            )
            .optional()?;
        match value {
            None => Ok(self.default_days),
            Some(v) => v.parse().map_err(|_| {
                Error::Integrity(format!(
                    "the setting {} holds '{v}', not a number of days",
                    self.key
                ))
            }),
        }
    }

    /// Change the period, approved by an organizer.
    pub fn set(&self, tx: &Tx, approval: &Approval, days: &str) -> Result<i64> {
        let days: i64 = days.trim().parse().map_err(|_| {
            Error::validation(
                self.field,
                format!("'{}' is not a whole number of days", days.trim()),
            )
        })?;
        if !(self.min_days..=self.max_days).contains(&days) {
            return Err(Error::validation(
                self.field,
                format!(
                    "keep contacts between {} and {} days",
                    self.min_days, self.max_days
                ),
            ));
        }
        let before = self.days(tx)?;
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (self.key, days.to_string()),
        )?;
        tx.journal(
            "settings.saved",
            "setting",
            self.key,
            serde_json::json!({"before": before, "after": days, "approved_by": approval.organizer_id()}),
        )?;
        Ok(days)
    }
}
