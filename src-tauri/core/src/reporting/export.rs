//! The export for the accountant: one event or a date range written as a
//! folder of CSV files (one per table, plus `summary.csv` with the report's
//! totals), a Frictionless `datapackage.json` describing every column, and a
//! `manifest.json` with the SHA-256 of every file and the journal's head hash.
//!
//! Rules the files keep:
//! - RFC 4180 through the `csv` crate, UTF-8 (optional BOM for Excel),
//!   times ISO 8601 with the device's offset, `.` as the decimal mark (or
//!   `;` separators with `,` decimals for comma-locale spreadsheets).
//! - Text a person typed that starts with `=`, `+`, `-`, `@`, tab or CR gets
//!   a leading `'` (OWASP's CSV-injection advice) so a spreadsheet shows it
//!   instead of running it. Numbers we format ourselves are left alone.
//! - No personal data: people appear as ids only; card numbers' last digits
//!   and free-text payment references are left out.
//! - Everything is read in one snapshot, written into a hidden temporary
//!   folder beside the target and renamed into place at the end, so a
//!   failure (a full disk, say) leaves no partial export behind.
//! - An event (or range) without sales is refused: an accountant's package
//!   of empty files is more likely a wrong choice than a wish.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, SecondsFormat};
use rusqlite::types::ValueRef;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::csv_cell::{self, inert};
use crate::db::journal;
use crate::db::store::{Actor, Store};
use crate::money::Currency;
use crate::reporting::report::{self, Filter, Scope};
use crate::{new_id, shop::settings, Error, Result};

/// How to write the files.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub scope: Scope,
    /// The folder to create; it must not exist yet, or be empty.
    pub out: PathBuf,
    /// `;` between fields and `,` as the decimal mark.
    pub semicolon: bool,
    /// Start each CSV file with a UTF-8 byte-order mark (Excel needs it to
    /// read UTF-8).
    pub bom: bool,
    pub include_practice: bool,
}

/// An export as the window or a script asks for it, in text; `options`
/// checks it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ExportRequest {
    #[serde(default)]
    pub event_id: Option<String>,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub out: String,
    #[serde(default)]
    pub semicolon: bool,
    #[serde(default)]
    pub bom: bool,
    #[serde(default)]
    pub include_practice: bool,
}

impl ExportRequest {
    pub fn options(&self) -> Result<ExportOptions> {
        let scope = match self.event_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => Scope::Event(id.to_string()),
            _ if self.from.trim().is_empty() && self.to.trim().is_empty() => {
                return Err(Error::validation(
                    "event",
                    "choose an event, or a first and last date",
                ))
            }
            _ => Scope::range(&self.from, &self.to)?,
        };
        let out = self.out.trim();
        if out.is_empty() {
            return Err(Error::validation("out", "type the folder to export to"));
        }
        let out = PathBuf::from(out);
        if !out.is_absolute() {
            return Err(Error::validation(
                "out",
                format!(
                    "'{}' is not a full path; type the whole path, e.g. /home/me/exports/market",
                    out.display()
                ),
            ));
        }
        Ok(ExportOptions {
            scope,
            out,
            semicolon: self.semicolon,
            bom: self.bom,
            include_practice: self.include_practice,
        })
    }
}

/// Where a long export is, for a progress bar.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub file: String,
    pub rows_done: u64,
    pub rows_total: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    /// Data rows (without the header) for CSV files.
    pub rows: Option<u64>,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportResult {
    pub folder: String,
    pub files: Vec<FileEntry>,
    pub journal_head_hash: String,
    pub journal_entries: i64,
    pub sales: i64,
    pub total: String,
}

/// How a column's values are written and described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text (ids, codes or what a person typed): made inert if need be.
    Text,
    Integer,
    /// INTEGER minor units written as a decimal amount.
    Money,
    /// Canonical decimal text (prices, quantities, rates).
    Decimal,
    /// INTEGER thousandths written as a decimal quantity.
    Milli,
    /// Two SQL columns, UTC text and offset minutes, written as one local
    /// ISO 8601 time with its offset.
    DateTime,
    Boolean,
}

struct Column {
    name: &'static str,
    kind: Kind,
    description: &'static str,
}

const fn col(name: &'static str, kind: Kind, description: &'static str) -> Column {
    Column {
        name,
        kind,
        description,
    }
}

struct Table {
    name: &'static str,
    title: &'static str,
    columns: &'static [Column],
    primary_key: &'static [&'static str],
    /// (column, resource, column) to join on.
    foreign_keys: &'static [(&'static str, &'static str, &'static str)],
}

use Kind::{Boolean, DateTime as Time, Decimal as Dec, Integer, Milli, Money as Amount, Text};

const SALES: Table = Table {
    name: "sales",
    title: "Sales (voided ones flagged)",
    columns: &[
        col("id", Text, "Sale id"),
        col("receipt_number", Text, "Printed receipt number"),
        col("event_id", Text, "Event id"),
        col("session_id", Text, "Till session id (till_sessions.csv)"),
        col("device_id", Text, "Till (device) id"),
        col("cashier_id", Text, "Cashier's person id"),
        col("practice", Boolean, "A practice sale (not real takings)"),
        col(
            "voided",
            Boolean,
            "The sale was voided afterwards; it does not count",
        ),
        col("currency", Text, "ISO 4217 currency code"),
        col(
            "tax_mode",
            Text,
            "Prices include tax (inclusive) or not (exclusive)",
        ),
        col("subtotal", Amount, "Subtotal after discounts"),
        col("discount", Amount, "Line and whole-sale discounts"),
        col(
            "sale_discount",
            Amount,
            "Whole-sale discount (part of discount)",
        ),
        col("tax", Amount, "Tax"),
        col("rounding", Amount, "Cash rounding"),
        col(
            "total",
            Amount,
            "Total taken = sum of line gross + rounding",
        ),
        col(
            "approved_by",
            Text,
            "Organizer id who approved an override, if any",
        ),
        col("stock_warning", Boolean, "A line drove stock below zero"),
        col("at", Time, "Time of sale, local with offset"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("session_id", "till_sessions", "id")],
};
const SALES_SQL: &str = "SELECT s.id, s.receipt_number, s.event_id, s.session_id, s.device_id, s.cashier_id, s.practice,
        EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id), s.currency, s.tax_mode, s.subtotal_minor,
        s.discount_minor, s.sale_discount_minor, s.tax_minor, s.rounding_minor, s.total_minor, s.approved_by,
        s.stock_warning, s.at_utc, s.utc_offset_minutes
 FROM sale s WHERE {f} ORDER BY s.at_utc, s.id";

