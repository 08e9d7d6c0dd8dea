//! Sale commit benchmark: thousands of sales completed through the core
//! (`sale::complete_with_pin`: pricing, receipt number, sale, lines,
//! payments, stock movements, hash-chained journal, one IMMEDIATE
//! transaction with a synced commit), beside a raw rusqlite baseline that
//! does the same inserts with prepared statements and no rules, in the same
//! run, interleaved so both see the same disk. Prints median and p99 of each
//! and the ratio.
//!
//! Run: `cargo bench -p popup-till-core --bench sale_commit`
//! (`SALES=5000` changes the number of sales; `BENCH_DIR=/some/folder`
//! puts the two databases elsewhere, e.g. on a RAM disk to see the time
//! without the disk's sync).

use std::path::Path;
use std::time::{Duration, Instant};

use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
use popup_till_core::shop::settings;
use popup_till_core::shop::status::{self, ShopSetup};
use popup_till_core::stock::{self, Location, Movement, MovementKind};
use popup_till_core::till::cart::{CartInput, DiscountInput, LineInput};
use popup_till_core::till::sale::{self, PaymentInput};
use popup_till_core::till::session::{self, OpenInput};
use popup_till_core::{new_id, Actor, Store};
use rust_decimal::Decimal;

const PRODUCTS: usize = 60;
const PIN: &str = "246810";

/// A shop ready to sell: returns the cashier and the product ids.
fn prepare(path: &Path) -> (Store, String, Vec<String>) {
    let mut store = Store::open(path).expect("open");
    let (_, organizer) = status::set_up_shop(
        &mut store,
        &ShopSetup {
            shop_name: "Bench".into(),
            currency: "EUR".into(),
            organizer_name: "Olga".into(),
            pin: PIN.into(),
        },
    )
    .expect("set up");
    let cashier = people::add_with_pin(
        &mut store,
        &Actor::person(&organizer.id),
        &ApprovalRequest::new(&organizer.id, PIN),
        &PersonInput {
            name: "Carl".into(),
            role: "cashier".into(),
            pin: Some("1357".into()),
        },
    )
    .expect("cashier");
    let products = store
        .write(&Actor::system("bench"), |tx| {
            let s = settings::load(tx)?;
            let mut ids = Vec::new();
            let event = events::create(
                tx,
                &EventInput {
                    name: "Bench fair".into(),
                    venue: String::new(),
                    starts_at: "2026-12-05T10:00".into(),
                    ends_at: "2026-12-05T17:00".into(),
                    notes: String::new(),
                },
            )?;
            events::open(tx, &event.id)?;
            for i in 0..PRODUCTS {
                let p = catalog::create(
                    tx,
                    &s,
                    &ProductInput {
                        sku: format!("SKU{i:03}"),
                        barcode: String::new(),
                        name: format!("Product {i}"),
                        unit_price: format!("{}.{:02}", 1 + i % 30, (i * 37) % 100),
                        tax_rate: if i % 3 == 0 { "0" } else { "20" }.into(),
                        unit: "each".into(),
                        kind: "item".into(),
                        category: String::new(),
                        low_stock_threshold: String::new(),
                    },
                )?;
                stock::record(
                    tx,
                    &Movement {
                        product_id: &p.id,
                        event_id: Some(&event.id),
                        location: Location::Event,
                        kind: MovementKind::Receive,
                        quantity: Decimal::from(10_000),
                        reason: "",
                        note: "",
                        lot_code: None,
                        source_type: "manual",
                        source_id: None,
                    },
                )?;
                ids.push(p.id);
            }
            tx.journal("bench.ready", "event", &event.id, serde_json::json!({}))?;
            Ok(ids)
        })
        .expect("catalog");
    store
        .write(&Actor::person(&cashier.id), |tx| {
            session::open(
                tx,
                &OpenInput {
                    float: "100".into(),
                    ..Default::default()
                },
            )
        })
        .expect("open the till");
    (store, cashier.id, products)
}

