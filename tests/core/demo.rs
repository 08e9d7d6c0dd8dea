//! The demo pop-up: a realistic small shop loaded through the core.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use popup_till_core::catalog::{self, ProductKind};
use popup_till_core::tasks::{self, StepStatus};
use popup_till_core::till::cart::{CartInput, LineInput};
use popup_till_core::till::sale::{self, PaymentInput};
use popup_till_core::till::session::{self, OpenInput};
use popup_till_core::till::{lookup, quote};
use popup_till_core::{db::journal, demo, shop::events, shop::people, Actor, ErrorCode};

use crate::support::till;

#[test]
fn the_demo_pop_up_loads_a_shop_an_event_and_a_team() {
    let mut t = till();
    let summary = demo::load(&mut t.store).unwrap();
    let products = catalog::list(t.store.conn()).unwrap();
    assert!((35..=45).contains(&products.len()), "{}", products.len());
    assert_eq!(summary.products, products.len());
    assert!(products
        .iter()
        .any(|p| p.unit == "kg" && p.kind == ProductKind::Refill));
    assert!(products.iter().any(|p| p.kind == ProductKind::Deposit));
    assert!(products.iter().all(|p| p
        .barcode
        .as_deref()
        .is_none_or(|b| catalog::validate_barcode(b).is_ok())));
    let team = people::list(t.store.conn()).unwrap();
    assert_eq!(team.len(), 4);
    assert_eq!(
        team.iter()
            .filter(|p| p.role == people::Role::Organizer)
            .count(),
        1
    );
    let evs = events::list(t.store.conn()).unwrap();
    // the upcoming pop-up, last week's finished market (demo_sales) and
    // the small summer market before it (demo::loyalty)
    assert_eq!(evs.len(), 3);
    assert!(evs.iter().any(|e| e.id == summary.event_id));
    assert!(journal::verify(t.store.conn()).unwrap().holds());
    let organizer = team
        .iter()
        .find(|p| p.role == people::Role::Organizer)
        .unwrap();
    people::verify_organizer_pin(&mut t.store, &organizer.id, demo::DEMO_ORGANIZER_PIN).unwrap();
}

#[test]
fn the_demo_only_loads_into_an_empty_till() {
    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let journal = t.journal_len();
    let err = demo::load(&mut t.store).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(t.journal_len(), journal);
}

#[test]
fn the_demo_does_not_load_into_a_till_that_only_has_a_team() {
    let mut t = till();
    // A shop set up by hand, with nothing but its first organizer.
    popup_till_core::shop::status::set_up_shop(
        &mut t.store,
        &popup_till_core::shop::status::ShopSetup {
            shop_name: "Corner".into(),
            currency: "EUR".into(),
            organizer_name: "Riley".into(),
            pin: "135790".into(),
        },
    )
    .unwrap();
    let journal = t.journal_len();
    let err = demo::load(&mut t.store).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("people"), "{err}");
    assert_eq!(t.journal_len(), journal);
    assert_eq!(t.count("SELECT count(*) FROM person"), 1);
}

#[test]
fn the_demo_shop_has_received_stock_for_what_it_sells() {
    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let list = popup_till_core::stock::views::list(
        t.store.conn(),
        &popup_till_core::stock::views::StockFilter::default(),
    )
    .unwrap();
    for row in &list.rows {
        let stocked = row.on_hand > rust_decimal::Decimal::ZERO;
        assert_eq!(
            stocked,
            row.product.kind.is_stocked(),
            "{}",
            row.product.sku
        );
        assert_eq!(
            row.on_hand,
            row.in_storage + row.at_event,
            "stock is in storage or at the fair's stall: {}",
            row.product.sku
        );
        assert_eq!(
            row.at_event > rust_decimal::Decimal::ZERO,
            stocked,
            "the fair has its share of {}",
            row.product.sku
        );
    }
    assert!(list.rows.iter().any(|r| r.low), "some items start low");
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}

#[test]
fn the_demo_market_counted_its_visitors_so_the_report_shows_conversion() {
    use popup_till_core::reporting::{report, scope::Scope};

    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let market = events::list(t.store.conn())
        .unwrap()
        .into_iter()
        .find(|e| e.status == events::EventStatus::Closed)
        .expect("last week's market");
    let report = report::report(t.store.conn(), &Scope::Event(market.id), false).unwrap();
    assert!(
        report.visitors > report.sales.sales_count,
        "{} visitors, {} sales",
        report.visitors,
        report.sales.sales_count
    );
    assert!(report.conversion.is_some());
}

