//! Stock flows an organizer makes: receiving goods, loading stock out to the
//! event and back, adjusting with a reason, counting, and writing off waste.
//! Each flow is one source document: its movements share a `source_id`, and
//! one journal entry names the document and its figures.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::{self, Product};
use crate::db::store::Tx;
use crate::db::store::{Actor, Store};
use crate::money::parse_decimal;
use crate::shop::events;
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::stock::{self, to_milli, Location, Movement, MovementKind};
use crate::text::clean;
use crate::{new_id, Error, Result};

/// Why stock is adjusted by hand. `other` needs a note.
pub const ADJUST_REASONS: [&str; 8] = [
    "damaged",
    "found",
    "theft",
    "gift",
    "sample",
    "expired",
    "correction",
    "other",
];

/// One product and a quantity as a form gives it (text, validated here).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct QuantityLine {
    pub product_id: String,
    pub quantity: String,
}

/// The document a flow wrote: what the history links to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockDocument {
    pub source_type: String,
    pub source_id: String,
    pub movements: usize,
}

/// Parse a quantity for `product`: decimal, at most 3 decimals, whole for
/// products sold by the item.
pub fn parse_quantity(field: &str, text: &str, product: &Product) -> Result<Decimal> {
    let q = parse_decimal(field, text)?.normalize();
    to_milli(field, q)?;
    if product.unit == "each" && !q.fract().is_zero() {
        return Err(Error::validation(
            field,
            format!("{} is counted in whole items, not {q}", product.name),
        ));
    }
    Ok(q)
}

fn positive_quantity(field: &str, text: &str, product: &Product) -> Result<Decimal> {
    let q = parse_quantity(field, text, product)?;
    if q <= Decimal::ZERO {
        return Err(Error::validation(field, "must be more than 0"));
    }
    Ok(q)
}

fn optional_text(field: &str, text: &str, max: usize) -> Result<String> {
    clean(field, text, false, max)
}

/// The event a movement at the event belongs to: the one given, else the
/// open event.
fn event_for(tx: &Tx, event_id: Option<&str>) -> Result<String> {
    match event_id.map(str::trim).filter(|e| !e.is_empty()) {
        Some(id) => Ok(events::get(tx, id)?.id),
        None => events::current(tx)?.map(|e| e.id).ok_or_else(|| {
            Error::validation("event_id", "no event is open: choose the event this is for")
        }),
    }
}

fn optional_event(tx: &Tx, event_id: Option<&str>) -> Result<Option<String>> {
    match event_id.map(str::trim).filter(|e| !e.is_empty()) {
        Some(id) => Ok(Some(events::get(tx, id)?.id)),
        None => Ok(None),
    }
}

/// The event a movement at `location` belongs to: required at the event
/// (the open one when none is named), optional in storage.
fn event_at(tx: &Tx, location: Location, event_id: Option<&str>) -> Result<Option<String>> {
    match location {
        Location::Event => Ok(Some(event_for(tx, event_id)?)),
        Location::Storage => optional_event(tx, event_id),
    }
}

pub(crate) fn lines_field(i: usize, name: &str, many: bool) -> String {
    if many {
        format!("lines[{}].{name}", i + 1)
    } else {
        name.to_string()
    }
}

/// Goods arriving (a delivery, own production).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReceiveInput {
    pub lines: Vec<QuantityLine>,
    /// Where the goods arrive; storage unless said otherwise.
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default)]
    pub event_id: Option<String>,
    #[serde(default)]
    pub lot_code: String,
    #[serde(default)]
    pub note: String,
}

