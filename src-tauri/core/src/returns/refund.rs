//! A refund as ONE transaction: the refund, its lines and tenders, the stock
//! movements of what came back (to stock at the event, or back and written
//! off as damaged), its gapless receipt number and the journal entry — or
//! nothing. The quote the screen shows before is the same plan
//! (`returns::plan`). Owns that a refund is paid once (its key completed
//! again answers with the first refund), that cash comes out of the drawer
//! of the session paying it (never more than it holds), and what asks for
//! an organizer's PIN: a refund above the limit, without a receipt, or to
//! another tender.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::db::store::Tx;
use crate::money::pricing::Method;
use crate::returns::plan::{self, Plan, RefundInput};
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::shop::settings::Settings;
use crate::stock::{self, Location, Movement, MovementKind};
use crate::till::quote::QuoteTax;
use crate::till::session;
use crate::{new_id, Actor, Error, Result, Store};

/// A line of a refund's quote, formatted for the screen.
#[derive(Debug, Clone, Serialize)]
pub struct QuotedLine {
    pub sale_line_id: Option<String>,
    pub product_id: String,
    pub name: String,
    pub unit: String,
    pub quantity: String,
    pub amount: String,
    /// The line discount and share of the sale discount that come off.
    pub discount: String,
    pub has_discount: bool,
    pub gross: String,
    pub tax_rate: String,
    pub damaged: bool,
}

/// A tender of a refund's quote.
#[derive(Debug, Clone, Serialize)]
pub struct QuotedTender {
    pub method: String,
    pub amount: String,
    /// A card refund records the terminal's reference.
    pub needs_reference: bool,
}

/// What the refund screen shows before the refund is made.
#[derive(Debug, Clone, Serialize)]
pub struct RefundQuote {
    /// Send it back with the refund: the same key is refunded once.
    pub refund_key: String,
    pub sale_receipt_number: Option<String>,
    pub without_receipt: bool,
    pub tax_mode: String,
    pub lines: Vec<QuotedLine>,
    pub discount: String,
    pub has_discount: bool,
    pub tax: String,
    pub taxes: Vec<QuoteTax>,
    pub gross: String,
    pub gross_minor: i64,
    pub rounding: String,
    pub has_rounding: bool,
    /// What is paid back in all (gross + cash rounding).
    pub total: String,
    pub total_minor: i64,
    pub tenders: Vec<QuotedTender>,
    /// Cash out of the drawer.
    pub cash: String,
    pub has_cash: bool,
    pub needs_approval: bool,
    pub approval_reasons: Vec<String>,
}

pub(crate) fn quote_of(plan: &Plan, refund_key: String) -> RefundQuote {
    let c = &plan.settings.currency;
    let f = |m: i64| c.format(c.from_minor(m));
    let cash = plan.cash();
    RefundQuote {
        refund_key,
        sale_receipt_number: plan.sale.as_ref().map(|s| s.receipt_number.clone()),
        without_receipt: plan.sale.is_none(),
        tax_mode: plan.tax_mode.as_str().to_string(),
        lines: plan
            .lines
            .iter()
            .map(|l| {
                let discount = l.money.line_discount + l.money.sale_discount;
                QuotedLine {
                    sale_line_id: l.sale_line_id.clone(),
                    product_id: l.product_id.clone(),
                    name: l.name.clone(),
                    unit: l.unit.clone(),
                    quantity: l.quantity.to_string(),
                    amount: f(l.money.amount),
                    discount: f(discount),
                    has_discount: discount != 0,
                    gross: f(l.money.gross),
                    tax_rate: l.tax_rate.clone(),
                    damaged: l.damaged,
                }
            })
            .collect(),
        discount: f(plan.money.line_discount + plan.money.sale_discount),
        has_discount: plan.money.line_discount + plan.money.sale_discount != 0,
        tax: f(plan.money.tax),
        taxes: plan
            .taxes
            .iter()
            .map(|(rate, n, t, g)| QuoteTax {
                rate: rate.clone(),
                net: f(*n),
                tax: f(*t),
                gross: f(*g),
            })
            .collect(),
        gross: f(plan.money.gross),
        gross_minor: plan.money.gross,
        rounding: f(plan.rounding),
        has_rounding: plan.rounding != 0,
        total: f(plan.total),
        total_minor: plan.total,
        tenders: plan
            .tenders
            .iter()
            .map(|t| QuotedTender {
                method: t.method.as_str().to_string(),
                amount: f(t.amount),
                needs_reference: t.method == Method::Card,
            })
            .collect(),
        cash: f(cash),
        has_cash: cash != 0,
        needs_approval: !plan.approvals.is_empty(),
        approval_reasons: plan.approvals.iter().map(|(_, w)| w.clone()).collect(),
    }
}