fn cart_for(i: usize, products: &[String]) -> CartInput {
    let lines = (0..3)
        .map(|k| LineInput {
            product_id: products[(i * 7 + k * 13) % products.len()].clone(),
            quantity: format!("{}", 1 + (i + k) % 3),
            ..Default::default()
        })
        .collect();
    CartInput {
        lines,
        sale_discount: (i % 5 == 0).then(|| DiscountInput {
            kind: "percent".into(),
            value: "10".into(),
        }),
        handover_contact: None,
        cart_id: None,
        card: None,
        deposits_back: Vec::new(),
    }
}

/// The same rows a three-line sale with two payments writes, inserted
/// directly: sale, 3 lines, 2 payments, 3 stock movements, receipt counter,
/// one journal row.
struct Baseline {
    conn: rusqlite::Connection,
    device: String,
    event: String,
    session: String,
    cashier: String,
    products: Vec<String>,
    seq: i64,
}

impl Baseline {
    fn sell(&mut self, i: usize) {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        let now = "2026-12-05T10:00:00.000Z";
        let seq: i64 = tx
            .query_row(
                "INSERT INTO receipt_counter (device_id, series, last_number) VALUES (?1, 'live', 1)
                 ON CONFLICT (device_id, series) DO UPDATE SET last_number = last_number + 1 RETURNING last_number",
                [&self.device],
                |r| r.get(0),
            )
            .unwrap();
        let sale = new_id();
        tx.prepare_cached(
            "INSERT INTO sale (id, device_id, event_id, session_id, cashier_id, receipt_number, receipt_seq, practice, currency, tax_mode,
              subtotal_minor, discount_minor, sale_discount_minor, tax_minor, rounding_minor, total_minor, approved_by, stock_warning, at_utc, utc_offset_minutes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 'EUR', 'inclusive', 3000, 0, 0, 500, 0, 3000, NULL, 0, ?8, 60)",
        )
        .unwrap()
        .execute(rusqlite::params![sale, self.device, self.event, self.session, self.cashier, format!("B-{seq:06}"), seq, now])
        .unwrap();
        for k in 0..3usize {
            let product = &self.products[(i * 7 + k * 13) % self.products.len()];
            tx.prepare_cached(
                "INSERT INTO sale_line (id, device_id, sale_id, line_no, product_id, sku, name, unit, unit_price, list_unit_price, quantity, quantity_milli,
                  amount_minor, line_discount_minor, sale_discount_minor, tax_rate, net_minor, tax_minor, gross_minor, handover_later)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'SKU', 'Product', 'each', '10', NULL, '1', 1000, 1000, 0, 0, '20', 833, 167, 1000, 0)",
            )
            .unwrap()
            .execute(rusqlite::params![new_id(), self.device, sale, k as i64 + 1, product])
            .unwrap();
            tx.prepare_cached(
                "INSERT INTO stock_movement (id, device_id, product_id, event_id, location, kind, quantity_milli, reason, note, lot_code, source_type, source_id, actor_id, at_utc, utc_offset_minutes)
                 VALUES (?1, ?2, ?3, ?4, 'event', 'sale', -1000, '', '', NULL, 'sale', ?5, ?6, ?7, 60)",
            )
            .unwrap()
            .execute(rusqlite::params![new_id(), self.device, product, self.event, sale, self.cashier, now])
            .unwrap();
        }
        for (n, method) in ["card", "cash"].iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO payment (id, device_id, sale_id, seq, method, amount_minor, tendered_minor, change_minor, card_last_four, auth_code, reference)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1500, 1500, 0, NULL, NULL, NULL)",
            )
            .unwrap()
            .execute(rusqlite::params![new_id(), self.device, sale, n as i64 + 1, method])
            .unwrap();
        }
        self.seq += 1;
        tx.prepare_cached(
            "INSERT INTO audit_log (seq, id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash, device_seq, version)
             VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM audit_log), ?1, ?2, ?3, 60, ?4, 'sale.completed', 'sale', ?5, '{}', '0', '0',
                     (SELECT coalesce(max(device_seq), 0) + 1 FROM audit_log WHERE device_id = ?2), 2)",
        )
        .unwrap()
        .execute(rusqlite::params![new_id(), self.device, now, self.cashier, sale])
        .unwrap();
        tx.commit().unwrap();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let sales: usize = std::env::var("SALES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    // A folder on the build disk, not a RAM disk: the commit's fsync is
    // part of what is measured.
    let base = std::env::var_os("BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).to_path_buf());
    let root = base.join("sale_commit");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("bench folder");

    let (mut store, cashier, products) = prepare(&root.join("core.sqlite"));
    let (base_store, base_cashier, base_products) = prepare(&root.join("baseline.sqlite"));
    let device = base_store.device_id().to_string();
    let session = session::current(base_store.conn(), &device)
        .unwrap()
        .unwrap();
    drop(base_store);
    let conn = rusqlite::Connection::open(root.join("baseline.sqlite")).unwrap();
    // The same pragmas the store sets.
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    let mut baseline = Baseline {
        conn,
        device,
        event: session.event_id.clone(),
        session: session.id.clone(),
        cashier: base_cashier,
        products: base_products,
        seq: 0,
    };

    let actor = Actor::person(&cashier);
    let payments = [
        PaymentInput {
            method: "card".into(),
            amount: "5.00".into(),
            ..Default::default()
        },
        PaymentInput {
            method: "cash".into(),
            tendered: "500".into(),
            ..Default::default()
        },
    ];
    let carts: Vec<CartInput> = (0..sales).map(|i| cart_for(i, &products)).collect();
    // Warm up both paths (statement caches, page cache).
    for i in 0..50 {
        sale::complete_with_pin(
            &mut store,
            &actor,
            &carts[i % sales],
            &payments,
            &ApprovalRequest::none(),
        )
        .expect("warm-up sale");
        baseline.sell(i);
    }
    let mut core_times = Vec::with_capacity(sales);
    let mut base_times = Vec::with_capacity(sales);
    for (i, cart) in carts.iter().enumerate() {
        let t = Instant::now();
        sale::complete_with_pin(
            &mut store,
            &actor,
            cart,
            &payments,
            &ApprovalRequest::none(),
        )
        .expect("sale");
        core_times.push(t.elapsed());
        let t = Instant::now();
        baseline.sell(i);
        base_times.push(t.elapsed());
    }
    core_times.sort();
    base_times.sort();
    let (cm, cp) = (percentile(&core_times, 0.5), percentile(&core_times, 0.99));
    let (bm, bp) = (percentile(&base_times, 0.5), percentile(&base_times, 0.99));
    println!(
        "sale_commit: {sales} sales of 3 lines and 2 payments each, interleaved, in {}",
        root.display()
    );
    println!(
        "  p90: core {:.1} µs, baseline {:.1} µs",
        micros(percentile(&core_times, 0.9)),
        micros(percentile(&base_times, 0.9))
    );
    println!(
        "  core (sale::complete_with_pin): median {:>8.1} µs   p99 {:>8.1} µs",
        micros(cm),
        micros(cp)
    );
    println!(
        "  raw rusqlite baseline (same rows):  median {:>8.1} µs   p99 {:>8.1} µs",
        micros(bm),
        micros(bp)
    );
    println!(
        "  ratio core / baseline:              median {:>8.2}×     p99 {:>8.2}×",
        micros(cm) / micros(bm),
        micros(cp) / micros(bp)
    );
    println!(
        "  targets: median ≤ 1.30× baseline: {}; p99 ≤ 2 ms: {}",
        if micros(cm) <= 1.3 * micros(bm) {
            "met"
        } else {
            "NOT met"
        },
        if cp <= Duration::from_millis(2) {
            "met"
        } else {
            "NOT met"
        }
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&root);
}
