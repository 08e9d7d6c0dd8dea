//! People's rights over what the till holds about them: access (one
//! contact's data as a single JSON file), erasure (their personal data
//! removed everywhere — the contact, their attendee rows, pre-order
//! contacts with their address — while sales and the journal stay whole),
//! and the retention period after which a contact with no activity is
//! purged when the till starts.
//!
//! Erasing keeps the contact's row with every personal field emptied, so
//! the consent ledger still points at it: it then shows that someone
//! agreed and stopped, no longer who. The database deletes and overwrites
//! with `secure_delete` on, and the write-ahead log is checkpointed and
//! truncated afterwards, so the erased text does not linger in the file.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;

use super::consent::{self, ConsentEntry};
use super::contacts::{self, Contact};
use super::register::{self, Attendance};
use super::{normalise, Channel, WithdrawHow};
use crate::db::store::{Actor, Store, Tx};
use crate::shop::people::{Approval, ApprovalRequest};
use crate::shop::retention::Retention;
use crate::shop::roles::{self, Action};
use crate::{Error, Result};

/// The setting that holds how many days a contact is kept without activity.
pub const RETENTION_KEY: &str = "contact_retention_days";
/// Two years without a sign-up, a check-in or a consent.
pub const DEFAULT_RETENTION_DAYS: i64 = 730;
pub const MIN_RETENTION_DAYS: i64 = 1;
pub const MAX_RETENTION_DAYS: i64 = 3650;
/// The contacts' retention period (see `shop::retention`).
pub const RETENTION: Retention = Retention {
    key: RETENTION_KEY,
    field: RETENTION_KEY,
    default_days: DEFAULT_RETENTION_DAYS,
    min_days: MIN_RETENTION_DAYS,
    max_days: MAX_RETENTION_DAYS,
};

/// The access file's format name.
pub const DATA_FORMAT: &str = "popup-till/contact-data/v1";

/// A pre-order whose contact holds one of the contact's addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreOrderContact {
    pub order_id: String,
    pub product: String,
    pub quantity: String,
    pub at_utc: String,
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// Everything the till holds about one contact: the access file.
#[derive(Debug, Clone, Serialize)]
pub struct ContactData {
    pub format: &'static str,
    pub shop: String,
    pub written_at_utc: String,
    pub contact: Contact,
    pub consents: Vec<ConsentEntry>,
    pub attendance: Vec<Attendance>,
    pub pre_orders: Vec<PreOrderContact>,
    /// Consents to other purposes (a loyalty card linked).
    pub purpose_consents: Vec<super::purpose::PurposeConsentEntry>,
    /// The loyalty cards linked to them now (card ids).
    pub linked_cards: Vec<crate::loyalty::link::LinkedCard>,
    /// What else the till keeps and why, in words.
    pub notes: Vec<&'static str>,
}

/// The pre-order contacts holding one of `contact`'s addresses (compared
/// normalised).
fn pre_orders_of(conn: &Connection, contact: &Contact) -> Result<Vec<PreOrderContact>> {
    let email = normalise(Channel::Email, &contact.email);
    let phone = normalise(Channel::Sms, &contact.phone);
    if email.is_empty() && phone.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT o.id, p.name, o.quantity_milli, o.at_utc, c.name, c.phone, c.email
         FROM order_contact c JOIN customer_order o ON o.id = c.order_id
         JOIN product p ON p.id = o.product_id ORDER BY o.at_utc, o.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PreOrderContact {
            order_id: r.get(0)?,
            product: r.get(1)?,
            quantity: crate::stock::from_milli(r.get(2)?).to_string(),
            at_utc: r.get(3)?,
            name: r.get(4)?,
            phone: r.get(5)?,
            email: r.get(6)?,
        })
    })?;
    let mut out = Vec::new();
    for row in rows {
        let order = row?;
        let same_email = !email.is_empty() && normalise(Channel::Email, &order.email) == email;
        let same_phone = !phone.is_empty() && normalise(Channel::Sms, &order.phone) == phone;
        if same_email || same_phone {
            out.push(order);
        }
    }
    Ok(out)
}

