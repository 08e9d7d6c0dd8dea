//! Checkout: turning a cart into a completed sale. Owns resolving cart lines
//! against the catalog, the quote the till shows while the cart is built,
//! completing a sale as ONE transaction (sale, lines, payments, stock
//! movements, journal), gapless receipt numbers per device and series,
//! voids, receipts, parked carts and the practice series. The money rules
//! themselves are in `pricing`.

use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::{self, Product};
use crate::db::store::Tx;
use crate::money::pricing::{self, Discount, LineToPrice, Method, PaymentPart, PricedCart};
use crate::money::{parse_decimal, Currency};
use crate::shop::people::{self, Approval};
use crate::shop::settings::{self, Settings};
use crate::stock::{self, Location, Movement, MovementKind};
use crate::text::clean;
use crate::till::session::{self, Session};
use crate::{new_id, Actor, Error, Result, Store};

/// Discounts above this percentage of what they apply to need an
/// organizer's PIN, unless the shop sets `discount_limit_percent`.
pub const DEFAULT_DISCOUNT_LIMIT_PERCENT: i64 = 20;

/// The largest quantity of one line, and the largest price override: far
/// above any pop-up sale, and far below where decimal arithmetic overflows.
pub const MAX_QUANTITY: i64 = 100_000;
pub const MAX_PRICE: i64 = 10_000_000;

/// A discount as the till sends it: `{kind: "percent"|"amount", value: "10"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountInput {
    pub kind: String,
    pub value: String,
}

/// One cart line as the till sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    pub product_id: String,
    /// Pieces for items sold each; the weight or volume for kg / l.
    pub quantity: String,
    #[serde(default)]
    pub discount: Option<DiscountInput>,
    /// A price per unit replacing the catalog's (needs an organizer PIN).
    #[serde(default)]
    pub price_override: Option<String>,
    /// Paid now, handed over later (a pre-order): no stock moves now.
    #[serde(default)]
    pub handover_later: bool,
}

/// A cart as the till sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartInput {
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub sale_discount: Option<DiscountInput>,
    /// Who collects the lines marked "hand over later": kept with their
    /// orders only (never in the sale, the journal or an export).
    #[serde(default)]
    pub handover_contact: Option<crate::orders::ContactInput>,
}

/// One payment part as the till sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInput {
    pub method: String,
    /// Non-cash: the amount charged (empty: all that is left to pay).
    #[serde(default)]
    pub amount: String,
    /// Cash: what was handed over (empty: exact).
    #[serde(default)]
    pub tendered: String,
    #[serde(default)]
    pub card_last_four: String,
    #[serde(default)]
    pub auth_code: String,
    #[serde(default)]
    pub reference: String,
}

/// What a sale needs of a product (read with one cached statement: this
/// runs for every line of every sale).
#[derive(Debug, Clone)]
struct SoldProduct {
    id: String,
    sku: String,
    name: String,
    unit_price: Decimal,
    tax_rate: Decimal,
    unit: String,
    kind: String,
    active: bool,
}

fn sold_product(conn: &Connection, id: &str) -> Result<Option<SoldProduct>> {
    let row = conn
        .prepare_cached(
            "SELECT id, sku, name, unit_price, tax_rate, unit, kind, active FROM product WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, bool>(7)?,
            ))
        })
        .optional()?;
    let Some((id, sku, name, price, rate, unit, kind, active)) = row else {
        return Ok(None);
    };
    let decimal = |field: &str, text: &str| {
        Decimal::from_str(text).map_err(|_| {
            Error::Integrity(format!("product {sku} has an unreadable {field} '{text}'"))
        })
    };
    Ok(Some(SoldProduct {
        unit_price: decimal("price", &price)?,
        tax_rate: decimal("tax rate", &rate)?,
        id,
        sku,
        name,
        unit,
        kind,
        active,
    }))
}

/// A line resolved against the catalog.
#[derive(Debug, Clone)]
struct Resolved {
    product: SoldProduct,
    unit_price: Decimal,
    quantity: Decimal,
    quantity_milli: i64,
    overridden: bool,
    discount: Option<Discount>,
    handover_later: bool,
}

/// A quoted line, formatted for the screen.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteLine {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub quantity: String,
    pub unit_price: String,
    pub overridden: bool,
    pub amount: String,
    pub discount: String,
    pub gross: String,
    pub tax_rate: String,
    pub handover_later: bool,
    /// Stock at the event after this sale would be below zero.
    pub stock_warning: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuoteTax {
    pub rate: String,
    pub net: String,
    pub tax: String,
    pub gross: String,
}

