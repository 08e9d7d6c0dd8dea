//! Pre-orders: items paid at the till and handed over later (a sold-out
//! size, a capsule drop). Owns the order (append-only), the customer's
//! contact (kept apart in `order_contact`, only for that order) and
//! fulfilments, which move the stock when the goods are handed over. The
//! checkout calls `create` inside its sale transaction.
//!
//! A contact is kept only while the till may still need to reach the
//! customer. It is purged (the row deleted; the order and its handovers
//! stay) when its order is
//! - **fulfilled**, and the last handover is older than the retention
//!   period (setting `order_contact_retention_days`, default 30 days);
//! - **voided**: the sale that paid for it was voided, so nothing will be
//!   handed over — purged at once;
//! - **stale**: still open (nothing or only part handed over), and its
//!   event closed longer ago than the retention period.
//!
//! The purge runs every time the till starts (`crate::open_till`, for the
//! window and the command line) and when the Tasks screen shows the
//! orders. It is one transaction with one journal entry (order ids and the
//! count, never contact data), and writes nothing when nothing is due. The
//! database deletes with `secure_delete` on, so the text does not linger in
//! the file's free pages.

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::db::store::{Actor, Tx};
use crate::shop::people::{Approval, ApprovalRequest};
use crate::shop::retention::Retention;
use crate::stock::{self, from_milli, to_milli, Location, Movement, MovementKind};
use crate::text::clean;
use crate::{catalog, new_id, shop::events, tasks, Error, Result, Store};

/// The setting that holds how many days a fulfilled order's contact is kept.
pub const RETENTION_KEY: &str = "order_contact_retention_days";
pub const DEFAULT_RETENTION_DAYS: i64 = 30;
pub const MAX_RETENTION_DAYS: i64 = 365;
/// The pre-order contacts' retention period (see `shop::retention`).
pub const RETENTION: Retention = Retention {
    key: RETENTION_KEY,
    field: "retention_days",
    default_days: DEFAULT_RETENTION_DAYS,
    min_days: 0,
    max_days: MAX_RETENTION_DAYS,
};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderInput {
    #[serde(default)]
    pub sale_id: Option<String>,
    #[serde(default)]
    pub sale_line_id: Option<String>,
    pub product_id: String,
    pub quantity: Decimal,
    pub contact: ContactInput,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Open,
    Partly,
    Fulfilled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    pub id: String,
    pub event_id: String,
    pub sale_id: Option<String>,
    pub product_id: String,
    pub product_name: String,
    pub unit: String,
    pub quantity: Decimal,
    pub handed_over: Decimal,
    pub remaining: Decimal,
    pub status: OrderStatus,
    /// None once purged.
    pub contact: Option<Contact>,
    pub at_utc: String,
}

fn validate_contact(c: &ContactInput) -> Result<Contact> {
    let name = clean("contact.name", &c.name, true, 120)?;
    let phone = clean("contact.phone", &c.phone, false, 40)?;
    let email = clean("contact.email", &c.email, false, 200)?;
    if phone.is_empty() && email.is_empty() {
        return Err(Error::validation(
            "contact.phone",
            "give a phone number or an email so the customer can be reached",
        ));
    }
    if !phone.is_empty()
        && !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err(Error::validation(
            "contact.phone",
            format!("'{phone}' is not a phone number"),
        ));
    }
    if !email.is_empty() {
        let ok = email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !email.contains(' ')
        });
        if !ok {
            return Err(Error::validation(
                "contact.email",
                format!("'{email}' is not an email address"),
            ));
        }
    }
    Ok(Contact { name, phone, email })
}

