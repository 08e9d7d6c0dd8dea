//! Task flows in the real window: an event created from the starter
//! template, its steps signed by named people (a two-person step by the
//! person at the till and a second team member with their own PIN, an
//! organizer step with the PIN the core asks for), the till opened from its
//! step, the flow walked to its end, the signers' names of a closed event
//! erased, and templates shared as files.

use std::path::Path;

use popup_till_core::shop::events;
use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
use popup_till_core::shop::status::{self, ShopSetup};
use popup_till_core::{Actor, Store};
use popup_till_e2e::fantoccini::Locator;
use popup_till_e2e::{fixtures, App};

const ENTER: &str = "\u{E007}";

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

/// The team of the flow's run: Riley the organizer, Sam and Jo cashiers,
/// each with their own PIN (the fixtures').
fn team_without_events(db: &Path) {
    let mut store = Store::open(db).unwrap();
    let (_, riley) = status::set_up_shop(
        &mut store,
        &ShopSetup {
            shop_name: "Harbour Pop-up".into(),
            currency: "EUR".into(),
            organizer_name: "Riley".into(),
            pin: fixtures::PIN.into(),
        },
    )
    .unwrap();
    for name in ["Sam", "Jo"] {
        people::add_with_pin(
            &mut store,
            &Actor::person(&riley.id),
            &ApprovalRequest::new(&riley.id, fixtures::PIN),
            &PersonInput {
                name: name.into(),
                role: "cashier".into(),
                pin: Some(fixtures::CASHIER_PIN.into()),
            },
        )
        .unwrap();
    }
}

/// Choose `name` among the second people the sign dialog offers.
async fn choose_second(app: &App, name: &str) {
    app.find("#sign-second .choice").await;
    let choices = app
        .client
        .find_all(Locator::Css("#sign-second .choice"))
        .await
        .unwrap();
    for choice in choices {
        let text = choice
            .prop("textContent")
            .await
            .unwrap()
            .unwrap_or_default();
        if text.contains(name) {
            choice.click().await.unwrap();
            return;
        }
    }
    panic!("{name} is not offered as the second person");
}