/// What the till shows while the cart is built.
#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub lines: Vec<QuoteLine>,
    /// The lines before any discount (net when prices exclude tax).
    pub items_total: String,
    /// After discounts (net when prices exclude tax).
    pub subtotal: String,
    pub discount: String,
    pub tax: String,
    pub taxes: Vec<QuoteTax>,
    pub tax_mode: String,
    pub total: String,
    pub total_minor: i64,
    /// What to ask when the whole sale is paid in cash (cash-rounded).
    pub cash_total: String,
    pub cash_rounding: String,
    /// An organizer PIN is needed to complete (large discount or override).
    pub needs_approval: bool,
    pub approval_reasons: Vec<String>,
    pub warnings: Vec<String>,
}

/// A priced cart ready to store.
struct Priced {
    settings: Settings,
    lines: Vec<Resolved>,
    cart: PricedCart,
    approval_reasons: Vec<String>,
}

fn parse_discount(field: &str, input: &Option<DiscountInput>) -> Result<Option<Discount>> {
    let Some(d) = input else { return Ok(None) };
    if d.value.trim().is_empty() {
        return Ok(None);
    }
    let value = parse_decimal(field, &d.value)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(Error::validation(field, "a discount cannot be negative"));
    }
    match d.kind.trim() {
        "percent" => Ok(Some(Discount::Percent(value))),
        "amount" => Ok(Some(Discount::Amount(value))),
        other => Err(Error::validation(
            field,
            format!("'{other}' is not a kind of discount (percent or amount)"),
        )),
    }
}

fn discount_limit(conn: &Connection) -> Result<Decimal> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM setting WHERE key = 'discount_limit_percent'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    match text {
        None => Ok(Decimal::from(DEFAULT_DISCOUNT_LIMIT_PERCENT)),
        // A limit the till cannot read must not silently change who needs a PIN.
        Some(t) => Decimal::from_str(t.trim()).map_err(|_| {
            Error::Integrity(format!(
                "the setting discount_limit_percent holds '{t}', not a number"
            ))
        }),
    }
}

fn resolve_line(
    conn: &Connection,
    settings: &Settings,
    i: usize,
    line: &LineInput,
) -> Result<Resolved> {
    let n = i + 1;
    let product = sold_product(conn, line.product_id.trim())?.ok_or_else(|| {
        Error::validation(
            "product",
            format!("line {n}: this product is not in the catalog"),
        )
    })?;
    if !product.active {
        return Err(Error::validation(
            "product",
            format!("line {n}: {} is archived and cannot be sold", product.name),
        ));
    }
    let quantity = parse_decimal("quantity", &line.quantity)
        .map_err(|e| Error::validation("quantity", format!("line {n}: {}", strip_field(&e))))?
        .normalize();
    if quantity <= Decimal::ZERO {
        return Err(Error::validation(
            "quantity",
            format!("line {n}: the quantity must be more than 0"),
        ));
    }
    if quantity > Decimal::from(MAX_QUANTITY) {
        return Err(Error::validation(
            "quantity",
            format!(
                "line {n}: {quantity} is more than a till sells at once (at most {MAX_QUANTITY})"
            ),
        ));
    }
    if product.unit == "each" && quantity.fract() != Decimal::ZERO {
        return Err(Error::validation(
            "quantity",
            format!(
                "line {n}: {} is sold by the piece; enter a whole number",
                product.name
            ),
        ));
    }
    if quantity.scale() > stock::QUANTITY_DECIMALS {
        return Err(Error::validation(
            "quantity",
            format!(
                "line {n}: {quantity} {} has too many decimals (at most {}: grams or millilitres)",
                product.unit,
                stock::QUANTITY_DECIMALS
            ),
        ));
    }
    let quantity_milli = stock::to_milli("quantity", quantity)?;
    let (unit_price, overridden) = match line.price_override.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => {
            let p = parse_decimal("price_override", text)?.normalize();
            if p.is_sign_negative() {
                return Err(Error::validation(
                    "price_override",
                    format!("line {n}: a price cannot be negative"),
                ));
            }
            if p > Decimal::from(MAX_PRICE) {
                return Err(Error::validation(
                    "price_override",
                    format!("line {n}: {p} is more than a till charges (at most {MAX_PRICE})"),
                ));
            }
            if p.scale() > settings.currency.minor_units + 3 {
                return Err(Error::validation(
                    "price_override",
                    format!("line {n}: {p} has too many decimals"),
                ));
            }
            (p, p != product.unit_price)
        }
        _ => (product.unit_price, false),
    };
    let discount = parse_discount("discount", &line.discount)
        .map_err(|e| Error::validation("discount", format!("line {n}: {}", strip_field(&e))))?;
    Ok(Resolved {
        product,
        unit_price,
        quantity,
        quantity_milli,
        overridden,
        discount,
        handover_later: line.handover_later,
    })
}

