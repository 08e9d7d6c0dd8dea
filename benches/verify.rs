//! Verify benchmark on a generated till of 100,000 sales (3 lines, 1
//! payment and 3 stock movements each), every sale with its hash-chained
//! `sale.completed` entry carrying the figures `verify` holds the rows
//! against, as the till writes them. The fixture is inserted directly with
//! rusqlite for speed: it is data, not a test of the core.
//!
//! Measured in the same run:
//! - `journal::verify_chain`: the chain and the clock alone (what `verify`
//!   did before it checked the ledger; the export's manifest uses it);
//! - `ledger_check::check`: every ledger row against its entry;
//! - `journal::verify`: both, as `popup-till verify` and Settings run it;
//! - the baseline: one raw rusqlite pass reading every row of the same
//!   tables (no hashing, no joins).
//!
//! Run: `cargo bench -p popup-till-core --bench verify`
//! (`SALES=20000` changes the number of sales, `RUNS=5` the repetitions;
//! `BENCH_DB=PATH` keeps the generated database, which must not exist yet).

use std::path::Path;
use std::time::{Duration, Instant};

use popup_till_core::db::journal::{self, canonical_json, Entry, GENESIS_HASH};
use popup_till_core::db::ledger_check;
use popup_till_core::{new_id, Store};
use rusqlite::{params, Connection};
use serde_json::json;

const LINES_PER_SALE: usize = 3;
const PRODUCTS: usize = 50;

