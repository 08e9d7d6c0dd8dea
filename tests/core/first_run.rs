//! A new shop's first steps: the checklist on the Event screen ticks each
//! item by doing it (an event, a product, stock loaded out, a second person
//! on the team, a till opened) and is done after the last; a flow made for
//! an event that is already close counts the steps due before it was made
//! as a late start, never as overdue.

use chrono::NaiveDateTime;
use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
use popup_till_core::shop::settings;
use popup_till_core::shop::status::{self, Checklist, ShopSetup};
use popup_till_core::stock::flows::{self, Direction, QuantityLine, ReceiveInput, TransferInput};
use popup_till_core::tasks::{self, SignInput, STARTER_ID};
use popup_till_core::till::session::{self, OpenInput};
use popup_till_core::Actor;

use crate::support::{someone, till, HandClock};

const PIN: &str = "135790";

fn checklist(t: &crate::support::TestTill) -> Checklist {
    status::till_status(t.store.conn()).unwrap().checklist
}

#[test]
fn the_checklist_ticks_each_item_by_doing_it_and_is_done_after_the_last() {
    let mut t = till();
    let (_, riley) = status::set_up_shop(
        &mut t.store,
        &ShopSetup {
            shop_name: "Corner Pop-up".into(),
            currency: "EUR".into(),
            organizer_name: "Riley".into(),
            pin: PIN.into(),
        },
    )
    .unwrap();
    let none = checklist(&t);
    assert!(
        !(none.event || none.products || none.stock_loaded || none.team || none.till_opened),
        "{none:?}"
    );
    assert!(!none.done);
    let riley = Actor::person(&riley.id);

    let event = t
        .store
        .write(&riley, |tx| {
            events::create(
                tx,
                &EventInput {
                    name: "Spring Market".into(),
                    venue: "Shed 3".into(),
                    starts_at: "2027-04-10T09:00".into(),
                    ends_at: "2027-04-10T17:00".into(),
                    notes: String::new(),
                },
            )
        })
        .unwrap();
    assert!(checklist(&t).event);
    assert!(!checklist(&t).products);

    let soap = t
        .store
        .write(&riley, |tx| {
            let s = settings::load(tx)?;
            catalog::create(
                tx,
                &s,
                &ProductInput {
                    sku: "SOAP".into(),
                    name: "Olive soap".into(),
                    unit_price: "4.50".into(),
                    tax_rate: "20".into(),
                    ..ProductInput::default()
                },
            )
        })
        .unwrap();
    assert!(checklist(&t).products);

    // Stock received into storage is not yet loaded out to the event.
    let line = vec![QuantityLine {
        product_id: soap.id.clone(),
        quantity: "12".into(),
    }];
    t.store
        .write(&riley, |tx| {
            flows::receive(
                tx,
                &ReceiveInput {
                    lines: line.clone(),
                    ..ReceiveInput::default()
                },
            )
        })
        .unwrap();
    assert!(!checklist(&t).stock_loaded);
    t.store
        .write(&riley, |tx| {
            flows::transfer(
                tx,
                &TransferInput {
                    direction: Direction::LoadOut,
                    lines: line.clone(),
                    event_id: Some(event.id.clone()),
                    lot_code: String::new(),
                    note: String::new(),
                },
            )
        })
        .unwrap();
    assert!(checklist(&t).stock_loaded);
    assert!(!checklist(&t).team, "the first organizer alone is no team");

    people::add_with_pin(
        &mut t.store,
        &riley,
        &ApprovalRequest::new(riley.id.clone(), PIN),
        &PersonInput {
            name: "Sam".into(),
            role: "cashier".into(),
            pin: Some("2468".into()),
        },
    )
    .unwrap();
    assert!(checklist(&t).team);
    assert!(!checklist(&t).done);
    assert!(!status::till_status(t.store.conn()).unwrap().till_open);

    t.store
        .write(&riley, |tx| {
            events::open(tx, &event.id)?;
            session::open(
                tx,
                &OpenInput {
                    float: "50".into(),
                    denominations: None,
                    practice: false,
                },
            )
        })
        .unwrap();
    let after = status::till_status(t.store.conn()).unwrap();
    assert!(after.checklist.till_opened);
    assert!(after.checklist.done);
    assert!(after.till_open, "the till now has a session open");
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
}

#[test]
fn steps_due_before_the_flow_was_made_are_a_late_start_not_overdue() {
    let mut t = till();
    // The flow is made on 5 December for an event on the 9th: the permits
    // (14 days before) and the catalog (7 days before) were due before it.
    HandClock::install(&mut t.store);
    let event = t
        .store
        .write(&someone(), |tx| {
            tasks::create_event_with_flow(
                tx,
                &EventInput {
                    name: "Late Fair".into(),
                    venue: "Pier".into(),
                    starts_at: "2026-12-09T10:00".into(),
                    ends_at: "2026-12-09T17:00".into(),
                    notes: String::new(),
                },
                Some(STARTER_ID),
            )
        })
        .unwrap();
    let flow = tasks::flow_at(t.store.conn(), &event.id, at("2026-12-05T10:30")).unwrap();
    let late: Vec<&str> = flow
        .steps
        .iter()
        .filter(|s| s.late_start)
        .map(|s| s.key.as_str())
        .collect();
    assert_eq!(late, ["venue", "catalog"]);
    assert_eq!(flow.late_start, 2);
    assert_eq!(flow.overdue, 0, "nothing is overdue on the day it was made");

    // Two days on, the receiving (3 days before start, after the flow was
    // made) is overdue; the late starts stay late starts.
    let flow = tasks::flow_at(t.store.conn(), &event.id, at("2026-12-07T09:00")).unwrap();
    let overdue: Vec<&str> = flow
        .steps
        .iter()
        .filter(|s| s.overdue)
        .map(|s| s.key.as_str())
        .collect();
    assert_eq!(overdue, ["receive"]);
    assert_eq!(flow.late_start, 2);
    assert!(flow.steps.iter().all(|s| !(s.overdue && s.late_start)));

    // A late start that is signed is simply done.
    let catalog_step = flow
        .steps
        .iter()
        .find(|s| s.key == "catalog")
        .unwrap()
        .id
        .clone();
    t.store
        .write(&someone(), |tx| {
            tasks::sign(
                tx,
                &catalog_step,
                &SignInput {
                    signer_name: "Riley".into(),
                    ..SignInput::default()
                },
                None,
                None,
            )
        })
        .unwrap();
    let flow = tasks::flow_at(t.store.conn(), &event.id, at("2026-12-07T09:00")).unwrap();
    assert_eq!(flow.late_start, 1);
}

/// The checklist is asked at every start. On a season's file with no
/// transfer to an event, its stock question walked every stock movement;
/// now its partial index answers it (the plan names the index, not a scan
/// of another).
#[test]
fn the_checklists_stock_question_is_answered_by_its_own_index() {
    let t = till();
    let mut stmt = t
        .store
        .conn()
        .prepare(&format!("EXPLAIN QUERY PLAN {}", status::STOCK_LOADED))
        .unwrap();
    let plan: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter()
            .any(|step| step.contains("USING INDEX stock_movement_brought_to_event")),
        "{plan:?}"
    );
    assert!(!checklist(&t).stock_loaded);
}
