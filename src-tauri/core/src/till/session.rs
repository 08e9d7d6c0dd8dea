//! Till sessions: the drawer from the counted opening float to the blind
//! count at close. Owns opening, cash paid in / paid out / dropped, the
//! expected-cash formula and the variance. A float or a cash movement above
//! the shop's limits needs an organizer's approval; a paid out or a drop of
//! more than the drawer should hold is refused. The blind close (the count
//! as entered, the reason after, a recount with approval) is in `close`,
//! re-exported here; it writes the Z report (`z_report`).
//!
//! Expected cash = float + cash taken − change given − cash refunded (voids
//! of cash sales, in the session that voided them) − cash refunds (paid out
//! by refunds in the session, whatever the sale's day) + paid in − paid out
//! − drops.

use std::collections::BTreeMap;

use rusqlite::{params_from_iter, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::db::store::Tx;
use crate::money::Currency;
use crate::reporting::scope::{Filter, Scope};
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::text::clean;
use crate::{new_id, shop::events, shop::settings, Error, Result};

// The close lives in `close.rs`; callers keep writing `session::close`.
pub use super::close::{
    close, close_with_checkpoint, give_reason, recount, recount_with_pin, CloseInput, CountInput,
};

/// An open or closed session, as the till shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub id: String,
    pub event_id: String,
    pub practice: bool,
    pub opened_by: String,
    pub opened_at: String,
    pub opening_float_minor: i64,
    pub opening_float: String,
    pub closed_at: Option<String>,
}

/// What the cashier counted when opening.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OpenInput {
    /// The float as one amount, e.g. `150.00`. Ignored when denominations
    /// are given (their sum is the float).
    #[serde(default)]
    pub float: String,
    /// Optional count by denomination: face value text -> number of pieces.
    #[serde(default)]
    pub denominations: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub practice: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CashKind {
    PaidIn,
    PaidOut,
    Drop,
}

impl CashKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CashKind::PaidIn => "paid_in",
            CashKind::PaidOut => "paid_out",
            CashKind::Drop => "drop",
        }
    }
}

const COLUMNS: &str =
    "id, event_id, practice, opened_by, opened_at, opening_float_minor, closed_at";

fn read_session(currency: &Currency) -> impl Fn(&rusqlite::Row) -> rusqlite::Result<Session> + '_ {
    move |r| {
        let float: i64 = r.get(5)?;
        Ok(Session {
            id: r.get(0)?,
            event_id: r.get(1)?,
            practice: r.get::<_, i64>(2)? == 1,
            opened_by: r.get(3)?,
            opened_at: r.get(4)?,
            opening_float_minor: float,
            opening_float: currency.format(currency.from_minor(float)),
            closed_at: r.get(6)?,
        })
    }
}

/// The open session of this device, if any.
pub fn current(conn: &Connection, device_id: &str) -> Result<Option<Session>> {
    let currency = settings::load(conn)?.currency;
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM till_session WHERE device_id = ?1 AND closed_at IS NULL"
            ),
            [device_id],
            read_session(&currency),
        )
        .optional()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Session> {
    let currency = settings::load(conn)?.currency;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM till_session WHERE id = ?1"),
        [id],
        read_session(&currency),
    )
    .optional()?
    .ok_or_else(|| Error::not_found("till session", id))
}

/// The open session, or the error a cashier sees when there is none.
pub fn require_open(conn: &Connection, device_id: &str) -> Result<Session> {
    current(conn, device_id)?.ok_or_else(|| {
        Error::Conflict("no till session is open: open the till with a counted float first".into())
    })
}

/// Sum a count by denomination (face value -> number of pieces, as typed);
/// returns the total in minor units and the count as canonical JSON.
pub fn count_pieces(
    currency: &Currency,
    pieces: &BTreeMap<String, String>,
) -> Result<(i64, String)> {
    let mut total = 0i64;
    let mut canonical = BTreeMap::new();
    for (face, count) in pieces {
        let count = count.trim();
        if count.is_empty() {
            continue;
        }
        let value = currency.parse_non_negative("denominations", face)?;
        if value.is_zero() {
            return Err(Error::validation(
                "denominations",
                format!("'{face}' is not a coin or note value"),
            ));
        }
        let n: i64 = count.parse().ok().filter(|n| *n >= 0).ok_or_else(|| {
            Error::validation(
                "denominations",
                format!("'{count}' pieces of {face}: enter a whole number, 0 or more"),
            )
        })?;
        total = currency
            .to_minor(value)?
            .checked_mul(n)
            .and_then(|v| v.checked_add(total))
            .ok_or_else(|| Error::validation("denominations", "the count is too large"))?;
        canonical.insert(currency.format(value), n);
    }
    let text = serde_json::to_string(&canonical)
        .map_err(|e| Error::Integrity(format!("cannot encode the denominations: {e}")))?;
    Ok((total, text))
}

