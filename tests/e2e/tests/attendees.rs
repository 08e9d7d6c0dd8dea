//! Attendees and consent in the real window: a customer agrees to news at
//! the till after their sale in two taps (email, then the address and
//! confirm), the receipt carries the withdrawal code, and the consent is
//! withdrawn from the contact's page found by that code (then the contact
//! is erased with an organizer's PIN); someone signed up is checked in at
//! the door, and a walk-in too, each counting a visitor.

use std::path::Path;

use popup_till_core::attendees::consent;
use popup_till_core::attendees::register::{self, SignUpInput};
use popup_till_core::attendees::{contacts, Channel};
use popup_till_core::reporting::visitors;
use popup_till_core::shop::events;
use popup_till_core::shop::people::{self, ApprovalRequest};
use popup_till_core::{Actor, Store};
use popup_till_e2e::{fixtures, App};

const ENTER: &str = "\u{E007}";
const F2: &str = "\u{E032}";
const ESC: &str = "\u{E00C}";

const WORDING: &str =
    "Yes, Harbour Stall may send me news of its next markets, about once a month. I can stop at any time.";

/// The harbour shop with its consent wording written by the organizer.
fn prepare(db: &Path) {
    fixtures::harbour_shop(
        db,
        "Olga",
        "Carl",
        &[(
            "MUG",
            "4006381333931",
            "Stoneware mug",
            "12.50",
            "20",
            "each",
        )],
    );
    let mut store = Store::open(db).unwrap();
    let olga = people::list(store.conn())
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Olga")
        .unwrap();
    consent::write_wording_with_pin(
        &mut store,
        &Actor::person(&olga.id),
        &ApprovalRequest::new(&olga.id, fixtures::PIN),
        WORDING,
    )
    .unwrap();
}

#[tokio::test]
async fn consent_given_at_the_till_in_two_taps_is_withdrawn_from_the_contacts_page() {
    let app = App::launch_prepared(prepare).await;
    app.choose_person("Carl").await;
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("50{ENTER}")).await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("4006381333931{ENTER}"))
        .await
        .unwrap();
    app.wait_for_text("#till-total", "12.50").await;
    app.find("#till-scan").await.send_keys(F2).await.unwrap();
    app.wait_for_text("#till-message", "Sale complete").await;
    // The sale is done before anything is asked; the scan field keeps the focus.
    let focused = app
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, serde_json::json!("till-scan"));
    app.find("#consent-offer").await;

    // Skippable: the offer's dialog closes with Esc and records nothing.
    app.click("#consent-offer-sms").await;
    app.find("#till-consent-wording").await;
    app.find("#till-consent-address")
        .await
        .send_keys(ESC)
        .await
        .unwrap();
    app.wait_gone("#till-consent").await;

    // Tap one: email. The dialog shows the exact wording, nothing ticked.
    app.click("#consent-offer-email").await;
    let wording = app
        .wait_for_text("#till-consent-wording", "Harbour Stall")
        .await;
    assert_eq!(wording, WORDING);
    app.screenshot("attendees-till-consent").await;
    app.assert_accessible("the till's consent dialog").await;
    // Tap two: the address typed, confirmed.
    app.type_into("#till-consent-address", "ada.lovelace@example.org")
        .await;
    app.click("#till-consent-ok").await;
    let status = app.wait_for_text("#consent-status", "agreed").await;
    let code = status
        .rsplit("receipt code ")
        .next()
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(code.len(), 9, "{status}");
    app.screenshot("attendees-till-consent-given").await;

    // The receipt of that sale carries the code.
    app.click("#till-show-receipt").await;
    app.wait_for_text("#receipt-withdrawal-code", &code).await;
    app.screenshot("attendees-receipt-code").await;
    app.click("#receipt-dialog-cancel").await;
    app.wait_gone("#receipt-dialog").await;

    // The customer quotes the code: the contact's page, one Withdraw.
    app.click_settled("#nav-attendees").await;
    app.click_settled("#attendees-tab-contacts").await;
    app.type_into("#contact-code", &format!("{}{ENTER}", code.to_lowercase()))
        .await;
    let news = app.wait_for_text("#channel-email", "agreed").await;
    assert!(news.contains("ada.lovelace@example.org"), "{news}");
    app.wait_for_text("#consent-history", "version 1").await;
    app.screenshot("attendees-contact-page").await;
    app.assert_accessible("a contact's page").await;
    app.click("#withdraw-email").await;
    app.wait_for_text("#channel-email", "withdrawn").await;
    let history = app
        .wait_for_text("#consent-history", "with the code on the receipt")
        .await;
    assert!(history.contains("Carl"), "who recorded it: {history}");
    app.screenshot("attendees-contact-withdrawn").await;

    // Erasure needs an organizer: Carl is asked for Olga's PIN.
    app.click("#contact-erase").await;
    app.find("#erase-dialog").await;
    app.assert_accessible("the erase dialog").await;
    app.click("#erase-dialog-ok").await;
    app.find("#pin-input").await;
    app.enter_pin(fixtures::PIN).await;
    app.wait_for_text("#contact-erased", "erased").await;
    app.screenshot("attendees-contact-erased").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let store = Store::open(&db).unwrap();
    let conn = store.conn();
    let how: String = conn
        .query_row("SELECT how FROM consent_withdrawal", [], |r| r.get(0))
        .unwrap();
    assert_eq!(how, "receipt_code");
    let (channel, via, recorded_by): (String, String, String) = conn
        .query_row(
            "SELECT k.channel, k.how, p.name FROM consent k JOIN person p ON p.id = k.actor_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (channel.as_str(), via.as_str(), recorded_by.as_str()),
        ("email", "till", "Carl")
    );
    assert!(consent::is_suppressed(conn, Channel::Email, "ADA.lovelace@example.org").unwrap());
    assert_eq!(
        contacts::list(conn, "").unwrap().len(),
        0,
        "the erased contact is gone from the list"
    );
}

