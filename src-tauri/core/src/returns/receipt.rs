//! Refund receipts: a refund as its printed receipt shows it — its own
//! number (`T1-R-000003`) with the original receipt's number, what came
//! back at what it paid back, tax by rate, cash rounding, the tenders it
//! went to (a card's terminal reference), and the check code of its
//! journal entry; a refund without a receipt is marked as priced at the
//! price of the day.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::shop::settings;
use crate::till::quote::QuoteTax;
use crate::till::receipt::CHECK_CODE_LEN;
use crate::{Error, Result};

#[derive(Debug, Clone, Serialize)]
pub struct RefundReceiptLine {
    pub name: String,
    pub sku: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub discount: String,
    pub has_discount: bool,
    pub gross: String,
    pub tax_rate: String,
    pub damaged: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RefundReceiptPayment {
    pub method: String,
    pub amount: String,
    pub reference: Option<String>,
}

/// Everything a printed refund receipt shows.
#[derive(Debug, Clone, Serialize)]
pub struct RefundReceipt {
    pub refund_id: String,
    pub receipt_number: String,
    pub practice: bool,
    pub shop_name: String,
    pub event_name: String,
    pub venue: String,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
    pub tax_mode: String,
    /// The receipt of the sale refunded.
    pub sale_receipt_number: Option<String>,
    /// No receipt was shown: priced at the price of the day.
    pub without_receipt: bool,
    /// The receipt of an exchange's new sale.
    pub exchange_receipt_number: Option<String>,
    pub lines: Vec<RefundReceiptLine>,
    pub discount: String,
    pub has_discount: bool,
    pub tax: String,
    pub taxes: Vec<QuoteTax>,
    pub rounding: String,
    pub has_rounding: bool,
    pub total: String,
    pub total_minor: i64,
    pub payments: Vec<RefundReceiptPayment>,
    /// The first characters of the hash of the refund's journal entry.
    pub check_code: Option<String>,
}

/// A refund as its receipt shows it.
pub fn refund_receipt(conn: &Connection, refund_id: &str) -> Result<RefundReceipt> {
    let s = settings::load(conn)?;
    let c = &s.currency;
    let f = |m: i64| c.format(c.from_minor(m));
    #[allow(clippy::type_complexity)]
    let head: (String, bool, String, String, String, i64, String, Option<String>, bool, Option<String>, i64, i64, i64, i64) = conn
        .query_row(
            "SELECT r.receipt_number, r.practice, e.name, e.venue, r.at_utc, r.utc_offset_minutes, r.tax_mode,
                    r.sale_receipt_number, r.without_receipt,
                    (SELECT x.receipt_number FROM sale x WHERE x.id = r.exchange_sale_id),
                    r.discount_minor, r.tax_minor, r.rounding_minor, r.total_minor
             FROM refund r JOIN event e ON e.id = r.event_id WHERE r.id = ?1",
            [refund_id],
            |r| {
                Ok((
                    r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?,
                    r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("refund", refund_id))?;
    let (
        number,
        practice,
        event_name,
        venue,
        at_utc,
        offset,
        tax_mode,
        sale_receipt_number,
        without_receipt,
        exchange_receipt_number,
        discount,
        tax,
        rounding,
        total,
    ) = head;
    let lines = {
        let mut stmt = conn.prepare(
            "SELECT name, sku, quantity, unit, unit_price, line_discount_minor + sale_discount_minor, gross_minor, tax_rate, restock
             FROM refund_line WHERE refund_id = ?1 ORDER BY line_no",
        )?;
        let rows = stmt.query_map([refund_id], |r| {
            let price: String = r.get(4)?;
            let discount: i64 = r.get(5)?;
            Ok(RefundReceiptLine {
                name: r.get(0)?,
                sku: r.get(1)?,
                quantity: r.get(2)?,
                unit: r.get(3)?,
                unit_price: price.parse().map(|p| c.format(p)).unwrap_or(price),
                discount: f(discount),
                has_discount: discount != 0,
                gross: f(r.get(6)?),
                tax_rate: r.get(7)?,
                damaged: !r.get::<_, bool>(8)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let taxes = {
        let mut stmt = conn.prepare(
            "SELECT tax_rate, sum(net_minor), sum(tax_minor), sum(gross_minor) FROM refund_line WHERE refund_id = ?1
             GROUP BY tax_rate ORDER BY min(line_no)",
        )?;
        let rows = stmt.query_map([refund_id], |r| {
            Ok(QuoteTax {
                rate: r.get(0)?,
                net: f(r.get(1)?),
                tax: f(r.get(2)?),
                gross: f(r.get(3)?),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let payments = {
        let mut stmt = conn.prepare(
            "SELECT method, amount_minor, reference FROM refund_payment WHERE refund_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([refund_id], |r| {
            Ok(RefundReceiptPayment {
                method: r.get(0)?,
                amount: f(r.get(1)?),
                reference: r.get(2)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let check_code = crate::db::journal::entry_hash(conn, "refund.completed", "refund", refund_id)?
        .map(|hash| hash.chars().take(CHECK_CODE_LEN).collect());
    Ok(RefundReceipt {
        refund_id: refund_id.to_string(),
        receipt_number: number,
        practice,
        shop_name: s.shop_name.clone(),
        event_name,
        venue,
        at_utc,
        utc_offset_minutes: offset,
        tax_mode,
        sale_receipt_number,
        without_receipt,
        exchange_receipt_number,
        lines,
        discount: f(discount),
        has_discount: discount != 0,
        tax: f(tax),
        taxes,
        rounding: f(rounding),
        has_rounding: rounding != 0,
        total: f(total),
        total_minor: total,
        payments,
        check_code,
    })
}
