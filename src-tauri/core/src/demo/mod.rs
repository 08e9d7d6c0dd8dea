//! The demo pop-up: a realistic small shop (about forty products), a team of
//! four, last week's finished market and tomorrow's fair, both with the
//! starter task flow (the market's done, the fair's under way, its stock
//! loaded out), both with attendees and consents (`attendees`), so a
//! newcomer sees a working till at once. Everything is made through the
//! same core functions the screens use, and journaled.

mod attendees;
pub mod loyalty;
pub mod past_market;
mod past_refills;
mod past_refunds;
mod past_signatures;
mod run_up;
mod second_till;
mod upcoming_fair;

use chrono::Duration;
use serde::Serialize;

use crate::catalog::{self, gs1_check_digit, ProductInput, ProductKind};
use crate::db::store::{Actor, Store};
use crate::shop::events::EventInput;
use crate::shop::people::{self, Approval, PersonInput};
use crate::shop::settings::{self, SettingsInput};
use crate::tasks;
use crate::{Error, Result};

/// The demo organizer's PIN, shown on the welcome screen.
pub const DEMO_ORGANIZER_PIN: &str = "246810";
/// The demo cashiers' PIN (each has the same one), shown on the welcome screen.
pub const DEMO_CASHIER_PIN: &str = "1357";

#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub products: usize,
    pub people: usize,
    pub event_id: String,
    pub organizer_pin: &'static str,
    pub cashier_pin: &'static str,
}

/// (sku, name, price, tax, unit, kind, category)
const PRODUCTS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "REF-OAT",
        "Rolled oats",
        "4.20",
        "5.5",
        "kg",
        "refill",
        "Refills",
    ),
    (
        "REF-RICE",
        "Basmati rice",
        "5.80",
        "5.5",
        "kg",
        "refill",
        "Refills",
    ),
    (
        "REF-LENT",
        "Green lentils",
        "6.40",
        "5.5",
        "kg",
        "refill",
        "Refills",
    ),
    (
        "REF-PAST",
        "Fusilli pasta",
        "3.90",
        "5.5",
        "kg",
        "refill",
        "Refills",
    ),
    (
        "REF-GRAN",
        "Hazelnut granola",
        "11.50",
        "5.5",
        "kg",
        "refill",
        "Refills",
    ),
    (
        "REF-ALM", "Almonds", "19.90", "5.5", "kg", "refill", "Refills",
    ),
    (
        "REF-COF",
        "Coffee beans, Ethiopia",
        "28.00",
        "5.5",
        "kg",
        "refill",
        "Refills",
    ),
    (
        "REF-TEA",
        "Earl Grey loose tea",
        "42.00",
        "5.5",
        "kg",
        "refill",
        "Refills",
    ),
    (
        "REF-OIL",
        "Olive oil",
        "14.50",
        "5.5",
        "l",
        "refill",
        "Refills",
    ),
    (
        "REF-VIN",
        "Cider vinegar",
        "4.80",
        "5.5",
        "l",
        "refill",
        "Refills",
    ),
    (
        "REF-SOAP",
        "Liquid soap, lavender",
        "9.60",
        "20",
        "l",
        "refill",
        "Refills",
    ),
    (
        "REF-DISH",
        "Dish soap",
        "6.90",
        "20",
        "l",
        "refill",
        "Refills",
    ),
    (
        "REF-LAUN",
        "Laundry liquid",
        "7.50",
        "20",
        "l",
        "refill",
        "Refills",
    ),
    (
        "CRA-MUG",
        "Stoneware mug",
        "18.00",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-BOWL",
        "Hand-thrown bowl",
        "24.00",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-CANDLE",
        "Beeswax candle",
        "8.50",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-CARD",
        "Linocut greeting card",
        "3.50",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-PRINT",
        "Risograph print A4",
        "15.00",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-SCARF",
        "Merino scarf",
        "39.00",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-BEANIE",
        "Chunky beanie",
        "26.00",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-TOTE",
        "Screen-printed tote bag",
        "12.00",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-EARR",
        "Brass earrings",
        "22.00",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-SPOON",
        "Carved cherry-wood spoon",
        "16.00",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-WRAP",
        "Beeswax food wraps (3)",
        "14.00",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-SOAP",
        "Olive soap bar",
        "5.50",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "CRA-CREME",
        "Crème de karité, 50 ml",
        "9.90",
        "20",
        "each",
        "item",
        "Crafts",
    ),
    (
        "FOOD-HONEY",
        "Wildflower honey 250 g",
        "7.00",
        "5.5",
        "each",
        "item",
        "Food",
    ),
    (
        "FOOD-JAM",
        "Fig & walnut jam",
        "5.90",
        "5.5",
        "each",
        "item",
        "Food",
    ),
    (
        "FOOD-BROWN",
        "Brownie slice",
        "3.20",
        "10",
        "each",
        "item",
        "Food",
    ),
    (
        "FOOD-COOK",
        "Oat cookie",
        "1.80",
        "10",
        "each",
        "item",
        "Food",
    ),
    (
        "FOOD-LEMON",
        "Lemonade, glass",
        "3.00",
        "10",
        "each",
        "item",
        "Food",
    ),
    (
        "FOOD-CHAI",
        "Chai latte",
        "3.80",
        "10",
        "each",
        "item",
        "Food",
    ),
    (
        "FOOD-CHOC",
        "Hot chocolate",
        "3.50",
        "10",
        "each",
        "item",
        "Food",
    ),
    (
        "DEP-JAR05",
        "Jar deposit 0.5 l",
        "1.00",
        "0",
        "each",
        "deposit",
        "Deposits",
    ),
    (
        "DEP-JAR1",
        "Jar deposit 1 l",
        "1.50",
        "0",
        "each",
        "deposit",
        "Deposits",
    ),
    (
        "DEP-BOTTLE",
        "Bottle deposit",
        "0.50",
        "0",
        "each",
        "deposit",
        "Deposits",
    ),
    (
        "DEP-CUP",
        "Reusable cup deposit",
        "2.00",
        "0",
        "each",
        "deposit",
        "Deposits",
    ),
    (
        "SRV-WRAP",
        "Gift wrapping",
        "2.50",
        "20",
        "each",
        "service",
        "Services",
    ),
    (
        "SRV-ENGR",
        "Name engraving",
        "6.00",
        "20",
        "each",
        "service",
        "Services",
    ),
    (
        "SRV-WORK",
        "Spoon-carving workshop seat",
        "45.00",
        "20",
        "each",
        "service",
        "Services",
    ),
];

