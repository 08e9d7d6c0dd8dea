//! Receipts: gapless receipt numbers per device and series (live and
//! practice), a completed sale as its receipt shows it, and the latest
//! sales of the open session for the till's recent list.

use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::db::store::Tx;
use crate::shop::settings::{self, Settings};
use crate::till::quote::QuoteTax;
use crate::till::session::Session;
use crate::{Error, Result};

/// The next receipt number of this device in its series, taken inside the
/// sale's transaction so a rolled-back sale gives it back (no gaps).
pub(super) fn next_receipt(tx: &Tx, settings: &Settings, practice: bool) -> Result<(i64, String)> {
    let series = if practice { "practice" } else { "live" };
    let seq: i64 = tx
        .prepare_cached(
            "INSERT INTO receipt_counter (device_id, series, last_number) VALUES (?1, ?2, 1)
             ON CONFLICT (device_id, series) DO UPDATE SET last_number = last_number + 1
             RETURNING last_number",
        )?
        .query_row((tx.device_id, series), |r| r.get(0))?;
    let number = if practice {
        format!("{}-P-{seq:06}", settings.till_code)
    } else {
        format!("{}-{seq:06}", settings.till_code)
    };
    Ok((seq, number))
}

#[derive(Debug, Clone, Serialize)]
pub struct ReceiptLine {
    pub name: String,
    pub sku: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub discount: String,
    /// The line has a discount (its own or its share of the sale's).
    pub has_discount: bool,
    pub gross: String,
    pub tax_rate: String,
    pub handover_later: bool,
    /// A weighed refill: gross, tare and net as the receipt prints them,
    /// e.g. `gross 612 g − tare 240 g (own container) = net 372 g`.
    pub weighing: Option<String>,
    /// Scanned from a scale label.
    pub scale_label: Option<String>,
    /// A deposit line: the number of the line it belongs to.
    pub deposit_of_line: Option<i64>,
}

/// How a weighed line's gross, tare and net read on a receipt.
pub fn weighing_text(unit: &str, gross: i64, tare: i64, container: Option<&str>) -> String {
    let u = if unit == "l" { "ml" } else { "g" };
    let whose = match container {
        Some("shop") => " (shop container)",
        Some("own") => " (own container)",
        _ => "",
    };
    format!(
        "gross {gross} {u} − tare {tare} {u}{whose} = net {} {u}",
        gross - tare
    )
}

/// A container brought back in a sale, as its receipt shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptDepositBack {
    pub name: String,
    pub quantity: i64,
    pub unit_price: String,
    /// The deposit paid back (positive; printed with a minus).
    pub amount: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReceiptPayment {
    pub method: String,
    pub amount: String,
    pub tendered: String,
    pub change: String,
    pub card_last_four: Option<String>,
    pub auth_code: Option<String>,
}

/// Everything a printed receipt shows.
#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    pub sale_id: String,
    pub receipt_number: String,
    pub practice: bool,
    pub shop_name: String,
    pub event_name: String,
    pub venue: String,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
    pub tax_mode: String,
    pub lines: Vec<ReceiptLine>,
    pub subtotal: String,
    pub discount: String,
    pub has_discount: bool,
    pub tax: String,
    pub taxes: Vec<QuoteTax>,
    pub rounding: String,
    /// Cash rounding changed the total.
    pub has_rounding: bool,
    pub total: String,
    pub total_minor: i64,
    /// Containers brought back in the sale, their deposits paid back.
    pub deposits_back: Vec<ReceiptDepositBack>,
    pub deposits_back_total: String,
    /// What the customer paid after the deposits brought back.
    pub to_pay: String,
    /// The deposits came to more than the sale: this was paid out in cash.
    pub paid_out: String,
    pub paid_out_minor: i64,
    pub payments: Vec<ReceiptPayment>,
    pub change: String,
    pub has_change: bool,
    pub voided: Option<String>,
    /// The first 8 hexadecimal characters of the hash of the sale's own
    /// journal entry (`sale.completed`): a short check code anyone can look
    /// up in the journal (`docs/journal.md`).
    pub check_code: Option<String>,
    /// The code that finds the customer's contact to withdraw a consent
    /// (`attendees`): only when this sale recorded one.
    pub withdrawal_code: Option<String>,
}

/// How many hexadecimal characters of the sale's journal hash a receipt shows.
pub const CHECK_CODE_LEN: usize = 8;