fn strip_field(e: &Error) -> String {
    match e {
        Error::Validation { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

fn price(conn: &Connection, cart: &CartInput) -> Result<Priced> {
    let settings = settings::load(conn)?;
    if cart.lines.is_empty() {
        return Err(Error::validation(
            "lines",
            "the cart is empty: add a product first",
        ));
    }
    let mut lines = Vec::with_capacity(cart.lines.len());
    for (i, line) in cart.lines.iter().enumerate() {
        lines.push(resolve_line(conn, &settings, i, line)?);
    }
    let sale_discount = parse_discount("sale_discount", &cart.sale_discount)?;
    let to_price: Vec<LineToPrice> = lines
        .iter()
        .map(|l| LineToPrice {
            unit_price: l.unit_price,
            quantity: l.quantity,
            tax_rate: l.product.tax_rate,
            discount: l.discount,
        })
        .collect();
    let priced = pricing::price_cart(
        &settings.currency,
        settings.tax_mode,
        &to_price,
        sale_discount,
    )?;
    // What needs an organizer: overrides, and discounts over the limit of
    // what they apply to.
    let limit = discount_limit(conn)?;
    let mut reasons = Vec::new();
    for (i, (l, p)) in lines.iter().zip(&priced.lines).enumerate() {
        if l.overridden {
            reasons.push(format!("line {}: price override", i + 1));
        }
        if p.line_discount > 0
            && Decimal::from(p.line_discount) * Decimal::from(100) > limit * Decimal::from(p.amount)
        {
            reasons.push(format!("line {}: discount over {limit}%", i + 1));
        }
    }
    let base: i64 = priced
        .lines
        .iter()
        .map(|p| p.amount - p.line_discount)
        .sum();
    if priced.sale_discount > 0
        && Decimal::from(priced.sale_discount) * Decimal::from(100) > limit * Decimal::from(base)
    {
        reasons.push(format!("sale discount over {limit}%"));
    }
    Ok(Priced {
        settings,
        lines,
        cart: priced,
        approval_reasons: reasons,
    })
}

fn event_stock_milli(conn: &Connection, product_id: &str, event_id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(quantity_milli), 0) FROM stock_movement
             WHERE event_id = ?1 AND product_id = ?2 AND location = 'event'",
        )?
        .query_row((event_id, product_id), |r| r.get(0))?)
}

/// Lines whose sale would take the event's stock below zero, by index.
fn stock_shortfalls(
    conn: &Connection,
    event_id: &str,
    lines: &[Resolved],
) -> Result<Vec<(usize, i64)>> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.handover_later || l.product.kind == "service" {
            continue;
        }
        let wanted: i64 = lines[..=i]
            .iter()
            .filter(|o| o.product.id == l.product.id && !o.handover_later)
            .map(|o| o.quantity_milli)
            .sum();
        let have = event_stock_milli(conn, &l.product.id, event_id)?;
        if have - wanted < 0 {
            out.push((i, have - wanted));
        }
    }
    Ok(out)
}

