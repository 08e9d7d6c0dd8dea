//! The journeys of a new user, end to end in the real window: a new shop
//! from the welcome screen to its first sale by the checklist; a sale by
//! keyboard alone, from choosing the person to the receipt (the second
//! search result picked with the arrow keys); every dialog submitted with
//! Enter; a count that records a loss asks first; and axe-core finds no
//! WCAG 2.2 AA violation on any screen or open dialog.

use std::path::Path;
use std::time::Duration;

use popup_till_core::shop::people;
use popup_till_core::stock::{self, Location, Movement, MovementKind};
use popup_till_core::till::session::{self, OpenInput};
use popup_till_core::{Actor, Store};
use popup_till_e2e::fantoccini::Locator;
use popup_till_e2e::{fixtures, App};

const ENTER: &str = "\u{E007}";
const ESC: &str = "\u{E00C}";
const TAB: &str = "\u{E004}";
const DOWN: &str = "\u{E015}";
const RIGHT: &str = "\u{E014}";
const F2: &str = "\u{E032}";
const F3: &str = "\u{E033}";
const F4: &str = "\u{E034}";
const F5: &str = "\u{E035}";
const F7: &str = "\u{E037}";
const F8: &str = "\u{E038}";
const F9: &str = "\u{E039}";
const F10: &str = "\u{E03A}";
const F11: &str = "\u{E03B}";
const CTRL_P: &str = "\u{E009}p\u{E000}";
const CTRL_DEL: &str = "\u{E009}\u{E017}\u{E000}";

/// Harbour Stall with two soaps (so "soap" finds two), a mug, tea and
/// coffee by weight; 5 of each piece at the stall; and, when `open`, the
/// till opened by the cashier Carl with a float of 100.
fn harbour(db: &Path, open: bool) {
    fixtures::harbour_shop(
        db,
        "Olga",
        "Carl",
        &[
            ("LAV", "", "Lavender soap", "5.00", "20", "each"),
            ("OLI", "", "Olive soap", "4.50", "20", "each"),
            (
                "MUG",
                "4006381333931",
                "Stoneware mug",
                "12.50",
                "20",
                "each",
            ),
            ("TEA", "", "Herbal tea", "4.00", "20", "each"),
            ("COF", "", "Coffee beans", "24.90", "20", "kg"),
        ],
    );
    let mut store = Store::open(db).unwrap();
    let carl = people::list(store.conn())
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Carl")
        .unwrap();
    store
        .write(&Actor::person(&carl.id), |tx| {
            let event = popup_till_core::shop::events::current(tx)?.unwrap();
            for p in popup_till_core::catalog::list(tx)? {
                if p.unit == "each" {
                    stock::record(
                        tx,
                        &Movement {
                            product_id: &p.id,
                            event_id: Some(&event.id),
                            location: Location::Event,
                            kind: MovementKind::Receive,
                            quantity: 5i64.into(),
                            reason: "",
                            note: "",
                            lot_code: None,
                            source_type: "manual",
                            source_id: None,
                        },
                    )?;
                }
            }
            if open {
                session::open(
                    tx,
                    &OpenInput {
                        float: "100".into(),
                        denominations: None,
                        practice: false,
                    },
                )?;
            } else {
                tx.journal("test.stocked", "event", &event.id, serde_json::json!({}))?;
            }
            Ok(())
        })
        .unwrap();
}

fn harbour_open(db: &Path) {
    harbour(db, true)
}

fn harbour_closed(db: &Path) {
    harbour(db, false)
}

