//! Task flows in the real window: an event created from the starter
//! template, its steps signed by named people (a two-person step by two
//! different people, an organizer step with the PIN), the till opened from
//! its step, the flow walked to its end, and templates shared as files.

use popup_till_e2e::App;

const PIN: &str = "135790";

async fn set_up_shop(app: &App) {
    app.find("#welcome").await;
    app.type_into("#setup-shop", "Harbour Pop-up").await;
    app.type_into("#setup-name", "Riley").await;
    app.type_into("#setup-pin", PIN).await;
    app.click("#setup-submit").await;
    app.wait_for_text("#person-chip", "Riley").await;
}

fn step(key: &str) -> String {
    format!("#flow .step[data-key=\"{key}\"]")
}

/// Sign a step on the Tasks screen as `name`.
async fn sign(app: &App, key: &str, name: &str) {
    app.click(&format!("{} .step-sign", step(key))).await;
    app.type_into("#sign-name", name).await;
    app.click("#sign-ok").await;
}

async fn sign_done(app: &App, key: &str, name: &str) {
    sign(app, key, name).await;
    app.wait_for_text(&format!("{} .step-title", step(key)), "done")
        .await;
}

#[tokio::test]
async fn an_organizer_runs_a_pop_up_from_its_flow_to_the_end() {
    let app = App::launch().await;
    set_up_shop(&app).await;

    // The event form makes the flow from the starter template.
    app.type_into("#event-name", "Harbour Market").await;
    app.type_into("#event-venue", "Pier 4").await;
    let templates = app.text("#event-template").await;
    assert!(
        templates.contains("One-day pop-up (starter) (10 steps)"),
        "{templates}"
    );
    app.click("#event-save").await;
    app.wait_for_text("#event-home", "0 / 10").await;
    // The event is tomorrow: the permits were due two weeks ago.
    app.wait_for_text("#flow-overdue", "Confirm venue and permits")
        .await;
    app.screenshot("tasks-event-home").await;

    // The organizer step is signed from the event's home, with the PIN.
    app.click("#flow-next .step[data-key=\"venue\"] .step-sign")
        .await;
    app.type_into("#sign-name", "Riley").await;
    app.click("#sign-ok").await;
    app.find("#pin-dialog").await;
    app.enter_pin(PIN).await;
    let signed = app
        .wait_for_text("#flow-signed", "Confirm venue and permits")
        .await;
    assert!(signed.contains("Signed by Riley"), "{signed}");
    assert!(signed.contains("approved by Riley"), "{signed}");

    // The whole flow on the Tasks screen.
    app.click("#open-flow").await;
    app.wait_for_text("#flow", "Before the event").await;
    let waiting = app.text(&step("receive")).await;
    assert!(
        waiting.contains("Waiting for: Prepare catalog and prices"),
        "{waiting}"
    );
    sign_done(&app, "catalog", "Riley").await;
    sign_done(&app, "receive", "Jo").await;
    sign_done(&app, "load-out", "Jo").await;
    sign_done(&app, "float", "Riley").await;

    // The open-till step opens the till.
    app.click(&format!("{} .step-go", step("open-till"))).await;
    app.find("#screen[data-screen=\"till\"]").await;
    app.screenshot("tasks-open-till-from-step").await;
    app.click("#nav-tasks").await;

    // Two different people sign the float count.
    sign(&app, "open-till", "Riley").await;
    app.wait_for_text(
        &format!("{} .step-title", step("open-till")),
        "1 of 2 signed",
    )
    .await;
    sign(&app, "open-till", " riley").await;
    app.wait_for_text(
        "#sign-dialog [data-field=signer_name] .field-error",
        "a second, different person",
    )
    .await;
    app.screenshot("tasks-same-person-twice").await;
    app.type_into("#sign-name", "Sam").await;
    app.click("#sign-ok").await;
    let records = app
        .wait_for_text(&format!("{} .step-records", step("open-till")), "Sam")
        .await;
    assert!(
        records.contains("Signed by Riley") && records.contains("Signed by Sam"),
        "{records}"
    );

    sign_done(&app, "sell", "Sam").await;
    // A skip needs its reason.
    app.click(&format!("{} .step-skip", step("mid-count")))
        .await;
    app.click("#skip-ok").await;
    app.wait_for_text(
        "#skip-dialog [data-field=reason] .field-error",
        "must not be empty",
    )
    .await;
    app.type_into("#skip-reason", "the rush never stopped")
        .await;
    app.click("#skip-ok").await;
    let skipped = app
        .wait_for_text(
            &format!("{} .step-records", step("mid-count")),
            "Skipped by Riley",
        )
        .await;
    assert!(skipped.contains("the rush never stopped"), "{skipped}");
    sign(&app, "close-till", "Sam").await;
    app.wait_for_text(
        &format!("{} .step-title", step("close-till")),
        "1 of 2 signed",
    )
    .await;
    sign_done(&app, "close-till", "Riley").await;

    // The fulfil step shows the orders to hand over: none today.
    app.click(&format!("{} .step-go", step("wrap-up"))).await;
    app.wait_for_text("#orders-panel", "No open orders").await;
    sign_done(&app, "wrap-up", "Riley").await;
    app.screenshot("tasks-flow-done").await;

    app.click("#nav-event").await;
    app.wait_for_text("#event-home", "10 / 10").await;
    app.wait_for_text("#flow-next", "Every step is done").await;
    app.screenshot("tasks-event-home-done").await;
    app.click("#sell-button").await;
    app.find("#screen[data-screen=\"till\"]").await;

    let data = app.close().await;
    App::assert_journal_holds(&App::db_path_in(data.path()));
}