#[tokio::test]
async fn someone_signed_up_is_checked_in_at_the_door_and_a_walk_in_too() {
    let app = App::launch_prepared(|db| {
        prepare(db);
        let mut store = Store::open(db).unwrap();
        let event = events::current(store.conn()).unwrap().unwrap();
        store
            .write(&Actor::system("test"), |tx| {
                register::sign_up(
                    tx,
                    &event.id,
                    &SignUpInput {
                        name: "Kit Marlowe".into(),
                        ..SignUpInput::default()
                    },
                )
            })
            .unwrap();
    })
    .await;
    app.choose_person("Carl").await;
    app.click_settled("#nav-attendees").await;
    app.wait_for_text("#attendee-list", "Kit Marlowe").await;
    app.wait_for_text("#attendee-counts", "0 checked in").await;
    app.click("#attendee-list tr[data-attendee-id] .check-in")
        .await;
    app.wait_for_text("#attendee-list", "checked in").await;
    app.wait_for_text("#attendee-counts", "1 checked in").await;

    // A walk-in at the door who wants news by SMS: the box is not ticked
    // until they say yes, and a number without it is refused.
    app.type_into("#attendee-name", "Sam").await;
    app.type_into("#attendee-phone", "07700 900123").await;
    app.click("#attendee-walk-in").await;
    app.wait_for_text(
        "#attendee-form [data-field=phone] .field-error",
        "tick the box",
    )
    .await;
    app.click("#attendee-sms-consent").await;
    app.click("#attendee-walk-in").await;
    app.wait_for_text("#attendee-counts", "2 checked in").await;
    let list = app.wait_for_text("#attendee-list", "Sam").await;
    assert!(list.contains("walk-in") && list.contains("SMS"), "{list}");
    app.screenshot("attendees-door").await;
    app.assert_accessible("the attendee list").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let store = Store::open(&db).unwrap();
    let event = events::current(store.conn()).unwrap().unwrap();
    assert_eq!(visitors::visitors(store.conn(), &event.id).unwrap(), 2);
    let list = register::list(store.conn(), &event.id).unwrap();
    assert_eq!((list.signed_up, list.checked_in), (1, 2));
    let check_ins: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'attendee.checked_in'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(check_ins, 2);
}