/// One contact's data, as the access file holds it.
pub fn contact_data(conn: &Connection, contact_id: &str, now_utc: &str) -> Result<ContactData> {
    let contact = contacts::get(conn, contact_id)?;
    Ok(ContactData {
        format: DATA_FORMAT,
        shop: crate::shop::settings::load(conn)?.shop_name,
        written_at_utc: now_utc.to_string(),
        consents: consent::history(conn, contact_id)?,
        attendance: register::attendance_of(conn, contact_id)?,
        pre_orders: pre_orders_of(conn, &contact)?,
        purpose_consents: super::purpose::history(conn, contact_id)?,
        linked_cards: crate::loyalty::link::cards_of(conn, contact_id)?,
        contact,
        notes: vec![
            "An address is kept only while its consent is active; a withdrawn address is kept only as a SHA-256 hash on the suppression list, so it is never added again.",
            "Sales keep no name or address. The audit journal keeps ids and counts, never a name or an address.",
            "A contact with no sign-up, check-in or consent for the retention period is erased when the till starts.",
        ],
    })
}

/// Write one contact's data to `path` (a new file) as JSON and journal
/// that it was written (the contact's id only).
pub fn write_contact_data(
    store: &mut Store,
    actor: &Actor,
    contact_id: &str,
    path: &Path,
) -> Result<PathBuf> {
    let data = contact_data(store.conn(), contact_id, &store.now().utc)?;
    let text = serde_json::to_string_pretty(&data)
        .map_err(|e| Error::Integrity(format!("cannot write the contact's data: {e}")))?;
    store.write(actor, |tx| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| {
                Error::validation("out", format!("cannot create {}: {e}", path.display()))
            })?;
        std::io::Write::write_all(&mut file, text.as_bytes())
            .map_err(|e| Error::Storage(format!("cannot write {}: {e}", path.display())))?;
        tx.journal(
            "contact.data_written",
            "contact",
            contact_id,
            serde_json::json!({"consents": data.consents.len(), "events": data.attendance.len(),
                               "pre_orders": data.pre_orders.len()}),
        )?;
        Ok(path.to_path_buf())
    })
}

/// `write_contact_data` into `folder`, under a new name.
pub fn write_contact_data_in(
    store: &mut Store,
    actor: &Actor,
    contact_id: &str,
    folder: &Path,
) -> Result<PathBuf> {
    if folder.as_os_str().is_empty() || !folder.is_dir() {
        return Err(Error::validation("folder", "choose a folder that exists"));
    }
    let contact = contacts::get(store.conn(), contact_id)?;
    let tag = contact
        .code
        .as_deref()
        .unwrap_or(&contact_id[..contact_id.len().min(8)])
        .to_string();
    let stamp = store.now_local().format("%Y-%m-%d");
    let path = (1..100)
        .map(|n| {
            folder.join(if n == 1 {
                format!("contact-{tag}-{stamp}.json")
            } else {
                format!("contact-{tag}-{stamp}-{n}.json")
            })
        })
        .find(|p| !p.exists())
        .ok_or_else(|| Error::validation("folder", "this folder already holds many such files"))?;
    write_contact_data(store, actor, contact_id, &path)
}

/// What an erasure removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Erased {
    pub contact_id: String,
    pub attendee_rows: usize,
    pub order_contacts: usize,
    pub consents_ended: usize,
}

/// Empty the contact's personal fields and remove their attendee rows;
/// end their consents. Returns (attendee rows, consents ended).
fn clear(tx: &Tx, contact: &Contact, how: WithdrawHow, suppress: bool) -> Result<(usize, usize)> {
    let ended = consent::end(tx, contact, &Channel::ALL, how, suppress)?;
    // A loyalty card linked with their consent is unlinked, and that consent ends.
    let (card_consents, _) = crate::loyalty::link::end_for_contact(tx, &contact.id, how)?;
    let attendees = tx.execute("DELETE FROM attendee WHERE contact_id = ?1", [&contact.id])?;
    tx.execute(
        "UPDATE contact SET name = '', email = '', phone = '', code = NULL, erased_at = ?1, erased_how = ?2
         WHERE id = ?3",
        (
            &tx.now.utc,
            if how == WithdrawHow::Inactive {
                "inactive"
            } else {
                "request"
            },
            &contact.id,
        ),
    )?;
    Ok((attendees, ended.len() + card_consents))
}

