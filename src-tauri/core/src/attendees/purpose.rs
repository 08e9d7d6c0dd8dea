//! Consent to a purpose other than news: so far one, having a loyalty card
//! linked to the contact (`Purpose::CardLink`). No address is involved, so
//! the consent records the exact words the person agreed to (the till's
//! own, `Purpose::wording`), how and who recorded it, and is withdrawn
//! like a consent to news: a new row, never an edit. Withdrawing it ends
//! what it allowed (`loyalty::link` unlinks the cards).

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::contacts;
use super::{How, WithdrawHow};
use crate::db::store::Tx;
use crate::{new_id, Error, Result};

/// A purpose a contact may agree to, beside news by email or SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// A loyalty card linked to the contact.
    CardLink,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::CardLink => "card_link",
        }
    }

    /// The words shown before the person agrees, recorded with the consent.
    pub fn wording(self) -> &'static str {
        match self {
            Purpose::CardLink => {
                "Your loyalty card will be linked to your name on our contact list, so the shop \
                 sees which visits and stamps are yours. The card works the same without it. \
                 You can ask any team member to unlink it at any time."
            }
        }
    }
}

/// Whether the contact's consent to `purpose` is active: given, not
/// withdrawn, and the contact not erased. Its id when it is.
pub fn active(conn: &Connection, contact_id: &str, purpose: Purpose) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT k.id FROM purpose_consent k JOIN contact c ON c.id = k.contact_id
             WHERE k.contact_id = ?1 AND k.purpose = ?2 AND c.erased_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM purpose_consent_withdrawal w WHERE w.consent_id = k.id)
             ORDER BY k.at_utc DESC, k.id DESC LIMIT 1",
            (contact_id, purpose.as_str()),
            |r| r.get(0),
        )
        .optional()?)
}

/// Record the contact's consent to `purpose` (refused when it is already
/// active). The journal gets ids only.
pub fn give(tx: &Tx, contact_id: &str, purpose: Purpose, how: How) -> Result<String> {
    contacts::get_live(tx, contact_id)?;
    if active(tx, contact_id, purpose)?.is_some() {
        return Err(Error::Conflict(
            "this contact has already agreed to this; nothing was recorded again".into(),
        ));
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO purpose_consent (id, device_id, contact_id, purpose, wording, how, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            id,
            tx.device_id,
            contact_id,
            purpose.as_str(),
            purpose.wording(),
            how.as_str(),
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    contacts::touch(tx, contact_id)?;
    tx.journal(
        "purpose_consent.given",
        "contact",
        contact_id,
        serde_json::json!({"consent_id": id, "purpose": purpose.as_str(), "how": how.as_str()}),
    )?;
    Ok(id)
}

/// End the contact's consents to `purpose`, each with its withdrawal row.
/// Writes no journal entry (the caller does); returns the consents ended.
pub(crate) fn end(
    tx: &Tx,
    contact_id: &str,
    purpose: Purpose,
    how: WithdrawHow,
) -> Result<Vec<String>> {
    super::consent::end_open(
        tx,
        "purpose_consent",
        "purpose",
        contact_id,
        purpose.as_str(),
        how,
    )
}

/// A purpose consent as the contact's page and their data file show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurposeConsentEntry {
    pub id: String,
    pub purpose: String,
    /// The exact words agreed to.
    pub wording: String,
    pub how: String,
    pub recorded_by: String,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
    /// How and when it was withdrawn, if it was.
    pub withdrawn_how: Option<String>,
    pub withdrawn_at_utc: Option<String>,
}

/// Every purpose consent of a contact, oldest first.
pub fn history(conn: &Connection, contact_id: &str) -> Result<Vec<PurposeConsentEntry>> {
    let mut stmt = conn.prepare(
        "SELECT k.id, k.purpose, k.wording, k.how, k.actor_id, k.at_utc, k.utc_offset_minutes, w.how, w.at_utc
         FROM purpose_consent k LEFT JOIN purpose_consent_withdrawal w ON w.consent_id = k.id
         WHERE k.contact_id = ?1 ORDER BY k.at_utc, k.id",
    )?;
    let rows = stmt.query_map([contact_id], |r| {
        Ok(PurposeConsentEntry {
            id: r.get(0)?,
            purpose: r.get(1)?,
            wording: r.get(2)?,
            how: r.get(3)?,
            recorded_by: r.get(4)?,
            at_utc: r.get(5)?,
            utc_offset_minutes: r.get(6)?,
            withdrawn_how: r.get(7)?,
            withdrawn_at_utc: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
