//! A cart is sold once: the core gives a cart its id with the first item,
//! the id survives parking, and completing the same cart id again (a double
//! press of F2, two calls at once) answers with the first sale and writes
//! nothing.

use popup_till_core::db::journal;
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::cart::{self, Addition, CartInput};
use popup_till_core::till::parked;
use popup_till_core::till::sale::{self, Completed};
use popup_till_core::{ErrorCode, Store};

use crate::till_support::{cart, cash, line, percent, shop, Shop};

/// A cart started the way the till starts one: the core adds its items.
fn scanned(s: &Shop, items: &[(&str, &str)]) -> CartInput {
    let mut c = CartInput::default();
    for (product, quantity) in items {
        c = cart::add(
            s.t.store.conn(),
            &c,
            &Addition {
                product_id: product.to_string(),
                quantity: quantity.to_string(),
                ..Addition::default()
            },
        )
        .unwrap();
    }
    c
}

fn answer(done: &Completed) -> serde_json::Value {
    serde_json::to_value(done).unwrap()
}

fn sales(s: &Shop) -> i64 {
    s.t.count("SELECT count(*) FROM sale")
}

fn sale_entries(s: &Shop) -> i64 {
    s.t.count("SELECT count(*) FROM audit_log WHERE action = 'sale.completed'")
}

#[test]
fn the_core_gives_a_cart_its_id_with_the_first_item_and_keeps_it() {
    let s = shop();
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let one = scanned(&s, &[(&mug, "1")]);
    let id = one.cart_id.clone().expect("a cart id with the first item");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let two = scanned(&s, &[]);
    assert_eq!(two.cart_id, None, "no item, no cart yet");
    let more = cart::add(
        s.t.store.conn(),
        &one,
        &Addition {
            product_id: jam,
            quantity: String::new(),
            ..Addition::default()
        },
    )
    .unwrap();
    assert_eq!(more.cart_id.as_deref(), Some(id.as_str()));
    assert_ne!(scanned(&s, &[(&mug, "1")]).cart_id, one.cart_id);
}

#[test]
fn completing_the_same_cart_twice_is_one_sale_with_the_same_answer() {
    let mut s = shop();
    s.open_session("100", false);
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let c = scanned(&s, &[(&mug, "2"), (&jam, "1")]);
    let first = s.sell(&c, &[cash("50")]).unwrap();
    let rows = s.ledger_rows();
    let journal_len = s.t.journal_len();
    let on_hand = s.on_hand(&mug);
    // The second press: the same cart, even with other payments.
    let again = s.sell(&c, &[cash("100")]).unwrap();
    assert_eq!(answer(&again), answer(&first));
    assert_eq!(again.receipt_number, first.receipt_number);
    assert_eq!(again.change, "21.70");
    assert_eq!(s.ledger_rows(), rows, "nothing written the second time");
    assert_eq!(s.t.journal_len(), journal_len);
    assert_eq!(s.on_hand(&mug), on_hand);
    assert_eq!(sales(&s), 1);
    assert_eq!(sale_entries(&s), 1);
    assert!(journal::verify(s.t.store.conn()).unwrap().holds());

    // A new cart with the same lines is a new sale, with the next number.
    let next = scanned(&s, &[(&mug, "2"), (&jam, "1")]);
    let second = s.sell(&next, &[cash("50")]).unwrap();
    assert_ne!(second.receipt_number, first.receipt_number);
    assert_eq!(sales(&s), 2);
    assert_eq!(
        s.t.count("SELECT count(DISTINCT cart_id) FROM sale WHERE cart_id IS NOT NULL"),
        2
    );
}