/// Erase a contact's personal data everywhere (an organizer's action): the
/// contact's name, addresses and code, their attendee rows, and the
/// pre-order contacts holding their address. Their addresses go on the
/// suppression list, so no import brings them back. Sales, the consent
/// ledger (without anything personal) and the journal stay whole; the
/// journal gets ids and counts.
pub fn erase(tx: &Tx, approval: &Approval, contact_id: &str) -> Result<Erased> {
    let contact = contacts::get(tx, contact_id)?;
    if let Some(at) = &contact.erased_at {
        return Err(Error::Conflict(format!(
            "this contact's personal data was already erased ({at})"
        )));
    }
    let orders = pre_orders_of(tx, &contact)?;
    for order in &orders {
        tx.execute(
            "DELETE FROM order_contact WHERE order_id = ?1",
            [&order.order_id],
        )?;
    }
    let (attendee_rows, consents_ended) = clear(tx, &contact, WithdrawHow::Erasure, true)?;
    let erased = Erased {
        contact_id: contact.id.clone(),
        attendee_rows,
        order_contacts: orders.len(),
        consents_ended,
    };
    tx.journal(
        "contact.erased",
        "contact",
        contact_id,
        serde_json::json!({
            "attendee_rows": erased.attendee_rows, "order_contacts": erased.order_contacts,
            "order_ids": orders.iter().map(|o| o.order_id.as_str()).collect::<Vec<_>>(),
            "consents_ended": erased.consents_ended, "approved_by": approval.organizer_id(),
        }),
    )?;
    Ok(erased)
}

/// After an erasure or a purge: fold the write-ahead log into the file and
/// truncate it, so no earlier page holding the erased text stays in it.
fn settle(store: &Store) {
    // A busy reader only makes the checkpoint partial; it runs again when
    // the till next checkpoints.
    let _ = store.checkpoint();
}

/// Erase with the organizer's approval (the window).
pub fn erase_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    contact_id: &str,
) -> Result<Erased> {
    let erased = roles::approved_write(store, actor, Action::EraseContact, request, |tx, ok| {
        erase(tx, ok, contact_id)
    })?;
    settle(store);
    Ok(erased)
}

/// Erase as the command line does: approved by whoever holds the file.
pub fn erase_as(
    store: &mut Store,
    actor: &Actor,
    approval: &Approval,
    contact_id: &str,
) -> Result<Erased> {
    let erased = store.write(actor, |tx| erase(tx, approval, contact_id))?;
    settle(store);
    Ok(erased)
}

/// Days a contact is kept without activity.
pub fn retention_days(conn: &Connection) -> Result<i64> {
    RETENTION.days(conn)
}

/// Change the retention period (an organizer's setting).
pub fn set_retention_days(tx: &Tx, approval: &Approval, days: &str) -> Result<i64> {
    RETENTION.set(tx, approval, days)
}

pub fn set_retention_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    days: &str,
) -> Result<i64> {
    roles::approved_write(store, actor, Action::ContactRetention, request, |tx, ok| {
        set_retention_days(tx, ok, days)
    })
}

/// Ids of the live contacts with no activity since the retention period
/// began.
fn due_for_purge(conn: &Connection, now_utc: &str) -> Result<Vec<String>> {
    let days = retention_days(conn)?;
    let cutoff = crate::db::clock::parse_utc(now_utc)
        .map(|t| t - chrono::Duration::days(days))
        .ok_or_else(|| Error::Integrity(format!("'{now_utc}' is not a time")))?
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    // UTC RFC 3339 text with milliseconds: text order is time order.
    let mut stmt = conn.prepare(
        "SELECT id FROM contact WHERE erased_at IS NULL AND last_active_at < ?1 ORDER BY id",
    )?;
    let ids = stmt.query_map([cutoff], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Erase the contacts inactive for longer than the retention period, as
/// one transaction with one journal entry (ids and the count); writes
/// nothing when none is due. Run at every start (`crate::open_till`).
/// Their addresses are not suppressed: they did not ask to stop.
pub fn purge_inactive(store: &mut Store, actor: &Actor) -> Result<usize> {
    if due_for_purge(store.conn(), &store.now().utc)?.is_empty() {
        return Ok(0);
    }
    let purged = store.write(actor, |tx| {
        let ids = due_for_purge(tx, &tx.now.utc)?;
        let (mut attendee_rows, mut consents_ended) = (0, 0);
        for id in &ids {
            let contact = contacts::get(tx, id)?;
            let (a, c) = clear(tx, &contact, WithdrawHow::Inactive, false)?;
            attendee_rows += a;
            consents_ended += c;
        }
        tx.journal(
            "contacts.purged",
            "contact",
            "",
            serde_json::json!({
                "contact_ids": ids, "count": ids.len(), "attendee_rows": attendee_rows,
                "consents_ended": consents_ended, "retention_days": retention_days(tx)?,
            }),
        )?;
        Ok(ids.len())
    })?;
    settle(store);
    Ok(purged)
}