fn demo_barcode(index: usize) -> String {
    // "200" prefixes are GS1's in-store range: these codes clash with no
    // real product.
    let body = format!("200{:09}", 4_200 + index);
    format!("{body}{}", gs1_check_digit(&body))
}

/// Load the demo pop-up into an empty till, all or nothing. Refused once
/// the till holds anything of its own: events, products or people.
///
/// The demo is many transactions (a past day of sales, each at its own
/// time), so it is built on a staging copy of this till and copied back in
/// one step: a failure midway leaves the till as it was.
pub fn load(store: &mut Store) -> Result<DemoSummary> {
    refuse_unless_empty(store)?;
    let staging = staging_path(store.path());
    remove_staging(&staging);
    let built = (|| {
        store.backup_to(&staging)?;
        let mut stage = Store::open(&staging)?;
        let summary = build(&mut stage)?;
        drop(stage);
        store.restore_from(&staging)?;
        Ok(summary)
    })();
    remove_staging(&staging);
    built
}

fn staging_path(db: &std::path::Path) -> std::path::PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".demo-staging");
    db.with_file_name(name)
}

fn remove_staging(staging: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = staging.as_os_str().to_os_string();
        name.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(name));
    }
}

fn refuse_unless_empty(store: &Store) -> Result<()> {
    let used: i64 = store.conn().query_row(
        "SELECT (SELECT count(*) FROM event) + (SELECT count(*) FROM product)
              + (SELECT count(*) FROM person)",
        [],
        |r| r.get(0),
    )?;
    if used > 0 {
        return Err(Error::Conflict(
            "this till already has events, products or people; the demo pop-up only loads into an empty till".into(),
        ));
    }
    Ok(())
}