/// Price the cart for the screen: lines, discounts, tax, the total and the
/// cash total after rounding, whether a PIN is needed, and stock warnings.
pub fn quote(conn: &Connection, cart: &CartInput) -> Result<Quote> {
    let p = price(conn, cart)?;
    let c = &p.settings.currency;
    let f = |m: i64| c.format(c.from_minor(m));
    let event = crate::shop::events::current(conn)?;
    let shortfalls = match &event {
        Some(e) => stock_shortfalls(conn, &e.id, &p.lines)?,
        None => Vec::new(),
    };
    let (cash_total, _) = pricing::cash_due(c, p.settings.cash_rounding, p.cart.total, 0)?;
    let mut warnings = Vec::new();
    let lines = p
        .lines
        .iter()
        .zip(&p.cart.lines)
        .enumerate()
        .map(|(i, (l, pl))| {
            let warning = shortfalls.iter().find(|(j, _)| *j == i).map(|(_, after)| {
                let msg = format!(
                    "{}: stock at the event goes to {} {}",
                    l.product.name,
                    stock::from_milli(*after),
                    l.product.unit
                );
                warnings.push(msg.clone());
                msg
            });
            QuoteLine {
                product_id: l.product.id.clone(),
                sku: l.product.sku.clone(),
                name: l.product.name.clone(),
                unit: l.product.unit.clone(),
                quantity: l.quantity.to_string(),
                unit_price: c.format(l.unit_price),
                overridden: l.overridden,
                amount: f(pl.amount),
                discount: f(pl.line_discount + pl.sale_discount),
                gross: f(pl.gross),
                tax_rate: pl.tax_rate.to_string(),
                handover_later: l.handover_later,
                stock_warning: warning,
            }
        })
        .collect();
    Ok(Quote {
        lines,
        items_total: f(p.cart.lines.iter().map(|l| l.amount).sum()),
        subtotal: f(p.cart.subtotal),
        discount: f(p.cart.discount),
        tax: f(p.cart.tax),
        taxes: p
            .cart
            .taxes
            .iter()
            .map(|t| QuoteTax {
                rate: t.rate.to_string(),
                net: f(t.net),
                tax: f(t.tax),
                gross: f(t.gross),
            })
            .collect(),
        tax_mode: p.settings.tax_mode.as_str().to_string(),
        total: f(p.cart.total),
        total_minor: p.cart.total,
        cash_total: f(cash_total),
        cash_rounding: p.settings.cash_rounding.as_str().to_string(),
        needs_approval: !p.approval_reasons.is_empty(),
        approval_reasons: p.approval_reasons,
        warnings,
    })
}

/// Payment parts in minor units; an empty non-cash amount takes what is left.
fn payment_parts(
    currency: &Currency,
    total: i64,
    payments: &[PaymentInput],
) -> Result<Vec<PaymentPart>> {
    let mut parts = Vec::with_capacity(payments.len());
    let mut named = 0i64;
    for p in payments {
        let method = Method::parse(&p.method)?;
        let amount = if method != Method::Cash && !p.amount.trim().is_empty() {
            currency.to_minor(currency.parse_non_negative("amount", &p.amount)?)?
        } else {
            0
        };
        named = named.saturating_add(amount);
        let tendered = if method == Method::Cash && !p.tendered.trim().is_empty() {
            Some(currency.to_minor(currency.parse_non_negative("tendered", &p.tendered)?)?)
        } else {
            None
        };
        parts.push(PaymentPart {
            method,
            amount,
            tendered,
        });
    }
    // One non-cash part without an amount pays the rest (a card for the
    // whole sale, or the card half of a split where cash was named first).
    let blanks: Vec<usize> = payments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.method.trim() != "cash" && p.amount.trim().is_empty())
        .map(|(i, _)| i)
        .collect();
    let has_cash = parts.iter().any(|p| p.method == Method::Cash);
    if blanks.len() > 1 || (blanks.len() == 1 && has_cash) {
        return Err(Error::validation(
            "amount",
            "enter the amount of each card, mobile or other payment in a split",
        ));
    }
    if let Some(i) = blanks.first() {
        parts[*i].amount = total - named;
    }
    Ok(parts)
}

/// Card details kept: at most the last four digits and the authorisation code.
fn card_details(p: &PaymentInput) -> Result<(Option<String>, Option<String>, Option<String>)> {
    let four = p.card_last_four.trim();
    let four = if four.is_empty() {
        None
    } else if four.len() == 4 && four.chars().all(|c| c.is_ascii_digit()) {
        Some(four.to_string())
    } else {
        return Err(Error::validation(
            "card_last_four",
            "enter exactly the last 4 digits of the card, or nothing",
        ));
    };
    let auth = clean("auth_code", &p.auth_code, false, 32)?;
    let reference = clean("reference", &p.reference, false, 80)?;
    Ok((
        four,
        (!auth.is_empty()).then_some(auth),
        (!reference.is_empty()).then_some(reference),
    ))
}

/// A completed sale as the till reports it back.
#[derive(Debug, Clone, Serialize)]
pub struct Completed {
    pub sale_id: String,
    pub receipt_number: String,
    pub total: String,
    pub change: String,
    pub change_minor: i64,
    pub practice: bool,
    pub warnings: Vec<String>,
}

