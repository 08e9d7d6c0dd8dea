//! Till sessions: the drawer from the counted opening float to the blind
//! count at close. Owns cash paid in / paid out / dropped, the expected-cash
//! formula, the variance, and the numbered Z report that freezes a closed
//! session's figures (it can be shown again, never changed).
//!
//! Expected cash = float + cash taken − change given − cash refunded (voids
//! of cash sales, in the session that voided them) + paid in − paid out − drops.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::store::Tx;
use crate::money::Currency;
use crate::text::clean;
use crate::{new_id, shop::events, shop::settings, Error, Result};

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

/// The frozen figures of a closed session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZFigures {
    pub currency: String,
    pub practice: bool,
    /// Completed sales of the session, voided ones included.
    pub sales_count: i64,
    /// Voids made in this session (of any sale of this till).
    pub voids_count: i64,
    pub voids_total: String,
    /// Completed sales minus voided ones.
    pub net_total: String,
    pub gross_total: String,
    pub discounts: String,
    pub rounding: String,
    pub by_method: Vec<MethodTotal>,
    pub tax_by_rate: Vec<RateTotal>,
    pub first_receipt: Option<String>,
    pub last_receipt: Option<String>,
    pub opening_float: String,
    pub cash_taken: String,
    pub change_given: String,
    pub cash_refunded: String,
    pub paid_in: String,
    pub paid_out: String,
    pub drops: String,
    pub expected_cash: String,
    pub counted_cash: String,
    pub variance: String,
    pub variance_reason: String,
    pub opened_at: String,
    pub closed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodTotal {
    pub method: String,
    pub count: i64,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTotal {
    pub rate: String,
    pub net: String,
    pub tax: String,
    pub gross: String,
}

/// A Z report: its number and frozen figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZReport {
    pub id: String,
    pub session_id: String,
    pub number: i64,
    pub practice: bool,
    pub at_utc: String,
    pub figures: ZFigures,
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
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .optional()?;
    match found {
        None => Err(Error::Conflict(
            "no till session is open: open the till with a counted float first".into(),
        )),
        Some((_, status, name)) if status != "open" => Err(Error::Conflict(format!(
            "'{name}' is {status}: close this till session and count the drawer"
        ))),
        Some((till, _, _)) => Ok(till),
    }
}