#[tokio::test]
async fn templates_are_duplicated_edited_and_hostile_files_refused() {
    let app = App::launch().await;
    set_up_shop(&app).await;
    app.click("#nav-tasks").await;
    app.click("#template-list [data-template-id=\"builtin:starter\"] .tpl-duplicate")
        .await;
    app.find("#tpl-editor").await;
    // A due time that contradicts the phase is refused next to its field.
    app.type_into(
        "#tpl-editor input[name=\"steps[1].due\"]",
        "2 days after end",
    )
    .await;
    app.type_into(
        "#tpl-editor input[name=\"steps[1].title\"]",
        "<img src=x onerror=alert(1)> Permits",
    )
    .await;
    app.click("#tpl-save").await;
    app.wait_for_text(
        "#tpl-editor [data-field=\"steps[1].due\"] .field-error",
        "does not fit the before phase",
    )
    .await;
    app.screenshot("tasks-template-editor").await;
    app.type_into(
        "#tpl-editor input[name=\"steps[1].due\"]",
        "3 weeks before start",
    )
    .await;
    app.click("#tpl-editor .tpl-step:last-child .tpl-remove")
        .await;
    app.click("#tpl-save").await;
    let list = app
        .wait_for_text("#template-list", "Copy of One-day pop-up (starter)")
        .await;
    assert!(list.contains("9 steps"), "{list}");

    // A file of another version is refused with a clear message.
    app.type_into(
        "#tpl-import-text",
        r#"{"format": "popup-till.task-template", "version": 7, "name": "x", "steps": []}"#,
    )
    .await;
    app.click("#tpl-import-ok").await;
    let msg = app
        .wait_for_text("#tpl-import .field-error", "version 7")
        .await;
    assert!(msg.contains("reads version 1 only"), "{msg}");

    // A chosen file over the core's limit is refused by its size, with the
    // core's message, and never read into the page.
    let files = tempfile::tempdir().unwrap();
    let huge = files.path().join("huge.json");
    std::fs::write(&huge, " ".repeat(1024 * 1024)).unwrap();
    let input = app.find("#tpl-import-file").await;
    input.send_keys(huge.to_str().unwrap()).await.unwrap();
    let msg = app
        .wait_for_text("#tpl-import .field-error", "at most 256 KB")
        .await;
    assert!(msg.contains("is 1024 KB"), "{msg}");
    let pasted = app
        .client
        .find(popup_till_e2e::fantoccini::Locator::Css("#tpl-import-text"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(pasted.len() < 1024, "the huge file reached the page");
    app.screenshot("tasks-templates").await;
    app.close().await;
}

#[tokio::test]
async fn a_template_file_travels_through_the_command_line_and_a_huge_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    let file = dir.path().join("starter.json");
    let run = |args: &[&str]| {
        let out = App::cli(&db, args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    assert_eq!(run(&["demo"]).0, Some(0));
    let file_arg = file.to_str().unwrap();
    assert_eq!(
        run(&["export-template", "builtin:starter", file_arg]).0,
        Some(0)
    );
    let (code, stdout, _) = run(&["import-template", file_arg]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("(10 steps)"), "{stdout}");

    // 10 MB of steps: refused before it is read, nothing written.
    let huge = dir.path().join("huge.json");
    let step =
        r#"{"phase": "before", "title": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},"#;
    let body = step.repeat(10 * 1024 * 1024 / step.len());
    std::fs::write(
        &huge,
        format!(r#"{{"format": "popup-till.task-template", "version": 1, "name": "Huge", "steps": [{}]}}"#, body.trim_end_matches(',')),
    )
    .unwrap();
    let (code, _, stderr) = run(&["import-template", huge.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("a template file is at most 256 KB"),
        "{stderr}"
    );

    // The export refuses to overwrite a file.
    let (code, _, stderr) = run(&["export-template", "builtin:starter", file_arg]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot create"), "{stderr}");
    assert_eq!(run(&["verify"]).0, Some(0));
}

#[tokio::test]
async fn pre_orders_are_handed_over_from_the_fulfil_step_which_the_last_handover_completes() {
    use popup_till_core::orders::{self, ContactInput, OrderInput};
    use popup_till_core::{catalog, demo, shop::events, Actor, Store};

    let app = App::launch_prepared(|db| {
        // The checkout is another screen's work: the order is taken through
        // the core, as the checkout does inside its sale.
        let mut store = Store::open(db).unwrap();
        let summary = demo::load(&mut store).unwrap();
        store
            .write(&Actor::system("test"), |tx| {
                // The demo's fair comes with the starter flow.
                events::open(tx, &summary.event_id)?;
                let product = catalog::list(tx)?
                    .into_iter()
                    .find(|p| p.name.contains("Beeswax candle"))
                    .expect("the demo candle");
                orders::create(
                    tx,
                    &OrderInput {
                        sale_id: None,
                        sale_line_id: None,
                        product_id: product.id,
                        quantity: 3.into(),
                        contact: ContactInput {
                            name: "Ada Byron".into(),
                            phone: String::new(),
                            email: "ada@example.org".into(),
                        },
                    },
                )
            })
            .unwrap();
    })
    .await;
    app.choose_person("Jonas").await;
    app.wait_for_text("#event-home", "Winter Craft Fair").await;
    app.click("#open-flow").await;
    app.click(&format!("{} .step-go", step("wrap-up"))).await;
    let orders = app.wait_for_text("#orders-table", "Beeswax candle").await;
    assert!(
        orders.contains("3 of 3")
            && orders.contains("Ada Byron")
            && orders.contains("ada@example.org"),
        "{orders}"
    );

    app.type_into("#orders-table .order-qty", "1").await;
    app.click("#orders-table .order-fulfil").await;
    app.wait_for_text("#orders-table", "2 of 3").await;
    app.type_into("#orders-table .order-qty", "5").await;
    app.click("#orders-table .order-fulfil").await;
    app.wait_for_text("#toast", "more than the 2").await;
    // Empty: all that is left.
    app.find("#orders-table .order-qty")
        .await
        .clear()
        .await
        .expect("clear the quantity");
    app.click("#orders-table .order-fulfil").await;
    app.wait_for_text("#orders-panel", "No open orders").await;
    let records = app
        .wait_for_text(
            &format!("{} .step-records", step("wrap-up")),
            "Done by the work",
        )
        .await;
    assert!(records.contains("Jonas Berg"), "{records}");
    app.screenshot("tasks-orders-fulfilled").await;
    app.close().await;
}
