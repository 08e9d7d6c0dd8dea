//! Parked carts: put a cart aside to serve someone else, list what is
//! parked on this device, and take a cart back (resume) or drop it
//! (cancel). A parked cart keeps its cart id (completing it after resuming
//! is still one sale) and never keeps a pre-order's contact.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::db::store::Tx;
use crate::text::clean;
use crate::till::cart::CartInput;
use crate::till::session;
use crate::{new_id, Error, Result};

/// A parked cart in the list.
#[derive(Debug, Clone, Serialize)]
pub struct ParkedCart {
    pub id: String,
    pub label: String,
    pub parked_at: String,
    /// Who parked it (their name, or who the till was for a system actor).
    pub parked_by: String,
    pub cart: CartInput,
}

/// Park the cart to serve someone else; resume it later.
pub fn park(tx: &Tx, cart: &CartInput, label: &str) -> Result<String> {
    let session = session::require_open(tx, tx.device_id)?;
    if cart.lines.is_empty() {
        return Err(Error::validation(
            "lines",
            "the cart is empty: nothing to park",
        ));
    }
    let label = clean("label", label, false, 60)?;
    let id = new_id();
    // A pre-order's contact is kept with its order only: a parked cart
    // forgets it (the cashier asks again when the cart is resumed).
    let cart = CartInput {
        handover_contact: None,
        ..cart.clone()
    };
    let text = serde_json::to_string(&cart)
        .map_err(|e| Error::Integrity(format!("cannot encode the cart: {e}")))?;
    tx.execute(
        "INSERT INTO parked_cart (id, device_id, session_id, label, cart, parked_by, parked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![id, tx.device_id, session.id, label, text, tx.actor.id, tx.now.utc],
    )?;
    tx.journal(
        "cart.parked",
        "parked_cart",
        &id,
        serde_json::json!({"lines": cart.lines.len(), "session_id": session.id}),
    )?;
    Ok(id)
}

pub fn parked(conn: &Connection, device_id: &str) -> Result<Vec<ParkedCart>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.label, c.parked_at, c.cart, coalesce(p.name, c.parked_by)
         FROM parked_cart c LEFT JOIN person p ON p.id = c.parked_by
         WHERE c.device_id = ?1 ORDER BY c.parked_at",
    )?;
    let rows = stmt.query_map([device_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, label, parked_at, text, parked_by) = row?;
        let cart = serde_json::from_str(&text)
            .map_err(|e| Error::Integrity(format!("parked cart {id} cannot be read: {e}")))?;
        out.push(ParkedCart {
            id,
            label,
            parked_at,
            parked_by,
            cart,
        });
    }
    Ok(out)
}

/// Take a parked cart back (resume) or drop it (cancel): it leaves the list.
pub fn unpark(tx: &Tx, id: &str, cancel: bool) -> Result<CartInput> {
    let text: String = tx
        .query_row("SELECT cart FROM parked_cart WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::not_found("parked cart", id))?;
    let mut cart: CartInput = serde_json::from_str(&text)
        .map_err(|e| Error::Integrity(format!("parked cart {id} cannot be read: {e}")))?;
    // A cart parked before carts had ids gets one now, so that completing
    // it twice is still one sale.
    if cart.cart_id.is_none() {
        cart.cart_id = Some(crate::till::cart::new_cart_id());
    }
    tx.execute("DELETE FROM parked_cart WHERE id = ?1", [id])?;
    tx.journal(
        if cancel {
            "cart.cancelled"
        } else {
            "cart.resumed"
        },
        "parked_cart",
        id,
        serde_json::json!({"lines": cart.lines.len()}),
    )?;
    Ok(cart)
}
