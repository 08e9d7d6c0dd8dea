//! Voids: a completed sale is never edited; a void is a new record,
//! approved by an organizer, that puts back exactly the stock the sale took
//! out. Owns the rule that a void always needs an organizer's PIN, and
//! that a sale with refunds, or the new sale of an exchange, is refunded
//! rather than voided (its money went back part by part).

use rusqlite::{Connection, OptionalExtension};

use crate::db::store::Tx;
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::stock::{self, Location, Movement, MovementKind};
use crate::text::clean;
use crate::till::session::{self, Session};
use crate::{new_id, Actor, Error, Result, Store};

/// A sale that can be voided: it exists, is not voided yet, and belongs to
/// the series (live or practice) of the open session.
struct Voidable {
    event_id: String,
    receipt_number: String,
}

fn voidable(conn: &Connection, session: &Session, sale_id: &str) -> Result<Voidable> {
    let (event_id, practice, receipt): (String, bool, String) = conn
        .query_row(
            "SELECT event_id, practice, receipt_number FROM sale WHERE id = ?1",
            [sale_id],
            |r| Ok((r.get(0)?, r.get::<_, i64>(1)? == 1, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("sale", sale_id))?;
    let already: i64 = conn.query_row(
        "SELECT count(*) FROM sale_void WHERE sale_id = ?1",
        [sale_id],
        |r| r.get(0),
    )?;
    if already > 0 {
        return Err(Error::Conflict(format!("sale {receipt} is already voided")));
    }
    let (refunds, by_exchange, deposits_back): (bool, bool, bool) = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM refund WHERE sale_id = ?1),
                EXISTS (SELECT 1 FROM payment WHERE sale_id = ?1 AND method = 'exchange'),
                EXISTS (SELECT 1 FROM deposit_return WHERE sale_id = ?1)",
        [sale_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    // The containers came back all the same: the sale's goods are refunded
    // instead, and the deposits paid back stay paid.
    if deposits_back {
        return Err(Error::Conflict(format!(
            "containers were brought back in sale {receipt}: refund its goods instead of voiding it"
        )));
    }
    if refunds {
        return Err(Error::Conflict(format!(
            "sale {receipt} has refunds: refund what is left of it instead of voiding it"
        )));
    }
    if by_exchange {
        return Err(Error::Conflict(format!(
            "sale {receipt} is the new sale of an exchange: refund it instead of voiding it"
        )));
    }
    if practice != session.practice {
        return Err(Error::Conflict(format!(
            "sale {receipt} belongs to the {} series; void it from a {} session",
            if practice { "practice" } else { "live" },
            if practice { "practice" } else { "live" }
        )));
    }
    Ok(Voidable {
        event_id,
        receipt_number: receipt,
    })
}

/// Void a completed sale: a new record, approved by an organizer, that puts
/// the stock back. The sale itself is never edited.
pub fn void(tx: &Tx, approval: &Approval, sale_id: &str, reason: &str) -> Result<String> {
    let reason = clean("reason", reason, true, 200)?;
    let session = session::require_open(tx, tx.device_id)?;
    let Voidable {
        event_id,
        receipt_number: receipt,
    } = voidable(tx, &session, sale_id)?;
    let id = new_id();
    tx.execute(
        "INSERT INTO sale_void (id, device_id, sale_id, session_id, reason, approved_by, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![id, tx.device_id, sale_id, session.id, reason, approval.organizer_id(), tx.actor.id, tx.now.utc, tx.now.offset_minutes],
    )?;
    // Put back exactly what the sale took out.
    let moved: Vec<(String, i64)> = {
        let mut stmt = tx.prepare(
            "SELECT product_id, quantity_milli FROM stock_movement WHERE source_type = 'sale' AND source_id = ?1 AND kind = 'sale'",
        )?;
        let rows = stmt.query_map([sale_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (product_id, milli) in &moved {
        stock::record(
            tx,
            &Movement {
                product_id,
                event_id: Some(&event_id),
                location: Location::Event,
                kind: MovementKind::Void,
                quantity: -stock::from_milli(*milli),
                reason: "void",
                note: "",
                lot_code: None,
                source_type: "void",
                source_id: Some(&id),
            },
        )?;
    }
    tx.journal(
        "sale.voided",
        "sale",
        sale_id,
        serde_json::json!({"void_id": id, "receipt_number": receipt, "session_id": session.id, "approved_by": approval.organizer_id()}),
    )?;
    crate::loyalty::ledger::void_sale(tx, sale_id, &event_id)?;
    Ok(id)
}

/// Void with an organizer's PIN. A void always needs one: without an
/// organizer and a PIN this answers `Unauthorized` (the till then asks for
/// the PIN and calls again). Everything that can be checked is checked
/// first, so neither a PIN prompt nor a PIN try is spent on a void that
/// would be refused anyway.
pub fn void_with_pin(
    store: &mut Store,
    actor: &Actor,
    sale_id: &str,
    reason: &str,
    request: &ApprovalRequest,
) -> Result<String> {
    clean("reason", reason, true, 200)?;
    let session = session::require_open(store.conn(), store.device_id())?;
    voidable(store.conn(), &session, sale_id)?;
    let approval = people::approve(store, request)?;
    store.write(actor, |tx| void(tx, &approval, sale_id, reason))
}
