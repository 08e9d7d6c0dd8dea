//! Who is at the till, in the real window: the organizer cannot be chosen
//! without her PIN, a cart with items survives a change of person (parked
//! and offered back with who and when), and the Lock key hands the till
//! back to the picker, which cannot be dismissed until someone gives a PIN.
//! A till told to stop (the laptop shutting down) parks the cart first.

use std::path::Path;

use popup_till_e2e::{fixtures, App};

const ENTER: &str = "\u{E007}";
const ESC: &str = "\u{E00C}";

fn prepare_shop(db: &Path) {
    fixtures::harbour_shop(
        db,
        "Olga",
        "Carl",
        &[("TEA", "", "Herbal tea", "4.00", "20", "each")],
    );
}

#[tokio::test]
async fn the_organizer_needs_her_pin_and_a_cart_survives_a_change_of_person() {
    let app = App::launch_prepared(prepare_shop).await;

    // One click on the organizer is not enough: a wrong PIN is refused and
    // the picker stays.
    app.pick_person("Olga").await;
    app.type_into("#picker-pin", "000000").await;
    app.click("#person-picker-ok").await;
    app.wait_for_text("#person-picker .form-error", "wrong PIN")
        .await;
    app.screenshot("trust-picker-wrong-pin").await;
    assert!(app
        .text("#person-chip")
        .await
        .contains("Who is at the till"));

    // Carl takes the till with his own PIN and starts a cart.
    app.choose_person("Carl").await;
    app.wait_for_text("#person-chip", "Carl").await;
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("0{ENTER}")).await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("TEA{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "4.00").await;

    // Olga takes over: Carl's cart is parked, labelled with who and why.
    app.click("#person-chip").await;
    app.choose_person("Olga").await;
    app.wait_for_text("#person-chip", "Olga").await;
    let parked = app.wait_for_text("#till-parked", "person changed").await;
    assert!(parked.contains("Carl"), "{parked}");
    assert!(app.text("#till-cart-lines").await.contains("Cart is empty"));
    app.screenshot("trust-cart-parked").await;
    app.click_settled("#till-parked .resume").await;
    app.wait_for_text("#till-total", "4.00").await;

    // The Lock key: the cart is parked again and the picker cannot be
    // dismissed; nobody is at the till until a PIN is given.
    let scan = app.find("#till-scan").await;
    scan.send_keys("\u{E009}l\u{E000}").await.unwrap();
    app.find("#person-picker").await;
    app.find("#person-picker .person-button")
        .await
        .send_keys(ESC)
        .await
        .unwrap();
    app.find("#person-picker").await;
    assert!(app
        .text("#person-chip")
        .await
        .contains("Who is at the till"));
    app.choose_person("Carl").await;
    app.wait_for_text("#till-parked", "till locked").await;

    let data = app.close().await;
    App::assert_journal_holds(&App::db_path_in(data.path()));
}

#[tokio::test]
async fn a_till_told_to_stop_parks_the_cart_on_the_counter() {
    let app = App::launch_prepared(prepare_shop).await;
    app.choose_person("Carl").await;
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("0{ENTER}")).await;
    let scan = app.find("#till-scan").await;
    scan.send_keys(&format!("TEA{ENTER}")).await.unwrap();
    app.wait_for_text("#till-total", "4.00").await;
    // The laptop shuts down (SIGTERM to the till): the app goes away and
    // the cart is kept.
    let pid = app.till_pid().expect("the till's process");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the till did not stop"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let data = app.close().await;
    let db = App::db_path_in(data.path());
    let store = popup_till_core::Store::open(&db).unwrap();
    let (label, by, cart): (String, String, String) = store
        .conn()
        .query_row(
            "SELECT c.label, p.name, c.cart FROM parked_cart c JOIN person p ON p.id = c.parked_by",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the cart on the counter was parked");
    assert_eq!((label.as_str(), by.as_str()), ("window closed", "Carl"));
    assert!(cart.contains("\"quantity\":\"1\""), "{cart}");
    assert!(popup_till_core::db::journal::verify(store.conn())
        .unwrap()
        .holds());
}
