//! The demo pop-up: a realistic small shop loaded through the core.

use popup_till_core::{catalog, db::journal, demo, shop::events, shop::people, ErrorCode};

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
        .any(|p| p.unit == "kg" && p.kind == "refill"));
    assert!(products.iter().any(|p| p.kind == "deposit"));
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
    // the upcoming pop-up, and last week's finished market (demo_sales)
    assert_eq!(evs.len(), 2);
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
            row.product.kind != "service",
            "{}",
            row.product.sku
        );
        assert_eq!(row.on_hand, row.in_storage, "a delivery arrives in storage");
    }
    assert!(list.rows.iter().any(|r| r.low), "some items start low");
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}

#[test]
fn the_demo_market_counted_its_visitors_so_the_report_shows_conversion() {
    use popup_till_core::reporting::report::{self, Scope};

    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let market = events::list(t.store.conn())
        .unwrap()
        .into_iter()
        .find(|e| e.status == events::EventStatus::Closed)
        .expect("last week's market");
    let report = report::report(t.store.conn(), &Scope::Event(market.id), false).unwrap();
    assert!(
        report.visitors > report.sales_count,
        "{} visitors, {} sales",
        report.visitors,
        report.sales_count
    );
    assert!(report.conversion.is_some());
}

#[test]
fn a_demo_that_fails_midway_leaves_the_till_as_it_was() {
    let mut t = till();
    let device = t.store.device_id().to_string();
    // A setting the till cannot read makes the past day's first sale fail,
    // long after the shop, its team and its stock were written.
    t.store
        .write(&popup_till_core::Actor::system("test"), |tx| {
            tx.execute(
                "INSERT INTO setting (key, value) VALUES ('discount_limit_percent', 'lots')",
                [],
            )?;
            tx.journal(
                "settings.changed",
                "settings",
                "discount_limit_percent",
                serde_json::json!({}),
            )
        })
        .unwrap();
    let journal = t.journal_len();
    let err = demo::load(&mut t.store).unwrap_err();
    assert!(err.to_string().contains("discount_limit_percent"), "{err}");
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
    assert_eq!(t.count("SELECT count(*) FROM device"), 1);
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
