//! Loyalty in the real window: a card's code typed into the scan field (as
//! its QR code's scanner types it) attaches the card to the sale; a refill
//! into the customer's own jar earns its stamps; a later sale redeems a
//! reward as a free line; a mistyped code is refused.

use std::cell::RefCell;
use std::path::Path;

use popup_till_core::loyalty::{self, program};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::{Actor, Store};
use popup_till_e2e::{fixtures, App};

const ENTER: &str = "\u{E007}";
const F2: &str = "\u{E032}";

/// Coffee by the kg, a mug and a tea; a stamp a visit, two per refill into
/// an own container, a free tea for three stamps. Returns a new card.
fn prepare_loyalty(db: &Path) -> String {
    fixtures::harbour_shop(
        db,
        "Olga",
        "Carl",
        &[
            ("COF", "", "Coffee beans", "24.90", "20", "kg"),
            ("MUG", "", "Harbour mug", "12.50", "20", "each"),
            ("TEA", "", "Sea tea", "3.00", "0", "each"),
        ],
    );
    let mut store = Store::open(db).unwrap();
    let organizer: String = store
        .conn()
        .query_row("SELECT id FROM person WHERE role = 'organizer'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let tea: String = store
        .conn()
        .query_row("SELECT id FROM product WHERE sku = 'TEA'", [], |r| r.get(0))
        .unwrap();
    program::save_with_pin(
        &mut store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, fixtures::PIN),
        &program::Program {
            visit_stamps: 1,
            categories: vec![program::CategoryRule::OwnContainer { stamps: 2 }],
            rewards: vec![program::Reward {
                id: "free-tea".into(),
                name: "A free tea".into(),
                cost: 3,
                kind: program::RewardKind::FreeItem,
                product_id: Some(tea),
                amount: None,
            }],
            ..Default::default()
        },
    )
    .unwrap();
    loyalty::new_cards(store.conn(), 1).unwrap().remove(0)
}

#[tokio::test]
async fn a_card_scanned_earns_a_stamp_and_a_later_sale_redeems_a_reward() {
    let card = RefCell::new(String::new());
    let app = App::launch_prepared(|db| *card.borrow_mut() = prepare_loyalty(db)).await;
    let card = card.into_inner();
    app.choose_person("Carl").await;
    app.find("#event-list").await;
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("50{ENTER}")).await;

    // A code with one character mistyped is refused as a typo.
    let mut typo: Vec<char> = card.chars().collect();
    typo[2] = if typo[2] == '5' { '6' } else { '5' };
    let typo: String = typo.into_iter().collect();
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{typo}{ENTER}")).await.unwrap();
    app.wait_for_text("#till-message", "typo").await;

    // The card, as its QR code's scanner types it.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{card}{ENTER}")).await.unwrap();
    app.wait_for_text("#till-card", "0 stamps").await;

    // Coffee into the customer's own jar: a visit stamp and two for reuse.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("COF{ENTER}")).await.unwrap();
    app.find("#weight-dialog").await;
    app.click("#weight-container option[value='own']").await;
    app.type_into("#weight-tare", "240").await;
    app.type_into("#weight-gross", &format!("612{ENTER}")).await;
    app.wait_gone("#weight-dialog").await;
    app.wait_for_text("#till-total", "9.26").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F2).await.unwrap();
    app.wait_for_text("#till-card-stamps", "+3 stamps · balance 3")
        .await;
    // Seen at 1280x720 without scrolling: the stamps line is above the fold.
    let bottom = app
        .client
        .execute(
            "const r = document.getElementById('till-card-stamps').getBoundingClientRect();
             return [r.bottom, window.innerHeight, document.scrollingElement.scrollTop];",
            vec![],
        )
        .await
        .unwrap();
    let (bottom, height) = (bottom[0].as_f64().unwrap(), bottom[1].as_f64().unwrap());
    assert!(
        bottom <= height,
        "the stamps line ends at {bottom}px, below the window's {height}px"
    );
    app.screenshot("loyalty-stamps-earned").await;

    // A later sale: the card again, a mug, and the free tea as a line.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{card}{ENTER}")).await.unwrap();
    app.wait_for_text("#till-card", "3 stamps").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("MUG{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "12.50").await;
    app.click("#reward-free-tea").await;
    app.wait_for_text("#till-cart-lines", "Sea tea").await;
    app.wait_for_text("#till-cart-lines", "reward").await;
    app.wait_for_text("#till-card-balance", "0 stamps (3 − 3)")
        .await;
    // The tea is free: the total stays the mug's.
    app.wait_for_text("#till-total", "12.50").await;
    app.screenshot("loyalty-reward-line").await;
    app.assert_accessible("till with a loyalty card").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F2).await.unwrap();
    app.wait_for_text("#till-card-stamps", "3 spent · balance 0")
        .await;
    let db = app.db_path();
    let out = App::cli(&db, &["card", &card, "--json"]);
    assert!(out.status.success());
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["balance"], 0);
    App::assert_journal_holds(&db);
    app.close().await;
}