/// The open session as a sale needs it: id, event and series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenTill {
    pub id: String,
    pub event_id: String,
    pub practice: bool,
}

/// The open session for a sale: one cached statement, no formatting. A
/// session whose event was closed meanwhile sells nothing more.
pub fn open_till(conn: &Connection, device_id: &str) -> Result<OpenTill> {
    let found = conn
        .prepare_cached(
            "SELECT s.id, s.event_id, s.practice, e.status, e.name FROM till_session s JOIN event e ON e.id = s.event_id
             WHERE s.device_id = ?1 AND s.closed_at IS NULL",
        )?
        .query_row([device_id], |r| {
            Ok((
                OpenTill {
                    id: r.get(0)?,
                    event_id: r.get(1)?,
                    practice: r.get(2)?,
                },
                r.get::<_, events::EventStatus>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .optional()?;
    match found {
        None => Err(Error::Conflict(
            "no till session is open: open the till with a counted float first".into(),
        )),
        Some((_, status, name)) if status != events::EventStatus::Open => Err(Error::Conflict(
            format!("'{name}' is {status}: close this till session and count the drawer"),
        )),
        Some((till, _, _)) => Ok(till),
    }
}

/// The float as counted, in minor units, with its pieces.
fn opening_float(currency: &Currency, input: &OpenInput) -> Result<(i64, Option<String>)> {
    Ok(match &input.denominations {
        Some(pieces) if pieces.values().any(|c| !c.trim().is_empty()) => {
            let (total, text) = count_pieces(currency, pieces)?;
            (total, Some(text))
        }
        _ => (
            currency.to_minor(currency.parse_non_negative("float", &input.float)?)?,
            None,
        ),
    })
}

/// Whether this float is above the shop's limit (an organizer approves).
pub fn float_needs_approval(conn: &Connection, input: &OpenInput) -> Result<bool> {
    let settings = settings::load(conn)?;
    let (float, _) = opening_float(&settings.currency, input)?;
    Ok(float > settings.currency.to_minor(settings.limits.float_max)?)
}

/// Whether the open event is live: its start time has come (a practice
/// session before the doors open is a rehearsal; during the event it would
/// take cash outside the figures, so an organizer approves it).
fn is_live(now: &crate::db::clock::Stamp, event: &events::Event) -> bool {
    let local = crate::db::clock::parse_utc(&now.utc).map(|utc| {
        let offset = chrono::FixedOffset::east_opt(now.offset_minutes * 60)
            .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("UTC"));
        utc.with_timezone(&offset)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    });
    local.is_some_and(|local| event.starts_at.as_str() <= local.as_str())
}

/// Open a session on the open event with a counted float, within the
/// shop's float limit.
pub fn open(tx: &Tx, input: &OpenInput) -> Result<Session> {
    open_approved(tx, None, input)
}

/// Open a session; a float above the limit needs `approval`.
pub fn open_approved(tx: &Tx, approval: Option<&Approval>, input: &OpenInput) -> Result<Session> {
    let settings = settings::load(tx)?;
    let currency = settings.currency;
    let event = events::current(tx)?.ok_or_else(|| {
        Error::Conflict("no event is open: open today's event before the till".into())
    })?;
    if current(tx, tx.device_id)?.is_some() {
        return Err(Error::Conflict(
            "a till session is already open on this till: close it first".into(),
        ));
    }
    if input.practice && approval.is_none() && is_live(&tx.now, &event) {
        return Err(Error::ApprovalNeeded(format!(
            "'{}' is live: a practice session during it needs an organizer's PIN",
            event.name
        )));
    }
    let (float, denominations) = opening_float(&currency, input)?;
    let float_max = settings.limits.float_max;
    if float > currency.to_minor(float_max)? && approval.is_none() {
        return Err(Error::ApprovalNeeded(format!(
            "an organizer's PIN is needed for a float over {}",
            currency.format(float_max)
        )));
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO till_session (id, device_id, event_id, practice, opened_by, opened_at, opened_offset_minutes, opening_float_minor, opening_denominations)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            id,
            tx.device_id,
            event.id,
            input.practice,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes,
            float,
            denominations
        ],
    )
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::validation(
            "person",
            "choose who is at the till (a cashier or organizer) before opening it",
        ),
        _ => e.into(),
    })?;
    tx.journal(
        "till_session.opened",
        "till_session",
        &id,
        serde_json::json!({
            "event_id": event.id, "opening_float_minor": float, "practice": input.practice,
            "approved_by": approval.map(|a| a.organizer_id()),
        }),
    )?;
    // A live till opened with its float is the work of the flow's open-till step.
    if !input.practice {
        crate::tasks::complete_by_action(
            tx,
            &event.id,
            crate::tasks::Action::OpenTill,
            crate::tasks::WorkSource::TillSession,
            &id,
        )?;
    }
    get(tx, &id)
}

