//! The catalog: products with SKU, optional barcode, price per unit, tax
//! rate, unit and kind. Products that were ever used are archived, never
//! deleted; changes are journaled with before and after.

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::validate::validate;
use crate::catalog::{ProductKind, ValidProduct};
use crate::db::store::Tx;
use crate::shop::people::Approval;
use crate::shop::settings::Settings;
use crate::text::fold_for_search;
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
    pub kind: ProductKind,
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

pub fn read_product(r: &rusqlite::Row) -> rusqlite::Result<Product> {
    let price: String = r.get(4)?;
    let rate: String = r.get(5)?;
    let threshold: Option<String> = r.get(9)?;
    Ok(Product {
        id: r.get(0)?,
        sku: r.get(1)?,
        barcode: r.get(2)?,
        name: r.get(3)?,
        // A price the till cannot read is an error, never a free item.
        unit_price: decimal_column(4, &price)?,
        tax_rate: decimal_column(5, &rate)?,
        unit: r.get(6)?,
        kind: r.get(7)?,
        category: r.get(8)?,
        low_stock_threshold: threshold.and_then(|t| t.parse().ok()),
        active: r.get(10)?,
    })
}

fn decimal_column(index: usize, text: &str) -> rusqlite::Result<Decimal> {
    text.parse().map_err(|e: rust_decimal::Error| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
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
    let id = insert_fields(tx, &v, true)?;
    let product = get(tx, &id)?;
    tx.journal(
        "product.created",
        "product",
        &id,
        serde_json::json!({"sku": product.sku, "unit_price": product.unit_price.to_string(), "tax_rate": product.tax_rate.to_string()}),
    )?;
    Ok(product)
}

/// The longest list a search returns.
pub const SEARCH_LIMIT_MAX: usize = 200;

/// Products whose name contains `query` (case- and accent-insensitive) or
/// whose SKU or barcode equals it; active products only. An exact code comes
/// first, then names that start with the query, then names that contain it
/// (3 characters or more, from the trigram index) or, for 1 or 2 characters,
/// names with a word that starts with it (from the word-prefix index).
pub fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<Product>> {
    let q = query.trim();
    let limit = limit.clamp(1, SEARCH_LIMIT_MAX);
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<Product> = Vec::with_capacity(limit);
    if let Some(p) = find_by_code(conn, q)? {
        // A scanned barcode names one product: nothing else to look for.
        if p.active && p.barcode.as_deref() == Some(q) {
            return Ok(vec![p]);
        }
        if p.active {
            found.push(p);
        }
    }
    let folded = fold_for_search(q);
    // Names that start with the query: a range scan on product_by_search_name.
    // U+10FFFF sorts after every character a name can hold.
    let upper = format!("{folded}\u{10FFFF}");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM product
         WHERE active = 1 AND search_name >= ?1 AND search_name < ?2
         ORDER BY search_name LIMIT ?3"
    ))?;
    add_unique(
        &mut found,
        stmt.query_map(
            rusqlite::params![folded, upper, limit as i64 + 1],
            read_product,
        )?,
        limit,
    )?;
    if found.len() >= limit {
        return Ok(found);
    }
    let phrase = format!("\"{}\"", folded.replace('"', "\"\""));
    if folded.chars().count() >= 3 {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {} FROM product_name_trigram s JOIN product p ON p.rowid = s.rowid
             WHERE product_name_trigram MATCH ?1 AND p.active = 1 LIMIT ?2",
            prefixed_columns("p")
        ))?;
        add_unique(
            &mut found,
            stmt.query_map(rusqlite::params![phrase, 2 * limit as i64], read_product)?,
            limit,
        )?;
    } else if folded.chars().any(char::is_alphanumeric) {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {} FROM product_name_words s JOIN product p ON p.rowid = s.rowid
             WHERE product_name_words MATCH ?1 AND p.active = 1 LIMIT ?2",
            prefixed_columns("p")
        ))?;
        add_unique(
            &mut found,
            stmt.query_map(
                rusqlite::params![format!("{phrase}*"), 2 * limit as i64],
                read_product,
            )?,
            limit,
        )?;
    }
    Ok(found)
}

