//! Several tills: merging a second till's file of 100,000 sales (3 lines,
//! 1 payment, 3 stock movements and a journal entry each) into the first
//! till, and pushing the merged file to PostgreSQL. Each beside a raw
//! baseline measured in the same run:
//! - merge (`tills::merge::merge_file`: verify the file, check shop and
//!   divergence, unite ledgers, records and journals in one transaction)
//!   vs SQLite's ATTACH + INSERT … SELECT of the same rows, nothing checked;
//! - push (`tills::push::push` into an empty database: COPY into staging,
//!   INSERT … ON CONFLICT DO NOTHING) vs `psql \copy` of the same rows as
//!   CSV files into bare tables; and a second push (nothing new).
//!
//! The PostgreSQL server is a private one started for the run; when none
//! can be started here, the PostgreSQL part is skipped, saying so. The
//! season benchmark (`benches/season.rs`) pushes a season through the same
//! `push_against_copy`.
//!
//! Run: `cargo bench -p popup-till-core --bench tills`
//! (`SALES=20000` changes the number of sales, `RUNS=3` the repetitions).

#[allow(dead_code)]
#[path = "verify.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "../tests/postgres/server.rs"]
mod server;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use popup_till_core::shop::people::Approval;
use popup_till_core::tills::{clone, merge, push};
use popup_till_core::{Actor, Store};

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

/// A fresh copy of the first till's file to merge into.
fn fresh_copy(base: &Path, dir: &Path, n: usize) -> std::path::PathBuf {
    let copy = dir.join(format!("into-{n}.sqlite"));
    Store::open(base).unwrap().backup_to(&copy).unwrap();
    copy
}

const BASELINE_TABLES: &[&str] = &[
    "device",
    "person",
    "event",
    "till_session",
    "product",
    "sale",
    "sale_line",
    "payment",
    "stock_movement",
];

