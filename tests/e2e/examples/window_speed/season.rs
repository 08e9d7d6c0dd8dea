//! The benchmark's till file: a shop with 100,000 products (imported from a
//! CSV through the catalog import, as an organizer would) and a season of
//! 100 market days with 1,000,000 sale lines, every sale completed through
//! `till::sale::complete` with its journal entry. Each market day brings its
//! own range of 1,000 products (received into stock), opens the till, sells
//! through the day on a clock moved hour by hour, and closes the till and
//! the event; the last day (the biggest) stays open, so the window sells
//! into it. Sales of one hour go in one transaction: the file is built in a
//! few minutes, and `verify` holds on it. `SEASON_LINES` makes a smaller
//! season (the same products and days, fewer lines).

use std::path::Path;
use std::time::Instant;

use chrono::{Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use popup_till_core::catalog::{gs1_check_digit, spreadsheet};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::{self, Approval, ApprovalRequest, PersonInput};
use popup_till_core::shop::status::{self, ShopSetup};
use popup_till_core::stock::{self, Location, Movement, MovementKind};
use popup_till_core::till::cart::{CartInput, LineInput};
use popup_till_core::till::sale::{self, PaymentInput};
use popup_till_core::till::session::{self, CloseInput, OpenInput};
use popup_till_core::{Actor, Store};
use rust_decimal::Decimal;

/// The organizer and the cashier of the benchmark shop, with their PINs.
pub const ORGANIZER: &str = "Olga";
pub const CASHIER: &str = "Carl";
pub const ORGANIZER_PIN: &str = "246810";
pub const CASHIER_PIN: &str = "1357";

pub const PRODUCTS: usize = 100_000;
pub const EVENTS: usize = 100;
/// The season's sale lines: 1,000,000, or `SEASON_LINES` (a smaller file
/// builds in a fraction of the time, for trying a change quickly).
pub fn sale_lines() -> usize {
    std::env::var("SEASON_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n >= 10_000)
        .unwrap_or(1_000_000)
}
/// Products each market day brings (and sells from).
pub const RANGE: usize = 1_000;
/// The lines of the last (biggest) day: 30,000 of a full season (3 %).
pub fn biggest_day_lines() -> usize {
    sale_lines() * 3 / 100
}

const ADJECTIVES: &[&str] = &[
    "organic",
    "smoked",
    "crème",
    "wild",
    "roasted",
    "salted",
    "spiced",
    "golden",
    "dark",
    "fresh",
    "hand-made",
    "rustic",
    "sweet",
    "bitter",
    "zesty",
    "crunchy",
    "mellow",
    "tangy",
    "nordic",
    "provençal",
    "alpine",
    "coastal",
    "épicé",
    "herbal",
];
const NOUNS: &[&str] = &[
    "oats",
    "almonds",
    "honey",
    "jam",
    "coffee",
    "tea",
    "soap",
    "candle",
    "mug",
    "bowl",
    "scarf",
    "beanie",
    "tote",
    "spoon",
    "granola",
    "lentils",
    "rice",
    "pasta",
    "vinegar",
    "olive oil",
    "chocolate",
    "cookie",
    "brownie",
    "lemonade",
    "karité",
    "wrap",
    "print",
    "card",
    "earrings",
    "bracelet",
    "notebook",
    "pencil",
];
const SIZES: &[&str] = &[
    "50 g", "100 g", "250 g", "500 g", "1 kg", "small", "large", "xl",
];

/// Three letters a cashier types to find a product (parts of the names).
pub const SEARCHES: &[&str] = &[
    "hon", "cof", "can", "sca", "oat", "alm", "jam", "tea", "soa", "mug", "bow", "bea", "tot",
    "spo", "gra", "len", "ric", "pas", "vin", "oli", "cho", "coo", "bro", "lem", "wra", "pri",
    "car", "ear", "bra", "not", "pen", "smo", "wil", "roa", "sal", "spi", "gol", "dar", "fre",
    "rus", "swe", "bit", "zes", "cru", "mel", "tan", "nor", "alp", "coa", "her",
];

/// A small deterministic generator, so every run builds the same season.
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

/// The barcode of product `i` (a valid GTIN-13).
pub fn barcode(i: usize) -> String {
    // A maker's EAN-13 (not an in-store 2x prefix, which the till first
    // reads as a possible scale label).
    let body = format!("400{:09}", i);
    format!("{body}{}", gs1_check_digit(&body))
}

/// The catalog as a spreadsheet (CSV) of `n` products.
pub fn catalog_csv(n: usize) -> String {
    let mut rng = Lcg(42);
    let mut text = String::from("sku,barcode,name,unit_price,tax_rate,category\n");
    for i in 0..n {
        let name = format!(
            "{} {} {} {}",
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(SIZES),
            i
        );
        text.push_str(&format!(
            "SKU-{i:06},{},\"{name}\",{}.{:02},{},Cat {}\n",
            barcode(i),
            1 + rng.next() % 50,
            rng.next() % 100,
            if i % 4 == 0 { 0 } else { 20 },
            i % 12
        ));
    }
    text
}

/// The products market day `day` brings (product numbers).
pub fn day_range(day: usize) -> Vec<usize> {
    (0..RANGE)
        .map(|k| (day * 7919 + k * 97) % PRODUCTS)
        .collect()
}

/// Sale lines of each day: the last the biggest, the rest sharing what is
/// left with some days busier than others.
fn day_lines() -> Vec<usize> {
    let rest = sale_lines() - biggest_day_lines();
    let weights: Vec<usize> = (0..EVENTS - 1).map(|d| 6 + (d * 37) % 9).collect();
    let total: usize = weights.iter().sum();
    let mut lines: Vec<usize> = weights.iter().map(|w| rest * w / total).collect();
    let short = rest - lines.iter().sum::<usize>();
    lines[0] += short;
    lines.push(biggest_day_lines());
    lines
}

fn id_of(store: &Store, sku: &str) -> String {
    store
        .conn()
        .query_row("SELECT id FROM product WHERE sku = ?1", [sku], |r| r.get(0))
        .expect("product by sku")
}

fn at(day: NaiveDate, hour: u32, minute: u32) -> chrono::DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(3600).expect("offset");
    offset
        .from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("time")))
        .single()
        .expect("local time")
}

