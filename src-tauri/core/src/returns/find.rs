//! Finding the sale to refund and what of it can still come back: a sale by
//! its receipt number (typed, or scanned from the code on the receipt; a
//! bare number is this till's receipt of that number), or by local date,
//! total or a product on it, from any event and any day; and a sale as the
//! refund screen shows it — each line sold, what came back of it already
//! and what still can, each tender paid and what is left of it.

use rusqlite::{params_from_iter, types::Value, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::returns::allocate::LineMoney;
use crate::shop::settings::{self, TaxMode};
use crate::stock;
use crate::{Error, Result};

/// What to look for; every part given must match.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SaleQuery {
    /// A receipt number as printed or scanned (`T1-000042`), or its number
    /// alone (`42`: this till's receipt of that number).
    #[serde(default)]
    pub receipt: String,
    /// A local date, `2026-12-05`.
    #[serde(default)]
    pub date: String,
    /// The sale's total, as the receipt shows it.
    #[serde(default)]
    pub amount: String,
    /// A word of a product's name or its code.
    #[serde(default)]
    pub product: String,
}

/// A sale found.
#[derive(Debug, Clone, Serialize)]
pub struct FoundSale {
    pub sale_id: String,
    pub receipt_number: String,
    pub event_name: String,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
    pub total: String,
    pub practice: bool,
    pub voided: bool,
    /// Σ of what its refunds paid back so far.
    pub refunded: String,
    pub has_refunds: bool,
}

/// The most sales one search lists.
pub const FOUND_MAX: i64 = 50;

