//! Finding what to sell: search-as-you-type, the code a scanner read and
//! the quick keys, each product with its price formatted in the shop
//! currency.

use rusqlite::Connection;
use serde::Serialize;

use crate::catalog::{self, Product, ProductKind};
use crate::money::Currency;
use crate::shop::settings;
use crate::Result;

/// A product as the till lists it: the price already formatted in the
/// shop currency.
#[derive(Debug, Clone, Serialize)]
pub struct TillProduct {
    pub id: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    pub unit: String,
    pub kind: ProductKind,
    /// Price per unit, e.g. `3.30` (per kg or l for weighed products).
    pub price: String,
    pub active: bool,
}

fn till_product(currency: &Currency, p: Product) -> TillProduct {
    TillProduct {
        price: currency.format(p.unit_price),
        id: p.id,
        sku: p.sku,
        barcode: p.barcode,
        name: p.name,
        unit: p.unit,
        kind: p.kind,
        active: p.active,
    }
}

/// Search-as-you-type for the till (names, SKUs, barcodes).
pub fn search_products(conn: &Connection, query: &str) -> Result<Vec<TillProduct>> {
    let currency = settings::load(conn)?.currency;
    Ok(catalog::search(conn, query, 8)?
        .into_iter()
        .map(|p| till_product(&currency, p))
        .collect())
}

/// The product a scanner read (barcode or SKU), if any.
pub fn scan_product(conn: &Connection, code: &str) -> Result<Option<TillProduct>> {
    let currency = settings::load(conn)?.currency;
    Ok(catalog::find_by_code(conn, code)?.map(|p| till_product(&currency, p)))
}

/// Quick keys: the shop's best sellers, topped up from the catalog.
pub fn quick_keys(conn: &Connection, limit: usize) -> Result<Vec<TillProduct>> {
    let currency = settings::load(conn)?.currency;
    let mut stmt = conn.prepare(
        "SELECT p.id FROM product p LEFT JOIN sale_line l ON l.product_id = p.id
         WHERE p.active = 1 GROUP BY p.id ORDER BY count(l.id) DESC, p.category, p.search_name LIMIT ?1",
    )?;
    let ids: Vec<String> = stmt
        .query_map([limit as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter()
        .map(|id| Ok(till_product(&currency, catalog::get(conn, id)?)))
        .collect()
}
