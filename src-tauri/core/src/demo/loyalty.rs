//! The demo's loyalty cards: the programme (a stamp a visit, one per 20.00
//! spent, one per refill into an own jar; free gift wrapping for 4 stamps,
//! 2.00 off for 6), a small summer evening market five weeks ago — the
//! third, earliest event — where the first cards were handed out, and the
//! cards that come back at last week's market (`past_market` asks which
//! sale carries which card, and when a card spends a reward). The cards'
//! serials are fixed, so the demo is the same every time; their codes are
//! made with this till's own key.

use chrono::{DateTime, Duration, FixedOffset};
use rust_decimal::Decimal;

use super::run_up::{local_time, on_demo_clock};
use crate::loyalty::{code, ledger, program};
use crate::shop::events::{self, EventInput};
use crate::shop::people::{self, Role};
use crate::stock::{self, Location, Movement, MovementKind};
use crate::till::cart::{CartInput, LineInput};
use crate::till::sale::{self, PaymentInput};
use crate::till::session::{self, CloseInput, OpenInput};
use crate::{catalog, Actor, Error, Result, Store};

/// The demo cards' serials (their ids in reports).
pub const CARD_SERIALS: [&str; 8] = [
    "DEM0CARD", "DEM1CARD", "DEM2CARD", "DEM3CARD", "DEM4CARD", "DEM5CARD", "DEM6CARD", "DEM7CARD",
];

/// How many sales the summer market has.
pub const SUMMER_SALES: usize = 24;

/// The code of demo card `n` in this till.
pub fn card_code(conn: &rusqlite::Connection, n: usize) -> Result<String> {
    Ok(code::code_for(
        &code::shop_key(conn)?,
        CARD_SERIALS[n % CARD_SERIALS.len()],
    ))
}

/// The card on sale `n` of last week's market: every sixth sale, the
/// eight cards in turn (the first five were at the summer market).
pub fn card_at_the_market(conn: &rusqlite::Connection, n: usize) -> Result<Option<String>> {
    if n % 6 != 1 {
        return Ok(None);
    }
    card_code(conn, n / 6).map(Some)
}

/// A reward line for the card on this sale when it can pay for one: free
/// gift wrapping from 4 stamps (at the market's busiest hours only, so a
/// few are redeemed, not every one).
pub fn reward_at_the_market(
    conn: &rusqlite::Connection,
    code: &str,
    n: usize,
) -> Result<Option<LineInput>> {
    if !(150..260).contains(&n) {
        return Ok(None);
    }
    let card = code::card_of(conn, "card", code)?;
    let programme = program::load(conn)?;
    let Some(reward) = programme.reward("free-wrap") else {
        return Ok(None);
    };
    if ledger::balance(conn, &card)? < reward.cost {
        return Ok(None);
    }
    Ok(reward.product_id.clone().map(|product_id| LineInput {
        product_id,
        quantity: "1".into(),
        reward_id: Some(reward.id.clone()),
        ..LineInput::default()
    }))
}

/// The programme, set by the organizer.
pub fn set_programme(store: &mut Store, organizer_pin: &str) -> Result<()> {
    let organizer = organizer_of(store)?;
    let id_of = |sku: &str| -> Result<String> {
        Ok(store
            .conn()
            .query_row("SELECT id FROM product WHERE sku = ?1", [sku], |r| r.get(0))?)
    };
    let wrap = id_of("SRV-WRAP")?;
    program::save_with_pin(
        store,
        &Actor::person(&organizer),
        &people::ApprovalRequest::new(&organizer, organizer_pin),
        &program::Program {
            visit_stamps: 1,
            spend_step: "20".into(),
            spend_stamps: 1,
            categories: vec![program::CategoryRule::OwnContainer { stamps: 1 }],
            rewards: vec![
                program::Reward {
                    id: "free-wrap".into(),
                    name: "Free gift wrapping".into(),
                    cost: 4,
                    kind: program::RewardKind::FreeItem,
                    product_id: Some(wrap),
                    amount: None,
                },
                program::Reward {
                    id: "two-off".into(),
                    name: "2.00 off".into(),
                    cost: 6,
                    kind: program::RewardKind::Discount,
                    product_id: None,
                    amount: Some("2.00".into()),
                },
            ],
        },
    )?;
    Ok(())
}

fn organizer_of(store: &Store) -> Result<String> {
    Ok(people::list(store.conn())?
        .into_iter()
        .find(|p| p.role == Role::Organizer && p.active)
        .ok_or_else(|| Error::Conflict("the demo needs an organizer".into()))?
        .id)
}

