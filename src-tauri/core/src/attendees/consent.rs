//! Consent: the wording the organizer writes (each version kept, never
//! edited in place), consent given to one channel under the current
//! wording (never without one), withdrawal, and the suppression list.
//!
//! Rules:
//! - a consent names its contact, channel, wording version, time, how it
//!   was given and who recorded it; both ledgers are append-only;
//! - a contact holds an address only while that channel's consent is
//!   active: withdrawing it puts the address's hash on the suppression
//!   list and removes the address from the contact;
//! - a suppressed address gets no consent again.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::contacts::{self, Contact};
use super::{address_hash, Channel, How, WithdrawHow};
use crate::db::store::{Actor, Store, Tx};
use crate::shop::people::{Approval, ApprovalRequest};
use crate::shop::roles::{self, Action};
use crate::text::clean;
use crate::{new_id, Error, Result};

/// The longest wording, in characters.
pub const MAX_WORDING_CHARS: usize = 1000;

/// One version of the consent wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Wording {
    pub id: String,
    pub version: i64,
    pub text: String,
    pub actor_id: String,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
}

/// Every version, newest first.
pub fn wordings(conn: &Connection) -> Result<Vec<Wording>> {
    let mut stmt = conn.prepare(
        "SELECT id, version, text, actor_id, at_utc, utc_offset_minutes
         FROM consent_wording ORDER BY version DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Wording {
            id: r.get(0)?,
            version: r.get(1)?,
            text: r.get(2)?,
            actor_id: r.get(3)?,
            at_utc: r.get(4)?,
            utc_offset_minutes: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The wording a consent is given under now: the highest version.
pub fn current_wording(conn: &Connection) -> Result<Option<Wording>> {
    Ok(wordings(conn)?.into_iter().next())
}

fn require_wording(conn: &Connection) -> Result<Wording> {
    current_wording(conn)?.ok_or_else(|| {
        Error::Conflict(
            "there is no consent wording yet: an organizer writes it on the Attendees screen first"
                .into(),
        )
    })
}

/// Write a new version of the wording (an organizer's action).
pub fn write_wording(tx: &Tx, approval: &Approval, text: &str) -> Result<Wording> {
    let text = clean("text", text, true, MAX_WORDING_CHARS)?;
    let current = current_wording(tx)?;
    if let Some(current) = &current {
        if current.text == text {
            return Err(Error::validation(
                "text",
                format!("this is already the wording of version {}", current.version),
            ));
        }
    }
    let version = current.map_or(1, |w| w.version + 1);
    let id = new_id();
    tx.execute(
        "INSERT INTO consent_wording (id, device_id, version, text, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            id,
            tx.device_id,
            version,
            text,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    tx.journal(
        "consent.wording_written",
        "consent_wording",
        &id,
        serde_json::json!({
            "version": version,
            "sha256": crate::db::journal::hex(&Sha256::digest(text.as_bytes())),
            "approved_by": approval.organizer_id(),
        }),
    )?;
    Ok(Wording {
        id,
        version,
        text,
        actor_id: tx.actor.id.clone(),
        at_utc: tx.now.utc.clone(),
        utc_offset_minutes: i64::from(tx.now.offset_minutes),
    })
}

/// `write_wording` with the organizer's approval.
pub fn write_wording_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    text: &str,
) -> Result<Wording> {
    roles::approved_write(store, actor, Action::ConsentWording, request, |tx, ok| {
        write_wording(tx, ok, text)
    })
}

/// SQL that is 1 when the contact aliased `alias` has an active consent
/// for `channel`: one not withdrawn, and the address still held.
pub(crate) fn active_sql(alias: &str, channel: Channel) -> String {
    let ch = channel.as_str();
    let column = channel.column();
    format!(
        "({alias}.{column} <> '' AND EXISTS (SELECT 1 FROM consent k WHERE k.contact_id = {alias}.id
            AND k.channel = '{ch}'
            AND NOT EXISTS (SELECT 1 FROM consent_withdrawal w WHERE w.consent_id = k.id)))"
    )
}

/// Whether the contact's consent for `channel` is active.
pub fn is_active(conn: &Connection, contact_id: &str, channel: Channel) -> Result<bool> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {} FROM contact c WHERE c.id = ?1 AND c.erased_at IS NULL",
                active_sql("c", channel)
            ),
            [contact_id],
            |r| r.get::<_, bool>(0),
        )
        .optional()?
        .unwrap_or(false))
}