/// Sales matching `query`, newest first.
pub fn find_sales(conn: &Connection, device_id: &str, query: &SaleQuery) -> Result<Vec<FoundSale>> {
    let currency = settings::load(conn)?.currency;
    let mut conditions: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let receipt = query.receipt.trim();
    if !receipt.is_empty() {
        if receipt.chars().all(|c| c.is_ascii_digit()) {
            let n: i64 = receipt.parse().map_err(|_| {
                Error::validation("receipt", format!("'{receipt}' is not a receipt number"))
            })?;
            conditions.push("s.device_id = ? AND s.receipt_seq = ?".into());
            params.push(Value::Text(device_id.to_string()));
            params.push(Value::Integer(n));
        } else {
            conditions.push("upper(s.receipt_number) = upper(?)".into());
            params.push(Value::Text(receipt.to_string()));
        }
    }
    let date = query.date.trim();
    if !date.is_empty() {
        let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
            Error::validation("date", format!("'{date}' is not a date like 2026-12-05"))
        })?;
        conditions.push("date(s.at_utc, s.utc_offset_minutes || ' minutes') = ?".into());
        params.push(Value::Text(day.to_string()));
    }
    let amount = query.amount.trim();
    if !amount.is_empty() {
        let minor = currency.to_minor(currency.parse_non_negative("amount", amount)?)?;
        conditions.push("s.total_minor = ?".into());
        params.push(Value::Integer(minor));
    }
    let product = query.product.trim();
    if !product.is_empty() {
        conditions.push(
            "EXISTS (SELECT 1 FROM sale_line l WHERE l.sale_id = s.id
                     AND (instr(lower(l.name), lower(?)) > 0 OR lower(l.sku) = lower(?)))"
                .into(),
        );
        params.push(Value::Text(product.to_string()));
        params.push(Value::Text(product.to_string()));
    }
    if conditions.is_empty() {
        return Err(Error::validation(
            "receipt",
            "type or scan the receipt number, or give a date, an amount or a product",
        ));
    }
    params.push(Value::Integer(FOUND_MAX));
    let mut stmt = conn.prepare(&format!(
        "SELECT s.id, s.receipt_number, e.name, s.at_utc, s.utc_offset_minutes, s.total_minor, s.practice,
                EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id),
                (SELECT coalesce(sum(r.total_minor), 0) FROM refund r WHERE r.sale_id = s.id),
                EXISTS (SELECT 1 FROM refund r WHERE r.sale_id = s.id)
         FROM sale s JOIN event e ON e.id = s.event_id
         WHERE {}
         ORDER BY s.at_utc DESC, s.id DESC LIMIT ?",
        conditions.join(" AND ")
    ))?;
    let f = |m: i64| currency.format(currency.from_minor(m));
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
        Ok(FoundSale {
            sale_id: r.get(0)?,
            receipt_number: r.get(1)?,
            event_name: r.get(2)?,
            at_utc: r.get(3)?,
            utc_offset_minutes: r.get(4)?,
            total: f(r.get(5)?),
            practice: r.get(6)?,
            voided: r.get(7)?,
            refunded: f(r.get(8)?),
            has_refunds: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A sale as its refunds need it.
#[derive(Debug, Clone)]
pub(crate) struct SaleHead {
    pub id: String,
    pub receipt_number: String,
    pub practice: bool,
    pub tax_mode: TaxMode,
    pub voided: bool,
    pub event_name: String,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
    pub total: i64,
}

pub(crate) fn sale_head(conn: &Connection, sale_id: &str) -> Result<SaleHead> {
    let row = conn
        .query_row(
            "SELECT s.id, s.receipt_number, s.practice, s.tax_mode,
                    EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id),
                    e.name, s.at_utc, s.utc_offset_minutes, s.total_minor
             FROM sale s JOIN event e ON e.id = s.event_id WHERE s.id = ?1",
            [sale_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, i64>(7)?,
                    r.get::<_, i64>(8)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found("sale", sale_id))?;
    let (id, receipt_number, practice, mode, voided, event_name, at_utc, offset, total) = row;
    Ok(SaleHead {
        id,
        receipt_number,
        practice,
        tax_mode: TaxMode::parse(&mode)?,
        voided,
        event_name,
        at_utc,
        utc_offset_minutes: offset,
        total,
    })
}

/// A line of a sale with what its refunds paid back so far.
#[derive(Debug, Clone)]
pub(crate) struct SoldLine {
    pub id: String,
    pub line_no: i64,
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub unit_price: String,
    pub tax_rate: String,
    pub stocked: bool,
    pub stored: LineMoney,
    pub paid_back: LineMoney,
    /// A pre-order line: only what was handed over can come back.
    pub handed_over_milli: Option<i64>,
}

impl SoldLine {
    /// Thousandths of the line that can still come back.
    pub fn refundable_milli(&self) -> i64 {
        let sold = self.handed_over_milli.unwrap_or(self.stored.quantity_milli);
        (sold - self.paid_back.quantity_milli).max(0)
    }
}

pub(crate) fn sold_lines(conn: &Connection, sale_id: &str) -> Result<Vec<SoldLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.line_no, l.product_id, l.sku, l.name, l.unit, l.unit_price, l.tax_rate, p.kind,
                l.quantity_milli, l.amount_minor, l.line_discount_minor, l.sale_discount_minor,
                l.net_minor, l.tax_minor, l.gross_minor,
                coalesce(b.q, 0), coalesce(b.a, 0), coalesce(b.ld, 0), coalesce(b.sd, 0),
                coalesce(b.n, 0), coalesce(b.t, 0), coalesce(b.g, 0),
                l.handover_later,
                (SELECT coalesce(sum(f.quantity_milli), 0) FROM customer_order o
                   JOIN order_fulfilment f ON f.order_id = o.id WHERE o.sale_line_id = l.id)
         FROM sale_line l JOIN product p ON p.id = l.product_id
         LEFT JOIN (SELECT sale_line_id, sum(quantity_milli) AS q, sum(amount_minor) AS a,
                           sum(line_discount_minor) AS ld, sum(sale_discount_minor) AS sd,
                           sum(net_minor) AS n, sum(tax_minor) AS t, sum(gross_minor) AS g
                    FROM refund_line WHERE sale_line_id IN (SELECT id FROM sale_line WHERE sale_id = ?1)
                    GROUP BY sale_line_id) b ON b.sale_line_id = l.id
         WHERE l.sale_id = ?1 ORDER BY l.line_no",
    )?;
    let rows = stmt.query_map([sale_id], |r| {
        let kind: crate::catalog::ProductKind = r.get(8)?;
        let money = |i: usize| -> rusqlite::Result<LineMoney> {
            Ok(LineMoney {
                quantity_milli: r.get(i)?,
                amount: r.get(i + 1)?,
                line_discount: r.get(i + 2)?,
                sale_discount: r.get(i + 3)?,
                net: r.get(i + 4)?,
                tax: r.get(i + 5)?,
                gross: r.get(i + 6)?,
            })
        };
        let later: bool = r.get(23)?;
        Ok(SoldLine {
            id: r.get(0)?,
            line_no: r.get(1)?,
            product_id: r.get(2)?,
            sku: r.get(3)?,
            name: r.get(4)?,
            unit: r.get(5)?,
            unit_price: r.get(6)?,
            tax_rate: r.get(7)?,
            stocked: kind.is_stocked(),
            stored: money(9)?,
            paid_back: money(16)?,
            handed_over_milli: if later { Some(r.get(24)?) } else { None },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One tender of a sale: what was paid with it and what its refunds took
/// back from it so far, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PaidWith {
    pub method: String,
    pub paid: i64,
    pub refunded: i64,
}

/// The sale's tenders in the order they were paid, with their refunds.
pub(crate) fn paid_with(conn: &Connection, sale_id: &str) -> Result<Vec<PaidWith>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.method, sum(p.amount_minor), min(p.seq),
                (SELECT coalesce(sum(rp.amount_minor), 0) FROM refund r JOIN refund_payment rp ON rp.refund_id = r.id
                 WHERE r.sale_id = ?1 AND rp.method = p.method)
         FROM payment p WHERE p.sale_id = ?1 GROUP BY p.method ORDER BY min(p.seq)",
    )?;
    let rows = stmt.query_map([sale_id], |r| {
        Ok(PaidWith {
            method: r.get(0)?,
            paid: r.get(1)?,
            refunded: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The cash a sale's refunds owed before rounding and paid out, so far.
pub(crate) fn cash_back_so_far(conn: &Connection, sale_id: &str) -> Result<(i64, i64)> {
    let (paid, rounding): (i64, i64) = conn.query_row(
        "SELECT coalesce((SELECT sum(rp.amount_minor) FROM refund r JOIN refund_payment rp ON rp.refund_id = r.id
                          WHERE r.sale_id = ?1 AND rp.method = 'cash'), 0),
                coalesce((SELECT sum(r.rounding_minor) FROM refund r WHERE r.sale_id = ?1), 0)",
        [sale_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((paid - rounding, paid))
}

/// A line of a sale as the refund screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RefundableLine {
    pub sale_line_id: String,
    pub line_no: i64,
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub unit_price: String,
    pub sold: String,
    pub back_already: String,
    /// What can still come back (0 when nothing can).
    pub refundable: String,
    pub gross: String,
    pub tax_rate: String,
    /// A pre-order line: only what was handed over can come back.
    pub handover_later: bool,
}

/// A tender of the sale: paid, refunded so far, what is left to refund to it.
#[derive(Debug, Clone, Serialize)]
pub struct RefundableTender {
    pub method: String,
    pub paid: String,
    pub refunded: String,
    pub left: String,
}

/// A sale as the refund screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RefundableSale {
    pub sale_id: String,
    pub receipt_number: String,
    pub event_name: String,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
    pub total: String,
    pub practice: bool,
    pub tax_mode: String,
    pub lines: Vec<RefundableLine>,
    pub tenders: Vec<RefundableTender>,
    /// Refund receipts already written for it.
    pub refunds: Vec<String>,
    /// Why nothing of it can come back now (voided, another series, all
    /// back already), if so.
    pub refusal: Option<String>,
}

/// A sale and what of it can still come back, for the till of `device_id`.
pub fn refundable_sale(
    conn: &Connection,
    device_id: &str,
    sale_id: &str,
) -> Result<RefundableSale> {
    let currency = settings::load(conn)?.currency;
    let f = |m: i64| currency.format(currency.from_minor(m));
    let head = sale_head(conn, sale_id)?;
    let lines = sold_lines(conn, sale_id)?;
    let refusal = refusal(conn, device_id, &head)?.or_else(|| {
        lines
            .iter()
            .all(|l| l.refundable_milli() == 0)
            .then(|| format!("everything of {} came back already", head.receipt_number))
    });
    let refunds = {
        let mut stmt = conn.prepare_cached(
            "SELECT receipt_number FROM refund WHERE sale_id = ?1 ORDER BY at_utc, receipt_seq",
        )?;
        let rows = stmt.query_map([sale_id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()?
    };
    Ok(RefundableSale {
        sale_id: head.id.clone(),
        receipt_number: head.receipt_number.clone(),
        event_name: head.event_name.clone(),
        at_utc: head.at_utc.clone(),
        utc_offset_minutes: head.utc_offset_minutes,
        total: f(head.total),
        practice: head.practice,
        tax_mode: head.tax_mode.as_str().to_string(),
        lines: lines
            .iter()
            .map(|l| RefundableLine {
                sale_line_id: l.id.clone(),
                line_no: l.line_no,
                product_id: l.product_id.clone(),
                sku: l.sku.clone(),
                name: l.name.clone(),
                unit: l.unit.clone(),
                unit_price: l
                    .unit_price
                    .parse()
                    .map(|p| currency.format(p))
                    .unwrap_or_else(|_| l.unit_price.clone()),
                sold: stock::from_milli(l.stored.quantity_milli).to_string(),
                back_already: stock::from_milli(l.paid_back.quantity_milli).to_string(),
                refundable: stock::from_milli(l.refundable_milli()).to_string(),
                gross: f(l.stored.gross),
                tax_rate: l.tax_rate.clone(),
                handover_later: l.handed_over_milli.is_some(),
            })
            .collect(),
        tenders: paid_with(conn, sale_id)?
            .into_iter()
            .map(|t| RefundableTender {
                paid: f(t.paid),
                refunded: f(t.refunded),
                left: f((t.paid - t.refunded).max(0)),
                method: t.method,
            })
            .collect(),
        refunds,
        refusal,
    })
}

/// Why a sale cannot be refunded from the open till of `device_id` now.
pub(crate) fn refusal(
    conn: &Connection,
    device_id: &str,
    head: &SaleHead,
) -> Result<Option<String>> {
    if head.voided {
        return Ok(Some(format!(
            "{} was voided: there is nothing to refund",
            head.receipt_number
        )));
    }
    let practice: Option<bool> = conn
        .query_row(
            "SELECT practice FROM till_session WHERE device_id = ?1 AND closed_at IS NULL",
            [device_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match practice {
        Some(p) if p != head.practice => Some(if head.practice {
            format!(
                "{} is a practice sale: refund it from a practice session",
                head.receipt_number
            )
        } else {
            format!(
                "{} is a real sale: a practice session refunds only practice sales",
                head.receipt_number
            )
        }),
        _ => None,
    })
}