fn prefixed_columns(alias: &str) -> String {
    PRODUCT_COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn add_unique(
    found: &mut Vec<Product>,
    rows: impl Iterator<Item = rusqlite::Result<Product>>,
    limit: usize,
) -> Result<()> {
    for row in rows {
        if found.len() >= limit {
            break;
        }
        let p = row?;
        if !found.iter().any(|f| f.id == p.id) {
            found.push(p);
        }
    }
    Ok(())
}

/// The product with exactly this barcode (or SKU), as a scanner reads it.
/// A barcode wins over a SKU; archived products are found too (the till
/// decides whether to sell them).
pub fn find_by_code(conn: &Connection, code: &str) -> Result<Option<Product>> {
    let code = code.trim();
    if code.is_empty() {
        return Ok(None);
    }
    // Two unique-index lookups: cheaper than one OR query that SQLite may
    // not split into both indexes.
    let mut by_barcode = conn.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM product WHERE barcode = ?1"
    ))?;
    if let Some(p) = by_barcode.query_row([code], read_product).optional()? {
        return Ok(Some(p));
    }
    let mut by_sku = conn.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM product WHERE sku = ?1"
    ))?;
    Ok(by_sku.query_row([code], read_product).optional()?)
}

/// The fields of a product as a journal entry shows them (no personal data:
/// a product has none).
fn journal_fields(p: &Product) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("sku".into(), p.sku.clone().into());
    m.insert("barcode".into(), p.barcode.clone().into());
    m.insert("name".into(), p.name.clone().into());
    m.insert("unit_price".into(), p.unit_price.to_string().into());
    m.insert("tax_rate".into(), p.tax_rate.to_string().into());
    m.insert("unit".into(), p.unit.clone().into());
    m.insert("kind".into(), p.kind.as_str().into());
    m.insert("category".into(), p.category.clone().into());
    m.insert(
        "low_stock_threshold".into(),
        p.low_stock_threshold.map(|t| t.to_string()).into(),
    );
    m.insert("active".into(), p.active.into());
    m
}

/// Before and after of the fields that differ between two versions.
pub(crate) fn changes(before: &Product, after: &Product) -> serde_json::Value {
    let b = journal_fields(before);
    let a = journal_fields(after);
    let mut old = serde_json::Map::new();
    let mut new = serde_json::Map::new();
    for (key, value) in &a {
        if b.get(key) != Some(value) {
            old.insert(key.clone(), b.get(key).cloned().unwrap_or_default());
            new.insert(key.clone(), value.clone());
        }
    }
    serde_json::json!({"before": old, "after": new})
}

/// Whether validated fields differ from a stored product.
pub(crate) fn differs(p: &Product, v: &ValidProduct) -> bool {
    p.sku != v.sku
        || p.barcode != v.barcode
        || p.name != v.name
        || p.unit_price != v.unit_price
        || p.tax_rate != v.tax_rate
        || p.unit != v.unit
        || p.kind != v.kind
        || p.category != v.category
        || p.low_stock_threshold != v.low_stock_threshold
}

/// Write validated fields over a stored product (no checks, no journal:
/// callers do both).
pub(crate) fn write_fields(tx: &Tx, id: &str, v: &ValidProduct) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "UPDATE product SET sku = ?2, barcode = ?3, name = ?4, search_name = ?5, unit_price = ?6,
             tax_rate = ?7, unit = ?8, kind = ?9, category = ?10, low_stock_threshold = ?11, updated_at = ?12
         WHERE id = ?1",
    )?;
    stmt.execute(rusqlite::params![
        id,
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
    ])?;
    Ok(())
}