/// The refund's key: the one sent, checked, or a new one.
pub(crate) fn checked_key(input: &RefundInput) -> Result<Option<&str>> {
    match input.refund_key.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(k) if k.len() <= 64 && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            Ok(Some(k))
        }
        Some(_) => Err(Error::validation("refund_key", "not a refund key")),
    }
}

/// The quote of a refund for the person at the till: an organizer at the
/// till approves what it needs, so no PIN is asked of them.
pub fn quote(
    conn: &Connection,
    device_id: &str,
    input: &RefundInput,
    at_till: Option<&crate::shop::at_till::AtTill>,
) -> Result<RefundQuote> {
    let key = checked_key(input)?.map_or_else(new_id, str::to_string);
    let plan = plan::plan(conn, device_id, input, None)?;
    let mut q = quote_of(&plan, key);
    if at_till.is_some_and(|at| at.role() == crate::shop::people::Role::Organizer) {
        q.needs_approval = false;
    }
    Ok(q)
}

/// A refund made, as the till reports it back.
#[derive(Debug, Clone, Serialize)]
pub struct RefundDone {
    pub refund_id: String,
    pub receipt_number: String,
    pub sale_receipt_number: Option<String>,
    pub total: String,
    pub total_minor: i64,
    /// Cash out of the drawer.
    pub cash: String,
    pub cash_paid: bool,
    pub practice: bool,
}