/// Add `sales` sales, with their journal entries, to the till file at
/// `path` (new or existing: the entries go on from its own till's chain).
pub fn build_fixture(path: &Path, sales: usize) {
    let store = Store::open(path).expect("open");
    let device = store.device_id().to_string();
    drop(store);
    let mut conn = Connection::open(path).expect("open raw");
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    let tx = conn.transaction().unwrap();
    let mut seq: i64 = tx
        .query_row("SELECT coalesce(max(seq), 0) FROM audit_log", [], |r| {
            r.get(0)
        })
        .unwrap();
    let (mut device_seq, mut prev): (i64, String) = tx
        .query_row(
            "SELECT device_seq, hash FROM audit_log WHERE device_id = ?1 ORDER BY device_seq DESC LIMIT 1",
            [&device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or((0, GENESIS_HASH.to_string()));
    let now = "2026-01-01T08:00:00.000Z";
    let person = new_id();
    let event = new_id();
    let session = new_id();
    tx.execute(
        "INSERT INTO person (id, device_id, name, role, pin_hash, active, created_at) VALUES (?1, ?2, 'Bench', 'cashier', NULL, 1, ?3)",
        params![person, device, now],
    )
    .unwrap();
    tx.execute("INSERT INTO event (id, device_id, name, starts_at, ends_at, status, created_at) VALUES (?1, ?2, 'Market', '2026-01-01T10:00', '2026-12-31T18:00', 'closed', ?3)",
        params![event, device, now]).unwrap();
    tx.execute("INSERT INTO till_session (id, device_id, event_id, practice, opened_by, opened_at, opened_offset_minutes, opening_float_minor) VALUES (?1, ?2, ?3, 0, ?4, ?5, 60, 10000)",
        params![session, device, event, person, now]).unwrap();
    let mut products = Vec::new();
    {
        let mut stmt = tx
            .prepare("INSERT INTO product (id, device_id, sku, name, search_name, unit_price, tax_rate, unit, kind, created_at) VALUES (?1, ?2, ?3, ?4, ?4, '2.50', '20', 'each', 'item', ?5)")
            .unwrap();
        for i in 0..PRODUCTS {
            let id = new_id();
            stmt.execute(params![
                id,
                device,
                format!("SKU{i:04}"),
                format!("Product {i}"),
                now
            ])
            .unwrap();
            products.push(id);
        }
    }
    let mut ins_sale = tx.prepare("INSERT INTO sale (id, device_id, event_id, session_id, cashier_id, receipt_number, receipt_seq, practice, currency, tax_mode, subtotal_minor, discount_minor, tax_minor, total_minor, at_utc, utc_offset_minutes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 'EUR', 'inclusive', ?8, 0, ?9, ?8, ?10, 60)").unwrap();
    let mut ins_line = tx.prepare("INSERT INTO sale_line (id, device_id, sale_id, line_no, product_id, sku, name, unit, unit_price, quantity, quantity_milli, amount_minor, tax_rate, net_minor, tax_minor, gross_minor) VALUES (?1, ?2, ?3, ?4, ?5, 'SKU', 'Product', 'each', '2.50', ?6, ?7, ?8, '20', ?9, ?10, ?8)").unwrap();
    let mut ins_pay = tx.prepare("INSERT INTO payment (id, device_id, sale_id, seq, method, amount_minor, tendered_minor, change_minor) VALUES (?1, ?2, ?3, 1, 'card', ?4, ?4, 0)").unwrap();
    let mut ins_move = tx.prepare("INSERT INTO stock_movement (id, device_id, product_id, event_id, location, kind, quantity_milli, source_type, source_id, actor_id, at_utc, utc_offset_minutes) VALUES (?1, ?2, ?3, ?4, 'event', 'sale', ?5, 'sale', ?6, ?7, ?8, 60)").unwrap();
    let mut ins_entry = tx.prepare("INSERT INTO audit_log (seq, id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash, device_seq, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 2)").unwrap();
    for s in 0..sales {
        let sale = new_id();
        let secs = 9 * 3600 + (s as i64 % 28_800);
        let at = format!(
            "2026-{:02}-{:02}T{:02}:{:02}:{:02}.000Z",
            1 + (s / 10_000) % 12,
            1 + (s / 400) % 25,
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        );
        let figures: Vec<(&String, i64, i64, i64)> = (0..LINES_PER_SALE)
            .map(|l| {
                let qty = 1 + ((s + l) % 3) as i64;
                let gross = 250 * qty;
                (
                    &products[(s * 7 + l * 13) % PRODUCTS],
                    qty,
                    gross,
                    gross - (gross * 100 + 60) / 120,
                )
            })
            .collect();
        let total: i64 = figures.iter().map(|f| f.2).sum();
        let tax: i64 = figures.iter().map(|f| f.3).sum();
        let receipt = format!("T1-{:06}", s + 1);
        ins_sale
            .execute(params![
                sale,
                device,
                event,
                session,
                person,
                receipt,
                s as i64 + 1,
                total,
                tax,
                at
            ])
            .unwrap();
        let mut lines = Vec::new();
        let mut moves = Vec::new();
        for (l, (product, qty, gross, t)) in figures.into_iter().enumerate() {
            let line = new_id();
            ins_line
                .execute(params![
                    line,
                    device,
                    sale,
                    l as i64 + 1,
                    product,
                    qty.to_string(),
                    qty * 1000,
                    gross,
                    gross - t,
                    t
                ])
                .unwrap();
            lines.push(json!({"id": line, "product_id": product, "quantity_milli": qty * 1000,
                "amount_minor": gross, "net_minor": gross - t, "tax_minor": t, "gross_minor": gross}));
            let moved = new_id();
            ins_move
                .execute(params![
                    moved,
                    device,
                    product,
                    event,
                    -qty * 1000,
                    sale,
                    person,
                    at
                ])
                .unwrap();
            moves.push(json!({"id": moved, "kind": "sale", "location": "event",
                "product_id": product, "quantity_milli": -qty * 1000}));
        }
        ins_pay
            .execute(params![new_id(), device, sale, total])
            .unwrap();
        seq += 1;
        device_seq += 1;
        let mut entry = Entry {
            seq,
            device_seq,
            version: 2,
            id: new_id(),
            device_id: device.clone(),
            at_utc: at,
            utc_offset_minutes: 60,
            actor_id: person.clone(),
            action: "sale.completed".into(),
            entity: "sale".into(),
            entity_id: sale,
            details: canonical_json(&json!({
                "receipt_number": receipt, "session_id": session, "event_id": event,
                "practice": false, "lines": LINES_PER_SALE, "sale_lines": lines,
                "subtotal_minor": total, "discount_minor": 0, "tax_minor": tax,
                "total_minor": total, "rounding_minor": 0,
                "payments": [["card", total]], "stock_movements": moves,
            })),
            prev_hash: prev,
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        ins_entry
            .execute(params![
                entry.seq,
                entry.id,
                entry.device_id,
                entry.at_utc,
                entry.utc_offset_minutes,
                entry.actor_id,
                entry.action,
                entry.entity,
                entry.entity_id,
                entry.details,
                entry.prev_hash,
                entry.hash,
                entry.device_seq
            ])
            .unwrap();
        prev = entry.hash;
    }
    drop((ins_sale, ins_line, ins_pay, ins_move, ins_entry));
    tx.commit().unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .unwrap();
}

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut last = f(); // warm-up
    for _ in 0..runs {
        let start = Instant::now();
        last = f();
        times.push(start.elapsed());
    }
    (median(times), last)
}

fn main() {
    let sales: usize = std::env::var("SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    // BENCH_DB=PATH keeps the generated till there for a look afterwards.
    let db = std::env::var_os("BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("bench.sqlite"));
    let t = Instant::now();
    build_fixture(&db, sales);
    eprintln!("fixture: {:.1} s", t.elapsed().as_secs_f64());
    let store = Store::open(&db).unwrap();
    let conn = store.conn();

    let (chain_ms, chain) = time(runs, || journal::verify_chain(conn).unwrap());
    assert!(chain.holds());
    let (ledger_ms, ledger) = time(runs, || ledger_check::check(conn).unwrap());
    assert_eq!(ledger.mismatch_count, 0, "{:?}", ledger.mismatches.first());
    let (full_ms, full) = time(runs, || journal::verify(conn).unwrap());
    assert!(full.holds());
    let (raw_ms, _) = time(runs, || {
        conn.query_row(
            "SELECT (SELECT sum(length(details) + length(hash)) FROM audit_log)
                  + (SELECT sum(total_minor) FROM sale) + (SELECT sum(quantity_milli) FROM sale_line)
                  + (SELECT sum(amount_minor) FROM payment) + (SELECT sum(quantity_milli) FROM stock_movement)",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
    });
    println!(
        "verify: {} entries, {} ledger rows; median of {runs} runs after a warm-up",
        full.entries, full.ledger_rows
    );
    println!("  chain and clock (verify_chain):  {chain_ms:>8.1} ms");
    println!("  ledger against the journal:      {ledger_ms:>8.1} ms");
    println!("  verify (both):                   {full_ms:>8.1} ms");
    println!("  raw pass over the same tables:   {raw_ms:>8.1} ms");
}