pub fn receive(tx: &Tx, input: &ReceiveInput) -> Result<StockDocument> {
    if input.lines.is_empty() {
        return Err(Error::validation("lines", "add at least one product"));
    }
    let location = input.location.unwrap_or(Location::Storage);
    let event_id = event_at(tx, location, input.event_id.as_deref())?;
    let lot = optional_text("lot_code", &input.lot_code, 64)?;
    let note = optional_text("note", &input.note, 500)?;
    let source_id = new_id();
    let many = input.lines.len() > 1;
    let mut figures = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        let product = catalog::get(tx, &line.product_id)?;
        let q = positive_quantity(&lines_field(i, "quantity", many), &line.quantity, &product)?;
        stock::record(
            tx,
            &Movement {
                product_id: &product.id,
                event_id: event_id.as_deref(),
                location,
                kind: MovementKind::Receive,
                quantity: q,
                reason: "",
                note: &note,
                lot_code: Some(lot.as_str()).filter(|l| !l.is_empty()),
                source_type: "receive",
                source_id: Some(&source_id),
            },
        )?;
        figures.push(serde_json::json!({"product_id": product.id, "quantity_milli": to_milli("quantity", q)?}));
    }
    tx.journal(
        "stock.received",
        "receive",
        &source_id,
        serde_json::json!({"location": location.as_str(), "event_id": event_id, "lines": figures}),
    )?;
    Ok(StockDocument {
        source_type: "receive".into(),
        source_id,
        movements: input.lines.len(),
    })
}

/// Which way stock moves between storage and the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Storage to the event, before it starts.
    LoadOut,
    /// The event back to storage, after it ends.
    LoadIn,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferInput {
    pub direction: Direction,
    pub lines: Vec<QuantityLine>,
    #[serde(default)]
    pub event_id: Option<String>,
    #[serde(default)]
    pub lot_code: String,
    #[serde(default)]
    pub note: String,
}

