//! Completing a sale as ONE transaction: the sale, its lines, payments,
//! stock movements, the journal entry, pre-orders for lines handed over
//! later and the flow's sell step, or nothing. Owns how the payments the
//! till sends become payment parts (a blank non-cash amount pays the rest)
//! and which card details are kept, and that a cart is sold once: the same
//! cart id completed again answers with the first sale and writes nothing.
//! The PIN for a cart that needs one is checked before the transaction
//! starts.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::store::Tx;
use crate::loyalty;
use crate::money::pricing::{self, Method, PaymentPart};
use crate::money::{faces, Currency};
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::shop::settings;
use crate::stock::{self, Location, Movement, MovementKind};
use crate::text::clean;
use crate::till::cart::{self, CartInput};
use crate::till::receipt::next_receipt;
use crate::till::session;
use crate::{new_id, Actor, Error, Result, Store};

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

/// Payment parts in minor units; an empty non-cash amount takes what is
/// left. An exchange's `credit` (the goods returned with it) pays first.
fn payment_parts(
    currency: &Currency,
    total: i64,
    payments: &[PaymentInput],
    credit: i64,
) -> Result<Vec<PaymentPart>> {
    let mut parts = Vec::with_capacity(payments.len() + 1);
    let mut named = credit;
    if credit > 0 {
        parts.push(PaymentPart {
            method: Method::Exchange,
            amount: credit,
            tendered: None,
        });
    }
    let first = parts.len();
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
        .map(|(i, _)| first + i)
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
    /// Part of it was paid in cash: the change is worth showing (a card
    /// sale gives none).
    pub cash_paid: bool,
    pub practice: bool,
    pub warnings: Vec<String>,
    /// The sale's loyalty card: stamps earned and spent, and its balance.
    pub loyalty: Option<loyalty::ledger::SaleStamps>,
    /// Deposits paid back for containers brought back in the sale.
    pub deposits_back: String,
    pub deposits_back_minor: i64,
    /// Cash the till pays out: the deposits brought back beyond the
    /// sale's total (nothing was left to pay).
    pub paid_out: String,
    pub paid_out_minor: i64,
}

/// Cash handed over coin by coin and note by note: what was tendered after
/// one more `face` (the cash dialog's buttons), in the shop currency.
pub fn tender_face(conn: &Connection, tendered: &str, face: &str) -> Result<String> {
    let currency = settings::load(conn)?.currency;
    faces::add_face(&currency, tendered, face)
}

/// The sale already completed from this cart id, answered as it was the
/// first time: its receipt number, total, change and stock warnings (read
/// back from the sale, its payments and its journal entry).
fn completed_before(conn: &Connection, cart_id: &str) -> Result<Option<Completed>> {
    let row = conn
        .prepare_cached(
            "SELECT s.id, s.receipt_number, s.practice, s.currency, s.total_minor, s.stock_warning,
                    (SELECT coalesce(sum(p.change_minor), 0) FROM payment p WHERE p.sale_id = s.id),
                    EXISTS (SELECT 1 FROM payment p WHERE p.sale_id = s.id AND p.method = 'cash'),
                    (SELECT coalesce(sum(d.amount_minor), 0) FROM deposit_return d WHERE d.sale_id = s.id)
             FROM sale s WHERE s.cart_id = ?1",
        )?
        .query_row([cart_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, bool>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })
        .optional()?;
    let Some((
        sale_id,
        receipt_number,
        practice,
        code,
        total,
        stock_warning,
        change,
        cash_paid,
        deposits_back,
    )) = row
    else {
        return Ok(None);
    };
    let currency = Currency::from_code(&code)?;
    let warnings = if stock_warning {
        stock_warnings_of(conn, &sale_id)?
    } else {
        Vec::new()
    };
    let loyalty = loyalty::ledger::of_sale(conn, &sale_id)?;
    let paid_out = (deposits_back - total).max(0);
    let f = |m: i64| currency.format(currency.from_minor(m));
    Ok(Some(Completed {
        deposits_back: f(deposits_back),
        deposits_back_minor: deposits_back,
        paid_out: f(paid_out),
        paid_out_minor: paid_out,
        loyalty,
        sale_id,
        receipt_number,
        total: currency.format(currency.from_minor(total)),
        change: currency.format(currency.from_minor(change)),
        change_minor: change,
        cash_paid,
        practice,
        warnings,
    }))
}