#[tokio::test]
async fn the_organizer_adds_a_reward_and_prints_a_sheet_of_cards() {
    let app = App::launch_prepared(|db| {
        prepare_loyalty(db);
    })
    .await;
    app.choose_person("Olga").await;
    app.find("#event-list").await;
    app.click_settled("#nav-settings").await;
    app.find("#loyalty-form").await;
    app.wait_for_text("#loyalty-rewards", "A free tea").await;
    // A discount reward: 2.50 off a line for 5 stamps.
    app.type_into("#loyalty-reward-name", "Two fifty off").await;
    app.type_into("#loyalty-reward-cost", "5").await;
    app.click("#loyalty-reward-kind option[value='discount']")
        .await;
    app.type_into("#loyalty-reward-amount", "2.50").await;
    app.click("#loyalty-reward-add").await;
    app.wait_for_text(
        "#loyalty-rewards",
        "Two fifty off · 5 stamps · 2.50 off a line",
    )
    .await;
    app.click("#loyalty-save").await;
    app.wait_for_text("body", "Loyalty programme saved").await;
    // A sheet of three new cards, each with its QR code.
    app.type_into("#cards-count", "3").await;
    app.click("#cards-make").await;
    app.find("#card-sheet .loyalty-card svg path").await;
    let sheet = app.text("#card-sheet").await;
    assert_eq!(sheet.matches("Show this card").count(), 3, "{sheet}");
    app.screenshot("loyalty-settings-sheet").await;
    let db = app.db_path();
    let programme: serde_json::Value = {
        let store = Store::open(&db).unwrap();
        serde_json::to_value(program::load(store.conn()).unwrap()).unwrap()
    };
    assert_eq!(programme["rewards"][1]["amount"], "2.5");
    app.close().await;
}