/// Open a session on the open event with a counted float.
pub fn open(tx: &Tx, input: &OpenInput) -> Result<Session> {
    let currency = settings::load(tx)?.currency;
    let event = events::current(tx)?.ok_or_else(|| {
        Error::Conflict("no event is open: open today's event before the till".into())
    })?;
    if current(tx, tx.device_id)?.is_some() {
        return Err(Error::Conflict(
            "a till session is already open on this till: close it first".into(),
        ));
    }
    let (float, denominations) = match &input.denominations {
        Some(pieces) if pieces.values().any(|c| !c.trim().is_empty()) => {
            let (total, text) = count_pieces(&currency, pieces)?;
            (total, Some(text))
        }
        _ => (
            currency.to_minor(currency.parse_non_negative("float", &input.float)?)?,
            None,
        ),
    };
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
        serde_json::json!({"event_id": event.id, "opening_float_minor": float, "practice": input.practice}),
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

/// Cash paid in, paid out or dropped (taken to the safe), with a reason.
pub fn move_cash(tx: &Tx, kind: CashKind, amount: &str, reason: &str) -> Result<String> {
    let currency = settings::load(tx)?.currency;
    let session = require_open(tx, tx.device_id)?;
    let value = currency.parse_non_negative("amount", amount)?;
    let minor = currency.to_minor(value)?;
    if minor == 0 {
        return Err(Error::validation("amount", "enter an amount more than 0"));
    }
    let reason = clean("reason", reason, true, 200)?;
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
        serde_json::json!({"session_id": session.id, "amount_minor": minor}),
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
    pub paid_in: i64,
    pub paid_out: i64,
    pub drops: i64,
}

impl CashParts {
    pub fn expected(&self) -> i64 {
        self.float + self.taken - self.change - self.refunded + self.paid_in
            - self.paid_out
            - self.drops
    }
}

/// The cash figures of a session as they stand now.
pub fn cash_parts(conn: &Connection, session_id: &str) -> Result<CashParts> {
    let float: i64 = conn.query_row(
        "SELECT opening_float_minor FROM till_session WHERE id = ?1",
        [session_id],
        |r| r.get(0),
    )?;
    let (taken, change): (i64, i64) = conn.query_row(
        "SELECT coalesce(sum(p.tendered_minor), 0), coalesce(sum(p.change_minor), 0)
         FROM sale s JOIN payment p ON p.sale_id = s.id
         WHERE s.session_id = ?1 AND p.method = 'cash'",
        [session_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let refunded: i64 = conn.query_row(
        "SELECT coalesce(sum(p.amount_minor), 0)
         FROM sale_void v JOIN payment p ON p.sale_id = v.sale_id
         WHERE v.session_id = ?1 AND p.method = 'cash'",
        [session_id],
        |r| r.get(0),
    )?;
    let by_kind = |kind: &str| -> Result<i64> {
        Ok(conn.query_row(
            "SELECT coalesce(sum(amount_minor), 0) FROM cash_movement WHERE session_id = ?1 AND kind = ?2",
            (session_id, kind),
            |r| r.get(0),
        )?)
    };
    Ok(CashParts {
        float,
        taken,
        change,
        refunded,
        paid_in: by_kind("paid_in")?,
        paid_out: by_kind("paid_out")?,
        drops: by_kind("drop")?,
    })
}

/// What the cashier counted at close.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CloseInput {
    pub counted: String,
    #[serde(default)]
    pub denominations: Option<BTreeMap<String, String>>,
    /// Required when the count differs from what is expected.
    #[serde(default)]
    pub reason: String,
}

/// Close the open session with a blind count and write its Z report.
pub fn close(tx: &Tx, input: &CloseInput) -> Result<ZReport> {
    let currency = settings::load(tx)?.currency;
    let session = require_open(tx, tx.device_id)?;
    let (counted, counted_denoms) = match &input.denominations {
        Some(pieces) if pieces.values().any(|c| !c.trim().is_empty()) => {
            let (total, text) = count_pieces(&currency, pieces)?;
            (total, Some(text))
        }
        _ => (
            currency.to_minor(currency.parse_non_negative("counted", &input.counted)?)?,
            None,
        ),
    };
    let parts = cash_parts(tx, &session.id)?;
    let expected = parts.expected();
    let variance = counted - expected;
    let reason = clean("reason", &input.reason, false, 200)?;
    if variance != 0 && reason.is_empty() {
        return Err(Error::validation(
            "reason",
            format!(
                "the count is {} {} than expected: say why (e.g. change given wrongly)",
                currency.format(currency.from_minor(variance.abs())),
                if variance > 0 { "more" } else { "less" }
            ),
        ));
    }
    tx.execute(
        "UPDATE till_session SET closed_by = ?2, closed_at = ?3, closed_offset_minutes = ?4, counted_minor = ?5,
           counted_denominations = ?6, expected_minor = ?7, variance_minor = ?8, variance_reason = ?9
         WHERE id = ?1",
        rusqlite::params![
            session.id,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes,
            counted,
            counted_denoms,
            expected,
            variance,
            reason
        ],
    )?;
    let figures = figures(
        tx,
        &session,
        &currency,
        parts,
        counted,
        &reason,
        &tx.now.utc,
    )?;
    let number: i64 = tx.query_row(
        "SELECT coalesce(max(number), 0) + 1 FROM z_report WHERE device_id = ?1 AND practice = ?2",
        (tx.device_id, session.practice),
        |r| r.get(0),
    )?;
    let id = new_id();
    let text = serde_json::to_string(&figures)
        .map_err(|e| Error::Integrity(format!("cannot encode the Z report: {e}")))?;
    let total: i64 = tx.query_row(
        "SELECT coalesce(sum(s.total_minor), 0) FROM sale s
         WHERE s.session_id = ?1 AND NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)",
        [&session.id],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO z_report (id, device_id, session_id, number, practice, sales_count, total_minor, expected_cash_minor, counted_cash_minor, variance_minor, figures, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        rusqlite::params![
            id, tx.device_id, session.id, number, session.practice, figures.sales_count, total,
            expected, counted, variance, text, tx.now.utc, tx.now.offset_minutes
        ],
    )?;
    tx.journal(
        "till_session.closed",
        "till_session",
        &session.id,
        serde_json::json!({
            "z_report_id": id, "z_number": number, "expected_minor": expected,
            "counted_minor": counted, "variance_minor": variance, "total_minor": total,
        }),
    )?;
    // Closing a live till with its count is the work of the close-till step.
    if !session.practice {
        crate::tasks::complete_by_action(
            tx,
            &session.event_id,
            crate::tasks::Action::CloseTill,
            crate::tasks::WorkSource::TillSession,
            &session.id,
        )?;
    }
    Ok(ZReport {
        id,
        session_id: session.id,
        number,
        practice: session.practice,
        at_utc: tx.now.utc.clone(),
        figures,
    })
}

fn figures(
    conn: &Connection,
    session: &Session,
    currency: &Currency,
    parts: CashParts,
    counted: i64,
    reason: &str,
    closed_at: &str,
) -> Result<ZFigures> {
    let f = |m: i64| currency.format(currency.from_minor(m));
    let live = "NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)";
    let (sales_count, gross, net, discounts, rounding): (i64, i64, i64, i64, i64) = conn
        .query_row(
            &format!(
                "SELECT count(*), coalesce(sum(total_minor), 0),
                    coalesce(sum(CASE WHEN {live} THEN total_minor ELSE 0 END), 0),
                    coalesce(sum(CASE WHEN {live} THEN discount_minor ELSE 0 END), 0),
                    coalesce(sum(CASE WHEN {live} THEN rounding_minor ELSE 0 END), 0)
                 FROM sale s WHERE s.session_id = ?1"
            ),
            [&session.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
    let (voids_count, voids_total): (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(s.total_minor), 0) FROM sale_void v JOIN sale s ON s.id = v.sale_id WHERE v.session_id = ?1",
        [&session.id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut by_method = Vec::new();
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT p.method, count(*), sum(p.amount_minor) FROM sale s JOIN payment p ON p.sale_id = s.id
             WHERE s.session_id = ?1 AND {live} GROUP BY p.method
             ORDER BY CASE p.method WHEN 'cash' THEN 1 WHEN 'card' THEN 2 WHEN 'mobile' THEN 3 ELSE 4 END"
        ))?;
        let rows = stmt.query_map([&session.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (method, count, amount) = row?;
            by_method.push(MethodTotal {
                method,
                count,
                amount: f(amount),
            });
        }
    }
    let mut tax_by_rate = Vec::new();
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT l.tax_rate, sum(l.net_minor), sum(l.tax_minor), sum(l.gross_minor)
             FROM sale s JOIN sale_line l ON l.sale_id = s.id
             WHERE s.session_id = ?1 AND {live} GROUP BY l.tax_rate ORDER BY CAST(l.tax_rate AS REAL)"
        ))?;
        let rows = stmt.query_map([&session.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (rate, net, tax, gross) = row?;
            tax_by_rate.push(RateTotal {
                rate,
                net: f(net),
                tax: f(tax),
                gross: f(gross),
            });
        }
    }
    let receipt = |order: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row(
                &format!("SELECT receipt_number FROM sale WHERE session_id = ?1 ORDER BY receipt_seq {order} LIMIT 1"),
                [&session.id],
                |r| r.get(0),
            )
            .optional()?)
    };
    let expected = parts.expected();
    Ok(ZFigures {
        currency: currency.code.clone(),
        practice: session.practice,
        sales_count,
        voids_count,
        voids_total: f(voids_total),
        net_total: f(net),
        gross_total: f(gross),
        discounts: f(discounts),
        rounding: f(rounding),
        by_method,
        tax_by_rate,
        first_receipt: receipt("ASC")?,
        last_receipt: receipt("DESC")?,
        opening_float: f(parts.float),
        cash_taken: f(parts.taken),
        change_given: f(parts.change),
        cash_refunded: f(parts.refunded),
        paid_in: f(parts.paid_in),
        paid_out: f(parts.paid_out),
        drops: f(parts.drops),
        expected_cash: f(expected),
        counted_cash: f(counted),
        variance: f(counted - expected),
        variance_reason: reason.to_string(),
        opened_at: session.opened_at.clone(),
        closed_at: closed_at.to_string(),
    })
}