const SALE_LINES: Table = Table {
    name: "sale_lines",
    title: "Lines of the sales",
    columns: &[
        col("id", Text, "Line id"),
        col("sale_id", Text, "Sale id (sales.csv)"),
        col("line_no", Integer, "Line number on the receipt"),
        col("product_id", Text, "Product id"),
        col("sku", Text, "Product code at the time of sale"),
        col("name", Text, "Product name at the time of sale"),
        col("unit", Text, "each, kg or l"),
        col("unit_price", Dec, "Unit price charged"),
        col(
            "list_unit_price",
            Dec,
            "Catalog price when the price was overridden",
        ),
        col("quantity", Dec, "Quantity sold"),
        col("amount", Amount, "Line amount before discounts"),
        col("line_discount", Amount, "Discount on this line"),
        col(
            "sale_discount",
            Amount,
            "This line's share of the whole-sale discount",
        ),
        col("tax_rate", Dec, "Tax rate in percent"),
        col("net", Amount, "Net (without tax) after discounts"),
        col("tax", Amount, "Tax"),
        col("gross", Amount, "Gross = net + tax"),
        col("handover_later", Boolean, "Paid now, handed over later"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("sale_id", "sales", "id")],
};
const SALE_LINES_SQL: &str = "SELECT l.id, l.sale_id, l.line_no, l.product_id, l.sku, l.name, l.unit, l.unit_price,
        l.list_unit_price, l.quantity, l.amount_minor, l.line_discount_minor, l.sale_discount_minor, l.tax_rate,
        l.net_minor, l.tax_minor, l.gross_minor, l.handover_later
 FROM sale s JOIN sale_line l ON l.sale_id = s.id WHERE {f} ORDER BY s.at_utc, s.id, l.line_no";

const PAYMENTS: Table = Table {
    name: "payments",
    title: "Payments of the sales",
    columns: &[
        col("id", Text, "Payment id"),
        col("sale_id", Text, "Sale id (sales.csv)"),
        col("seq", Integer, "Payment number within the sale"),
        col("method", Text, "cash, card, mobile or other"),
        col(
            "amount",
            Amount,
            "Amount counted toward the sale (tendered - change)",
        ),
        col("tendered", Amount, "Amount handed over"),
        col("change", Amount, "Change given"),
        col("auth_code", Text, "Card terminal authorisation code"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("sale_id", "sales", "id")],
};
const PAYMENTS_SQL: &str = "SELECT p.id, p.sale_id, p.seq, p.method, p.amount_minor, p.tendered_minor, p.change_minor, p.auth_code
 FROM sale s JOIN payment p ON p.sale_id = s.id WHERE {f} ORDER BY s.at_utc, s.id, p.seq";

const TILL_SESSIONS: Table = Table {
    name: "till_sessions",
    title: "Till sessions: float, count and variance",
    columns: &[
        col("id", Text, "Session id"),
        col("device_id", Text, "Till (device) id"),
        col("event_id", Text, "Event id"),
        col("practice", Boolean, "A practice session"),
        col("opened_by", Text, "Person id who opened it"),
        col("opened_at", Time, "Opened, local with offset"),
        col("opening_float", Amount, "Counted opening float"),
        col("closed_by", Text, "Person id who closed it"),
        col("closed_at", Time, "Closed, local with offset"),
        col("counted", Amount, "Cash counted at close"),
        col("expected", Amount, "Cash expected at close"),
        col("variance", Amount, "counted - expected"),
        col("variance_reason", Text, "Reason given for a variance"),
    ],
    primary_key: &["id"],
    foreign_keys: &[],
};
const TILL_SESSIONS_SQL: &str = "SELECT t.id, t.device_id, t.event_id, t.practice, t.opened_by, t.opened_at, t.opened_offset_minutes,
        t.opening_float_minor, t.closed_by, t.closed_at, t.closed_offset_minutes, t.counted_minor, t.expected_minor,
        t.variance_minor, t.variance_reason
 FROM till_session t WHERE {f} ORDER BY t.opened_at, t.id";

const CASH_MOVEMENTS: Table = Table {
    name: "cash_movements",
    title: "Cash paid in, paid out or dropped outside a sale",
    columns: &[
        col("id", Text, "Movement id"),
        col("session_id", Text, "Till session id (till_sessions.csv)"),
        col("kind", Text, "paid_in, paid_out or drop"),
        col(
            "amount",
            Amount,
            "Amount (always positive; kind gives the direction)",
        ),
        col("reason", Text, "Reason given"),
        col("actor_id", Text, "Person id"),
        col("at", Time, "Time, local with offset"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("session_id", "till_sessions", "id")],
};
const CASH_MOVEMENTS_SQL: &str = "SELECT c.id, c.session_id, c.kind, c.amount_minor, c.reason, c.actor_id, c.at_utc, c.utc_offset_minutes
 FROM till_session t JOIN cash_movement c ON c.session_id = t.id WHERE {f} ORDER BY c.at_utc, c.id";

const STOCK_MOVEMENTS: Table = Table {
    name: "stock_movements",
    title: "Stock ledger: every move of a product",
    columns: &[
        col("id", Text, "Movement id"),
        col("product_id", Text, "Product id"),
        col("event_id", Text, "Event id"),
        col("location", Text, "storage or event"),
        col(
            "kind",
            Text,
            "receive, transfer, sale, return, void, adjust, count, waste, refill or fulfil",
        ),
        col(
            "quantity",
            Milli,
            "Signed quantity: positive into the location",
        ),
        col("reason", Text, "Reason given"),
        col("note", Text, "Note"),
        col("lot_code", Text, "Lot code"),
        col("source_type", Text, "Document the move came from"),
        col("source_id", Text, "Id of that document (e.g. a sale id)"),
        col("actor_id", Text, "Person id"),
        col("at", Time, "Time, local with offset"),
    ],
    primary_key: &["id"],
    foreign_keys: &[],
};
const STOCK_MOVEMENTS_SQL: &str = "SELECT m.id, m.product_id, m.event_id, m.location, m.kind, m.quantity_milli, m.reason, m.note, m.lot_code,
        m.source_type, m.source_id, m.actor_id, m.at_utc, m.utc_offset_minutes
 FROM stock_movement m WHERE {f} ORDER BY m.at_utc, m.id";

const VISITORS: Table = Table {
    name: "visitors",
    title: "Footfall tally: +1 taps, manual counts and corrections",
    columns: &[
        col("id", Text, "Tally id"),
        col("event_id", Text, "Event id"),
        col("delta", Integer, "Visitors added (negative: a correction)"),
        col("source", Text, "tap or manual"),
        col("actor_id", Text, "Person id"),
        col("at", Time, "Time, local with offset"),
    ],
    primary_key: &["id"],
    foreign_keys: &[],
};
const VISITORS_SQL: &str =
    "SELECT t.id, t.event_id, t.delta, t.source, t.actor_id, t.at_utc, t.utc_offset_minutes
 FROM visitor_tally t WHERE {f} ORDER BY t.at_utc, t.id";

const JOURNAL: Table = Table {
    name: "journal",
    title: "Audit journal entries of the period (hash-chained)",
    columns: &[
        col("seq", Integer, "Entry number"),
        col("id", Text, "Entry id"),
        col("device_id", Text, "Till (device) id"),
        col("at_utc", Text, "Time exactly as hashed (UTC)"),
        col(
            "utc_offset_minutes",
            Integer,
            "Device offset from UTC in minutes, as hashed",
        ),
        col("actor_id", Text, "Person id or system actor"),
        col("action", Text, "What was done"),
        col("entity", Text, "Kind of record changed"),
        col("entity_id", Text, "Id of the record changed"),
        col("details", Text, "Canonical JSON of ids and figures"),
        col("prev_hash", Text, "Hash of the entry before"),
        col(
            "hash",
            Text,
            "SHA-256 of this entry (see the journal format)",
        ),
    ],
    primary_key: &["seq"],
    foreign_keys: &[],
};
const JOURNAL_SQL: &str = "SELECT j.seq, j.id, j.device_id, j.at_utc, j.utc_offset_minutes, j.actor_id, j.action, j.entity,
        j.entity_id, j.details, j.prev_hash, j.hash
 FROM audit_log j WHERE j.at_utc >= ? AND j.at_utc <= ? ORDER BY j.seq";

const SUMMARY: Table = Table {
    name: "summary",
    title: "The report's totals, exactly as the Reports screen shows them",
    columns: &[
        col("metric", Text, "Figure of the report"),
        col(
            "key",
            Text,
            "Payment method or tax rate the figure is about",
        ),
        col("value", Dec, "The figure"),
        col("unit", Text, "Currency code, count, quantity or percent"),
    ],
    primary_key: &[],
    foreign_keys: &[],
};

/// The event flows' steps. Volunteers' names stay out of the day's export
/// (no personal data): the organizer's own `tasks-csv` command has them.
const TASKS: Table = Table {
    name: "tasks",
    title: "Steps of the events' task flows, their status and sign-off times",
    columns: &[
        col("step_id", Text, "Step id"),
        col("event_id", Text, "Event id"),
        col("position", Integer, "Order of the step in its flow"),
        col("phase", Text, "before, during or after the event"),
        col("title", Text, "What the step is"),
        col("action", Text, "The work that completes it, if any"),
        col("due_at", Text, "Due time, the event's local wall clock"),
        col("status", Text, "open, done or skipped"),
        col("signoffs", Integer, "Number of sign-offs recorded"),
        col(
            "signed_at_utc",
            Text,
            "Times of the sign-offs (UTC), separated by ;",
        ),
        col(
            "done_by",
            Text,
            "The document whose work completed it (type:id)",
        ),
        col("skip_reason", Text, "Why it was skipped"),
    ],
    primary_key: &["step_id"],
    foreign_keys: &[],
};

/// A writer that hashes and counts what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

struct Writer<'a> {
    dir: &'a Path,
    opts: &'a ExportOptions,
    currency: &'a Currency,
    files: Vec<FileEntry>,
    progress: &'a mut dyn FnMut(&Progress) -> bool,
}

fn io_error(path: &Path, err: io::Error) -> Error {
    if matches!(
        err.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge
    ) {
        Error::Storage(format!(
            "the disk is full (or the file too large) while writing {}; nothing was exported. Free some space or choose another disk",
            path.display()
        ))
    } else {
        Error::Storage(format!(
            "cannot write {}: {err}; nothing was exported",
            path.display()
        ))
    }
}

fn csv_error(path: &Path, err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => io_error(path, e),
        other => Error::Storage(format!("cannot write {}: {other:?}", path.display())),
    }
}

/// A local ISO 8601 time with its offset from stored UTC text and offset.
fn local_time(utc: &str, offset_minutes: i64) -> Option<String> {
    let offset = FixedOffset::east_opt(i32::try_from(offset_minutes * 60).ok()?)?;
    let t = DateTime::parse_from_rfc3339(utc).ok()?;
    Some(
        t.with_timezone(&offset)
            .to_rfc3339_opts(SecondsFormat::Millis, false),
    )
}

/// `local_time` for the ledger's own format (`2026-12-05T09:00:00.000Z`)
/// without a general RFC 3339 parse per cell; other text takes the general
/// path. Unit tests check both give the same text.
fn push_local_time(out: &mut String, utc: &str, offset_minutes: i64) {
    use chrono::{Datelike, NaiveDate, Timelike};
    let b = utc.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let fast = (|| {
        if b.len() != 24 || b[10] != b'T' || b[19] != b'.' || b[23] != b'Z' {
            return None;
        }
        if offset_minutes.abs() > 18 * 60 {
            return None;
        }
        let t = NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?
            .and_hms_milli_opt(num(11..13)?, num(14..16)?, num(17..19)?, num(20..23)?)?
            + chrono::Duration::minutes(offset_minutes);
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let off = offset_minutes.abs();
        Some(write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{sign}{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.nanosecond() / 1_000_000,
            off / 60,
            off % 60
        ))
    })();
    if fast.is_none() {
        if let Some(text) = local_time(utc, offset_minutes) {
            out.push_str(&text);
        }
    }
}

/// Plain decimal text such as `-12.5` (what the ledger stores): a cheap
/// check per cell that only numbers reach a number column.
fn is_decimal_text(t: &[u8]) -> bool {
    let digits = t.strip_prefix(b"-").unwrap_or(t);
    !digits.is_empty()
        && digits.iter().filter(|c| **c == b'.').count() <= 1
        && digits.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && digits.first() != Some(&b'.')
        && digits.last() != Some(&b'.')
}

/// `report::milli_text` (a quantity in thousandths, no trailing zeros)
/// without a Decimal per cell.
fn push_milli(out: &mut String, milli: i64) {
    let abs = milli.unsigned_abs();
    if milli < 0 {
        out.push('-');
    }
    push_u64(out, abs / 1000);
    let mut frac = abs % 1000;
    if frac != 0 {
        out.push('.');
        let mut width = 3;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        let mut buf = [b'0'; 20];
        let digits = u64_digits(frac, &mut buf);
        for _ in digits.len()..width {
            out.push('0');
        }
        out.push_str(digits);
    }
}

/// `Currency::format(currency.from_minor(minor))` without a Decimal per
/// cell (an export writes millions of amounts). Unit tests check the two
/// agree.
fn push_minor(out: &mut String, minor_units: u32, minor: i64) {
    if minor < 0 {
        out.push('-');
    }
    let abs = minor.unsigned_abs();
    if minor_units == 0 {
        push_u64(out, abs);
        return;
    }
    let scale = 10u64.pow(minor_units);
    push_u64(out, abs / scale);
    out.push('.');
    let frac = abs % scale;
    let mut digits = [b'0'; 20];
    let text = u64_digits(frac, &mut digits);
    for _ in text.len()..minor_units as usize {
        out.push('0');
    }
    out.push_str(text);
}

/// The decimal digits of `n` in `buf` (no formatting machinery per cell).
fn u64_digits(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

fn push_u64(out: &mut String, n: u64) {
    let mut buf = [b'0'; 20];
    out.push_str(u64_digits(n, &mut buf));
}

fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

impl Writer<'_> {
    fn decimal_mark(&self, text: String) -> String {
        if self.opts.semicolon {
            text.replace('.', ",")
        } else {
            text
        }
    }

    /// Tell the caller where we are; it may cancel (returns false).
    fn report(&mut self, p: Progress) -> Result<()> {
        if (self.progress)(&p) {
            Ok(())
        } else {
            Err(Error::Conflict(
                "the export was cancelled; nothing was written".into(),
            ))
        }
    }

    fn open(&self, file: &str) -> Result<(PathBuf, csv::Writer<Hashing<BufWriter<File>>>)> {
        let path = self.dir.join(file);
        let f = File::create(&path).map_err(|e| io_error(&path, e))?;
        let mut sink = Hashing {
            inner: BufWriter::with_capacity(256 * 1024, f),
            hasher: Sha256::new(),
            bytes: 0,
        };
        if self.opts.bom {
            sink.write_all(b"\xEF\xBB\xBF")
                .map_err(|e| io_error(&path, e))?;
        }
        let w = csv_cell::writer(sink, if self.opts.semicolon { b';' } else { b',' });
        Ok((path, w))
    }

    fn finish(
        &mut self,
        path: PathBuf,
        w: csv::Writer<Hashing<BufWriter<File>>>,
        rows: Option<u64>,
    ) -> Result<()> {
        let sink = w
            .into_inner()
            .map_err(|e| io_error(&path, io::Error::other(e.to_string())))?;
        let Hashing {
            inner,
            hasher,
            bytes,
        } = sink;
        let file = inner
            .into_inner()
            .map_err(|e| io_error(&path, e.into_error()))?;
        // Durable before the rename makes the folder visible.
        file.sync_all().map_err(|e| io_error(&path, e))?;
        self.files.push(FileEntry {
            path: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            rows,
            bytes,
            sha256: journal::hex(&hasher.finalize()),
        });
        Ok(())
    }

    /// Write one table: the header, then every row of `sql` with `filter`.
    fn table(
        &mut self,
        conn: &Connection,
        table: &Table,
        sql: &str,
        params: &[rusqlite::types::Value],
        total: u64,
    ) -> Result<()> {
        let file = format!("{}.csv", table.name);
        let (path, mut w) = self.open(&file)?;
        w.write_record(table.columns.iter().map(|c| c.name))
            .map_err(|e| csv_error(&path, e))?;
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query(params_from_iter(params.iter()))?;
        let mut done: u64 = 0;
        let mut cell = String::new();
        self.report(Progress {
            file: file.clone(),
            rows_done: 0,
            rows_total: total,
        })?;
        while let Some(row) = rows.next()? {
            let mut i = 0;
            for c in table.columns {
                cell.clear();
                let value = row.get_ref(i)?;
                i += 1;
                match (c.kind, value) {
                    (_, ValueRef::Null) if c.kind != Time => {}
                    (Text, ValueRef::Text(t)) => match std::str::from_utf8(t) {
                        Ok(t) => cell.push_str(&inert(t)),
                        Err(_) => cell.push_str(&inert(&String::from_utf8_lossy(t))),
                    },
                    (Text | Integer, ValueRef::Integer(n)) => push_i64(&mut cell, n),
                    (Boolean, ValueRef::Integer(n)) => {
                        cell.push_str(if n != 0 { "true" } else { "false" })
                    }
                    (Amount, ValueRef::Integer(n)) => {
                        push_minor(&mut cell, self.currency.minor_units, n)
                    }
                    (Milli, ValueRef::Integer(n)) => push_milli(&mut cell, n),
                    (Dec, ValueRef::Text(t)) => {
                        // Canonical decimal text from the ledger: check it is
                        // a number, so nothing else reaches a number column.
                        if is_decimal_text(t) {
                            cell.push_str(std::str::from_utf8(t).unwrap_or(""));
                        }
                    }
                    (Time, utc) => {
                        let offset = row.get_ref(i)?;
                        i += 1;
                        if let (ValueRef::Text(t), ValueRef::Integer(o)) = (utc, offset) {
                            if let Ok(t) = std::str::from_utf8(t) {
                                push_local_time(&mut cell, t, o);
                            }
                        }
                    }
                    (_, other) => {
                        return Err(Error::Integrity(format!(
                            "{file}: column {} holds an unexpected {:?} value",
                            c.name,
                            other.data_type()
                        )))
                    }
                }
                if self.opts.semicolon && matches!(c.kind, Amount | Milli | Dec) {
                    cell = cell.replace('.', ",");
                }
                w.write_field(cell.as_bytes())
                    .map_err(|e| csv_error(&path, e))?;
            }
            w.write_record(None::<&[u8]>)
                .map_err(|e| csv_error(&path, e))?;
            done += 1;
            if done % 20_000 == 0 {
                self.report(Progress {
                    file: file.clone(),
                    rows_done: done,
                    rows_total: total,
                })?;
            }
        }
        self.report(Progress {
            file: file.clone(),
            rows_done: done,
            rows_total: total,
        })?;
        self.finish(path, w, Some(done))
    }

    fn tasks(&mut self, conn: &Connection, scope: &report::Scope) -> Result<()> {
        let (path, mut w) = self.open("tasks.csv")?;
        let rows = crate::tasks::write_csv_into(
            &mut w,
            conn,
            &scope.event_ids(conn)?,
            crate::tasks::PersonalData::LeftOut,
            |e| csv_error(&path, e),
        )?;
        self.finish(path, w, Some(rows))
    }

    fn summary(&mut self, report: &report::EventReport) -> Result<()> {
        let (path, mut w) = self.open("summary.csv")?;
        w.write_record(SUMMARY.columns.iter().map(|c| c.name))
            .map_err(|e| csv_error(&path, e))?;
        let rows = report.summary_rows();
        for r in &rows {
            w.write_record([
                r.metric.to_string(),
                inert(&r.key).into_owned(),
                self.decimal_mark(r.value.clone()),
                r.unit.clone(),
            ])
            .map_err(|e| csv_error(&path, e))?;
        }
        self.finish(path, w, Some(rows.len() as u64))
    }

    fn json_file(&mut self, file: &str, value: &serde_json::Value) -> Result<()> {
        let path = self.dir.join(file);
        let mut text = serde_json::to_vec_pretty(value)
            .map_err(|e| Error::Integrity(format!("cannot encode {file}: {e}")))?;
        text.push(b'\n');
        let mut f = File::create(&path).map_err(|e| io_error(&path, e))?;
        f.write_all(&text).map_err(|e| io_error(&path, e))?;
        f.sync_all().map_err(|e| io_error(&path, e))?;
        self.files.push(FileEntry {
            path: file.to_string(),
            rows: None,
            bytes: text.len() as u64,
            sha256: journal::hex(&Sha256::digest(&text)),
        });
        Ok(())
    }
}

fn field_type(kind: Kind) -> &'static str {
    match kind {
        Text => "string",
        Integer => "integer",
        Amount | Dec | Milli => "number",
        Time => "datetime",
        Boolean => "boolean",
    }
}

