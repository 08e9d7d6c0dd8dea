//! The cart: what the till sends (lines, discounts, the pre-order contact),
//! each line resolved against the catalog and checked, the priced cart with
//! what needs an organizer's approval, the event's stock the cart would take
//! below zero. Adding an item (whether it joins a line already in the
//! cart) is in `addition`, weighed lines are read in `weighed`, the loyalty card and its
//! rewards in `card`; the money rules themselves are in `money::pricing`.

use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use super::addition::{add, Addition};
use super::card::{cart_card, reward_discount};
use super::deposits::{price_return, DepositReturnInput, PricedReturn};
use super::weighed::{quantity_for_price, read_label, weigh};
use crate::catalog::refill::{self, DepositTax};
use crate::catalog::scale_label::Measure;
use crate::catalog::ProductKind;
use crate::loyalty::{self, program::Program};
use crate::money::parse_decimal;
use crate::money::pricing::{self, Discount, LineToPrice, PricedCart};
use crate::shop::settings::{self, Settings};
use crate::stock;
use crate::{Error, Result};

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
    /// A weighed refill: the gross the scale showed, whole grams or
    /// millilitres (the quantity is then the net, gross − tare).
    #[serde(default)]
    pub gross: String,
    /// The container's empty weight in grams or millilitres (the
    /// customer's own container; a shop container's tare is the catalog's).
    #[serde(default)]
    pub tare: String,
    /// Whose container: `own` (the customer's) or `shop` (`container_id`).
    #[serde(default)]
    pub container: String,
    #[serde(default)]
    pub container_id: Option<String>,
    /// The scale label the line was scanned from: its weight or price is
    /// the line's.
    #[serde(default)]
    pub scale_label: String,
    /// A deposit line: the number (from 1) of the line it belongs to.
    #[serde(default)]
    pub deposit_of_line: Option<u32>,
    /// A loyalty reward this line redeems (its id in the programme): a
    /// free item's line, or the line a discount reward comes off. Needs
    /// the cart's card, with stamps enough.
    #[serde(default)]
    pub reward_id: Option<String>,
}

/// A cart as the till sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartInput {
    /// Made by the core when the first item is added (`add`) and kept while
    /// the cart is edited, parked and resumed: completing the same cart id
    /// twice answers with the first sale and writes nothing.
    #[serde(default)]
    pub cart_id: Option<String>,
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub sale_discount: Option<DiscountInput>,
    /// Who collects the lines marked "hand over later": kept with their
    /// orders only (never in the sale, the journal or an export).
    #[serde(default)]
    pub handover_contact: Option<crate::orders::ContactInput>,
    /// The loyalty card's code scanned into the sale, if any.
    #[serde(default)]
    pub card: Option<String>,
    /// Shop containers brought back in this sale: each pays its deposit
    /// back as a negative line (`deposits::price_return`), capped by what
    /// is out with customers.
    #[serde(default)]
    pub deposits_back: Vec<DepositReturnInput>,
}

/// What a sale needs of a product (read with one cached statement: this
/// runs for every line of every sale).
#[derive(Debug, Clone)]
pub(super) struct SoldProduct {
    pub(super) id: String,
    pub(super) sku: String,
    pub(super) name: String,
    pub(super) unit_price: Decimal,
    pub(super) tax_rate: Decimal,
    pub(super) unit: String,
    pub(super) kind: ProductKind,
    active: bool,
    pub(super) tare_grams: Option<i64>,
    pub(super) deposit_product_id: Option<String>,
    pub(super) scale_item_code: Option<String>,
}

pub(super) fn sold_product(conn: &Connection, id: &str) -> Result<Option<SoldProduct>> {
    let row = conn
        .prepare_cached(
            "SELECT id, sku, name, unit_price, tax_rate, unit, kind, active, tare_grams, deposit_product_id, scale_item_code
             FROM product WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, ProductKind>(6)?,
                    r.get::<_, bool>(7)?,
                ),
                (
                    r.get::<_, Option<i64>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, Option<String>>(10)?,
                ),
            ))
        })
        .optional()?;
    let Some((
        (id, sku, name, price, rate, unit, kind, active),
        (tare_grams, deposit_product_id, scale_item_code),
    )) = row
    else {
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
        tare_grams,
        deposit_product_id,
        scale_item_code,
    }))
}

/// A line resolved against the catalog.
#[derive(Debug, Clone)]
pub(super) struct Resolved {
    pub(super) product: SoldProduct,
    pub(super) unit_price: Decimal,
    pub(super) quantity: Decimal,
    pub(super) quantity_milli: i64,
    pub(super) overridden: bool,
    discount: Option<Discount>,
    pub(super) handover_later: bool,
    pub(super) weighed: Option<Weighed>,
    /// The amount a price label printed, in minor units.
    pub(super) label_amount: Option<i64>,
    pub(super) scale_label: Option<String>,
    pub(super) deposit_of_line: Option<u32>,
    /// The reward the line redeems and its cost in stamps.
    pub(super) reward: Option<(String, i64)>,
}

