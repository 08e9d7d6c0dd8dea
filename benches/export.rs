//! Export and report benchmark on a generated till of 100,000 sales and
//! 300,000 lines (100 events of 1,000 sales, 3 lines and 1 payment each, a
//! stock movement per line, a till session per event, a visitor tally).
//! The fixture is inserted directly with rusqlite for speed: it is data, not
//! a test of the core.
//!
//! Measured in the same run:
//! - the full export (`export::write_package` over the whole date range:
//!   every CSV, summary, datapackage.json and manifest with SHA-256 hashes)
//!   beside the `sqlite3` shell writing the same rows of the same tables
//!   with `.mode csv` (the baseline; it formats nothing and hashes nothing);
//! - the same export with its workbook (`export.xlsx`), as the window and
//!   the command line write it by default, against the CSV-only export;
//! - the per-event report (`report::report`, all its queries) on each
//!   event, beside one raw rusqlite aggregate over the same event's sales.
//!
//! Run: `cargo bench -p popup-till-core --bench export`
//! (`RUNS=5` sets the export repetitions; `BENCH_DB=PATH` keeps the
//! generated database, which must not exist yet).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use popup_till_core::reporting::export::{self, ExportOptions, Progress};
use popup_till_core::reporting::{report, scope::Scope};
use popup_till_core::{new_id, Store};
use rusqlite::{params, Connection};

const EVENTS: usize = 100;
const SALES_PER_EVENT: usize = 1_000;
const LINES_PER_SALE: usize = 3;
const PRODUCTS: usize = 200;

fn build_fixture(path: &Path) -> Vec<String> {
    build_season(path, EVENTS, SALES_PER_EVENT, 1)
}

