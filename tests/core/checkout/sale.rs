//! Sales: money and tax as stored, payments, practice mode, pre-orders,
//! negative stock, and a ledger that refuses to be edited.

use popup_till_core::till::sale::{self, PaymentInput};
use popup_till_core::till::{quote, receipt};
use popup_till_core::ErrorCode;

use super::{d, paid, sale_row};
use crate::till_support::{amount, card, cart, cash, line, percent, shop, shop_with};

#[test]
fn inclusive_prices_carry_tax_computed_per_rate_group() {
    let mut s = shop();
    s.open_session("100", false);
    let done = s
        .sell(
            &cart(vec![line(&s.mug.clone(), "2"), line(&s.jam.clone(), "1")]),
            &[cash("50")],
        )
        .unwrap();
    assert_eq!(done.total, "28.30");
    assert_eq!(done.change, "21.70");
    // 25.00 × 20/120 = 4.1666 -> 4.17; 3.30 × 5.5/105.5 = 0.172 -> 0.17
    let (subtotal, discount, tax, rounding, total, _) = sale_row(&s, &done.sale_id);
    assert_eq!(
        (subtotal, discount, tax, rounding, total),
        (2830, 0, 434, 0, 2830)
    );
    assert_eq!(paid(&s, &done.sale_id), 2830);
    let receipt = receipt::receipt(s.t.store.conn(), &done.sale_id).unwrap();
    let taxes: Vec<(String, String)> = receipt
        .taxes
        .iter()
        .map(|t| (t.rate.clone(), t.tax.clone()))
        .collect();
    assert_eq!(
        taxes,
        vec![("20".into(), "4.17".into()), ("5.5".into(), "0.17".into())]
    );
    assert_eq!(receipt.payments[0].tendered, "50.00");
    assert_eq!(receipt.change, "21.70");
}

#[test]
fn exclusive_prices_add_tax_on_top_per_rate_group() {
    let mut s = shop_with("exclusive", "none");
    s.open_session("0", false);
    let done = s
        .sell(
            &cart(vec![line(&s.mug.clone(), "2"), line(&s.jam.clone(), "1")]),
            &[card("")],
        )
        .unwrap();
    // net 28.30; tax 25.00 × 20% = 5.00 and 3.30 × 5.5% = 0.1815 -> 0.18
    let (subtotal, _, tax, rounding, total, _) = sale_row(&s, &done.sale_id);
    assert_eq!((subtotal, tax, rounding, total), (2830, 518, 0, 3348));
    assert_eq!(subtotal + tax + rounding, total);
    let receipt = receipt::receipt(s.t.store.conn(), &done.sale_id).unwrap();
    assert_eq!(receipt.payments[0].method, "card");
    assert_eq!(receipt.payments[0].card_last_four.as_deref(), Some("4242"));
    assert_eq!(receipt.payments[0].auth_code.as_deref(), Some("A1B2C3"));
}