/// Whether completing this cart needs an organizer's approval (checked
/// before asking for a PIN, so a cashier is asked only when it matters).
pub fn needs_approval(conn: &Connection, cart: &CartInput) -> Result<bool> {
    Ok(!price(conn, cart)?.approval_reasons.is_empty())
}

/// Complete a sale in the caller's transaction: sale, lines, payments,
/// stock movements and the journal entry, or nothing.
pub fn complete(
    tx: &Tx,
    cart: &CartInput,
    payments: &[PaymentInput],
    approval: Option<&Approval>,
) -> Result<Completed> {
    let session = session::open_till(tx, tx.device_id)?;
    let p = price(tx, cart)?;
    if !p.approval_reasons.is_empty() && approval.is_none() {
        return Err(Error::Unauthorized(format!(
            "an organizer's PIN is needed for: {}",
            p.approval_reasons.join(", ")
        )));
    }
    let pre_orders = !session.practice && p.lines.iter().any(|l| l.handover_later);
    if pre_orders && cart.handover_contact.is_none() {
        return Err(Error::validation(
            "handover_contact",
            "a line is handed over later: give the customer's name and a phone or email",
        ));
    }
    let currency = &p.settings.currency;
    let parts = payment_parts(currency, p.cart.total, payments)?;
    let settled = pricing::settle(currency, p.settings.cash_rounding, p.cart.total, &parts)?;
    let mut details = Vec::with_capacity(payments.len());
    for pay in payments {
        details.push(card_details(pay)?);
    }
    let shortfalls = if session.practice {
        Vec::new()
    } else {
        stock_shortfalls(tx, &session.event_id, &p.lines)?
    };

    let (seq, receipt_number) = next_receipt(tx, &p.settings, session.practice)?;
    let sale_id = new_id();
    let subtotal = p.cart.subtotal;
    tx.prepare_cached(
        "INSERT INTO sale (id, device_id, event_id, session_id, cashier_id, receipt_number, receipt_seq, practice, currency, tax_mode,
            subtotal_minor, discount_minor, sale_discount_minor, tax_minor, rounding_minor, total_minor, approved_by, stock_warning, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?
    .execute(rusqlite::params![
            sale_id,
            tx.device_id,
            session.event_id,
            session.id,
            tx.actor.id,
            receipt_number,
            seq,
            session.practice,
            currency.code,
            p.settings.tax_mode.as_str(),
            subtotal,
            p.cart.discount,
            p.cart.sale_discount,
            p.cart.tax,
            settled.rounding,
            settled.total,
            approval.map(|a| a.organizer_id()).filter(|id| !id.starts_with("system:")),
            !shortfalls.is_empty(),
            tx.now.utc,
            tx.now.offset_minutes
        ])
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::validation(
            "person",
            "choose who is at the till before selling",
        ),
        _ => e.into(),
    })?;
    let mut handover_lines = Vec::new();
    {
        let mut insert_line = tx.prepare_cached(
            "INSERT INTO sale_line (id, device_id, sale_id, line_no, product_id, sku, name, unit, unit_price, list_unit_price, quantity, quantity_milli,
                amount_minor, line_discount_minor, sale_discount_minor, tax_rate, net_minor, tax_minor, gross_minor, handover_later)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        )?;
        for (i, (l, pl)) in p.lines.iter().zip(&p.cart.lines).enumerate() {
            let line_id = new_id();
            if l.handover_later {
                handover_lines.push((line_id.clone(), l.product.id.clone(), l.quantity));
            }
            insert_line.execute(rusqlite::params![
                line_id,
                tx.device_id,
                sale_id,
                i as i64 + 1,
                l.product.id,
                l.product.sku,
                l.product.name,
                l.product.unit,
                l.unit_price.to_string(),
                l.overridden.then(|| l.product.unit_price.to_string()),
                l.quantity.to_string(),
                l.quantity_milli,
                pl.amount,
                pl.line_discount,
                pl.sale_discount,
                pl.tax_rate.to_string(),
                pl.net,
                pl.tax,
                pl.gross,
                l.handover_later
            ])?;
        }
        let mut insert_payment = tx.prepare_cached(
            "INSERT INTO payment (id, device_id, sale_id, seq, method, amount_minor, tendered_minor, change_minor, card_last_four, auth_code, reference)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for (n, s) in settled.parts.iter().enumerate() {
            let (four, auth, reference) = &details[s.part];
            insert_payment.execute(rusqlite::params![
                new_id(),
                tx.device_id,
                sale_id,
                n as i64 + 1,
                s.method.as_str(),
                s.amount,
                s.tendered,
                s.change,
                four,
                auth,
                reference
            ])?;
        }
    }
    // A rehearsal moves no real goods; pre-orders move stock when handed
    // over; a service (gift wrapping, a workshop seat) holds no stock.
    if !session.practice {
        for l in p
            .lines
            .iter()
            .filter(|l| !l.handover_later && l.product.kind != "service")
        {
            stock::record(
                tx,
                &Movement {
                    product_id: &l.product.id,
                    event_id: Some(&session.event_id),
                    location: Location::Event,
                    kind: MovementKind::Sale,
                    quantity: -l.quantity,
                    reason: "",
                    note: "",
                    lot_code: None,
                    source_type: "sale",
                    source_id: Some(&sale_id),
                },
            )?;
        }
    }
    let warnings: Vec<String> = shortfalls
        .iter()
        .map(|(i, after)| {
            format!(
                "{}: stock at the event is now {} {}",
                p.lines[*i].product.name,
                stock::from_milli(*after),
                p.lines[*i].product.unit
            )
        })
        .collect();
    let mut journal = serde_json::json!({
        "receipt_number": receipt_number,
        "session_id": session.id,
        "event_id": session.event_id,
        "practice": session.practice,
        "lines": p.lines.len(),
        "total_minor": settled.total,
        "rounding_minor": settled.rounding,
        "payments": settled.parts.iter().map(|s| serde_json::json!([s.method.as_str(), s.amount])).collect::<Vec<_>>(),
    });
    if !shortfalls.is_empty() {
        // Counts at pop-ups are imperfect: the sale stands, the note stays.
        journal["negative_stock"] = serde_json::json!(shortfalls
            .iter()
            .map(|(i, after)| serde_json::json!({"product_id": p.lines[*i].product.id, "after_milli": after}))
            .collect::<Vec<_>>());
    }
    if let Some(a) = approval {
        journal["approved_by"] = serde_json::json!(a.organizer_id());
    }
    tx.journal("sale.completed", "sale", &sale_id, journal)?;
    // Lines paid now and handed over later become orders, fulfilled (and
    // their stock moved) after the event.
    if pre_orders {
        if let Some(contact) = &cart.handover_contact {
            for (line_id, product_id, quantity) in &handover_lines {
                crate::orders::create(
                    tx,
                    &crate::orders::OrderInput {
                        sale_id: Some(sale_id.clone()),
                        sale_line_id: Some(line_id.clone()),
                        product_id: product_id.clone(),
                        quantity: *quantity,
                        contact: contact.clone(),
                    },
                )?;
            }
        }
    }
    // The event's first live sale is the work of the flow's sell step. The
    // check is one indexed lookup, so later sales stay off the flow's path.
    if !session.practice {
        let first_live_sale: bool = tx.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM sale WHERE event_id = ?1 AND practice = 0 AND id <> ?2)",
            (&session.event_id, &sale_id),
            |r| r.get(0),
        )?;
        if first_live_sale {
            crate::tasks::complete_by_action(
                tx,
                &session.event_id,
                crate::tasks::Action::Sell,
                crate::tasks::WorkSource::Sale,
                &sale_id,
            )?;
        }
    }
    Ok(Completed {
        sale_id,
        receipt_number,
        total: currency.format(currency.from_minor(settled.total)),
        change: currency.format(currency.from_minor(settled.change)),
        change_minor: settled.change,
        practice: session.practice,
        warnings,
    })
}