/// `events` closed events of `sales_per_event` sales each, sold on `tills`
/// tills (this file's T1 and T2, T3, … merged in): sale `s` of an event on
/// till `s % tills`, each till with its session per event and its own
/// receipt series. Returns the events' ids.
pub fn build_season(
    path: &Path,
    events: usize,
    sales_per_event: usize,
    tills: usize,
) -> Vec<String> {
    // Store::open runs the migrations and registers the device.
    let store = Store::open(path).expect("open");
    let local = store.device_id().to_string();
    drop(store);
    let mut conn = Connection::open(path).expect("open raw");
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    let tx = conn.transaction().unwrap();
    let now = "2026-01-01T08:00:00.000Z";
    let mut devices = vec![local.clone()];
    for k in 1..tills {
        let id = new_id();
        tx.execute(
            "INSERT INTO device (id, till_code, is_local, created_at) VALUES (?1, ?2, 0, ?3)",
            params![id, format!("T{}", k + 1), now],
        )
        .unwrap();
        devices.push(id);
    }
    let device = local;
    let person = new_id();
    tx.execute(
        "INSERT INTO person (id, device_id, name, role, pin_hash, active, created_at) VALUES (?1, ?2, 'Bench', 'cashier', NULL, 1, ?3)",
        params![person, device, now],
    )
    .unwrap();
    let mut products = Vec::new();
    {
        let mut stmt = tx
            .prepare("INSERT INTO product (id, device_id, sku, name, search_name, unit_price, tax_rate, unit, kind, created_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, 'each', 'item', ?7)")
            .unwrap();
        for i in 0..PRODUCTS {
            let id = new_id();
            let price = format!("{}.{:02}", 2 + i % 20, (i * 7) % 100);
            let rate = if i % 3 == 0 { "20" } else { "5.5" };
            stmt.execute(params![
                id,
                device,
                format!("SKU{i:04}"),
                format!("Product {i}, \"fine\""),
                price,
                rate,
                now
            ])
            .unwrap();
            products.push((id, price, rate));
        }
    }
    let mut event_ids = Vec::new();
    let mut ins_event = tx.prepare("INSERT INTO event (id, device_id, name, starts_at, ends_at, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'closed', ?6)").unwrap();
    let mut ins_session = tx.prepare("INSERT INTO till_session (id, device_id, event_id, practice, opened_by, opened_at, opened_offset_minutes, opening_float_minor, closed_by, closed_at, closed_offset_minutes, counted_minor, expected_minor, variance_minor) VALUES (?1, ?2, ?3, 0, ?4, ?5, 60, 10000, ?4, ?6, 60, ?7, ?8, ?9)").unwrap();
    let mut ins_sale = tx.prepare("INSERT INTO sale (id, device_id, event_id, session_id, cashier_id, receipt_number, receipt_seq, practice, currency, tax_mode, subtotal_minor, discount_minor, tax_minor, total_minor, at_utc, utc_offset_minutes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 'EUR', 'inclusive', ?8, 0, ?9, ?8, ?10, 60)").unwrap();
    let mut ins_line = tx.prepare("INSERT INTO sale_line (id, device_id, sale_id, line_no, product_id, sku, name, unit, unit_price, quantity, quantity_milli, amount_minor, tax_rate, net_minor, tax_minor, gross_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'each', ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?11)").unwrap();
    let mut ins_pay = tx.prepare("INSERT INTO payment (id, device_id, sale_id, seq, method, amount_minor, tendered_minor, change_minor) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7)").unwrap();
    let mut ins_move = tx.prepare("INSERT INTO stock_movement (id, device_id, product_id, event_id, location, kind, quantity_milli, source_type, source_id, actor_id, at_utc, utc_offset_minutes) VALUES (?1, ?2, ?3, ?4, 'event', ?5, ?6, ?7, ?8, ?9, ?10, 60)").unwrap();
    let mut ins_visit = tx.prepare("INSERT INTO visitor_tally (id, device_id, event_id, delta, source, actor_id, at_utc, utc_offset_minutes) VALUES (?1, ?2, ?3, 1, 'tap', ?4, ?5, 60)").unwrap();
    let mut receipts = vec![0i64; tills];
    for e in 0..events {
        let day =
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(e as i64);
        let event = new_id();
        ins_event
            .execute(params![
                event,
                device,
                format!("Market {e}"),
                format!("{day}T10:00"),
                format!("{day}T18:00"),
                now
            ])
            .unwrap();
        for (p, _, _) in products.iter().take(50) {
            ins_move
                .execute(params![
                    new_id(),
                    device,
                    p,
                    event,
                    "receive",
                    100_000,
                    "manual",
                    None::<String>,
                    person,
                    format!("{day}T08:00:00.000Z")
                ])
                .unwrap();
        }
        let sessions: Vec<String> = (0..tills).map(|_| new_id()).collect();
        let mut cash = vec![0i64; tills];
        let mut sale_rows = Vec::with_capacity(sales_per_event);
        for s in 0..sales_per_event {
            let sale = new_id();
            let secs = 9 * 3600 + (s as i64 * 28_800 / sales_per_event as i64);
            let at = format!(
                "{day}T{:02}:{:02}:{:02}.000Z",
                secs / 3600,
                (secs / 60) % 60,
                secs % 60
            );
            let mut total = 0i64;
            let mut tax = 0i64;
            let mut lines = Vec::new();
            for l in 0..LINES_PER_SALE {
                let (pid, price, rate) = &products[(s * 7 + l * 13 + e) % 50];
                let qty = 1 + ((s + l) % 3) as i64;
                let unit_minor: i64 = price.replace('.', "").parse().unwrap();
                let gross = unit_minor * qty;
                let t = if *rate == "20" {
                    gross - (gross * 100 + 60) / 120
                } else {
                    gross - (gross * 1000 + 527) / 1055
                };
                total += gross;
                tax += t;
                lines.push((pid.clone(), price.clone(), *rate, qty, gross, t));
            }
            sale_rows.push((sale.clone(), at.clone(), total, tax, lines));
            if s % 2 == 0 {
                cash[s % tills] += total;
            }
        }
        for k in 0..tills {
            ins_session
                .execute(params![
                    sessions[k],
                    devices[k],
                    event,
                    person,
                    format!("{day}T08:30:00.000Z"),
                    format!("{day}T18:00:00.000Z"),
                    10_000 + cash[k] - 5,
                    10_000 + cash[k],
                    -5
                ])
                .unwrap();
        }
        for (i, (sale, at, total, tax, lines)) in sale_rows.into_iter().enumerate() {
            let k = i % tills;
            let device = &devices[k];
            receipts[k] += 1;
            ins_sale
                .execute(params![
                    sale,
                    device,
                    event,
                    sessions[k],
                    person,
                    format!("T{}-{:06}", k + 1, receipts[k]),
                    receipts[k],
                    total,
                    tax,
                    at
                ])
                .unwrap();
            for (n, (pid, price, rate, qty, gross, t)) in lines.into_iter().enumerate() {
                let line = new_id();
                ins_line
                    .execute(params![
                        line,
                        device,
                        sale,
                        n as i64 + 1,
                        pid,
                        "SKU",
                        "Product",
                        price,
                        qty.to_string(),
                        qty * 1000,
                        gross,
                        rate,
                        gross - t,
                        t
                    ])
                    .unwrap();
                ins_move
                    .execute(params![
                        new_id(),
                        device,
                        pid,
                        event,
                        "sale",
                        -qty * 1000,
                        "sale",
                        sale,
                        person,
                        at
                    ])
                    .unwrap();
            }
            let (method, tendered, change) = if i % 2 == 0 {
                (
                    "cash",
                    total + (500 - total % 500) % 500,
                    (500 - total % 500) % 500,
                )
            } else {
                ("card", total, 0)
            };
            ins_pay
                .execute(params![
                    new_id(),
                    device,
                    sale,
                    method,
                    total,
                    tendered,
                    change
                ])
                .unwrap();
            if i % 3 == 0 {
                ins_visit
                    .execute(params![new_id(), device, event, person, at])
                    .unwrap();
            }
        }
        event_ids.push(event);
    }
    drop((
        ins_event,
        ins_session,
        ins_sale,
        ins_line,
        ins_pay,
        ins_move,
        ins_visit,
    ));
    tx.commit().unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .unwrap();
    event_ids
}

