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
//!
//! Its parts: `tables` (every file's columns and query), `cells` (cell text
//! at speed), `writer` (hashing, counting, syncing files), `package`
//! (`datapackage.json`, `manifest.json`), `span` (which journal entries,
//! by `seq`) and `folder` (the target, the temporary folder, the proposed
//! folder name).

mod cells;
mod folder;
mod package;
mod span;
mod tables;
mod workbook;
mod writer;

use std::fs;
use std::path::PathBuf;

use rusqlite::{params_from_iter, Connection};
use serde::Serialize;
use serde_json::json;

use crate::db::journal;
use crate::db::store::{Actor, Store};
use crate::reporting::report;
use crate::reporting::scope::{Filter, Scope};
use crate::shop::people::{Approval, ApprovalRequest};
use crate::shop::roles::{self, Action};
use crate::{new_id, shop::settings, Error, Result};
pub use folder::suggested_folder;
pub use package::manifest_head_hash;
use tables::*;
use writer::Writer;

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
    /// Write `export.xlsx` too: every table as a sheet of one workbook.
    pub xlsx: bool,
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
    /// The workbook comes with the CSV files unless it is turned off.
    #[serde(default = "yes")]
    pub xlsx: bool,
}

fn yes() -> bool {
    true
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
            xlsx: self.xlsx,
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
/// The export as the window asks for it: the folder is checked first (a
/// refusal names the field before any PIN is asked), then the approval
/// (exports need an organizer, see `shop::roles`), then the export.
pub fn export_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<ExportResult> {
    folder::check_target(&opts.out)?;
    let approval = roles::approve(store, Action::Export, request)?;
    export(store, actor, &approval, opts, progress)
}

pub fn export(
    store: &mut Store,
    actor: &Actor,
    approval: &Approval,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<ExportResult> {
    folder::check_target(&opts.out)?;
    let result = write_package(store.conn(), opts, progress)?;
    let export_id = new_id();
    let journaled = store.write(actor, |tx| {
        tx.journal(
            "export.written",
            "export",
            &export_id,
            json!({
                "scope": opts.scope.label(),
                "approved_by": approval.organizer_id(),
                "journal_head_hash": result.journal_head_hash,
                "sales": result.sales,
                "total": result.total,
                "files": result.files.iter().map(|f| json!({"path": f.path, "sha256": f.sha256})).collect::<Vec<_>>(),
            }),
        )?;
        // Exporting an event's day is the work of its flow's export step.
        if let Scope::Event(event_id) = &opts.scope {
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
    folder::check_target(&opts.out)?;
    // One snapshot for every file: the write lock keeps any other writer
    // (the command line beside the app, say) from committing until the
    // export is done, so the helper connection below reads exactly what
    // this one reads. The app itself does not write meanwhile: the export
    // holds its store.
    let _mmap = MmapForExport::set(conn)?;
    let snapshot =
        rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let event = opts.scope.event(&snapshot)?;
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
            (Scope::Session(id), _) => Error::validation(
                "session",
                format!("till session {id} has no sales to export"),
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
    let temp = folder::create_temporary(out)?;

    let sessions = opts.scope.sessions(opts.include_practice);
    let refunds = opts.scope.refunds(opts.include_practice);
    let stock = opts.scope.filter("m", "at_utc", "utc_offset_minutes");
    let visitors = opts.scope.filter("t", "at_utc", "utc_offset_minutes");
    let counted = opts.scope.counted_sales(opts.include_practice);
    let deposit_returns = opts.scope.filter("d", "at_utc", "utc_offset_minutes");
    let journal_params = match span::journal_span(
        &snapshot,
        &span::Records {
            sales: &sales,
            sessions: &sessions,
            stock: &stock,
            visitors: &visitors,
            refunds: &refunds,
        },
    ) {
        Ok(span) => span,
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
        job(&REFUNDS, REFUNDS_SQL, &refunds),
        job(&REFUND_LINES, REFUND_LINES_SQL, &refunds),
        job(&REFUND_PAYMENTS, REFUND_PAYMENTS_SQL, &refunds),
        job(&STOCK_MOVEMENTS, STOCK_MOVEMENTS_SQL, &stock),
        job(&TILL_SESSIONS, TILL_SESSIONS_SQL, &sessions),
        job(&CASH_MOVEMENTS, CASH_MOVEMENTS_SQL, &sessions),
        Job {
            table: &DEPOSITS,
            sql: with_filter(DEPOSITS_SQL, &counted).replace("{g}", &deposit_returns.sql),
            params: counted
                .params
                .iter()
                .chain(&deposit_returns.params)
                .cloned()
                .collect(),
        },
        Job {
            table: &LOYALTY,
            sql: with_filter(LOYALTY_SQL, &counted).replace("{g}", &refunds.sql),
            params: counted
                .params
                .iter()
                .chain(&refunds.params)
                .cloned()
                .collect(),
        },
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
        &REFUNDS,
        &REFUND_LINES,
        &REFUND_PAYMENTS,
        &TILL_SESSIONS,
        &CASH_MOVEMENTS,
        &DEPOSITS,
        &LOYALTY,
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
                    // The chain: the manifest records its head (the ledger check is
                    // `verify`'s, and not the export's to wait for).
                    let journal = journal::verify_chain(&snapshot)?;
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
            let book = if opts.xlsx {
                let separator = if opts.semicolon { b';' } else { b',' };
                let sheets: Vec<(&Table, u64)> = order
                    .iter()
                    .map(|t| {
                        let file = format!("{}.csv", t.name);
                        let rows = files.iter().find(|f| f.path == file).and_then(|f| f.rows);
                        (*t, rows.unwrap_or(0))
                    })
                    .collect();
                Some(workbook::workbook(
                    &temp,
                    &sheets,
                    separator,
                    currency.minor_units,
                    &mut *progress,
                )?)
            } else {
                None
            };
            let mut w = Writer {
                dir: &temp,
                opts,
                currency: &currency,
                files,
                progress: &mut *progress,
            };
            let name = format!(
                "popup-till-export-{}",
                folder::base_name(out)
                    .to_lowercase()
                    .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
            );
            if let Some(book) = book {
                w.bytes_file(workbook::FILE, &book)?;
            }
            w.json_file(
                "datapackage.json",
                &package::datapackage(&order, opts, &name),
            )?;
            let manifest = package::manifest(opts, &currency.code, &journal, &w.files);
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
    folder::move_into_place(&temp, out)?;
    Ok(ExportResult {
        folder: out.display().to_string(),
        files,
        journal_head_hash: journal.head_hash,
        journal_entries: journal.entries,
        sales: report.sales.sales_count,
        total: report.sales.total.text,
    })
}