/// Wait until `css` exists and its `attr` reads `value`.
async fn wait_attr(app: &App, css: &str, attr: &str, value: &str) {
    for _ in 0..100 {
        if let Ok(el) = app.client.find(Locator::Css(css)).await {
            if el.attr(attr).await.ok().flatten().as_deref() == Some(value) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never had {attr}={value:?}");
}

/// Wait until the focus is on `id`.
async fn wait_focus(app: &App, id: &str) {
    for _ in 0..100 {
        if app.focused_id().await == id {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the focus is on {:?}, not {id}", app.focused_id().await);
}

async fn absent(app: &App, css: &str) -> bool {
    app.client.find(Locator::Css(css)).await.is_err()
}

#[tokio::test]
async fn a_new_shop_follows_the_checklist_from_the_welcome_screen_to_its_first_sale() {
    let app = App::launch().await;
    app.find("#welcome").await;
    app.assert_accessible("the welcome screen").await;
    app.type_into("#setup-shop", "Corner Pop-up").await;
    app.type_into("#setup-name", "Riley").await;
    app.type_into("#setup-pin", &format!("135790{ENTER}")).await;
    app.wait_for_text("#person-chip", "Riley").await;

    // The Event screen says what comes next: five items, none done.
    app.wait_for_text("#checklist", "0 of 5 done").await;
    app.screenshot("journey-checklist-new").await;
    app.assert_accessible("the Event screen with the checklist")
        .await;

    // 1. Create the event: the link leads into the event form.
    app.click_settled("#checklist-event").await;
    wait_focus(&app, "event-name").await;
    app.type_into("#event-name", "Spring Market").await;
    app.type_into("#event-venue", "Harbour shed 3").await;
    app.click("#event-save").await;
    wait_attr(&app, "[data-item=event]", "data-done", "true").await;
    app.wait_for_text("#checklist-count", "1 of 5 done").await;

    // 2. Add or import products: the empty Stock screen says how.
    app.click_settled("#checklist-products").await;
    let empty = app.wait_for_text("#stock-empty", "No products yet").await;
    assert!(
        empty.contains("Import catalog") && empty.contains("New product"),
        "{empty}"
    );
    app.screenshot("journey-stock-empty").await;
    app.assert_accessible("the empty Stock screen").await;
    app.click("#empty-new-product").await;
    app.type_into("#product-sku", "SOAP").await;
    app.type_into("#product-name", "Olive soap").await;
    app.type_into("#product-price", "4.50").await;
    app.click("#product-save").await;
    app.wait_for_text("h1", "Olive soap").await;
    app.click_settled("#nav-event").await;
    wait_attr(&app, "[data-item=products]", "data-done", "true").await;

    // 3. Load stock out: the link shows how, and the product opens on Load out.
    app.click_settled("#checklist-stock").await;
    app.wait_for_text("#stock-load-out-hint", "Load out").await;
    app.click_settled("#product-table tr[data-sku=SOAP] td")
        .await;
    wait_attr(&app, "#flow-load-out", "class", "tab active").await;
    app.type_into("#flow-quantity", "12").await;
    app.click("#flow-save").await;
    app.wait_for_text("#product-at-event", "12").await;
    app.click_settled("#nav-event").await;
    wait_attr(&app, "[data-item=stock]", "data-done", "true").await;

    // 4. Add the team.
    app.click_settled("#checklist-team").await;
    app.type_into("#person-name", "Sam").await;
    app.type_into("#person-pin", "2468").await;
    app.click("#person-save").await;
    app.wait_for_text("#people-table", "Sam").await;
    app.click_settled("#nav-event").await;
    wait_attr(&app, "[data-item=team]", "data-done", "true").await;
    app.wait_for_text("#checklist-count", "4 of 5 done").await;

    // 5. Open the event and the till, then sell.
    app.click_settled(".event-card .open-event").await;
    app.wait_for_text("#topbar-event", "Spring Market").await;
    app.click_settled("#checklist-till").await;
    app.type_into("#till-float", &format!("50{ENTER}")).await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("SOAP{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "4.50").await;
    app.keys(F2).await;
    app.wait_for_text("#till-message", "T1-000001").await;
    app.screenshot("journey-first-sale").await;

    // Every item is done: the checklist is gone.
    app.click_settled("#nav-event").await;
    app.find("#event-home").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        absent(&app, "#checklist").await,
        "the checklist stays after the last item"
    );

    let data = app.close().await;
    App::assert_journal_holds(&App::db_path_in(data.path()));
}

#[tokio::test]
async fn a_keyboard_only_sale_from_choosing_the_person_to_the_receipt() {
    let app = App::launch_prepared(harbour_open).await;
    // The picker: the arrow keys move to Carl, Enter chooses, the PIN and
    // Enter take the till.
    app.find("#person-picker").await;
    app.keys(RIGHT).await;
    app.keys(ENTER).await;
    wait_focus(&app, "picker-pin").await;
    app.keys(&format!("{}{ENTER}", fixtures::CASHIER_PIN)).await;
    app.wait_gone("#person-picker").await;
    app.wait_for_text("#person-chip", "Carl").await;
    // The till is open: the cursor is in its scan field.
    wait_focus(&app, "till-scan").await;

    // A pay key on an empty cart says the cart is empty.
    app.keys(F3).await;
    app.wait_for_text("#till-message", "The cart is empty")
        .await;

    // "soap" finds two: ↓ highlights the second, Enter adds it.
    app.keys("soap").await;
    app.find("#till-result-1").await;
    let second = app.text("#till-result-1 strong").await;
    let first = app.text("#till-result-0 strong").await;
    assert_ne!(first, second);
    wait_attr(&app, "#till-result-0", "aria-selected", "true").await;
    app.keys(DOWN).await;
    wait_attr(&app, "#till-result-1", "aria-selected", "true").await;
    wait_attr(&app, "#till-scan", "aria-activedescendant", "till-result-1").await;
    app.screenshot("journey-search-second").await;
    app.assert_accessible("the Till with search results").await;
    app.keys(ENTER).await;
    let lines = app.wait_for_text("#till-cart-lines", &second).await;
    assert!(!lines.contains(&first), "{lines}");

    // F3 with nothing typed: said, never taken as exact cash.
    app.keys(F3).await;
    wait_focus(&app, "cash-tendered").await;
    app.keys(ENTER).await;
    app.wait_for_text(
        "#cash-dialog [data-field=tendered] .field-error",
        "Type what the customer hands over",
    )
    .await;
    assert!(
        app.text("#till-recent").await.contains("None yet"),
        "nothing was sold"
    );
    app.keys(&format!("20{ENTER}")).await;
    app.wait_for_text("#till-message", "T1-000001").await;
    app.find("#till-change").await;

    // Ctrl+P: the receipt; Enter closes it, and the cursor is back.
    app.keys(CTRL_P).await;
    let receipt = app.wait_for_text("#receipt", "T1-000001").await;
    assert!(receipt.contains(&second), "{receipt}");
    app.screenshot("journey-keyboard-receipt").await;
    app.keys(ENTER).await;
    app.wait_gone("#receipt-dialog").await;
    wait_focus(&app, "till-scan").await;

    // A card sale shows what was paid, no change.
    app.keys(&format!("MUG{ENTER}")).await;
    app.wait_for_text("#till-total", "12.50").await;
    app.keys(F4).await;
    wait_focus(&app, "card-last-four").await;
    app.keys(ENTER).await;
    app.wait_for_text("#till-message", "T1-000002").await;
    app.wait_for_text("#till-paid", "12.50").await;
    assert!(
        absent(&app, "#till-change").await,
        "a card sale shows no change"
    );

    // F5 counts a visitor ("1 visitor", not "1 visitors").
    app.keys(F5).await;
    app.wait_for_text(".visitor-compact", "1 visitor").await;
    assert!(!app.text(".visitor-compact").await.contains("visitors"));

    // Ctrl+Del asks before clearing: Esc keeps the cart, Enter clears it.
    app.keys(&format!("TEA{ENTER}")).await;
    app.wait_for_text("#till-total", "4.00").await;
    app.keys(CTRL_DEL).await;
    app.find("#clear-cart-dialog").await;
    app.keys(ESC).await;
    app.wait_gone("#clear-cart-dialog").await;
    app.wait_for_text("#till-cart-lines", "Herbal tea").await;
    app.keys(CTRL_DEL).await;
    app.find("#clear-cart-dialog").await;
    app.keys(ENTER).await;
    app.wait_for_text("#till-cart-lines", "Cart is empty").await;

    // F9 parks, F10 resumes.
    app.keys(&format!("TEA{ENTER}")).await;
    app.wait_for_text("#till-total", "4.00").await;
    app.keys(F9).await;
    wait_focus(&app, "park-label").await;
    app.keys(&format!("blue coat{ENTER}")).await;
    app.wait_for_text("#till-parked", "blue coat").await;
    app.keys(F10).await;
    app.wait_for_text("#till-cart-lines", "Herbal tea").await;
    app.keys(F2).await;
    app.wait_for_text("#till-message", "T1-000003").await;

    // F11 voids the last sale (the reason, then the organizer's PIN).
    app.keys(F11).await;
    wait_focus(&app, "void-reason").await;
    app.keys(&format!("rang up twice{ENTER}")).await;
    wait_focus(&app, "pin-input").await;
    app.keys(&format!("{}{ENTER}", fixtures::PIN)).await;
    app.wait_for_text("#till-recent tr:first-child", "voided")
        .await;

    // The key help lists the lock, and Ctrl+L locks.
    let keys = app.text("#till-keys").await;
    assert!(
        keys.contains("Ctrl+L") && keys.contains("F5") && keys.contains("Ctrl+P"),
        "{keys}"
    );
    app.keys("\u{E009}l\u{E000}").await;
    app.find("#person-picker").await;

    let data = app.close().await;
    App::assert_journal_holds(&App::db_path_in(data.path()));
}

/// Submit the dialog `id` with Enter from the field that has the focus.
async fn enter_submits(app: &App, id: &str, typed: &str) {
    let css = format!("#{id}");
    app.find(&css).await;
    app.keys(&format!("{typed}{ENTER}")).await;
    for _ in 0..200 {
        if absent(app, &css).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let shot = app.screenshot(&format!("still-{id}")).await;
    panic!(
        "Enter did not submit {id}: it shows {:?} (screen: {})",
        app.text(&css).await,
        shot.display()
    );
}

#[tokio::test]
async fn every_dialog_of_the_till_submits_with_enter() {
    let app = App::launch_prepared(harbour_open).await;
    app.choose_person("Carl").await;
    wait_focus(&app, "till-scan").await;

    // The weight of a refill, the line, the sale discount.
    app.keys(&format!("COF{ENTER}")).await;
    enter_submits(&app, "weight-dialog", "0.5").await;
    app.wait_for_text("#till-total", "12.45").await;
    app.keys(F7).await;
    enter_submits(&app, "line-dialog", "").await;
    app.keys(F8).await;
    enter_submits(&app, "sale-discount-dialog", "10").await;
    // One minus sign before an amount taken off: the core's "-".
    app.wait_for_text("#till-discount", "-1.2").await;

    // Park with a label; two parked carts: F10 asks which, Enter takes it.
    app.keys(F9).await;
    enter_submits(&app, "park-dialog", "first").await;
    app.keys(&format!("TEA{ENTER}")).await;
    app.wait_for_text("#till-total", "4.00").await;
    app.keys(F9).await;
    enter_submits(&app, "park-dialog", "second").await;
    app.keys(F10).await;
    app.find("#resume-dialog").await;
    app.assert_accessible("the resume dialog").await;
    enter_submits(&app, "resume-dialog", "").await;
    app.wait_for_text("#till-message", "Resumed").await;
    let resumed = app.text("#till-cart-lines").await;
    let other = if resumed.contains("Coffee beans") {
        "Herbal tea"
    } else {
        "Coffee beans"
    };

    // Cash, card and split.
    app.keys(F3).await;
    enter_submits(&app, "cash-dialog", "20").await;
    app.wait_for_text("#till-message", "T1-000001").await;
    app.keys(F10).await;
    app.wait_for_text("#till-cart-lines", other).await;
    app.keys(F4).await;
    enter_submits(&app, "card-dialog", "").await;
    app.wait_for_text("#till-message", "T1-000002").await;
    app.keys(&format!("MUG{ENTER}")).await;
    app.wait_for_text("#till-total", "12.50").await;
    app.keys("\u{E036}").await;
    enter_submits(&app, "split-dialog", "5").await;
    app.wait_for_text("#till-message", "T1-000003").await;

    // Void: the reason, then the organizer's PIN, each with Enter.
    // (The void's dialog waits under the PIN's until the PIN is in.)
    app.keys(F11).await;
    wait_focus(&app, "void-reason").await;
    app.keys(&format!("wrong item{ENTER}")).await;
    enter_submits(&app, "pin-dialog", fixtures::PIN).await;
    app.wait_gone("#void-dialog").await;
    app.wait_for_text("#till-recent tr:first-child", "voided")
        .await;

    // A paid out: the amount, Tab, the reason, Enter.
    app.click("#till-paid-out").await;
    enter_submits(&app, "cash-move-dialog", &format!("5{TAB}stamps")).await;

    // Clearing asks; Enter confirms.
    app.keys(&format!("TEA{ENTER}")).await;
    app.wait_for_text("#till-total", "4.00").await;
    app.keys(CTRL_DEL).await;
    enter_submits(&app, "clear-cart-dialog", "").await;

    // The receipt only shows: Enter closes it.
    app.keys(CTRL_P).await;
    enter_submits(&app, "receipt-dialog", "").await;

    // Close: the count, then the reason for the difference, each with Enter.
    app.click("#till-close").await;
    enter_submits(&app, "close-dialog", "100").await;
    app.find("#z-reason").await;
    app.assert_accessible("the Z report asking for a reason")
        .await;
    app.keys(&format!("counted in a hurry{ENTER}")).await;
    app.wait_for_text("#z-report", "counted in a hurry").await;
    app.keys(ENTER).await;
    app.wait_gone("#z-dialog").await;

    let data = app.close().await;
    App::assert_journal_holds(&App::db_path_in(data.path()));
}

#[tokio::test]
async fn every_dialog_of_the_flow_and_the_team_submits_with_enter() {
    let app = App::launch_prepared(|db| {
        assert!(App::cli(db, &["demo"]).status.success());
    })
    .await;
    app.choose_person("Jonas").await;
    // The Tasks screen of the upcoming fair: sign, skip and edit by Enter.
    app.click_settled("#nav-tasks").await;
    app.click_settled(".step[data-key=\"float\"] .step-edit")
        .await;
    enter_submits(&app, "edit-step-dialog", "Tom").await;
    app.wait_for_text(".step[data-key=\"float\"]", "Assigned to Tom")
        .await;
    app.click_settled(".step[data-key=\"float\"] .step-sign")
        .await;
    enter_submits(&app, "sign-dialog", "").await;
    app.wait_for_text(".step[data-key=\"float\"]", "Signed by")
        .await;
    app.click_settled(".step[data-key=\"mid-count\"] .step-skip")
        .await;
    enter_submits(&app, "skip-dialog", "no time on the day").await;
    app.wait_for_text(".step[data-key=\"mid-count\"]", "Skipped")
        .await;

    // The People screen: the PIN on entry, then a new PIN for someone.
    app.click_settled("#nav-people").await;
    enter_submits(&app, "pin-dialog", fixtures::PIN).await;
    app.click_settled("#people-table tr:last-child .reset-pin")
        .await;
    enter_submits(&app, "reset-pin-dialog", "97531").await;

    let data = app.close().await;
    App::assert_journal_holds(&App::db_path_in(data.path()));
}

#[tokio::test]
async fn a_count_that_records_a_loss_shows_the_difference_and_asks_first() {
    let app = App::launch_prepared(harbour_closed).await;
    app.choose_person("Carl").await;
    app.click_settled("#nav-stock").await;

    // On a product's page the count shows its difference as it is typed.
    app.click_settled("#product-table tr[data-sku=MUG] td")
        .await;
    app.click("#flow-count").await;
    app.find("#flow-location").await;
    let location = app.find("#flow-location").await;
    location
        .select_by_value("event")
        .await
        .expect("count at the event");
    app.type_into("#flow-quantity", "4").await;
    app.wait_for_text("#flow-difference", "-1").await;
    app.screenshot("journey-count-difference").await;
    app.click("#back-to-list").await;

    // Count mode at the event: three mugs scanned of the five expected.
    app.click_settled("#start-count").await;
    let place = app.find("#count-location").await;
    place.select_by_value("event").await.unwrap();
    for _ in 0..3 {
        app.type_into("#count-scan", &format!("4006381333931{ENTER}"))
            .await;
    }
    app.wait_for_text("#count-table", "-2").await;
    app.click("#count-save").await;
    // Asked first: the missing mugs and their difference.
    let asked = app
        .wait_for_text("#count-loss-dialog", "Stoneware mug")
        .await;
    assert!(
        asked.contains("-2") && asked.contains("records the difference as a loss"),
        "{asked}"
    );
    app.screenshot("journey-count-loss").await;
    app.assert_accessible("the count's loss question").await;
    // Esc: nothing is saved.
    app.keys(ESC).await;
    app.wait_gone("#count-loss-dialog").await;
    app.find("#count-table").await;
    // Again, and confirmed: Carl is a cashier, so the core then asks for
    // an organizer's PIN.
    app.click("#count-save").await;
    app.find("#count-loss-dialog").await;
    app.keys(ENTER).await;
    enter_submits(&app, "pin-dialog", fixtures::PIN).await;
    app.find("#stock-search").await;
    app.type_into("#stock-search", "mug").await;
    app.wait_for_text("#product-table tr[data-sku=MUG] .on-hand", "3")
        .await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let store = Store::open(&db).unwrap();
    let counts: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM stock_count", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        counts, 1,
        "the count asked about and declined wrote nothing"
    );
}

/// Every screen, and every dialog open on it, as a cashier and as an
/// organizer, checked by axe-core for WCAG 2.2 AA.
#[tokio::test]
async fn axe_core_finds_no_wcag_violation_on_any_screen_or_open_dialog() {
    let app = App::launch_prepared(|db| {
        assert!(App::cli(db, &["demo"]).status.success());
    })
    .await;
    app.find("#person-picker").await;
    app.assert_accessible("the person picker").await;
    app.choose_person("Jonas").await;
    app.find("#event-home").await;
    app.assert_accessible("the Event screen").await;

    // A cashier at the organizer's screens: the PIN dialog, and what is
    // left without it.
    app.click_settled("#nav-people").await;
    app.find("#pin-dialog").await;
    app.assert_accessible("the organizer PIN dialog").await;
    app.keys(ESC).await;
    app.find("#people-locked").await;
    app.assert_accessible("the People screen without an organizer")
        .await;
    app.click_settled("#nav-settings").await;
    app.find("#pin-dialog").await;
    app.keys(ESC).await;
    app.find("#settings-locked").await;
    app.assert_accessible("the Settings screen without an organizer")
        .await;

    // The organizer takes the till.
    app.click("#lock-button").await;
    app.choose_person("Maya").await;
    for (screen, ready) in [
        ("event", "#event-home"),
        ("tasks", "#flow"),
        ("people", "#people-table"),
        ("reports", "#report-money"),
        ("export", "#export-form"),
        ("settings", "#journal-panel tbody tr"),
        ("stock", "#product-table tbody tr"),
    ] {
        app.click_settled(&format!("#nav-{screen}")).await;
        app.find(ready).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.assert_accessible(&format!("the {screen} screen")).await;
    }

    // The Stock screen's parts.
    app.click_settled("#product-table tbody tr td").await;
    app.find("#history-table").await;
    app.assert_accessible("a product's page").await;
    if let Ok(link) = app.client.find(Locator::Css(".source-link")).await {
        link.click().await.unwrap();
        app.find("#stock-document").await;
        app.assert_accessible("a stock document").await;
        app.keys(ENTER).await;
        app.wait_gone("#stock-document").await;
    }
    app.click("#flow-count").await;
    app.assert_accessible("a product's count").await;
    app.click("#back-to-list").await;
    app.click_settled("#open-import").await;
    app.find("#import-file").await;
    app.assert_accessible("the catalog import").await;
    app.click("#back-to-list").await;
    app.click_settled("#start-count").await;
    app.find("#count-scan").await;
    app.assert_accessible("count mode").await;
    app.click("#back-to-list").await;
    app.click_settled("#open-picture").await;
    app.find("#picture-event").await;
    app.assert_accessible("the event's stock picture").await;

    // The Tasks screen's dialogs.
    app.click_settled("#nav-tasks").await;
    for (button, dialog) in [
        (".step-open .step-sign:not([disabled])", "sign-dialog"),
        (".step-open .step-skip", "skip-dialog"),
        (".step-open .step-edit", "edit-step-dialog"),
    ] {
        app.click_settled(&format!(".step-list {button}")).await;
        app.find(&format!("#{dialog}")).await;
        app.assert_accessible(&format!("the {dialog}")).await;
        app.keys(ESC).await;
        app.wait_gone(&format!("#{dialog}")).await;
    }

    // The People screen's dialog.
    app.click_settled("#nav-people").await;
    app.click_settled("#people-table tr:last-child .reset-pin")
        .await;
    app.find("#reset-pin-dialog").await;
    app.assert_accessible("the new PIN dialog").await;
    app.keys(ESC).await;

    // The till: closed, opened, and each of its dialogs.
    app.click_settled("#nav-event").await;
    app.click_settled(".event-card .open-event").await;
    app.wait_for_text("#topbar-event", "Winter Craft Fair")
        .await;
    app.click_settled("#nav-till").await;
    app.find("#till-float").await;
    app.assert_accessible("the closed till").await;
    app.type_into("#till-float", &format!("100{ENTER}")).await;
    let scan = app.find("#till-scan").await;
    app.assert_accessible("the empty till").await;
    scan.send_keys("oats").await.unwrap();
    app.find("#till-result-0").await;
    app.keys(ENTER).await;
    app.find("#weight-dialog").await;
    app.assert_accessible("the weight dialog").await;
    enter_submits(&app, "weight-dialog", "0.25").await;
    app.find(".cart-line").await;
    for (key, dialog) in [
        (F7, "line-dialog"),
        (F8, "sale-discount-dialog"),
        (F9, "park-dialog"),
        (F3, "cash-dialog"),
        (F4, "card-dialog"),
        ("\u{E036}", "split-dialog"),
        (CTRL_DEL, "clear-cart-dialog"),
    ] {
        app.keys(key).await;
        app.find(&format!("#{dialog}")).await;
        app.assert_accessible(&format!("the {dialog}")).await;
        app.keys(ESC).await;
        app.wait_gone(&format!("#{dialog}")).await;
        wait_focus(&app, "till-scan").await;
    }
    app.keys(F2).await;
    app.wait_for_text("#till-message", "Sale complete").await;
    app.assert_accessible("the till after a sale").await;
    app.keys(CTRL_P).await;
    app.find("#receipt-dialog").await;
    app.assert_accessible("the receipt").await;
    app.keys(ENTER).await;
    app.keys(F11).await;
    app.find("#void-dialog").await;
    app.assert_accessible("the void dialog").await;
    app.keys(ESC).await;
    app.click("#till-drop").await;
    app.find("#cash-move-dialog").await;
    app.assert_accessible("the cash movement dialog").await;
    app.keys(ESC).await;
    app.click("#till-close").await;
    app.find("#close-dialog").await;
    app.assert_accessible("the blind count").await;
    enter_submits(&app, "close-dialog", "1").await;
    app.find("#z-report").await;
    app.assert_accessible("the Z report").await;
    app.screenshot("journey-z-report").await;

    app.close().await;
}