fn read_z(r: &rusqlite::Row) -> rusqlite::Result<(String, String, i64, bool, String, String)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get::<_, i64>(3)? == 1,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn z_from(row: (String, String, i64, bool, String, String)) -> Result<ZReport> {
    let (id, session_id, number, practice, at_utc, text) = row;
    let figures = serde_json::from_str(&text)
        .map_err(|e| Error::Integrity(format!("Z report {number} cannot be read: {e}")))?;
    Ok(ZReport {
        id,
        session_id,
        number,
        practice,
        at_utc,
        figures,
    })
}

/// A stored Z report, exactly as it was written at close.
pub fn z_report(conn: &Connection, id: &str) -> Result<ZReport> {
    let row = conn
        .query_row(
            "SELECT id, session_id, number, practice, at_utc, figures FROM z_report WHERE id = ?1",
            [id],
            read_z,
        )
        .optional()?
        .ok_or_else(|| Error::not_found("Z report", id))?;
    z_from(row)
}

/// Every Z report of this till, newest first.
pub fn z_reports(conn: &Connection) -> Result<Vec<ZReport>> {
    let mut stmt = conn.prepare(
        "SELECT id, session_id, number, practice, at_utc, figures FROM z_report ORDER BY at_utc DESC",
    )?;
    let rows = stmt.query_map([], read_z)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(z_from(row?)?);
    }
    Ok(out)
}

/// Close the open session, then checkpoint the WAL: closing the till is an
/// idle moment, the right time to fold the day's log into the database.
pub fn close_with_checkpoint(
    store: &mut crate::Store,
    actor: &crate::Actor,
    input: &CloseInput,
) -> Result<ZReport> {
    let z = store.write(actor, |tx| close(tx, input))?;
    // The till is closed and its Z report saved: a checkpoint that fails
    // now only leaves the log for the next idle moment, so it is not an
    // error of the close.
    let _ = store.checkpoint();
    Ok(z)
}
