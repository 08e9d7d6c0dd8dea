//! The Z report: the numbered figures of a closed till session, frozen at
//! close (shown again, never changed). Its figures are the reporting
//! figures of the session's scope (`reporting::figures` over
//! `Scope::Session`), so a Z and a report name the same number the same
//! way. Stored as JSON in `z_report`; reports written before the figures
//! had one vocabulary (format 1) are read into today's shape, never
//! rewritten.
//!
//! The Z is issued, numbered and frozen when the cashier's count is
//! committed. What comes after the count — the reason for a variance, a
//! recount approved by an organizer — is its own append-only record, shown
//! with the Z (`CountRecord`) and never written into its frozen figures.
//!
//! Since format 3 the frozen figures carry the journal's head (`journal_head`)
//! as it stood when the Z was written, inside the close's transaction, just
//! before the close's own entry: an anchor `verify --anchor` can check.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::journal::{self, Head};
use crate::db::store::Tx;
use crate::money::Currency;
use crate::reporting::figures::{
    self, CashFigures, Money, PaymentRow, RefundFigures, SalesFigures, TaxRow, Voids,
};
use crate::reporting::scope::Scope;
use crate::till::session::Session;
use crate::{new_id, Error, Result};

/// The format a Z report's figures are stored in now.
pub const Z_FORMAT: u32 = 4;

/// The frozen figures of a closed session. Each figure is the reporting
/// figure of the same name over the session (`docs/figures.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZFigures {
    /// The stored format (`Z_FORMAT`; older ones are read into this shape).
    pub version: u32,
    pub currency: String,
    pub practice: bool,
    pub sales_count: i64,
    pub discounts: Money,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
    pub rounding: Money,
    pub total: Money,
    pub voids: Voids,
    pub average_basket: Money,
    pub tax_by_rate: Vec<TaxRow>,
    pub payments: Vec<PaymentRow>,
    /// The refunds the session paid out (format 4; none before).
    pub refunds: RefundFigures,
    /// total − refunds.total.
    pub takings: Money,
    pub cash: CashFigures,
    pub first_receipt: Option<String>,
    pub last_receipt: Option<String>,
    pub variance_reason: String,
    pub opened_at: String,
    pub closed_at: String,
    /// The journal's last entry when the Z was frozen (inside the close's
    /// transaction, the entry just before the close's own). `None` for a Z
    /// stored before format 3.
    #[serde(default)]
    pub journal_head: Option<Head>,
}

/// A Z report: its number and frozen figures, and what was recorded about
/// the count since (recounts, the reason for a variance), shown with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZReport {
    pub id: String,
    pub session_id: String,
    pub number: i64,
    pub practice: bool,
    pub at_utc: String,
    /// Frozen when the cashier's count was committed; never changed.
    pub figures: ZFigures,
    /// The counts of the drawer and their reasons, read from their own
    /// append-only records each time the report is shown.
    pub count: CountRecord,
}

/// One count of the drawer, as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CashCount {
    /// 1 for the count at close, then each recount.
    pub number: i64,
    pub counted: Money,
    /// This count − the expected cash frozen at close.
    pub variance: Money,
    pub counted_by: String,
    /// The organizer who approved a recount.
    pub approved_by: Option<String>,
    pub at_utc: String,
    /// The latest reason given for this count's variance.
    pub reason: Option<String>,
}

/// The drawer's counts after close: the latest is the one that stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountRecord {
    /// Every count, first to latest (empty for a Z written before counts
    /// were their own records: its frozen figures say it all).
    pub counts: Vec<CashCount>,
    /// The latest count and its variance.
    pub counted: Money,
    pub variance: Money,
    pub recounted: bool,
    /// The reason given for the latest count's variance.
    pub reason: Option<String>,
    /// The latest count differs from the expected cash and no reason was
    /// given for it yet.
    pub needs_reason: bool,
}

