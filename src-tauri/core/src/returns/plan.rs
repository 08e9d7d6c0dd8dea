//! A refund worked out before anything is written: what comes back (lines
//! of a sale at the price paid, or goods without a receipt at today's
//! price), its money (`allocate`), the tenders it goes to and what needs an
//! organizer. The quote the screen shows and the refund the till writes are
//! both this plan, so they cannot disagree; the till never trusts the
//! screen's figures and works the plan out again inside its transaction.
//!
//! Tenders: without a choice, a refund goes back to the tenders the sale was
//! paid with, non-cash ones first in the order they were paid, each up to
//! what is left of it, and cash takes the rest. A tender the sale was not
//! paid with, or more than is left of one, is "another tender": an
//! organizer approves. The credit an exchange passes to its new sale comes
//! first, as the tender `exchange`. Cash is rounded to the cash step on the
//! cash part only, cumulatively over the sale's refunds (`allocate`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use rusqlite::Connection;

use crate::catalog;
use crate::money::parse_decimal;
use crate::money::pricing::{self, LineToPrice, Method};
use crate::returns::allocate::{self, LineMoney};
use crate::returns::find::{self, SaleHead};
use crate::shop::roles::Action;
use crate::shop::settings::{self, Settings, TaxMode};
use crate::stock;
use crate::text::clean;
use crate::till::session::{self, OpenTill};
use crate::{Error, Result};

/// A refund as the till sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundInput {
    /// The sale refunded; none for a refund without a receipt.
    #[serde(default)]
    pub sale_id: Option<String>,
    pub lines: Vec<RefundLineInput>,
    /// Where the money goes; empty: back to the tenders the sale was paid
    /// with (cash for a refund without a receipt).
    #[serde(default)]
    pub tenders: Vec<TenderInput>,
    /// Why the goods came back (optional).
    #[serde(default)]
    pub reason: String,
    /// Made by the core with the first quote and sent back with the refund:
    /// the same key completed again answers with the first refund.
    #[serde(default)]
    pub refund_key: Option<String>,
}

/// One line coming back. Lines with an empty or zero quantity are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLineInput {
    /// With a receipt: the sale line.
    #[serde(default)]
    pub sale_line_id: Option<String>,
    /// Without a receipt: the product.
    #[serde(default)]
    pub product_id: Option<String>,
    pub quantity: String,
    /// Written off instead of back to stock.
    #[serde(default)]
    pub damaged: bool,
    #[serde(default)]
    pub damage_reason: String,
}

/// A tender the refund is paid to. Cash takes what the others leave; a
/// non-cash tender with an empty amount takes the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderInput {
    pub method: String,
    #[serde(default)]
    pub amount: String,
    /// The card terminal's reference of the refund (needed for a card).
    #[serde(default)]
    pub reference: String,
}

/// A line of the plan.
#[derive(Debug, Clone)]
pub(crate) struct PlannedLine {
    pub sale_line_id: Option<String>,
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub unit_price: String,
    pub quantity: Decimal,
    pub tax_rate: String,
    pub money: LineMoney,
    pub stocked: bool,
    pub damaged: bool,
    pub damage_reason: String,
}

/// A tender of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedTender {
    pub method: Method,
    pub amount: i64,
    pub reference: Option<String>,
}

/// A refund worked out.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub settings: Settings,
    pub session: OpenTill,
    pub sale: Option<SaleHead>,
    pub tax_mode: TaxMode,
    pub lines: Vec<PlannedLine>,
    pub money: LineMoney,
    /// Tax by rate, in order of first appearance: (rate, net, tax, gross).
    pub taxes: Vec<(String, i64, i64, i64)>,
    pub rounding: i64,
    pub total: i64,
    /// Σ amount = total.
    pub tenders: Vec<PlannedTender>,
    pub reason: String,
    /// What needs an organizer, in the words an approval prompt uses.
    pub approvals: Vec<(Action, String)>,
}

impl Plan {
    /// Cash this refund takes out of the drawer.
    pub fn cash(&self) -> i64 {
        self.tenders
            .iter()
            .filter(|t| t.method == Method::Cash)
            .map(|t| t.amount)
            .sum()
    }
}

fn overflow() -> Error {
    Error::validation("quantity", "the refund is too large for a till")
}

