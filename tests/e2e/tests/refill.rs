//! The refill station in the real window: coffee beans into the customer's
//! own jar (weighed empty, then full: the till takes the net), a scale
//! label scanned (its weight read from the barcode), a shop jar sold with
//! its deposit, and a jar brought back on its own: the deposit paid out of
//! the drawer, capped by what is out with customers. Then a customer's own
//! jar weighed empty at the scale (a tare label) and full (a weight label),
//! with a shop jar brought back in the same sale, and a sale the jars
//! brought back come to more than: the till pays the rest out.

use std::path::Path;

use popup_till_core::catalog::refill::{self, RefillFields};
use popup_till_core::catalog::scale_label;
use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::shop::people::{self, ApprovalRequest};
use popup_till_core::shop::settings;
use popup_till_core::{Actor, Store};
use popup_till_e2e::{fixtures, App};

const ENTER: &str = "\u{E007}";
const F2: &str = "\u{E032}";
const F3: &str = "\u{E033}";

/// Coffee beans by the kg (scale item code 7) and a 500 g jar with a
/// 1.00 deposit and a 240 g tare.
fn prepare_refill_station(db: &Path) {
    fixtures::harbour_shop(
        db,
        "Olga",
        "Carl",
        &[("COF", "", "Coffee beans", "24.90", "20", "kg")],
    );
    let mut store = Store::open(db).unwrap();
    let organizer: String = store
        .conn()
        .query_row("SELECT id FROM person WHERE role = 'organizer'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let approval =
        people::approve(&mut store, &ApprovalRequest::new(&organizer, fixtures::PIN)).unwrap();
    store
        .write(&Actor::system("test"), |tx| {
            let s = settings::load(tx)?;
            let jar = catalog::create(
                tx,
                &s,
                &ProductInput {
                    sku: "JAR".into(),
                    name: "Jar 500 g".into(),
                    unit_price: "1.00".into(),
                    tax_rate: "0".into(),
                    unit: "each".into(),
                    kind: "deposit".into(),
                    ..ProductInput::default()
                },
            )?;
            refill::set_fields(
                tx,
                &approval,
                &jar.id,
                &RefillFields {
                    tare_grams: Some(240),
                    ..RefillFields::default()
                },
            )?;
            let coffee: String =
                tx.query_row("SELECT id FROM product WHERE sku = 'COF'", [], |r| r.get(0))?;
            refill::set_fields(
                tx,
                &approval,
                &coffee,
                &RefillFields {
                    scale_item_code: Some("7".into()),
                    ..RefillFields::default()
                },
            )
        })
        .unwrap();
}

#[tokio::test]
async fn a_refill_into_an_own_jar_a_scanned_label_and_a_deposit_brought_back() {
    let app = App::launch_prepared(prepare_refill_station).await;
    app.choose_person("Carl").await;
    app.find("#event-list").await;
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("50{ENTER}")).await;

    // The customer's own jar: weighed empty (240 g), then full (612 g).
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("COF{ENTER}")).await.unwrap();
    app.find("#weight-dialog").await;
    app.click("#weight-container option[value='own']").await;
    app.type_into("#weight-tare", "240").await;
    app.type_into("#weight-gross", "200").await;
    app.click("#weight-dialog-ok").await;
    // A tare above the gross is refused in the dialog, next to the tare.
    app.wait_for_text(
        "#weight-dialog",
        "the tare 240 g is more than the gross 200 g",
    )
    .await;
    app.screenshot("refill-weigh-dialog").await;
    app.type_into("#weight-gross", &format!("612{ENTER}")).await;
    app.wait_gone("#weight-dialog").await;
    // 372 g × 24.90 per kg = 9.2628 → 9.26
    app.wait_for_text("#till-total", "9.26").await;
    app.wait_for_text(
        "#till-cart-lines",
        "gross 612 g − tare 240 g (own container) = net 372 g",
    )
    .await;

    // A scale label: 500 g of coffee (prefix 21, item code 7) → 12.45.
    let layout = scale_label::default_layouts()
        .into_iter()
        .find(|l| l.prefix == "21")
        .unwrap();
    let label = scale_label::encode(&layout, "7", 500).unwrap();
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{label}{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "21.71").await;
    app.wait_for_text("#till-cart-lines", "scale label").await;

    // A misread label (wrong check digit) is refused; the cart stays.
    let last = label.as_bytes()[12] - b'0';
    let misread = format!("{}{}", &label[..12], (last + 1) % 10);
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{misread}{ENTER}")).await.unwrap();
    app.wait_for_text("#till-message", "check digit is wrong")
        .await;
    app.wait_for_text("#till-total", "21.71").await;

    // One shop jar with its deposit, then cash exact.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("JAR{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "22.71").await;
    app.screenshot("refill-cart").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F2).await.unwrap();
    app.wait_for_text("#till-message", "T1-000001").await;

    // A jar brought back on its own: two are refused (one is out), one is paid.
    app.click("#till-deposit-back").await;
    app.find("#deposit-dialog").await;
    app.type_into("#deposit-quantity", &format!("2{ENTER}"))
        .await;
    app.wait_for_text("#deposit-dialog", "only 1 is out with customers")
        .await;
    app.type_into("#deposit-quantity", &format!("1{ENTER}"))
        .await;
    app.wait_gone("#deposit-dialog").await;
    app.wait_for_text("#till-message", "Deposit paid back: 1.00")
        .await;
    app.screenshot("refill-deposit-back").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let store = Store::open(&db).unwrap();
    let conn = store.conn();
    let (returned, gross, tare, net): (i64, i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM deposit_return), gross_milli, tare_milli, quantity_milli
             FROM sale_line WHERE container = 'own'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((returned, gross, tare, net), (1, 612, 240, 372));
    let labelled: String = conn
        .query_row(
            "SELECT scale_label FROM sale_line WHERE scale_label IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(labelled, label);
}