#[tokio::test]
async fn a_pop_up_runs_from_its_flow_to_the_end_with_two_people_signing_together() {
    let app = App::launch_prepared(team_without_events).await;
    app.choose_person("Sam").await;

    // The event form makes the flow from the starter template.
    app.type_into("#event-name", "Harbour Market").await;
    app.type_into("#event-venue", "Pier 4").await;
    let templates = app.text("#event-template").await;
    assert!(
        templates.contains("One-day pop-up (starter) (13 steps)"),
        "{templates}"
    );
    app.click("#event-save").await;
    // 13 steps; the refill station's hygiene check repeats three times
    // on a day from 10:00 to 17:00.
    app.wait_for_text("#event-home", "0 / 15").await;
    // The event is tomorrow: the permits were due two weeks ago, before
    // the flow was made, so they are a late start, not overdue.
    app.wait_for_text("#flow-late-start", "Confirm venue and permits")
        .await;
    assert!(
        !app.text("#event-home").await.contains("Overdue"),
        "nothing is overdue on the day the flow was made"
    );
    app.screenshot("tasks-event-home").await;

    // The organizer step, signed by a cashier from the event's home: the
    // core asks for an organizer's PIN, and the window then does.
    app.click("#flow-next .step[data-key=\"venue\"] .step-sign")
        .await;
    app.click("#sign-ok").await;
    app.find("#pin-dialog").await;
    app.enter_pin(fixtures::PIN).await;
    let signed = app
        .wait_for_text("#flow-signed", "Confirm venue and permits")
        .await;
    assert!(signed.contains("Signed by Sam"), "{signed}");
    assert!(signed.contains("approved by Riley"), "{signed}");
    app.click_settled(".event-card .open-event").await;
    app.find(".event-card .close-event").await;

    // The whole flow on the Tasks screen.
    app.click("#open-flow").await;
    app.wait_for_text("#flow", "Before the event").await;
    let waiting = app.text(&step("receive")).await;
    assert!(
        waiting.contains("Waiting for: Prepare catalog and prices"),
        "{waiting}"
    );
    sign_done(&app, "catalog", "Sam").await;
    sign_done(&app, "receive", "Jo").await;
    sign_done(&app, "load-out", "Jo").await;
    sign_done(&app, "float", "Sam").await;
    sign_done(&app, "refill-setup", "Jo").await;

    // The open-till step opens the till; opening it is the work, one
    // signature: the step waits for a second person.
    app.click(&format!("{} .step-go", step("open-till"))).await;
    app.find("#screen[data-screen=\"till\"]").await;
    app.type_into("#till-float", &format!("0{ENTER}")).await;
    app.find("#till-scan").await;
    app.screenshot("tasks-open-till-from-step").await;
    app.click("#nav-tasks").await;
    app.wait_for_text(
        &format!("{} .step-title", step("open-till")),
        "work done · second signature needed",
    )
    .await;

    // Sam did the work; the second person is someone else, with their PIN.
    app.click(&format!("{} .step-sign", step("open-till")))
        .await;
    app.wait_for_text("#sign-who", "Sam did the work").await;
    let offered = app.text("#sign-second").await;
    assert!(
        offered.contains("Riley") && offered.contains("Jo") && !offered.contains("Sam"),
        "{offered}"
    );
    app.click("#sign-ok").await;
    app.wait_for_text(
        "#sign-dialog [data-field=second_person_id] .field-error",
        "a second, different person",
    )
    .await;
    choose_second(&app, "Jo").await;
    app.type_into("#sign-second-pin", "0000").await;
    app.click("#sign-ok").await;
    app.wait_for_text(
        "#sign-dialog [data-field=second_pin] .field-error",
        "wrong PIN",
    )
    .await;
    app.screenshot("tasks-two-person-sign").await;
    app.type_into("#sign-second-pin", fixtures::CASHIER_PIN)
        .await;
    app.click("#sign-ok").await;
    let records = app
        .wait_for_text(
            &format!("{} .step-records", step("open-till")),
            "Signed by Jo",
        )
        .await;
    assert!(
        records.contains("Done by the work (till_session) · Sam"),
        "{records}"
    );
    app.wait_for_text(&format!("{} .step-title", step("open-till")), "done")
        .await;

    sign_done(&app, "sell", "Sam").await;
    // Each hygiene check of the refill station is signed on its own.
    for n in 1..=3 {
        sign_done(&app, &format!("refill-hygiene-{n}"), "Jo").await;
    }
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
            "Skipped by Sam",
        )
        .await;
    assert!(skipped.contains("the rush never stopped"), "{skipped}");

    // Counting the cash: Sam at the till, Riley beside with her own PIN.
    app.click(&format!("{} .step-sign", step("close-till")))
        .await;
    app.wait_for_text("#sign-who", "Sam signs first").await;
    choose_second(&app, "Riley").await;
    app.type_into("#sign-second-pin", fixtures::PIN).await;
    app.click("#sign-ok").await;
    let records = app
        .wait_for_text(
            &format!("{} .step-records", step("close-till")),
            "Signed by Riley",
        )
        .await;
    assert!(records.contains("Signed by Sam"), "{records}");

    sign_done(&app, "refill-clean-down", "Jo").await;

    // The fulfil step shows the orders to hand over: none today.
    app.click(&format!("{} .step-go", step("wrap-up"))).await;
    app.wait_for_text("#orders-panel", "No open orders").await;
    sign_done(&app, "wrap-up", "Sam").await;
    app.screenshot("tasks-flow-done").await;

    app.click("#nav-event").await;
    app.wait_for_text("#event-home", "15 / 15").await;
    app.wait_for_text("#flow-next", "Every step is done").await;
    app.screenshot("tasks-event-home-done").await;
    app.click("#sell-button").await;
    app.find("#screen[data-screen=\"till\"]").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    // The second signatures name team members by id; no PIN is journaled.
    let store = Store::open(&db).unwrap();
    let second: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'task.signed'
             AND json_extract(details, '$.signed_as') = 'second_with_pin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(second, 2);
    let pins: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE details LIKE ?1",
            [format!("%{}%", fixtures::PIN)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pins, 0);
}

#[tokio::test]
async fn the_signer_names_of_a_closed_event_are_erased_with_an_organizers_pin() {
    use popup_till_core::demo;

    let mut market = String::new();
    let app = App::launch_prepared(|db| {
        let mut store = Store::open(db).unwrap();
        demo::load(&mut store).unwrap();
        market = events::list(store.conn())
            .unwrap()
            .into_iter()
            .find(|e| e.status == events::EventStatus::Closed)
            .expect("the demo's past market")
            .id;
    })
    .await;
    app.choose_person("Jonas").await;
    app.click("#nav-tasks").await;
    app.find(&format!("#tasks-event option[value=\"{market}\"]"))
        .await
        .click()
        .await
        .unwrap();
    let names = app.wait_for_text("#signer-names", "still name").await;
    assert!(names.contains("personal data"), "{names}");
    let before = app.text("#flow").await;
    assert!(before.contains("Signed by Maya Okafor"), "{before}");

    // A cashier asks; the core wants an organizer, so the window asks for
    // Maya's PIN after the confirmation.
    app.click("#erase-signer-names").await;
    app.click("#erase-names-ok").await;
    app.find("#pin-dialog").await;
    app.enter_pin(fixtures::PIN).await;
    app.wait_for_text("#toast", "Erased").await;
    app.find("#signer-names-erased").await;
    let after = app
        .wait_for_text(&step("open-till"), "a team member (name erased)")
        .await;
    assert!(after.contains("done"), "{after}");
    let flow = app.text("#flow").await;
    assert!(
        !flow.contains("Signed by Maya") && !flow.contains("Jonas"),
        "{flow}"
    );
    app.screenshot("tasks-signer-names-erased").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let store = Store::open(&db).unwrap();
    let kept: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM task_signer_name n JOIN task_signoff s ON s.id = n.signoff_id
             JOIN task t ON t.id = s.task_id WHERE t.event_id = ?1",
            [&market],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 0);
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
    assert!(list.contains("12 steps"), "{list}");

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
    assert!(stdout.contains("(13 steps)"), "{stdout}");

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
