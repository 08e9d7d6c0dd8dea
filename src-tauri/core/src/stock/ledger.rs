//! The stock ledger: append-only movements of products in and out of
//! storage and the event, and stock on hand as their sum. Callers (a sale, a
//! count, a transfer) record movements inside their own transaction and
//! write the journal entry for the whole document.

use rusqlite::Connection;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::db::store::Tx;
use crate::{new_id, Error, Result};

/// Quantities carry at most 3 decimals (grams of a kg, millilitres of a litre).
pub const QUANTITY_DECIMALS: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    Storage,
    Event,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Storage => "storage",
            Location::Event => "event",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    Receive,
    Transfer,
    Sale,
    Return,
    Void,
    Adjust,
    Count,
    Waste,
    Refill,
    Fulfil,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Receive => "receive",
            MovementKind::Transfer => "transfer",
            MovementKind::Sale => "sale",
            MovementKind::Return => "return",
            MovementKind::Void => "void",
            MovementKind::Adjust => "adjust",
            MovementKind::Count => "count",
            MovementKind::Waste => "waste",
            MovementKind::Refill => "refill",
            MovementKind::Fulfil => "fulfil",
        }
    }
}

/// One movement to record.
#[derive(Debug, Clone)]
pub struct Movement<'a> {
    pub product_id: &'a str,
    pub event_id: Option<&'a str>,
    pub location: Location,
    pub kind: MovementKind,
    /// Signed: positive into `location`, negative out of it.
    pub quantity: Decimal,
    pub reason: &'a str,
    pub note: &'a str,
    pub lot_code: Option<&'a str>,
    pub source_type: &'a str,
    pub source_id: Option<&'a str>,
}

/// A quantity as the ledger stores it: thousandths of the unit.
pub fn to_milli(field: &str, quantity: Decimal) -> Result<i64> {
    let q = quantity.normalize();
    if q.scale() > QUANTITY_DECIMALS {
        return Err(Error::validation(
            field,
            format!("{q} has more than {QUANTITY_DECIMALS} decimals"),
        ));
    }
    (q * Decimal::from(1000))
        .to_i64()
        .ok_or_else(|| Error::validation(field, format!("{q} is too large")))
}

pub fn from_milli(milli: i64) -> Decimal {
    Decimal::new(milli, QUANTITY_DECIMALS).normalize()
}

/// Record one movement in the caller's transaction; returns its id. The
/// caller's next journal entry lists it (`Tx::journal`).
pub fn record(tx: &Tx, m: &Movement) -> Result<String> {
    let milli = to_milli("quantity", m.quantity)?;
    if milli == 0 && m.kind != MovementKind::Count {
        return Err(Error::validation("quantity", "must not be zero"));
    }
    let id = new_id();
    // Cached: a sale records one movement per line.
    tx.prepare_cached(
        "INSERT INTO stock_movement (id, device_id, product_id, event_id, location, kind, quantity_milli, reason, note, lot_code, source_type, source_id, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(rusqlite::params![
            id,
            tx.device_id,
            m.product_id,
            m.event_id,
            m.location.as_str(),
            m.kind.as_str(),
            milli,
            m.reason,
            m.note,
            m.lot_code,
            m.source_type,
            m.source_id,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ])?;
    tx.note_movement(serde_json::json!({
        "id": id,
        "kind": m.kind.as_str(),
        "location": m.location.as_str(),
        "product_id": m.product_id,
        "quantity_milli": milli,
    }));
    Ok(id)
}

/// Stock on hand of a product, everywhere: the sum of its movements.
pub fn on_hand(conn: &Connection, product_id: &str) -> Result<Decimal> {
    let milli: i64 = conn.query_row(
        "SELECT coalesce(sum(quantity_milli), 0) FROM stock_movement WHERE product_id = ?1",
        [product_id],
        |r| r.get(0),
    )?;
    Ok(from_milli(milli))
}

/// Stock on hand of a product at one location.
pub fn on_hand_at(conn: &Connection, product_id: &str, location: Location) -> Result<Decimal> {
    let milli: i64 = conn.query_row(
        "SELECT coalesce(sum(quantity_milli), 0) FROM stock_movement WHERE product_id = ?1 AND location = ?2",
        (product_id, location.as_str()),
        |r| r.get(0),
    )?;
    Ok(from_milli(milli))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn quantities_are_stored_in_thousandths() {
        assert_eq!(
            to_milli("q", Decimal::from_str("0.25").unwrap()).unwrap(),
            250
        );
        assert_eq!(
            to_milli("q", Decimal::from_str("-3").unwrap()).unwrap(),
            -3000
        );
        assert_eq!(
            to_milli("q", Decimal::from_str("1.2345").unwrap())
                .unwrap_err()
                .field(),
            Some("q")
        );
        assert_eq!(from_milli(1250), Decimal::from_str("1.25").unwrap());
    }
}