/// Build the season file at `path` (which must not exist yet). Prints how
/// long each part took; returns the import time of the catalog in seconds.
pub fn build(path: &Path) -> f64 {
    let started = Instant::now();
    let mut store = Store::open(path).expect("open the season file");
    let (_, organizer) = status::set_up_shop(
        &mut store,
        &ShopSetup {
            shop_name: "Season Stall".into(),
            currency: "EUR".into(),
            organizer_name: ORGANIZER.into(),
            pin: ORGANIZER_PIN.into(),
        },
    )
    .expect("set up the shop");
    let cashier = people::add_with_pin(
        &mut store,
        &Actor::person(&organizer.id),
        &ApprovalRequest::new(&organizer.id, ORGANIZER_PIN),
        &PersonInput {
            name: CASHIER.into(),
            role: "cashier".into(),
            pin: Some(CASHIER_PIN.into()),
        },
    )
    .expect("add the cashier");
    let text = catalog_csv(PRODUCTS);
    let import_started = Instant::now();
    let imported = spreadsheet::import(
        &mut store,
        &Actor::person(&organizer.id),
        &Approval::file_holder(),
        &text,
        &mut |_| {},
    )
    .expect("import the catalog");
    let import_secs = import_started.elapsed().as_secs_f64();
    assert!(imported.applied && imported.new == PRODUCTS);
    println!("  catalog: {PRODUCTS} products imported in {import_secs:.1} s");
    // Product ids by number, for the carts.
    let mut ids = Vec::with_capacity(PRODUCTS);
    {
        let mut stmt = store
            .conn()
            .prepare("SELECT sku, id FROM product")
            .expect("products");
        let mut by_sku: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("products")
            .map(|r| r.expect("product"))
            .collect();
        by_sku.sort();
        ids.extend(by_sku.into_iter().map(|(_, id)| id));
    }
    assert_eq!(ids[7], id_of(&store, "SKU-000007"));

    let lines = day_lines();
    let today = chrono::Local::now().date_naive();
    let first_day = today - Duration::days(2 * EVENTS as i64 - 1);
    let organizer_actor = Actor::person(&organizer.id);
    let cashier_actor = Actor::person(&cashier.id);
    let clock = std::sync::Arc::new(std::sync::Mutex::new(at(first_day, 8, 0)));
    let shared = clock.clone();
    store.set_clock(Box::new(move || *shared.lock().expect("clock")));
    let set = |t| *clock.lock().expect("clock") = t;
    let mut rng = Lcg(7);
    let mut written = 0usize;
    for (day_no, &day_lines) in lines.iter().enumerate() {
        let day = first_day + Duration::days(2 * day_no as i64);
        let last = day_no == EVENTS - 1;
        let range = day_range(day_no);
        set(at(day, 8, 0));
        store
            .write(&organizer_actor, |tx| {
                let ev = events::create(
                    tx,
                    &EventInput {
                        name: format!("Market day {}", day_no + 1),
                        venue: "Harbour".into(),
                        starts_at: format!("{day}T10:00"),
                        ends_at: format!("{day}T18:00"),
                        notes: String::new(),
                    },
                )?;
                events::open(tx, &ev.id)?;
                for &p in &range {
                    stock::record(
                        tx,
                        &Movement {
                            product_id: &ids[p],
                            event_id: Some(&ev.id),
                            location: Location::Event,
                            kind: MovementKind::Receive,
                            quantity: Decimal::from(1000),
                            reason: "",
                            note: "",
                            lot_code: None,
                            source_type: "manual",
                            source_id: None,
                        },
                    )?;
                }
                tx.journal("stock.received", "event", &ev.id, serde_json::json!({}))?;
                Ok(ev.id)
            })
            .expect("the market day");
        set(at(day, 9, 30));
        store
            .write(&cashier_actor, |tx| {
                session::open(
                    tx,
                    &OpenInput {
                        float: "150".into(),
                        ..Default::default()
                    },
                )
            })
            .expect("open the till");
        // Sales hour by hour from 10:00 to 17:59, busier at midday.
        let hour_weights = [6usize, 9, 12, 14, 13, 10, 8, 6];
        let weight_sum: usize = hour_weights.iter().sum();
        let mut left = day_lines;
        for (h, w) in hour_weights.iter().enumerate() {
            let mut hour_lines = if h == hour_weights.len() - 1 {
                left
            } else {
                day_lines * w / weight_sum
            };
            left -= hour_lines;
            set(at(day, 10 + h as u32, 5 + (day_no % 40) as u32));
            store
                .write(&cashier_actor, |tx| {
                    while hour_lines > 0 {
                        let n = (1 + rng.next() as usize % 5).min(hour_lines);
                        hour_lines -= n;
                        let cart = CartInput {
                            lines: (0..n)
                                .map(|_| LineInput {
                                    product_id: ids[range[rng.next() as usize % RANGE]].clone(),
                                    quantity: format!("{}", 1 + rng.next() % 2),
                                    ..Default::default()
                                })
                                .collect(),
                            ..Default::default()
                        };
                        let pay = if rng.next() % 3 == 0 {
                            PaymentInput {
                                method: "card".into(),
                                ..Default::default()
                            }
                        } else {
                            PaymentInput {
                                method: "cash".into(),
                                ..Default::default()
                            }
                        };
                        sale::complete(tx, &cart, &[pay], None)?;
                    }
                    Ok(())
                })
                .expect("an hour of sales");
        }
        written += day_lines;
        if !last {
            set(at(day, 18, 15));
            let expected: i64 = store
                .conn()
                .query_row(
                    "SELECT 15000 + coalesce(sum(p.amount_minor), 0) FROM payment p JOIN sale s ON s.id = p.sale_id
                     JOIN till_session t ON t.id = s.session_id WHERE t.closed_at IS NULL AND p.method = 'cash'",
                    [],
                    |r| r.get(0),
                )
                .expect("cash expected");
            let counted = format!("{}.{:02}", expected / 100, expected % 100);
            store
                .write(&cashier_actor, |tx| {
                    session::close(
                        tx,
                        &CloseInput {
                            counted,
                            denominations: None,
                        },
                    )
                })
                .expect("close the till");
            store
                .write(&organizer_actor, |tx| {
                    let ev = events::current(tx)?.expect("the open event");
                    events::close(tx, &Approval::file_holder(), &ev.id)
                })
                .expect("close the event");
        }
        // The store leaves checkpoints to the app's idle moments: here,
        // one a day keeps the log small.
        store.checkpoint().expect("checkpoint");
        if day_no % 10 == 9 {
            println!(
                "  season: {} days, {written} sale lines in {:.0} s",
                day_no + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    store.set_clock(Box::new(|| chrono::Local::now().fixed_offset()));
    drop(store);
    import_secs
}