/// Complete a sale, asking for an organizer's PIN only when the cart needs
/// one. The PIN is checked before the sale's transaction starts.
pub fn complete_with_pin(
    store: &mut Store,
    actor: &Actor,
    cart: &CartInput,
    payments: &[PaymentInput],
    organizer_id: Option<&str>,
    pin: Option<&str>,
) -> Result<Completed> {
    let approval = if needs_approval(store.conn(), cart)? {
        match (organizer_id, pin) {
            (Some(id), Some(pin)) => Some(people::verify_organizer_pin(store, id, pin)?),
            _ => return Err(Error::Unauthorized(
                "this sale has a large discount or a price override: an organizer's PIN is needed"
                    .into(),
            )),
        }
    } else {
        None
    };
    store.write(actor, |tx| complete(tx, cart, payments, approval.as_ref()))
}

/// The next receipt number of this device in its series, taken inside the
/// sale's transaction so a rolled-back sale gives it back (no gaps).
fn next_receipt(tx: &Tx, settings: &Settings, practice: bool) -> Result<(i64, String)> {
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

/// Void a completed sale: a new record, approved by an organizer, that puts
/// the stock back. The sale itself is never edited.
pub fn void(tx: &Tx, approval: &Approval, sale_id: &str, reason: &str) -> Result<String> {
    let reason = clean("reason", reason, true, 200)?;
    let session = session::require_open(tx, tx.device_id)?;
    let (event_id, practice, receipt): (String, bool, String) = tx
        .query_row(
            "SELECT event_id, practice, receipt_number FROM sale WHERE id = ?1",
            [sale_id],
            |r| Ok((r.get(0)?, r.get::<_, i64>(1)? == 1, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("sale", sale_id))?;
    let already: i64 = tx.query_row(
        "SELECT count(*) FROM sale_void WHERE sale_id = ?1",
        [sale_id],
        |r| r.get(0),
    )?;
    if already > 0 {
        return Err(Error::Conflict(format!("sale {receipt} is already voided")));
    }
    if practice != session.practice {
        return Err(Error::Conflict(format!(
            "sale {receipt} belongs to the {} series; void it from a {} session",
            if practice { "practice" } else { "live" },
            if practice { "practice" } else { "live" }
        )));
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO sale_void (id, device_id, sale_id, session_id, reason, approved_by, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![id, tx.device_id, sale_id, session.id, reason, approval.organizer_id(), tx.actor.id, tx.now.utc, tx.now.offset_minutes],
    )?;
    // Put back exactly what the sale took out.
    let moved: Vec<(String, i64)> = {
        let mut stmt = tx.prepare(
            "SELECT product_id, quantity_milli FROM stock_movement WHERE source_type = 'sale' AND source_id = ?1 AND kind = 'sale'",
        )?;
        let rows = stmt.query_map([sale_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (product_id, milli) in &moved {
        stock::record(
            tx,
            &Movement {
                product_id,
                event_id: Some(&event_id),
                location: Location::Event,
                kind: MovementKind::Void,
                quantity: -stock::from_milli(*milli),
                reason: "void",
                note: "",
                lot_code: None,
                source_type: "void",
                source_id: Some(&id),
            },
        )?;
    }
    tx.journal(
        "sale.voided",
        "sale",
        sale_id,
        serde_json::json!({"void_id": id, "receipt_number": receipt, "session_id": session.id, "approved_by": approval.organizer_id()}),
    )?;
    Ok(id)
}

/// Void with an organizer's PIN checked first.
pub fn void_with_pin(
    store: &mut Store,
    actor: &Actor,
    sale_id: &str,
    reason: &str,
    organizer_id: &str,
    pin: &str,
) -> Result<String> {
    // Check what can be checked before spending a PIN try.
    clean("reason", reason, true, 200)?;
    session::require_open(store.conn(), store.device_id())?;
    let approval = people::verify_organizer_pin(store, organizer_id, pin)?;
    store.write(actor, |tx| void(tx, &approval, sale_id, reason))
}

#[derive(Debug, Clone, Serialize)]
pub struct ReceiptLine {
    pub name: String,
    pub sku: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub discount: String,
    pub gross: String,
    pub tax_rate: String,
    pub handover_later: bool,
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
    pub tax: String,
    pub taxes: Vec<QuoteTax>,
    pub rounding: String,
    pub total: String,
    pub total_minor: i64,
    pub payments: Vec<ReceiptPayment>,
    pub change: String,
    pub voided: Option<String>,
}

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
            "SELECT name, sku, quantity, unit, unit_price, line_discount_minor + sale_discount_minor, gross_minor, tax_rate, handover_later
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
            ))
        })?;
        for row in rows {
            let (name, sku, quantity, unit, price, discount, gross, rate, later) = row?;
            lines.push(ReceiptLine {
                name,
                sku,
                quantity,
                unit,
                unit_price: Decimal::from_str(&price)
                    .map(|p| c.format(p))
                    .unwrap_or(price),
                discount: f(discount),
                gross: f(gross),
                tax_rate: rate,
                handover_later: later,
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
        tax: f(tax),
        taxes,
        rounding: f(rounding),
        total: f(total),
        total_minor: total,
        payments,
        change: f(change),
        voided,
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

/// A parked cart in the list.
#[derive(Debug, Clone, Serialize)]
pub struct ParkedCart {
    pub id: String,
    pub label: String,
    pub parked_at: String,
    pub cart: CartInput,
}

/// Park the cart to serve someone else; resume it later.
pub fn park(tx: &Tx, cart: &CartInput, label: &str) -> Result<String> {
    let session = session::require_open(tx, tx.device_id)?;
    if cart.lines.is_empty() {
        return Err(Error::validation(
            "lines",
            "the cart is empty: nothing to park",
        ));
    }
    let label = clean("label", label, false, 60)?;
    let id = new_id();
    // A pre-order's contact is kept with its order only: a parked cart
    // forgets it (the cashier asks again when the cart is resumed).
    let cart = CartInput {
        handover_contact: None,
        ..cart.clone()
    };
    let text = serde_json::to_string(&cart)
        .map_err(|e| Error::Integrity(format!("cannot encode the cart: {e}")))?;
    tx.execute(
        "INSERT INTO parked_cart (id, device_id, session_id, label, cart, parked_by, parked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![id, tx.device_id, session.id, label, text, tx.actor.id, tx.now.utc],
    )?;
    tx.journal(
        "cart.parked",
        "parked_cart",
        &id,
        serde_json::json!({"lines": cart.lines.len(), "session_id": session.id}),
    )?;
    Ok(id)
}

pub fn parked(conn: &Connection, device_id: &str) -> Result<Vec<ParkedCart>> {
    let mut stmt = conn.prepare(
        "SELECT id, label, parked_at, cart FROM parked_cart WHERE device_id = ?1 ORDER BY parked_at",
    )?;
    let rows = stmt.query_map([device_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, label, parked_at, text) = row?;
        let cart = serde_json::from_str(&text)
            .map_err(|e| Error::Integrity(format!("parked cart {id} cannot be read: {e}")))?;
        out.push(ParkedCart {
            id,
            label,
            parked_at,
            cart,
        });
    }
    Ok(out)
}

/// Take a parked cart back (resume) or drop it (cancel): it leaves the list.
pub fn unpark(tx: &Tx, id: &str, cancel: bool) -> Result<CartInput> {
    let text: String = tx
        .query_row("SELECT cart FROM parked_cart WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| Error::not_found("parked cart", id))?;
    let cart: CartInput = serde_json::from_str(&text)
        .map_err(|e| Error::Integrity(format!("parked cart {id} cannot be read: {e}")))?;
    tx.execute("DELETE FROM parked_cart WHERE id = ?1", [id])?;
    tx.journal(
        if cancel {
            "cart.cancelled"
        } else {
            "cart.resumed"
        },
        "parked_cart",
        id,
        serde_json::json!({"lines": cart.lines.len()}),
    )?;
    Ok(cart)
}

/// A product as the till lists it: the price already formatted in the
/// shop currency.
#[derive(Debug, Clone, Serialize)]
pub struct TillProduct {
    pub id: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    pub unit: String,
    pub kind: String,
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

/// Everything the till screen shows around the cart, in one read.
#[derive(Debug, Clone, Serialize)]
pub struct TillOverview {
    pub session: Option<Session>,
    /// Current event's name, when one is open.
    pub event_name: Option<String>,
    pub currency: String,
    /// Zero as this currency shows it ("0.00", "0", "0.000"): the empty cart.
    pub zero: String,
    pub cash_rounding: String,
    pub parked: Vec<ParkedCart>,
    pub recent: Vec<SaleSummary>,
    pub quick_keys: Vec<TillProduct>,
    pub z_reports: Vec<crate::till::z_report::ZReport>,
}

pub fn till_overview(conn: &Connection, device_id: &str) -> Result<TillOverview> {
    let settings = settings::load(conn)?;
    let session = session::current(conn, device_id)?;
    let recent = match &session {
        Some(s) => recent_sales(conn, s, 8)?,
        None => Vec::new(),
    };
    let mut z_reports = crate::till::z_report::z_reports(conn)?;
    z_reports.truncate(10);
    Ok(TillOverview {
        event_name: crate::shop::events::current(conn)?.map(|e| e.name),
        currency: settings.currency.code.clone(),
        zero: settings.currency.format(Decimal::ZERO),
        cash_rounding: settings.cash_rounding.as_str().to_string(),
        parked: parked(conn, device_id)?,
        recent,
        quick_keys: quick_keys(conn, 12)?,
        z_reports,
        session,
    })
}
