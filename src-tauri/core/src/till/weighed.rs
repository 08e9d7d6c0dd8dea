//! Weighed and measured lines: the gross (typed, or from a scale label)
//! less the tare (the customer's own container, or the shop's with its
//! known tare) in whole grams or millilitres, the scale label read and
//! checked against its product, and the weight a price label stands for.

use rusqlite::Connection;
use rust_decimal::Decimal;

use super::cart::{sold_product, LineInput, SoldProduct, Weighed};
use crate::catalog::refill;
use crate::catalog::scale_label::{self, Decoded, Measure};
use crate::shop::settings::Settings;
use crate::stock;
use crate::{Error, Result};

/// A scale label on a line, read with the till's layouts: it must name
/// this product and measure what the product is sold by.
pub(super) fn read_label(
    conn: &Connection,
    n: usize,
    product: &SoldProduct,
    code: &str,
) -> Result<Decoded> {
    let layouts = refill::settings(conn)?.layouts;
    let d = scale_label::decode(&layouts, code)
        .map_err(|e| Error::validation("scale_label", format!("line {n}: {}", e.bare_message())))?;
    if d.measure == Measure::Tare {
        return Err(Error::validation(
            "scale_label",
            format!("line {n}: label {code} is a tare label: scan it before the refill it is the tare of"),
        ));
    }
    let same = |code: &str| code.trim_start_matches('0') == d.item_code.trim_start_matches('0');
    if !product.scale_item_code.as_deref().is_some_and(same) {
        return Err(Error::validation(
            "scale_label",
            format!("line {n}: label {code} is not for {}", product.name),
        ));
    }
    let fits = match d.measure {
        Measure::Grams => product.unit == "kg",
        Measure::Millilitres => product.unit == "l",
        Measure::Price => true,
        Measure::Tare => false,
    };
    if !fits {
        return Err(Error::validation(
            "scale_label",
            format!(
                "line {n}: label {code} gives {} but {} is sold per {}",
                d.measure.as_str(),
                product.name,
                product.unit
            ),
        ));
    }
    Ok(d)
}

/// Whole grams or millilitres as typed: digits only, more than nothing
/// for a gross, zero or more for a tare.
fn whole_milli(n: usize, field: &str, what: &str, text: &str) -> Result<i64> {
    let t = text.trim();
    t.parse::<i64>()
        .ok()
        .filter(|v| *v >= 0 && *v <= 10_000_000 && t.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            Error::validation(
                field,
                format!("line {n}: the {what} '{t}' is not a whole number of grams or millilitres"),
            )
        })
}

/// A weighed line: the gross (typed, or from a weight label) less the
/// tare (typed for the customer's own container, the catalog's for a shop
/// container). A tare as large as the gross leaves nothing to sell.
pub(super) fn weigh(
    conn: &Connection,
    n: usize,
    product: &SoldProduct,
    line: &LineInput,
    label_weight: Option<i64>,
) -> Result<Option<Weighed>> {
    let container = line.container.trim();
    let has_tare = !line.tare.trim().is_empty() || !container.is_empty();
    let gross = match (label_weight, line.gross.trim()) {
        (Some(g), _) if has_tare => g,
        (_, "") => return Ok(None),
        (_, text) => whole_milli(n, "gross", "gross", text)?,
    };
    if product.unit == "each" {
        return Err(Error::validation(
            "gross",
            format!(
                "line {n}: {} is sold by the piece, not weighed",
                product.name
            ),
        ));
    }
    let unit = if product.unit == "kg" { "g" } else { "ml" };
    let (tare, shop_container) = match container {
        "shop" => {
            let id = line.container_id.as_deref().unwrap_or("").trim();
            let jar = sold_product(conn, id)?
                .filter(|p| p.tare_grams.is_some())
                .ok_or_else(|| {
                    Error::validation(
                        "container_id",
                        format!("line {n}: choose one of the shop's containers"),
                    )
                })?;
            (jar.tare_grams.unwrap_or(0), true)
        }
        "" | "own" => match line.tare.trim() {
            "" => (0, false),
            text => (whole_milli(n, "tare", "tare", text)?, false),
        },
        other => {
            return Err(Error::validation(
                "container",
                format!("line {n}: '{other}' is not a container (own or shop)"),
            ))
        }
    };
    if gross == 0 {
        return Err(Error::validation(
            "gross",
            format!("line {n}: the gross must be more than 0 {unit}"),
        ));
    }
    if tare > gross {
        return Err(Error::validation(
            "tare",
            format!("line {n}: the tare {tare} {unit} is more than the gross {gross} {unit}"),
        ));
    }
    if tare == gross {
        return Err(Error::validation(
            "tare",
            format!("line {n}: the net is 0 {unit} (gross {gross} {unit} less tare {tare} {unit}): nothing to sell"),
        ));
    }
    Ok(Some(Weighed {
        gross_milli: gross,
        tare_milli: tare,
        shop_container,
    }))
}

/// The weight a price label stands for (for stock): the price over the
/// price per kg or l, to the gram or millilitre, at least one.
pub(super) fn quantity_for_price(
    settings: &Settings,
    n: usize,
    product: &SoldProduct,
    amount: i64,
) -> Result<Decimal> {
    if product.unit_price.is_zero() {
        return Err(Error::validation(
            "scale_label",
            format!(
                "line {n}: {} has no price to weigh a price label by",
                product.name
            ),
        ));
    }
    if product.unit == "each" {
        return Ok(Decimal::ONE);
    }
    let q = (settings.currency.from_minor(amount) / product.unit_price)
        .round_dp(stock::QUANTITY_DECIMALS)
        .max(Decimal::new(1, 3));
    Ok(q.normalize())
}