fn main() {
    let sales: usize = std::env::var("SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("t1.sqlite");
    let second = dir.path().join("t2.sqlite");
    let t = Instant::now();
    {
        let mut t1 = Store::open(&first).unwrap();
        clone::clone_till(&mut t1, &Approval::file_holder(), "T2", &second).unwrap();
    }
    fixture::build_fixture(&second, sales);
    eprintln!("fixture: {:.1} s", t.elapsed().as_secs_f64());

    // Merge, each run into a fresh copy of the first till.
    let mut merge_times = Vec::new();
    let mut merged = None;
    for n in 0..runs {
        let into = fresh_copy(&first, dir.path(), n);
        let mut store = Store::open(&into).unwrap();
        let start = Instant::now();
        let report = merge::merge_file(&mut store, &Approval::file_holder(), &second).unwrap();
        merge_times.push(start.elapsed());
        assert_eq!(report.sales, sales as i64);
        merged = Some(into);
    }
    let mut raw_times = Vec::new();
    for n in 0..runs {
        let into = fresh_copy(&first, dir.path(), 100 + n);
        let conn = rusqlite::Connection::open(&into).unwrap();
        let start = Instant::now();
        conn.execute("ATTACH DATABASE ?1 AS other", [second.to_str().unwrap()])
            .unwrap();
        let mut sql = String::from("BEGIN; PRAGMA defer_foreign_keys = ON;");
        for t in BASELINE_TABLES {
            sql.push_str(&format!(
                "INSERT INTO main.{t} SELECT * FROM other.{t} WHERE id NOT IN (SELECT id FROM main.{t});"
            ));
        }
        sql.push_str(
            "INSERT INTO main.audit_log (id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash, device_seq, version)
             SELECT id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash, device_seq, version
             FROM other.audit_log WHERE id NOT IN (SELECT id FROM main.audit_log) ORDER BY seq;
             COMMIT;",
        );
        conn.execute_batch(&sql).unwrap();
        raw_times.push(start.elapsed());
        conn.execute_batch("DETACH DATABASE other").unwrap();
    }
    let lines = sales * fixture_lines();
    println!("tills: merging a file of {sales} sales ({lines} lines); median of {runs} runs");
    println!(
        "  merge (verify, checks, unite):           {:>9.1} ms",
        median(merge_times)
    );
    println!(
        "  baseline ATTACH + INSERT … SELECT:       {:>9.1} ms",
        median(raw_times)
    );

    // Push the merged file to a private PostgreSQL server.
    let Some((push, again, copy)) = push_against_copy(&merged.unwrap(), dir.path(), runs, lines)
    else {
        return;
    };
    println!("tills: pushing the merged file ({lines} lines) to PostgreSQL; median of {runs} runs");
    println!("  push into an empty database:             {push:>9.1} ms");
    println!("  push again (nothing new):                {again:>9.1} ms");
    println!("  baseline psql \\copy of the same CSV:     {copy:>9.1} ms");
}

/// A private PostgreSQL server for a benchmark; `None`, said plainly, when
/// none can be started on this machine (PostgreSQL not installed).
pub fn start_server() -> Option<server::Server> {
    match std::panic::catch_unwind(server::Server::start) {
        Ok(server) => Some(server),
        Err(why) => {
            let said = why
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| why.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            println!("PostgreSQL skipped: no server could be started here ({said})");
            None
        }
    }
}

/// Push the till file `db` (`lines` sale lines) into an empty database,
/// push it again, and load the same tables as CSV with `psql \copy`:
/// the medians of `runs` runs in ms, or `None` when no PostgreSQL server
/// can be started.
pub fn push_against_copy(
    db: &Path,
    dir: &Path,
    runs: usize,
    lines: usize,
) -> Option<(f64, f64, f64)> {
    let server = start_server()?;
    let mut admin = server.client();
    let mut store = Store::open(db).unwrap();
    let actor = Actor::system("bench");
    let mut push_times = Vec::new();
    let mut again_times = Vec::new();
    for n in 0..runs {
        admin
            .batch_execute(&format!("CREATE DATABASE push{n}"))
            .unwrap();
        let url = format!("{}/push{n}", server.url.rsplit_once('/').unwrap().0);
        let start = Instant::now();
        let report = push::push(&mut store, &actor, &url).unwrap();
        push_times.push(start.elapsed());
        assert!(report.tables["sale_line"].sent >= lines as i64);
        let start = Instant::now();
        push::push(&mut store, &actor, &url).unwrap();
        again_times.push(start.elapsed());
    }
    // Baseline: the same tables as CSV, loaded by psql's \copy.
    let csv_dir = dir.join("csv");
    std::fs::create_dir_all(&csv_dir).unwrap();
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables = [
        "device",
        "event",
        "product",
        "till_session",
        "sale",
        "sale_line",
        "payment",
        "stock_movement",
        "audit_log",
    ];
    let mut ddl = String::new();
    let mut copies = String::new();
    for t in tables {
        let cols: Vec<(String, String)> = conn
            .prepare(&format!("SELECT name, type FROM pragma_table_info('{t}')"))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let file = csv_dir.join(format!("{t}.csv"));
        let out = Command::new("sqlite3")
            .args([
                "-csv",
                db.to_str().unwrap(),
                &format!(".once {}", file.display()),
                &format!("SELECT * FROM {t}"),
            ])
            .output()
            .expect("sqlite3 (scripts/ensure-deps.sh test installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        ddl.push_str(&format!(
            "CREATE TABLE {t} ({});",
            cols.iter()
                .map(|(c, ty)| format!(
                    "\"{c}\" {}",
                    if ty == "INTEGER" { "bigint" } else { "text" }
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        copies.push_str(&format!("\\copy {t} FROM '{}' CSV\n", file.display()));
    }
    let mut copy_times = Vec::new();
    for n in 0..runs {
        admin
            .batch_execute(&format!("CREATE DATABASE copy{n}"))
            .unwrap();
        let url = format!("{}/copy{n}", server.url.rsplit_once('/').unwrap().0);
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(&ddl).unwrap();
        let script = dir.join(format!("copy{n}.sql"));
        std::fs::write(&script, &copies).unwrap();
        let start = Instant::now();
        let out = Command::new("psql")
            .args([
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &url,
                "-f",
                script.to_str().unwrap(),
            ])
            .output()
            .expect("psql");
        copy_times.push(start.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Each database is dropped once measured: a season is large.
        drop(c);
    }
    for n in 0..runs {
        for db in ["push", "copy"] {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db}{n}"));
        }
    }
    Some((median(push_times), median(again_times), median(copy_times)))
}

fn fixture_lines() -> usize {
    3
}