#[test]
fn a_whole_sale_discount_is_allocated_to_lines_by_largest_remainder() {
    let mut s = shop();
    s.open_session("0", false);
    let mut c = cart(vec![
        line(&s.mug.clone(), "1"),
        line(&s.jam.clone(), "1"),
        line(&s.jam.clone(), "1"),
    ]);
    c.sale_discount = amount("1.00");
    let done = s.sell(&c, &[cash("")]).unwrap();
    assert_eq!(done.total, "18.10");
    // 100 cents over 1250:330:330 -> 65.4 / 17.3 / 17.3; the leftover cent
    // goes to the largest fraction (the mug).
    let shares: Vec<(i64, i64)> = {
        let conn = s.t.store.conn();
        let mut stmt = conn
            .prepare("SELECT sale_discount_minor, gross_minor FROM sale_line WHERE sale_id = ?1 ORDER BY line_no")
            .unwrap();
        stmt.query_map([&done.sale_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(shares, vec![(66, 1184), (17, 313), (17, 313)]);
    let (_, discount, _, _, total, _) = sale_row(&s, &done.sale_id);
    assert_eq!(discount, 100);
    assert_eq!(shares.iter().map(|x| x.1).sum::<i64>(), total);
}

#[test]
fn a_line_discount_in_percent_and_amount_reduces_only_its_line() {
    let mut s = shop();
    s.open_session("0", false);
    let mut mug = line(&s.mug.clone(), "1");
    mug.discount = percent("10");
    let mut jam = line(&s.jam.clone(), "2");
    jam.discount = amount("0.60");
    let done = s.sell(&cart(vec![mug, jam]), &[cash("")]).unwrap();
    // 12.50 − 1.25 + 6.60 − 0.60
    assert_eq!(done.total, "17.25");
    let (_, discount, _, _, _, _) = sale_row(&s, &done.sale_id);
    assert_eq!(discount, 185);
}

#[test]
fn cash_rounding_applies_to_the_cash_part_only_and_is_stored_apart() {
    let mut s = shop_with("inclusive", "0.05");
    s.open_session("0", false);
    // 0.333 kg × 24.90 = 8.2917 -> 8.29
    let coffee = s.coffee.clone();
    let all_cash = s
        .sell(&cart(vec![line(&coffee, "0.333")]), &[cash("10")])
        .unwrap();
    assert_eq!(all_cash.total, "8.30");
    assert_eq!(all_cash.change, "1.70");
    let (subtotal, _, _, rounding, total, _) = sale_row(&s, &all_cash.sale_id);
    assert_eq!((subtotal, rounding, total), (829, 1, 830));
    assert_eq!(paid(&s, &all_cash.sale_id), total);

    let by_card = s
        .sell(&cart(vec![line(&coffee, "0.333")]), &[card("")])
        .unwrap();
    let (_, rounding, _, _, total, _) = {
        let r = sale_row(&s, &by_card.sale_id);
        (r.0, r.3, r.1, r.2, r.4, r.5)
    };
    assert_eq!((rounding, total), (0, 829), "a card pays to the cent");

    let split = s
        .sell(
            &cart(vec![line(&coffee, "0.333")]),
            &[card("5.00"), cash("5")],
        )
        .unwrap();
    // cash part 3.29 -> 3.30
    let (_, _, _, rounding, total, _) = sale_row(&s, &split.sale_id);
    assert_eq!((rounding, total), (1, 830));
    assert_eq!(split.change, "1.70");
    assert_eq!(paid(&s, &split.sale_id), total);
}

#[test]
fn a_split_payment_across_card_mobile_and_cash_adds_up_to_the_total() {
    let mut s = shop();
    s.open_session("20", false);
    let mobile = PaymentInput {
        method: "mobile".into(),
        amount: "5.00".into(),
        ..Default::default()
    };
    let done = s
        .sell(
            &cart(vec![line(&s.mug.clone(), "2")]),
            &[card("10.00"), mobile, cash("20")],
        )
        .unwrap();
    assert_eq!(done.change, "10.00");
    let methods: Vec<(String, i64)> = {
        let conn = s.t.store.conn();
        let mut stmt = conn
            .prepare("SELECT method, amount_minor FROM payment WHERE sale_id = ?1 ORDER BY seq")
            .unwrap();
        stmt.query_map([&done.sale_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        methods,
        vec![
            ("card".into(), 1000),
            ("mobile".into(), 500),
            ("cash".into(), 1000)
        ]
    );
}

#[test]
fn practice_sales_get_their_own_flagged_series_and_move_no_stock() {
    let mut s = shop();
    s.open_session("0", true);
    let mug = s.mug.clone();
    let done = s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    assert!(done.practice);
    assert_eq!(done.receipt_number, "T1-P-000001");
    assert_eq!(s.on_hand(&mug), d("10"));
    let (_, _, _, _, _, practice) = sale_row(&s, &done.sale_id);
    assert_eq!(practice, 1);
    // The live series is untouched by the rehearsal.
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| {
            popup_till_core::till::session::close(
                tx,
                &popup_till_core::till::session::CloseInput {
                    counted: "12.50".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    s.open_session("0", false);
    let live = s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    assert_eq!(live.receipt_number, "T1-000001");
    assert_eq!(s.t.count("SELECT count(*) FROM sale WHERE practice = 0"), 1);
}

#[test]
fn lines_handed_over_later_are_paid_now_but_move_no_stock() {
    let mut s = shop();
    s.open_session("0", false);
    let mut later = line(&s.mug.clone(), "2");
    later.handover_later = true;
    let mut c = cart(vec![later, line(&s.jam.clone(), "1")]);
    c.handover_contact = Some(popup_till_core::orders::ContactInput {
        name: "Noor".into(),
        phone: String::new(),
        email: "noor@example.org".into(),
    });
    let done = s.sell(&c, &[cash("")]).unwrap();
    assert_eq!(done.total, "28.30");
    assert_eq!(s.on_hand(&s.mug.clone()), d("10"));
    assert_eq!(s.on_hand(&s.jam.clone()), d("9"));
    assert_eq!(
        s.t.count("SELECT count(*) FROM sale_line WHERE handover_later = 1"),
        1
    );
}

#[test]
fn a_sale_that_drives_stock_negative_is_allowed_with_a_warning_and_a_journal_note() {
    let mut s = shop();
    s.open_session("0", false);
    let mug = s.mug.clone();
    let q = quote::quote(s.t.store.conn(), &cart(vec![line(&mug, "12")])).unwrap();
    assert_eq!(
        q.warnings,
        vec!["Stoneware mug: stock at the event goes to -2 each".to_string()]
    );
    let done = s.sell(&cart(vec![line(&mug, "12")]), &[cash("")]).unwrap();
    assert_eq!(
        done.warnings,
        vec!["Stoneware mug: stock at the event is now -2 each".to_string()]
    );
    assert_eq!(s.on_hand(&mug), d("-2"));
    let details: String =
        s.t.store
            .conn()
            .query_row(
                "SELECT details FROM audit_log WHERE action = 'sale.completed'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert!(details.contains("negative_stock"), "{details}");
    assert_eq!(s.t.count("SELECT stock_warning FROM sale"), 1);
}

#[test]
fn selling_without_an_open_till_session_is_refused() {
    let mut s = shop();
    let before = s.ledger_rows();
    let err = s
        .sell(&cart(vec![line(&s.mug.clone(), "1")]), &[cash("")])
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(
        err.to_string(),
        "no till session is open: open the till with a counted float first"
    );
    assert_eq!(s.ledger_rows(), before);
}

#[test]
fn sales_lines_and_payments_refuse_update_and_delete() {
    let mut s = shop();
    s.open_session("0", false);
    let done = s
        .sell(&cart(vec![line(&s.mug.clone(), "1")]), &[cash("")])
        .unwrap();
    let conn = s.t.store.conn();
    for sql in [
        "UPDATE sale SET total_minor = 1",
        "DELETE FROM sale",
        "UPDATE sale_line SET gross_minor = 1",
        "DELETE FROM sale_line",
        "UPDATE payment SET amount_minor = 1",
        "DELETE FROM payment",
        "DELETE FROM till_session",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(
        receipt::receipt(conn, &done.sale_id).unwrap().total,
        "12.50"
    );
}

#[test]
fn cash_tendered_coin_by_coin_is_added_by_the_core() {
    let s = shop();
    let conn = s.t.store.conn();
    assert_eq!(sale::tender_face(conn, "", "20").unwrap(), "20.00");
    assert_eq!(sale::tender_face(conn, "20.00", "0.50").unwrap(), "20.50");
    let err = sale::tender_face(conn, "20.00", "3").unwrap_err();
    assert_eq!(err.field(), Some("face"));
}
