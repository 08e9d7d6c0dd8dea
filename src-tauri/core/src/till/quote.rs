//! The quote: what the till shows while the cart is built — each line
//! priced, discounts, tax by rate, the total and the cash total after
//! rounding, whether an organizer's PIN is needed, stock warnings, and
//! which rows (discount, cash total) are worth showing. Adding an item
//! answers with the new cart and its quote in one call, and so does a
//! code scanned (looked up and added at once).

use rusqlite::Connection;
use serde::Serialize;

use crate::catalog::scale_label::Measure;
use crate::money::pricing;
use crate::stock;
use crate::till::cart::{self, Addition, CartInput};
use crate::till::lookup::{self, TillProduct};
use crate::Result;

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
    /// The line has a discount (its own or its share of the sale's).
    pub has_discount: bool,
    pub gross: String,
    pub tax_rate: String,
    pub handover_later: bool,
    /// Stock at the event after this sale would be below zero.
    pub stock_warning: Option<String>,
    /// A weighed refill: gross, tare and net (see `receipt::weighing_text`).
    pub weighing: Option<String>,
    /// Scanned from a scale label.
    pub scale_label: Option<String>,
    /// A deposit line: the number of the line it belongs to.
    pub deposit_of_line: Option<u32>,
    /// The loyalty reward the line redeems (its id).
    pub reward_id: Option<String>,
}

/// A container brought back in the sale: its deposit paid back, shown as
/// a negative line.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteDepositBack {
    pub product_id: String,
    pub name: String,
    pub quantity: i64,
    /// The deposit paid back (a positive amount; the screen shows it
    /// with a minus).
    pub amount: String,
    pub amount_minor: i64,
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
    /// Line or sale discounts take something off.
    pub has_discount: bool,
    pub tax: String,
    pub taxes: Vec<QuoteTax>,
    pub tax_mode: String,
    /// The sale's goods: its lines after discounts, tax included.
    pub sale_total: String,
    pub sale_total_minor: i64,
    /// Containers brought back in the sale.
    pub deposits_back: Vec<QuoteDepositBack>,
    pub deposits_back_total: String,
    /// What the customer pays: the sale's total less the deposits brought
    /// back. Below zero, the till pays it out in cash (`pays_out`).
    pub total: String,
    pub total_minor: i64,
    /// The deposits brought back come to more than the sale: the till
    /// pays `paid_out` out in cash and takes no payment.
    pub pays_out: bool,
    pub paid_out: String,
    /// What to ask when the whole sale is paid in cash (cash-rounded).
    pub cash_total: String,
    /// Cash rounding makes the cash total differ from the total.
    pub cash_rounded: bool,
    pub cash_rounding: String,
    /// An organizer PIN is needed to complete (large discount or override).
    pub needs_approval: bool,
    pub approval_reasons: Vec<String>,
    pub warnings: Vec<String>,
}

/// The quote as the person at the till sees it: an organizer at the till
/// approves what the cart needs, so no PIN is asked of them (the reasons
/// are still shown).
pub fn quote_at_till(
    conn: &Connection,
    cart: &CartInput,
    at_till: Option<&crate::shop::at_till::AtTill>,
) -> Result<Quote> {
    let mut q = quote(conn, cart)?;
    if at_till.is_some_and(|at| at.role() == crate::shop::people::Role::Organizer) {
        q.needs_approval = false;
    }
    Ok(q)
}

/// Price the cart for the screen: lines, discounts, tax, the total and the
/// cash total after rounding, whether a PIN is needed, and stock warnings.
pub fn quote(conn: &Connection, cart: &CartInput) -> Result<Quote> {
    let p = cart::price(conn, cart)?;
    let c = &p.settings.currency;
    let f = |m: i64| c.format(c.from_minor(m));
    let event = crate::shop::events::current(conn)?;
    let shortfalls = match &event {
        Some(e) => cart::stock_shortfalls(conn, &e.id, &p.lines)?,
        None => Vec::new(),
    };
    let due = p.due();
    let (cash_total, cash_rounding) = if due > 0 {
        pricing::cash_due(
            c,
            p.settings.cash_rounding,
            p.cart.total,
            p.deposit_credit(),
        )?
    } else {
        (due, 0)
    };
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
                discount: f(pl.line_discount.saturating_add(pl.sale_discount)),
                has_discount: pl.line_discount != 0 || pl.sale_discount != 0,
                gross: f(pl.gross),
                tax_rate: pl.tax_rate.to_string(),
                handover_later: l.handover_later,
                stock_warning: warning,
                weighing: l.weighed.map(|w| {
                    crate::till::receipt::weighing_text(
                        &l.product.unit,
                        w.gross_milli,
                        w.tare_milli,
                        Some(if w.shop_container { "shop" } else { "own" }),
                    )
                }),
                scale_label: l.scale_label.clone(),
                deposit_of_line: l.deposit_of_line,
                reward_id: l.reward.as_ref().map(|r| r.0.clone()),
            }
        })
        .collect();
    Ok(Quote {
        lines,
        items_total: f(pricing::checked_sum(
            "quantity",
            p.cart.lines.iter().map(|l| l.amount),
        )?),
        subtotal: f(p.cart.subtotal),
        discount: f(p.cart.discount),
        has_discount: p.cart.discount != 0,
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
        sale_total: f(p.cart.total),
        sale_total_minor: p.cart.total,
        deposits_back: p
            .deposits_back
            .iter()
            .map(|r| QuoteDepositBack {
                product_id: r.product_id.clone(),
                name: r.name.clone(),
                quantity: r.quantity,
                amount: f(r.amount),
                amount_minor: r.amount,
            })
            .collect(),
        deposits_back_total: f(p.deposits_back_total),
        total: f(due),
        total_minor: due,
        pays_out: due < 0,
        paid_out: f((-due).max(0)),
        cash_total: f(cash_total),
        cash_rounded: cash_rounding != 0,
        cash_rounding: p.settings.cash_rounding.as_str().to_string(),
        needs_approval: !p.approval_reasons.is_empty(),
        approval_reasons: p.approval_reasons,
        warnings,
    })
}