fn done_before(conn: &Connection, key: &str) -> Result<Option<RefundDone>> {
    let row = conn
        .query_row(
            "SELECT r.id, r.receipt_number, r.sale_receipt_number, r.total_minor, r.practice, r.currency,
                    (SELECT coalesce(sum(p.amount_minor), 0) FROM refund_payment p WHERE p.refund_id = r.id AND p.method = 'cash')
             FROM refund r WHERE r.refund_key = ?1",
            [key],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((refund_id, receipt_number, sale_receipt_number, total, practice, code, cash)) = row
    else {
        return Ok(None);
    };
    let c = crate::money::Currency::from_code(&code)?;
    Ok(Some(RefundDone {
        refund_id,
        receipt_number,
        sale_receipt_number,
        total: c.format(c.from_minor(total)),
        total_minor: total,
        cash: c.format(c.from_minor(cash)),
        cash_paid: cash > 0,
        practice,
    }))
}

/// Whether a refund with this key was made already (a second press of the
/// refund key), answered as it was the first time.
pub(crate) fn already_refunded(
    conn: &Connection,
    input: &RefundInput,
) -> Result<Option<RefundDone>> {
    match checked_key(input)? {
        Some(key) => done_before(conn, key),
        None => Ok(None),
    }
}

/// The next refund receipt number of this device in its series, taken
/// inside the refund's transaction so a rolled-back refund gives it back.
fn next_number(tx: &Tx, settings: &Settings, practice: bool) -> Result<(i64, String)> {
    let seq: i64 = tx
        .prepare_cached(
            "INSERT INTO refund_counter (device_id, practice, last_number) VALUES (?1, ?2, 1)
             ON CONFLICT (device_id, practice) DO UPDATE SET last_number = last_number + 1
             RETURNING last_number",
        )?
        .query_row((tx.device_id, practice), |r| r.get(0))?;
    let series = if practice { "PR" } else { "R" };
    Ok((seq, format!("{}-{series}-{seq:06}", settings.till_code)))
}

/// Refuse a plan that needs an organizer when none approved it.
pub(crate) fn check_approval(plan: &Plan, approval: Option<&Approval>) -> Result<()> {
    if !plan.approvals.is_empty() && approval.is_none() {
        return Err(Error::ApprovalNeeded(format!(
            "an organizer's PIN is needed for: {}",
            plan.approvals
                .iter()
                .map(|(_, w)| w.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

/// Write a planned refund in the caller's transaction. `exchange_sale_id`
/// names the new sale of an exchange.
pub(crate) fn write(
    tx: &Tx,
    plan: &Plan,
    approval: Option<&Approval>,
    refund_key: Option<&str>,
    exchange_sale_id: Option<&str>,
) -> Result<RefundDone> {
    if plan
        .tenders
        .iter()
        .any(|t| t.method == Method::Card && t.reference.is_none())
    {
        return Err(Error::validation(
            "reference",
            "enter the card terminal's reference of the refund",
        ));
    }
    let cash = plan.cash();
    if cash > 0 && cash > session::cash_parts(tx, &plan.session.id)?.expected() {
        // Blind: what the drawer should hold is not said.
        return Err(Error::validation(
            "tenders",
            "the drawer holds less cash than this refund pays out: refund to another tender, or pay cash in first",
        ));
    }
    let s = &plan.settings;
    let c = &s.currency;
    let (seq, receipt_number) = next_number(tx, s, plan.session.practice)?;
    let refund_id = new_id();
    let approved_by = approval
        .filter(|_| !plan.approvals.is_empty())
        .map(|a| a.organizer_id())
        .filter(|id| !id.starts_with("system:"));
    tx.prepare_cached(
        "INSERT INTO refund (id, device_id, event_id, session_id, actor_id, receipt_number, receipt_seq, practice,
            sale_id, sale_receipt_number, without_receipt, currency, tax_mode, amount_minor, discount_minor,
            net_minor, tax_minor, gross_minor, rounding_minor, total_minor, reason, approved_by, exchange_sale_id,
            refund_key, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
    )?
    .execute(rusqlite::params![
        refund_id,
        tx.device_id,
        plan.session.event_id,
        plan.session.id,
        tx.actor.id,
        receipt_number,
        seq,
        plan.session.practice,
        plan.sale.as_ref().map(|h| &h.id),
        plan.sale.as_ref().map(|h| &h.receipt_number),
        plan.sale.is_none(),
        c.code,
        plan.tax_mode.as_str(),
        plan.money.amount,
        plan.money.line_discount + plan.money.sale_discount,
        plan.money.net,
        plan.money.tax,
        plan.money.gross,
        plan.rounding,
        plan.total,
        plan.reason,
        approved_by,
        exchange_sale_id,
        refund_key,
        tx.now.utc,
        tx.now.offset_minutes
    ])
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::validation(
            "person",
            "choose who is at the till before refunding",
        ),
        _ => e.into(),
    })?;
    let mut line_figures = Vec::with_capacity(plan.lines.len());
    for (i, l) in plan.lines.iter().enumerate() {
        let line_id = new_id();
        tx.prepare_cached(
            "INSERT INTO refund_line (id, device_id, refund_id, line_no, sale_line_id, product_id, sku, name, unit,
                unit_price, quantity, quantity_milli, amount_minor, line_discount_minor, sale_discount_minor, tax_rate,
                net_minor, tax_minor, gross_minor, restock, damage_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        )?
        .execute(rusqlite::params![
            line_id,
            tx.device_id,
            refund_id,
            i as i64 + 1,
            l.sale_line_id,
            l.product_id,
            l.sku,
            l.name,
            l.unit,
            l.unit_price,
            l.quantity.to_string(),
            l.money.quantity_milli,
            l.money.amount,
            l.money.line_discount,
            l.money.sale_discount,
            l.tax_rate,
            l.money.net,
            l.money.tax,
            l.money.gross,
            !l.damaged,
            l.damage_reason
        ])?;
        line_figures.push(serde_json::json!({
            "id": line_id,
            "sale_line_id": l.sale_line_id,
            "product_id": l.product_id,
            "quantity_milli": l.money.quantity_milli,
            "amount_minor": l.money.amount,
            "net_minor": l.money.net,
            "tax_minor": l.money.tax,
            "gross_minor": l.money.gross,
            "restock": !l.damaged,
        }));
        // A rehearsal moves no real goods; a service holds no stock.
        if plan.session.practice || !l.stocked {
            continue;
        }
        // Each movement is listed by the refund's journal entry (`Tx::journal`).
        let record = |kind: MovementKind, quantity: rust_decimal::Decimal, reason: &str| {
            stock::record(
                tx,
                &Movement {
                    product_id: &l.product_id,
                    event_id: Some(&plan.session.event_id),
                    location: Location::Event,
                    kind,
                    quantity,
                    reason,
                    note: "",
                    lot_code: None,
                    source_type: "refund",
                    source_id: Some(&refund_id),
                },
            )
        };
        record(MovementKind::Return, l.quantity, "return")?;
        if l.damaged {
            record(MovementKind::Waste, -l.quantity, &l.damage_reason)?;
        }
    }
    for (n, t) in plan.tenders.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO refund_payment (id, device_id, refund_id, seq, method, amount_minor, reference)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(rusqlite::params![
            new_id(),
            tx.device_id,
            refund_id,
            n as i64 + 1,
            t.method.as_str(),
            t.amount,
            t.reference
        ])?;
    }
    let mut journal = serde_json::json!({
        "receipt_number": receipt_number,
        "sale_id": plan.sale.as_ref().map(|h| &h.id),
        "sale_receipt_number": plan.sale.as_ref().map(|h| &h.receipt_number),
        "without_receipt": plan.sale.is_none(),
        "session_id": plan.session.id,
        "event_id": plan.session.event_id,
        "practice": plan.session.practice,
        "lines": plan.lines.len(),
        "refund_lines": line_figures,
        "amount_minor": plan.money.amount,
        "discount_minor": plan.money.line_discount + plan.money.sale_discount,
        "tax_minor": plan.money.tax,
        "gross_minor": plan.money.gross,
        "rounding_minor": plan.rounding,
        "total_minor": plan.total,
        "payments": plan.tenders.iter().map(|t| serde_json::json!([t.method.as_str(), t.amount])).collect::<Vec<_>>(),
    });
    if let Some(id) = exchange_sale_id {
        journal["exchange_sale_id"] = serde_json::json!(id);
    }
    if let Some(a) = approval.filter(|_| !plan.approvals.is_empty()) {
        journal["approved_by"] = serde_json::json!(a.organizer_id());
        journal["approved"] = serde_json::json!(plan
            .approvals
            .iter()
            .map(|(action, _)| crate::shop::roles::action_name(*action))
            .collect::<Vec<_>>());
    }
    tx.journal("refund.completed", "refund", &refund_id, journal)?;
    // What the sale earned on its card, taken back for what is refunded.
    if let Some(sale) = plan.sale.as_ref().filter(|_| !plan.session.practice) {
        crate::loyalty::ledger::take_back(tx, &refund_id, &sale.id, &plan.session.event_id)?;
    }
    Ok(RefundDone {
        refund_id,
        receipt_number,
        sale_receipt_number: plan.sale.as_ref().map(|h| h.receipt_number.clone()),
        total: c.format(c.from_minor(plan.total)),
        total_minor: plan.total,
        cash: c.format(c.from_minor(cash)),
        cash_paid: cash > 0,
        practice: plan.session.practice,
    })
}

/// Make a refund in the caller's transaction: worked out again from the
/// ledger (the screen's figures are never trusted), approved when it needs
/// to be, written whole. The same key again answers with the first refund
/// and writes nothing.
pub fn refund(tx: &Tx, input: &RefundInput, approval: Option<&Approval>) -> Result<RefundDone> {
    if let Some(done) = already_refunded(tx, input)? {
        tx.already_done();
        return Ok(done);
    }
    let plan = plan::plan(tx, tx.device_id, input, None)?;
    check_approval(&plan, approval)?;
    write(tx, &plan, approval, checked_key(input)?, None)
}

/// Make a refund, asking for an organizer's PIN only when it needs one.
/// Everything that can be checked is checked before the PIN is, so a
/// refund that would be refused costs no PIN try.
pub fn refund_with_pin(
    store: &mut Store,
    actor: &Actor,
    input: &RefundInput,
    request: &ApprovalRequest,
) -> Result<RefundDone> {
    if let Some(done) = already_refunded(store.conn(), input)? {
        return Ok(done);
    }
    let plan = plan::plan(store.conn(), store.device_id(), input, None)?;
    let approval = if plan.approvals.is_empty() {
        None
    } else {
        people::approve_if_given(store, request)?
    };
    store.write(actor, |tx| refund(tx, input, approval.as_ref()))
}
