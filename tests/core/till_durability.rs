//! Durability: a sale the till acknowledged survives `kill -9`. A child
//! process (this test binary, running the ignored seller below) completes
//! sales in a loop and prints each receipt number after its commit; the
//! test kills it with SIGKILL at random moments, many times, then checks
//! that every acknowledged sale is present and whole, that no sale is
//! partial, that SQLite's integrity check passes and the journal verifies.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::cart::{CartInput, DiscountInput, LineInput};
use popup_till_core::till::sale::{self, PaymentInput};
use popup_till_core::{db::journal, Actor, Store};

use crate::till_support::shop;

const DB_VAR: &str = "POPUP_TILL_SELL_LOOP_DB";
const ROUNDS: usize = 20;

/// Not a test of its own: the child process of the kill test.
#[test]
#[ignore = "run by till_durability::acknowledged_sales_survive_sigkill as its child"]
fn sell_in_a_loop_until_killed() {
    let Ok(path) = std::env::var(DB_VAR) else {
        return;
    };
    let mut store = Store::open(&path).expect("open the till");
    let cashier: String = store
        .conn()
        .query_row("SELECT id FROM person WHERE role = 'cashier'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let products: Vec<String> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT id FROM product WHERE unit = 'each' ORDER BY sku")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let actor = Actor::person(&cashier);
    let cart = CartInput {
        lines: products
            .iter()
            .map(|p| LineInput {
                product_id: p.clone(),
                quantity: "1".into(),
                ..Default::default()
            })
            .collect(),
        sale_discount: Some(DiscountInput {
            kind: "amount".into(),
            value: "0.10".into(),
        }),
        handover_contact: None,
        cart_id: None,
        card: None,
        deposits_back: Vec::new(),
    };
    let payments = [
        PaymentInput {
            method: "card".into(),
            amount: "5.00".into(),
            ..Default::default()
        },
        PaymentInput {
            method: "cash".into(),
            tendered: "20".into(),
            ..Default::default()
        },
    ];
    loop {
        let done = sale::complete_with_pin(
            &mut store,
            &actor,
            &cart,
            &payments,
            &ApprovalRequest::none(),
        )
        .expect("sell");
        // Printed only after the commit returned: this is the acknowledgement.
        println!("SOLD {} {}", done.receipt_number, done.sale_id);
    }
}

/// A small pseudo-random sequence (no extra dependency needed for jitter).
struct Jitter(u64);

impl Jitter {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[test]
fn acknowledged_sales_survive_sigkill_whole_and_no_sale_is_partial() {
    let mut s = shop();
    s.open_session("50", false);
    let path = s.t.path();
    let dir = s.t.dir;
    drop(s.t.store);

    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7)
        | 1;
    let mut jitter = Jitter(seed);
    let exe = std::env::current_exe().unwrap();
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args([
                "--ignored",
                "--exact",
                "till_durability::sell_in_a_loop_until_killed",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DB_VAR, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the seller");
        let stdout = child.stdout.take().unwrap();
        let seen = acknowledged.clone();
        let reader = std::thread::spawn(move || {
            for text in BufReader::new(stdout).lines() {
                let Ok(text) = text else { break };
                if let Some(rest) = text.strip_prefix("SOLD ") {
                    let mut parts = rest.split(' ');
                    if let (Some(number), Some(id)) = (parts.next(), parts.next()) {
                        seen.lock()
                            .unwrap()
                            .push((number.to_string(), id.to_string()));
                    }
                }
            }
        });
        // Wait for the child to be selling, then kill it at a random moment.
        let before = acknowledged.lock().unwrap().len();
        let start = Instant::now();
        while acknowledged.lock().unwrap().len() == before
            && start.elapsed() < Duration::from_secs(20)
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_micros(jitter.next(150_000)));
        child.kill().expect("SIGKILL the seller");
        child.wait().unwrap();
        reader.join().unwrap();
        assert!(
            acknowledged.lock().unwrap().len() > before,
            "round {round}: the seller never sold"
        );
    }

    let store = Store::open(&path).unwrap();
    let conn = store.conn();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    assert!(journal::verify(conn).unwrap().holds());
    let acknowledged = acknowledged.lock().unwrap();
    for (number, id) in acknowledged.iter() {
        let found: String = conn
            .query_row("SELECT receipt_number FROM sale WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap_or_else(|_| panic!("acknowledged sale {number} is missing"));
        assert_eq!(&found, number);
    }
    // Every stored sale (acknowledged or not) is whole.
    let per_sale: Vec<(String, i64, i64, i64, i64, i64, i64)> = {
        let mut stmt = conn
            .prepare(
                "SELECT s.receipt_number, s.total_minor,
                    (SELECT count(*) FROM sale_line l WHERE l.sale_id = s.id),
                    (SELECT coalesce(sum(gross_minor), 0) FROM sale_line l WHERE l.sale_id = s.id) + s.rounding_minor,
                    (SELECT coalesce(sum(tendered_minor - change_minor), 0) FROM payment p WHERE p.sale_id = s.id),
                    (SELECT count(*) FROM stock_movement m WHERE m.source_type = 'sale' AND m.source_id = s.id),
                    (SELECT count(*) FROM audit_log a WHERE a.action = 'sale.completed' AND a.entity_id = s.id)
                 FROM sale s ORDER BY s.receipt_seq",
            )
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    assert!(per_sale.len() >= acknowledged.len());
    for (i, (number, total, lines, line_sum, paid, movements, journal)) in
        per_sale.iter().enumerate()
    {
        assert_eq!(
            number,
            &format!("T1-{:06}", i + 1),
            "receipt numbers are gapless"
        );
        assert_eq!(
            (*lines, *movements, *journal),
            (2, 2, 1),
            "{number} is partial"
        );
        assert_eq!(line_sum, total, "{number}: lines do not add up");
        assert_eq!(paid, total, "{number}: payments do not add up");
    }
    drop(store);
    drop(dir);
}
