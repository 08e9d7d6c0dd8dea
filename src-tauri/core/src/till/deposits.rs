//! Deposits: a shop container (a jar, a bottle) sold with a deposit comes
//! back and the deposit is paid out. Owns what is outstanding per deposit
//! product (issued — deposit lines of live sales not voided, less what was
//! refunded — minus returned, across events: the cap on returns, which is
//! per product, not per customer), paying a return out of the drawer on
//! its own (one transaction with its journal entry), and the deposit
//! ledger of an event (issued, returned, outstanding).
//!
//! A returned container is not put back into stock here: it goes to be
//! washed, and the organizer receives it into stock when it is clean.

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::refill::{self, DepositTax};
use crate::catalog::ProductKind;
use crate::db::store::Tx;
use crate::money::pricing::{self, LineToPrice};
use crate::shop::settings;
use crate::till::session;
use crate::{new_id, Error, Result};

/// Pieces of a deposit product issued by live sales (not voided), less
/// those refunded, in all events (or one).
fn issued(conn: &Connection, product_id: &str, event_id: Option<&str>) -> Result<i64> {
    let milli: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(l.quantity_milli), 0)
                    - coalesce((SELECT sum(rl.quantity_milli) FROM refund_line rl
                                JOIN sale_line sl ON sl.id = rl.sale_line_id
                                JOIN sale s2 ON s2.id = sl.sale_id
                                WHERE sl.product_id = ?1 AND s2.practice = 0
                                  AND (?2 IS NULL OR s2.event_id = ?2)), 0)
             FROM sale_line l JOIN sale s ON s.id = l.sale_id
             WHERE l.product_id = ?1 AND s.practice = 0
               AND (?2 IS NULL OR s.event_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)",
        )?
        .query_row((product_id, event_id), |r| r.get(0))?;
    Ok(milli / 1000)
}

fn returned(conn: &Connection, product_id: &str, event_id: Option<&str>) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(quantity), 0) FROM deposit_return
             WHERE product_id = ?1 AND (?2 IS NULL OR event_id = ?2)",
        )?
        .query_row((product_id, event_id), |r| r.get(0))?)
}

/// Containers of this deposit product out with customers: issued minus
/// returned, across events.
pub fn outstanding(conn: &Connection, product_id: &str) -> Result<i64> {
    Ok(issued(conn, product_id, None)? - returned(conn, product_id, None)?)
}

/// A deposit return as the till sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositReturnInput {
    pub product_id: String,
    /// Whole containers brought back (empty: one).
    #[serde(default)]
    pub quantity: String,
}

/// A deposit paid out.
#[derive(Debug, Clone, Serialize)]
pub struct DepositReturned {
    pub id: String,
    pub name: String,
    pub quantity: i64,
    /// The deposit paid out, formatted.
    pub amount: String,
    pub amount_minor: i64,
    /// Still out with customers after this return.
    pub outstanding: i64,
}

/// A deposit return priced and checked against what is outstanding: the
/// deposit paid back, with its tax, as the sale charged it.
#[derive(Debug, Clone)]
pub(crate) struct PricedReturn {
    pub(crate) product_id: String,
    pub(crate) name: String,
    pub(crate) quantity: i64,
    pub(crate) unit_price: Decimal,
    pub(crate) rate: Decimal,
    /// The deposit paid back, minor units (always more than 0).
    pub(crate) amount: i64,
    pub(crate) tax: i64,
    /// Out with customers before this return (less `earlier` in the cart).
    pub(crate) outstanding: i64,
}

/// Price a return of `input`: a deposit product, a whole number of
/// containers, at most what is out with customers less `earlier` of the
/// same product already brought back in this cart.
pub(crate) fn price_return(
    conn: &Connection,
    input: &DepositReturnInput,
    earlier: i64,
) -> Result<PricedReturn> {
    let product = crate::catalog::get(conn, input.product_id.trim())?;
    if product.kind != ProductKind::Deposit {
        return Err(Error::validation(
            "product_id",
            format!("{} is not a deposit", product.name),
        ));
    }
    let text = match input.quantity.trim() {
        "" => "1",
        t => t,
    };
    let quantity = text
        .parse::<i64>()
        .ok()
        .filter(|q| *q > 0 && *q <= 10_000)
        .ok_or_else(|| {
            Error::validation(
                "quantity",
                format!("'{text}' is not a number of containers (a whole number, 1 or more)"),
            )
        })?;
    let out = outstanding(conn, &product.id)? - earlier;
    if quantity > out {
        let more = if earlier > 0 {
            format!(" (besides the {earlier} already brought back in this sale)")
        } else {
            String::new()
        };
        return Err(Error::validation(
            "quantity",
            format!(
                "{quantity} × {} brought back, but only {out} {} out with customers{more}: the deposit of the rest was never paid",
                product.name,
                if out == 1 { "is" } else { "are" }
            ),
        ));
    }
    let settings = settings::load(conn)?;
    let rate = match refill::settings(conn)?.deposit_tax {
        DepositTax::ProductRate => product.tax_rate,
        DepositTax::OutsideTax => Decimal::ZERO,
    };
    // Priced as the sale priced it, so what is paid back is what was paid.
    let priced = pricing::price_cart(
        &settings.currency,
        settings.tax_mode,
        &[LineToPrice {
            unit_price: product.unit_price,
            quantity: Decimal::from(quantity),
            tax_rate: rate,
            discount: None,
            fixed_amount: None,
        }],
        None,
    )?;
    let line = &priced.lines[0];
    if line.gross <= 0 {
        return Err(Error::validation(
            "product_id",
            format!("{} carries no deposit to pay back", product.name),
        ));
    }
    Ok(PricedReturn {
        product_id: product.id,
        name: product.name,
        quantity,
        unit_price: product.unit_price,
        rate,
        amount: line.gross,
        tax: line.tax,
        outstanding: out,
    })
}