#[test]
fn a_demo_that_fails_midway_leaves_the_till_as_it_was() {
    let mut t = till();
    let device = t.store.device_id().to_string();
    // A quantity limit below one piece makes the past day's first sale
    // fail, long after the shop, its team and its stock were written.
    t.store
        .write(&popup_till_core::Actor::system("test"), |tx| {
            tx.execute(
                "INSERT INTO setting (key, value) VALUES ('quantity_max', '0.5')",
                [],
            )?;
            tx.journal(
                "settings.changed",
                "settings",
                "quantity_max",
                serde_json::json!({}),
            )
        })
        .unwrap();
    let journal = t.journal_len();
    let err = demo::load(&mut t.store).unwrap_err();
    assert!(err.to_string().contains("at most 0.5"), "{err}");
    assert_eq!(t.count("SELECT count(*) FROM product"), 0);
    assert_eq!(t.count("SELECT count(*) FROM person"), 0);
    assert_eq!(t.count("SELECT count(*) FROM event"), 0);
    assert_eq!(t.journal_len(), journal);
    assert_eq!(t.store.device_id(), device);
    let leftovers: Vec<_> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_demo_keeps_this_tills_identity_and_leaves_no_staging_files() {
    let mut t = till();
    let device = t.store.device_id().to_string();
    demo::load(&mut t.store).unwrap();
    // This till, and T2: the past market's second laptop, merged back.
    assert_eq!(t.count("SELECT count(*) FROM device"), 2);
    assert_eq!(t.count("SELECT count(*) FROM device WHERE is_local = 1"), 1);
    assert_eq!(
        t.count("SELECT count(*) FROM device WHERE is_local = 0 AND till_code = 'T2'"),
        1
    );
    let local: String = t
        .store
        .conn()
        .query_row("SELECT id FROM device WHERE is_local = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(local, device);
    assert!(journal::verify(t.store.conn()).unwrap().holds());
    let t = t.reopen();
    assert_eq!(t.store.device_id(), device);
    assert!(t.count("SELECT count(*) FROM sale") > 300);
    let names: Vec<_> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("staging")), "{names:?}");
}

/// The time a sign-off was made on the till's wall clock, comparable with
/// an event's `starts_at`.
fn signed_local(record: &tasks::SignoffRecord) -> NaiveDateTime {
    let utc = chrono::DateTime::parse_from_rfc3339(&record.at_utc).unwrap();
    utc.naive_utc() + Duration::minutes(record.utc_offset_minutes)
}

fn starts(event: &events::Event) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&event.starts_at, "%Y-%m-%dT%H:%M").unwrap()
}

/// Each step of a flow by its key: (status, what completed it: the kind of
/// document whose work did, or "hand" for people's signatures).
fn steps_by_key(flow: &tasks::Flow) -> BTreeMap<String, (StepStatus, String)> {
    flow.steps
        .iter()
        .map(|s| {
            let by = match s.records.iter().find(|r| r.kind == "work") {
                Some(work) => work.source_type.clone().unwrap_or_default(),
                None if s.records.iter().any(|r| r.kind == "sign") => "hand".into(),
                None => String::new(),
            };
            (s.key.clone(), (s.status, by))
        })
        .collect()
}

