//! A refund: at the price paid, in the session that pays it out, to the
//! tender it was paid with, within what was sold, with its stock, receipt
//! and journal entry.

use popup_till_core::db::journal;
use popup_till_core::returns::{self, receipt, RefundInput, RefundLineInput, SaleQuery};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::session;
use popup_till_core::till::void;
use popup_till_core::ErrorCode;

use super::{back, next_event, of_sale, refund, refund_approved, sale_lines, tender};
use crate::checkout::d;
use crate::till_support::{amount, card, cart, cash, line, percent, shop, shop_with, PIN};

/// (quantity_milli, amount, line discount, sale discount, net, tax, gross)
fn stored(s: &crate::till_support::Shop, table: &str, id: &str) -> [i64; 7] {
    s.t.store
        .conn()
        .query_row(
            &format!(
                "SELECT quantity_milli, amount_minor, line_discount_minor, sale_discount_minor, net_minor, tax_minor, gross_minor
                 FROM {table} WHERE id = ?1"
            ),
            [id],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?]),
        )
        .unwrap()
}

fn refunded_of(s: &crate::till_support::Shop, sale_line: &str) -> [i64; 7] {
    s.t.store
        .conn()
        .query_row(
            "SELECT coalesce(sum(quantity_milli), 0), coalesce(sum(amount_minor), 0), coalesce(sum(line_discount_minor), 0),
                    coalesce(sum(sale_discount_minor), 0), coalesce(sum(net_minor), 0), coalesce(sum(tax_minor), 0),
                    coalesce(sum(gross_minor), 0)
             FROM refund_line WHERE sale_line_id = ?1",
            [sale_line],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?]),
        )
        .unwrap()
}