/// The same rows, tables and columns the export writes, as the sqlite3
/// shell writes them with `.mode csv`.
pub fn sqlite3_script(dir: &Path) -> String {
    let f = |name: &str| dir.join(name).display().to_string();
    format!(
        ".headers on
.mode csv
.once {sales}
SELECT s.id, s.receipt_number, s.event_id, s.session_id, s.device_id, s.cashier_id, s.practice,
  EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id), s.currency, s.tax_mode, s.subtotal_minor, s.discount_minor,
  s.sale_discount_minor, s.tax_minor, s.rounding_minor, s.total_minor, s.approved_by, s.stock_warning, s.at_utc, s.utc_offset_minutes
  FROM sale s WHERE s.practice = 0 ORDER BY s.at_utc, s.id;
.once {lines}
SELECT l.id, l.sale_id, l.line_no, l.product_id, l.sku, l.name, l.unit, l.unit_price, l.list_unit_price, l.quantity,
  l.amount_minor, l.line_discount_minor, l.sale_discount_minor, l.tax_rate, l.net_minor, l.tax_minor, l.gross_minor, l.handover_later
  FROM sale s JOIN sale_line l ON l.sale_id = s.id WHERE s.practice = 0 ORDER BY s.at_utc, s.id, l.line_no;
.once {payments}
SELECT p.id, p.sale_id, p.seq, p.method, p.amount_minor, p.tendered_minor, p.change_minor, p.auth_code
  FROM sale s JOIN payment p ON p.sale_id = s.id WHERE s.practice = 0 ORDER BY s.at_utc, s.id, p.seq;
.once {sessions}
SELECT * FROM till_session ORDER BY opened_at, id;
.once {cash}
SELECT * FROM cash_movement ORDER BY at_utc, id;
.once {stock}
SELECT m.id, m.product_id, m.event_id, m.location, m.kind, m.quantity_milli, m.reason, m.note, m.lot_code, m.source_type,
  m.source_id, m.actor_id, m.at_utc, m.utc_offset_minutes FROM stock_movement m ORDER BY m.at_utc, m.id;
.once {visitors}
SELECT * FROM visitor_tally ORDER BY at_utc, id;
.once {journal}
SELECT * FROM audit_log ORDER BY seq;
",
        sales = f("sales.csv"),
        lines = f("sale_lines.csv"),
        payments = f("payments.csv"),
        sessions = f("till_sessions.csv"),
        cash = f("cash_movements.csv"),
        stock = f("stock_movements.csv"),
        visitors = f("visitors.csv"),
        journal = f("journal.csv"),
    )
}

