//! Pre-orders: taken with a contact during the event, handed over wholly or
//! partly afterwards (each handover a stock movement, journaled), the
//! fulfil step completed when nothing is left open, and contacts purged
//! after the retention period.

use std::str::FromStr;

use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::orders::{self, ContactInput, OrderInput, OrderStatus};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
use popup_till_core::stock;
use popup_till_core::tasks::{self, StepStatus, STARTER_ID};
use popup_till_core::{shop::settings, Actor, ErrorCode};
use rust_decimal::Decimal;

use crate::support::{someone, till, HandClock, TestTill};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

struct Shop {
    t: TestTill,
    clock: HandClock,
    event_id: String,
    product_id: String,
}

fn shop() -> Shop {
    let mut t = till();
    let clock = HandClock::install(&mut t.store);
    let (event_id, product_id) = t
        .store
        .write(&someone(), |tx| {
            let ev = tasks::create_event_with_flow(
                tx,
                &EventInput {
                    name: "Winter Fair".into(),
                    venue: String::new(),
                    starts_at: "2026-12-05T10:00".into(),
                    ends_at: "2026-12-05T17:00".into(),
                    notes: String::new(),
                },
                Some(STARTER_ID),
            )?;
            events::open(tx, &ev.id)?;
            let s = settings::load(tx)?;
            let p = catalog::create(
                tx,
                &s,
                &ProductInput {
                    sku: "HOOD-M".into(),
                    name: "Hoodie M".into(),
                    unit_price: "45".into(),
                    tax_rate: "20".into(),
                    ..Default::default()
                },
            )?;
            Ok((ev.id, p.id))
        })
        .unwrap();
    Shop {
        t,
        clock,
        event_id,
        product_id,
    }
}

fn order(shop: &Shop, quantity: &str, contact: ContactInput) -> OrderInput {
    OrderInput {
        sale_id: Some("sale-1".into()),
        sale_line_id: Some("line-1".into()),
        product_id: shop.product_id.clone(),
        quantity: dec(quantity),
        contact,
    }
}

fn ada() -> ContactInput {
    ContactInput {
        name: "Ada Quimby".into(),
        phone: "+44 20 7946 0000".into(),
        email: "ada@example.org".into(),
    }
}

