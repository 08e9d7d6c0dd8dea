//! Parked carts: resumed or cancelled, they leave the list.

use popup_till_core::till::{cart, parked};

use crate::till_support::{cart as cart_of, line, shop};

#[test]
fn a_parked_cart_can_be_resumed_or_cancelled() {
    let mut s = shop();
    s.open_session("0", false);
    let actor = s.cashier();
    let mut c = cart_of(vec![line(&s.mug.clone(), "2")]);
    c.cart_id = Some(cart::new_cart_id());
    let id =
        s.t.store
            .write(&actor, |tx| parked::park(tx, &c, "blue coat"))
            .unwrap();
    let list = parked::parked(s.t.store.conn(), s.t.store.device_id()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].label, "blue coat");
    let back =
        s.t.store
            .write(&actor, |tx| parked::unpark(tx, &id, false))
            .unwrap();
    assert_eq!(back, c);
    assert!(parked::parked(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .is_empty());
    let id =
        s.t.store
            .write(&actor, |tx| parked::park(tx, &c, ""))
            .unwrap();
    s.t.store
        .write(&actor, |tx| parked::unpark(tx, &id, true))
        .unwrap();
    assert_eq!(s.t.count("SELECT count(*) FROM parked_cart"), 0);
    assert_eq!(
        s.t.count("SELECT count(*) FROM audit_log WHERE action = 'cart.cancelled'"),
        1
    );
}
