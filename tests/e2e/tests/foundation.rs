//! The foundation in the real window: first start, the demo pop-up, events,
//! settings behind the organizer PIN, and a journal that verifies afterwards.

use popup_till_e2e::App;

#[tokio::test]
async fn set_up_a_shop_create_an_event_and_the_journal_verifies() {
    let app = App::launch().await;
    app.find("#welcome").await;
    // Before the shop has a team there is nobody to choose: no picker, and
    // the chip that opens it is hidden.
    assert!(!app.find("#person-chip").await.is_displayed().await.unwrap());
    assert!(app
        .client
        .find(fantoccini::Locator::Css("#person-picker"))
        .await
        .is_err());
    app.type_into("#setup-shop", "Corner Pop-up").await;
    app.type_into("#setup-name", "Riley").await;
    app.type_into("#setup-pin", "12345").await;
    app.click("#setup-submit").await;
    // A short PIN is refused, next to its field, and nothing is written.
    let msg = app
        .wait_for_text(
            "#setup-form [data-field=pin] .field-error",
            "at least 6 digits",
        )
        .await;
    // The message names the field in words; the path only marks the input.
    assert!(msg.starts_with("PIN: "), "{msg}");
    app.type_into("#setup-pin", "135790").await;
    app.click("#setup-submit").await;
    app.wait_for_text("#shop-name", "Corner Pop-up").await;
    app.wait_for_text("#person-chip", "Riley").await;

    // An event that ends before it starts is refused naming the field.
    app.type_into("#event-name", "Spring Market").await;
    app.type_into("#event-venue", "Harbour shed 3").await;
    app.type_into("#event-starts", "2027-04-10 17:00").await;
    app.type_into("#event-ends", "2027-04-10 09:00").await;
    app.click("#event-save").await;
    app.wait_for_text(
        "#event-form [data-field=ends_at] .field-error",
        "before it starts",
    )
    .await;

    app.type_into("#event-starts", "2027-04-10 09:00").await;
    app.type_into("#event-ends", "2027-04-10 17:00").await;
    app.click("#event-save").await;
    let list = app.wait_for_text("#event-list", "Spring Market").await;
    // Dates show in the shop's locale (English, UK by default).
    assert!(list.contains("10 Apr 2027, 09:00 – 17:00"), "{list}");
    app.click("#event-list .open-event").await;
    app.wait_for_text("#topbar-event", "Spring Market").await;
    app.screenshot("foundation-event").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let out = App::cli(&db, &["events", "--json"]);
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(events[0]["name"], "Spring Market");
    assert_eq!(events[0]["status"], "open");
}

#[tokio::test]
async fn the_demo_pop_up_shows_and_settings_need_the_organizer_pin() {
    let app = App::launch().await;
    app.click("#load-demo").await;
    app.find("#person-picker").await;
    let notice = app.text("#person-picker .notice").await;
    assert!(notice.contains("246810"), "{notice}");
    app.choose_person("Jonas").await;
    app.wait_for_text("#event-list", "Winter Craft Fair").await;
    app.wait_for_text("#shop-name", "Loop & Jar").await;
    app.screenshot("demo-event").await;

    app.click("#nav-stock").await;
    let table = app.wait_for_text("#product-table", "Rolled oats").await;
    assert!(table.contains("Beeswax candle"), "{table}");

    // Jonas is a cashier: the Settings screen asks for an organizer's PIN
    // on entry; a wrong one is said on the dialog.
    app.click("#nav-settings").await;
    app.find("#pin-dialog").await;
    app.enter_pin("000000").await;
    app.wait_for_text("#pin-dialog .form-error", "wrong PIN")
        .await;
    app.enter_pin("246810").await;
    app.wait_gone("#pin-dialog").await;
    app.type_into("#settings-currency", "XYZ").await;
    // A typo is named next to its field.
    app.click("#settings-save").await;
    app.wait_for_text("#settings-form [data-field=currency] .field-error", "'XYZ'")
        .await;
    // The demo has sold in euros: the currency stays.
    app.type_into("#settings-currency", "GBP").await;
    app.click("#settings-save").await;
    app.wait_for_text(
        "#settings-form [data-field=currency] .field-error",
        "stays EUR",
    )
    .await;
    // The PIN given on entry serves the save: no second PIN.
    app.type_into("#settings-currency", "EUR").await;
    app.type_into("#settings-shop", "Loop & Jar (winter)").await;
    app.click("#settings-save").await;
    app.wait_for_text("#shop-name", "Loop & Jar (winter)").await;
    assert!(app
        .client
        .find(popup_till_e2e::fantoccini::Locator::Css("#pin-dialog"))
        .await
        .is_err());
    // Dates follow the shop's locale: German shows 05.12.2026-style dates
    // on every screen, the Event screen's included.
    app.find("#settings-locale")
        .await
        .select_by_value("de-DE")
        .await
        .expect("choose German dates");
    app.click("#settings-save").await;
    app.wait_for_text("#toast", "Settings saved").await;
    app.click_settled("#nav-event").await;
    let card = app.wait_for_text("#event-list", "Winter Craft Fair").await;
    let german = card
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .any(|w| w.len() == 10 && w.chars().nth(2) == Some('.') && w.chars().nth(5) == Some('.'));
    assert!(german, "no dd.mm.yyyy date in {card}");
    app.click_settled("#nav-settings").await;
    app.find("#pin-dialog").await;
    app.enter_pin("246810").await;
    app.wait_gone("#pin-dialog").await;
    app.click("#verify-journal").await;
    app.wait_for_text("#journal-result", "The journal holds")
        .await;
    app.screenshot("demo-settings").await;
    app.close().await;
}

#[tokio::test]
async fn a_database_that_is_not_sqlite_is_shown_and_nothing_is_sold() {
    let garbage = "shopping list: eggs, flour, more eggs\n".repeat(100);
    let app = App::launch_prepared(|db| {
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        std::fs::write(db, &garbage).unwrap();
    })
    .await;
    let text = app.wait_for_text("#store-error", "not SQLite").await;
    assert!(text.contains("till.sqlite"), "{text}");
    assert!(text.contains("This till cannot sell yet"), "{text}");
    let nav = app.text("#nav").await;
    assert!(nav.trim().is_empty(), "no screens are offered: {nav:?}");
    let data = app.close().await;
    let after = std::fs::read_to_string(App::db_path_in(data.path())).unwrap();
    assert_eq!(after, garbage, "the file is left untouched");
}

#[tokio::test]
async fn the_window_may_call_our_commands_and_no_other() {
    let app = App::launch().await;
    app.find("#welcome").await;
    let try_invoke = |command: &'static str| {
        let client = app.client.clone();
        async move {
            client
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     window.__TAURI__.core.invoke(arguments[0], { options: {} })
                       .then(() => done('allowed'), (e) => done('refused: ' + JSON.stringify(e)));",
                    vec![serde_json::json!(command)],
                )
                .await
                .unwrap()
                .as_str()
                .unwrap_or_default()
                .to_string()
        }
    };
    // Our own command answers (one that needs nobody at the till).
    assert_eq!(try_invoke("app_status").await, "allowed");
    // Plugin commands that no capability grants are refused before they run:
    // saving files, message boxes, and anything of plugins we do not ship.
    for command in [
        "plugin:dialog|save",
        "plugin:dialog|message",
        "plugin:fs|read_text_file",
        "plugin:shell|execute",
        "plugin:opener|open_url",
        "plugin:app|version",
    ] {
        let answer = try_invoke(command).await;
        assert!(answer.starts_with("refused"), "{command}: {answer}");
    }
    app.close().await;
}
