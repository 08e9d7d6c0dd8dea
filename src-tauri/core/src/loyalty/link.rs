//! A card linked to an attendee's contact, only with their consent (the
//! `card_link` purpose of `attendees::purpose`). The link is a ledger:
//! linking and unlinking are new rows, journaled with ids only; a card is
//! linked while its latest row is a link. Withdrawing the consent, erasing
//! the contact or purging it unlinks every card of theirs. Reports and the
//! card's page say only *that* a card is linked; who to is for an
//! organizer's eyes (`holder`).

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::attendees::purpose::{self, Purpose};
use crate::attendees::{contacts, How, WithdrawHow};
use crate::db::store::Tx;
use crate::reporting::report::Viewer;
use crate::{new_id, Error, Result};

/// Why a link ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnlinkReason {
    /// Asked for, on the contact's page.
    Unlinked,
    /// The consent to the link was withdrawn.
    ConsentWithdrawn,
    /// The contact was erased on request.
    Erasure,
    /// The contact was purged after the retention period.
    Inactive,
}

impl UnlinkReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UnlinkReason::Unlinked => "unlinked",
            UnlinkReason::ConsentWithdrawn => "consent_withdrawn",
            UnlinkReason::Erasure => "erasure",
            UnlinkReason::Inactive => "inactive",
        }
    }
}

/// The contact a card is linked to now, if any.
pub fn linked_contact(conn: &Connection, card: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT kind, contact_id FROM card_link WHERE card = ?1
             ORDER BY at_utc DESC, id DESC LIMIT 1",
            [card],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?
        .and_then(|(kind, contact)| (kind == "link").then_some(contact)))
}

/// A card linked to a contact, as their page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedCard {
    pub card: String,
    pub linked_at_utc: String,
    pub utc_offset_minutes: i64,
}

