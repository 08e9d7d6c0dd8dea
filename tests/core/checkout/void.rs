//! Voids: a new record, approved by an organizer, that puts the stock back.

use popup_till_core::db::journal;
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::{receipt, void};
use popup_till_core::ErrorCode;

use super::d;
use crate::till_support::{cart, cash, line, shop, Shop, PIN};

#[test]
fn a_completed_sale_moves_stock_out_of_the_event_and_a_void_puts_it_back() {
    let mut s = shop();
    s.open_session("50", false);
    let mug = s.mug.clone();
    let done = s.sell(&cart(vec![line(&mug, "3")]), &[cash("")]).unwrap();
    assert_eq!(s.on_hand(&mug), d("7"));
    let movements = s.t.count(&format!(
        "SELECT count(*) FROM stock_movement WHERE source_type = 'sale' AND source_id = '{}' AND kind = 'sale' AND location = 'event'",
        done.sale_id
    ));
    assert_eq!(movements, 1);

    let actor = s.cashier();
    let organizer = s.organizer.clone();
    let wrong = void::void_with_pin(
        &mut s.t.store,
        &actor,
        &done.sale_id,
        "customer changed mind",
        &ApprovalRequest::new(&organizer, "999999"),
    );
    assert_eq!(wrong.unwrap_err().code(), ErrorCode::Unauthorized);
    assert_eq!(s.t.count("SELECT count(*) FROM sale_void"), 0);

    void::void_with_pin(
        &mut s.t.store,
        &actor,
        &done.sale_id,
        "customer changed mind",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap();
    assert_eq!(s.on_hand(&mug), d("10"));
    let receipt = receipt::receipt(s.t.store.conn(), &done.sale_id).unwrap();
    assert_eq!(receipt.voided.as_deref(), Some("customer changed mind"));
    assert_eq!(receipt.total, "37.50", "the sale itself is unchanged");
    let again = void::void_with_pin(
        &mut s.t.store,
        &actor,
        &done.sale_id,
        "twice",
        &ApprovalRequest::new(&organizer, PIN),
    );
    assert_eq!(again.unwrap_err().code(), ErrorCode::Conflict);
    assert!(journal::verify(s.t.store.conn()).unwrap().holds());
}

#[test]
fn a_void_needs_a_reason() {
    let mut s = shop();
    s.open_session("0", false);
    let done = s
        .sell(&cart(vec![line(&s.mug.clone(), "1")]), &[cash("")])
        .unwrap();
    let actor = s.cashier();
    let organizer = s.organizer.clone();
    let err = void::void_with_pin(
        &mut s.t.store,
        &actor,
        &done.sale_id,
        "  ",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("reason"));
    assert_eq!(s.t.count("SELECT count(*) FROM sale_void"), 0);
}

#[test]
fn a_void_always_needs_an_organizers_pin_and_is_checked_before_asking() {
    let mut s = shop();
    s.open_session("0", false);
    let done = s
        .sell(&cart(vec![line(&s.mug.clone(), "1")]), &[cash("")])
        .unwrap();
    let actor = s.cashier();
    let organizer = s.organizer.clone();
    let id = done.sale_id.clone();
    let tries = |s: &Shop| s.t.count("SELECT count(*) FROM pin_attempt");
    let before = tries(&s);
    let try_void = |s: &mut Shop, reason: &str, who: Option<&str>, pin: Option<&str>| {
        let request = ApprovalRequest {
            organizer_id: who.map(str::to_string),
            pin: pin.map(str::to_string),
            ..ApprovalRequest::none()
        };
        void::void_with_pin(&mut s.t.store, &actor, &id, reason, &request)
    };
    // Without a PIN the answer is "a PIN is needed", so the till asks for it.
    let err = try_void(&mut s, "wrong item", None, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert!(err.to_string().contains("PIN"), "{err}");
    let err = try_void(&mut s, "wrong item", Some(&organizer), Some(" ")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    // A missing reason is said before any PIN is asked for.
    let err = try_void(&mut s, " ", None, None).unwrap_err();
    assert_eq!(err.field(), Some("reason"));
    assert_eq!(tries(&s), before, "no PIN try was spent");
    try_void(&mut s, "wrong item", Some(&organizer), Some(PIN)).unwrap();
    // A sale already voided is refused before a PIN is asked for.
    let err = try_void(&mut s, "again", None, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(tries(&s), before + 1);
}