/// A quantity as typed for line `i` of a product sold by `unit`; None when
/// it is empty or zero (the line is left out).
fn quantity(i: usize, text: &str, unit: &str, name: &str) -> Result<Option<(Decimal, i64)>> {
    let field = format!("lines[{i}].quantity");
    if text.trim().is_empty() {
        return Ok(None);
    }
    let q = parse_decimal(&field, text)?.normalize();
    if q.is_zero() {
        return Ok(None);
    }
    if q < Decimal::ZERO {
        return Err(Error::validation(
            &field,
            "the quantity must be more than 0",
        ));
    }
    if unit == "each" && !q.fract().is_zero() {
        return Err(Error::validation(
            &field,
            format!("{name} is sold by the piece; enter a whole number"),
        ));
    }
    let milli = stock::to_milli(&field, q)?;
    Ok(Some((q, milli)))
}

fn damage(i: usize, line: &RefundLineInput) -> Result<(bool, String)> {
    if !line.damaged {
        return Ok((false, String::new()));
    }
    let reason = clean(
        &format!("lines[{i}].damage_reason"),
        &line.damage_reason,
        true,
        200,
    )
    .map_err(|_| {
        Error::validation(
            format!("lines[{i}].damage_reason"),
            "say what is wrong with it: a damaged return is written off with a reason",
        )
    })?;
    Ok((true, reason))
}

/// The lines of a refund of `sale`, each at exactly its share of what was paid.
fn sale_lines(conn: &Connection, sale: &SaleHead, input: &RefundInput) -> Result<Vec<PlannedLine>> {
    let sold = find::sold_lines(conn, &sale.id)?;
    let mut planned: Vec<PlannedLine> = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        let id = line.sale_line_id.as_deref().map(str::trim).unwrap_or("");
        let s = sold.iter().find(|s| s.id == id).ok_or_else(|| {
            Error::validation(
                format!("lines[{i}].sale_line_id"),
                format!("this is not a line of {}", sale.receipt_number),
            )
        })?;
        let Some((q, milli)) = quantity(i, &line.quantity, &s.unit, &s.name)? else {
            continue;
        };
        if planned
            .iter()
            .any(|p| p.sale_line_id.as_deref() == Some(id))
        {
            return Err(Error::validation(
                format!("lines[{i}].sale_line_id"),
                format!("{} is listed twice", s.name),
            ));
        }
        if milli > s.refundable_milli() {
            let unit = if s.unit == "each" {
                String::new()
            } else {
                format!(" {}", s.unit)
            };
            let why = match s.handed_over_milli {
                Some(given) => format!(
                    "{} was handed over later: {}{unit} of it so far",
                    s.name,
                    stock::from_milli(given)
                ),
                None => format!(
                    "{} sold {}{unit}",
                    s.name,
                    stock::from_milli(s.stored.quantity_milli)
                ),
            };
            return Err(Error::validation(
                format!("lines[{i}].quantity"),
                format!(
                    "at most {}{unit} can come back: {why}, {}{unit} came back already",
                    stock::from_milli(s.refundable_milli()),
                    stock::from_milli(s.paid_back.quantity_milli)
                ),
            ));
        }
        let money = allocate::line_share(sale.tax_mode, &s.stored, &s.paid_back, milli)?;
        let (damaged, damage_reason) = damage(i, line)?;
        planned.push(PlannedLine {
            sale_line_id: Some(s.id.clone()),
            product_id: s.product_id.clone(),
            sku: s.sku.clone(),
            name: s.name.clone(),
            unit: s.unit.clone(),
            unit_price: s.unit_price.clone(),
            quantity: q,
            tax_rate: s.tax_rate.clone(),
            money,
            stocked: s.stocked,
            damaged,
            damage_reason,
        });
    }
    Ok(planned)
}

/// The lines of a refund without a receipt: at today's price, no discount.
fn catalog_lines(
    conn: &Connection,
    settings: &Settings,
    input: &RefundInput,
) -> Result<Vec<PlannedLine>> {
    let mut found = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        let id = line.product_id.as_deref().map(str::trim).unwrap_or("");
        if id.is_empty() {
            return Err(Error::validation(
                format!("lines[{i}].product_id"),
                "choose the product that came back",
            ));
        }
        let product = catalog::get(conn, id)?;
        let Some((q, milli)) = quantity(i, &line.quantity, &product.unit, &product.name)? else {
            continue;
        };
        if q > settings.limits.quantity_max {
            return Err(Error::validation(
                format!("lines[{i}].quantity"),
                format!(
                    "{q} is more than the till takes on one line (at most {})",
                    settings.limits.quantity_max
                ),
            ));
        }
        let (damaged, damage_reason) = damage(i, line)?;
        found.push((product, q, milli, damaged, damage_reason));
    }
    let priced = pricing::price_cart(
        &settings.currency,
        settings.tax_mode,
        &found
            .iter()
            .map(|(p, q, ..)| LineToPrice {
                unit_price: p.unit_price,
                quantity: *q,
                tax_rate: p.tax_rate,
                discount: None,
                fixed_amount: None,
            })
            .collect::<Vec<_>>(),
        None,
    )?;
    Ok(found
        .into_iter()
        .zip(priced.lines)
        .map(|((p, q, milli, damaged, damage_reason), pl)| PlannedLine {
            sale_line_id: None,
            sku: p.sku,
            name: p.name,
            unit: p.unit,
            unit_price: p.unit_price.to_string(),
            quantity: q,
            tax_rate: pl.tax_rate.to_string(),
            money: LineMoney {
                quantity_milli: milli,
                amount: pl.amount,
                line_discount: pl.line_discount,
                sale_discount: pl.sale_discount,
                net: pl.net,
                tax: pl.tax,
                gross: pl.gross,
            },
            stocked: p.kind.is_stocked(),
            product_id: p.id,
            damaged,
            damage_reason,
        })
        .collect())
}

