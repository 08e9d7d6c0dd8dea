//! `verify` holds the refund ledgers against the journal: an honest day of
//! refunds agrees row by row; a refund line, a refund tender or a refund's
//! stock movement changed behind the till's back is named.

use popup_till_core::db::journal;
use popup_till_core::returns::exchange;
use popup_till_core::shop::people::ApprovalRequest;

use super::{back, of_sale, refund, sale_lines};
use crate::till_support::{cart, cash, line, shop, Shop};

fn a_day_with_refunds() -> Shop {
    let mut s = shop();
    s.open_session("50", false);
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let sale = s
        .sell(&cart(vec![line(&mug, "2"), line(&jam, "2")]), &[cash("")])
        .unwrap();
    let lines = sale_lines(&s, &sale.sale_id);
    let mut damaged = back(&lines[1], "1");
    damaged.damaged = true;
    damaged.damage_reason = "dented lid".into();
    refund(
        &mut s,
        &of_sale(&sale.sale_id, vec![back(&lines[0], "1"), damaged]),
    )
    .unwrap();
    let actor = s.cashier();
    exchange::exchange_with_pin(
        &mut s.t.store,
        &actor,
        &of_sale(&sale.sale_id, vec![back(&lines[0], "1")]),
        &cart(vec![line(&jam, "1")]),
        &[],
        &ApprovalRequest::none(),
    )
    .unwrap();
    s
}

fn tampered(s: &Shop, table: &str, sql: &str) -> journal::Verification {
    s.t.store
        .conn()
        .execute_batch(&format!(
            "DROP TRIGGER IF EXISTS {table}_is_append_only_update;
             DROP TRIGGER IF EXISTS {table}_is_append_only_delete;
             {sql}"
        ))
        .unwrap();
    journal::verify(s.t.store.conn()).unwrap()
}

#[test]
fn an_honest_day_of_refunds_agrees_with_its_journal() {
    let s = a_day_with_refunds();
    let v = journal::verify(s.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:#?}");
    assert!(v.ledger_mismatches.is_empty(), "{v:#?}");
    let refund_rows = s.t.count(
        "SELECT (SELECT count(*) FROM refund) + (SELECT count(*) FROM refund_line) + (SELECT count(*) FROM refund_payment)",
    );
    assert!(refund_rows >= 2 + 3 + 2);
}

#[test]
fn verify_names_a_refund_line_a_refund_tender_and_a_refund_movement_changed() {
    let s = a_day_with_refunds();
    let v = tampered(&s, "refund_line", "UPDATE refund_line SET gross_minor = gross_minor + 100, net_minor = net_minor + 100 WHERE line_no = 1");
    assert!(
        v.ledger_mismatches
            .iter()
            .any(|m| m.table == "refund_line" && m.figure == "gross_minor"),
        "{v:#?}"
    );
    let s = a_day_with_refunds();
    let v = tampered(
        &s,
        "refund_payment",
        "DELETE FROM refund_payment WHERE method = 'cash'",
    );
    assert!(
        v.ledger_mismatches
            .iter()
            .any(|m| m.table == "refund_payment" && m.figure == "row"),
        "{v:#?}"
    );
    let s = a_day_with_refunds();
    let v = tampered(&s, "stock_movement", "UPDATE stock_movement SET quantity_milli = 5000 WHERE source_type = 'refund' AND kind = 'waste'");
    assert!(
        v.ledger_mismatches
            .iter()
            .any(|m| m.table == "stock_movement" && m.figure == "quantity_milli"),
        "{v:#?}"
    );
    let s = a_day_with_refunds();
    let v = tampered(&s, "refund", "UPDATE refund SET total_minor = total_minor + 1, rounding_minor = rounding_minor + 1 WHERE exchange_sale_id IS NULL");
    assert!(
        v.ledger_mismatches
            .iter()
            .any(|m| m.table == "refund" && m.figure == "total_minor"),
        "{v:#?}"
    );
}