#[test]
fn an_order_is_taken_with_a_contact_that_never_reaches_the_journal() {
    let mut s = shop();
    let input = order(&s, "2", ada());
    let o =
        s.t.store
            .write(&someone(), |tx| orders::create(tx, &input))
            .unwrap();
    assert_eq!(o.status, OrderStatus::Open);
    assert_eq!(o.remaining, dec("2"));
    assert_eq!(o.event_id, s.event_id);
    assert_eq!(o.contact.as_ref().unwrap().email, "ada@example.org");
    assert_eq!(
        s.t.count("SELECT count(*) FROM audit_log WHERE details LIKE '%Quimby%' OR details LIKE '%example.org%' OR details LIKE '%20 7946%'"),
        0
    );
    assert_eq!(
        orders::list(s.t.store.conn(), Some(&s.event_id), true)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn an_order_without_a_way_to_reach_the_customer_is_refused_and_nothing_written() {
    let mut s = shop();
    let journal = s.t.journal_len();
    for (contact, field) in [
        (
            ContactInput {
                name: "Ada".into(),
                ..Default::default()
            },
            "contact.phone",
        ),
        (
            ContactInput {
                name: " ".into(),
                phone: "0123".into(),
                ..Default::default()
            },
            "contact.name",
        ),
        (
            ContactInput {
                name: "Ada".into(),
                email: "ada-at-home".into(),
                ..Default::default()
            },
            "contact.email",
        ),
        (
            ContactInput {
                name: "Ada".into(),
                phone: "call me".into(),
                ..Default::default()
            },
            "contact.phone",
        ),
    ] {
        let input = order(&s, "1", contact);
        let err =
            s.t.store
                .write(&someone(), |tx| orders::create(tx, &input))
                .unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    let input = order(&s, "0", ada());
    let err =
        s.t.store
            .write(&someone(), |tx| orders::create(tx, &input))
            .unwrap_err();
    assert_eq!(err.field(), Some("quantity"));
    assert_eq!(s.t.count("SELECT count(*) FROM customer_order"), 0);
    assert_eq!(s.t.count("SELECT count(*) FROM order_contact"), 0);
    assert_eq!(s.t.journal_len(), journal);
}

#[test]
fn fulfilling_partly_then_wholly_moves_the_stock_and_completes_the_fulfil_step() {
    let mut s = shop();
    let input = order(&s, "3", ada());
    let o =
        s.t.store
            .write(&someone(), |tx| orders::create(tx, &input))
            .unwrap();

    let part =
        s.t.store
            .write(&someone(), |tx| orders::fulfil(tx, &o.id, Some(dec("1"))))
            .unwrap();
    assert_eq!(part.status, OrderStatus::Partly);
    assert_eq!(part.remaining, dec("2"));
    assert_eq!(
        stock::on_hand(s.t.store.conn(), &s.product_id).unwrap(),
        dec("-1")
    );

    let err =
        s.t.store
            .write(&someone(), |tx| orders::fulfil(tx, &o.id, Some(dec("5"))))
            .unwrap_err();
    assert_eq!(err.field(), Some("quantity"));
    assert!(err.to_string().contains("more than the 2"), "{err}");

    let flow = tasks::flow(&s.t.store, &s.event_id).unwrap();
    let fulfil_step = flow.steps.iter().find(|x| x.key == "wrap-up").unwrap();
    assert_eq!(fulfil_step.status, StepStatus::Open);

    let all =
        s.t.store
            .write(&someone(), |tx| orders::fulfil(tx, &o.id, None))
            .unwrap();
    assert_eq!(all.status, OrderStatus::Fulfilled);
    assert_eq!(
        stock::on_hand(s.t.store.conn(), &s.product_id).unwrap(),
        dec("-3")
    );
    assert_eq!(
        s.t.count(
            "SELECT count(*) FROM stock_movement WHERE kind = 'fulfil' AND source_type = 'order'"
        ),
        2
    );
    assert_eq!(
        s.t.count("SELECT count(*) FROM audit_log WHERE action = 'order.fulfilled'"),
        2
    );
    assert!(orders::list(s.t.store.conn(), Some(&s.event_id), true)
        .unwrap()
        .is_empty());
    let flow = tasks::flow(&s.t.store, &s.event_id).unwrap();
    let fulfil_step = flow.steps.iter().find(|x| x.key == "wrap-up").unwrap();
    assert_eq!(
        fulfil_step.status,
        StepStatus::Done,
        "the last handover completes the step"
    );
    assert_eq!(fulfil_step.records[0].source_type.as_deref(), Some("order"));

    let err =
        s.t.store
            .write(&someone(), |tx| orders::fulfil(tx, &o.id, None))
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
}

#[test]
fn contacts_of_fulfilled_orders_are_purged_after_the_retention_period() {
    let mut s = shop();
    let organizer = people::add_with_pin(
        &mut s.t.store,
        &Actor::system("test"),
        &ApprovalRequest::none(),
        &PersonInput {
            name: "Maya".into(),
            role: "organizer".into(),
            pin: Some("482916".into()),
        },
    )
    .unwrap();
    let err = orders::set_retention_with_pin(
        &mut s.t.store,
        &someone(),
        &ApprovalRequest::new(&organizer.id, "482916"),
        "-3",
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("retention_days"));
    orders::set_retention_with_pin(
        &mut s.t.store,
        &someone(),
        &ApprovalRequest::new(&organizer.id, "482916"),
        "7",
    )
    .unwrap();
    assert_eq!(orders::retention_days(s.t.store.conn()).unwrap(), 7);

    let a = order(&s, "1", ada());
    let b = order(
        &s,
        "1",
        ContactInput {
            name: "Grace".into(),
            email: "grace@example.org".into(),
            ..Default::default()
        },
    );
    let done =
        s.t.store
            .write(&someone(), |tx| orders::create(tx, &a))
            .unwrap();
    let open =
        s.t.store
            .write(&someone(), |tx| orders::create(tx, &b))
            .unwrap();
    s.t.store
        .write(&someone(), |tx| orders::fulfil(tx, &done.id, None))
        .unwrap();

    s.clock.advance(6 * 86_400);
    assert_eq!(
        orders::purge_due_contacts(&mut s.t.store, &someone()).unwrap(),
        0
    );
    s.clock.advance(2 * 86_400);
    let journal = s.t.journal_len();
    assert_eq!(
        orders::purge_due_contacts(&mut s.t.store, &someone()).unwrap(),
        1
    );
    assert_eq!(s.t.journal_len(), journal + 1);
    assert_eq!(
        orders::get(s.t.store.conn(), &done.id).unwrap().contact,
        None
    );
    assert!(
        orders::get(s.t.store.conn(), &open.id)
            .unwrap()
            .contact
            .is_some(),
        "an open order keeps its contact"
    );
    assert_eq!(
        s.t.count(
            "SELECT count(*) FROM audit_log WHERE details LIKE '%Quimby%' OR details LIKE '%grace@%'"
        ),
        0
    );
    // The order itself and its handover stay.
    assert_eq!(
        orders::get(s.t.store.conn(), &done.id).unwrap().status,
        OrderStatus::Fulfilled
    );
}

#[test]
fn orders_and_handovers_are_append_only() {
    let mut s = shop();
    let input = order(&s, "1", ada());
    let o =
        s.t.store
            .write(&someone(), |tx| orders::create(tx, &input))
            .unwrap();
    s.t.store
        .write(&someone(), |tx| orders::fulfil(tx, &o.id, None))
        .unwrap();
    let conn = s.t.store.conn();
    for sql in [
        "UPDATE customer_order SET quantity_milli = 5000",
        "DELETE FROM customer_order",
        "UPDATE order_fulfilment SET quantity_milli = 1",
        "DELETE FROM order_fulfilment",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn tasks_csv_carries_no_contact_data() {
    let mut s = shop();
    let input = order(&s, "1", ada());
    s.t.store
        .write(&someone(), |tx| orders::create(tx, &input))
        .unwrap();
    let mut out = Vec::new();
    tasks::write_csv(
        s.t.store.conn(),
        &s.event_id,
        tasks::PersonalData::Included,
        &mut out,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("Quimby") && !text.contains("example.org") && !text.contains("20 7946"));
}

#[test]
fn a_handover_quantity_typed_wrong_is_refused_naming_the_field() {
    let mut s = shop();
    let input = order(&s, "2", ada());
    let o =
        s.t.store
            .write(&someone(), |tx| orders::create(tx, &input))
            .unwrap();
    let journal = s.t.journal_len();
    for typed in ["two", "-1", "0", "0.0001"] {
        let err =
            s.t.store
                .write(&someone(), |tx| orders::fulfil_typed(tx, &o.id, typed))
                .unwrap_err();
        assert_eq!(err.field(), Some("quantity"), "{typed}: {err}");
    }
    assert_eq!(s.t.journal_len(), journal);
    assert_eq!(s.t.count("SELECT count(*) FROM order_fulfilment"), 0);
    let all =
        s.t.store
            .write(&someone(), |tx| orders::fulfil_typed(tx, &o.id, " "))
            .unwrap();
    assert_eq!(all.status, OrderStatus::Fulfilled);
}