pub fn run_sqlite3(db: &Path, dir: &Path) -> Duration {
    std::fs::create_dir_all(dir).unwrap();
    let script = sqlite3_script(dir);
    let start = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the sqlite3 shell is needed for the baseline");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let status = child.wait().unwrap();
    let took = start.elapsed();
    assert!(status.success());
    took
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    // BENCH_DB=PATH keeps the generated till there for a look afterwards.
    let db = std::env::var_os("BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("bench.sqlite"));
    let t = Instant::now();
    let events = build_fixture(&db);
    eprintln!("fixture: {:.1} s", t.elapsed().as_secs_f64());
    let store = Store::open(&db).unwrap();
    let conn = store.conn();
    let counts: (i64, i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM sale), (SELECT count(*) FROM sale_line), (SELECT count(*) FROM payment), (SELECT count(*) FROM stock_movement)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();

    // Full export beside the sqlite3 shell, interleaved so both see the
    // same page cache and disk.
    let mut ours = Vec::new();
    let mut shell = Vec::new();
    let scope = Scope::range("2025-12-31", "2026-12-31").unwrap();
    // One whole export of the range into `out`, timed.
    let timed_export = |out: PathBuf, xlsx: bool| {
        let opts = ExportOptions {
            scope: scope.clone(),
            out,
            semicolon: false,
            bom: false,
            include_practice: false,
            xlsx,
        };
        let start = Instant::now();
        let result = export::write_package(conn, &opts, &mut |_: &Progress| true).unwrap();
        let took = start.elapsed();
        assert_eq!(result.sales, counts.0);
        took
    };
    for run in 0..runs + 1 {
        let took = timed_export(dir.path().join(format!("ours-{run}")), false);
        let base = run_sqlite3(&db, &dir.path().join(format!("shell-{run}")));
        // The first round warms the cache for both and is not counted.
        if run > 0 {
            ours.push(took);
            shell.push(base);
        }
    }
    ours.sort();
    shell.sort();

    // The same export with its workbook (export.xlsx, every table as a
    // sheet), as the window and the command line write it by default.
    let mut with_book = Vec::new();
    let mut book_bytes = 0;
    for run in 0..runs.min(3) {
        let out = dir.path().join(format!("book-{run}"));
        with_book.push(timed_export(out.clone(), true));
        book_bytes = std::fs::metadata(out.join("export.xlsx")).unwrap().len();
    }
    with_book.sort();

    // Each event's report, beside one raw aggregate of the same sales.
    let mut report_times = Vec::new();
    let mut raw_times = Vec::new();
    for round in 0..2 {
        for id in &events {
            let start = Instant::now();
            let r = report::report(conn, &Scope::Event(id.clone()), false).unwrap();
            let took = start.elapsed();
            assert_eq!(r.sales.sales_count, SALES_PER_EVENT as i64);
            let start = Instant::now();
            let _: (i64, i64) = conn
                .query_row(
                    "SELECT count(*), sum(total_minor) FROM sale WHERE event_id = ?1 AND practice = 0",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            let raw = start.elapsed();
            if round > 0 {
                report_times.push(took);
                raw_times.push(raw);
            }
        }
    }
    report_times.sort();
    raw_times.sort();

    println!(
        "export: {} sales, {} lines, {} payments, {} stock movements; {runs} runs after a warm-up",
        counts.0, counts.1, counts.2, counts.3
    );
    println!(
        "  full export (core):           median {:>8.1} ms   p99 {:>8.1} ms",
        ms(percentile(&ours, 0.5)),
        ms(percentile(&ours, 0.99))
    );
    println!(
        "  sqlite3 -csv (same rows):     median {:>8.1} ms   p99 {:>8.1} ms",
        ms(percentile(&shell, 0.5)),
        ms(percentile(&shell, 0.99))
    );
    let ratio = ms(percentile(&ours, 0.5)) / ms(percentile(&shell, 0.5));
    println!("  ratio core / sqlite3:         median {ratio:>8.2}×   (target ≤ 1.0×)");
    println!(
        "  with the workbook ({:.1} MB):  median {:>8.1} ms   ({} runs; {:.2}× the CSV export, {:.2}× sqlite3)",
        book_bytes as f64 / 1e6,
        ms(percentile(&with_book, 0.5)),
        with_book.len(),
        ms(percentile(&with_book, 0.5)) / ms(percentile(&ours, 0.5)),
        ms(percentile(&with_book, 0.5)) / ms(percentile(&shell, 0.5)),
    );
    println!(
        "report: {} events of {} sales ({} lines) each",
        events.len(),
        SALES_PER_EVENT,
        SALES_PER_EVENT * LINES_PER_SALE
    );
    println!(
        "  whole report (all queries):   median {:>8.2} ms   p99 {:>8.2} ms   (target ≤ 20 ms)",
        ms(percentile(&report_times, 0.5)),
        ms(percentile(&report_times, 0.99))
    );
    println!(
        "  raw count+sum of the sales:   median {:>8.2} ms   p99 {:>8.2} ms",
        ms(percentile(&raw_times, 0.5)),
        ms(percentile(&raw_times, 0.99))
    );
    println!(
        "  ratio report / raw aggregate: median {:>8.1}×",
        ms(percentile(&report_times, 0.5)) / ms(percentile(&raw_times, 0.5))
    );
}