/// Insert a validated product (no checks, no journal: callers do both).
pub(crate) fn insert_fields(tx: &Tx, v: &ValidProduct, active: bool) -> Result<String> {
    let id = new_id();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO product (id, device_id, sku, barcode, name, search_name, unit_price, tax_rate, unit, kind, category, low_stock_threshold, active, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    stmt.execute(rusqlite::params![
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
        active,
        tx.now.utc
    ])?;
    Ok(id)
}

/// Change a product; the journal keeps the fields before and after.
pub fn update(tx: &Tx, settings: &Settings, id: &str, input: &ProductInput) -> Result<Product> {
    let before = get(tx, id)?;
    let v = validate(settings, input)?;
    let sku_taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM product WHERE sku = ?1 AND id <> ?2)",
        (&v.sku, id),
        |r| r.get(0),
    )?;
    if sku_taken {
        return Err(Error::validation(
            "sku",
            format!("'{}' is already on another product", v.sku),
        ));
    }
    if let Some(code) = &v.barcode {
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM product WHERE barcode = ?1 AND id <> ?2)",
            (code, id),
            |r| r.get(0),
        )?;
        if taken {
            return Err(Error::validation(
                "barcode",
                format!("'{code}' is already on another product"),
            ));
        }
    }
    write_fields(tx, id, &v)?;
    let after = get(tx, id)?;
    tx.journal("product.updated", "product", id, changes(&before, &after))?;
    Ok(after)
}

/// Create (no `id`) or change (an `id`) a product with the shop's current
/// settings: what the product form saves.
/// An organizer's approval is the proof this needs (see `shop::roles`).
pub fn save(
    tx: &Tx,
    _approval: &Approval,
    id: Option<&str>,
    input: &ProductInput,
) -> Result<Product> {
    let settings = crate::shop::settings::load(tx)?;
    match id.filter(|i| !i.is_empty()) {
        Some(id) => update(tx, &settings, id, input),
        None => create(tx, &settings, input),
    }
}

/// Whether a product was ever sold or moved: such a product is archived,
/// never deleted, so the ledger's links keep holding.
pub fn in_use(conn: &Connection, id: &str) -> Result<bool> {
    let moved: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM stock_movement WHERE product_id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if moved {
        return Ok(true);
    }
    // Any other table that points at products (sale lines, orders, ...)
    // counts as use too, whichever area added it.
    let mut tables = conn.prepare(
        "SELECT m.name FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f.\"table\" = 'product' AND f.\"from\" = 'product_id'
           AND m.name <> 'stock_movement'",
    )?;
    let names: Vec<String> = tables
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in names {
        let used: bool = conn.query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM \"{}\" WHERE product_id = ?1)",
                name.replace('"', "\"\"")
            ),
            [id],
            |r| r.get(0),
        )?;
        if used {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Archive a product (it leaves the till and search) or bring it back.
pub fn set_archived(tx: &Tx, _approval: &Approval, id: &str, archived: bool) -> Result<Product> {
    let before = get(tx, id)?;
    tx.execute(
        "UPDATE product SET active = ?2, updated_at = ?3 WHERE id = ?1",
        rusqlite::params![id, !archived, tx.now.utc],
    )?;
    let after = get(tx, id)?;
    tx.journal(
        if archived {
            "product.archived"
        } else {
            "product.restored"
        },
        "product",
        id,
        changes(&before, &after),
    )?;
    Ok(after)
}

/// What removing a product did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Removal {
    /// Never sold or moved: gone.
    Deleted,
    /// Sold or moved at least once: archived, so its history stays whole.
    Archived,
}

/// Remove a product: delete it if it was never used, archive it otherwise.
pub fn remove(tx: &Tx, approval: &Approval, id: &str) -> Result<Removal> {
    let product = get(tx, id)?;
    if in_use(tx, id)? {
        set_archived(tx, approval, id, true)?;
        return Ok(Removal::Archived);
    }
    tx.execute("DELETE FROM product WHERE id = ?1", [id])?;
    tx.journal(
        "product.deleted",
        "product",
        id,
        serde_json::json!({"before": journal_fields(&product)}),
    )?;
    Ok(Removal::Deleted)
}