/// The cart after an item was added, and its quote.
#[derive(Debug, Clone, Serialize)]
pub struct AddedToCart {
    pub cart: CartInput,
    pub quote: Quote,
}

/// Add an item to the cart (see `cart::add` for when it joins a line) and
/// quote the result, in one call: what the till does on every scan. A cart
/// that cannot be quoted is refused, and the till keeps the one it had.
/// The quote is the one the person at the till sees (see `quote_at_till`).
pub fn add_to_cart(
    conn: &Connection,
    cart: &CartInput,
    addition: &Addition,
    at_till: Option<&crate::shop::at_till::AtTill>,
) -> Result<AddedToCart> {
    let cart = cart::add(conn, cart, addition)?;
    let quote = quote_at_till(conn, &cart, at_till)?;
    Ok(AddedToCart { cart, quote })
}

/// A code scanned at the till and what it added to the cart.
#[derive(Debug, Clone, Serialize)]
pub struct ScannedIntoCart {
    pub product: TillProduct,
    /// The cart with the item and its quote; none when the item needs
    /// more than a scan: a weighed product without its weight (the till
    /// asks for it), or an archived one (the till says it cannot be sold).
    pub added: Option<AddedToCart>,
    /// The tare the till held (from a tare label) went into this line: a
    /// weight or volume label of a refill into the customer's own
    /// container. The till lets go of it.
    pub tare_used: bool,
}

/// What a scan at the till was.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanOutcome {
    /// A tare label: the customer's own container weighed empty. Nothing
    /// is added; the till holds the tare for the next weighed label.
    Tare(lookup::TareLabel),
    /// A product's code, or a scale label naming one.
    Item(Box<ScannedIntoCart>),
}

/// Look up a scanned `code` (a tare label, a scale label, a barcode or a
/// SKU, as `lookup::tare_label` and `lookup::scan` read it) and add it to
/// the cart — `quantity` of it when given ("3*code") — with the new quote,
/// in one call: the till's one round trip per scan, scale and tare labels
/// included. `tare` is the tare the till holds from a tare label: a weight
/// or volume label scanned next is the gross of the customer's own
/// container, and the line is weighed net of it. `None` when no product has
/// that code (the till then searches for it as text). Errors as
/// `add_to_cart` (and a scale label naming no product).
pub fn scan_into_cart(
    conn: &Connection,
    cart: &CartInput,
    code: &str,
    quantity: &str,
    tare: Option<i64>,
    at_till: Option<&crate::shop::at_till::AtTill>,
) -> Result<Option<ScanOutcome>> {
    let quantity = quantity.trim();
    let mut tare_used = false;
    let (product, addition) = if quantity.is_empty() && lookup::is_label(conn, code)? {
        if let Some(label) = lookup::tare_label(conn, code)? {
            return Ok(Some(ScanOutcome::Tare(label)));
        }
        match lookup::scan(conn, code)? {
            Some(scanned) => {
                let mut addition = scanned.addition;
                let weighed = scanned
                    .label
                    .as_ref()
                    .is_some_and(|l| matches!(l.measure, Measure::Grams | Measure::Millilitres));
                if let (Some(tare), true) = (tare, weighed) {
                    addition.tare = tare.to_string();
                    addition.container = "own".into();
                    tare_used = true;
                }
                (scanned.product, addition)
            }
            None => return Ok(None),
        }
    } else {
        // A product's own code (with a quantity typed before it, a scale
        // label is read as a code too: the label's weight is not wanted).
        match lookup::scan_product(conn, code.trim())? {
            Some(product) => {
                let addition = Addition {
                    product_id: product.id.clone(),
                    quantity: quantity.to_string(),
                    ..Addition::default()
                };
                (product, addition)
            }
            None => return Ok(None),
        }
    };
    let needs_weight =
        product.unit != "each" && addition.quantity.is_empty() && addition.scale_label.is_empty();
    if !product.active || needs_weight {
        return Ok(Some(ScanOutcome::Item(Box::new(ScannedIntoCart {
            product,
            added: None,
            tare_used: false,
        }))));
    }
    let added = add_to_cart(conn, cart, &addition, at_till)?;
    Ok(Some(ScanOutcome::Item(Box::new(ScannedIntoCart {
        product,
        added: Some(added),
        tare_used,
    }))))
}