impl ZFigures {
    fn new(
        currency: &Currency,
        session: &Session,
        sales: SalesFigures,
        cash: CashFigures,
        receipts: (Option<String>, Option<String>),
        closed_at: &str,
        journal_head: Head,
    ) -> ZFigures {
        ZFigures {
            version: Z_FORMAT,
            currency: currency.code.clone(),
            practice: session.practice,
            sales_count: sales.sales_count,
            discounts: sales.discounts,
            net: sales.net,
            tax: sales.tax,
            gross: sales.gross,
            rounding: sales.rounding,
            total: sales.total,
            voids: sales.voids,
            average_basket: sales.average_basket,
            tax_by_rate: sales.tax_by_rate,
            payments: sales.payments,
            refunds: sales.refunds,
            takings: sales.takings,
            cash,
            first_receipt: receipts.0,
            last_receipt: receipts.1,
            // Given after the count, as its own record (`CountRecord`).
            variance_reason: String::new(),
            opened_at: session.opened_at.clone(),
            closed_at: closed_at.to_string(),
            journal_head: Some(journal_head),
        }
    }
}

/// Freeze the figures of `session`, just closed in `tx` (its count and
/// variance written), as the till's next numbered Z report.
pub(crate) fn write(tx: &Tx, session: &Session, currency: &Currency) -> Result<ZReport> {
    let scope = Scope::Session(session.id.clone());
    // A practice session's sales are all practice ones, and count on its Z.
    let sales = figures::sales_figures(tx, &scope, session.practice, currency)?;
    let cash = figures::cash_figures(tx, &scope, session.practice, currency)?;
    let figures = ZFigures::new(
        currency,
        session,
        sales,
        cash,
        receipts(tx, &session.id)?,
        &tx.now.utc,
        journal::head(tx)?,
    );
    let number: i64 = tx.query_row(
        "SELECT coalesce(max(number), 0) + 1 FROM z_report WHERE device_id = ?1 AND practice = ?2",
        (tx.device_id, session.practice),
        |r| r.get(0),
    )?;
    let id = new_id();
    let text = serde_json::to_string(&figures)
        .map_err(|e| Error::Integrity(format!("cannot encode the Z report: {e}")))?;
    tx.execute(
        "INSERT INTO z_report (id, device_id, session_id, number, practice, sales_count, total_minor, expected_cash_minor, counted_cash_minor, variance_minor, figures, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        rusqlite::params![
            id, tx.device_id, session.id, number, session.practice, figures.sales_count,
            figures.total.minor, figures.cash.expected.minor, figures.cash.counted.minor,
            figures.cash.variance.minor, text, tx.now.utc, tx.now.offset_minutes
        ],
    )?;
    let count = count_record(tx, &session.id, &figures)?;
    Ok(ZReport {
        id,
        session_id: session.id.clone(),
        number,
        practice: session.practice,
        at_utc: tx.now.utc.clone(),
        figures,
        count,
    })
}

