//! The areas working together in the real window: an event made from the
//! starter flow, the till opened from it completes its step, visitors are
//! tallied on the event's home and at the till, and a line handed over later
//! becomes an order with its contact.

use std::path::Path;

use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::shop::events::EventInput;
use popup_till_core::shop::settings;
use popup_till_core::shop::status::{self, ShopSetup};
use popup_till_core::tasks::{self, STARTER_ID};
use popup_till_core::{orders, shop::events, Actor, Store};
use popup_till_e2e::App;

const ENTER: &str = "\u{E007}";
const F2: &str = "\u{E032}";
const F7: &str = "\u{E037}";

fn prepare(db: &Path) {
    let mut store = Store::open(db).unwrap();
    let (_, organizer) = status::set_up_shop(
        &mut store,
        &ShopSetup {
            shop_name: "Quay Stall".into(),
            currency: "EUR".into(),
            organizer_name: "Olga".into(),
            pin: "246810".into(),
        },
    )
    .unwrap();
    store
        .write(&Actor::person(&organizer.id), |tx| {
            let s = settings::load(tx)?;
            catalog::create(
                tx,
                &s,
                &ProductInput {
                    sku: "MUG".into(),
                    barcode: "4006381333931".into(),
                    name: "Stoneware mug".into(),
                    unit_price: "12.50".into(),
                    tax_rate: "20".into(),
                    ..Default::default()
                },
            )?;
            let ev = tasks::create_event_with_flow(
                tx,
                &EventInput {
                    name: "Quay Market".into(),
                    venue: "Pier 2".into(),
                    starts_at: "2027-05-01T10:00".into(),
                    ends_at: "2027-05-01T17:00".into(),
                    notes: String::new(),
                },
                Some(STARTER_ID),
            )?;
            events::open(tx, &ev.id)?;
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn the_till_completes_its_flow_step_counts_visitors_and_takes_a_pre_order() {
    let app = App::launch_prepared(prepare).await;
    app.choose_person("Olga").await;

    // The event's home: a visitor comes in.
    app.find("#event-home").await;
    app.click_settled("#event-home #visitor-plus").await;
    app.wait_for_text("#event-home #visitor-count", "1").await;

    // Open the till; one more visitor from the till, focus back in the scan field.
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("50{ENTER}")).await;
    app.find("#till-scan").await;
    app.click_settled("#visitor-plus").await;
    app.wait_for_text("#visitor-count", "2").await;
    let focused = app
        .client
        .execute(
            "return document.activeElement && document.activeElement.id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused, serde_json::json!("till-scan"));

    // A mug paid now, handed over later: the line dialog takes the contact.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("4006381333931{ENTER}"))
        .await
        .unwrap();
    app.wait_for_text("#till-total", "12.50").await;
    app.find("#till-scan").await.send_keys(F7).await.unwrap();
    app.click_settled("#line-later").await;
    app.type_into("#line-contact-name", "Ines Lagarde").await;
    app.type_into("#line-contact-phone", "+33 6 12 34 56 78")
        .await;
    app.click("#line-dialog-ok").await;
    app.wait_gone("#line-dialog").await;
    app.wait_for_text("#till-cart-lines", "hand over later")
        .await;
    app.find("#till-scan").await.send_keys(F2).await.unwrap();
    app.wait_for_text("#till-message", "Sale complete").await;
    app.screenshot("wiring-till").await;

    let data = app.close().await;
    let store = Store::open(App::db_path_in(data.path())).unwrap();
    let event = events::current(store.conn()).unwrap().unwrap();
    let flow = tasks::flow_at(store.conn(), &event.id, chrono::Utc::now().naive_utc()).unwrap();
    let done: Vec<_> = flow
        .steps
        .iter()
        .filter(|s| s.status == tasks::StepStatus::Done)
        .filter_map(|s| s.action)
        .collect();
    assert!(done.contains(&tasks::Action::Sell), "{done:?}");
    // Opening the till takes two people: its work waits for the second.
    let open_till = flow
        .steps
        .iter()
        .find(|s| s.action == Some(tasks::Action::OpenTill))
        .unwrap();
    assert_eq!(open_till.awaiting, Some(tasks::Awaiting::SecondSignature));
    let open = orders::list(store.conn(), Some(&event.id), true).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].contact.as_ref().unwrap().name, "Ines Lagarde");
    assert_eq!(
        popup_till_core::reporting::visitors::visitors(store.conn(), &event.id).unwrap(),
        2
    );
}