/// The stock warnings a sale gave, from its journal entry (the stock after
/// the sale) and its lines (the name and unit as sold).
fn stock_warnings_of(conn: &Connection, sale_id: &str) -> Result<Vec<String>> {
    let details: Option<String> = conn
        .query_row(
            "SELECT details FROM audit_log WHERE entity = 'sale' AND entity_id = ?1 AND action = 'sale.completed'",
            [sale_id],
            |r| r.get(0),
        )
        .optional()?;
    let details: serde_json::Value = match details {
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            Error::Integrity(format!(
                "the journal entry of sale {sale_id} cannot be read: {e}"
            ))
        })?,
        None => return Ok(Vec::new()),
    };
    let mut warnings = Vec::new();
    for short in details["negative_stock"].as_array().into_iter().flatten() {
        let (Some(product_id), Some(after)) =
            (short["product_id"].as_str(), short["after_milli"].as_i64())
        else {
            continue;
        };
        let named: Option<(String, String)> = conn
            .query_row(
                "SELECT name, unit FROM sale_line WHERE sale_id = ?1 AND product_id = ?2 ORDER BY line_no LIMIT 1",
                (sale_id, product_id),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((name, unit)) = named {
            warnings.push(format!(
                "{name}: stock at the event is now {} {unit}",
                stock::from_milli(after)
            ));
        }
    }
    Ok(warnings)
}

/// Complete a sale in the caller's transaction: sale, lines, payments,
/// stock movements and the journal entry, or nothing. A cart id already
/// sold answers with that sale and writes nothing; the check runs inside
/// the caller's IMMEDIATE transaction, so two calls cannot both sell it.
pub fn complete(
    tx: &Tx,
    cart: &CartInput,
    payments: &[PaymentInput],
    approval: Option<&Approval>,
) -> Result<Completed> {
    complete_paid(tx, cart, payments, approval, 0)
}

