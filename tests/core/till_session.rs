//! Till sessions: the counted float, cash in and out, the expected-cash
//! formula, the blind count with its variance, and the numbered Z report
//! that never changes.

use std::collections::BTreeMap;

use popup_till_core::till::session::{self, CashKind, CloseInput, OpenInput};
use popup_till_core::{till::checkout, ErrorCode};

use crate::till_support::{card, cart, cash, line, shop, Shop, PIN};

fn move_cash(
    s: &mut Shop,
    kind: CashKind,
    amount: &str,
    reason: &str,
) -> popup_till_core::Result<String> {
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| session::move_cash(tx, kind, amount, reason))
}

fn close(s: &mut Shop, counted: &str, reason: &str) -> popup_till_core::Result<session::ZReport> {
    let actor = s.cashier();
    s.t.store.write(&actor, |tx| {
        session::close(
            tx,
            &CloseInput {
                counted: counted.into(),
                denominations: None,
                reason: reason.into(),
            },
        )
    })
}

#[test]
fn expected_cash_follows_the_formula_and_the_z_report_freezes_the_day() {
    let mut s = shop();
    let actor = s.cashier();
    let session =
        s.t.store
            .write(&actor, |tx| {
                session::open(
                    tx,
                    &OpenInput {
                        float: String::new(),
                        denominations: Some(BTreeMap::from([
                            ("20".to_string(), "4".to_string()),
                            ("10.00".to_string(), "2".to_string()),
                        ])),
                        practice: false,
                    },
                )
            })
            .unwrap();
    assert_eq!(session.opening_float, "100.00");
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let first = s.sell(&cart(vec![line(&mug, "1")]), &[cash("20")]).unwrap();
    assert_eq!(first.change, "7.50");
    s.sell(&cart(vec![line(&jam, "1")]), &[card("")]).unwrap();
    let split = s
        .sell(&cart(vec![line(&mug, "1")]), &[card("5"), cash("10")])
        .unwrap();
    assert_eq!(split.change, "2.50");
    move_cash(&mut s, CashKind::PaidIn, "10", "more coins").unwrap();
    move_cash(&mut s, CashKind::PaidOut, "4.20", "ice for the drinks").unwrap();
    move_cash(&mut s, CashKind::Drop, "50", "to the safe").unwrap();
    let organizer = s.organizer.clone();
    checkout::void_with_pin(
        &mut s.t.store,
        &actor,
        &first.sale_id,
        "wrong item",
        &organizer,
        PIN,
    )
    .unwrap();

    let parts = session::cash_parts(s.t.store.conn(), &session.id).unwrap();
    // 100 + 30 taken − 10 change − 12.50 refunded + 10 in − 4.20 out − 50 dropped
    assert_eq!(
        (
            parts.float,
            parts.taken,
            parts.change,
            parts.refunded,
            parts.paid_in,
            parts.paid_out,
            parts.drops
        ),
        (10000, 3000, 1000, 1250, 1000, 420, 5000)
    );
    assert_eq!(parts.expected(), 6330);

    let err = close(&mut s, "63.00", "").unwrap_err();
    assert_eq!(err.field(), Some("reason"));
    assert_eq!(
        err.to_string(),
        "reason: the count is 0.30 less than expected: say why (e.g. change given wrongly)"
    );
    assert!(session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .is_some());
    assert_eq!(s.t.count("SELECT count(*) FROM z_report"), 0);

    let z = close(&mut s, "63.00", "a coin rolled away").unwrap();
    assert_eq!(z.number, 1);
    let f = &z.figures;
    assert_eq!(f.sales_count, 3);
    assert_eq!((f.voids_count, f.voids_total.as_str()), (1, "12.50"));
    assert_eq!(f.net_total, "15.80");
    let methods: Vec<(&str, i64, &str)> = f
        .by_method
        .iter()
        .map(|m| (m.method.as_str(), m.count, m.amount.as_str()))
        .collect();
    assert_eq!(methods, vec![("cash", 1, "7.50"), ("card", 2, "8.30")]);
    let taxes: Vec<(&str, &str)> = f
        .tax_by_rate
        .iter()
        .map(|t| (t.rate.as_str(), t.tax.as_str()))
        .collect();
    assert_eq!(taxes, vec![("5.5", "0.17"), ("20", "2.08")]);
    assert_eq!(
        (f.first_receipt.as_deref(), f.last_receipt.as_deref()),
        (Some("T1-000001"), Some("T1-000003"))
    );
    assert_eq!(
        (
            f.expected_cash.as_str(),
            f.counted_cash.as_str(),
            f.variance.as_str()
        ),
        ("63.30", "63.00", "-0.30")
    );
    assert_eq!(f.variance_reason, "a coin rolled away");

    // Shown again exactly as written; never changed.
    let again = session::z_report(s.t.store.conn(), &z.id).unwrap();
    assert_eq!(again, z);
    let err =
        s.t.store
            .conn()
            .execute("UPDATE z_report SET total_minor = 0", [])
            .unwrap_err();
    assert!(err.to_string().contains("append-only"));
    let err =
        s.t.store
            .conn()
            .execute("UPDATE till_session SET counted_minor = 6330", [])
            .unwrap_err();
    assert!(err.to_string().contains("append-only"));

    // The next session's report takes the next number.
    s.open_session("0", false);
    assert_eq!(close(&mut s, "0", "").unwrap().number, 2);
}