#[tokio::test]
async fn a_customer_buys_a_refill_and_brings_a_jar_back_in_the_same_sale() {
    let app = App::launch_prepared(prepare_refill_station).await;
    app.choose_person("Carl").await;
    app.find("#event-list").await;
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("50{ENTER}")).await;
    let layouts = scale_label::default_layouts();
    let by = |p: &str| layouts.iter().find(|l| l.prefix == p).unwrap();

    // Two shop jars go out with their deposits.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("2*JAR{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "2.00").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F2).await.unwrap();
    app.wait_for_text("#till-message", "T1-000001").await;

    // The customer's own jar weighed empty at the scale: its tare label,
    // then the full jar's weight label. The till takes 612 − 240 g.
    let tare = scale_label::encode(by("25"), "0", 240).unwrap();
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{tare}{ENTER}")).await.unwrap();
    app.wait_for_text("#till-tare", "Tare 240 g").await;
    let full = scale_label::encode(by("21"), "7", 612).unwrap();
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{full}{ENTER}")).await.unwrap();
    app.wait_for_text(
        "#till-cart-lines",
        "gross 612 g − tare 240 g (own container) = net 372 g",
    )
    .await;
    app.wait_for_text("#till-total", "9.26").await;
    app.wait_gone("#till-tare:not([hidden])").await;

    // A shop jar brought back in the sale: three are refused (two are
    // out), one comes off what the customer pays.
    app.click("#till-deposit-back").await;
    app.wait_for_text("#deposit-dialog", "in this sale").await;
    app.type_into("#deposit-quantity", &format!("3{ENTER}"))
        .await;
    app.wait_for_text("#deposit-dialog", "only 2 are out with customers")
        .await;
    app.type_into("#deposit-quantity", &format!("1{ENTER}"))
        .await;
    app.wait_gone("#deposit-dialog").await;
    app.wait_for_text("#till-cart-lines", "Jar 500 g brought back")
        .await;
    app.wait_for_text("#till-deposits-back", "1.00").await;
    app.wait_for_text("#till-sale-total", "9.26").await;
    app.wait_for_text("#till-total", "8.26").await;
    app.screenshot("refill-jar-back-in-a-sale").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F3).await.unwrap();
    app.wait_for_text("#cash-due", "8.26").await;
    app.type_into("#cash-tendered", &format!("10{ENTER}")).await;
    app.wait_for_text("#till-change", "1.74").await;
    app.wait_for_text("#till-message", "T1-000002").await;
    app.click("#till-show-receipt").await;
    app.wait_for_text("#receipt", "Jar 500 g brought back")
        .await;
    app.wait_for_text("#receipt", "1 × 1.00-1.00").await;
    app.wait_for_text("#receipt-to-pay", "8.26").await;
    app.screenshot("refill-receipt-jar-back").await;
    app.click("#receipt-dialog-cancel").await;
    app.wait_gone("#receipt-dialog").await;

    // 20 g of coffee (0.50) and the other jar back: the till pays 0.50 out.
    let small = scale_label::encode(by("21"), "7", 20).unwrap();
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("{small}{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "0.50").await;
    app.click("#till-deposit-back").await;
    app.find("#deposit-dialog").await;
    app.type_into("#deposit-quantity", &format!("1{ENTER}"))
        .await;
    app.wait_gone("#deposit-dialog").await;
    app.wait_for_text("#till-total", "Pay out 0.50").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F2).await.unwrap();
    app.wait_for_text("#till-pay-out", "0.50").await;
    app.wait_for_text("#till-message", "T1-000003").await;
    app.screenshot("refill-pay-out").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let store = Store::open(&db).unwrap();
    let conn = store.conn();
    let (in_sales, jars_out): (i64, i64) = conn
        .query_row(
            "SELECT count(*) FILTER (WHERE method = 'sale' AND sale_id IS NOT NULL),
                    2 - coalesce(sum(quantity), 0)
             FROM deposit_return",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((in_sales, jars_out), (2, 0));
    let session: String = conn
        .query_row("SELECT id FROM till_session", [], |r| r.get(0))
        .unwrap();
    // 50.00 + 2.00 for the jars + 8.26 in cash − 0.50 paid out.
    let parts = popup_till_core::till::session::cash_parts(conn, &session).unwrap();
    assert_eq!((parts.deposits, parts.expected()), (50, 5976));
}