#[test]
fn a_repeated_cart_answers_with_its_stock_warnings_and_asks_no_pin() {
    let mut s = shop();
    s.open_session("0", false);
    let mug = s.mug.clone();
    // 11 mugs with 10 at the stall, and a discount over the limit.
    let mut c = scanned(&s, &[(&mug, "11")]);
    c.sale_discount = percent("50");
    let first = s
        .sell_approved(&c, &[cash("")], crate::till_support::PIN)
        .unwrap();
    assert_eq!(first.warnings.len(), 1, "{:?}", first.warnings);
    let attempts = s.t.count("SELECT count(*) FROM pin_attempt");
    let again = s.sell(&c, &[cash("")]).unwrap();
    assert_eq!(answer(&again), answer(&first));
    assert_eq!(sales(&s), 1);
    assert_eq!(
        s.t.count("SELECT count(*) FROM pin_attempt"),
        attempts,
        "no PIN checked the second time"
    );
}

#[test]
fn a_practice_cart_is_also_sold_once() {
    let mut s = shop();
    s.open_session("0", true);
    let mug = s.mug.clone();
    let c = scanned(&s, &[(&mug, "1")]);
    let first = s.sell(&c, &[cash("")]).unwrap();
    let again = s.sell(&c, &[cash("")]).unwrap();
    assert!(first.practice);
    assert_eq!(answer(&again), answer(&first));
    assert_eq!(sales(&s), 1);
}

#[test]
fn a_parked_cart_keeps_its_id_and_is_sold_once_after_resuming() {
    let mut s = shop();
    s.open_session("0", false);
    let actor = s.cashier();
    let mug = s.mug.clone();
    let c = scanned(&s, &[(&mug, "1")]);
    let id =
        s.t.store
            .write(&actor, |tx| parked::park(tx, &c, "red scarf"))
            .unwrap();
    let back =
        s.t.store
            .write(&actor, |tx| parked::unpark(tx, &id, false))
            .unwrap();
    assert_eq!(back.cart_id, c.cart_id);
    let first = s.sell(&back, &[cash("")]).unwrap();
    let again = s.sell(&c, &[cash("")]).unwrap();
    assert_eq!(again.sale_id, first.sale_id);
    assert_eq!(sales(&s), 1);
}

#[test]
fn a_cart_parked_without_an_id_gets_one_when_resumed() {
    let mut s = shop();
    s.open_session("0", false);
    let actor = s.cashier();
    let c = cart(vec![line(&s.mug.clone(), "1")]);
    assert_eq!(c.cart_id, None);
    let id =
        s.t.store
            .write(&actor, |tx| parked::park(tx, &c, ""))
            .unwrap();
    let back =
        s.t.store
            .write(&actor, |tx| parked::unpark(tx, &id, false))
            .unwrap();
    assert!(back.cart_id.is_some());
    s.sell(&back, &[cash("")]).unwrap();
    s.sell(&back, &[cash("")]).unwrap();
    assert_eq!(sales(&s), 1);
}

#[test]
fn a_cart_id_the_core_did_not_make_is_refused() {
    let mut s = shop();
    s.open_session("0", false);
    let mut c = cart(vec![line(&s.mug.clone(), "1")]);
    c.cart_id = Some("x'; DROP TABLE sale; --".into());
    let err = s.sell(&c, &[cash("")]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(sales(&s), 0);
}

#[test]
fn two_calls_completing_one_cart_at_once_make_one_sale() {
    let mut s = shop();
    s.open_session("0", false);
    let mug = s.mug.clone();
    let c = scanned(&s, &[(&mug, "1")]);
    let actor = s.cashier();
    let path = s.t.path();
    let answers: Vec<Completed> = std::thread::scope(|scope| {
        let calls: Vec<_> = (0..2)
            .map(|_| {
                let (c, actor, path) = (c.clone(), actor.clone(), path.clone());
                scope.spawn(move || {
                    let mut store = Store::open(&path).unwrap();
                    sale::complete_with_pin(
                        &mut store,
                        &actor,
                        &c,
                        &[cash("")],
                        &ApprovalRequest::none(),
                    )
                    .unwrap()
                })
            })
            .collect();
        calls.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answer(&answers[0]), answer(&answers[1]));
    assert_eq!(sales(&s), 1);
    assert_eq!(sale_entries(&s), 1);
    assert!(journal::verify(s.t.store.conn()).unwrap().holds());
}