/// The Frictionless tabular data package describing every file and column.
fn datapackage(tables: &[&Table], opts: &ExportOptions, name: &str) -> serde_json::Value {
    let resources: Vec<serde_json::Value> = tables
        .iter()
        .map(|t| {
            let fields: Vec<serde_json::Value> = t
                .columns
                .iter()
                .map(|c| {
                    let mut f = json!({
                        "name": c.name,
                        "type": field_type(c.kind),
                        "description": c.description,
                    });
                    if c.kind == Time {
                        // ISO 8601 with a numeric offset, e.g. 2026-12-05T10:00:00.000+01:00
                        f["format"] = json!("%Y-%m-%dT%H:%M:%S.%f%z");
                    }
                    if matches!(c.kind, Amount | Dec | Milli) && opts.semicolon {
                        f["decimalChar"] = json!(",");
                    }
                    f
                })
                .collect();
            let mut schema = json!({ "fields": fields, "missingValues": [""] });
            if !t.primary_key.is_empty() {
                schema["primaryKey"] = json!(t.primary_key);
            }
            if !t.foreign_keys.is_empty() {
                schema["foreignKeys"] = t
                    .foreign_keys
                    .iter()
                    .map(|(field, resource, key)| {
                        json!({"fields": field, "reference": {"resource": resource, "fields": key}})
                    })
                    .collect();
            }
            json!({
                "name": t.name,
                "title": t.title,
                "path": format!("{}.csv", t.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": if opts.bom { "utf-8-sig" } else { "utf-8" },
                "dialect": {
                    "delimiter": if opts.semicolon { ";" } else { "," },
                    "lineTerminator": "\r\n",
                    "quoteChar": "\"",
                    "doubleQuote": true,
                    "header": true
                },
                "schema": schema,
            })
        })
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": name,
        "title": "Popup Till export",
        "resources": resources,
    })
}