#[test]
fn a_till_needs_an_open_event_and_only_one_session_at_a_time() {
    let mut s = shop();
    s.open_session("10", false);
    let actor = s.cashier();
    let err =
        s.t.store
            .write(&actor, |tx| {
                session::open(
                    tx,
                    &OpenInput {
                        float: "5".into(),
                        ..Default::default()
                    },
                )
            })
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    close(&mut s, "10", "").unwrap();
    let err =
        s.t.store
            .write(&actor, |tx| {
                session::open(
                    tx,
                    &OpenInput {
                        float: "-5".into(),
                        ..Default::default()
                    },
                )
            })
            .unwrap_err();
    assert_eq!(err.field(), Some("float"));
    assert_eq!(s.t.count("SELECT count(*) FROM till_session"), 1);
}

#[test]
fn cash_movements_need_an_amount_and_a_reason() {
    let mut s = shop();
    s.open_session("10", false);
    let journal = s.t.journal_len();
    assert_eq!(
        move_cash(&mut s, CashKind::PaidOut, "3", " ")
            .unwrap_err()
            .field(),
        Some("reason")
    );
    assert_eq!(
        move_cash(&mut s, CashKind::PaidOut, "0", "x")
            .unwrap_err()
            .field(),
        Some("amount")
    );
    assert_eq!(
        move_cash(&mut s, CashKind::Drop, "1.234", "x")
            .unwrap_err()
            .field(),
        Some("amount")
    );
    assert_eq!(s.t.count("SELECT count(*) FROM cash_movement"), 0);
    assert_eq!(s.t.journal_len(), journal);
}

#[test]
fn a_session_whose_event_was_closed_sells_nothing_more_but_can_be_closed() {
    let mut s = shop();
    s.open_session("0", false);
    let event = s.event.clone();
    s.t.store
        .write(&popup_till_core::Actor::system("test"), |tx| {
            popup_till_core::shop::events::close(tx, &event)
        })
        .unwrap();
    let err = s
        .sell(&cart(vec![line(&s.mug.clone(), "1")]), &[cash("")])
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("close this till session"), "{err}");
    assert_eq!(s.t.count("SELECT count(*) FROM sale"), 0);
    assert_eq!(close(&mut s, "0", "").unwrap().number, 1);
}

#[test]
fn a_count_by_denomination_is_summed_and_bad_counts_name_the_field() {
    let mut s = shop();
    let actor = s.cashier();
    let open = |pieces: &[(&str, &str)]| OpenInput {
        float: String::new(),
        denominations: Some(
            pieces
                .iter()
                .map(|(f, c)| (f.to_string(), c.to_string()))
                .collect(),
        ),
        practice: false,
    };
    for (pieces, message) in [
        (
            vec![("0.50", "1.5")],
            "denominations: '1.5' pieces of 0.50: enter a whole number, 0 or more",
        ),
        (
            vec![("0.50", "-2")],
            "denominations: '-2' pieces of 0.50: enter a whole number, 0 or more",
        ),
        (
            vec![("0", "3")],
            "denominations: '0' is not a coin or note value",
        ),
    ] {
        let err =
            s.t.store
                .write(&actor, |tx| session::open(tx, &open(&pieces)))
                .unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    assert_eq!(s.t.count("SELECT count(*) FROM till_session"), 0);
    let session =
        s.t.store
            .write(&actor, |tx| {
                session::open(tx, &open(&[("0.50", "10"), ("5", "3"), ("1", "")]))
            })
            .unwrap();
    assert_eq!(session.opening_float, "20.00");
    let stored: String =
        s.t.store
            .conn()
            .query_row("SELECT opening_denominations FROM till_session", [], |r| {
                r.get(0)
            })
            .unwrap();
    assert_eq!(stored, r#"{"0.50":10,"5.00":3}"#);
}
