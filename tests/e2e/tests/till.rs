//! The till in the real window, by keyboard: open with a counted float, sell
//! three items for cash with change (one scanned, one searched with a
//! quantity, one from a quick key), take a split payment, void nothing,
//! close with a blind count and read the Z report's totals; the close shows
//! nothing of the expected cash before the count is in.
//! A sale is charged once, however fast F2 or "Cash exact" is pressed.

use std::path::Path;

use popup_till_e2e::{fixtures, App};

const ENTER: &str = "\u{E007}";
const F2: &str = "\u{E032}";
const F3: &str = "\u{E033}";
const F4: &str = "\u{E034}";
const F6: &str = "\u{E036}";
const F7: &str = "\u{E037}";
const F9: &str = "\u{E039}";
const ESC: &str = "\u{E00C}";

/// A shop with a cashier, three products and a coffee sold by weight, and an
/// open event.
fn prepare_shop(db: &Path) {
    fixtures::harbour_shop(
        db,
        "Olga",
        "Carl",
        &[
            (
                "MUG",
                "4006381333931",
                "Stoneware mug",
                "12.50",
                "20",
                "each",
            ),
            ("JAM", "", "Plum jam", "3.30", "20", "each"),
            ("TEA", "", "Herbal tea", "4.00", "20", "each"),
            ("COF", "", "Coffee beans", "24.90", "20", "kg"),
        ],
    );
}