#[tokio::test]
async fn an_organizer_writes_a_new_wording_exports_a_mailing_and_answers_an_access_request() {
    let app = App::launch_prepared(|db| {
        prepare(db);
        let mut store = Store::open(db).unwrap();
        let event = events::current(store.conn()).unwrap().unwrap();
        store
            .write(&Actor::system("test"), |tx| {
                register::sign_up(
                    tx,
                    &event.id,
                    &SignUpInput {
                        name: "Ada Byron".into(),
                        email: "ada.byron@example.org".into(),
                        email_consent: true,
                        ..SignUpInput::default()
                    },
                )
            })
            .unwrap();
    })
    .await;
    let folder = app.data_home.path().to_str().unwrap().to_string();
    app.choose_person("Olga").await;
    app.click_settled("#nav-attendees").await;

    // Sign-ups from the form's spreadsheet: previewed, then imported. Ada
    // is already on the list; Bo said no to email, so it is left out.
    let file = app.data_home.path().join("sign-ups.csv");
    std::fs::write(
        &file,
        "Name;Email;News by email\nAda Byron;ada.byron@example.org;yes\nBo;bo@example.org;no\nCy;;\n",
    )
    .unwrap();
    app.click_settled("#attendee-import").await;
    app.find("#attendee-import-file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    app.wait_for_text("#attendee-import-notes", "no consent to news by email")
        .await;
    assert_eq!(app.text("[data-count=new_contacts] strong").await, "2");
    assert_eq!(app.text("[data-count=already_listed] strong").await, "1");
    app.screenshot("attendees-import").await;
    app.assert_accessible("the sign-up import").await;
    app.click("#attendee-import-confirm").await;
    app.wait_for_text("#attendee-import-done", "Imported").await;
    app.click("#attendee-import-back").await;
    app.wait_for_text("#attendee-counts", "3 signed up").await;

    app.click_settled("#attendees-tab-privacy").await;
    app.wait_for_text("#wording-versions", "Version 1").await;
    app.type_into(
        "#wording-text",
        "Yes, Harbour Stall may send me news of its markets and workshops, at most twice a month.",
    )
    .await;
    app.click("#wording-save").await;
    app.wait_for_text("#wording-versions", "Version 2").await;

    app.type_into("#mailing-folder", &folder).await;
    app.click("#mailing-export").await;
    let done = app
        .wait_for_text("#mailing-done", "Exported 1 contact")
        .await;
    app.screenshot("attendees-privacy").await;
    app.assert_accessible("consent and privacy").await;
    let path = done.rsplit(" to ").next().unwrap().trim().to_string();
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(
        csv.contains("ada.byron@example.org") && csv.contains(",1,sign_up,"),
        "{csv}"
    );

    // Her data as one file, from her page.
    app.click_settled("#attendees-tab-contacts").await;
    app.find("#contacts-table").await;
    app.assert_accessible("the contacts").await;
    app.type_into("#contact-search", "byron").await;
    app.wait_for_text("#contacts-table", "Ada Byron").await;
    app.click_settled("#contacts-table tr[data-contact-id] td")
        .await;
    app.wait_for_text("#channel-email", "agreed").await;
    app.type_into("#contact-data-folder", &folder).await;
    app.click("#contact-data-save").await;
    let written = app.wait_for_text("#contact-data-done", ".json").await;
    let file = written.trim_start_matches("Written: ").trim().to_string();
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(data["contact"]["name"], "Ada Byron");
    assert_eq!(data["consents"][0]["wording_version"], 1);

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let store = Store::open(&db).unwrap();
    let exported: String = store
        .conn()
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'consent.exported'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        exported.contains("\"count\":1") && !exported.contains('@'),
        "{exported}"
    );
}