/// Record an order for the open event, with its contact. Called by the
/// checkout inside its sale transaction; journals the order (ids and
/// figures only, never the contact).
pub fn create(tx: &Tx, input: &OrderInput) -> Result<Order> {
    let event = events::current(tx)?.ok_or_else(|| {
        Error::Conflict("no event is open; orders are taken during an open event".into())
    })?;
    let product = catalog::get(tx, &input.product_id)?;
    let milli = to_milli("quantity", input.quantity)?;
    if milli <= 0 {
        return Err(Error::validation("quantity", "must be more than zero"));
    }
    let contact = validate_contact(&input.contact)?;
    let id = new_id();
    tx.execute(
        "INSERT INTO customer_order (id, device_id, event_id, sale_id, sale_line_id, product_id, quantity_milli, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            id,
            tx.device_id,
            event.id,
            input.sale_id,
            input.sale_line_id,
            product.id,
            milli,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    tx.execute(
        "INSERT INTO order_contact (order_id, name, phone, email) VALUES (?1, ?2, ?3, ?4)",
        (&id, &contact.name, &contact.phone, &contact.email),
    )?;
    tx.journal(
        "order.created",
        "order",
        &id,
        serde_json::json!({
            "event_id": event.id, "sale_id": input.sale_id, "sale_line_id": input.sale_line_id,
            "product_id": product.id, "quantity": from_milli(milli).to_string(),
        }),
    )?;
    get(tx, &id)
}

const SELECT: &str =
    "SELECT o.id, o.event_id, o.sale_id, o.product_id, p.name, p.unit, o.quantity_milli,
        (SELECT coalesce(sum(f.quantity_milli), 0) FROM order_fulfilment f WHERE f.order_id = o.id),
        c.name, c.phone, c.email, o.at_utc
    FROM customer_order o JOIN product p ON p.id = o.product_id
    LEFT JOIN order_contact c ON c.order_id = o.id";

fn read_order(r: &rusqlite::Row) -> rusqlite::Result<Order> {
    let quantity: i64 = r.get(6)?;
    let handed: i64 = r.get(7)?;
    let name: Option<String> = r.get(8)?;
    Ok(Order {
        id: r.get(0)?,
        event_id: r.get(1)?,
        sale_id: r.get(2)?,
        product_id: r.get(3)?,
        product_name: r.get(4)?,
        unit: r.get(5)?,
        quantity: from_milli(quantity),
        handed_over: from_milli(handed),
        remaining: from_milli(quantity - handed),
        status: if handed == 0 {
            OrderStatus::Open
        } else if handed < quantity {
            OrderStatus::Partly
        } else {
            OrderStatus::Fulfilled
        },
        contact: match name {
            Some(name) => Some(Contact {
                name,
                phone: r.get(9)?,
                email: r.get(10)?,
            }),
            None => None,
        },
        at_utc: r.get(11)?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Order> {
    conn.query_row(&format!("{SELECT} WHERE o.id = ?1"), [id], read_order)
        .optional()?
        .ok_or_else(|| Error::not_found("order", id))
}

/// Orders of an event (or of every event), oldest first; only those with
/// something left to hand over when `open_only`.
pub fn list(conn: &Connection, event_id: Option<&str>, open_only: bool) -> Result<Vec<Order>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE (?1 IS NULL OR o.event_id = ?1) ORDER BY o.at_utc, o.id"
    ))?;
    let rows = stmt.query_map([event_id], read_order)?;
    let mut out = Vec::new();
    for row in rows {
        let order = row?;
        let open = order.status != OrderStatus::Fulfilled && !sale_voided(conn, &order)?;
        if !open_only || open {
            out.push(order);
        }
    }
    Ok(out)
}

/// Whether the sale that paid for the order was voided (its money went back).
fn sale_voided(conn: &Connection, order: &Order) -> Result<bool> {
    let Some(sale_id) = &order.sale_id else {
        return Ok(false);
    };
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sale_void WHERE sale_id = ?1)",
        [sale_id],
        |r| r.get(0),
    )?)
}

/// Hand over an order, wholly (`quantity` None: all that is left) or
/// partly. Records the stock movement now (from the event while it is
/// open, from storage after it), journals it, and when the event has no
/// open order left, completes its fulfil-orders step.
pub fn fulfil(tx: &Tx, order_id: &str, quantity: Option<Decimal>) -> Result<Order> {
    let order = get(tx, order_id)?;
    if order.status == OrderStatus::Fulfilled {
        return Err(Error::Conflict(
            "this order was already handed over in full".into(),
        ));
    }
    if sale_voided(tx, &order)? {
        return Err(Error::Conflict(
            "the sale of this order was voided and its money given back: nothing to hand over"
                .into(),
        ));
    }
    let qty = quantity.unwrap_or(order.remaining);
    let milli = to_milli("quantity", qty)?;
    if milli <= 0 {
        return Err(Error::validation("quantity", "must be more than zero"));
    }
    if qty > order.remaining {
        return Err(Error::validation(
            "quantity",
            format!(
                "{qty} is more than the {} {} left to hand over",
                order.remaining, order.unit
            ),
        ));
    }
    let event = events::get(tx, &order.event_id)?;
    let location = if event.status == events::EventStatus::Open {
        Location::Event
    } else {
        Location::Storage
    };
    let movement_id = stock::record(
        tx,
        &Movement {
            product_id: &order.product_id,
            event_id: Some(&order.event_id),
            location,
            kind: MovementKind::Fulfil,
            quantity: -qty,
            reason: "pre-order handed over",
            note: "",
            lot_code: None,
            source_type: "order",
            source_id: Some(order_id),
        },
    )?;
    let id = new_id();
    tx.execute(
        "INSERT INTO order_fulfilment (id, device_id, order_id, quantity_milli, movement_id, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            id,
            tx.device_id,
            order_id,
            milli,
            movement_id,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes
        ],
    )?;
    let after = get(tx, order_id)?;
    tx.journal(
        "order.fulfilled",
        "order",
        order_id,
        serde_json::json!({
            "event_id": order.event_id, "fulfilment_id": id, "movement_id": movement_id,
            "quantity": qty.to_string(), "remaining": after.remaining.to_string(),
        }),
    )?;
    if list(tx, Some(&order.event_id), true)?.is_empty() {
        tasks::complete_by_action(
            tx,
            &order.event_id,
            tasks::Action::FulfilOrders,
            tasks::WorkSource::Order,
            order_id,
        )?;
    }
    Ok(after)
}