#[tokio::test]
async fn a_cashier_sells_by_keyboard_and_the_z_report_adds_up() {
    let app = App::launch_prepared(prepare_shop).await;
    app.choose_person("Carl").await;
    app.find("#event-list").await;
    app.click_settled("#nav-till").await;

    // Open with a counted float; the Enter key submits.
    app.type_into("#till-float", &format!("100{ENTER}")).await;
    let scan = app.find("#till-scan").await;
    app.find("#till-cart").await;

    // Sale 1: a scanned mug, "2*jam" searched by name, tea from a quick key.
    scan.send_keys(&format!("4006381333931{ENTER}"))
        .await
        .unwrap();
    app.wait_for_text("#till-total", "12.50").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("2*plum{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "19.10").await;
    // quick keys come in name order before anything sold: Herbal tea second
    app.click("#till-quick button[data-product-id]:nth-child(2)")
        .await;
    app.wait_for_text("#till-total", "23.10").await;
    let lines = app.text("#till-cart-lines").await;
    assert!(
        lines.contains("Stoneware mug")
            && lines.contains("Plum jam")
            && lines.contains("Herbal tea"),
        "{lines}"
    );
    app.screenshot("till-cart").await;

    // F3: cash with the tendered amount; the change is shown large.
    let scan = app.find("#till-scan").await;
    scan.send_keys(F3).await.unwrap();
    app.wait_for_text("#cash-due", "23.10").await;
    app.type_into("#cash-tendered", &format!("20{ENTER}")).await;
    app.wait_for_text(
        "#cash-dialog [data-field=tendered] .field-error",
        "less than",
    )
    .await;
    app.type_into("#cash-tendered", &format!("50{ENTER}")).await;
    app.wait_for_text("#till-change", "26.90").await;
    app.wait_for_text("#till-message", "T1-000001").await;
    app.screenshot("till-change").await;

    // Sale 2: a scanned mug paid by card 5.00 and cash, via F6 split.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("4006381333931{ENTER}"))
        .await
        .unwrap();
    app.wait_for_text("#till-total", "12.50").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F6).await.unwrap();
    app.type_into("#split-card", "5.00").await;
    app.type_into("#split-tendered", &format!("10{ENTER}"))
        .await;
    app.wait_for_text("#till-change", "2.50").await;
    app.wait_for_text("#till-recent", "T1-000002").await;

    // Sale 3 (not counted below): F2 pays exact cash, then it is voided
    // with a reason and the organizer's PIN.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("TEA{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "4.00").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F2).await.unwrap();
    app.wait_for_text("#till-change", "0.00").await;
    app.wait_for_text("#till-recent", "T1-000003").await;
    app.click("#till-recent tr:first-child .void-sale").await;
    app.type_into("#void-reason", &format!("rang up by mistake{ENTER}"))
        .await;
    app.enter_pin("246810").await;
    app.wait_for_text("#till-recent tr:first-child", "voided")
        .await;

    // The receipt of sale 1 shows lines, tax and change.
    app.click("#till-recent tr:last-child .show-receipt").await;
    let receipt = app.wait_for_text("#receipt", "T1-000001").await;
    assert!(
        receipt.contains("Harbour Stall") && receipt.contains("Harbour Market"),
        "{receipt}"
    );
    assert!(
        receipt.contains("Tax 20%") && receipt.contains("26.90"),
        "{receipt}"
    );
    // Its check code: 8 hexadecimal characters, checked against the file below.
    let check_code = app.text("#receipt-check-code strong").await;
    assert!(
        check_code.len() == 8 && check_code.chars().all(|c| c.is_ascii_hexdigit()),
        "{check_code:?}"
    );
    app.screenshot("till-receipt").await;
    app.click("#receipt-dialog-cancel").await;

    // Close with a blind count: float 100 + cash 50 + 10 + 4 − change 26.90
    // − 2.50 − 4.00 refunded by the void = 130.60.
    app.click("#till-close").await;
    app.type_into("#close-counted", &format!("130.60{ENTER}"))
        .await;
    app.wait_for_text("#z-report", "Z report no. 1").await;
    assert_eq!(app.text("#z-total td").await, "35.60");
    assert_eq!(app.text("#z-method-cash td").await, "30.60");
    assert_eq!(app.text("#z-method-card td").await, "5.00");
    assert_eq!(app.text("#z-expected td").await, "130.60");
    assert_eq!(app.text("#z-variance td").await, "0.00");
    assert_eq!(
        app.text("#z-sales-count td").await,
        "2",
        "the voided sale is not counted"
    );
    assert_eq!(app.text("#z-voids td").await, "1 (4.00)");
    // The journal's head, frozen with the Z.
    app.wait_for_text("#z-journal-head", "Journal head: entry")
        .await;
    let head = app.text("#z-journal-head code").await;
    app.screenshot("till-z-report").await;
    app.click("#z-dialog-cancel").await;
    app.wait_for_text("#z-list", "Z 1").await;
    app.screenshot("till-closed").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    // What the screen showed names entries of the journal: the receipt's
    // check code starts its sale's entry hash, and the Z's head is in the chain.
    let store = popup_till_core::Store::open(&db).unwrap();
    let sale_hash: String = store
        .conn()
        .query_row(
            "SELECT a.hash FROM audit_log a JOIN sale s ON s.id = a.entity_id
             WHERE a.action = 'sale.completed' AND s.receipt_number = 'T1-000001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(check_code, sale_hash[..8]);
    let anchored = popup_till_core::db::journal::verify_anchor(store.conn(), &head).unwrap();
    assert!(anchored.holds(), "{anchored:?}");
}

/// A paid out of more than the drawer holds is refused without saying what
/// it holds; a drop over the shop's limit asks for an organizer's PIN,
/// because the core answers that it needs one.
#[tokio::test]
async fn cash_out_of_the_drawer_is_held_to_the_drawer_and_the_limits() {
    let app = till_opened_by_carl("250").await;
    app.click("#till-paid-out").await;
    app.type_into("#cash-move-amount", "5000").await;
    app.type_into("#cash-move-reason", &format!("a new tent{ENTER}"))
        .await;
    let page = app
        .wait_for_text("#cash-move-dialog", "more than the drawer can hold")
        .await;
    assert!(!page.contains("250"), "the drawer's figure shows: {page}");
    app.screenshot("till-paid-out-refused").await;
    app.click("#cash-move-dialog-cancel").await;
    app.wait_gone("#cash-move-dialog").await;

    app.click("#till-drop").await;
    app.type_into("#cash-move-amount", "200.01").await;
    app.type_into("#cash-move-reason", &format!("notes to the safe{ENTER}"))
        .await;
    app.find("#pin-input").await;
    app.enter_pin("246810").await;
    app.wait_gone("#cash-move-dialog").await;

    let data = app.close().await;
    App::assert_journal_holds(&App::db_path_in(data.path()));
}

/// The close is blind: nothing on the page tells the cashier what the
/// drawer should hold before the count is recorded. The Z report then shows
/// the expected cash and the variance, and asks why they differ.
#[tokio::test]
async fn the_close_is_blind_and_the_z_report_asks_for_a_reason_after_the_count() {
    let app = till_opened_by_carl("200").await;
    // One mug paid exact in cash: the drawer should hold 212.50.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("MUG{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "12.50").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F2).await.unwrap();
    app.wait_for_text("#till-message", "T1-000001").await;

    app.click("#till-close").await;
    app.find("#close-counted").await;
    let hidden = |page: &str| {
        for secret in [
            "212.50",
            "Expected",
            "expected cash",
            "Variance",
            "variance",
            "differ",
        ] {
            assert!(
                !page.contains(secret),
                "{secret:?} shows before the count: {page}"
            );
        }
    };
    hidden(&app.text("body").await);
    // A count the till cannot read is refused without a hint either.
    app.type_into("#close-counted", &format!("abc{ENTER}"))
        .await;
    app.wait_for_text("#close-dialog .field-error", "not a number")
        .await;
    hidden(&app.text("body").await);
    let counted = app.find("#close-counted").await;
    counted.clear().await.unwrap();
    counted.send_keys("212").await.unwrap();
    hidden(&app.text("body").await);
    app.screenshot("till-blind-close").await;
    counted.send_keys(ENTER).await.unwrap();

    // The count is in: the Z shows what was expected and the difference,
    // and asks for the reason.
    app.wait_for_text("#z-report", "Z report no. 1").await;
    assert_eq!(app.text("#z-expected td").await, "212.50");
    assert_eq!(app.text("#z-counted td").await, "212.00");
    assert_eq!(app.text("#z-variance td").await, "-0.50");
    app.wait_for_text("#z-reason-ask", "say why").await;
    app.screenshot("till-z-report-reason").await;
    app.type_into("#z-reason", &format!("a coin rolled away{ENTER}"))
        .await;
    app.wait_for_text("#z-reason-given", "a coin rolled away")
        .await;
    app.wait_gone("#z-reason-ask").await;

    // A recount needs the organizer's PIN; both counts show, the latest stands.
    app.click("#z-recount").await;
    app.enter_pin("246810").await;
    app.type_into("#recount-counted", &format!("212.50{ENTER}"))
        .await;
    app.wait_for_text("#z-count-2", "212.50").await;
    let first = app.text("#z-count-1").await;
    assert!(
        first.contains("212.00") && first.contains("a coin rolled away"),
        "the first count keeps its reason: {first}"
    );
    assert_eq!(app.text("#z-counted td").await, "212.50");
    assert_eq!(app.text("#z-variance td").await, "0.00");
    assert!(app.text("#z-report").await.contains("Z report no. 1"));
    app.screenshot("till-z-report-recount").await;
    app.click("#z-dialog-cancel").await;
    app.wait_for_text("#z-list", "Z 1").await;

    let data = app.close().await;
    App::assert_journal_holds(&App::db_path_in(data.path()));
}

#[tokio::test]
async fn practice_mode_shows_a_banner_and_a_separate_series_and_the_float_is_counted_by_coins() {
    let app = App::launch_prepared(prepare_shop).await;
    app.choose_person("Carl").await;
    app.find("#event-list").await;
    app.click_settled("#nav-till").await;
    // The float counted by coins and notes: 2 × 20 + 10 × 0.50 = 45.00.
    app.click("#float-denominations summary").await;
    app.type_into("#float-denominations input[data-face='20']", "2")
        .await;
    app.type_into("#float-denominations input[data-face='0.50']", "10")
        .await;
    app.click("#till-practice").await;
    app.click("#till-open").await;
    app.wait_for_text("#practice-banner", "PRACTICE").await;
    app.wait_for_text(".till-head", "float 45.00").await;
    // The same mug scanned twice is one line of two.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("MUG{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "12.50").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("4006381333931{ENTER}"))
        .await
        .unwrap();
    app.wait_for_text("#till-total", "25.00").await;
    assert_eq!(app.text("#till-cart-lines .line-qty").await, "2");
    // F3 with the coin and note buttons: 20 + 5 + 0.50, added up by the core.
    let scan = app.find("#till-scan").await;
    scan.send_keys(F3).await.unwrap();
    app.wait_for_text("#cash-due", "25.00").await;
    for face in ["20", "5", "0.50"] {
        app.click(&format!("#cash-faces button[data-face='{face}']"))
            .await;
    }
    app.wait_for_value("#cash-tendered", "25.50").await;
    app.screenshot("till-cash-faces").await;
    app.find("#cash-tendered")
        .await
        .send_keys(ENTER)
        .await
        .unwrap();
    app.wait_for_text("#till-change", "0.50").await;
    app.wait_for_text("#till-message", "T1-P-000001").await;
    app.screenshot("till-practice").await;
    app.close().await;
}

#[tokio::test]
async fn a_weighed_refill_a_discount_approved_by_pin_and_a_parked_cart() {
    let app = till_opened_by_carl("0").await;

    // A weight with too many decimals is refused and the cart stays empty.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("COF{ENTER}")).await.unwrap();
    app.type_into("#weight-input", &format!("0.2505{ENTER}"))
        .await;
    app.wait_for_text("#till-message", "too many decimals")
        .await;
    assert!(app.text("#till-cart-lines").await.contains("Cart is empty"));

    // 0.250 kg × 24.90 = 6.225 -> 6.23
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("COF{ENTER}")).await.unwrap();
    app.type_into("#weight-input", &format!("0.250{ENTER}"))
        .await;
    app.wait_for_text("#till-total", "6.23").await;

    // F7 edits the last line: half off needs an organizer's PIN.
    let scan = app.find("#till-scan").await;
    scan.send_keys(F7).await.unwrap();
    app.type_into("#line-discount", &format!("50{ENTER}")).await;
    app.wait_for_text("#till-total", "3.11").await;
    app.wait_for_text("#till-totals", "Needs an organizer PIN")
        .await;
    app.screenshot("till-weighed-discount").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F2).await.unwrap();
    app.enter_pin("000000").await;
    app.wait_for_text("#till-message", "wrong PIN").await;
    assert!(app.text("#till-recent").await.contains("None yet"));
    let scan = app.find("#till-scan").await;
    scan.send_keys(F2).await.unwrap();
    app.enter_pin("246810").await;
    app.wait_for_text("#till-message", "T1-000001").await;

    // Park a cart, resume it, pay by card with the last four digits.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("TEA{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "4.00").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F9).await.unwrap();
    app.type_into("#park-label", &format!("blue coat{ENTER}"))
        .await;
    app.wait_for_text("#till-parked", "blue coat").await;
    assert!(app.text("#till-cart-lines").await.contains("Cart is empty"));
    app.click_settled("#till-parked .resume").await;
    app.wait_for_text("#till-total", "4.00").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F4).await.unwrap();
    app.type_into("#card-last-four", &format!("4242{ENTER}"))
        .await;
    app.wait_for_text("#till-message", "T1-000002").await;
    app.wait_gone("#till-parked").await;
    app.click_settled("#till-recent tr:first-child .show-receipt")
        .await;
    let receipt = app.wait_for_text("#receipt", "T1-000002").await;
    assert!(receipt.contains("4242"), "{receipt}");
    // Esc closes the dialog and the scan field has the focus again.
    let ok = app.find("#receipt-dialog-cancel").await;
    ok.send_keys(ESC).await.unwrap();
    app.wait_gone("#receipt-dialog").await;
    app.close().await;
}

