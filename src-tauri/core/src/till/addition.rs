//! Adding an item to the cart as the till scans or taps it: whole pieces
//! joining a line already in the cart (so a scanner's repeated beeps make
//! one line), a weighed refill with its container, and the linked deposit
//! line of a product that carries one. The lines are checked by the quote
//! that follows (`cart::price`).

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::cart::{new_cart_id, sold_product, CartInput, LineInput, SoldProduct};
use crate::money::parse_decimal;
use crate::{Error, Result};

/// An item the till adds: a product and how much of it (empty: one piece;
/// the weight or volume for kg / l).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addition {
    pub product_id: String,
    #[serde(default)]
    pub quantity: String,
    /// A weighed refill: the gross in grams or millilitres.
    #[serde(default)]
    pub gross: String,
    /// The customer's own container's tare in grams or millilitres.
    #[serde(default)]
    pub tare: String,
    /// `own` or `shop` (then `container_id` names the shop container).
    #[serde(default)]
    pub container: String,
    #[serde(default)]
    pub container_id: Option<String>,
    /// The scale label scanned.
    #[serde(default)]
    pub scale_label: String,
}

/// The cart with `addition` in it. Whole pieces of an item sold each join
/// the first line of the same product that has no discount, price override
/// or hand-over-later (the quantities added exactly), so a scanner's
/// repeated beeps make one line; anything else is a new line. The lines are
/// not checked here: the quote that follows checks every one.
pub fn add(conn: &Connection, cart: &CartInput, addition: &Addition) -> Result<CartInput> {
    let product = sold_product(conn, addition.product_id.trim())?
        .ok_or_else(|| Error::validation("product", "this product is not in the catalog"))?;
    let quantity = match addition.quantity.trim() {
        "" => "1",
        text => text,
    };
    let mut next = cart.clone();
    if next.cart_id.is_none() {
        next.cart_id = Some(new_cart_id());
    }
    let refill_line = !addition.gross.trim().is_empty()
        || !addition.tare.trim().is_empty()
        || !addition.container.trim().is_empty()
        || !addition.scale_label.trim().is_empty();
    if refill_line {
        next.lines.push(LineInput {
            product_id: product.id.clone(),
            quantity: quantity.to_string(),
            gross: addition.gross.trim().to_string(),
            tare: addition.tare.trim().to_string(),
            container: addition.container.trim().to_string(),
            container_id: addition.container_id.clone(),
            scale_label: addition.scale_label.trim().to_string(),
            ..LineInput::default()
        });
        let line_no = next.lines.len() as u32;
        // A refill into a shop container sells the container (its
        // deposit) with it.
        if addition.container.trim() == "shop" {
            if let Some(jar) = addition.container_id.as_deref() {
                next.lines.push(LineInput {
                    product_id: jar.trim().to_string(),
                    quantity: "1".into(),
                    deposit_of_line: Some(line_no),
                    ..LineInput::default()
                });
            }
        }
        push_deposit(&mut next, &product, quantity, line_no);
        return Ok(next);
    }
    if product.deposit_product_id.is_some() {
        next.lines.push(LineInput {
            product_id: product.id.clone(),
            quantity: quantity.to_string(),
            ..LineInput::default()
        });
        let line_no = next.lines.len() as u32;
        push_deposit(&mut next, &product, quantity, line_no);
        return Ok(next);
    }
    if product.unit == "each" {
        if let Some(added) = whole_pieces(quantity) {
            let same = next.lines.iter_mut().find(|l| {
                l.product_id.trim() == product.id
                    && !l.handover_later
                    && l.discount
                        .as_ref()
                        .is_none_or(|d| d.value.trim().is_empty())
                    && l.price_override
                        .as_deref()
                        .is_none_or(|p| p.trim().is_empty())
            });
            if let Some(line) = same {
                if let Some(had) = whole_pieces(&line.quantity) {
                    line.quantity = (had + added).normalize().to_string();
                    return Ok(next);
                }
            }
        }
    }
    next.lines.push(LineInput {
        product_id: product.id,
        quantity: quantity.to_string(),
        ..LineInput::default()
    });
    Ok(next)
}

/// The linked deposit line of a product that carries a deposit (one per
/// piece; one for a weighed line).
fn push_deposit(cart: &mut CartInput, product: &SoldProduct, quantity: &str, line_no: u32) {
    if let Some(deposit) = &product.deposit_product_id {
        let pieces = if product.unit == "each" {
            whole_pieces(quantity).map_or("1".to_string(), |q| q.normalize().to_string())
        } else {
            "1".to_string()
        };
        cart.lines.push(LineInput {
            product_id: deposit.clone(),
            quantity: pieces,
            deposit_of_line: Some(line_no),
            ..LineInput::default()
        });
    }
}

/// A quantity that is a whole number of pieces, more than none.
fn whole_pieces(text: &str) -> Option<Decimal> {
    parse_decimal("quantity", text)
        .ok()
        .filter(|q| *q > Decimal::ZERO && q.fract().is_zero())
}
