//! A season of 100 events sold on 3 tills each (1,000,000 sale lines by
//! default): the event report, the full export and a push to PostgreSQL,
//! each beside a raw baseline measured in the same run:
//! - each event's report (`report::report`, all its queries) vs one raw
//!   rusqlite count and sum of the event's sales;
//! - the full export of the season (`export::write_package`, CSV files,
//!   summary, manifest; no workbook) vs the `sqlite3` shell writing the same
//!   rows with `.mode csv`;
//! - `tills::push::push` of the season into an empty database (and again,
//!   nothing new) vs `psql \copy` of the same tables as CSV (skipped, saying
//!   so, only when no PostgreSQL server can be started here).
//!
//! The season file is generated with rusqlite (the export benchmark's
//! fixture, with three tills: T1 and two tills merged in, each with its own
//! session per event and receipt series).
//!
//! Run: `cargo bench -p popup-till-core --bench season`
//! (`LINES=300000` sets the size, 1,000,000 by default; `RUNS=3` the
//! repetitions of the export and the push, 1 by default; `PUSH=0` leaves
//! PostgreSQL out).

#[allow(dead_code)]
#[path = "export.rs"]
mod export_bench;
#[allow(dead_code)]
#[path = "tills.rs"]
mod tills_bench;

use std::time::{Duration, Instant};

use popup_till_core::reporting::export::{self, ExportOptions, Progress};
use popup_till_core::reporting::{report, scope::Scope};
use popup_till_core::Store;

use export_bench::{ms, percentile, run_sqlite3};

const EVENTS: usize = 100;
const TILLS: usize = 3;
const LINES_PER_SALE: usize = 3;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace(['_', ','], "").parse().ok())
        .unwrap_or(default)
}

fn main() {
    let lines = env("LINES", 1_000_000);
    let runs = env("RUNS", 1).max(1);
    let sales_per_event = lines.div_ceil(EVENTS * LINES_PER_SALE);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("season.sqlite");
    let t = Instant::now();
    let events = export_bench::build_season(&db, EVENTS, sales_per_event, TILLS);
    eprintln!("season fixture: {:.1} s", t.elapsed().as_secs_f64());
    let store = Store::open(&db).unwrap();
    let conn = store.conn();
    let (sales, line_rows): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM sale), (SELECT count(*) FROM sale_line)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    println!(
        "season: {EVENTS} events × {TILLS} tills, {sales} sales, {line_rows} lines{}",
        if lines < 1_000_000 {
            " (a smaller season than the full 1,000,000 lines: LINES was set)"
        } else {
            ""
        }
    );

    // Each event's report, beside one raw aggregate of the same sales; a
    // first round warms the cache and is not counted.
    let mut report_times = Vec::new();
    let mut raw_times = Vec::new();
    for round in 0..2 {
        for id in &events {
            let start = Instant::now();
            let r = report::report(conn, &Scope::Event(id.clone()), false).unwrap();
            let took = start.elapsed();
            assert_eq!(r.sales.sales_count, sales_per_event as i64);
            assert_eq!(r.by_till.len(), TILLS);
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
        "  event report (all queries):   median {:>9.2} ms   p99 {:>9.2} ms",
        ms(percentile(&report_times, 0.5)),
        ms(percentile(&report_times, 0.99))
    );
    println!(
        "  raw count+sum of its sales:   median {:>9.2} ms   p99 {:>9.2} ms   (report {:.1}×)",
        ms(percentile(&raw_times, 0.5)),
        ms(percentile(&raw_times, 0.99)),
        ms(percentile(&report_times, 0.5)) / ms(percentile(&raw_times, 0.5))
    );

    // The full export of the season beside the sqlite3 shell, interleaved.
    let scope = Scope::range("2025-12-31", "2026-12-31").unwrap();
    let mut ours: Vec<Duration> = Vec::new();
    let mut shell: Vec<Duration> = Vec::new();
    for run in 0..runs {
        let opts = ExportOptions {
            scope: scope.clone(),
            out: dir.path().join(format!("export-{run}")),
            semicolon: false,
            bom: false,
            include_practice: false,
            xlsx: false,
        };
        let start = Instant::now();
        let result = export::write_package(conn, &opts, &mut |_: &Progress| true).unwrap();
        ours.push(start.elapsed());
        assert_eq!(result.sales, sales);
        shell.push(run_sqlite3(&db, &dir.path().join(format!("shell-{run}"))));
        // A season's export is large: only one is kept on disk at a time.
        let _ = std::fs::remove_dir_all(dir.path().join(format!("export-{run}")));
        let _ = std::fs::remove_dir_all(dir.path().join(format!("shell-{run}")));
    }
    ours.sort();
    shell.sort();
    println!(
        "  full export (core, CSV):      median {:>9.1} ms   ({runs} runs)",
        ms(percentile(&ours, 0.5))
    );
    println!(
        "  sqlite3 -csv (same rows):     median {:>9.1} ms   (export {:.2}×)",
        ms(percentile(&shell, 0.5)),
        ms(percentile(&ours, 0.5)) / ms(percentile(&shell, 0.5))
    );
    drop(store);

    if env("PUSH", 1) == 0 {
        println!("  PostgreSQL left out (PUSH=0)");
        return;
    }
    let Some((push, again, copy)) =
        tills_bench::push_against_copy(&db, dir.path(), runs, line_rows as usize)
    else {
        return;
    };
    println!("  push into an empty database:  median {push:>9.1} ms   ({runs} runs)");
    println!("  push again (nothing new):     median {again:>9.1} ms");
    println!(
        "  psql \\copy of the same CSV:   median {copy:>9.1} ms   (push {:.2}×)",
        push / copy
    );
}