/// The summer evening market five weeks ago: a short evening of sales at
/// the crafts table, the first five cards handed out, closed and counted.
pub fn summer_market(store: &mut Store, organizer_pin: &str) -> Result<String> {
    let organizer = organizer_of(store)?;
    let cashier = people::list(store.conn())?
        .into_iter()
        .find(|p| p.role == Role::Cashier && p.active)
        .map_or(organizer.clone(), |p| p.id);
    let now = store.now_local();
    let offset: FixedOffset = *now.offset();
    let day = now.date_naive() - Duration::days(35);
    let start = local_time(offset, day, 17, 0)?;
    on_demo_clock(store, start - Duration::hours(2), |store, clock| {
        let demo = Actor::system("demo");
        let crafts: Vec<catalog::Product> = catalog::list(store.conn())?
            .into_iter()
            .filter(|p| p.active && p.unit == "each" && p.kind == catalog::ProductKind::Item)
            .take(8)
            .collect();
        let event = store.write(&demo, |tx| {
            let e = events::create(
                tx,
                &EventInput {
                    name: "Summer Night Market".into(),
                    venue: "Harbour steps".into(),
                    starts_at: start.format("%Y-%m-%dT%H:%M").to_string(),
                    ends_at: (start + Duration::hours(4))
                        .format("%Y-%m-%dT%H:%M")
                        .to_string(),
                    notes: "Demo: the first market with loyalty cards.".into(),
                },
            )?;
            events::open(tx, &e.id)?;
            for p in &crafts {
                stock::record(
                    tx,
                    &Movement {
                        product_id: &p.id,
                        event_id: Some(&e.id),
                        location: Location::Event,
                        kind: MovementKind::Receive,
                        quantity: Decimal::from(10),
                        reason: "brought to the market",
                        note: "",
                        lot_code: None,
                        source_type: "manual",
                        source_id: None,
                    },
                )?;
            }
            tx.journal(
                "demo.summer_market",
                "event",
                &e.id,
                serde_json::json!({"sales": SUMMER_SALES}),
            )?;
            Ok(e)
        })?;
        clock.set(start - Duration::minutes(10));
        let session = store.write(&Actor::person(&cashier), |tx| {
            session::open(
                tx,
                &OpenInput {
                    float: "80.00".into(),
                    denominations: None,
                    practice: false,
                },
            )
        })?;
        let mut visitors_left = 60i64;
        for n in 0..SUMMER_SALES {
            let at: DateTime<FixedOffset> = start + Duration::minutes((n * 9) as i64);
            clock.set(at);
            if n % 4 == 0 && visitors_left > 0 {
                store.write(&Actor::person(&cashier), |tx| {
                    crate::reporting::visitors::record_visitors(tx, &event.id, 15, true)
                })?;
                visitors_left -= 15;
            }
            let p = &crafts[n % crafts.len()];
            let card = if n % 5 == 0 {
                Some(card_code(store.conn(), n / 5)?)
            } else {
                None
            };
            let cart = CartInput {
                lines: vec![LineInput {
                    product_id: p.id.clone(),
                    quantity: (1 + n % 2).to_string(),
                    ..LineInput::default()
                }],
                card,
                ..CartInput::default()
            };
            let pay = PaymentInput {
                method: if n % 3 == 0 { "card" } else { "cash" }.into(),
                ..PaymentInput::default()
            };
            store.write(&Actor::person(&cashier), |tx| {
                sale::complete(tx, &cart, std::slice::from_ref(&pay), None)
            })?;
        }
        clock.set(start + Duration::hours(4));
        let expected = session::cash_parts(store.conn(), &session.id)?.expected();
        let currency = crate::shop::settings::load(store.conn())?.currency;
        store.write(&Actor::person(&cashier), |tx| {
            session::close(
                tx,
                &CloseInput {
                    counted: currency.format(currency.from_minor(expected)),
                    denominations: None,
                },
            )
        })?;
        // What is left goes back into storage, as after every market.
        clock.set(start + Duration::hours(4) + Duration::minutes(5));
        store.write(&demo, |tx| {
            let mut back = Vec::new();
            for p in &crafts {
                let left: i64 = tx.query_row(
                    "SELECT coalesce(sum(quantity_milli), 0) FROM stock_movement
                     WHERE product_id = ?1 AND event_id = ?2 AND location = 'event'",
                    (&p.id, &event.id),
                    |r| r.get(0),
                )?;
                if left > 0 {
                    back.push(crate::stock::flows::QuantityLine {
                        product_id: p.id.clone(),
                        quantity: stock::from_milli(left).to_string(),
                    });
                }
            }
            crate::stock::flows::transfer(
                tx,
                &crate::stock::flows::TransferInput {
                    direction: crate::stock::flows::Direction::LoadIn,
                    lines: back,
                    event_id: Some(event.id.clone()),
                    lot_code: String::new(),
                    note: "Load-in after the summer market".into(),
                },
            )
        })?;
        clock.set(start + Duration::hours(4) + Duration::minutes(10));
        let approval = people::verify_organizer_pin(store, &organizer, organizer_pin)?;
        store.write(&demo, |tx| events::close(tx, &approval, &event.id))?;
        Ok(event.id)
    })
}