/// Whether `address` asked to stop.
pub fn is_suppressed(conn: &Connection, channel: Channel, address: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM suppressed_address WHERE hash = ?1)",
        [address_hash(channel, address)],
        |r| r.get(0),
    )?)
}

/// Put an address on the suppression list (once).
pub(crate) fn suppress(tx: &Tx, channel: Channel, address: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO suppressed_address (hash, channel, at_utc) VALUES (?1, ?2, ?3)
         ON CONFLICT (hash) DO NOTHING",
        (
            address_hash(channel, address),
            channel.as_str(),
            &tx.now.utc,
        ),
    )?;
    Ok(())
}

fn refuse_suppressed(
    conn: &Connection,
    channel: Channel,
    address: &str,
    field: &str,
) -> Result<()> {
    if is_suppressed(conn, channel, address)? {
        return Err(Error::validation(
            field,
            format!(
                "this address asked earlier to receive no more news by {}; it cannot be added again",
                channel.label()
            ),
        ));
    }
    Ok(())
}

/// A consent just recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Given {
    pub consent_id: String,
    pub contact_id: String,
    pub channel: Channel,
    pub wording_version: i64,
}

/// Where a consent is given from, beyond how.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context<'a> {
    pub event_id: Option<&'a str>,
    pub sale_id: Option<&'a str>,
}

/// Record consent for `channel` to `address` (checked here) under the
/// current wording: the contact gets the address, the consent ledger a
/// row, the journal an entry with ids only.
pub(crate) fn give(
    tx: &Tx,
    contact: &Contact,
    channel: Channel,
    address: &str,
    how: How,
    at: Context,
    field: &str,
) -> Result<Given> {
    let wording = require_wording(tx)?;
    let address = contacts::validate_address(field, channel, address)?;
    refuse_suppressed(tx, channel, &address, field)?;
    let held = contact.address(channel);
    if !held.is_empty()
        && super::normalise(channel, held) != super::normalise(channel, &address)
        && is_active(tx, &contact.id, channel)?
    {
        return Err(Error::validation(
            field,
            format!(
                "this contact already agreed to news by {} at another address: withdraw that first",
                channel.label()
            ),
        ));
    }
    if let Some(other) = contacts::find_by_address(tx, channel, &address)? {
        if other != contact.id {
            return Err(Error::validation(
                field,
                "another contact already has this address",
            ));
        }
    }
    contacts::set_address(tx, &contact.id, channel, &address)?;
    let id = new_id();
    tx.execute(
        "INSERT INTO consent (id, device_id, contact_id, channel, wording_id, how, event_id, sale_id, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        rusqlite::params![
            id,
            tx.device_id,
            contact.id,
            channel.as_str(),
            wording.id,
            how.as_str(),
            at.event_id,
            at.sale_id,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    contacts::touch(tx, &contact.id)?;
    tx.journal(
        "consent.given",
        "contact",
        &contact.id,
        serde_json::json!({
            "consent_id": id, "channel": channel.as_str(), "wording_version": wording.version,
            "how": how.as_str(), "event_id": at.event_id, "sale_id": at.sale_id,
        }),
    )?;
    Ok(Given {
        consent_id: id,
        contact_id: contact.id.clone(),
        channel,
        wording_version: wording.version,
    })
}

/// The till's question after a sale: the channel tapped and the address typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct TillConsentInput {
    pub sale_id: String,
    pub channel: String,
    pub address: String,
}

/// A consent given at the till, with the code its receipt now carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TillConsent {
    #[serde(flatten)]
    pub given: Given,
    pub code: String,
}