#[tokio::test]
async fn a_sale_is_charged_once_however_fast_it_is_paid() {
    let app = till_opened_by_carl("0").await;

    // F2 twice in the same instant, before the first answer: one sale.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("TEA{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "4.00").await;
    app.client
        .execute(
            "const press = () => document.activeElement.dispatchEvent(
                 new KeyboardEvent('keydown', { key: 'F2', bubbles: true, cancelable: true }));
             press();
             press();",
            vec![],
        )
        .await
        .unwrap();
    app.wait_for_text("#till-message", "T1-000001").await;

    // The same through WebDriver: two F2 in one burst of keys.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("TEA{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "4.00").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{F2}{F2}")).await.unwrap();
    // (the message may say the cart is empty, if the second press came
    // after the first sale cleared it: the list of sales is the proof)
    app.wait_for_text("#till-recent", "T1-000002").await;

    // A double click on "Cash exact": the button is disabled by the first.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("TEA{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "4.00").await;
    let disabled = app
        .client
        .execute(
            "const b = document.getElementById('pay-cash-exact');
             b.click();
             const disabled = b.disabled;
             b.click();
             return disabled;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(disabled, serde_json::json!(true));
    app.wait_for_text("#till-message", "T1-000003").await;
    app.wait_for_text("#till-recent", "T1-000003").await;
    let recent = app.text("#till-recent").await;
    assert!(!recent.contains("T1-000004"), "{recent}");

    // The core on its own, the page's guard left aside: one cart completed
    // twice at once through the command answers twice with the same sale.
    let answers = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const invoke = window.__TAURI__.core.invoke;
             (async () => {
               const mug = await invoke('till_scan', { code: '4006381333931' });
               const empty = { cart_id: null, lines: [], sale_discount: null, handover_contact: null };
               const added = await invoke('cart_add', { cart: empty, addition: { product_id: mug.id, quantity: '' } });
               const pay = () => invoke('complete_sale', {
                 cart: added.cart, payments: [{ method: 'cash' }], approval: { organizer_id: null, pin: null } });
               const [a, b] = await Promise.all([pay(), pay()]);
               return [a.receipt_number, b.receipt_number, a.sale_id === b.sale_id, added.cart.cart_id];
             })().then(done, (err) => done({ error: String(err && err.message || err) }));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(answers[0], serde_json::json!("T1-000004"), "{answers}");
    assert_eq!(answers[1], answers[0], "{answers}");
    assert_eq!(answers[2], serde_json::json!(true), "{answers}");
    assert_eq!(answers[3].as_str().map(str::len), Some(36), "{answers}");

    // Four sales in the file, each from its own cart, each journaled once.
    let db = app.db_path();
    let _home = app.close().await;
    let store = popup_till_core::Store::open(&db).unwrap();
    let count = |sql: &str| -> i64 { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM sale"), 4);
    assert_eq!(count("SELECT count(DISTINCT cart_id) FROM sale"), 4);
    assert_eq!(
        count("SELECT count(*) FROM audit_log WHERE action = 'sale.completed'"),
        4
    );
    assert!(popup_till_core::db::journal::verify(store.conn())
        .unwrap()
        .holds());
}

/// The prepared shop with Carl at the till and the till opened with
/// `float` counted (typed, then Enter).
async fn till_opened_by_carl(float: &str) -> App {
    let app = App::launch_prepared(prepare_shop).await;
    app.choose_person("Carl").await;
    app.find("#event-list").await;
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("{float}{ENTER}"))
        .await;
    app
}