/// Load stock out to the event or back in: per product two movements (out
/// of one location, into the other) that share the transfer's id.
pub fn transfer(tx: &Tx, input: &TransferInput) -> Result<StockDocument> {
    if input.lines.is_empty() {
        return Err(Error::validation("lines", "add at least one product"));
    }
    let event_id = event_for(tx, input.event_id.as_deref())?;
    let lot = optional_text("lot_code", &input.lot_code, 64)?;
    let note = optional_text("note", &input.note, 500)?;
    let (from, to, reason) = match input.direction {
        Direction::LoadOut => (Location::Storage, Location::Event, "load-out"),
        Direction::LoadIn => (Location::Event, Location::Storage, "load-in"),
    };
    let source_id = new_id();
    let many = input.lines.len() > 1;
    let mut figures = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        let product = catalog::get(tx, &line.product_id)?;
        let q = positive_quantity(&lines_field(i, "quantity", many), &line.quantity, &product)?;
        for (location, quantity) in [(from, -q), (to, q)] {
            stock::record(
                tx,
                &Movement {
                    product_id: &product.id,
                    event_id: Some(&event_id),
                    location,
                    kind: MovementKind::Transfer,
                    quantity,
                    reason,
                    note: &note,
                    lot_code: Some(lot.as_str()).filter(|l| !l.is_empty()),
                    source_type: "transfer",
                    source_id: Some(&source_id),
                },
            )?;
        }
        figures.push(serde_json::json!({"product_id": product.id, "quantity_milli": to_milli("quantity", q)?}));
    }
    tx.journal(
        "stock.transferred",
        "transfer",
        &source_id,
        serde_json::json!({"direction": reason, "event_id": event_id, "lines": figures}),
    )?;
    // A load-out or load-in is the work of the event flow's step of that name.
    let action = match input.direction {
        Direction::LoadOut => crate::tasks::Action::LoadOut,
        Direction::LoadIn => crate::tasks::Action::LoadIn,
    };
    crate::tasks::complete_by_action(
        tx,
        &event_id,
        action,
        crate::tasks::WorkSource::Transfer,
        &source_id,
    )?;
    Ok(StockDocument {
        source_type: "transfer".into(),
        source_id,
        movements: 2 * input.lines.len(),
    })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AdjustInput {
    pub product_id: String,
    pub location: Option<Location>,
    #[serde(default)]
    pub event_id: Option<String>,
    /// Signed: `-2` takes two away, `3` adds three.
    pub quantity: String,
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

/// Correct stock by hand, with a reason from `ADJUST_REASONS` and a note.
/// Organizer-only: it changes stock without a document behind it.
pub fn adjust(tx: &Tx, approval: &Approval, input: &AdjustInput) -> Result<StockDocument> {
    let product = catalog::get(tx, &input.product_id)?;
    let q = parse_quantity("quantity", &input.quantity, &product)?;
    if q.is_zero() {
        return Err(Error::validation("quantity", "must not be zero"));
    }
    let reason = input.reason.trim();
    if !ADJUST_REASONS.contains(&reason) {
        return Err(Error::validation(
            "reason",
            format!(
                "'{reason}' is not a reason; choose one of {}",
                ADJUST_REASONS.join(", ")
            ),
        ));
    }
    let note = optional_text("note", &input.note, 500)?;
    if reason == "other" && note.is_empty() {
        return Err(Error::validation(
            "note",
            "say what happened when the reason is 'other'",
        ));
    }
    let location = input.location.unwrap_or(Location::Storage);
    let event_id = event_at(tx, location, input.event_id.as_deref())?;
    let source_id = new_id();
    stock::record(
        tx,
        &Movement {
            product_id: &product.id,
            event_id: event_id.as_deref(),
            location,
            kind: MovementKind::Adjust,
            quantity: q,
            reason,
            note: &note,
            lot_code: None,
            source_type: "adjust",
            source_id: Some(&source_id),
        },
    )?;
    tx.journal(
        "stock.adjusted",
        "adjust",
        &source_id,
        serde_json::json!({
            "product_id": product.id,
            "location": location.as_str(),
            "event_id": event_id,
            "quantity_milli": to_milli("quantity", q)?,
            "reason": reason,
            "approved_by": approval.organizer_id(),
        }),
    )?;
    Ok(StockDocument {
        source_type: "adjust".into(),
        source_id,
        movements: 1,
    })
}

/// Adjust stock approved by an organizer's PIN checked just now.
pub fn adjust_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    input: &AdjustInput,
) -> Result<StockDocument> {
    let approval = people::approve(store, request)?;
    store.write(actor, |tx| adjust(tx, &approval, input))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CountLine {
    pub product_id: String,
    /// The quantity found on the shelf.
    pub counted: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CountInput {
    pub location: Option<Location>,
    #[serde(default)]
    pub event_id: Option<String>,
    pub lines: Vec<CountLine>,
    #[serde(default)]
    pub note: String,
}

/// What a count found, per product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountResult {
    pub count_id: String,
    pub lines: Vec<CountedLine>,
    /// How many counted lines differ from what the ledger expected.
    pub differing: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountedLine {
    pub product_id: String,
    pub expected: Decimal,
    pub counted: Decimal,
    pub variance: Decimal,
}

/// Record a stock count: the counted quantity per product is kept on the
/// count document, and the ledger gets the variance (counted minus what it
/// held), so on hand equals the count afterwards. A product counted twice
/// in one count is refused. A count that records a loss (fewer than the
/// ledger holds) needs an organizer's approval (see `shop::roles`).
pub fn count(tx: &Tx, approval: Option<&Approval>, input: &CountInput) -> Result<CountResult> {
    if input.lines.is_empty() {
        return Err(Error::validation("lines", "count at least one product"));
    }
    let location = input.location.unwrap_or(Location::Storage);
    let event_id = event_at(tx, location, input.event_id.as_deref())?;
    let note = optional_text("note", &input.note, 500)?;
    let count_id = new_id();
    tx.execute(
        "INSERT INTO stock_count (id, device_id, event_id, location, note, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            count_id,
            tx.device_id,
            event_id,
            location.as_str(),
            note,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    let many = input.lines.len() > 1;
    let mut lines = Vec::with_capacity(input.lines.len());
    let mut seen = std::collections::HashSet::new();
    for (i, line) in input.lines.iter().enumerate() {
        let field = lines_field(i, "counted", many);
        let product = catalog::get(tx, &line.product_id)?;
        if !seen.insert(product.id.clone()) {
            return Err(Error::validation(
                field,
                format!("{} is in this count twice", product.name),
            ));
        }
        let counted = parse_quantity(&field, &line.counted, &product)?;
        if counted.is_sign_negative() && !counted.is_zero() {
            return Err(Error::validation(
                field,
                format!("a count cannot be negative ({counted})"),
            ));
        }
        let expected = stock::on_hand_at(tx, &product.id, location)?;
        let variance = counted - expected;
        if variance.is_sign_negative() && !variance.is_zero() && approval.is_none() {
            return Err(Error::ApprovalNeeded(
                "A stock count that records a loss needs an organizer's PIN".into(),
            ));
        }
        tx.execute(
            "INSERT INTO stock_count_line (count_id, product_id, expected_milli, counted_milli) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![count_id, product.id, to_milli(&field, expected)?, to_milli(&field, counted)?],
        )?;
        stock::record(
            tx,
            &Movement {
                product_id: &product.id,
                event_id: event_id.as_deref(),
                location,
                kind: MovementKind::Count,
                quantity: variance,
                reason: "",
                note: &note,
                lot_code: None,
                source_type: "count",
                source_id: Some(&count_id),
            },
        )?;
        lines.push(CountedLine {
            product_id: product.id,
            expected,
            counted,
            variance,
        });
    }
    let variance_milli: i64 = lines
        .iter()
        .map(|l| to_milli("variance", l.variance))
        .sum::<Result<i64>>()?;
    tx.journal(
        "stock.counted",
        "count",
        &count_id,
        serde_json::json!({
            "location": location.as_str(),
            "event_id": event_id,
            "products": lines.len(),
            "variance_milli": variance_milli,
            "approved_by": approval.map(|a| a.organizer_id()),
        }),
    )?;
    // A count for an event is the work of its flow's next stock-count step.
    if let Some(event_id) = &event_id {
        crate::tasks::complete_by_action(
            tx,
            event_id,
            crate::tasks::Action::StockCount,
            crate::tasks::WorkSource::Count,
            &count_id,
        )?;
    }
    let differing = lines.iter().filter(|l| !l.variance.is_zero()).count();
    Ok(CountResult {
        count_id,
        lines,
        differing,
    })
}

/// Record a count; the approval is checked first when a PIN was given or
/// an organizer is at the till.
pub fn count_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    input: &CountInput,
) -> Result<CountResult> {
    let approval = people::approve_if_given(store, request)?;
    store.write(actor, |tx| count(tx, approval.as_ref(), input))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WasteInput {
    pub product_id: String,
    pub location: Option<Location>,
    #[serde(default)]
    pub event_id: Option<String>,
    /// How much was thrown away (positive).
    pub quantity: String,
    #[serde(default)]
    pub note: String,
}

/// Write off stock that was broken, spoiled or spilled.
/// An organizer's approval is the proof this needs (see `shop::roles`).
pub fn waste(tx: &Tx, _approval: &Approval, input: &WasteInput) -> Result<StockDocument> {
    let product = catalog::get(tx, &input.product_id)?;
    let q = positive_quantity("quantity", &input.quantity, &product)?;
    let note = optional_text("note", &input.note, 500)?;
    let location = input.location.unwrap_or(Location::Storage);
    let event_id = event_at(tx, location, input.event_id.as_deref())?;
    let source_id = new_id();
    stock::record(
        tx,
        &Movement {
            product_id: &product.id,
            event_id: event_id.as_deref(),
            location,
            kind: MovementKind::Waste,
            quantity: -q,
            reason: "waste",
            note: &note,
            lot_code: None,
            source_type: "waste",
            source_id: Some(&source_id),
        },
    )?;
    tx.journal(
        "stock.wasted",
        "waste",
        &source_id,
        serde_json::json!({
            "product_id": product.id,
            "location": location.as_str(),
            "event_id": event_id,
            "quantity_milli": -to_milli("quantity", q)?,
        }),
    )?;
    Ok(StockDocument {
        source_type: "waste".into(),
        source_id,
        movements: 1,
    })
}
