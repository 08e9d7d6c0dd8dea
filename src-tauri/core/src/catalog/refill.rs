//! What the catalog knows for refills and reuse: a product's scale item
//! code (the digits a scale label names it by), a shop container's tare
//! (its empty weight in grams) and the deposit product selling it adds;
//! and the refill settings: the scale label layouts and how deposits are
//! taxed. Changes are journaled with before and after and need an
//! organizer's approval, as every catalog or settings change does.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::catalog::scale_label::{self, Layout};
use crate::catalog::ProductKind;
use crate::db::store::Tx;
use crate::shop::people::Approval;
use crate::{Error, Result};

/// The refill fields of one product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefillFields {
    /// The item code on a scale label (digits), if the product has one.
    #[serde(default)]
    pub scale_item_code: Option<String>,
    /// A shop container's empty weight in grams (jars, bottles).
    #[serde(default)]
    pub tare_grams: Option<i64>,
    /// The deposit product that selling this product adds as a line.
    #[serde(default)]
    pub deposit_product_id: Option<String>,
}

/// The refill fields of `product_id`.
pub fn fields(conn: &Connection, product_id: &str) -> Result<RefillFields> {
    conn.prepare_cached(
        "SELECT scale_item_code, tare_grams, deposit_product_id FROM product WHERE id = ?1",
    )?
    .query_row([product_id], |r| {
        Ok(RefillFields {
            scale_item_code: r.get(0)?,
            tare_grams: r.get(1)?,
            deposit_product_id: r.get(2)?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::not_found("product", product_id))
}

/// Set the refill fields of a product, checked: an item code of 1 to 6
/// digits that no other product has, a tare of 0 to 100 000 g, a deposit
/// that is a product of kind deposit (and not the product itself).
pub fn set_fields(
    tx: &Tx,
    approval: &Approval,
    product_id: &str,
    input: &RefillFields,
) -> Result<RefillFields> {
    let before = fields(tx, product_id)?;
    let code = input
        .scale_item_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(c) = code {
        if c.len() > 6 || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::validation(
                "scale_item_code",
                format!("'{c}' is not a scale item code (1 to 6 digits)"),
            ));
        }
        let other: Option<String> = tx
            .query_row(
                "SELECT sku FROM product WHERE scale_item_code = ?1 AND id <> ?2",
                (c, product_id),
                |r| r.get(0),
            )
            .optional()?;
        if let Some(sku) = other {
            return Err(Error::validation(
                "scale_item_code",
                format!("scale item code {c} is already on {sku}"),
            ));
        }
    }
    if let Some(t) = input.tare_grams {
        if !(0..=100_000).contains(&t) {
            return Err(Error::validation(
                "tare_grams",
                format!("a tare of {t} g is not one a container has (0 to 100000 g)"),
            ));
        }
    }
    let deposit = input
        .deposit_product_id
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if let Some(d) = deposit {
        let kind: Option<ProductKind> = tx
            .query_row("SELECT kind FROM product WHERE id = ?1", [d], |r| r.get(0))
            .optional()?;
        if kind != Some(ProductKind::Deposit) || d == product_id {
            return Err(Error::validation(
                "deposit_product_id",
                "the deposit must be another product of kind deposit",
            ));
        }
    }
    tx.execute(
        "UPDATE product SET scale_item_code = ?1, tare_grams = ?2, deposit_product_id = ?3 WHERE id = ?4",
        (code, input.tare_grams, deposit, product_id),
    )?;
    let after = fields(tx, product_id)?;
    tx.journal(
        "product.refill_changed",
        "product",
        product_id,
        serde_json::json!({"before": before, "after": after, "approved_by": approval.organizer_id()}),
    )?;
    Ok(after)
}

/// How deposits are taxed: at the rate of the deposit product, or outside
/// tax (rate 0 on the deposit line whatever the product says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepositTax {
    ProductRate,
    OutsideTax,
}

impl DepositTax {
    pub fn as_str(self) -> &'static str {
        match self {
            DepositTax::ProductRate => "product_rate",
            DepositTax::OutsideTax => "outside_tax",
        }
    }
    pub fn parse(text: &str) -> Result<DepositTax> {
        match text.trim() {
            "" | "product_rate" => Ok(DepositTax::ProductRate),
            "outside_tax" => Ok(DepositTax::OutsideTax),
            other => Err(Error::validation(
                "deposit_tax",
                format!("'{other}' is not a deposit tax treatment (product_rate or outside_tax)"),
            )),
        }
    }
}

/// The refill settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefillSettings {
    pub layouts: Vec<Layout>,
    pub deposit_tax: DepositTax,
}

fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM setting WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// The refill settings, with the defaults for what was never set
/// (`scale_label::default_layouts`, deposits at their product's rate).
pub fn settings(conn: &Connection) -> Result<RefillSettings> {
    let layouts = match setting(conn, "scale_label_layouts")? {
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            Error::Integrity(format!(
                "the setting scale_label_layouts cannot be read: {e}"
            ))
        })?,
        None => scale_label::default_layouts(),
    };
    let deposit_tax = match setting(conn, "deposit_tax")? {
        Some(text) => DepositTax::parse(&text)?,
        None => DepositTax::ProductRate,
    };
    Ok(RefillSettings {
        layouts,
        deposit_tax,
    })
}

/// Save the refill settings as a whole, checked and journaled.
pub fn save_settings(
    tx: &Tx,
    approval: &Approval,
    input: &RefillSettings,
) -> Result<RefillSettings> {
    let before = settings(tx)?;
    scale_label::check_layouts(&input.layouts)?;
    let layouts = serde_json::to_string(&input.layouts)
        .map_err(|e| Error::Integrity(format!("layouts: {e}")))?;
    for (key, value) in [
        ("scale_label_layouts", layouts),
        ("deposit_tax", input.deposit_tax.as_str().to_string()),
    ] {
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )?;
    }
    let after = settings(tx)?;
    tx.journal(
        "settings.refill_changed",
        "settings",
        tx.device_id,
        serde_json::json!({"before": before, "after": after, "approved_by": approval.organizer_id()}),
    )?;
    Ok(after)
}

/// A shop container the till offers for a refill: its tare and deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Container {
    pub id: String,
    pub name: String,
    pub tare_grams: i64,
}

/// The shop's containers: active products with a tare.
pub fn containers(conn: &Connection) -> Result<Vec<Container>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, tare_grams FROM product
         WHERE tare_grams IS NOT NULL AND active = 1 ORDER BY search_name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Container {
            id: r.get(0)?,
            name: r.get(1)?,
            tare_grams: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
