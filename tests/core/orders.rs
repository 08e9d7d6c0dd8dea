//! Pre-orders: taken with a contact during the event, handed over wholly or
//! partly afterwards (each handover a stock movement, journaled), the
//! fulfil step completed when nothing is left open, and contacts purged at
//! start-up once fulfilled past the retention period, voided or stale —
//! gone from the file's bytes too.

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

/// The till as it starts again: the same file opened the way the window and
/// the command line open it.
fn restart(t: &mut TestTill) {
    let (store, chore) = popup_till_core::open_till(t.path()).expect("start the till");
    assert!(chore.is_none(), "the start-up purge ran: {chore:?}");
    t.store = store;
}

fn purges(t: &TestTill) -> i64 {
    t.count("SELECT count(*) FROM audit_log WHERE action = 'order.contacts_purged'")
}

#[test]
fn at_start_up_fulfilled_past_retention_and_stale_contacts_go_and_a_live_one_stays() {
    let mut s = shop();
    let take = |s: &mut Shop, name: &str, email: &str| {
        let input = order(
            s,
            "1",
            ContactInput {
                name: name.into(),
                email: email.into(),
                ..Default::default()
            },
        );
        s.t.store
            .write(&someone(), |tx| orders::create(tx, &input))
            .unwrap()
    };
    let fulfilled = take(&mut s, "Ada Quimby", "ada@example.org");
    let stale = take(&mut s, "Grace Hopper", "grace@example.org");
    s.t.store
        .write(&someone(), |tx| orders::fulfil(tx, &fulfilled.id, None))
        .unwrap();
    let event_id = s.event_id.clone();
    s.t.store
        .write(&someone(), |tx| {
            events::close(
                tx,
                &popup_till_core::shop::people::Approval::file_holder(),
                &event_id,
            )
        })
        .unwrap();

    // Within the retention period (30 days by default) nothing is due, and
    // a start writes nothing at all: starting twice does not grow the journal.
    s.clock.advance(29 * 86_400);
    let journal = s.t.journal_len();
    popup_till_core::at_start(&mut s.t.store).unwrap();
    popup_till_core::at_start(&mut s.t.store).unwrap();
    assert_eq!(s.t.journal_len(), journal);
    assert_eq!(s.t.count("SELECT count(*) FROM order_contact"), 2);

    // The next event takes a live order.
    s.clock.advance(2 * 86_400);
    let next =
        s.t.store
            .write(&someone(), |tx| {
                let ev = events::create(
                    tx,
                    &EventInput {
                        name: "Spring Fair".into(),
                        venue: String::new(),
                        starts_at: "2027-01-10T10:00".into(),
                        ends_at: "2027-01-10T17:00".into(),
                        notes: String::new(),
                    },
                )?;
                events::open(tx, &ev.id)
            })
            .unwrap();
    let live = take(&mut s, "Hedy Lamarr", "hedy@example.org");
    assert_eq!(live.event_id, next.id);

    popup_till_core::at_start(&mut s.t.store).unwrap();
    let conn = s.t.store.conn();
    assert_eq!(orders::get(conn, &fulfilled.id).unwrap().contact, None);
    assert_eq!(orders::get(conn, &stale.id).unwrap().contact, None);
    assert_eq!(
        orders::get(conn, &live.id).unwrap().contact.unwrap().name,
        "Hedy Lamarr",
        "an order still to hand over in an open event keeps its contact"
    );
    assert_eq!(purges(&s.t), 1, "one purge, one journal entry");
    let details: String = conn
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'order.contacts_purged'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(details.contains(&fulfilled.id) && details.contains(&stale.id));
    assert!(details.contains("\"count\":2"), "{details}");
    assert!(!details.contains("Quimby") && !details.contains("example.org"));
    // The orders themselves stay; the stale one can still be handed over.
    assert_eq!(
        orders::get(conn, &stale.id).unwrap().status,
        OrderStatus::Open
    );

    let journal = s.t.journal_len();
    popup_till_core::at_start(&mut s.t.store).unwrap();
    assert_eq!(s.t.journal_len(), journal, "nothing left to purge");
}

#[test]
fn a_voided_orders_contact_is_purged_when_the_till_starts_and_leaves_no_trace_in_the_file() {
    use popup_till_core::till::void;

    use crate::till_support::{cart, cash, line, shop, PIN};

    let mut shop = shop();
    shop.open_session("100", false);
    let mut later = line(&shop.mug, "1");
    later.handover_later = true;
    let mut c = cart(vec![later]);
    c.handover_contact = Some(ContactInput {
        name: "Ines Lagarde".into(),
        phone: "0612345678".into(),
        email: "ines.lagarde@example.org".into(),
    });
    let sale = shop.sell(&c, &[cash("20")]).unwrap();
    let order = orders::list(shop.t.store.conn(), Some(&shop.event), true).unwrap()[0].clone();

    let file_holds = |t: &TestTill, needle: &[u8]| -> bool {
        t.store.checkpoint().unwrap();
        let mut bytes = std::fs::read(t.path()).unwrap();
        let wal = t.path().with_extension("sqlite-wal");
        if wal.exists() {
            bytes.extend(std::fs::read(wal).unwrap());
        }
        bytes.windows(needle.len()).any(|w| w == needle)
    };
    for needle in ["Lagarde", "0612345678", "ines.lagarde@"] {
        assert!(
            file_holds(&shop.t, needle.as_bytes()),
            "the search finds {needle} before"
        );
    }

    let (actor, organizer) = (shop.cashier(), shop.organizer.clone());
    void::void_with_pin(
        &mut shop.t.store,
        &actor,
        &sale.sale_id,
        "customer changed their mind",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap();
    assert!(
        orders::get(shop.t.store.conn(), &order.id)
            .unwrap()
            .contact
            .is_some(),
        "purged when the till next starts"
    );

    restart(&mut shop.t);
    assert_eq!(
        orders::get(shop.t.store.conn(), &order.id).unwrap().contact,
        None
    );
    assert_eq!(purges(&shop.t), 1);
    for needle in ["Lagarde", "0612345678", "ines.lagarde@"] {
        assert!(
            !file_holds(&shop.t, needle.as_bytes()),
            "{needle} is still readable in the database file"
        );
    }

    let journal = shop.t.journal_len();
    restart(&mut shop.t);
    assert_eq!(
        shop.t.journal_len(),
        journal,
        "a second start writes nothing"
    );
}

#[test]
fn a_start_up_purge_that_fails_still_opens_the_till_and_says_why() {
    let t = till();
    t.store
        .conn()
        .execute(
            "INSERT INTO setting (key, value) VALUES (?1, 'soon') ON CONFLICT (key) DO UPDATE SET value = 'soon'",
            [orders::RETENTION_KEY],
        )
        .unwrap();
    let path = t.path();
    let (store, chore) = popup_till_core::open_till(&path).expect("the till opens all the same");
    assert!(chore.is_some(), "the failed purge is reported");
    assert!(popup_till_core::shop::status::till_status(store.conn()).is_ok());
}