/// `open` with the organizer's PIN checked first when the float is above
/// the limit (the one approval path); no PIN is asked otherwise.
pub fn open_with_pin(
    store: &mut crate::Store,
    actor: &crate::Actor,
    input: &OpenInput,
    request: &ApprovalRequest,
) -> Result<Session> {
    let now = crate::db::clock::Stamp::from_local(store.now_local());
    let live = input.practice && events::current(store.conn())?.is_some_and(|e| is_live(&now, &e));
    let approval = if live || float_needs_approval(store.conn(), input)? {
        people::approve_if_given(store, request)?
    } else {
        None
    };
    store.write(actor, |tx| open_approved(tx, approval.as_ref(), input))
}

/// A cash movement checked against the drawer: the amount in minor units,
/// and whether it is above the shop's limit (an organizer approves). A paid
/// out or a drop of more than the drawer should hold is refused without
/// saying what it should hold: the close is blind.
fn checked_move(
    conn: &Connection,
    device_id: &str,
    kind: CashKind,
    amount: &str,
) -> Result<(Session, i64, bool)> {
    let settings = settings::load(conn)?;
    let currency = &settings.currency;
    let session = require_open(conn, device_id)?;
    let value = currency.parse_non_negative("amount", amount)?;
    let minor = currency.to_minor(value)?;
    if minor == 0 {
        return Err(Error::validation("amount", "enter an amount more than 0"));
    }
    let ceiling = currency.to_minor(Decimal::from(settings::LIMIT_CEILING_AMOUNT))?;
    if minor > ceiling {
        return Err(Error::validation(
            "amount",
            format!(
                "{} is more than a till moves at once",
                currency.format(value)
            ),
        ));
    }
    if kind != CashKind::PaidIn && minor > cash_parts(conn, &session.id)?.expected() {
        let what = if kind == CashKind::Drop {
            "drop"
        } else {
            "paid out"
        };
        return Err(Error::validation(
            "amount",
            format!(
                "this {what} is more than the drawer can hold: count what you take out, and enter no more than that"
            ),
        ));
    }
    let over = minor > currency.to_minor(settings.limits.cash_move_max)?;
    Ok((session, minor, over))
}

/// Whether this cash movement is above the shop's limit. Its errors are the
/// movement's own (an amount the drawer cannot give is refused outright).
pub fn move_needs_approval(
    conn: &Connection,
    device_id: &str,
    kind: CashKind,
    amount: &str,
) -> Result<bool> {
    Ok(checked_move(conn, device_id, kind, amount)?.2)
}

/// Cash paid in, paid out or dropped (taken to the safe), with a reason,
/// within the shop's limit.
pub fn move_cash(tx: &Tx, kind: CashKind, amount: &str, reason: &str) -> Result<String> {
    move_cash_approved(tx, None, kind, amount, reason)
}

/// `move_cash` with the organizer's PIN checked first when the amount is
/// above the limit (the one approval path); no PIN is asked otherwise.
pub fn move_cash_with_pin(
    store: &mut crate::Store,
    actor: &crate::Actor,
    kind: CashKind,
    amount: &str,
    reason: &str,
    request: &ApprovalRequest,
) -> Result<String> {
    // Check the reason before asking for the PIN, so a slip costs no PIN try.
    clean("reason", reason, true, 200)?;
    let approval = if move_needs_approval(store.conn(), store.device_id(), kind, amount)? {
        people::approve_if_given(store, request)?
    } else {
        None
    };
    store.write(actor, |tx| {
        move_cash_approved(tx, approval.as_ref(), kind, amount, reason)
    })
}

