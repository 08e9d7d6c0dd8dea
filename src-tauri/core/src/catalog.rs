//! The catalog: products with SKU, optional barcode, price per unit, tax
//! rate, unit and kind. Products that were ever used are archived, never
//! deleted; changes are journaled with before and after.

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::parse_decimal;
use crate::settings::Settings;
use crate::store::Tx;
use crate::text::{clean, fold_for_search};
use crate::{new_id, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    pub id: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    /// Price per unit (per item, per kg or per litre), canonical decimal.
    pub unit_price: Decimal,
    /// Tax rate in percent.
    pub tax_rate: Decimal,
    pub unit: String,
    pub kind: String,
    pub category: String,
    pub low_stock_threshold: Option<Decimal>,
    pub active: bool,
}

/// A product as a form or a CSV row gives it (text, validated here).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProductInput {
    pub sku: String,
    #[serde(default)]
    pub barcode: String,
    pub name: String,
    pub unit_price: String,
    pub tax_rate: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub low_stock_threshold: String,
}

pub const UNITS: [&str; 3] = ["each", "kg", "l"];
pub const KINDS: [&str; 4] = ["item", "refill", "deposit", "service"];

/// The GS1 check digit for the digits before it (EAN-8, UPC-A, EAN-13).
pub fn gs1_check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { d })
        .sum();
    (10 - sum % 10) % 10
}

/// Validate a barcode. Codes of 8, 12 or 13 digits are EAN-8, UPC-A or
/// EAN-13 and must carry the right check digit; other codes (a shop's own
/// labels) are taken as they are.
pub fn validate_barcode(text: &str) -> Result<Option<String>> {
    let code = text.trim();
    if code.is_empty() {
        return Ok(None);
    }
    if code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::validation(
            "barcode",
            format!("'{code}' is not a barcode: use up to 32 letters, digits or dashes"),
        ));
    }
    if matches!(code.len(), 8 | 12 | 13) && code.chars().all(|c| c.is_ascii_digit()) {
        let (body, check) = code.split_at(code.len() - 1);
        let expected = gs1_check_digit(body);
        if check.parse::<u32>().ok() != Some(expected) {
            return Err(Error::validation(
                "barcode",
                format!("'{code}' has a wrong check digit (expected {expected})"),
            ));
        }
    }
    Ok(Some(code.to_string()))
}

pub(crate) struct ValidProduct {
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub unit: String,
    pub kind: String,
    pub category: String,
    pub low_stock_threshold: Option<Decimal>,
}