/// Write a priced return with its journal entry: paid from the drawer on
/// its own (`sale_id` none, method `cash`) or inside the sale `sale_id`
/// (method `sale`: it pays part of the sale, and what it pays beyond the
/// sale's total leaves the drawer as cash).
pub(crate) fn write_return(
    tx: &Tx,
    session: &session::OpenTill,
    r: &PricedReturn,
    sale_id: Option<&str>,
) -> Result<String> {
    let method = if sale_id.is_some() { "sale" } else { "cash" };
    let id = new_id();
    tx.execute(
        "INSERT INTO deposit_return (id, device_id, event_id, session_id, sale_id, product_id, quantity, unit_price,
            amount_minor, tax_rate, tax_minor, method, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        rusqlite::params![
            id,
            tx.device_id,
            session.event_id,
            session.id,
            sale_id,
            r.product_id,
            r.quantity,
            r.unit_price.to_string(),
            r.amount,
            r.rate.to_string(),
            r.tax,
            method,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    let mut details = serde_json::json!({
        "session_id": session.id,
        "event_id": session.event_id,
        "product_id": r.product_id,
        "quantity": r.quantity,
        "amount_minor": r.amount,
        "tax_minor": r.tax,
        "method": method,
    });
    if let Some(sale) = sale_id {
        details["sale_id"] = serde_json::json!(sale);
    }
    tx.journal("deposit.returned", "deposit_return", &id, details)?;
    Ok(id)
}

/// Pay a deposit back in cash from the drawer, on its own (no sale): at
/// most what is outstanding of the product. One transaction with its
/// journal entry; the expected cash of the session goes down by it.
pub fn return_on_its_own(tx: &Tx, input: &DepositReturnInput) -> Result<DepositReturned> {
    let session = session::open_till(tx, tx.device_id)?;
    if session.practice {
        return Err(Error::validation(
            "product_id",
            "a practice session pays no deposits out: open the live till",
        ));
    }
    let r = price_return(tx, input, 0)?;
    let id = write_return(tx, &session, &r, None)?;
    let c = settings::load(tx)?.currency;
    Ok(DepositReturned {
        id,
        name: r.name,
        quantity: r.quantity,
        amount: c.format(c.from_minor(r.amount)),
        amount_minor: r.amount,
        outstanding: r.outstanding - r.quantity,
    })
}

/// One deposit product in an event's deposit ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepositLedgerRow {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    /// Issued at this event (sold, less refunded).
    pub issued: i64,
    /// Brought back at this event.
    pub returned: i64,
    /// Paid out at this event, minor units.
    pub paid_out_minor: i64,
    /// Out with customers now, across events.
    pub outstanding: i64,
}

/// The deposit ledger of an event: each deposit product that was issued
/// or returned there, or is still out.
pub fn ledger(conn: &Connection, event_id: &str) -> Result<Vec<DepositLedgerRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, sku, name FROM product WHERE kind = 'deposit' ORDER BY search_name, id",
    )?;
    let products: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::new();
    for (product_id, sku, name) in products {
        let issued_here = issued(conn, &product_id, Some(event_id))?;
        let returned_here = returned(conn, &product_id, Some(event_id))?;
        let outstanding = outstanding(conn, &product_id)?;
        if issued_here == 0 && returned_here == 0 && outstanding == 0 {
            continue;
        }
        let paid_out_minor: i64 = conn.query_row(
            "SELECT coalesce(sum(amount_minor), 0) FROM deposit_return WHERE product_id = ?1 AND event_id = ?2",
            (&product_id, event_id),
            |r| r.get(0),
        )?;
        rows.push(DepositLedgerRow {
            product_id,
            sku,
            name,
            issued: issued_here,
            returned: returned_here,
            paid_out_minor,
            outstanding,
        });
    }
    Ok(rows)
}

/// A deposit product the till offers for a return, with what is out.
#[derive(Debug, Clone, Serialize)]
pub struct Returnable {
    pub product_id: String,
    pub name: String,
    pub price: String,
    pub outstanding: i64,
}

/// The deposit products the till can take back (active, of kind deposit).
pub fn returnable(conn: &Connection) -> Result<Vec<Returnable>> {
    let currency = settings::load(conn)?.currency;
    let mut stmt = conn.prepare(
        "SELECT id, name, unit_price FROM product WHERE kind = 'deposit' AND active = 1 ORDER BY search_name",
    )?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(product_id, name, price)| {
            let p: Decimal = price.parse().map_err(|_| {
                Error::Integrity(format!("deposit {name} has an unreadable price '{price}'"))
            })?;
            Ok(Returnable {
                outstanding: outstanding(conn, &product_id)?,
                product_id,
                name,
                price: currency.format(p),
            })
        })
        .collect()
}