/// The demo itself, written into `store` (the staging copy).
fn build(store: &mut Store) -> Result<DemoSummary> {
    let today = store.now_local().date_naive();
    let start = (today + Duration::days(1))
        .and_hms_opt(10, 0, 0)
        .unwrap_or_default();
    let approval = Approval::bootstrap();
    let summary = store.write(&Actor::system("demo"), |tx| {
        let current = settings::load(tx)?;
        let saved = settings::save(
            tx,
            &approval,
            &SettingsInput {
                shop_name: "Loop & Jar — refills and local crafts".into(),
                currency: "EUR".into(),
                tax_mode: "inclusive".into(),
                tax_rates: "0; 5.5; 10; 20".into(),
                cash_rounding: "none".into(),
                till_code: current.till_code.clone(),
                // The till's limits stay as they are.
                ..SettingsInput::from_settings(&current)
            },
        )?;
        let team = [
            ("Maya Okafor", "organizer", DEMO_ORGANIZER_PIN),
            ("Jonas Berg", "cashier", DEMO_CASHIER_PIN),
            ("Aïcha Diallo", "cashier", DEMO_CASHIER_PIN),
            ("Tom Whitfield", "cashier", DEMO_CASHIER_PIN),
        ];
        for (name, role, pin) in team {
            people::add(
                tx,
                &approval,
                &PersonInput {
                    name: name.into(),
                    role: role.into(),
                    pin: Some(pin.to_string()),
                },
            )?;
        }
        for (i, (sku, name, price, tax, unit, kind, category)) in PRODUCTS.iter().enumerate() {
            catalog::create(
                tx,
                &saved,
                &ProductInput {
                    sku: sku.to_string(),
                    barcode: if *unit == "each" {
                        demo_barcode(i)
                    } else {
                        String::new()
                    },
                    name: name.to_string(),
                    unit_price: price.to_string(),
                    tax_rate: tax.to_string(),
                    unit: unit.to_string(),
                    kind: kind.to_string(),
                    category: category.to_string(),
                    low_stock_threshold: if ProductKind::parse(kind)? == ProductKind::Item {
                        "3".into()
                    } else {
                        String::new()
                    },
                },
            )?;
        }
        refill_fields(tx, &approval)?;
        receive_demo_stock(tx)?;
        let event = tasks::create_event_with_flow(
            tx,
            &EventInput {
                name: "Winter Craft Fair".into(),
                venue: "Old Town Hall, stall 14".into(),
                starts_at: start.format("%Y-%m-%dT%H:%M").to_string(),
                ends_at: (start + Duration::hours(7))
                    .format("%Y-%m-%dT%H:%M")
                    .to_string(),
                notes: "Demo pop-up: bring the float in small coins; jars on the left table."
                    .into(),
            },
            Some(tasks::STARTER_ID),
        )?;
        tx.journal(
            "demo.loaded",
            "event",
            &event.id,
            serde_json::json!({"products": PRODUCTS.len()}),
        )?;
        Ok(DemoSummary {
            products: PRODUCTS.len(),
            people: team.len(),
            event_id: event.id,
            organizer_pin: DEMO_ORGANIZER_PIN,
            cashier_pin: DEMO_CASHIER_PIN,
        })
    })?;
    // Last week's finished market with its day of sales (see demo_sales);
    // its leftovers go back to storage, from where the fair is stocked.
    // The loyalty programme, and the summer market where the first cards
    // were handed out (see demo::loyalty).
    loyalty::set_programme(store, DEMO_ORGANIZER_PIN)?;
    loyalty::summer_market(store, DEMO_ORGANIZER_PIN)?;
    let market = past_market::load_past_day(store, DEMO_ORGANIZER_PIN)?;
    upcoming_fair::prepare(store, &summary.event_id, DEMO_ORGANIZER_PIN)?;
    // The attendee lists and consents after the market (see demo::attendees).
    attendees::after_the_market(store, market.opening, &summary.event_id, DEMO_ORGANIZER_PIN)?;
    Ok(summary)
}

/// The refill station's catalog: each refill's scale item code (101, 102,
/// … in catalog order: the scale prints them on its labels) and the
/// shop's jars and bottle as containers with their tare.
pub const DEMO_CONTAINERS: [(&str, i64); 3] =
    [("DEP-JAR05", 240), ("DEP-JAR1", 410), ("DEP-BOTTLE", 360)];

fn refill_fields(tx: &crate::db::store::Tx, approval: &Approval) -> Result<()> {
    use crate::catalog::refill::{self, RefillFields};
    let id_of = |sku: &str| -> Result<String> {
        Ok(tx.query_row("SELECT id FROM product WHERE sku = ?1", [sku], |r| r.get(0))?)
    };
    let refills = PRODUCTS.iter().filter(|p| p.5 == "refill");
    for (n, (sku, ..)) in refills.enumerate() {
        refill::set_fields(
            tx,
            approval,
            &id_of(sku)?,
            &RefillFields {
                scale_item_code: Some((101 + n).to_string()),
                ..RefillFields::default()
            },
        )?;
    }
    for (sku, tare) in DEMO_CONTAINERS {
        refill::set_fields(
            tx,
            approval,
            &id_of(sku)?,
            &RefillFields {
                tare_grams: Some(tare),
                ..RefillFields::default()
            },
        )?;
    }
    Ok(())
}

/// The demo shop's delivery: every product it stocks arrives in storage, so
/// on-hand figures are real (services hold no stock).
fn receive_demo_stock(tx: &crate::db::store::Tx) -> Result<()> {
    let lines = catalog::list(tx)?
        .into_iter()
        .filter(|p| p.kind.is_stocked())
        .enumerate()
        .map(|(i, p)| crate::stock::flows::QuantityLine {
            quantity: match (p.kind, p.unit.as_str()) {
                (ProductKind::Deposit, _) => "40".into(),
                (_, "each") => (2 + (i * 7) % 19).to_string(),
                _ => format!("{}.5", 3 + i % 9),
            },
            product_id: p.id,
        })
        .collect();
    crate::stock::flows::receive(
        tx,
        &crate::stock::flows::ReceiveInput {
            lines,
            note: "Demo delivery".into(),
            ..Default::default()
        },
    )?;
    Ok(())
}