#[test]
fn the_past_market_ran_its_whole_flow_done_by_the_work_and_signed_by_the_team_in_time() {
    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let market = events::list(t.store.conn())
        .unwrap()
        .into_iter()
        .find(|e| e.status == events::EventStatus::Closed)
        .expect("last week's market");
    let flow = tasks::flow(&t.store, &market.id).unwrap();
    assert_eq!((flow.done, flow.total), (15, 15));
    let done = |by: &str| (StepStatus::Done, by.to_string());
    let expected: BTreeMap<String, (StepStatus, String)> = [
        ("venue", done("hand")),
        ("catalog", done("hand")),
        ("receive", done("hand")),
        ("load-out", done("hand")),
        ("float", done("hand")),
        ("refill-setup", done("hand")),
        ("refill-hygiene-1", done("hand")),
        ("refill-hygiene-2", done("hand")),
        ("refill-hygiene-3", done("hand")),
        ("refill-clean-down", done("hand")),
        ("open-till", done("till_session")),
        ("sell", done("sale")),
        ("mid-count", done("count")),
        ("close-till", done("till_session")),
        ("wrap-up", done("hand")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(steps_by_key(&flow), expected);

    let start = starts(&market);
    for step in &flow.steps {
        let record = &step.records[0];
        let at = signed_local(record);
        match step.phase {
            tasks::Phase::Before => assert!(at < start, "{} at {at}", step.key),
            tasks::Phase::During => assert!(
                at >= start - Duration::minutes(30) && at < start + Duration::hours(7),
                "{} at {at}",
                step.key
            ),
            tasks::Phase::After => {
                assert!(at >= start + Duration::hours(7), "{} at {at}", step.key)
            }
        }
        if let Some(due) = &step.due_at {
            let due = NaiveDateTime::parse_from_str(due, "%Y-%m-%dT%H:%M").unwrap();
            if record.kind == "sign" {
                assert!(at <= due, "{} signed at {at}, due {due}", step.key);
            }
        }
    }
    let venue = flow.steps.iter().find(|s| s.key == "venue").unwrap();
    assert_eq!(
        venue.records[0].approved_by.as_deref(),
        Some("Maya Okafor"),
        "the venue step needs the organizer's PIN"
    );
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}

#[test]
fn the_upcoming_fair_has_its_first_steps_done_and_its_stock_loaded_out() {
    let mut t = till();
    let summary = demo::load(&mut t.store).unwrap();
    let fair = events::get(t.store.conn(), &summary.event_id).unwrap();
    let flow = tasks::flow(&t.store, &fair.id).unwrap();
    let by_key = steps_by_key(&flow);
    for (key, by) in [
        ("venue", "hand"),
        ("catalog", "hand"),
        ("receive", "count"),
        ("load-out", "transfer"),
    ] {
        assert_eq!(
            by_key[key],
            (StepStatus::Done, by.to_string()),
            "{key} is done"
        );
    }
    assert_eq!((flow.done, flow.total), (4, 15));
    let float = flow.steps.iter().find(|s| s.key == "float").unwrap();
    assert!(flow.next.contains(&float.id), "the float is up next");
    for step in flow.steps.iter().filter(|s| s.status == StepStatus::Done) {
        assert!(
            signed_local(&step.records[0]) < starts(&fair),
            "{}",
            step.key
        );
    }
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}

/// The first product the till lists (its first quick key: the past
/// market's best seller) sold at the fair finds stock at the stall.
#[test]
fn selling_the_tills_first_product_at_the_upcoming_fair_warns_of_no_negative_stock() {
    let mut t = till();
    let summary = demo::load(&mut t.store).unwrap();
    let jonas = people::list(t.store.conn())
        .unwrap()
        .into_iter()
        .find(|p| p.name.starts_with("Jonas"))
        .unwrap();
    let cashier = Actor::person(&jonas.id);
    t.store
        .write(&cashier, |tx| events::open(tx, &summary.event_id))
        .unwrap();
    t.store
        .write(&cashier, |tx| {
            session::open(
                tx,
                &OpenInput {
                    float: "150.00".into(),
                    denominations: None,
                    practice: false,
                },
            )
        })
        .unwrap();
    let first = lookup::quick_keys(t.store.conn(), 12).unwrap().remove(0);
    let cart = CartInput {
        lines: vec![LineInput {
            product_id: first.id.clone(),
            quantity: "1".into(),
            ..Default::default()
        }],
        sale_discount: None,
        handover_contact: None,
        cart_id: None,
        card: None,
        deposits_back: Vec::new(),
    };
    let quote = quote::quote(t.store.conn(), &cart).unwrap();
    assert!(
        quote.warnings.is_empty(),
        "{}: {:?}",
        first.name,
        quote.warnings
    );
    let sold = sale::complete_with_pin(
        &mut t.store,
        &cashier,
        &cart,
        &[PaymentInput {
            method: "card".into(),
            ..Default::default()
        }],
        &people::ApprovalRequest::none(),
    )
    .unwrap();
    assert!(
        sold.warnings.is_empty(),
        "{}: {:?}",
        first.name,
        sold.warnings
    );
}

#[test]
fn the_demo_has_attendees_for_both_events_consents_in_both_channels_and_one_withdrawn() {
    use popup_till_core::attendees::{consent, contacts, mailing, register, Channel};

    let mut t = till();
    let summary = demo::load(&mut t.store).unwrap();
    let conn = t.store.conn();
    let evs = events::list(conn).unwrap();
    let market = evs.iter().find(|e| e.id != summary.event_id).unwrap();
    let market_list = register::list(conn, &market.id).unwrap();
    let fair_list = register::list(conn, &summary.event_id).unwrap();
    assert!(market_list.signed_up >= 5 && market_list.checked_in >= 5);
    assert!(
        market_list
            .attendees
            .iter()
            .any(|a| a.source == "door" && a.checked_in_at.is_some()),
        "a walk-in"
    );
    assert!(fair_list.signed_up >= 3 && fair_list.checked_in == 0);
    assert!(consent::wordings(conn).unwrap().len() >= 2);
    for channel in Channel::ALL {
        assert!(
            mailing::rows(conn, channel).unwrap().len() >= 2,
            "{channel:?}"
        );
    }
    let withdrawn = t.count("SELECT count(*) FROM consent_withdrawal WHERE how = 'receipt_code'");
    assert_eq!(withdrawn, 1);
    assert!(t.count("SELECT count(*) FROM consent WHERE how = 'till'") >= 2);
    assert!(!contacts::list(conn, "").unwrap().is_empty());
    // A till consent prints its code on that sale's receipt.
    let sale: String = conn
        .query_row(
            "SELECT sale_id FROM consent WHERE how = 'till' AND channel = 'email'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(popup_till_core::till::receipt::receipt(conn, &sale)
        .unwrap()
        .withdrawal_code
        .is_some());
    assert!(journal::verify(conn).unwrap().holds());
}