/// The counts of a session's drawer and their reasons, as they stand.
fn count_record(conn: &Connection, session_id: &str, figures: &ZFigures) -> Result<CountRecord> {
    let currency = Currency::from_code(&figures.currency)?;
    let m = |minor: i64| Money::new(&currency, minor);
    let mut stmt = conn.prepare_cached(
        "SELECT c.number, c.counted_minor, c.counted_minor - c.expected_minor, c.actor_id, c.approved_by, c.at_utc,
                (SELECT r.reason FROM cash_count_reason r WHERE r.count_id = c.id ORDER BY r.at_utc DESC, r.rowid DESC LIMIT 1)
         FROM cash_count c WHERE c.session_id = ?1 ORDER BY c.number",
    )?;
    let counts = stmt
        .query_map([session_id], |r| {
            Ok(CashCount {
                number: r.get(0)?,
                counted: m(r.get(1)?),
                variance: m(r.get(2)?),
                counted_by: r.get(3)?,
                approved_by: r.get(4)?,
                at_utc: r.get(5)?,
                reason: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(match counts.last() {
        Some(latest) => CountRecord {
            counted: latest.counted.clone(),
            variance: latest.variance.clone(),
            recounted: counts.len() > 1,
            reason: latest.reason.clone(),
            needs_reason: latest.variance.minor != 0 && latest.reason.is_none(),
            counts,
        },
        // Written before counts had their own records: the frozen figures.
        None => CountRecord {
            counted: figures.cash.counted.clone(),
            variance: figures.cash.variance.clone(),
            recounted: false,
            reason: Some(figures.variance_reason.clone()).filter(|r| !r.is_empty()),
            needs_reason: false,
            counts,
        },
    })
}

/// The Z report of a closed session.
pub fn of_session(conn: &Connection, session_id: &str) -> Result<ZReport> {
    let id: String = conn
        .query_row(
            "SELECT id FROM z_report WHERE session_id = ?1",
            [session_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::not_found("Z report of till session", session_id))?;
    z_report(conn, &id)
}

/// The first and the last receipt number of a session.
fn receipts(conn: &Connection, session_id: &str) -> Result<(Option<String>, Option<String>)> {
    let receipt = |order: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row(
                &format!("SELECT receipt_number FROM sale WHERE session_id = ?1 ORDER BY receipt_seq {order} LIMIT 1"),
                [session_id],
                |r| r.get(0),
            )
            .optional()?)
    };
    Ok((receipt("ASC")?, receipt("DESC")?))
}

/// A stored Z report, exactly as it was written at close, with its counts.
pub fn z_report(conn: &Connection, id: &str) -> Result<ZReport> {
    let mut z = conn
        .query_row(
            "SELECT id, session_id, number, practice, at_utc, figures FROM z_report WHERE id = ?1",
            [id],
            read_z,
        )
        .optional()?
        .ok_or_else(|| Error::not_found("Z report", id))??;
    z.count = count_record(conn, &z.session_id, &z.figures)?;
    Ok(z)
}

/// Every Z report of this till, newest first.
pub fn z_reports(conn: &Connection) -> Result<Vec<ZReport>> {
    latest_z_reports(conn, None)
}

/// The newest `limit` Z reports (all with `None`), newest first: the Till
/// screen shows ten of a season's hundred without reading the others.
pub fn latest_z_reports(conn: &Connection, limit: Option<usize>) -> Result<Vec<ZReport>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, session_id, number, practice, at_utc, figures FROM z_report
         ORDER BY at_utc DESC LIMIT ?1",
    )?;
    let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let rows = stmt.query_map([limit], read_z)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|z| {
            let mut z = z?;
            z.count = count_record(conn, &z.session_id, &z.figures)?;
            Ok(z)
        })
        .collect()
}

fn read_z(r: &rusqlite::Row) -> rusqlite::Result<Result<ZReport>> {
    let number: i64 = r.get(2)?;
    let text: String = r.get(5)?;
    Ok(match read_figures(&text) {
        Ok(figures) => Ok(ZReport {
            id: r.get(0)?,
            session_id: r.get(1)?,
            number,
            practice: r.get::<_, i64>(3)? == 1,
            at_utc: r.get(4)?,
            count: CountRecord {
                counts: Vec::new(),
                counted: figures.cash.counted.clone(),
                variance: figures.cash.variance.clone(),
                recounted: false,
                reason: None,
                needs_reason: false,
            },
            figures,
        }),
        Err(e) => Err(Error::Integrity(format!(
            "Z report {number} cannot be read: {e}"
        ))),
    })
}

/// Stored figures in today's shape, whichever format wrote them.
pub fn read_figures(text: &str) -> std::result::Result<ZFigures, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match value.get("version").and_then(serde_json::Value::as_u64) {
        None => serde_json::from_value::<FormatOne>(value)
            .map_err(|e| e.to_string())?
            .into_current(),
        // Format 2 is format 3 without the journal's head; format 3 is
        // format 4 without refunds (a till that had none).
        Some(v) if v == 2 || v == 3 => {
            let mut value = value;
            let currency = value
                .get("currency")
                .and_then(serde_json::Value::as_str)
                .ok_or("it names no currency")?;
            let currency = Currency::from_code(currency).map_err(|e| e.to_string())?;
            let zero = serde_json::to_value(Money::new(&currency, 0)).map_err(|e| e.to_string())?;
            value["refunds"] =
                serde_json::to_value(RefundFigures::zero(&currency)).map_err(|e| e.to_string())?;
            value["takings"] = value.get("total").cloned().unwrap_or(zero.clone());
            value["cash"]["refunds"] = zero;
            serde_json::from_value(value).map_err(|e| e.to_string())
        }
        Some(v) if v == u64::from(Z_FORMAT) => {
            serde_json::from_value(value).map_err(|e| e.to_string())
        }
        Some(v) => Err(format!(
            "it was written in format {v}, by a newer version of the till"
        )),
    }
}

