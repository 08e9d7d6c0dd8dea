//! Exchanges: the returned lines and the new ones in one transaction; the
//! customer pays or receives the difference.

use popup_till_core::returns::exchange;
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::{session, void};
use popup_till_core::ErrorCode;

use super::{back, of_sale, sale_lines, tender};
use crate::checkout::d;
use crate::till_support::{card, cart, cash, line, shop, PIN};

fn payments_of(
    s: &crate::till_support::Shop,
    table: &str,
    key: &str,
    id: &str,
) -> Vec<(String, i64)> {
    let mut stmt =
        s.t.store
            .conn()
            .prepare(&format!(
                "SELECT method, amount_minor FROM {table} WHERE {key} = ?1 ORDER BY seq"
            ))
            .unwrap();
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
}

#[test]
fn the_customer_pays_the_difference_and_both_halves_are_written_together() {
    let mut s = shop();
    s.open_session("50", false);
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let first = s.sell(&cart(vec![line(&jam, "2")]), &[cash("")]).unwrap();
    let lines = sale_lines(&s, &first.sale_id);
    let input = of_sale(&first.sale_id, vec![back(&lines[0], "2")]);
    let new_cart = cart(vec![line(&mug, "1")]);
    let q = exchange::quote(
        s.t.store.conn(),
        s.t.store.device_id(),
        &input,
        &new_cart,
        None,
    )
    .unwrap();
    assert!(q.customer_pays);
    assert_eq!((q.credit.as_str(), q.difference.as_str()), ("6.60", "5.90"));
    let open = session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .unwrap();
    let cash_before = session::cash_parts(s.t.store.conn(), &open.id)
        .unwrap()
        .expected();
    let actor = s.cashier();
    let done = exchange::exchange_with_pin(
        &mut s.t.store,
        &actor,
        &input,
        &new_cart,
        &[cash("10")],
        &ApprovalRequest::none(),
    )
    .unwrap();
    assert_eq!(done.sale.change, "4.10");
    assert_eq!(
        payments_of(&s, "payment", "sale_id", &done.sale.sale_id),
        vec![("exchange".to_string(), 660), ("cash".to_string(), 590)]
    );
    assert_eq!(
        payments_of(&s, "refund_payment", "refund_id", &done.refund.refund_id),
        vec![("exchange".to_string(), 660)]
    );
    let named: Option<String> =
        s.t.store
            .conn()
            .query_row(
                "SELECT exchange_sale_id FROM refund WHERE id = ?1",
                [&done.refund.refund_id],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(named.as_deref(), Some(done.sale.sale_id.as_str()));
    let cash_after = session::cash_parts(s.t.store.conn(), &open.id)
        .unwrap()
        .expected();
    assert_eq!(
        cash_after - cash_before,
        590,
        "only the difference came into the drawer"
    );
    assert_eq!(s.on_hand(&jam), d("10"));
    assert_eq!(s.on_hand(&mug), d("9"));
    // The exchange's sale is refunded, never voided (its credit would be lost).
    let organizer = s.organizer.clone();
    let err = void::void_with_pin(
        &mut s.t.store,
        &actor,
        &done.sale.sale_id,
        "oops",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
}

#[test]
fn the_customer_receives_the_difference_to_the_tender_they_paid_with() {
    let mut s = shop();
    s.open_session("50", false);
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let first = s.sell(&cart(vec![line(&mug, "1")]), &[card("")]).unwrap();
    let lines = sale_lines(&s, &first.sale_id);
    let mut input = of_sale(&first.sale_id, vec![back(&lines[0], "1")]);
    let new_cart = cart(vec![line(&jam, "1")]);
    let q = exchange::quote(
        s.t.store.conn(),
        s.t.store.device_id(),
        &input,
        &new_cart,
        None,
    )
    .unwrap();
    assert!(!q.customer_pays);
    assert_eq!(q.difference, "9.20");
    assert_eq!(
        q.refund
            .tenders
            .iter()
            .map(|t| t.method.as_str())
            .collect::<Vec<_>>(),
        ["exchange", "card"]
    );
    input.tenders = vec![tender("card", "", "TRM-7")];
    let actor = s.cashier();
    let done = exchange::exchange_with_pin(
        &mut s.t.store,
        &actor,
        &input,
        &new_cart,
        &[],
        &ApprovalRequest::none(),
    )
    .unwrap();
    assert!(!done.customer_pays);
    assert_eq!(
        payments_of(&s, "refund_payment", "refund_id", &done.refund.refund_id),
        vec![("exchange".to_string(), 330), ("card".to_string(), 920)]
    );
    assert_eq!(
        payments_of(&s, "payment", "sale_id", &done.sale.sale_id),
        vec![("exchange".to_string(), 330)]
    );
    // A failed exchange writes neither half.
    let rows = s.ledger_rows();
    let err = exchange::exchange_with_pin(
        &mut s.t.store,
        &actor,
        &input,
        &new_cart,
        &[],
        &ApprovalRequest::none(),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("lines[0].quantity"), "{err}");
    assert_eq!(s.ledger_rows(), rows);
}