/// A weighed line's gross and tare (grams or millilitres) and whose
/// container it was; its net is the line's `quantity_milli`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Weighed {
    pub(super) gross_milli: i64,
    pub(super) tare_milli: i64,
    pub(super) shop_container: bool,
}

/// A priced cart ready to store.
pub(super) struct Priced {
    pub(super) settings: Settings,
    pub(super) lines: Vec<Resolved>,
    pub(super) cart: PricedCart,
    pub(super) approval_reasons: Vec<String>,
    /// The card's id (checked genuine), if the cart has one.
    pub(super) card: Option<String>,
    /// Containers brought back in the sale, priced.
    pub(super) deposits_back: Vec<PricedReturn>,
    /// Σ of their deposits, minor units.
    pub(super) deposits_back_total: i64,
}

impl Priced {
    /// What the customer pays: the sale's total less the deposits paid
    /// back in it (below zero: the till pays the difference out in cash).
    pub(super) fn due(&self) -> i64 {
        self.cart.total - self.deposits_back_total
    }
    /// The part of the sale the deposits pay (at most its total).
    pub(super) fn deposit_credit(&self) -> i64 {
        self.deposits_back_total.clamp(0, self.cart.total.max(0))
    }
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

fn resolve_line(
    conn: &Connection,
    settings: &Settings,
    program: &Program,
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
    let label = match line.scale_label.trim() {
        "" => None,
        code => Some(read_label(conn, n, &product, code)?),
    };
    let label_weight = label
        .as_ref()
        .filter(|l| l.measure != Measure::Price)
        .map(|l| l.value);
    let weighed = weigh(conn, n, &product, line, label_weight)?;
    let label_amount = label
        .as_ref()
        .filter(|l| l.measure == Measure::Price)
        .map(|l| l.value);
    let quantity = if let Some(w) = weighed {
        Decimal::new(w.gross_milli - w.tare_milli, 3).normalize()
    } else if let Some(milli) = label_weight {
        Decimal::new(milli, 3).normalize()
    } else if let Some(amount) = label_amount {
        quantity_for_price(settings, n, &product, amount)?
    } else {
        parse_decimal("quantity", &line.quantity)
            .map_err(|e| Error::validation("quantity", format!("line {n}: {}", e.bare_message())))?
            .normalize()
    };
    if quantity <= Decimal::ZERO {
        return Err(Error::validation(
            "quantity",
            format!("line {n}: the quantity must be more than 0"),
        ));
    }
    let limits = &settings.limits;
    if quantity > limits.quantity_max {
        return Err(Error::validation(
            "quantity",
            format!(
                "line {n}: {quantity} {} is more than the till sells on one line (at most {})",
                product.unit, limits.quantity_max
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
            if p > limits.unit_price_max {
                return Err(Error::validation(
                    "price_override",
                    format!(
                        "line {n}: the price override {p} is more than the largest unit price (at most {})",
                        limits.unit_price_max
                    ),
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
        _ => {
            if product.unit_price > limits.unit_price_max {
                return Err(Error::validation(
                    "unit_price",
                    format!(
                        "line {n}: the price of {} ({}) is more than the largest unit price (at most {}): correct it in the catalog",
                        product.name, product.unit_price, limits.unit_price_max
                    ),
                ));
            }
            (product.unit_price, false)
        }
    };
    let mut discount = parse_discount("discount", &line.discount)
        .map_err(|e| Error::validation("discount", format!("line {n}: {}", e.bare_message())))?;
    let reward = match line.reward_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) => {
            let r = program.reward(id).ok_or_else(|| {
                Error::validation(
                    "reward_id",
                    format!("line {n}: '{id}' is not a reward of the loyalty programme"),
                )
            })?;
            if discount.is_some() || overridden {
                return Err(Error::validation(
                    "reward_id",
                    format!("line {n}: a reward's line takes no other discount or price"),
                ));
            }
            discount = Some(reward_discount(
                settings,
                n,
                r,
                &product,
                unit_price,
                quantity,
                label_amount,
            )?);
            Some((r.id.clone(), r.cost))
        }
    };
    Ok(Resolved {
        product,
        unit_price,
        quantity,
        quantity_milli,
        overridden,
        discount,
        handover_later: line.handover_later,
        weighed,
        label_amount,
        scale_label: label.map(|_| line.scale_label.trim().to_string()),
        deposit_of_line: line.deposit_of_line,
        reward,
    })
}

pub(super) fn price(conn: &Connection, cart: &CartInput) -> Result<Priced> {
    let settings = settings::load(conn)?;
    if cart.lines.is_empty() {
        return Err(Error::validation(
            "lines",
            "the cart is empty: add a product first",
        ));
    }
    let program = loyalty::program::load(conn)?;
    let mut lines = Vec::with_capacity(cart.lines.len());
    for (i, line) in cart.lines.iter().enumerate() {
        lines.push(resolve_line(conn, &settings, &program, i, line)?);
    }
    let card = cart_card(conn, cart, &lines)?;
    let sale_discount = parse_discount("sale_discount", &cart.sale_discount)?;
    let refill = refill::settings(conn)?;
    let to_price: Vec<LineToPrice> = lines
        .iter()
        .map(|l| LineToPrice {
            unit_price: l.unit_price,
            quantity: l.quantity,
            tax_rate: if l.product.kind == ProductKind::Deposit
                && refill.deposit_tax == DepositTax::OutsideTax
            {
                Decimal::ZERO
            } else {
                l.product.tax_rate
            },
            discount: l.discount,
            fixed_amount: l.label_amount,
        })
        .collect();
    let priced = pricing::price_cart(
        &settings.currency,
        settings.tax_mode,
        &to_price,
        sale_discount,
    )?;
    let reasons = approval_reasons(&settings, &lines, &priced)?;
    let mut deposits_back: Vec<PricedReturn> = Vec::with_capacity(cart.deposits_back.len());
    for (i, back) in cart.deposits_back.iter().enumerate() {
        let earlier: i64 = deposits_back
            .iter()
            .filter(|r| r.product_id == back.product_id.trim())
            .map(|r| r.quantity)
            .sum();
        let r = price_return(conn, back, earlier).map_err(|e| {
            Error::validation(
                e.field().unwrap_or("deposits_back"),
                format!("container brought back {}: {}", i + 1, e.bare_message()),
            )
        })?;
        deposits_back.push(r);
    }
    let deposits_back_total =
        pricing::checked_sum("quantity", deposits_back.iter().map(|r| r.amount))?;
    Ok(Priced {
        settings,
        lines,
        cart: priced,
        approval_reasons: reasons,
        card,
        deposits_back,
        deposits_back_total,
    })
}

/// What needs an organizer: a price override; a line or sale discount
/// over the limit of what it applies to; and the line and sale discounts
/// together (with a price override down) over the limit of the line's list
/// price, so that splitting a discount in two, or lowering the price first,
/// does not dodge the limit.
fn approval_reasons(
    settings: &Settings,
    lines: &[Resolved],
    priced: &PricedCart,
) -> Result<Vec<String>> {
    let limit = settings.limits.discount_limit_percent;
    let hundred = Decimal::from(100);
    let over = |discount: i64, of: i64| {
        discount > 0 && Decimal::from(discount) * hundred > limit * Decimal::from(of)
    };
    let mut reasons = Vec::new();
    let mut flagged = vec![false; lines.len()];
    for (i, (l, p)) in lines.iter().zip(&priced.lines).enumerate() {
        // A reward's discount is the programme's, set by the organizer.
        if l.reward.is_some() {
            flagged[i] = true;
            continue;
        }
        if l.overridden {
            reasons.push(format!("line {}: price override", i + 1));
        }
        if over(p.line_discount, p.amount) {
            reasons.push(format!("line {}: discount over {limit}%", i + 1));
            flagged[i] = true;
        }
    }
    let mut base = 0i64;
    for p in &priced.lines {
        base = base
            .checked_add(p.amount - p.line_discount)
            .ok_or_else(too_large)?;
    }
    let sale_over = over(priced.sale_discount, base);
    if sale_over {
        reasons.push(format!("sale discount over {limit}%"));
    }
    for (i, (l, p)) in lines.iter().zip(&priced.lines).enumerate() {
        if flagged[i] || sale_over {
            continue;
        }
        let list = l
            .product
            .unit_price
            .checked_mul(l.quantity)
            .and_then(|v| settings.currency.to_minor(settings.currency.round(v)).ok())
            .ok_or_else(too_large)?;
        let paid = p.amount - p.line_discount - p.sale_discount;
        if over(list.saturating_sub(paid), list) {
            reasons.push(format!(
                "line {}: discounts together over {limit}% of the list price",
                i + 1
            ));
        }
    }
    Ok(reasons)
}

pub(super) fn too_large() -> Error {
    Error::validation("quantity", "the sale is too large for a till")
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
pub(super) fn stock_shortfalls(
    conn: &Connection,
    event_id: &str,
    lines: &[Resolved],
) -> Result<Vec<(usize, i64)>> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.handover_later || !l.product.kind.is_stocked() {
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

/// Whether completing this cart needs an organizer's approval (checked
/// before asking for a PIN, so a cashier is asked only when it matters).
pub fn needs_approval(conn: &Connection, cart: &CartInput) -> Result<bool> {
    Ok(!price(conn, cart)?.approval_reasons.is_empty())
}

/// A new cart's id: a UUID, like every id the till makes.
pub fn new_cart_id() -> String {
    crate::new_id()
}

/// The cart id as sent, checked: an id the core made has this shape, so
/// anything longer or with other characters is refused.
pub fn checked_cart_id(cart: &CartInput) -> Result<Option<&str>> {
    match cart.cart_id.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(id) if id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            Ok(Some(id))
        }
        Some(_) => Err(Error::validation(
            "cart_id",
            "this cart's id is not one the till made: start a new cart",
        )),
    }
}