/// The cards linked to a contact now, oldest link first.
pub fn cards_of(conn: &Connection, contact_id: &str) -> Result<Vec<LinkedCard>> {
    let mut stmt = conn.prepare(
        "WITH latest AS (
             SELECT card, kind, contact_id, at_utc, utc_offset_minutes,
                    row_number() OVER (PARTITION BY card ORDER BY at_utc DESC, id DESC) AS n
             FROM card_link WHERE card IN (SELECT card FROM card_link WHERE contact_id = ?1))
         SELECT card, at_utc, utc_offset_minutes FROM latest
         WHERE n = 1 AND kind = 'link' AND contact_id = ?1 ORDER BY at_utc, card",
    )?;
    let rows = stmt.query_map([contact_id], |r| {
        Ok(LinkedCard {
            card: r.get(0)?,
            linked_at_utc: r.get(1)?,
            utc_offset_minutes: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A card just linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Linked {
    pub link_id: String,
    pub card: String,
    pub contact_id: String,
    pub consent_id: String,
    /// Whether the consent was recorded with this link.
    pub consent_given_now: bool,
}

/// Link the card whose code is `code` to the contact. Refused unless the
/// contact agreed to it: an active `card_link` consent, or `consent_now`
/// (the person agreeing as the card is linked; recorded first, in the
/// same transaction). A card linked to someone else is refused too.
pub fn link(tx: &Tx, contact_id: &str, code: &str, consent_now: bool) -> Result<Linked> {
    let card = super::code::card_of(tx, "code", code)?;
    contacts::get_live(tx, contact_id)?;
    match linked_contact(tx, &card)? {
        Some(other) if other == contact_id => {
            return Err(Error::Conflict(format!(
                "card {card} is already linked to this contact"
            )))
        }
        Some(_) => {
            return Err(Error::Conflict(format!(
                "card {card} is linked to another contact: unlink it there first"
            )))
        }
        None => {}
    }
    let (consent_id, consent_given_now) = match purpose::active(tx, contact_id, Purpose::CardLink)?
    {
        Some(id) => (id, false),
        None if consent_now => (
            purpose::give(tx, contact_id, Purpose::CardLink, How::AttendeeList)?,
            true,
        ),
        None => {
            return Err(Error::validation(
                "consent",
                "this person has not agreed to have a loyalty card linked to them: read them the words and tick that they agree, or leave the card anonymous",
            ))
        }
    };
    let id = new_id();
    tx.execute(
        "INSERT INTO card_link (id, device_id, card, contact_id, kind, consent_id, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, 'link', ?5, ?6, ?7, ?8)",
        rusqlite::params![
            id,
            tx.device_id,
            card,
            contact_id,
            consent_id,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    contacts::touch(tx, contact_id)?;
    tx.journal(
        "card.linked",
        "card_link",
        &id,
        serde_json::json!({"card": card, "contact_id": contact_id, "kind": "link",
                           "consent_id": consent_id, "reason": null}),
    )?;
    Ok(Linked {
        link_id: id,
        card,
        contact_id: contact_id.to_string(),
        consent_id,
        consent_given_now,
    })
}

fn write_unlink(tx: &Tx, card: &str, contact_id: &str, reason: UnlinkReason) -> Result<()> {
    let id = new_id();
    tx.execute(
        "INSERT INTO card_link (id, device_id, card, contact_id, kind, reason, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, 'unlink', ?5, ?6, ?7, ?8)",
        rusqlite::params![
            id,
            tx.device_id,
            card,
            contact_id,
            reason.as_str(),
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    tx.journal(
        "card.unlinked",
        "card_link",
        &id,
        serde_json::json!({"card": card, "contact_id": contact_id, "kind": "unlink",
                           "consent_id": null, "reason": reason.as_str()}),
    )?;
    Ok(())
}

/// Unlink a card (by its id or its code) from the contact it is linked to.
pub fn unlink(tx: &Tx, contact_id: &str, card: &str) -> Result<()> {
    let card = if card.trim().len() == 8 {
        card.trim().to_uppercase()
    } else {
        super::code::card_of(tx, "card", card)?
    };
    if linked_contact(tx, &card)?.as_deref() != Some(contact_id) {
        return Err(Error::Conflict(format!(
            "card {card} is not linked to this contact"
        )));
    }
    write_unlink(tx, &card, contact_id, UnlinkReason::Unlinked)?;
    contacts::touch(tx, contact_id)
}

/// Unlink every card of the contact and end their consent to the link
/// (the consent's withdrawal, an erasure, a purge). Returns (consents
/// ended, cards unlinked). The consent's end is journaled by the caller
/// (`withdraw_consent`, or the erasure's own entry); each unlink has its own.
pub(crate) fn end_for_contact(
    tx: &Tx,
    contact_id: &str,
    how: WithdrawHow,
) -> Result<(usize, usize)> {
    let reason = match how {
        WithdrawHow::Erasure => UnlinkReason::Erasure,
        WithdrawHow::Inactive => UnlinkReason::Inactive,
        WithdrawHow::AttendeeList | WithdrawHow::ReceiptCode => UnlinkReason::ConsentWithdrawn,
    };
    let cards = cards_of(tx, contact_id)?;
    for c in &cards {
        write_unlink(tx, &c.card, contact_id, reason)?;
    }
    let ended = purpose::end(tx, contact_id, Purpose::CardLink, how)?;
    Ok((ended.len(), cards.len()))
}

/// Withdraw the contact's consent to having a card linked: the consent
/// ends and every card of theirs is unlinked, in one transaction.
pub fn withdraw_consent(tx: &Tx, contact_id: &str) -> Result<usize> {
    contacts::get_live(tx, contact_id)?;
    let (ended, unlinked) = end_for_contact(tx, contact_id, WithdrawHow::AttendeeList)?;
    if ended == 0 {
        return Err(Error::Conflict(
            "this contact has not agreed to have a loyalty card linked; there is nothing to withdraw"
                .into(),
        ));
    }
    contacts::touch(tx, contact_id)?;
    tx.journal(
        "purpose_consent.withdrawn",
        "contact",
        contact_id,
        serde_json::json!({"purpose": Purpose::CardLink.as_str(), "count": ended,
                           "cards_unlinked": unlinked, "how": WithdrawHow::AttendeeList.as_str()}),
    )?;
    Ok(unlinked)
}

/// Who a linked card belongs to, for an organizer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    pub contact_id: String,
    pub name: String,
    /// The contact's code, as printed.
    pub code: Option<String>,
}

/// Whether the card is linked, and to whom when `viewer` may see it (an
/// organizer); a cashier sees only that it is linked.
pub fn holder(conn: &Connection, card: &str, viewer: Viewer) -> Result<(bool, Option<Holder>)> {
    let Some(contact_id) = linked_contact(conn, card)? else {
        return Ok((false, None));
    };
    if viewer != Viewer::Organizer {
        return Ok((true, None));
    }
    let contact = contacts::get(conn, &contact_id)?;
    Ok((
        true,
        Some(Holder {
            contact_id,
            name: contact.name,
            code: contact.code,
        }),
    ))
}