/// A tender as asked: its method, its amount (None: the rest), its reference.
type Asked = (Method, Option<i64>, Option<String>);

/// The tenders as asked.
fn asked_tenders(settings: &Settings, input: &[TenderInput]) -> Result<Vec<Asked>> {
    let currency = &settings.currency;
    let mut out = Vec::with_capacity(input.len());
    for (i, t) in input.iter().enumerate() {
        let method = Method::parse(&t.method)
            .map_err(|e| Error::validation(format!("tenders[{i}].method"), e.bare_message()))?;
        let amount = if method == Method::Cash || t.amount.trim().is_empty() {
            None
        } else {
            let field = format!("tenders[{i}].amount");
            let minor = currency.to_minor(currency.parse_non_negative(&field, &t.amount)?)?;
            if minor == 0 {
                return Err(Error::validation(field, "enter an amount more than 0"));
            }
            Some(minor)
        };
        // A card's reference is asked for when the refund is made
        // (`refund::write`), not in the quote.
        let reference = clean("reference", &t.reference, false, 80)?;
        out.push((method, amount, (!reference.is_empty()).then_some(reference)));
    }
    if out.iter().filter(|(m, ..)| *m == Method::Cash).count() > 1 {
        return Err(Error::validation(
            "tenders",
            "pay cash back once per refund",
        ));
    }
    let blanks = out
        .iter()
        .filter(|(m, a, _)| *m != Method::Cash && a.is_none())
        .count();
    if blanks > 1 || (blanks == 1 && out.iter().any(|(m, ..)| *m == Method::Cash)) {
        return Err(Error::validation(
            "tenders",
            "enter the amount of each card, mobile or other refund when the refund is split",
        ));
    }
    Ok(out)
}

