//! Refunds in the real window, by keyboard: one line of an earlier sale
//! (a closed session's) refunded by typing its receipt number, in cash; an
//! exchange whose difference the customer pays; and the Z report showing
//! both, with the drawer's expected cash net of the cash paid back.

use std::path::Path;

use popup_till_core::shop::people;
use popup_till_core::till::cart::{CartInput, DiscountInput, LineInput};
use popup_till_core::till::sale::{self, PaymentInput};
use popup_till_core::till::session::{self, CloseInput, OpenInput};
use popup_till_core::{Actor, Store};
use popup_till_e2e::{fixtures, App};

const ENTER: &str = "\u{E007}";
const F12: &str = "\u{E03C}";

/// The harbour shop, and an earlier till session of Carl's, closed, with
/// one sale: two mugs and a tea, 1.00 off the sale, paid in cash (28.00).
fn shop_with_an_earlier_sale(db: &Path) {
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
            ("TEA", "", "Herbal tea", "4.00", "20", "each"),
        ],
    );
    let mut store = Store::open(db).unwrap();
    let carl = people::list(store.conn())
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Carl")
        .unwrap();
    let products = popup_till_core::catalog::list(store.conn()).unwrap();
    let id = |sku: &str| products.iter().find(|p| p.sku == sku).unwrap().id.clone();
    let line = |sku: &str, q: &str| LineInput {
        product_id: id(sku),
        quantity: q.into(),
        ..Default::default()
    };
    let actor = Actor::person(&carl.id);
    store
        .write(&actor, |tx| {
            session::open(
                tx,
                &OpenInput {
                    float: "50".into(),
                    denominations: None,
                    practice: false,
                },
            )?;
            sale::complete(
                tx,
                &CartInput {
                    lines: vec![line("MUG", "2"), line("TEA", "1")],
                    sale_discount: Some(DiscountInput {
                        kind: "amount".into(),
                        value: "1.00".into(),
                    }),
                    ..Default::default()
                },
                &[PaymentInput {
                    method: "cash".into(),
                    ..Default::default()
                }],
                None,
            )?;
            session::close(
                tx,
                &CloseInput {
                    counted: "78.00".into(),
                    denominations: None,
                },
            )
        })
        .unwrap();
}

#[tokio::test]
async fn a_line_of_an_earlier_sale_is_refunded_by_its_receipt_number_and_an_exchange_too() {
    let app = App::launch_prepared(shop_with_an_earlier_sale).await;
    app.choose_person("Carl").await;
    app.find("#event-list").await;
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("100{ENTER}")).await;
    let scan = app.find("#till-scan").await;

    // F12, the receipt number typed, Enter: the sale and its lines.
    scan.send_keys(F12).await.unwrap();
    app.type_into("#refund-receipt", &format!("T1-000001{ENTER}"))
        .await;
    app.wait_for_text("#refund-sale-number", "T1-000001").await;
    let lines = app.text("#refund-lines").await;
    assert!(
        lines.contains("Stoneware mug") && lines.contains("Herbal tea"),
        "{lines}"
    );
    assert_eq!(
        app.focused_id().await,
        "refund-qty-0",
        "the first line's quantity has the focus"
    );
    // One mug of two: its half of what the line paid, 1.00 off the sale
    // shared out (0.86 of it on the mugs): 12.07, in cash as paid.
    app.keys("1").await;
    app.wait_for_text("#refund-total", "12.07").await;
    app.wait_for_text("#refund-quote", "To Cash").await;
    app.screenshot("refund-dialog").await;
    app.assert_accessible("the refund dialog").await;
    app.keys(ENTER).await;
    app.wait_for_text("#till-pay-back", "12.07").await;
    app.wait_for_text("#till-message", "T1-R-000001").await;
    app.screenshot("refund-paid-back").await;
    app.click("#till-refund-receipt").await;
    let receipt = app.wait_for_text("#refund-receipt", "T1-R-000001").await;
    assert!(
        receipt.contains("T1-000001") && receipt.contains("12.07"),
        "{receipt}"
    );
    app.screenshot("refund-receipt").await;
    app.click("#refund-receipt-dialog-cancel").await;

    // An exchange: a mug in the cart, the tea comes back (3.86 paid for
    // it), the customer pays 8.64 in cash.
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("4006381333931{ENTER}"))
        .await
        .unwrap();
    app.wait_for_text("#till-total", "12.50").await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(F12).await.unwrap();
    app.type_into("#refund-receipt", &format!("1{ENTER}")).await;
    app.wait_for_text("#refund-sale-number", "T1-000001").await;
    app.type_into("#refund-qty-1", "1").await;
    app.click("#refund-exchange").await;
    app.wait_for_text("#exchange-difference", "Customer pays")
        .await;
    app.wait_for_text("#exchange-difference", "8.64").await;
    app.screenshot("refund-exchange").await;
    app.assert_accessible("the exchange").await;
    app.click("#refund-dialog-ok").await;
    app.wait_for_text("#till-message", "Exchange").await;
    app.wait_for_text("#till-message", "T1-000002").await;
    app.wait_for_text("#till-change", "0.00").await;

    // The Z report: two refunds (12.07 + 3.86), the cash refund out of the
    // drawer: 100 + 8.64 − 12.07 = 96.57 expected.
    app.click("#till-close").await;
    app.type_into("#close-counted", &format!("96.57{ENTER}"))
        .await;
    app.wait_for_text("#z-report", "Z report no. 2").await;
    let refunds = app.text("#z-refunds td").await;
    assert!(
        refunds.starts_with("2 (") && refunds.contains("15.93"),
        "{refunds}"
    );
    assert!(app.text("#z-refund-method-cash td").await.contains("12.07"));
    assert!(app
        .text("#z-refund-method-exchange td")
        .await
        .contains("3.86"));
    assert!(app.text("#z-cash-refunds td").await.contains("12.07"));
    assert_eq!(app.text("#z-total td").await, "12.50");
    assert_eq!(app.text("#z-takings td").await, "-3.43");
    assert_eq!(app.text("#z-expected td").await, "96.57");
    assert_eq!(app.text("#z-variance td").await, "0.00");
    app.screenshot("refund-z-report").await;
    app.click("#z-dialog-cancel").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let store = Store::open(&db).unwrap();
    let refunds: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM refund", [], |r| r.get(0))
        .unwrap();
    assert_eq!(refunds, 2);
}