#[tokio::test]
async fn the_organizer_sets_the_deposit_tax_and_sees_a_refills_scale_item_code() {
    let app = App::launch_prepared(|db| {
        let out = App::cli(db, &["demo"]);
        assert!(out.status.success());
    })
    .await;
    app.choose_person("Maya").await;
    app.click_settled("#nav-settings").await;
    // The default layouts: 21 is a weight in grams, 22 a price with a verifier.
    app.wait_for_text("#refill-layouts", "Prefix").await;
    app.click("#refill-deposit-tax option[value='outside_tax']")
        .await;
    app.click("#refill-settings-save").await;
    app.wait_for_text("#toast", "Refill settings saved").await;
    app.screenshot("refill-settings").await;

    // The demo's rolled oats carry scale item code 101.
    app.click_settled("#nav-stock").await;
    app.wait_for_text("#product-table", "Rolled oats").await;
    app.click_settled("#product-table tr[data-sku='REF-OAT'] td")
        .await;
    app.wait_for_value("#refill-item-code", "101").await;
    app.type_into("#refill-item-code", "1010").await;
    app.click("#refill-save").await;
    app.wait_for_text("#toast", "refill and reuse").await;
    app.screenshot("refill-product").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let store = Store::open(&db).unwrap();
    let settings = refill::settings(store.conn()).unwrap();
    assert_eq!(settings.deposit_tax, refill::DepositTax::OutsideTax);
    let code: String = store
        .conn()
        .query_row(
            "SELECT scale_item_code FROM product WHERE sku = 'REF-OAT'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(code, "1010");
}