/// Work out a refund for the open till of `device_id`. `exchange_total`,
/// for an exchange, is the new sale's total: the credit that pays for it
/// (up to the refund) is the first tender.
pub(crate) fn plan(
    conn: &Connection,
    device_id: &str,
    input: &RefundInput,
    exchange_total: Option<i64>,
) -> Result<Plan> {
    let session = session::open_till(conn, device_id)?;
    let settings = settings::load(conn)?;
    let currency = settings.currency.clone();
    let f = |m: i64| currency.format(currency.from_minor(m));
    let reason = clean("reason", &input.reason, false, 200)?;
    let sale = match input.sale_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => {
            let head = find::sale_head(conn, id)?;
            if let Some(why) = find::refusal(conn, device_id, &head)? {
                return Err(Error::Conflict(why));
            }
            Some(head)
        }
        _ => None,
    };
    if input.lines.is_empty() {
        return Err(Error::validation("lines", "choose what comes back"));
    }
    let (lines, tax_mode) = match &sale {
        Some(head) => (sale_lines(conn, head, input)?, head.tax_mode),
        None => (catalog_lines(conn, &settings, input)?, settings.tax_mode),
    };
    if lines.is_empty() {
        return Err(Error::validation(
            "lines",
            "choose what comes back: enter a quantity on a line",
        ));
    }
    let mut money = LineMoney::default();
    let mut by_rate: BTreeMap<String, (usize, i64, i64, i64)> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        money = money.plus(&l.money)?;
        let e = by_rate.entry(l.tax_rate.clone()).or_insert((i, 0, 0, 0));
        e.1 = e.1.checked_add(l.money.net).ok_or_else(overflow)?;
        e.2 = e.2.checked_add(l.money.tax).ok_or_else(overflow)?;
        e.3 = e.3.checked_add(l.money.gross).ok_or_else(overflow)?;
    }
    let mut taxes: Vec<(usize, String, i64, i64, i64)> = by_rate
        .into_iter()
        .map(|(rate, (first, n, t, g))| (first, rate, n, t, g))
        .collect();
    taxes.sort_by_key(|t| t.0);

    // The tenders.
    let gross = money.gross;
    let credit = exchange_total.map_or(0, |t| t.clamp(0, gross));
    let mut rest = gross - credit;
    let mut tenders = Vec::new();
    if credit > 0 {
        tenders.push(PlannedTender {
            method: Method::Exchange,
            amount: credit,
            reference: None,
        });
    }
    let paid_with = match &sale {
        Some(head) => find::paid_with(conn, &head.id)?,
        None => Vec::new(),
    };
    // What is left to refund to each tender the sale was paid with.
    let left = |m: Method| -> i64 {
        paid_with
            .iter()
            .filter(|p| p.method == m.as_str())
            .map(|p| (p.paid - p.refunded).max(0))
            .sum()
    };
    let mut owed_in_cash = 0;
    if input.tenders.is_empty() {
        for p in &paid_with {
            let method = match Method::parse(&p.method) {
                Ok(m) if m != Method::Cash => m,
                _ => continue,
            };
            let take = rest.min(left(method));
            if take > 0 {
                tenders.push(PlannedTender {
                    method,
                    amount: take,
                    reference: None,
                });
                rest -= take;
            }
        }
        owed_in_cash = rest;
    } else {
        let asked = asked_tenders(&settings, &input.tenders)?;
        let named: i64 = asked
            .iter()
            .filter_map(|(_, a, _)| *a)
            .try_fold(0i64, |s, a| s.checked_add(a))
            .ok_or_else(overflow)?;
        if named > rest {
            return Err(Error::validation(
                "tenders",
                format!(
                    "the tenders ({}) are more than the {} to pay back",
                    f(named),
                    f(rest)
                ),
            ));
        }
        let has_cash = asked.iter().any(|(m, ..)| *m == Method::Cash);
        let blank = asked
            .iter()
            .any(|(m, a, _)| *m != Method::Cash && a.is_none());
        if !has_cash && !blank && named != rest {
            return Err(Error::validation(
                "tenders",
                format!(
                    "the tenders ({}) do not add up to the {} to pay back",
                    f(named),
                    f(rest)
                ),
            ));
        }
        for (method, amount, reference) in asked {
            if method == Method::Cash {
                owed_in_cash = rest - named;
                continue;
            }
            let amount = amount.unwrap_or(rest - named);
            if amount > 0 {
                tenders.push(PlannedTender {
                    method,
                    amount,
                    reference,
                });
            }
        }
    }
    // Cash: rounded on the cash part, cumulatively over the sale's refunds.
    let (earlier_owed, earlier_paid) = match &sale {
        Some(head) => find::cash_back_so_far(conn, &head.id)?,
        None => (0, 0),
    };
    let (cash, rounding) = allocate::refund_cash(
        &currency,
        settings.cash_rounding,
        earlier_owed,
        earlier_paid,
        owed_in_cash,
    )?;
    if cash > 0 {
        tenders.push(PlannedTender {
            method: Method::Cash,
            amount: cash,
            reference: None,
        });
    }
    let total = gross.checked_add(rounding).ok_or_else(overflow)?;

    // What needs an organizer.
    let mut approvals = Vec::new();
    let limit = currency.to_minor(settings.limits.refund_max)?;
    if total > limit {
        approvals.push((
            Action::RefundAboveLimit,
            format!(
                "a refund above {}",
                currency.format(settings.limits.refund_max)
            ),
        ));
    }
    if sale.is_none() {
        approvals.push((
            Action::RefundWithoutReceipt,
            "a refund without a receipt".to_string(),
        ));
    } else {
        let mut by_method: BTreeMap<&'static str, i64> = BTreeMap::new();
        for t in tenders.iter().filter(|t| t.method != Method::Exchange) {
            *by_method.entry(t.method.as_str()).or_default() += t.amount;
        }
        let other = by_method.iter().any(|(m, amount)| {
            let m = Method::parse(m).expect("a method the till wrote");
            *amount > left(m)
        });
        if other {
            approvals.push((
                Action::RefundToOtherTender,
                "a refund to another tender than the sale was paid with".to_string(),
            ));
        }
    }
    Ok(Plan {
        settings,
        session,
        sale,
        tax_mode,
        lines,
        money,
        taxes: taxes
            .into_iter()
            .map(|(_, rate, n, t, g)| (rate, n, t, g))
            .collect(),
        rounding,
        total,
        tenders,
        reason,
        approvals,
    })
}
