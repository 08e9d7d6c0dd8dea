//! Closing a till session blind: the cashier's count recorded as entered
//! (the append-only `cash_count`), the Z report numbered and frozen in the
//! same transaction, the reason for a variance given after it as its own
//! record, and a recount only with an organizer's approval, every count
//! kept. Opening, cash movements and the expected-cash formula are
//! `session`'s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::session::*;
use crate::db::store::Tx;
use crate::money::Currency;
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::text::clean;
use crate::till::z_report::{self, ZReport};
use crate::{new_id, shop::settings, Error, Result};

/// What the cashier counted: at close, or again at a recount.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CountInput {
    pub counted: String,
    #[serde(default)]
    pub denominations: Option<BTreeMap<String, String>>,
}

/// The count at close is a count like any other.
pub type CloseInput = CountInput;

/// The count as entered, in minor units, with its pieces when counted by
/// coins and notes. Its errors name the field and nothing else: no
/// expected cash, no difference.
fn counted(currency: &Currency, input: &CountInput) -> Result<(i64, Option<String>)> {
    Ok(match &input.denominations {
        Some(pieces) if pieces.values().any(|c| !c.trim().is_empty()) => {
            let (total, text) = count_pieces(currency, pieces)?;
            (total, Some(text))
        }
        _ => (
            currency.to_minor(currency.parse_non_negative("counted", &input.counted)?)?,
            None,
        ),
    })
}

/// Record a count of `session`'s drawer as entered: a row of the
/// append-only `cash_count` ledger, journaled. Returns its number.
fn record_count(
    tx: &Tx,
    session_id: &str,
    counted: (i64, Option<String>),
    expected: i64,
    approved_by: Option<&str>,
) -> Result<i64> {
    let number: i64 = tx.query_row(
        "SELECT coalesce(max(number), 0) + 1 FROM cash_count WHERE session_id = ?1",
        [session_id],
        |r| r.get(0),
    )?;
    let id = new_id();
    tx.execute(
        "INSERT INTO cash_count (id, device_id, session_id, number, counted_minor, counted_denominations, expected_minor, actor_id, approved_by, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        rusqlite::params![
            id, tx.device_id, session_id, number, counted.0, counted.1, expected,
            tx.actor.id, approved_by, tx.now.utc, tx.now.offset_minutes
        ],
    )?;
    tx.journal(
        if number == 1 {
            "cash_count.counted"
        } else {
            "cash_count.recounted"
        },
        "cash_count",
        &id,
        serde_json::json!({
            "session_id": session_id, "number": number, "counted_minor": counted.0,
            "expected_minor": expected, "approved_by": approved_by,
        }),
    )?;
    Ok(number)
}

/// Close the open session with a blind count and write its Z report.
///
/// The count is recorded as entered and the session closes with it:
/// nothing is asked of the cashier that depends on what was expected, so
/// nothing this returns before the count is committed (its errors) carries
/// the expected cash or the variance. Those appear on the Z report; a
/// reason for a variance is given afterwards (`give_reason`).
pub fn close(tx: &Tx, input: &CloseInput) -> Result<ZReport> {
    let currency = settings::load(tx)?.currency;
    let session = require_open(tx, tx.device_id)?;
    let count = counted(&currency, input)?;
    let counted = count.0;
    let expected = cash_parts(tx, &session.id)?.expected();
    let variance = counted - expected;
    tx.execute(
        "UPDATE till_session SET closed_by = ?2, closed_at = ?3, closed_offset_minutes = ?4, counted_minor = ?5,
           counted_denominations = ?6, expected_minor = ?7, variance_minor = ?8, variance_reason = ''
         WHERE id = ?1",
        rusqlite::params![
            session.id,
            tx.actor.id,
            tx.now.utc,
            tx.now.offset_minutes,
            counted,
            count.1,
            expected,
            variance,
        ],
    )?;
    record_count(tx, &session.id, count, expected, None)?;
    let z = z_report::write(tx, &session, &currency)?;
    tx.journal(
        "till_session.closed",
        "till_session",
        &session.id,
        serde_json::json!({
            "z_report_id": z.id, "z_number": z.number, "expected_minor": expected,
            "counted_minor": counted, "variance_minor": variance, "total_minor": z.figures.total.minor,
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
    Ok(z)
}

/// A closed session and the expected cash frozen at its close.
fn closed(tx: &Tx, session_id: &str) -> Result<(Session, i64)> {
    let session = get(tx, session_id)?;
    if session.closed_at.is_none() {
        return Err(Error::Conflict(
            "this till session is still open: close it with a count first".into(),
        ));
    }
    let expected: i64 = tx.query_row(
        "SELECT expected_minor FROM till_session WHERE id = ?1",
        [session_id],
        |r| r.get(0),
    )?;
    Ok((session, expected))
}

/// Count a closed session's drawer again, with an organizer's approval.
/// Every count is kept; the latest is the one the figures follow, and the
/// Z report (its number and frozen figures unchanged) shows the recount.
pub fn recount(
    tx: &Tx,
    approval: &Approval,
    session_id: &str,
    input: &CountInput,
) -> Result<ZReport> {
    let currency = settings::load(tx)?.currency;
    let (_, expected) = closed(tx, session_id)?;
    let count = counted(&currency, input)?;
    record_count(
        tx,
        session_id,
        count,
        expected,
        Some(approval.organizer_id()),
    )?;
    z_report::of_session(tx, session_id)
}

/// `recount` with the organizer's PIN checked first (the one approval path).
pub fn recount_with_pin(
    store: &mut crate::Store,
    actor: &crate::Actor,
    session_id: &str,
    input: &CountInput,
    request: &ApprovalRequest,
) -> Result<ZReport> {
    let approval = people::approve(store, request)?;
    store.write(actor, |tx| recount(tx, &approval, session_id, input))
}

/// The reason the latest count of a closed session differs from what was
/// expected, recorded after the count as its own append-only row.
pub fn give_reason(tx: &Tx, session_id: &str, reason: &str) -> Result<ZReport> {
    closed(tx, session_id)?;
    let reason = clean("reason", reason, true, 200)?;
    let (count_id, variance): (String, i64) = tx.query_row(
        "SELECT count_id, variance_minor FROM latest_cash_count WHERE session_id = ?1",
        [session_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if variance == 0 {
        return Err(Error::Conflict(
            "the count matches the expected cash: there is nothing to explain".into(),
        ));
    }
    let id = new_id();
    tx.execute(
        "INSERT INTO cash_count_reason (id, device_id, count_id, reason, actor_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![id, tx.device_id, count_id, reason, tx.actor.id, tx.now.utc, tx.now.offset_minutes],
    )?;
    // Journaled against the count it explains.
    tx.journal(
        "cash_count.reason",
        "cash_count",
        &count_id,
        serde_json::json!({"session_id": session_id, "reason_id": id}),
    )?;
    z_report::of_session(tx, session_id)
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