#[test]
fn a_line_of_an_earlier_sale_comes_back_at_the_price_paid_in_todays_session() {
    let mut s = shop();
    s.open_session("50", false);
    let (mug, jam, coffee) = (s.mug.clone(), s.jam.clone(), s.coffee.clone());
    let mut c = cart(vec![
        line(&mug, "3"),
        line(&jam, "2"),
        line(&coffee, "0.400"),
    ]);
    c.lines[0].discount = percent("10");
    c.sale_discount = amount("2.00");
    let sale = s.sell(&c, &[cash("")]).unwrap();
    let lines = sale_lines(&s, &sale.sale_id);

    // A week later, at another event: the sale is found by its number.
    let next = next_event(&mut s, "100");
    let found = returns::find_sales(
        s.t.store.conn(),
        s.t.store.device_id(),
        &SaleQuery {
            receipt: sale.receipt_number.to_lowercase(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].receipt_number, sale.receipt_number);
    let by_number = returns::find_sales(
        s.t.store.conn(),
        s.t.store.device_id(),
        &SaleQuery {
            receipt: "1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(by_number[0].sale_id, sale.sale_id);

    // One mug of three: exactly a third of what the line paid, its line
    // discount and its share of the sale discount coming off.
    let session = session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .unwrap();
    let expected_before = session::cash_parts(s.t.store.conn(), &session.id)
        .unwrap()
        .expected();
    let done = refund(&mut s, &of_sale(&sale.sale_id, vec![back(&lines[0], "1")])).unwrap();
    assert_eq!(done.receipt_number, "T1-R-000001");
    assert_eq!(
        done.sale_receipt_number.as_deref(),
        Some(sale.receipt_number.as_str())
    );
    let line = stored(&s, "sale_line", &lines[0]);
    let third = |x: i64| (2 * x + 3) / 6;
    let got = refunded_of(&s, &lines[0]);
    assert_eq!(got[0], 1000);
    assert_eq!(got[6], third(line[6]), "gross");
    assert_eq!(got[5], third(line[5]), "tax");
    assert_eq!(got[2], third(line[2]), "line discount");
    assert_eq!(got[3], third(line[3]), "sale discount");
    assert_eq!(got[4] + got[5], got[6]);
    assert_eq!(got[1] - got[2] - got[3], got[6]);
    assert_eq!(done.total_minor, got[6], "no cash rounding in this shop");

    // It belongs to today's session and event, pays out of today's drawer.
    let (event_id, session_id): (String, String) =
        s.t.store
            .conn()
            .query_row(
                "SELECT event_id, session_id FROM refund WHERE id = ?1",
                [&done.refund_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
    assert_eq!(
        (event_id.as_str(), session_id.as_str()),
        (next.as_str(), session.id.as_str())
    );
    let after = session::cash_parts(s.t.store.conn(), &session.id).unwrap();
    assert_eq!(after.refunds, done.total_minor);
    assert_eq!(after.expected(), expected_before - done.total_minor);
    // Back to stock at today's event, linked to the refund.
    let moved: i64 = s.t.count(&format!(
        "SELECT sum(quantity_milli) FROM stock_movement WHERE source_type = 'refund' AND source_id = '{}'
           AND kind = 'return' AND event_id = '{next}' AND product_id = '{mug}'",
        done.refund_id
    ));
    assert_eq!(moved, 1000);

    // The rest of the line and then every other line: the refunds add up
    // to what the sale stored, to the cent.
    refund(&mut s, &of_sale(&sale.sale_id, vec![back(&lines[0], "2")])).unwrap();
    assert_eq!(refunded_of(&s, &lines[0]), line);
    refund(
        &mut s,
        &of_sale(
            &sale.sale_id,
            vec![back(&lines[1], "2"), back(&lines[2], "0.15")],
        ),
    )
    .unwrap();
    refund(
        &mut s,
        &of_sale(&sale.sale_id, vec![back(&lines[2], "0.25")]),
    )
    .unwrap();
    for l in &lines {
        assert_eq!(refunded_of(&s, l), stored(&s, "sale_line", l));
    }
    let paid_back = s.t.count(&format!(
        "SELECT sum(total_minor) FROM refund WHERE sale_id = '{}'",
        sale.sale_id
    ));
    assert_eq!(
        paid_back,
        s.t.count(&format!(
            "SELECT total_minor FROM sale WHERE id = '{}'",
            sale.sale_id
        ))
    );
    // The refund receipt names the sale; the journal carries the figures.
    let r = receipt::refund_receipt(s.t.store.conn(), &done.refund_id).unwrap();
    assert_eq!(
        r.sale_receipt_number.as_deref(),
        Some(sale.receipt_number.as_str())
    );
    assert!(!r.without_receipt);
    assert_eq!(r.check_code.as_ref().map(String::len), Some(8));
    let details: String = s
        .t
        .store
        .conn()
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'refund.completed' AND entity_id = ?1",
            [&done.refund_id],
            |r| r.get(0),
        )
        .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["total_minor"], done.total_minor);
    assert_eq!(details["refund_lines"][0]["quantity_milli"], 1000);
    assert_eq!(details["refund_lines"][0]["gross_minor"], got[6]);
    assert_eq!(details["stock_movements"][0]["kind"], "return");
    assert!(journal::verify(s.t.store.conn()).unwrap().holds());
}

#[test]
fn never_more_than_was_sold_less_what_came_back_and_the_file_holds_it_too() {
    let mut s = shop();
    s.open_session("50", false);
    let mug = s.mug.clone();
    let sale = s.sell(&cart(vec![line(&mug, "2")]), &[cash("")]).unwrap();
    let lines = sale_lines(&s, &sale.sale_id);
    refund(&mut s, &of_sale(&sale.sale_id, vec![back(&lines[0], "1")])).unwrap();
    let before = s.ledger_rows();
    let journal = s.t.journal_len();
    let err = refund(&mut s, &of_sale(&sale.sale_id, vec![back(&lines[0], "2")])).unwrap_err();
    assert_eq!(err.field(), Some("lines[0].quantity"), "{err}");
    assert!(err.to_string().contains("at most 1"), "{err}");
    assert_eq!((s.ledger_rows(), s.t.journal_len()), (before, journal));
    // Nothing chosen, a half mug, a line of another sale: refused.
    let err = refund(&mut s, &of_sale(&sale.sale_id, vec![back(&lines[0], "")])).unwrap_err();
    assert_eq!(err.field(), Some("lines"));
    let err = refund(
        &mut s,
        &of_sale(&sale.sale_id, vec![back(&lines[0], "0.5")]),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("lines[0].quantity"));
    let other = s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    let err = refund(&mut s, &of_sale(&other.sale_id, vec![back(&lines[0], "1")])).unwrap_err();
    assert_eq!(err.field(), Some("lines[0].sale_line_id"));
    // Even written behind the till's back, the file refuses a second mug.
    let refund_id: String =
        s.t.store
            .conn()
            .query_row("SELECT refund_id FROM refund_line LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
    let sneaked = s.t.store.conn().execute(
        "INSERT INTO refund_line (id, device_id, refund_id, line_no, sale_line_id, product_id, sku, name, unit, unit_price,
            quantity, quantity_milli, amount_minor, tax_rate, net_minor, tax_minor, gross_minor)
         SELECT 'x', device_id, ?1, 9, id, product_id, sku, name, unit, unit_price, '2', 2000, 0, tax_rate, 0, 0, 0
         FROM sale_line WHERE id = ?2",
        (&refund_id, &lines[0]),
    );
    assert!(sneaked.is_err());
}

#[test]
fn cash_rounded_down_at_the_sale_comes_back_rounded_down() {
    // 0.05 cash steps: 3.53 + 3.49 = 7.02, paid as 7.00 in cash.
    let mut s = shop_with("inclusive", "0.05");
    s.open_session("50", false);
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let mut c = cart(vec![line(&mug, "1"), line(&jam, "1")]);
    c.lines[0].price_override = Some("3.53".into());
    c.lines[1].price_override = Some("3.49".into());
    let sale = s.sell_approved(&c, &[cash("10")], PIN).unwrap();
    assert_eq!(sale.total, "7.00");
    let lines = sale_lines(&s, &sale.sale_id);
    let first = refund(&mut s, &of_sale(&sale.sale_id, vec![back(&lines[0], "1")])).unwrap();
    assert_eq!(first.cash, "3.55");
    let second = refund(&mut s, &of_sale(&sale.sale_id, vec![back(&lines[1], "1")])).unwrap();
    assert_eq!(second.cash, "3.45");
    assert_eq!(first.total_minor + second.total_minor, 700);
    // Both at once: 7.00 too.
    let again = s.sell_approved(&c, &[cash("")], PIN).unwrap();
    let lines = sale_lines(&s, &again.sale_id);
    let whole = refund(
        &mut s,
        &of_sale(
            &again.sale_id,
            vec![back(&lines[0], "1"), back(&lines[1], "1")],
        ),
    )
    .unwrap();
    assert_eq!(whole.cash, "7.00");
}

#[test]
fn back_to_the_tender_it_was_paid_with_another_needs_an_organizer() {
    let mut s = shop();
    s.open_session("50", false);
    let mug = s.mug.clone();
    let sale = s.sell(&cart(vec![line(&mug, "2")]), &[card("")]).unwrap();
    let lines = sale_lines(&s, &sale.sale_id);
    // To the card, by default: the terminal's reference is asked for.
    let mut input = of_sale(&sale.sale_id, vec![back(&lines[0], "1")]);
    let quote =
        returns::refund::quote(s.t.store.conn(), s.t.store.device_id(), &input, None).unwrap();
    assert_eq!(quote.tenders.len(), 1);
    assert_eq!(quote.tenders[0].method, "card");
    assert!(quote.tenders[0].needs_reference);
    assert!(!quote.needs_approval);
    let err = refund(&mut s, &{
        let mut i = input.clone();
        i.tenders = vec![tender("card", "", "")];
        i
    })
    .unwrap_err();
    assert_eq!(err.field(), Some("reference"));
    // In cash instead: another tender, an organizer approves.
    input.tenders = vec![tender("cash", "", "")];
    let before = s.t.journal_len();
    let err = refund(&mut s, &input).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded, "{err}");
    assert!(err.to_string().contains("another tender"), "{err}");
    assert_eq!(s.t.journal_len(), before);
    let done = refund_approved(&mut s, &input).unwrap();
    assert!(done.cash_paid);
    let approved: Option<String> =
        s.t.store
            .conn()
            .query_row(
                "SELECT approved_by FROM refund WHERE id = ?1",
                [&done.refund_id],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(approved.as_deref(), Some(s.organizer.as_str()));
    // The other mug to the card with its reference: within what it paid.
    input.lines = vec![back(&lines[0], "1")];
    input.tenders = vec![tender("card", "", "TRM-0042")];
    let card_back = refund(&mut s, &input).unwrap();
    let r = receipt::refund_receipt(s.t.store.conn(), &card_back.refund_id).unwrap();
    assert_eq!(r.payments[0].method, "card");
    assert_eq!(r.payments[0].reference.as_deref(), Some("TRM-0042"));
}

#[test]
fn above_the_limit_or_without_a_receipt_an_organizer_approves() {
    let mut s = shop();
    s.open_session("200", false);
    let mug = s.mug.clone();
    // 9 mugs: 112.50, above the default limit of 100.00.
    let sale = s.sell(&cart(vec![line(&mug, "9")]), &[cash("")]).unwrap();
    let lines = sale_lines(&s, &sale.sale_id);
    let input = of_sale(&sale.sale_id, vec![back(&lines[0], "9")]);
    let err = refund(&mut s, &input).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert!(err.to_string().contains("above 100.00"), "{err}");
    refund_approved(&mut s, &input).unwrap();

    // Without a receipt: at today's price, marked so.
    let input = RefundInput {
        sale_id: None,
        lines: vec![RefundLineInput {
            product_id: Some(mug.clone()),
            quantity: "1".into(),
            ..Default::default()
        }],
        reason: "gift, no receipt".into(),
        ..Default::default()
    };
    let err = refund(&mut s, &input).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert!(err.to_string().contains("without a receipt"), "{err}");
    let done = refund_approved(&mut s, &input).unwrap();
    assert_eq!(done.total, "12.50");
    let r = receipt::refund_receipt(s.t.store.conn(), &done.refund_id).unwrap();
    assert!(r.without_receipt);
    assert_eq!(r.sale_receipt_number, None);
}

#[test]
fn damaged_goods_are_written_off_with_a_reason_and_the_rest_goes_back_to_stock() {
    let mut s = shop();
    s.open_session("50", false);
    let (mug, coffee) = (s.mug.clone(), s.coffee.clone());
    let sale = s
        .sell(
            &cart(vec![line(&mug, "2"), line(&coffee, "1")]),
            &[cash("")],
        )
        .unwrap();
    assert_eq!(s.on_hand(&mug), d("8"));
    let lines = sale_lines(&s, &sale.sale_id);
    let mut cracked = back(&lines[0], "1");
    cracked.damaged = true;
    let err = refund(&mut s, &of_sale(&sale.sale_id, vec![cracked.clone()])).unwrap_err();
    assert_eq!(err.field(), Some("lines[0].damage_reason"));
    cracked.damage_reason = "cracked glaze".into();
    let done = refund(
        &mut s,
        &of_sale(&sale.sale_id, vec![cracked, back(&lines[1], "0.25")]),
    )
    .unwrap();
    // The cracked mug came back and was written off; the coffee is back.
    assert_eq!(s.on_hand(&mug), d("8"));
    assert_eq!(s.on_hand(&coffee), d("4.25"));
    let waste: (i64, String) = s
        .t
        .store
        .conn()
        .query_row(
            "SELECT quantity_milli, reason FROM stock_movement WHERE source_type = 'refund' AND source_id = ?1 AND kind = 'waste'",
            [&done.refund_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(waste, (-1000, "cracked glaze".to_string()));
}

#[test]
fn a_practice_session_refunds_practice_sales_only() {
    let mut s = shop();
    s.open_session("50", false);
    let mug = s.mug.clone();
    let live = s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    let live_lines = sale_lines(&s, &live.sale_id);
    next_event(&mut s, "50");
    // Close the live till; open a practice one.
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| {
            let open = session::current(tx, tx.device_id)?.unwrap();
            let expected = session::cash_parts(tx, &open.id)?.expected();
            session::close(
                tx,
                &session::CloseInput {
                    counted: format!("{}.{:02}", expected / 100, expected % 100),
                    denominations: None,
                },
            )
        })
        .unwrap();
    s.open_session("20", true);
    let err = refund(
        &mut s,
        &of_sale(&live.sale_id, vec![back(&live_lines[0], "1")]),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let practice = s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    let lines = sale_lines(&s, &practice.sale_id);
    let stock_before = s.on_hand(&mug);
    let done = refund(
        &mut s,
        &of_sale(&practice.sale_id, vec![back(&lines[0], "1")]),
    )
    .unwrap();
    assert!(done.practice);
    assert_eq!(done.receipt_number, "T1-PR-000001");
    assert_eq!(s.on_hand(&mug), stock_before, "a rehearsal moves no goods");
}

#[test]
fn a_refund_sent_twice_pays_once() {
    let mut s = shop();
    s.open_session("50", false);
    let mug = s.mug.clone();
    let sale = s.sell(&cart(vec![line(&mug, "3")]), &[cash("")]).unwrap();
    let lines = sale_lines(&s, &sale.sale_id);
    let mut input = of_sale(&sale.sale_id, vec![back(&lines[0], "1")]);
    let quote =
        returns::refund::quote(s.t.store.conn(), s.t.store.device_id(), &input, None).unwrap();
    input.refund_key = Some(quote.refund_key);
    let first = refund(&mut s, &input).unwrap();
    let rows = s.ledger_rows();
    let second = refund(&mut s, &input).unwrap();
    assert_eq!(first.refund_id, second.refund_id);
    assert_eq!(s.ledger_rows(), rows);
    assert_eq!(s.t.count("SELECT count(*) FROM refund"), 1);
}

#[test]
fn a_voided_sale_is_not_refunded_and_a_refunded_one_is_not_voided() {
    let mut s = shop();
    s.open_session("50", false);
    let mug = s.mug.clone();
    let actor = s.cashier();
    let organizer = s.organizer.clone();
    let a = s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    let b = s.sell(&cart(vec![line(&mug, "2")]), &[cash("")]).unwrap();
    void::void_with_pin(
        &mut s.t.store,
        &actor,
        &a.sale_id,
        "rang twice",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap();
    let a_lines = sale_lines(&s, &a.sale_id);
    let err = refund(&mut s, &of_sale(&a.sale_id, vec![back(&a_lines[0], "1")])).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let b_lines = sale_lines(&s, &b.sale_id);
    refund(&mut s, &of_sale(&b.sale_id, vec![back(&b_lines[0], "1")])).unwrap();
    let err = void::void_with_pin(
        &mut s.t.store,
        &actor,
        &b.sale_id,
        "oops",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
}

#[test]
fn sales_are_found_by_date_amount_or_product() {
    let mut s = shop();
    s.open_session("50", false);
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    let jam_sale = s.sell(&cart(vec![line(&jam, "2")]), &[cash("")]).unwrap();
    let find =
        |q: SaleQuery| returns::find_sales(s.t.store.conn(), s.t.store.device_id(), &q).unwrap();
    let by_product = find(SaleQuery {
        product: "plum".into(),
        ..Default::default()
    });
    assert_eq!(by_product.len(), 1);
    assert_eq!(by_product[0].sale_id, jam_sale.sale_id);
    let by_amount = find(SaleQuery {
        amount: "6.60".into(),
        ..Default::default()
    });
    assert_eq!(by_amount[0].sale_id, jam_sale.sale_id);
    let today: String =
        s.t.store
            .conn()
            .query_row(
                "SELECT date(at_utc, utc_offset_minutes || ' minutes') FROM sale LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(
        find(SaleQuery {
            date: today,
            ..Default::default()
        })
        .len(),
        2
    );
    let err = returns::find_sales(
        s.t.store.conn(),
        s.t.store.device_id(),
        &SaleQuery::default(),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("receipt"));
    // What of it can come back, line by line and tender by tender.
    let view = returns::refundable_sale(s.t.store.conn(), s.t.store.device_id(), &jam_sale.sale_id)
        .unwrap();
    assert_eq!(view.lines[0].refundable, "2");
    assert_eq!(view.tenders[0].method, "cash");
    assert_eq!(view.tenders[0].left, "6.60");
    assert!(view.refusal.is_none());
}