/// Cash paid in, paid out or dropped; above the limit it needs `approval`.
pub fn move_cash_approved(
    tx: &Tx,
    approval: Option<&Approval>,
    kind: CashKind,
    amount: &str,
    reason: &str,
) -> Result<String> {
    let (session, minor, over) = checked_move(tx, tx.device_id, kind, amount)?;
    let reason = clean("reason", reason, true, 200)?;
    if over && approval.is_none() {
        let limits = settings::load(tx)?;
        return Err(Error::ApprovalNeeded(format!(
            "an organizer's PIN is needed for a {} over {}",
            kind.as_str().replace('_', " "),
            limits.currency.format(limits.limits.cash_move_max)
        )));
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO cash_movement (id, device_id, session_id, kind, amount_minor, reason, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![id, tx.device_id, session.id, kind.as_str(), minor, reason, tx.actor.id, tx.now.utc, tx.now.offset_minutes],
    )?;
    tx.journal(
        &format!("cash.{}", kind.as_str()),
        "cash_movement",
        &id,
        serde_json::json!({
            "session_id": session.id, "amount_minor": minor,
            "approved_by": approval.map(|a| a.organizer_id()),
        }),
    )?;
    Ok(id)
}

/// The parts of the expected-cash formula, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CashParts {
    pub float: i64,
    pub taken: i64,
    pub change: i64,
    pub refunded: i64,
    /// Cash paid out by refunds made in the session.
    pub refunds: i64,
    pub paid_in: i64,
    pub paid_out: i64,
    pub drops: i64,
    /// Deposits paid back in cash for containers brought back: on their
    /// own, and in a sale what they came to beyond its total.
    pub deposits: i64,
}

impl CashParts {
    pub fn expected(&self) -> i64 {
        self.float + self.taken - self.change - self.refunded - self.refunds + self.paid_in
            - self.paid_out
            - self.drops
            - self.deposits
    }
}

/// The cash figures of a session as they stand now.
pub fn cash_parts(conn: &Connection, session_id: &str) -> Result<CashParts> {
    cash_parts_of(conn, &Scope::Session(session_id.to_string()).sessions(true))
}

/// The cash figures of the sessions `sessions` selects (alias `t`), summed.
/// Refunds count in the session that made the void, whichever sold the sale.
pub(crate) fn cash_parts_of(conn: &Connection, sessions: &Filter) -> Result<CashParts> {
    // CROSS JOIN keeps SQLite walking from the scope's sessions to their
    // sales and payments: left to itself it starts from every cash payment
    // in the file (`payment_by_method`), so a close or a report would slow
    // down as the season's file grows.
    let sum = |sql: &str| -> Result<(i64, i64, i64)> {
        Ok(conn.query_row(
            &format!("{sql} WHERE {}", sessions.sql),
            params_from_iter(sessions.params.iter()),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    };
    let (float, _, _) =
        sum("SELECT coalesce(sum(t.opening_float_minor), 0), 0, 0 FROM till_session t")?;
    let (taken, change, _) = sum(
        "SELECT coalesce(sum(p.tendered_minor), 0), coalesce(sum(p.change_minor), 0), 0
         FROM till_session t CROSS JOIN sale s ON s.session_id = t.id
         CROSS JOIN payment p ON p.sale_id = s.id AND p.method = 'cash'",
    )?;
    let (refunded, _, _) = sum("SELECT coalesce(sum(p.amount_minor), 0), 0, 0
         FROM till_session t CROSS JOIN sale_void v ON v.session_id = t.id
         CROSS JOIN payment p ON p.sale_id = v.sale_id AND p.method = 'cash'")?;
    let (refunds, _, _) = sum("SELECT coalesce(sum(p.amount_minor), 0), 0, 0
         FROM till_session t CROSS JOIN refund r ON r.session_id = t.id
         CROSS JOIN refund_payment p ON p.refund_id = r.id AND p.method = 'cash'")?;
    let (paid_in, paid_out, drops) = sum(
        "SELECT coalesce(sum(c.amount_minor) FILTER (WHERE c.kind = 'paid_in'), 0),
                coalesce(sum(c.amount_minor) FILTER (WHERE c.kind = 'paid_out'), 0),
                coalesce(sum(c.amount_minor) FILTER (WHERE c.kind = 'drop'), 0)
         FROM till_session t JOIN cash_movement c ON c.session_id = t.id",
    )?;
    let (deposits, _, _) = sum("SELECT coalesce(sum(d.amount_minor), 0), 0, 0
         FROM till_session t CROSS JOIN deposit_return d ON d.session_id = t.id AND d.method = 'cash'")?;
    // Containers brought back in a sale pay it first; what they pay beyond
    // its total left the drawer in cash.
    let beyond: i64 = conn.query_row(
        &format!(
            "SELECT coalesce(sum(x), 0) FROM (
                 SELECT max(0, sum(d.amount_minor) - s.total_minor) AS x
                 FROM till_session t CROSS JOIN deposit_return d ON d.session_id = t.id AND d.method = 'sale'
                 JOIN sale s ON s.id = d.sale_id
                 WHERE {} GROUP BY s.id)",
            sessions.sql
        ),
        params_from_iter(sessions.params.iter()),
        |r| r.get(0),
    )?;
    let deposits = deposits + beyond;
    Ok(CashParts {
        deposits,
        float,
        taken,
        change,
        refunded,
        refunds,
        paid_in,
        paid_out,
        drops,
    })
}
