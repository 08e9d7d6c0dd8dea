//! What the stock ledger says, read back: the stock list with on-hand
//! figures, a product's movement history with links to each source
//! document, a source document itself, and the per-event stock picture.
//! Everything is computed from the movements; nothing is stored.

use std::collections::HashMap;

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::{self, Product, PRODUCT_COLUMNS};
use crate::money::Currency;
use crate::stock::from_milli;
use crate::Result;

/// Which products the stock list shows.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StockFilter {
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub category: String,
    /// Only products at or under their low-stock threshold.
    #[serde(default)]
    pub low_only: bool,
    /// Archived products instead of active ones.
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockRow {
    #[serde(flatten)]
    pub product: Product,
    pub on_hand: Decimal,
    pub in_storage: Decimal,
    pub at_event: Decimal,
    /// On hand is at or under the product's low-stock threshold.
    pub low: bool,
    /// The unit price for display: the currency's decimals (`8.50`), or
    /// more when the price has more (a price per gram).
    pub price: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockList {
    pub rows: Vec<StockRow>,
    /// How many products matched before the limit.
    pub matched: usize,
    pub categories: Vec<String>,
}

/// A unit price as the screens show it.
pub fn display_price(currency: &Currency, price: Decimal) -> String {
    if price.normalize().scale() <= currency.minor_units {
        currency.format(price)
    } else {
        price.normalize().to_string()
    }
}

fn row_with_stock(currency: &Currency, product: Product, storage: i64, event: i64) -> StockRow {
    let on_hand = from_milli(storage + event);
    let low = product.low_stock_threshold.is_some_and(|t| on_hand <= t);
    StockRow {
        price: display_price(currency, product.unit_price),
        product,
        on_hand,
        in_storage: from_milli(storage),
        at_event: from_milli(event),
        low,
    }
}

fn stock_by_location(conn: &Connection, product_id: &str) -> Result<(i64, i64)> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(sum(CASE WHEN location = 'storage' THEN quantity_milli END), 0),
                coalesce(sum(CASE WHEN location = 'event' THEN quantity_milli END), 0)
         FROM stock_movement WHERE product_id = ?1",
    )?;
    Ok(stmt.query_row([product_id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// The stock list: products with on hand (in storage and at the event),
/// filtered, ordered by category and name.
pub fn list(conn: &Connection, filter: &StockFilter) -> Result<StockList> {
    let limit = filter.limit.unwrap_or(500).clamp(1, 2000);
    let currency = crate::shop::settings::load(conn)?.currency;
    let category = filter.category.trim();
    let mut rows = Vec::new();
    let mut matched: Option<usize> = None;
    let query = filter.query.trim();
    if !query.is_empty() && !filter.archived {
        for product in catalog::search(conn, query, catalog::SEARCH_LIMIT_MAX)? {
            if !category.is_empty() && product.category != category {
                continue;
            }
            let (storage, event) = stock_by_location(conn, &product.id)?;
            rows.push(row_with_stock(&currency, product, storage, event));
        }
    } else {
        let folded = crate::text::fold_for_search(query);
        const WHERE: &str = "WHERE active = ?1 AND (?2 = '' OR category = ?2)
               AND (?3 = '' OR instr(search_name, ?3) > 0 OR sku = ?4 OR barcode = ?4)";
        let params = rusqlite::params![!filter.archived, category, folded, query];
        // Low stock is a decimal comparison made here, so that filter reads
        // every product; otherwise only the rows shown are read.
        if !filter.low_only {
            matched = Some(conn.query_row(
                &format!("SELECT count(*) FROM product {WHERE}"),
                params,
                |r| r.get::<_, i64>(0),
            )? as usize);
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT {PRODUCT_COLUMNS},
                (SELECT coalesce(sum(quantity_milli), 0) FROM stock_movement m
                 WHERE m.product_id = product.id AND m.location = 'storage'),
                (SELECT coalesce(sum(quantity_milli), 0) FROM stock_movement m
                 WHERE m.product_id = product.id AND m.location = 'event')
             FROM product {WHERE}
             ORDER BY category, search_name
             LIMIT ?5"
        ))?;
        let shown = if filter.low_only { -1 } else { limit as i64 };
        let products = stmt.query_map(
            rusqlite::params![!filter.archived, category, folded, query, shown],
            |r| Ok((catalog::read_product(r)?, r.get(11)?, r.get(12)?)),
        )?;
        for row in products {
            let (product, storage, event) = row?;
            rows.push(row_with_stock(&currency, product, storage, event));
        }
    }
    if filter.low_only {
        rows.retain(|r| r.low);
    }
    let matched = matched.unwrap_or(rows.len());
    rows.truncate(limit);
    let mut cats = conn.prepare("SELECT DISTINCT category FROM product ORDER BY category")?;
    let categories = cats
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(StockList {
        rows,
        matched,
        categories,
    })
}

/// One product's stock now.
pub fn stock_row(conn: &Connection, product_id: &str) -> Result<StockRow> {
    let product = catalog::get(conn, product_id)?;
    let (storage, event) = stock_by_location(conn, product_id)?;
    let currency = crate::shop::settings::load(conn)?.currency;
    Ok(row_with_stock(&currency, product, storage, event))
}

/// One line of a product's movement history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryLine {
    pub id: String,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
    pub kind: String,
    pub location: String,
    pub quantity: Decimal,
    /// On hand everywhere right after this movement.
    pub balance: Decimal,
    pub reason: String,
    pub note: String,
    pub lot_code: Option<String>,
    /// The document it came from; the screen links to it.
    pub source_type: String,
    pub source_id: Option<String>,
    pub event_id: Option<String>,
    pub event_name: Option<String>,
    pub actor_id: String,
    /// The person's name for the screen (never journaled).
    pub actor_name: Option<String>,
}

/// A product's movements, newest first, each with the balance after it.
pub fn history(conn: &Connection, product_id: &str) -> Result<Vec<HistoryLine>> {
    catalog::get(conn, product_id)?;
    let mut stmt = conn.prepare(
        "SELECT m.id, m.at_utc, m.utc_offset_minutes, m.kind, m.location, m.quantity_milli, m.reason,
                m.note, m.lot_code, m.source_type, m.source_id, m.event_id, e.name, m.actor_id, p.name
         FROM stock_movement m
         LEFT JOIN event e ON e.id = m.event_id
         LEFT JOIN person p ON p.id = m.actor_id
         WHERE m.product_id = ?1
         ORDER BY m.at_utc, m.id",
    )?;
    let mut balance = 0i64;
    let mut lines = Vec::new();
    let rows = stmt.query_map([product_id], |r| {
        Ok((
            r.get::<_, i64>(5)?,
            HistoryLine {
                id: r.get(0)?,
                at_utc: r.get(1)?,
                utc_offset_minutes: r.get(2)?,
                kind: r.get(3)?,
                location: r.get(4)?,
                quantity: Decimal::ZERO,
                balance: Decimal::ZERO,
                reason: r.get(6)?,
                note: r.get(7)?,
                lot_code: r.get(8)?,
                source_type: r.get(9)?,
                source_id: r.get(10)?,
                event_id: r.get(11)?,
                event_name: r.get(12)?,
                actor_id: r.get(13)?,
                actor_name: r.get(14)?,
            },
        ))
    })?;
    for row in rows {
        let (milli, mut line) = row?;
        balance += milli;
        line.quantity = from_milli(milli);
        line.balance = from_milli(balance);
        lines.push(line);
    }
    lines.reverse();
    Ok(lines)
}

/// A source document as the history links to it: every movement it made
/// and, for a count, what was expected and counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceDocument {
    pub source_type: String,
    pub source_id: String,
    pub at_utc: Option<String>,
    /// The till's offset from UTC when the document was made.
    pub utc_offset_minutes: Option<i64>,
    pub event_name: Option<String>,
    pub note: String,
    pub movements: Vec<DocumentLine>,
    pub counted: Vec<CountedFigure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentLine {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub kind: String,
    pub location: String,
    pub quantity: Decimal,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountedFigure {
    pub product_id: String,
    pub name: String,
    pub expected: Decimal,
    pub counted: Decimal,
}

pub fn source_document(
    conn: &Connection,
    source_type: &str,
    source_id: &str,
) -> Result<SourceDocument> {
    let mut stmt = conn.prepare(
        "SELECT m.product_id, p.sku, p.name, m.kind, m.location, m.quantity_milli, m.reason, m.at_utc, e.name, m.note, m.utc_offset_minutes
         FROM stock_movement m JOIN product p ON p.id = m.product_id
         LEFT JOIN event e ON e.id = m.event_id
         WHERE m.source_type = ?1 AND m.source_id = ?2
         ORDER BY m.id",
    )?;
    let mut at_utc = None;
    let mut utc_offset_minutes = None;
    let mut event_name = None;
    let mut note = String::new();
    let mut movements = Vec::new();
    let rows = stmt.query_map([source_type, source_id], |r| {
        Ok((
            DocumentLine {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                kind: r.get(3)?,
                location: r.get(4)?,
                quantity: from_milli(r.get(5)?),
                reason: r.get(6)?,
            },
            r.get::<_, String>(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, String>(9)?,
            r.get::<_, i64>(10)?,
        ))
    })?;
    for row in rows {
        let (line, at, ev, n, offset) = row?;
        at_utc.get_or_insert(at);
        utc_offset_minutes.get_or_insert(offset);
        if event_name.is_none() {
            event_name = ev;
        }
        if note.is_empty() {
            note = n;
        }
        movements.push(line);
    }
    let mut counted = Vec::new();
    if source_type == "count" {
        let mut stmt = conn.prepare(
            "SELECT l.product_id, p.name, l.expected_milli, l.counted_milli
             FROM stock_count_line l JOIN product p ON p.id = l.product_id
             WHERE l.count_id = ?1 ORDER BY p.search_name",
        )?;
        for row in stmt.query_map([source_id], |r| {
            Ok(CountedFigure {
                product_id: r.get(0)?,
                name: r.get(1)?,
                expected: from_milli(r.get(2)?),
                counted: from_milli(r.get(3)?),
            })
        })? {
            counted.push(row?);
        }
    }
    if movements.is_empty() && counted.is_empty() {
        return Err(crate::Error::not_found("stock document", source_id));
    }
    Ok(SourceDocument {
        source_type: source_type.to_string(),
        source_id: source_id.to_string(),
        at_utc,
        utc_offset_minutes,
        event_name,
        note,
        movements,
        counted,
    })
}

/// One product's stock story at one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventStockLine {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    /// Loaded out from storage to the event.
    pub brought: Decimal,
    /// Sold (sales less voids, plus refills and fulfilled orders).
    pub sold: Decimal,
    /// Returned by customers back into stock.
    pub returned: Decimal,
    /// Loaded back from the event to storage.
    pub loaded_back: Decimal,
    /// The quantity found by the last count at the event, if one was made.
    pub counted: Option<Decimal>,
    /// Written off as waste at the event.
    pub wasted: Decimal,
    /// Missing once sales, returns and waste are accounted for: what counts
    /// and adjustments at the event took away (negative when more was found).
    pub shrinkage: Decimal,
    /// Something is missing: shrinkage above zero (the screen marks it).
    pub missing: bool,
    /// Still at the event now, as the ledger says.
    pub left_at_event: Decimal,
}

/// The per-event stock picture: for each product that moved at the event,
/// brought, sold, returned, loaded back, counted, wasted and shrinkage.
/// `left_at_event = brought - sold + returned - loaded_back - wasted - shrinkage`.
pub fn event_picture(conn: &Connection, event_id: &str) -> Result<Vec<EventStockLine>> {
    crate::shop::events::get(conn, event_id)?;
    let mut counted: HashMap<String, i64> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT l.product_id, l.counted_milli FROM stock_count_line l
         JOIN stock_count c ON c.id = l.count_id
         WHERE c.event_id = ?1 AND c.location = 'event'
         ORDER BY c.at_utc, c.id",
    )?;
    for row in stmt.query_map([event_id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))? {
        let (product, milli) = row?;
        counted.insert(product, milli);
    }
    let mut stmt = conn.prepare(
        "SELECT m.product_id, p.sku, p.name, p.unit,
            sum(CASE WHEN m.kind = 'transfer' AND m.quantity_milli > 0 THEN m.quantity_milli ELSE 0 END),
            -sum(CASE WHEN m.kind IN ('sale', 'void', 'refill', 'fulfil') THEN m.quantity_milli ELSE 0 END),
            sum(CASE WHEN m.kind = 'return' THEN m.quantity_milli ELSE 0 END),
            -sum(CASE WHEN m.kind = 'transfer' AND m.quantity_milli < 0 THEN m.quantity_milli ELSE 0 END),
            -sum(CASE WHEN m.kind = 'waste' THEN m.quantity_milli ELSE 0 END),
            -sum(CASE WHEN m.kind IN ('count', 'adjust') THEN m.quantity_milli ELSE 0 END),
            sum(m.quantity_milli),
            sum(CASE WHEN m.kind = 'receive' THEN m.quantity_milli ELSE 0 END)
         FROM stock_movement m JOIN product p ON p.id = m.product_id
         WHERE m.event_id = ?1 AND m.location = 'event'
         GROUP BY m.product_id
         ORDER BY p.category, p.search_name",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        let product_id: String = r.get(0)?;
        let received: i64 = r.get(11)?;
        let shrinkage = from_milli(r.get(9)?);
        Ok(EventStockLine {
            counted: None,
            sku: r.get(1)?,
            name: r.get(2)?,
            unit: r.get(3)?,
            // Goods received straight at the event count as brought.
            brought: from_milli(r.get::<_, i64>(4)? + received),
            sold: from_milli(r.get(5)?),
            returned: from_milli(r.get(6)?),
            loaded_back: from_milli(r.get(7)?),
            wasted: from_milli(r.get(8)?),
            shrinkage,
            missing: shrinkage > Decimal::ZERO,
            left_at_event: from_milli(r.get(10)?),
            product_id,
        })
    })?;
    let mut lines = Vec::new();
    for row in rows {
        let mut line = row?;
        line.counted = counted.get(&line.product_id).map(|m| from_milli(*m));
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn prices_show_the_currency_decimals_unless_they_have_more() {
        let eur = Currency::from_code("EUR").unwrap();
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(display_price(&eur, d("8.5")), "8.50");
        assert_eq!(display_price(&eur, d("12")), "12.00");
        assert_eq!(display_price(&eur, d("0.0042")), "0.0042");
    }
}