/// Format 1 (no `version`): amounts as text, and two names that meant
/// something else than the reporting figures — `sales_count` counted voided
/// sales too, and `net_total` was the total taken (tax included).
#[derive(Deserialize)]
struct FormatOne {
    currency: String,
    practice: bool,
    sales_count: i64,
    /// Voids made during the session.
    voids_count: i64,
    voids_total: String,
    net_total: String,
    discounts: String,
    rounding: String,
    by_method: Vec<FormatOneMethod>,
    tax_by_rate: Vec<FormatOneRate>,
    first_receipt: Option<String>,
    last_receipt: Option<String>,
    opening_float: String,
    cash_taken: String,
    change_given: String,
    cash_refunded: String,
    paid_in: String,
    paid_out: String,
    drops: String,
    expected_cash: String,
    counted_cash: String,
    variance: String,
    variance_reason: String,
    opened_at: String,
    closed_at: String,
}

#[derive(Deserialize)]
struct FormatOneMethod {
    method: String,
    count: i64,
    amount: String,
}

#[derive(Deserialize)]
struct FormatOneRate {
    rate: String,
    net: String,
    tax: String,
    gross: String,
}

impl FormatOne {
    /// Each figure from the one format 1 froze under its old name. Net, tax
    /// and gross are the sums of its rates; `sales_count` leaves out the
    /// voids it lists (at a till those are the session's own sales).
    fn into_current(self) -> std::result::Result<ZFigures, String> {
        let currency = Currency::from_code(&self.currency).map_err(|e| e.to_string())?;
        let m = |text: &str| -> std::result::Result<Money, String> {
            let value = currency
                .parse_amount("amount", text)
                .and_then(|v| currency.to_minor(v))
                .map_err(|e| e.to_string())?;
            Ok(Money::new(&currency, value))
        };
        let mut tax_by_rate = Vec::with_capacity(self.tax_by_rate.len());
        let (mut net, mut tax, mut gross) = (0, 0, 0);
        for r in &self.tax_by_rate {
            let row = TaxRow {
                rate: r.rate.clone(),
                net: m(&r.net)?,
                tax: m(&r.tax)?,
                gross: m(&r.gross)?,
            };
            net += row.net.minor;
            tax += row.tax.minor;
            gross += row.gross.minor;
            tax_by_rate.push(row);
        }
        let payments = self
            .by_method
            .iter()
            .map(|p| {
                Ok(PaymentRow {
                    method: p.method.clone(),
                    count: p.count,
                    amount: m(&p.amount)?,
                })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let sales_count = (self.sales_count - self.voids_count).max(0);
        let total = m(&self.net_total)?;
        let average_basket = figures::average_basket(&currency, total.minor, sales_count)
            .map_err(|e| e.to_string())?;
        let mut z = ZFigures {
            version: 1,
            currency: currency.code.clone(),
            practice: self.practice,
            sales_count,
            discounts: m(&self.discounts)?,
            net: Money::new(&currency, net),
            tax: Money::new(&currency, tax),
            gross: Money::new(&currency, gross),
            rounding: m(&self.rounding)?,
            total,
            voids: Voids {
                count: self.voids_count,
                total: m(&self.voids_total)?,
            },
            average_basket,
            tax_by_rate,
            payments,
            refunds: RefundFigures::zero(&currency),
            takings: Money::new(&currency, 0),
            cash: CashFigures {
                sessions: 1,
                open_sessions: 0,
                opening_float: m(&self.opening_float)?,
                taken: m(&self.cash_taken)?,
                change_given: m(&self.change_given)?,
                refunded: m(&self.cash_refunded)?,
                refunds: Money::new(&currency, 0),
                paid_in: m(&self.paid_in)?,
                paid_out: m(&self.paid_out)?,
                drops: m(&self.drops)?,
                deposits: Money::new(&currency, 0),
                expected: m(&self.expected_cash)?,
                expected_open: Some(Money::new(&currency, 0)),
                counted: m(&self.counted_cash)?,
                variance: m(&self.variance)?,
            },
            first_receipt: self.first_receipt,
            last_receipt: self.last_receipt,
            variance_reason: self.variance_reason,
            opened_at: self.opened_at,
            closed_at: self.closed_at,
            journal_head: None,
        };
        z.takings = z.total.clone();
        Ok(z)
    }
}
