//! Finding what to sell: search-as-you-type, the code a scanner read (a
//! product's barcode or SKU, or a scale label naming a product by its
//! scale item code) and the quick keys, each product with its price
//! formatted in the shop currency.

use rusqlite::Connection;
use serde::Serialize;

use crate::catalog::scale_label::{self, Measure};
use crate::catalog::{self, refill, Product, ProductKind};
use crate::money::Currency;
use crate::shop::settings;
use crate::till::cart::{self, Addition, CartInput};
use crate::{Error, Result};

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
    // catalog's order. CROSS JOIN keeps the few counted products outside:
    // left to itself the planner walked all active products and probed
    // the counts for each (15× slower on 100,000 products).
    let mut ids: Vec<String> = conn
        .prepare_cached(
            "SELECT p.id FROM (
                 SELECT product_id, count(*) AS n FROM (
                     SELECT product_id FROM sale_line ORDER BY rowid DESC LIMIT ?2)
                 GROUP BY product_id) c
             CROSS JOIN product p ON p.id = c.product_id
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

/// Whether `code` reads as a scale label under the shop's label layouts
/// (a variable-measure prefix that has a layout).
pub fn is_label(conn: &Connection, code: &str) -> Result<bool> {
    let code = code.trim();
    Ok(scale_label::is_variable_measure(code)
        && refill::settings(conn)?
            .layouts
            .iter()
            .any(|l| code.starts_with(l.prefix.as_str())))
}

/// A scale label as the till read it.
#[derive(Debug, Clone, Serialize)]
pub struct LabelRead {
    pub prefix: String,
    pub measure: Measure,
    pub item_code: String,
    /// Grams, millilitres or minor units, as printed.
    pub value: i64,
}

/// What scanning a code adds to the cart, without selling: the product,
/// the addition the till makes, the scale label read (if it was one), and
/// the line's quantity and amount as the cart would price it alone.
#[derive(Debug, Clone, Serialize)]
pub struct Scanned {
    pub code: String,
    pub product: TillProduct,
    pub addition: Addition,
    pub label: Option<LabelRead>,
    pub quantity: String,
    pub unit: String,
    pub amount: String,
}

/// The product a scale label names: its item code against the catalog's
/// scale item codes (leading zeros aside).
fn by_scale_item_code(conn: &Connection, item_code: &str) -> Result<Option<Product>> {
    let wanted = item_code.trim_start_matches('0');
    let mut stmt = conn.prepare_cached(
        "SELECT id, scale_item_code FROM product WHERE scale_item_code IS NOT NULL",
    )?;
    let ids: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    match ids
        .into_iter()
        .find(|(_, code)| code.trim_start_matches('0') == wanted)
    {
        Some((id, _)) => Ok(Some(catalog::get(conn, &id)?)),
        None => Ok(None),
    }
}

/// A tare label read: a customer's own container weighed empty at a
/// scale, the tare the till takes for the next refill line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TareLabel {
    pub code: String,
    pub prefix: String,
    /// The container's empty weight in grams (or millilitres of water:
    /// the till takes the same number as the tare of a refill by volume).
    pub tare: i64,
}

/// `code` as a tare label, if the settings lay its prefix out as one (a
/// wrong check digit is refused). `None`: not a tare label.
pub fn tare_label(conn: &Connection, code: &str) -> Result<Option<TareLabel>> {
    let code = code.trim();
    if !scale_label::is_variable_measure(code) {
        return Ok(None);
    }
    let layouts = refill::settings(conn)?.layouts;
    let tare_prefix = layouts
        .iter()
        .any(|l| l.measure == Measure::Tare && code.starts_with(l.prefix.as_str()));
    if !tare_prefix {
        return Ok(None);
    }
    let d = scale_label::decode(&layouts, code)?;
    Ok(Some(TareLabel {
        code: code.to_string(),
        prefix: d.prefix,
        tare: d.value,
    }))
}

/// Read a scanned code as the till would: a scale label of a prefix the
/// settings lay out (a wrong check or verifier digit is refused, as is an
/// item code no product carries), else a barcode or SKU. `None`: nothing
/// in the catalog has this code.
pub fn scan(conn: &Connection, code: &str) -> Result<Option<Scanned>> {
    let code = code.trim();
    let (product, label, addition) = if is_label(conn, code)? {
        let d = scale_label::decode(&refill::settings(conn)?.layouts, code)?;
        if d.measure == Measure::Tare {
            return Err(Error::validation(
                "code",
                format!(
                    "scale label {code} is a tare label ({} g): the till takes it as the next refill's tare",
                    d.value
                ),
            ));
        }
        let product = by_scale_item_code(conn, &d.item_code)?.ok_or_else(|| {
            Error::validation(
                "code",
                format!(
                    "scale label {code}: no product has scale item code {}",
                    d.item_code
                ),
            )
        })?;
        let addition = Addition {
            product_id: product.id.clone(),
            scale_label: code.to_string(),
            ..Addition::default()
        };
        let label = LabelRead {
            prefix: d.prefix,
            measure: d.measure,
            item_code: d.item_code,
            value: d.value,
        };
        (product, Some(label), addition)
    } else {
        let Some(product) = catalog::find_by_code(conn, code)? else {
            return Ok(None);
        };
        let addition = Addition {
            product_id: product.id.clone(),
            ..Addition::default()
        };
        (product, None, addition)
    };
    let currency = settings::load(conn)?.currency;
    let cart = cart::add(conn, &CartInput::default(), &addition)?;
    let priced = cart::price(conn, &cart)?;
    let (quantity, amount) = match (priced.lines.first(), priced.cart.lines.first()) {
        (Some(l), Some(p)) => (l.quantity.to_string(), p.amount),
        _ => ("0".to_string(), 0),
    };
    Ok(Some(Scanned {
        code: code.to_string(),
        unit: product.unit.clone(),
        product: till_product(&currency, product),
        addition,
        label,
        quantity,
        amount: currency.format(currency.from_minor(amount)),
    }))
}
