//! The demo's past day: a finished event a week ago with a realistic day of
//! selling — a few hundred sales with discounts, split payments, weighed
//! refills, paid-out cash, a drop to the safe, a void, refunds (part of a
//! discounted basket, part of a refill, a damaged return, an exchange;
//! `past_refunds`), refills into customers' own jars (tare and gross) and
//! from the scale's labels and into the shop's jars (`past_refills`), jars
//! brought back with their deposits paid out (in a sale and on their own),
//! the refill station's hygiene checks, loyalty cards (some back
//! from the summer market, a few spending a reward; `demo::loyalty`), an
//! apple-pressing show as a moment of the day, and a closed till session
//! with its Z report — so Reports and Export have something real to
//! show. Every sale goes through the same core functions the till uses
//! (`till::session`, `till::sale`), one transaction each, on a clock moved
//! through that day. The market has the starter task flow: its work (the
//! till opened, the first sale, a mid-day count, the close) signs its
//! steps, the organizer signs second on the two-person ones, and the team
//! signs the rest on the days they fell due.

use chrono::{DateTime, Duration, FixedOffset};
use rust_decimal::Decimal;

use super::past_signatures::{
    AFTER_THE_DAY, HYGIENE_CHECKS, REFILL_SET_UP, RUN_UP, TILL_CLOSED, TILL_OPENED,
};
use super::run_up::{local_time, on_demo_clock, sign_by_hand, DemoClock};
use crate::catalog::ProductKind;
use crate::shop::events::{self, EventInput};
use crate::shop::people::{self, Role};
use crate::stock::{self, Location, Movement, MovementKind};
use crate::tasks;
use crate::till::cart::{CartInput, DiscountInput, LineInput};
use crate::till::quote::quote;
use crate::till::sale::{self, PaymentInput};
use crate::till::session::{self, CashKind, CloseInput, OpenInput};
use crate::till::void::void;
use crate::{catalog, Actor, Error, Result, Store};

/// How many sales the demo's past day has.
pub const PAST_DAY_SALES: usize = 320;

/// What the past day left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastDay {
    pub event_id: String,
    /// When the market opened, on the till's clock then.
    pub opening: DateTime<FixedOffset>,
    pub session_id: String,
    pub sales: usize,
    pub z_number: i64,
}

/// A fixed sequence of pseudo-random numbers: the same demo every time.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.roll(100) < percent
    }
}

/// Load the past day into a till that holds the demo pop-up's shop and team.
pub fn load_past_day(store: &mut Store, organizer_pin: &str) -> Result<PastDay> {
    let team = people::list(store.conn())?;
    let organizer = team
        .iter()
        .find(|p| p.role == Role::Organizer && p.active)
        .ok_or_else(|| Error::Conflict("the demo needs an organizer".into()))?
        .id
        .clone();
    let cashiers: Vec<String> = team
        .iter()
        .filter(|p| p.role == Role::Cashier && p.active)
        .map(|p| p.id.clone())
        .collect();
    let cashier = cashiers
        .first()
        .cloned()
        .unwrap_or_else(|| organizer.clone());
    let products = catalog::list(store.conn())?;
    if products.is_empty() {
        return Err(Error::Conflict("the demo needs a catalog".into()));
    }

    // The day: a week ago, in this till's current UTC offset.
    let now = store.now_local();
    let offset: FixedOffset = *now.offset();
    let day = now.date_naive() - Duration::days(7);
    let at = |h: u32, m: u32| local_time(offset, day, h, m);
    // Planned three weeks ahead, so the run-up's steps are signed before it.
    on_demo_clock(store, at(9, 0)? - Duration::days(21), |store, clock| {
        sell_the_day(
            store,
            &organizer,
            organizer_pin,
            &cashiers,
            &cashier,
            &products,
            &at,
            clock,
        )
    })
}