/// A completed sale as its receipt shows it.
pub fn receipt(conn: &Connection, sale_id: &str) -> Result<Receipt> {
    let s = settings::load(conn)?;
    let c = &s.currency;
    let f = |m: i64| c.format(c.from_minor(m));
    #[allow(clippy::type_complexity)]
    let head: (String, bool, String, String, String, i64, String, i64, i64, i64, i64, i64) = conn
        .query_row(
            "SELECT s.receipt_number, s.practice, e.name, e.venue, s.at_utc, s.utc_offset_minutes, s.tax_mode,
                    s.subtotal_minor, s.discount_minor, s.tax_minor, s.rounding_minor, s.total_minor
             FROM sale s JOIN event e ON e.id = s.event_id WHERE s.id = ?1",
            [sale_id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, i64>(1)? == 1,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("sale", sale_id))?;
    let mut lines = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT name, sku, quantity, unit, unit_price, line_discount_minor + sale_discount_minor, gross_minor, tax_rate, handover_later,
                    gross_milli, tare_milli, container, scale_label, deposit_of_line
             FROM sale_line WHERE sale_id = ?1 ORDER BY line_no",
        )?;
        let rows = stmt.query_map([sale_id], |r| {
            let price: String = r.get(4)?;
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                price,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)? == 1,
                (
                    r.get::<_, Option<i64>>(9)?,
                    r.get::<_, Option<i64>>(10)?,
                    r.get::<_, Option<String>>(11)?,
                    r.get::<_, Option<String>>(12)?,
                    r.get::<_, Option<i64>>(13)?,
                ),
            ))
        })?;
        for row in rows {
            let (name, sku, quantity, unit, price, discount, gross, rate, later, refill) = row?;
            let (gross_milli, tare_milli, container, scale_label, deposit_of_line) = refill;
            let weighing = gross_milli
                .map(|g| weighing_text(&unit, g, tare_milli.unwrap_or(0), container.as_deref()));
            lines.push(ReceiptLine {
                name,
                sku,
                quantity,
                unit,
                unit_price: Decimal::from_str(&price)
                    .map(|p| c.format(p))
                    .unwrap_or(price),
                discount: f(discount),
                has_discount: discount != 0,
                gross: f(gross),
                tax_rate: rate,
                handover_later: later,
                weighing,
                scale_label,
                deposit_of_line,
            });
        }
    }
    let mut taxes = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT tax_rate, sum(net_minor), sum(tax_minor), sum(gross_minor) FROM sale_line WHERE sale_id = ?1
             GROUP BY tax_rate ORDER BY min(line_no)",
        )?;
        let rows = stmt.query_map([sale_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (rate, net, tax, gross) = row?;
            taxes.push(QuoteTax {
                rate,
                net: f(net),
                tax: f(tax),
                gross: f(gross),
            });
        }
    }
    let mut payments = Vec::new();
    let mut change = 0;
    {
        let mut stmt = conn.prepare(
            "SELECT method, amount_minor, tendered_minor, change_minor, card_last_four, auth_code FROM payment WHERE sale_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([sale_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (method, amount, tendered, ch, four, auth) = row?;
            change += ch;
            payments.push(ReceiptPayment {
                method,
                amount: f(amount),
                tendered: f(tendered),
                change: f(ch),
                card_last_four: four,
                auth_code: auth,
            });
        }
    }
    let mut deposits_back = Vec::new();
    let mut back_total = 0i64;
    {
        let mut stmt = conn.prepare(
            "SELECT p.name, d.quantity, d.unit_price, d.amount_minor
             FROM deposit_return d JOIN product p ON p.id = d.product_id
             WHERE d.sale_id = ?1 ORDER BY d.rowid",
        )?;
        let rows = stmt.query_map([sale_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (name, quantity, price, amount) = row?;
            back_total += amount;
            deposits_back.push(ReceiptDepositBack {
                name,
                quantity,
                unit_price: Decimal::from_str(&price)
                    .map(|p| c.format(p))
                    .unwrap_or(price),
                amount: f(amount),
            });
        }
    }
    let voided: Option<String> = conn
        .query_row(
            "SELECT reason FROM sale_void WHERE sale_id = ?1",
            [sale_id],
            |r| r.get(0),
        )
        .optional()?;
    let (
        number,
        practice,
        event_name,
        venue,
        at_utc,
        offset,
        tax_mode,
        subtotal,
        discount,
        tax,
        rounding,
        total,
    ) = head;
    let check_code = crate::db::journal::entry_hash(conn, "sale.completed", "sale", sale_id)?
        .map(|hash| hash.chars().take(CHECK_CODE_LEN).collect());
    Ok(Receipt {
        sale_id: sale_id.to_string(),
        receipt_number: number,
        practice,
        shop_name: s.shop_name.clone(),
        event_name,
        venue,
        at_utc,
        utc_offset_minutes: offset,
        tax_mode,
        lines,
        subtotal: f(subtotal),
        discount: f(discount),
        has_discount: discount != 0,
        tax: f(tax),
        taxes,
        rounding: f(rounding),
        has_rounding: rounding != 0,
        total: f(total),
        total_minor: total,
        deposits_back,
        deposits_back_total: f(back_total),
        to_pay: f((total - back_total).max(0)),
        paid_out: f((back_total - total).max(0)),
        paid_out_minor: (back_total - total).max(0),
        payments,
        change: f(change),
        has_change: change != 0,
        voided,
        check_code,
        withdrawal_code: crate::attendees::consent::receipt_code(conn, sale_id)?,
    })
}

/// A sale in the till's recent list.
#[derive(Debug, Clone, Serialize)]
pub struct SaleSummary {
    pub sale_id: String,
    pub receipt_number: String,
    pub at_utc: String,
    pub total: String,
    pub voided: bool,
}

/// The latest sales of the open session, newest first.
pub fn recent_sales(conn: &Connection, session: &Session, limit: i64) -> Result<Vec<SaleSummary>> {
    let c = settings::load(conn)?.currency;
    let mut stmt = conn.prepare(
        "SELECT s.id, s.receipt_number, s.at_utc, s.total_minor,
                EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)
         FROM sale s WHERE s.session_id = ?1 ORDER BY s.receipt_seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map((&session.id, limit), |r| {
        Ok(SaleSummary {
            sale_id: r.get(0)?,
            receipt_number: r.get(1)?,
            at_utc: r.get(2)?,
            total: c.format(c.from_minor(r.get(3)?)),
            voided: r.get::<_, i64>(4)? == 1,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