pub(crate) fn validate(settings: &Settings, input: &ProductInput) -> Result<ValidProduct> {
    let sku = clean("sku", &input.sku, true, 64)?;
    let barcode = validate_barcode(&input.barcode)?;
    let name = clean("name", &input.name, true, 200)?;
    let unit_price = parse_decimal("unit_price", &input.unit_price)?.normalize();
    if unit_price.is_sign_negative() && !unit_price.is_zero() {
        return Err(Error::validation(
            "unit_price",
            format!("'{}' is negative", input.unit_price.trim()),
        ));
    }
    if unit_price.scale() > 4 {
        return Err(Error::validation("unit_price", "has more than 4 decimals"));
    }
    let tax_rate =
        parse_decimal("tax_rate", input.tax_rate.trim().trim_end_matches('%'))?.normalize();
    if !settings.tax_rates.contains(&tax_rate) {
        return Err(Error::validation(
            "tax_rate",
            format!(
                "{}% is not one of the shop's tax rates ({})",
                input.tax_rate.trim().trim_end_matches('%'),
                settings
                    .tax_rates
                    .iter()
                    .map(|r| format!("{r}%"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let unit = match input.unit.trim() {
        "" => "each".to_string(),
        u if UNITS.contains(&u) => u.to_string(),
        u => {
            return Err(Error::validation(
                "unit",
                format!("'{u}' is not a unit (each, kg or l)"),
            ))
        }
    };
    let kind = match input.kind.trim() {
        "" => "item".to_string(),
        k if KINDS.contains(&k) => k.to_string(),
        k => {
            return Err(Error::validation(
                "kind",
                format!("'{k}' is not a kind (item, refill, deposit or service)"),
            ))
        }
    };
    let category = clean("category", &input.category, false, 80)?;
    let low_stock_threshold = match input.low_stock_threshold.trim() {
        "" => None,
        t => {
            let v = parse_decimal("low_stock_threshold", t)?.normalize();
            if v.is_sign_negative() {
                return Err(Error::validation(
                    "low_stock_threshold",
                    "must be 0 or more",
                ));
            }
            Some(v)
        }
    };
    Ok(ValidProduct {
        sku,
        barcode,
        name,
        unit_price,
        tax_rate,
        unit,
        kind,
        category,
        low_stock_threshold,
    })
}

fn read_product(r: &rusqlite::Row) -> rusqlite::Result<Product> {
    let price: String = r.get(4)?;
    let rate: String = r.get(5)?;
    let threshold: Option<String> = r.get(9)?;
    Ok(Product {
        id: r.get(0)?,
        sku: r.get(1)?,
        barcode: r.get(2)?,
        name: r.get(3)?,
        unit_price: price.parse().unwrap_or_default(),
        tax_rate: rate.parse().unwrap_or_default(),
        unit: r.get(6)?,
        kind: r.get(7)?,
        category: r.get(8)?,
        low_stock_threshold: threshold.and_then(|t| t.parse().ok()),
        active: r.get(10)?,
    })
}

pub const PRODUCT_COLUMNS: &str = "id, sku, barcode, name, unit_price, tax_rate, unit, kind, category, low_stock_threshold, active";

pub fn get(conn: &Connection, id: &str) -> Result<Product> {
    conn.query_row(
        &format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE id = ?1"),
        [id],
        read_product,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("product", id))
}

pub fn list(conn: &Connection) -> Result<Vec<Product>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM product ORDER BY category, search_name"
    ))?;
    let rows = stmt.query_map([], read_product)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Add a product; SKU and barcode must be new.
pub fn create(tx: &Tx, settings: &Settings, input: &ProductInput) -> Result<Product> {
    let v = validate(settings, input)?;
    let sku_taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM product WHERE sku = ?1)",
        [&v.sku],
        |r| r.get(0),
    )?;
    if sku_taken {
        return Err(Error::validation(
            "sku",
            format!("'{}' is already in the catalog", v.sku),
        ));
    }
    if let Some(code) = &v.barcode {
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM product WHERE barcode = ?1)",
            [code],
            |r| r.get(0),
        )?;
        if taken {
            return Err(Error::validation(
                "barcode",
                format!("'{code}' is already on another product"),
            ));
        }
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO product (id, device_id, sku, barcode, name, search_name, unit_price, tax_rate, unit, kind, category, low_stock_threshold, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        rusqlite::params![
            id,
            tx.device_id,
            v.sku,
            v.barcode,
            v.name,
            fold_for_search(&v.name),
            v.unit_price.to_string(),
            v.tax_rate.to_string(),
            v.unit,
            v.kind,
            v.category,
            v.low_stock_threshold.map(|t| t.to_string()),
            tx.now.utc
        ],
    )?;
    let product = get(tx, &id)?;
    tx.journal(
        "product.created",
        "product",
        &id,
        serde_json::json!({"sku": product.sku, "unit_price": product.unit_price.to_string(), "tax_rate": product.tax_rate.to_string()}),
    )?;
    Ok(product)
}

/// Products whose name contains `query` (case- and accent-insensitive) or
/// whose SKU or barcode equals it; active products only, best matches first.
/// (A plain scan for now; the catalog issue replaces it with an index.)
pub fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<Product>> {
    let q = query.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let folded = fold_for_search(q);
    let pattern = format!(
        "%{}%",
        folded
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let mut stmt = conn.prepare(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM product
         WHERE active = 1 AND (sku = ?1 OR barcode = ?1 OR search_name LIKE ?2 ESCAPE '\\')
         ORDER BY (sku = ?1 OR barcode = ?1) DESC, instr(search_name, ?3) = 1 DESC, search_name
         LIMIT ?4"
    ))?;
    let rows = stmt.query_map(
        rusqlite::params![q, pattern, folded, limit as i64],
        read_product,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The product with exactly this barcode (or SKU), as a scanner reads it.
pub fn find_by_code(conn: &Connection, code: &str) -> Result<Option<Product>> {
    let code = code.trim();
    Ok(conn
        .query_row(
            &format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE barcode = ?1 OR sku = ?1 ORDER BY barcode = ?1 DESC LIMIT 1"),
            [code],
            read_product,
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs1_check_digits_match_known_codes() {
        assert_eq!(gs1_check_digit("400638133393"), 1); // EAN-13 4006381333931
        assert_eq!(gs1_check_digit("9638507"), 4); // EAN-8 96385074
        assert_eq!(gs1_check_digit("03600029145"), 2); // UPC-A 036000291452
    }

    #[test]
    fn barcodes_with_a_wrong_check_digit_are_refused() {
        assert!(validate_barcode("4006381333931").unwrap().is_some());
        let err = validate_barcode("4006381333932").unwrap_err();
        assert_eq!(
            err.to_string(),
            "barcode: '4006381333932' has a wrong check digit (expected 1)"
        );
        assert_eq!(
            validate_barcode("SHOP-0001").unwrap().as_deref(),
            Some("SHOP-0001")
        );
        assert_eq!(validate_barcode("  ").unwrap(), None);
    }
}