/// `complete`, with an exchange's `credit` paying the first part of the
/// sale (`returns::exchange`; at most the sale's total).
pub(crate) fn complete_paid(
    tx: &Tx,
    cart: &CartInput,
    payments: &[PaymentInput],
    approval: Option<&Approval>,
    credit: i64,
) -> Result<Completed> {
    let cart_id = cart::checked_cart_id(cart)?;
    if let Some(id) = cart_id {
        if let Some(done) = completed_before(tx, id)? {
            tx.already_done();
            return Ok(done);
        }
    }
    let session = session::open_till(tx, tx.device_id)?;
    let p = cart::price(tx, cart)?;
    if !p.approval_reasons.is_empty() && approval.is_none() {
        return Err(Error::ApprovalNeeded(format!(
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
    if !p.deposits_back.is_empty() {
        if session.practice {
            return Err(Error::validation(
                "deposits_back",
                "a practice session pays no deposits out: open the live till",
            ));
        }
        if credit > 0 {
            return Err(Error::validation(
                "deposits_back",
                "take containers back in a sale of their own, not in an exchange",
            ));
        }
    }
    // Containers brought back pay first, up to the sale's total (as an
    // exchange's returned goods do); what they pay beyond it the till
    // pays out in cash, and the customer pays nothing.
    let (credit, payments) = if p.deposits_back.is_empty() {
        (credit.clamp(0, p.cart.total), payments)
    } else if p.due() <= 0 {
        (p.deposit_credit(), &[][..])
    } else {
        (p.deposit_credit(), payments)
    };
    let parts = payment_parts(currency, p.cart.total, payments, credit)?;
    let settled = pricing::settle(currency, p.settings.cash_rounding, p.cart.total, &parts)?;
    let mut details = Vec::with_capacity(parts.len());
    if credit > 0 {
        details.push((None, None, None));
    }
    for pay in payments {
        details.push(card_details(pay)?);
    }
    let shortfalls = if session.practice {
        Vec::new()
    } else {
        cart::stock_shortfalls(tx, &session.event_id, &p.lines)?
    };

    let (seq, receipt_number) = next_receipt(tx, &p.settings, session.practice)?;
    let sale_id = new_id();
    let subtotal = p.cart.subtotal;
    tx.prepare_cached(
        "INSERT INTO sale (id, device_id, event_id, session_id, cashier_id, receipt_number, receipt_seq, practice, currency, tax_mode,
            subtotal_minor, discount_minor, sale_discount_minor, tax_minor, rounding_minor, total_minor, approved_by, stock_warning, at_utc, utc_offset_minutes, cart_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
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
            tx.now.offset_minutes,
            cart_id
        ])
    .map_err(|e| match e.sqlite_error_code() {
        // Cannot happen after the check above; named plainly if it does.
        Some(rusqlite::ErrorCode::ConstraintViolation) if e.to_string().contains("sale.cart_id") => {
            Error::Integrity("this cart was already sold; nothing was written".into())
        }
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::validation(
            "person",
            "choose who is at the till before selling",
        ),
        _ => e.into(),
    })?;
    let mut handover_lines = Vec::new();
    // Each line's figures, for the journal entry (`verify` holds the lines
    // against them).
    let mut line_figures = Vec::with_capacity(p.lines.len());
    let mut line_ids = Vec::with_capacity(p.lines.len());
    {
        let mut insert_line = tx.prepare_cached(
            "INSERT INTO sale_line (id, device_id, sale_id, line_no, product_id, sku, name, unit, unit_price, list_unit_price, quantity, quantity_milli,
                amount_minor, line_discount_minor, sale_discount_minor, tax_rate, net_minor, tax_minor, gross_minor, handover_later,
                gross_milli, tare_milli, container, deposit_of_line, scale_label)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
        )?;
        for (i, (l, pl)) in p.lines.iter().zip(&p.cart.lines).enumerate() {
            let line_id = new_id();
            line_ids.push(line_id.clone());
            line_figures.push(serde_json::json!({
                "id": line_id,
                "product_id": l.product.id,
                "quantity_milli": l.quantity_milli,
                "amount_minor": pl.amount,
                "net_minor": pl.net,
                "tax_minor": pl.tax,
                "gross_minor": pl.gross,
            }));
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
                l.handover_later,
                l.weighed.map(|w| w.gross_milli),
                l.weighed.map(|w| w.tare_milli),
                l.weighed
                    .map(|w| if w.shop_container { "shop" } else { "own" }),
                l.deposit_of_line,
                l.scale_label
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
            .filter(|l| !l.handover_later && l.product.kind.is_stocked())
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
        "sale_lines": line_figures,
        "subtotal_minor": subtotal,
        "discount_minor": p.cart.discount,
        "tax_minor": p.cart.tax,
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
    // Containers brought back: each return journaled on its own, naming
    // the sale.
    for r in &p.deposits_back {
        crate::till::deposits::write_return(tx, &session, r, Some(&sale_id))?;
    }
    // The card's stamps and rewards: each entry journaled on its own. A
    // rehearsal earns and spends nothing.
    if let Some(card) = p.card.as_deref().filter(|_| !session.practice) {
        let mut sold = Vec::with_capacity(p.lines.len());
        for ((l, pl), line_id) in p.lines.iter().zip(&p.cart.lines).zip(&line_ids) {
            let category: String = tx
                .prepare_cached("SELECT category FROM product WHERE id = ?1")?
                .query_row([&l.product.id], |r| r.get(0))?;
            sold.push(loyalty::ledger::SoldLine {
                line_id: line_id.clone(),
                category,
                own_container: l.weighed.is_some_and(|w| !w.shop_container),
                deposit: l.product.kind == crate::catalog::ProductKind::Deposit,
                gross: pl.gross,
                reward: l.reward.clone(),
            });
        }
        loyalty::ledger::record_sale(tx, currency, card, &session.event_id, &sale_id, &sold)?;
    }
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
    let paid_out = (-p.due()).max(0);
    let f = |m: i64| currency.format(currency.from_minor(m));
    Ok(Completed {
        deposits_back: f(p.deposits_back_total),
        deposits_back_minor: p.deposits_back_total,
        paid_out: f(paid_out),
        paid_out_minor: paid_out,
        loyalty: loyalty::ledger::of_sale(tx, &sale_id)?,
        sale_id,
        receipt_number,
        total: currency.format(currency.from_minor(settled.total)),
        change: currency.format(currency.from_minor(settled.change)),
        change_minor: settled.change,
        cash_paid: settled.parts.iter().any(|p| p.method == Method::Cash),
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
    request: &ApprovalRequest,
) -> Result<Completed> {
    // Without a PIN, `complete` names what needs one. A cart already sold
    // (a second press of the pay key) answers with its sale, asking no PIN.
    let sold = match cart::checked_cart_id(cart)? {
        Some(id) => store
            .conn()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM sale WHERE cart_id = ?1)")?
            .query_row([id], |r| r.get::<_, bool>(0))?,
        None => false,
    };
    let approval = if !sold && cart::needs_approval(store.conn(), cart)? {
        people::approve_if_given(store, request)?
    } else {
        None
    };
    store.write(actor, |tx| complete(tx, cart, payments, approval.as_ref()))
}