/// Check the target before doing any work: it must not exist, or be an
/// empty folder, and its parent must exist.
fn check_target(out: &Path) -> Result<()> {
    if out.as_os_str().is_empty() {
        return Err(Error::validation("out", "choose a folder to export to"));
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(Error::validation(
                "out",
                format!("{} is a file; choose a new folder", out.display()),
            ));
        }
        let mut entries = fs::read_dir(out)
            .map_err(|e| Error::validation("out", format!("cannot read {}: {e}", out.display())))?;
        if entries.next().is_some() {
            return Err(Error::validation(
                "out",
                format!(
                    "{} is not empty; choose a new or empty folder so nothing is overwritten",
                    out.display()
                ),
            ));
        }
    }
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() && !p.is_dir() => Err(Error::validation(
            "out",
            format!("the folder {} does not exist", p.display()),
        )),
        _ => Ok(()),
    }
}

/// Counts of the rows each file will hold, for progress.
fn count(conn: &Connection, sql: &str, params: &[rusqlite::types::Value]) -> Result<u64> {
    // The order does not change the count: leave the sort out.
    let unordered = sql.rsplit_once(" ORDER BY ").map_or(sql, |(head, _)| head);
    let n: i64 = conn.query_row(
        &format!("SELECT count(*) FROM ({unordered})"),
        params_from_iter(params.iter()),
        |r| r.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// How much of the database file an export reads through a memory map.
const EXPORT_MMAP_BYTES: i64 = 1 << 30;

/// A memory map on the store's connection for the length of an export,
/// put back as it was afterwards (the till's own reads keep their setting).
struct MmapForExport<'a> {
    conn: &'a Connection,
    before: i64,
}

impl<'a> MmapForExport<'a> {
    fn set(conn: &'a Connection) -> Result<MmapForExport<'a>> {
        let before: i64 = conn.query_row("PRAGMA mmap_size", [], |r| r.get(0))?;
        conn.pragma_update(None, "mmap_size", EXPORT_MMAP_BYTES)?;
        Ok(MmapForExport { conn, before })
    }
}

impl Drop for MmapForExport<'_> {
    fn drop(&mut self) {
        let _ = self.conn.pragma_update(None, "mmap_size", self.before);
    }
}

/// One CSV file to write: its table and the query that selects its rows.
struct Job {
    table: &'static Table,
    sql: String,
    params: Vec<rusqlite::types::Value>,
}

fn with_filter(sql: &str, f: &Filter) -> String {
    sql.replace("{f}", &f.sql)
}

/// Export `opts.scope` into the new folder `opts.out`, reporting progress,
/// and journal that it was done. Returns what was written.
pub fn export(
    store: &mut Store,
    actor: &Actor,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<ExportResult> {
    check_target(&opts.out)?;
    let result = write_package(store.conn(), opts, progress)?;
    let export_id = new_id();
    let journaled = store.write(actor, |tx| {
        tx.journal(
            "export.written",
            "export",
            &export_id,
            json!({
                "scope": opts.scope.label(),
                "journal_head_hash": result.journal_head_hash,
                "sales": result.sales,
                "total": result.total,
                "files": result.files.iter().map(|f| json!({"path": f.path, "sha256": f.sha256})).collect::<Vec<_>>(),
            }),
        )?;
        // Exporting an event's day is the work of its flow's export step.
        if let report::Scope::Event(event_id) = &opts.scope {
            crate::tasks::complete_by_action(
                tx,
                event_id,
                crate::tasks::Action::Export,
                crate::tasks::WorkSource::Export,
                &export_id,
            )?;
        }
        Ok(())
    });
    // An export the journal does not know of is not left behind.
    if let Err(err) = journaled {
        let _ = fs::remove_dir_all(&opts.out);
        return Err(err);
    }
    Ok(result)
}

/// Write the package without journaling it (the benchmark and `export`).
pub fn write_package(
    conn: &Connection,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<ExportResult> {
    check_target(&opts.out)?;
    // One snapshot for every file: the write lock keeps any other writer
    // (the command line beside the app, say) from committing until the
    // export is done, so the helper connection below reads exactly what
    // this one reads. The app itself does not write meanwhile: the export
    // holds its store.
    let _mmap = MmapForExport::set(conn)?;
    let snapshot =
        rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let event = match &opts.scope {
        Scope::Event(id) => Some(crate::shop::events::get(&snapshot, id)?),
        Scope::Range { .. } => None,
    };
    let sales = opts.scope.sales(opts.include_practice);
    let has_sales: bool = snapshot.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM sale s WHERE {})", sales.sql),
        params_from_iter(sales.params.iter()),
        |r| r.get(0),
    )?;
    if !has_sales {
        return Err(match (&opts.scope, event) {
            (Scope::Range { from, to }, _) => Error::validation(
                "from",
                format!("{from} to {to} has no sales to export; choose dates with sales"),
            ),
            (Scope::Event(_), e) => Error::validation(
                "event",
                format!(
                    "the event '{}' has no sales to export; choose an event with sales",
                    e.map(|e| e.name).unwrap_or_default()
                ),
            ),
        });
    }
    let currency = settings::load(&snapshot)?.currency;

    let out = &opts.out;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let temp = parent.join(format!(".{base}.partial-{}", new_id()));
    fs::create_dir(&temp).map_err(|e| {
        Error::validation(
            "out",
            format!(
                "cannot create a folder in {}: {e}; choose a folder you can write to",
                parent.display()
            ),
        )
    })?;

    let sessions = opts.scope.sessions(opts.include_practice);
    let stock = opts.scope.filter("m", "at_utc", "utc_offset_minutes");
    let visitors = opts.scope.filter("t", "at_utc", "utc_offset_minutes");
    let journal_params = match journal_window(&snapshot, opts) {
        Ok((from, to)) => vec![
            rusqlite::types::Value::Text(from),
            rusqlite::types::Value::Text(to),
        ],
        Err(e) => {
            let _ = fs::remove_dir_all(&temp);
            return Err(e);
        }
    };
    let job = |t: &'static Table, sql: &str, f: &Filter| Job {
        table: t,
        sql: with_filter(sql, f),
        params: f.params.clone(),
    };
    // The largest files go to a helper thread with its own connection; the
    // rest, the report and the package files are written here meanwhile.
    let helper_jobs = [
        job(&SALE_LINES, SALE_LINES_SQL, &sales),
        job(&PAYMENTS, PAYMENTS_SQL, &sales),
    ];
    let main_jobs = [
        job(&SALES, SALES_SQL, &sales),
        job(&STOCK_MOVEMENTS, STOCK_MOVEMENTS_SQL, &stock),
        job(&TILL_SESSIONS, TILL_SESSIONS_SQL, &sessions),
        job(&CASH_MOVEMENTS, CASH_MOVEMENTS_SQL, &sessions),
        job(&VISITORS, VISITORS_SQL, &visitors),
        Job {
            table: &JOURNAL,
            sql: JOURNAL_SQL.to_string(),
            params: journal_params,
        },
    ];
    let order = [
        &SALES,
        &SALE_LINES,
        &PAYMENTS,
        &TILL_SESSIONS,
        &CASH_MOVEMENTS,
        &STOCK_MOVEMENTS,
        &VISITORS,
        &TASKS,
        &JOURNAL,
        &SUMMARY,
    ];
    let helper_path = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from);
    let stop = std::sync::atomic::AtomicBool::new(false);

    let written = std::thread::scope(
        |scope| -> Result<(Vec<FileEntry>, report::EventReport, journal::Verification)> {
            let helper = helper_path.as_ref().map(|path| {
                let (temp, currency, stop) = (&temp, &currency, &stop);
                let jobs = &helper_jobs;
                scope.spawn(move || -> Result<Vec<FileEntry>> {
                    let conn = Connection::open_with_flags(
                        path,
                        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    conn.busy_timeout(std::time::Duration::from_secs(5))?;
                    // Read the file through a memory map: no copy per page.
                    conn.pragma_update(None, "mmap_size", EXPORT_MMAP_BYTES)?;
                    let read = conn.unchecked_transaction()?;
                    let mut keep_going =
                        |_: &Progress| !stop.load(std::sync::atomic::Ordering::Relaxed);
                    let mut w = Writer {
                        dir: temp,
                        opts,
                        currency,
                        files: Vec::new(),
                        progress: &mut keep_going,
                    };
                    for j in jobs {
                        let total = count(&read, &j.sql, &j.params)?;
                        w.table(&read, j.table, &j.sql, &j.params, total)?;
                    }
                    Ok(w.files)
                })
            });
            let main =
                (|| -> Result<(Vec<FileEntry>, report::EventReport, journal::Verification)> {
                    let mut w = Writer {
                        dir: &temp,
                        opts,
                        currency: &currency,
                        files: Vec::new(),
                        progress: &mut *progress,
                    };
                    let report = report::report_with(
                        &snapshot,
                        &opts.scope,
                        opts.include_practice,
                        report::Detail::Totals,
                    )?;
                    let journal = journal::verify(&snapshot)?;
                    let mut jobs: Vec<&Job> = main_jobs.iter().collect();
                    if helper.is_none() {
                        jobs.extend(helper_jobs.iter());
                    }
                    for j in jobs {
                        let total = count(&snapshot, &j.sql, &j.params)?;
                        w.table(&snapshot, j.table, &j.sql, &j.params, total)?;
                    }
                    w.tasks(&snapshot, &opts.scope)?;
                    w.summary(&report)?;
                    Ok((w.files, report, journal))
                })();
            if main.is_err() {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            let helped = match helper {
                Some(h) => h.join().unwrap_or_else(|_| {
                    Err(Error::Integrity("the export's helper thread failed".into()))
                }),
                None => Ok(Vec::new()),
            };
            // The main side's error first: the helper only stopped because of it.
            let (mut files, report, journal) = main?;
            let helped = helped?;
            for f in &helped {
                // Let the progress bar see the helper's files complete too.
                (progress)(&Progress {
                    file: f.path.clone(),
                    rows_done: f.rows.unwrap_or(0),
                    rows_total: f.rows.unwrap_or(0),
                });
            }
            files.extend(helped);
            files.sort_by_key(|f| {
                order
                    .iter()
                    .position(|t| format!("{}.csv", t.name) == f.path)
                    .unwrap_or(usize::MAX)
            });
            let mut w = Writer {
                dir: &temp,
                opts,
                currency: &currency,
                files,
                progress: &mut *progress,
            };
            let name = format!(
                "popup-till-export-{}",
                base.to_lowercase()
                    .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
            );
            w.json_file("datapackage.json", &datapackage(&order, opts, &name))?;
            let manifest = json!({
                "generator": concat!("popup-till ", env!("CARGO_PKG_VERSION")),
                "scope": opts.scope.label(),
                "include_practice": opts.include_practice,
                "currency": currency.code,
                "journal": {
                    "entries": journal.entries,
                    "head_hash": journal.head_hash,
                    "holds": journal.holds(),
                },
                "files": w.files,
            });
            w.json_file("manifest.json", &manifest)?;
            Ok((w.files, report, journal))
        },
    );
    drop(snapshot);

    let (files, report, journal) = match written {
        Ok(done) => done,
        Err(err) => {
            let _ = fs::remove_dir_all(&temp);
            return Err(err);
        }
    };
    // An empty target folder is replaced; a target that appeared meanwhile
    // is left alone and the export refused.
    if out.is_dir() {
        let _ = fs::remove_dir(out);
    }
    if let Err(e) = fs::rename(&temp, out) {
        let _ = fs::remove_dir_all(&temp);
        return Err(Error::validation(
            "out",
            format!("cannot move the export into {}: {e}", out.display()),
        ));
    }
    Ok(ExportResult {
        folder: out.display().to_string(),
        files,
        journal_head_hash: journal.head_hash,
        journal_entries: journal.entries,
        sales: report.sales_count,
        total: report.total.text,
    })
}

/// The journal entries of the period: from the first to the last moment a
/// record in scope was written (a range: its local days, widened by the
/// largest offsets).
fn journal_window(conn: &Connection, opts: &ExportOptions) -> Result<(String, String)> {
    match &opts.scope {
        Scope::Range { from, to } => {
            let lo = from.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(14);
            let hi = to.and_hms_opt(23, 59, 59).unwrap_or_default() + chrono::Duration::hours(12);
            Ok((
                lo.format("%Y-%m-%dT%H:%M:%S").to_string(),
                hi.format("%Y-%m-%dT%H:%M:%S.999Z").to_string(),
            ))
        }
        Scope::Event(id) => {
            let (lo, hi): (Option<String>, Option<String>) = conn.query_row(
                "SELECT min(t), max(t) FROM (
                    SELECT min(at_utc) AS t FROM sale WHERE event_id = ?1
                    UNION ALL SELECT max(at_utc) FROM sale WHERE event_id = ?1
                    UNION ALL SELECT min(opened_at) FROM till_session WHERE event_id = ?1
                    UNION ALL SELECT max(coalesce(closed_at, opened_at)) FROM till_session WHERE event_id = ?1
                    UNION ALL SELECT min(at_utc) FROM stock_movement WHERE event_id = ?1
                    UNION ALL SELECT max(at_utc) FROM stock_movement WHERE event_id = ?1
                    UNION ALL SELECT max(at_utc) FROM visitor_tally WHERE event_id = ?1)",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok((lo.unwrap_or_default(), hi.unwrap_or_default()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_amounts_read_exactly_as_currency_format_writes_them() {
        for code in ["EUR", "JPY", "BHD"] {
            let currency = Currency::from_code(code).unwrap();
            for minor in (-2_005..2_005).chain([i64::MAX, i64::MIN + 1, -987_654_321, 0, 1, -1]) {
                let mut fast = String::new();
                push_minor(&mut fast, currency.minor_units, minor);
                assert_eq!(
                    fast,
                    currency.format(currency.from_minor(minor)),
                    "{code} {minor}"
                );
            }
        }
    }

    #[test]
    fn fast_integers_read_as_display_writes_them() {
        for n in (-1_005..1_005).chain([i64::MAX, i64::MIN, 10, 100, -100]) {
            let mut fast = String::new();
            push_i64(&mut fast, n);
            assert_eq!(fast, n.to_string());
        }
    }

    #[test]
    fn fast_quantities_read_exactly_as_milli_text_writes_them() {
        for milli in (-3_001..3_001).chain([1_000_000, -250, 5]) {
            let mut fast = String::new();
            push_milli(&mut fast, milli);
            assert_eq!(fast, report::milli_text(milli), "{milli}");
        }
    }

    #[test]
    fn only_plain_decimal_text_reaches_a_number_column() {
        for ok in ["0", "12.50", "-3", "5.5", "0.001"] {
            assert!(is_decimal_text(ok.as_bytes()), "{ok}");
            assert!(ok.parse::<rust_decimal::Decimal>().is_ok());
        }
        for bad in ["", "-", ".5", "5.", "1.2.3", "=1", "1e5", "1,5", " 1"] {
            assert!(!is_decimal_text(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn fast_local_times_equal_the_general_rfc3339_path() {
        for utc in [
            "2026-12-05T09:00:00.000Z",
            "2026-12-31T23:59:59.999Z",
            "2026-03-29T00:30:00.123Z",
            "2024-02-29T12:00:00.000Z",
            "2026-12-05T09:00:00Z",
        ] {
            for offset in [0, 60, -300, 330, 840, -720, 345] {
                let mut fast = String::new();
                push_local_time(&mut fast, utc, offset);
                assert_eq!(Some(fast), local_time(utc, offset), "{utc} {offset}");
            }
        }
    }
}
