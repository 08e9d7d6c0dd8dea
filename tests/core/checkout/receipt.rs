//! Receipt numbers and the receipt view.

use popup_till_core::till::receipt;

use crate::till_support::{amount, cart, cash, line, shop, shop_with};

#[test]
fn receipt_numbers_are_gapless_per_device_even_after_a_refused_sale() {
    let mut s = shop();
    s.open_session("0", false);
    let mug = s.mug.clone();
    let a = s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    let refused = s.sell(&cart(vec![line(&mug, "1")]), &[cash("1.00")]);
    assert!(refused.is_err());
    let b = s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    assert_eq!(a.receipt_number, "T1-000001");
    assert_eq!(b.receipt_number, "T1-000002");
}

#[test]
fn a_receipt_says_whether_it_has_a_discount_rounding_and_change() {
    let mut s = shop_with("inclusive", "0.05");
    s.open_session("0", false);
    let exact = s.sell(&cart(vec![line(&s.mug.clone(), "1")]), &[cash("")]);
    let r = receipt::receipt(s.t.store.conn(), &exact.unwrap().sale_id).unwrap();
    assert!(!r.has_discount && !r.has_rounding && !r.has_change);
    assert!(!r.lines[0].has_discount);
    let mut off = line(&s.jam.clone(), "1");
    off.discount = amount("0.01");
    let done = s.sell(&cart(vec![off]), &[cash("5")]).unwrap();
    let r = receipt::receipt(s.t.store.conn(), &done.sale_id).unwrap();
    // 3.29 rounds to 3.30 in cash; 5.00 tendered gives 1.70 back.
    assert!(r.has_discount && r.lines[0].has_discount);
    assert!(r.has_rounding);
    assert!(r.has_change);
    assert_eq!((r.rounding.as_str(), r.change.as_str()), ("0.01", "1.70"));
}