/// `fulfil` with the quantity as a person types it: empty for all that is left.
pub fn fulfil_typed(tx: &Tx, order_id: &str, quantity: &str) -> Result<Order> {
    let quantity = match quantity.trim() {
        "" => None,
        text => Some(crate::money::parse_decimal("quantity", text)?),
    };
    fulfil(tx, order_id, quantity)
}

/// Days a fulfilled order's contact is kept.
pub fn retention_days(conn: &Connection) -> Result<i64> {
    RETENTION.days(conn)
}

/// Change the retention period (an organizer's setting).
pub fn set_retention_days(tx: &Tx, approval: &Approval, days: &str) -> Result<i64> {
    RETENTION.set(tx, approval, days)
}

pub fn set_retention_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    days: &str,
) -> Result<i64> {
    let approval = crate::shop::people::approve_setup(store, request)?;
    store.write(actor, |tx| set_retention_days(tx, &approval, days))
}

/// Ids of the orders whose contact the till no longer needs (the rule in
/// the module doc): fulfilled past the retention period, voided, or stale.
fn due_for_purge(conn: &Connection, now_utc: &str) -> Result<Vec<String>> {
    let days = retention_days(conn)?;
    let cutoff = crate::db::clock::parse_utc(now_utc)
        .map(|t| t - chrono::Duration::days(days))
        .ok_or_else(|| Error::Integrity(format!("'{now_utc}' is not a time")))?
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    // Times are stored as UTC RFC 3339 text with milliseconds, so text order
    // is time order. An event's closing time is its `event.closed` journal
    // entry (the event row keeps only its status).
    let mut stmt = conn.prepare(
        "SELECT o.id FROM customer_order o JOIN order_contact c ON c.order_id = o.id
         WHERE
           -- fulfilled, the last handover older than the period
           (SELECT coalesce(sum(f.quantity_milli), 0) >= o.quantity_milli AND max(f.at_utc) <= ?1
              FROM order_fulfilment f WHERE f.order_id = o.id)
           -- voided: the money went back, nothing will be handed over
           OR EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = o.sale_id)
           -- stale: still open, its event closed longer ago than the period
           OR EXISTS (SELECT 1 FROM event e JOIN audit_log j
                        ON j.entity = 'event' AND j.entity_id = e.id AND j.action = 'event.closed'
                      WHERE e.id = o.event_id AND e.status = 'closed' AND j.at_utc <= ?1)
         ORDER BY o.id",
    )?;
    let ids = stmt.query_map([cutoff], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Delete the contacts the till no longer needs (see `due_for_purge`) and
/// journal the order ids and the count (never contact data).
fn purge_contacts(tx: &Tx) -> Result<usize> {
    let ids = due_for_purge(tx, &tx.now.utc)?;
    for id in &ids {
        tx.execute("DELETE FROM order_contact WHERE order_id = ?1", [id])?;
    }
    tx.journal(
        "order.contacts_purged",
        "order",
        "",
        serde_json::json!({
            "order_ids": ids, "count": ids.len(), "retention_days": retention_days(tx)?,
        }),
    )?;
    Ok(ids.len())
}

/// Purge when anything is due, as one transaction with its journal entry;
/// writes nothing at all otherwise. Run at start-up (`crate::open_till`)
/// and when the Tasks screen shows the orders.
pub fn purge_due_contacts(store: &mut Store, actor: &Actor) -> Result<usize> {
    if due_for_purge(store.conn(), &store.now().utc)?.is_empty() {
        return Ok(0);
    }
    store.write(actor, purge_contacts)
}