/// Consent given at the till after a sale: the contact is found by the
/// address (or made, nameless), and the sale's receipt then carries the
/// contact's withdrawal code.
pub fn give_at_till(tx: &Tx, input: &TillConsentInput) -> Result<TillConsent> {
    let channel = Channel::parse(&input.channel)?;
    let sale: Option<(String, bool)> = tx
        .query_row(
            "SELECT event_id, practice FROM sale WHERE id = ?1",
            [&input.sale_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (event_id, practice) = sale.ok_or_else(|| Error::not_found("sale", &input.sale_id))?;
    if practice {
        return Err(Error::Conflict(
            "a practice sale records no consent: nobody real bought anything".into(),
        ));
    }
    let address = contacts::validate_address("address", channel, &input.address)?;
    refuse_suppressed(tx, channel, &address, "address")?;
    let contact_id = match contacts::find_by_address(tx, channel, &address)? {
        Some(id) => id,
        None => contacts::create(tx, "")?,
    };
    let contact = contacts::get_live(tx, &contact_id)?;
    let given = give(
        tx,
        &contact,
        channel,
        &address,
        How::Till,
        Context {
            event_id: Some(&event_id),
            sale_id: Some(&input.sale_id),
        },
        "address",
    )?;
    Ok(TillConsent {
        given,
        code: contacts::get(tx, &contact_id)?.code.unwrap_or_default(),
    })
}

/// Consent recorded on the attendee list or the contact's page, to the
/// address given (the one held when empty).
pub fn give_on_list(tx: &Tx, contact_id: &str, channel: &str, address: &str) -> Result<Given> {
    let channel = Channel::parse(channel)?;
    let contact = contacts::get_live(tx, contact_id)?;
    let address = if address.trim().is_empty() {
        contact.address(channel).to_string()
    } else {
        address.to_string()
    };
    give(
        tx,
        &contact,
        channel,
        &address,
        How::AttendeeList,
        Context::default(),
        "address",
    )
}

/// Give each open consent of the contact for `key` (its `key_column`) in
/// `table` its withdrawal row in `{table}_withdrawal`; returns the consents
/// ended. Shared by channel consents and purpose consents (`purpose`).
pub(crate) fn end_open(
    tx: &Tx,
    table: &str,
    key_column: &str,
    contact_id: &str,
    key: &str,
    how: WithdrawHow,
) -> Result<Vec<String>> {
    let ids: Vec<String> = tx
        .prepare(&format!(
            "SELECT k.id FROM {table} k WHERE k.contact_id = ?1 AND k.{key_column} = ?2
               AND NOT EXISTS (SELECT 1 FROM {table}_withdrawal w WHERE w.consent_id = k.id)
             ORDER BY k.at_utc, k.id"
        ))?
        .query_map((contact_id, key), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        tx.execute(
            &format!(
                "INSERT INTO {table}_withdrawal (id, device_id, consent_id, how, actor_id, at_utc, utc_offset_minutes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ),
            rusqlite::params![
                new_id(),
                tx.device_id,
                id,
                how.as_str(),
                tx.actor.id,
                tx.now.utc,
                tx.now.offset_minutes
            ],
        )?;
    }
    Ok(ids)
}

/// End every consent of the contact on `channels`: each gets its
/// withdrawal row, the address leaves the contact, and (when `suppress`)
/// its hash goes on the suppression list. Writes no journal entry (the
/// caller does); returns the consents ended.
pub(crate) fn end(
    tx: &Tx,
    contact: &Contact,
    channels: &[Channel],
    how: WithdrawHow,
    suppress_addresses: bool,
) -> Result<Vec<String>> {
    let mut ended = Vec::new();
    for &channel in channels {
        let ids = end_open(tx, "consent", "channel", &contact.id, channel.as_str(), how)?;
        let address = contact.address(channel);
        if !address.is_empty() {
            if suppress_addresses {
                suppress(tx, channel, address)?;
            }
            contacts::set_address(tx, &contact.id, channel, "")?;
        }
        ended.extend(ids);
    }
    Ok(ended)
}

/// Withdraw the contact's consent for `channel` (both when None): as easy
/// as giving it, one action. The address goes on the suppression list
/// and leaves the contact. Returns how many consents ended.
pub fn withdraw(
    tx: &Tx,
    contact_id: &str,
    channel: Option<Channel>,
    how: WithdrawHow,
) -> Result<usize> {
    let contact = contacts::get_live(tx, contact_id)?;
    let channels: Vec<Channel> = match channel {
        Some(c) => vec![c],
        None => Channel::ALL.to_vec(),
    };
    let held = channels.iter().any(|c| !contact.address(*c).is_empty());
    let ended = end(tx, &contact, &channels, how, true)?;
    if ended.is_empty() && !held {
        return Err(Error::Conflict(format!(
            "this contact has no consent to news by {} to withdraw",
            channel.map_or("email or SMS", Channel::label)
        )));
    }
    contacts::touch(tx, contact_id)?;
    tx.journal(
        "consent.withdrawn",
        "contact",
        contact_id,
        serde_json::json!({
            "channels": channels.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "consent_ids": ended, "count": ended.len(), "how": how.as_str(),
        }),
    )?;
    Ok(ended.len())
}

/// A withdrawal as the contact's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    pub how: String,
    pub recorded_by: String,
    pub recorded_by_name: Option<String>,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
}

/// A consent as the contact's page and their data file show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentEntry {
    pub id: String,
    pub channel: Channel,
    pub wording_version: i64,
    /// The exact words agreed to.
    pub wording_text: String,
    pub how: String,
    pub event_id: Option<String>,
    pub event_name: Option<String>,
    pub sale_id: Option<String>,
    pub receipt_number: Option<String>,
    /// Who recorded it: a team member's id (or `system:…`).
    pub recorded_by: String,
    pub recorded_by_name: Option<String>,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
    pub withdrawn: Option<Withdrawal>,
}

/// Every consent of a contact, oldest first.
pub fn history(conn: &Connection, contact_id: &str) -> Result<Vec<ConsentEntry>> {
    let mut stmt = conn.prepare(
        "SELECT k.id, k.channel, w.version, w.text, k.how, k.event_id, e.name, k.sale_id, s.receipt_number,
                k.actor_id, p.name, k.at_utc, k.utc_offset_minutes,
                x.how, x.actor_id, px.name, x.at_utc, x.utc_offset_minutes
         FROM consent k
         JOIN consent_wording w ON w.id = k.wording_id
         LEFT JOIN event e ON e.id = k.event_id
         LEFT JOIN sale s ON s.id = k.sale_id
         LEFT JOIN person p ON p.id = k.actor_id
         LEFT JOIN consent_withdrawal x ON x.consent_id = k.id
         LEFT JOIN person px ON px.id = x.actor_id
         WHERE k.contact_id = ?1 ORDER BY k.at_utc, k.id",
    )?;
    let rows = stmt.query_map([contact_id], |r| {
        let channel: String = r.get(1)?;
        let withdrawn_how: Option<String> = r.get(13)?;
        Ok(ConsentEntry {
            id: r.get(0)?,
            channel: if channel == "sms" {
                Channel::Sms
            } else {
                Channel::Email
            },
            wording_version: r.get(2)?,
            wording_text: r.get(3)?,
            how: r.get(4)?,
            event_id: r.get(5)?,
            event_name: r.get(6)?,
            sale_id: r.get(7)?,
            receipt_number: r.get(8)?,
            recorded_by: r.get(9)?,
            recorded_by_name: r.get(10)?,
            at_utc: r.get(11)?,
            utc_offset_minutes: r.get(12)?,
            withdrawn: match withdrawn_how {
                Some(how) => Some(Withdrawal {
                    how,
                    recorded_by: r.get(14)?,
                    recorded_by_name: r.get(15)?,
                    at_utc: r.get(16)?,
                    utc_offset_minutes: r.get(17)?,
                }),
                None => None,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The withdrawal code a sale's receipt prints: only when that sale
/// recorded a consent, and while the contact is not erased.
pub fn receipt_code(conn: &Connection, sale_id: &str) -> Result<Option<String>> {
    let contact_id: Option<String> = conn
        .query_row(
            "SELECT k.contact_id FROM consent k JOIN contact c ON c.id = k.contact_id
             WHERE k.sale_id = ?1 AND c.erased_at IS NULL ORDER BY k.at_utc LIMIT 1",
            [sale_id],
            |r| r.get(0),
        )
        .optional()?;
    match contact_id {
        Some(id) => Ok(contacts::get(conn, &id)?.code),
        None => Ok(None),
    }
}