#[tokio::test]
async fn a_card_is_linked_to_an_attendee_only_with_their_consent_from_their_page() {
    use popup_till_core::attendees::{register, SignUpInput};
    use popup_till_core::shop::events;
    let card = RefCell::new(String::new());
    let app = App::launch_prepared(|db| {
        *card.borrow_mut() = prepare_loyalty(db);
        let mut store = Store::open(db).unwrap();
        let event = events::current(store.conn()).unwrap().unwrap();
        store
            .write(&Actor::system("test"), |tx| {
                register::sign_up(
                    tx,
                    &event.id,
                    &SignUpInput {
                        name: "Ada Byron".into(),
                        ..SignUpInput::default()
                    },
                )
            })
            .unwrap();
    })
    .await;
    let card = card.into_inner();
    let db = app.db_path();
    let card_json = |db: &Path| -> serde_json::Value {
        let out = App::cli(db, &["card", &card, "--json"]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains("Ada"),
            "the command line names no one: {text}"
        );
        serde_json::from_str(&text).unwrap()
    };
    let id = card_json(&db)["card"].as_str().unwrap().to_string();
    app.choose_person("Carl").await;
    app.find("#event-list").await;
    app.click_settled("#nav-attendees").await;
    app.click_settled("#attendees-tab-contacts").await;
    app.type_into("#contact-search", "byron").await;
    app.wait_for_text("#contacts-table", "Ada Byron").await;
    app.click_settled("#contacts-table tr[data-contact-id] td")
        .await;
    app.wait_for_text("#contact-card", "No card linked").await;

    // Scanned into the field, without the box ticked: refused, saying why.
    let code = app.find("#link-card-code").await;
    code.send_keys(&format!("{card}{ENTER}")).await.unwrap();
    app.wait_for_text("#link-card-form", "has not agreed").await;
    assert_eq!(card_json(&db)["linked"], false);
    // The words read out, the box ticked: linked.
    app.wait_for_text("#card-wording", "linked to your name")
        .await;
    app.click("#link-card-consent").await;
    app.click("#link-card-submit").await;
    app.wait_for_text("#linked-cards", &id).await;
    app.wait_for_text("#card-consent-given", "agreed").await;
    app.screenshot("loyalty-card-linked").await;
    app.assert_accessible("a contact's page with a linked card")
        .await;
    // The card's page on the command line: linked, and to no one it names.
    let view = card_json(&db);
    assert_eq!(view["linked"], true);
    assert!(view["holder"].is_null());

    // At the till, the cashier sees only that it is linked.
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("50{ENTER}")).await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{card}{ENTER}")).await.unwrap();
    app.wait_for_text("#till-card-linked", "linked").await;
    let shown = app.text("#till-card").await;
    assert!(!shown.contains("Ada"), "{shown}");

    // She changes her mind: withdrawing the consent unlinks the card.
    app.click_settled("#nav-attendees").await;
    app.click_settled("#attendees-tab-contacts").await;
    app.type_into("#contact-search", "byron").await;
    app.wait_for_text("#contacts-table", "Ada Byron").await;
    app.click_settled("#contacts-table tr[data-contact-id] td")
        .await;
    app.wait_for_text("#linked-cards", &id).await;
    app.click("#withdraw-card-consent").await;
    app.wait_for_text("#no-linked-card", "No card linked").await;
    assert_eq!(card_json(&db)["linked"], false);
    App::assert_journal_holds(&db);
    app.close().await;
}

#[tokio::test]
async fn an_organizer_edits_and_removes_a_moment_on_the_reports_screen() {
    let app = App::launch_prepared(|db| {
        prepare_loyalty(db);
    })
    .await;
    app.choose_person("Carl").await;
    app.find("#event-list").await;
    app.click_settled("#nav-reports").await;
    app.type_into("#moment-name", "Capsule drop").await;
    app.type_into("#moment-from", "15:00").await;
    app.type_into("#moment-to", "15:30").await;
    app.click("#moment-add").await;
    app.wait_for_text("#moment-list", "Capsule drop · 15:00–15:30")
        .await;
    app.wait_for_text("#report-moments", "Capsule drop").await;

    // A cashier changes it with the organizer's PIN.
    app.click("#moment-list .moment-edit").await;
    app.type_into("#moment-edit-name", "Workshop").await;
    app.type_into("#moment-edit-from", "16:00").await;
    app.type_into("#moment-edit-to", "17:00").await;
    app.click("#moment-edit-ok").await;
    app.find("#pin-input").await;
    app.enter_pin(fixtures::PIN).await;
    app.wait_gone("#moment-edit").await;
    app.wait_for_text("#moment-list", "Workshop · 16:00–17:00")
        .await;
    app.wait_for_text("#report-moments", "Workshop").await;
    app.screenshot("moments-edited").await;
    app.assert_accessible("the report with its moments").await;

    // Removed: it drops out of the report.
    app.click("#moment-list .moment-remove").await;
    app.click("#moment-remove-dialog-ok").await;
    app.find("#pin-input").await;
    app.enter_pin(fixtures::PIN).await;
    app.wait_gone("#moment-list").await;
    app.wait_gone("#report-moments").await;
    let db = app.db_path();
    {
        use popup_till_core::reporting::{report, scope::Scope};
        let store = Store::open(&db).unwrap();
        let event = popup_till_core::shop::events::current(store.conn())
            .unwrap()
            .unwrap();
        let r = report::report(store.conn(), &Scope::Event(event.id), false).unwrap();
        assert!(r.moments.is_empty(), "{:?}", r.moments);
        let kept: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM moment WHERE name = 'Workshop' AND removed_at IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, 1, "the removed moment is kept, marked");
    }
    App::assert_journal_holds(&db);
    app.close().await;
}
