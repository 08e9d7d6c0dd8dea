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

/// How many of the latest sale lines the quick keys count.
pub const QUICK_KEY_LINES: i64 = 5_000;

/// Quick keys: the shop's best sellers of late (the latest
/// `QUICK_KEY_LINES` sale lines), topped up from the catalog.
pub fn quick_keys(conn: &Connection, limit: usize) -> Result<Vec<TillProduct>> {
    let currency = settings::load(conn)?.currency;
    // The products sold most among the latest lines (a season of sales is
    // not read again for every redraw of the till), then the others in the
    // catalog's order.
    let mut ids: Vec<String> = conn
        .prepare_cached(
            "SELECT p.id FROM (
                 SELECT product_id, count(*) AS n FROM (
                     SELECT product_id FROM sale_line ORDER BY rowid DESC LIMIT ?2)
                 GROUP BY product_id) c
             JOIN product p ON p.id = c.product_id
             WHERE p.active = 1 ORDER BY c.n DESC, p.category, p.search_name LIMIT ?1",
        )?
        .query_map([limit as i64, QUICK_KEY_LINES], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if ids.len() < limit {
        let others: Vec<String> = conn
            .prepare_cached(
                "SELECT id FROM product WHERE active = 1 ORDER BY category, search_name LIMIT ?1",
            )?
            .query_map([(limit + ids.len()) as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in others {
            if ids.len() == limit {
                break;
            }
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids.iter()
        .map(|id| Ok(till_product(&currency, catalog::get(conn, id)?)))
        .collect()
}