#[allow(clippy::too_many_arguments)]
fn sell_the_day(
    store: &mut Store,
    organizer: &str,
    organizer_pin: &str,
    cashiers: &[String],
    cashier: &str,
    products: &[catalog::Product],
    at: &dyn Fn(u32, u32) -> Result<DateTime<FixedOffset>>,
    clock: &DemoClock,
) -> Result<PastDay> {
    let demo = Actor::system("demo");
    let start = at(10, 0)?;
    let event = store.write(&demo, |tx| {
        tasks::create_event_with_flow(
            tx,
            &EventInput {
                name: "Autumn Harvest Market".into(),
                venue: "Riverside Park, tent B".into(),
                starts_at: start.format("%Y-%m-%dT%H:%M").to_string(),
                ends_at: (start + Duration::hours(7))
                    .format("%Y-%m-%dT%H:%M")
                    .to_string(),
                notes: "Demo: last week's market, sold, counted and closed.".into(),
            },
            Some(tasks::STARTER_ID),
        )
    })?;
    sign_by_hand(
        store,
        clock,
        &event.id,
        start.date_naive(),
        organizer_pin,
        RUN_UP,
    )?;
    super::attendees::sign_ups_for_the_market(store, clock, &event.id, start, organizer_pin)?;
    // A moment of the day: the apple-pressing show at two, whose visitors,
    // sales and conversion the report shows on their own.
    store.write(&demo, |tx| {
        crate::shop::moments::add(
            tx,
            &event.id,
            &crate::shop::moments::MomentInput {
                name: "Apple-pressing show".into(),
                starts_at: "14:00".into(),
                ends_at: "15:00".into(),
            },
        )
    })?;

    clock.set(at(8, 30)?);
    store.write(&demo, |tx| {
        // Opened first, so the day's own entry lists the stock brought.
        events::open(tx, &event.id)?;
        for p in products {
            if !p.kind.is_stocked() {
                continue;
            }
            let quantity = match p.unit.as_str() {
                "each" if p.kind == ProductKind::Deposit => Decimal::from(60),
                "each" => Decimal::from(30),
                _ => Decimal::from(25),
            };
            stock::record(
                tx,
                &Movement {
                    product_id: &p.id,
                    event_id: Some(&event.id),
                    location: Location::Event,
                    kind: MovementKind::Receive,
                    quantity,
                    reason: "brought to the market",
                    note: "",
                    lot_code: None,
                    source_type: "manual",
                    source_id: None,
                },
            )?;
        }
        tx.journal(
            "demo.past_day",
            "event",
            &event.id,
            serde_json::json!({"sales": PAST_DAY_SALES}),
        )
    })?;

    sign_by_hand(
        store,
        clock,
        &event.id,
        start.date_naive(),
        organizer_pin,
        REFILL_SET_UP,
    )?;

    clock.set(at(9, 40)?);
    let session = store.write(&Actor::person(cashier), |tx| {
        session::open(
            tx,
            &OpenInput {
                float: "150.00".into(),
                denominations: None,
                practice: false,
            },
        )
    })?;
    sign_by_hand(
        store,
        clock,
        &event.id,
        start.date_naive(),
        organizer_pin,
        TILL_OPENED,
    )?;
    super::attendees::at_the_door(store, clock, &event.id, start)?;

    let sellable: Vec<&catalog::Product> = products.iter().filter(|p| p.active).collect();
    // The refills' scale item codes and the till's label layouts.
    let mut item_codes = std::collections::HashMap::new();
    for p in products {
        if let Some(code) = crate::catalog::refill::fields(store.conn(), &p.id)?.scale_item_code {
            item_codes.insert(p.id.clone(), code);
        }
    }
    let layouts = crate::catalog::refill::settings(store.conn())?.layouts;
    let mut weighed = 0i64;
    let mut hygiene = HYGIENE_CHECKS.iter().peekable();
    let mut dice = Dice(0x5eed_2026_0a11_u64);
    let day_minutes = 7 * 60;
    let mut sale_ids = Vec::with_capacity(PAST_DAY_SALES);
    let mut counted_hour = None;
    let mut mid_day_checked = false;
    // Its own dice, so the day's sales stay the same whatever is counted.
    let mut door = Dice(0x0d00_2026_0a11_u64);
    // The lunch rush's second laptop (see demo::second_till).
    let mut t2: Option<super::second_till::SecondTill> = None;
    let t2_cashier = cashiers.get(1).map(String::as_str).unwrap_or(cashier);
    let mut t2_sales = 0;
    for n in 0..PAST_DAY_SALES {
        // Busier around lunch: spread sales over the day with a bulge.
        let base = (n * day_minutes / PAST_DAY_SALES) as i64;
        // The refill station's hygiene checks, every two hours, each
        // signed as it is done (before the sale that follows it).
        while let Some(check) = hygiene.next_if(|c| base >= c.minute) {
            sign_by_hand(
                store,
                clock,
                &event.id,
                start.date_naive(),
                organizer_pin,
                std::slice::from_ref(&check.signature),
            )?;
        }
        let seconds = base * 60 + dice.roll(50) as i64;
        clock.set(start + Duration::seconds(seconds));
        if t2.is_none() && super::second_till::sells_on_t2(n, PAST_DAY_SALES, false) {
            let approval = people::verify_organizer_pin(store, organizer, organizer_pin)?;
            let opened = start + Duration::seconds(seconds);
            t2 = Some(super::second_till::open(
                store, &approval, t2_cashier, opened,
            )?);
        }
        // The door volunteer enters each hour's visitor count as it starts,
        // so the report shows conversion.
        if counted_hour != Some(base / 60) {
            counted_hour = Some(base / 60);
            let visitors = 90 + door.roll(40) as i64;
            store.write(&Actor::person(cashier), |tx| {
                crate::reporting::visitors::record_visitors(tx, &event.id, visitors, true)
            })?;
        }
        if n == PAST_DAY_SALES / 3 {
            store.write(&Actor::person(cashier), |tx| {
                session::move_cash(tx, CashKind::PaidOut, "6.50", "ice for the lemonade")
            })?;
        }
        // Three hours in, the organizer checks the refill bins: the flow's
        // mid-event count, done by the count itself. They hold what the
        // ledger says, so the day's figures stay as sold.
        if !mid_day_checked && base >= 180 {
            mid_day_checked = true;
            store.write(&Actor::person(organizer), |tx| {
                check_the_refill_bins(tx, &event.id, products)
            })?;
        }
        if n == PAST_DAY_SALES / 2 {
            store.write(&Actor::person(organizer), |tx| {
                session::move_cash(tx, CashKind::Drop, "200.00", "notes to the safe")
            })?;
        }
        let lines_wanted = 1 + dice.roll(4) as usize;
        let mut lines = Vec::with_capacity(lines_wanted);
        for _ in 0..lines_wanted {
            let p = sellable[dice.roll(sellable.len() as u64) as usize];
            let mut refill = LineInput::default();
            let mut shop_jar = None;
            let quantity = if p.unit == "each" {
                (1 + dice.roll(100) / 80).to_string()
            } else {
                // 150 g to 1.2 kg, to the gram
                let grams = 150 + dice.roll(1051);
                // The refill station: every third weighed line goes into
                // the customer's own jar (weighed empty, then full), the
                // next is scanned from the scale's label, the next typed;
                // the net (and so the day's figures) is the same each way.
                weighed += 1;
                match (weighed % 3, item_codes.get(&p.id)) {
                    (0, _) => {
                        let tare = 150 + (weighed * 37) % 250;
                        refill.gross = (grams as i64 + tare).to_string();
                        refill.tare = tare.to_string();
                        refill.container = "own".into();
                    }
                    (1, Some(code)) => {
                        let prefix = if p.unit == "kg" { "21" } else { "24" };
                        if let Some(layout) = layouts.iter().find(|l| l.prefix == prefix) {
                            refill.scale_label =
                                crate::catalog::scale_label::encode(layout, code, grams as i64)?;
                        }
                    }
                    // Every sixth into one of the shop's jars or bottles.
                    (2, _) if weighed % 6 == 5 => {
                        shop_jar = super::past_refills::shop_jar(store.conn(), &p.unit)?;
                        if let Some(jar) = &shop_jar {
                            super::past_refills::into_shop_jar(&mut refill, jar, grams as i64);
                        }
                    }
                    _ => {}
                }
                format!("{}.{:03}", grams / 1000, grams % 1000)
            };
            let discount = dice.chance(8).then(|| DiscountInput {
                kind: "percent".into(),
                value: "10".into(),
            });
            lines.push(LineInput {
                product_id: p.id.clone(),
                quantity,
                discount,
                price_override: None,
                handover_later: false,
                ..refill
            });
            if let Some(jar) = &shop_jar {
                lines.push(super::past_refills::jar_deposit_line(jar, lines.len()));
            }
        }
        // Every sixth customer shows a loyalty card; a few spend a reward.
        let card = super::loyalty::card_at_the_market(store.conn(), n)?;
        if let Some(code) = &card {
            if let Some(reward) = super::loyalty::reward_at_the_market(store.conn(), code, n)? {
                lines.push(reward);
            }
        }
        let mut cart = CartInput {
            lines,
            sale_discount: None,
            handover_contact: None,
            cart_id: None,
            card,
            deposits_back: super::past_refills::jar_back_in_a_sale(store.conn(), n)?
                .into_iter()
                .collect(),
        };
        // A euro off now and then, on baskets where it stays a small discount.
        if dice.chance(5) && quote(store.conn(), &cart)?.total_minor >= 1000 {
            cart.sale_discount = Some(DiscountInput {
                kind: "amount".into(),
                value: "1.00".into(),
            });
        }
        let total = quote(store.conn(), &cart)?.total_minor;
        let method = dice.roll(100);
        let payments = if method < 52 {
            // Cash: exact, or a round note.
            let tendered = if dice.chance(35) {
                String::new()
            } else {
                let cents = [500, 1000, 2000, 5000]
                    .into_iter()
                    .find(|note| *note >= total)
                    .unwrap_or(((total / 1000) + 1) * 1000);
                format!("{}.{:02}", cents / 100, cents % 100)
            };
            vec![PaymentInput {
                method: "cash".into(),
                tendered,
                ..Default::default()
            }]
        } else if method < 88 {
            vec![PaymentInput {
                method: "card".into(),
                card_last_four: format!("{:04}", dice.roll(10_000)),
                auth_code: format!("{:06}", dice.roll(1_000_000)),
                ..Default::default()
            }]
        } else if method < 95 || total < 600 {
            vec![PaymentInput {
                method: "mobile".into(),
                ..Default::default()
            }]
        } else {
            // Split: five on the card, the rest in cash.
            vec![
                PaymentInput {
                    method: "card".into(),
                    amount: "5.00".into(),
                    ..Default::default()
                },
                PaymentInput {
                    method: "cash".into(),
                    ..Default::default()
                },
            ]
        };
        let by = cashiers
            .get((n / 80) % cashiers.len().max(1))
            .map(String::as_str)
            .unwrap_or(cashier);
        let on_t2 =
            t2.is_some() && super::second_till::sells_on_t2(n, PAST_DAY_SALES, cart.card.is_some());
        let till = match &mut t2 {
            Some(second) if on_t2 => {
                second.clock.set(start + Duration::seconds(seconds));
                &mut second.store
            }
            _ => &mut *store,
        };
        let done = till.write(&Actor::person(by), |tx| {
            sale::complete(tx, &cart, &payments, None)
        })?;
        // T1's own sales: what its cashiers later void, refund or take a
        // consent for.
        if on_t2 {
            t2_sales += 1;
        } else {
            sale_ids.push(done.sale_id);
        }
    }

    super::attendees::at_the_till(store, clock, &sale_ids, cashier)?;

    // One void: a customer changed their mind; the organizer approves.
    clock.set(at(16, 20)?);
    let approval = people::verify_organizer_pin(store, organizer, organizer_pin)?;
    if let Some(sale_id) = sale_ids.get(sale_ids.len().saturating_sub(12)) {
        store.write(&Actor::person(cashier), |tx| {
            void(tx, &approval, sale_id, "customer changed their mind")
        })?;
    }

    // Late in the day, four returns: part of a discounted basket, part of
    // a refill, a damaged piece and an exchange.
    clock.set(at(16, 40)?);
    super::past_refunds::return_some(store, cashier, &sale_ids[..sale_ids.len() - 20])?;
    // Customers bring jars and bottles back: half of each container out
    // (at least one) has its deposit paid back from the drawer.
    clock.set(at(16, 45)?);
    for p in products.iter().filter(|p| p.kind == ProductKind::Deposit) {
        let out = crate::till::deposits::outstanding(store.conn(), &p.id)?;
        if out > 0 {
            store.write(&Actor::person(cashier), |tx| {
                crate::till::deposits::return_on_its_own(
                    tx,
                    &crate::till::deposits::DepositReturnInput {
                        product_id: p.id.clone(),
                        quantity: (out / 2).max(1).to_string(),
                    },
                )
            })?;
        }
    }

    // T2 is closed (its count right) and its file merged into T1 before
    // T1 closes, so the day's count and close see both tills.
    clock.set(at(17, 10)?);
    if let Some(second) = t2 {
        let approval = people::verify_organizer_pin(store, organizer, organizer_pin)?;
        second.close_and_merge(store, &approval, at(17, 5)?)?;
    }

    // The close: the count is fifty cents short.
    clock.set(at(17, 15)?);
    let expected = session::cash_parts(store.conn(), &session.id)?.expected();
    let currency = crate::shop::settings::load(store.conn())?.currency;
    let counted = currency.format(currency.from_minor(expected - 50));
    let z = store.write(&Actor::person(cashier), |tx| {
        session::close(
            tx,
            &CloseInput {
                counted,
                denominations: None,
            },
        )
    })?;
    // The count is in: the Z shows it short, and the cashier says why.
    store.write(&Actor::person(cashier), |tx| {
        session::give_reason(tx, &z.session_id, "a 50 cent coin went missing")
    })?;
    sign_by_hand(
        store,
        clock,
        &event.id,
        start.date_naive(),
        organizer_pin,
        TILL_CLOSED,
    )?;
    // After the market: count what is left at the stall (a miscounted few
    // found more than the ledger said) and load it back into storage.
    clock.set(at(17, 25)?);
    store.write(&Actor::person(organizer), |tx| {
        let mut count_lines = Vec::new();
        let mut back = Vec::new();
        for p in products.iter().filter(|p| p.kind.is_stocked()) {
            let left: i64 = tx.query_row(
                "SELECT coalesce(sum(quantity_milli), 0) FROM stock_movement
                 WHERE product_id = ?1 AND event_id = ?2 AND location = 'event'",
                (&p.id, &event.id),
                |r| r.get(0),
            )?;
            let found = left.max(0);
            count_lines.push(crate::stock::flows::CountLine {
                product_id: p.id.clone(),
                counted: stock::from_milli(found).to_string(),
            });
            if found > 0 {
                back.push(crate::stock::flows::QuantityLine {
                    product_id: p.id.clone(),
                    quantity: stock::from_milli(found).to_string(),
                });
            }
        }
        crate::stock::flows::count(
            tx,
            None,
            &crate::stock::flows::CountInput {
                location: Some(Location::Event),
                event_id: Some(event.id.clone()),
                lines: count_lines,
                note: "End-of-day count at the stall".into(),
            },
        )?;
        crate::stock::flows::transfer(
            tx,
            &crate::stock::flows::TransferInput {
                direction: crate::stock::flows::Direction::LoadIn,
                lines: back,
                event_id: Some(event.id.clone()),
                lot_code: String::new(),
                note: "Load-in after the market".into(),
            },
        )
    })?;
    clock.set(at(17, 30)?);
    store.write(&demo, |tx| events::close(tx, &approval, &event.id))?;
    // The next morning the organizer signs off the wrap-up; the work did
    // every other step of the day.
    sign_by_hand(
        store,
        clock,
        &event.id,
        start.date_naive(),
        organizer_pin,
        AFTER_THE_DAY,
    )?;
    Ok(PastDay {
        event_id: event.id,
        opening: start,
        session_id: session.id,
        sales: sale_ids.len() + t2_sales,
        z_number: z.number,
    })
}

/// A count of the refills at the stall that finds what the ledger holds.
fn check_the_refill_bins(
    tx: &crate::db::store::Tx,
    event_id: &str,
    products: &[catalog::Product],
) -> Result<()> {
    let mut lines = Vec::new();
    for p in products.iter().filter(|p| p.kind == ProductKind::Refill) {
        let held = stock::on_hand_at(tx, &p.id, Location::Event)?;
        if held >= Decimal::ZERO {
            lines.push(crate::stock::flows::CountLine {
                product_id: p.id.clone(),
                counted: held.to_string(),
            });
        }
    }
    crate::stock::flows::count(
        tx,
        None,
        &crate::stock::flows::CountInput {
            location: Some(Location::Event),
            event_id: Some(event_id.to_string()),
            lines,
            note: "Mid-day check of the refill bins".into(),
        },
    )?;
    Ok(())
}
