//! The upcoming fair's run-up as far as it has got by today: the venue and
//! the catalog signed off by the team on the days they fell due, then
//! today's work, which completes its own steps: the delivery in storage
//! counted for the fair and most of it loaded out to the stall. So the
//! fair's flow shows what is done and what is next, and the till can sell
//! at the fair without running into negative stock.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use super::run_up::{on_demo_clock, sign_by_hand, team_member, HandSignature};
use crate::db::store::Tx;
use crate::shop::events;
use crate::shop::people;
use crate::stock::flows::{self, CountInput, CountLine, Direction, QuantityLine, TransferInput};
use crate::stock::{self, Location};
use crate::{catalog, Actor, Error, Result, Store};

/// Days from the fair's day.
const RUN_UP: &[HandSignature] = &[
    HandSignature {
        key: "venue",
        day: -17,
        at: (18, 30),
        by: "Maya",
    },
    HandSignature {
        key: "catalog",
        day: -9,
        at: (19, 0),
        by: "Aïcha",
    },
];

/// Bring the fair's flow and stock up to today (the fair is tomorrow).
pub fn prepare(store: &mut Store, event_id: &str, organizer_pin: &str) -> Result<()> {
    let fair = events::get(store.conn(), event_id)?;
    let day = fair
        .starts_at
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| Error::Integrity("the demo fair has no start date".into()))?;
    let first = store.now_local() - Duration::days(20);
    on_demo_clock(store, first, |store, clock| {
        sign_by_hand(store, clock, event_id, day, organizer_pin, RUN_UP)
    })?;

    let team = people::list(store.conn())?;
    let counter = team_member(&team, "Jonas")?.id.clone();
    let loader = team_member(&team, "Tom")?.id.clone();
    store.write(&Actor::person(&counter), |tx| {
        count_storage_for(tx, event_id)
    })?;
    store.write(&Actor::person(&loader), |tx| load_out_to(tx, event_id))?;
    Ok(())
}

/// What storage holds of each stocked product (services hold none).
fn in_storage(tx: &Tx) -> Result<Vec<(catalog::Product, Decimal)>> {
    let mut out = Vec::new();
    for p in catalog::list(tx)? {
        if !p.kind.is_stocked() {
            continue;
        }
        let held = stock::on_hand_at(tx, &p.id, Location::Storage)?;
        out.push((p, held));
    }
    Ok(out)
}

/// The delivery counted in storage for the fair: it matches the ledger.
fn count_storage_for(tx: &Tx, event_id: &str) -> Result<()> {
    let lines = in_storage(tx)?
        .into_iter()
        .filter(|(_, held)| *held >= Decimal::ZERO)
        .map(|(p, held)| CountLine {
            product_id: p.id,
            counted: held.to_string(),
        })
        .collect();
    flows::count(
        tx,
        None,
        &CountInput {
            location: Some(Location::Storage),
            event_id: Some(event_id.to_string()),
            lines,
            note: "Delivery counted for the fair".into(),
        },
    )?;
    Ok(())
}

/// About two thirds of what storage holds of each product goes to the
/// stall (all of it when that is under one unit), the rest stays back.
fn load_out_to(tx: &Tx, event_id: &str) -> Result<()> {
    let lines = in_storage(tx)?
        .into_iter()
        .filter_map(|(p, held)| {
            let share = (held * Decimal::from(2) / Decimal::from(3)).floor();
            let quantity = if share >= Decimal::ONE { share } else { held };
            (quantity > Decimal::ZERO).then(|| QuantityLine {
                product_id: p.id,
                quantity: quantity.to_string(),
            })
        })
        .collect();
    flows::transfer(
        tx,
        &TransferInput {
            direction: Direction::LoadOut,
            lines,
            event_id: Some(event_id.to_string()),
            lot_code: String::new(),
            note: "Packed for the fair".into(),
        },
    )?;
    Ok(())
}
