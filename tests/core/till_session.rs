//! Till sessions: the counted float, cash in and out, the expected-cash
//! formula, the blind count with its variance, and the numbered Z report
//! that never changes.

use std::collections::BTreeMap;

use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::session::{self, CashKind, CloseInput, OpenInput};
use popup_till_core::till::z_report::{self, ZReport};
use popup_till_core::{till::void, ErrorCode};

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

fn close(s: &mut Shop, counted: &str, reason: &str) -> popup_till_core::Result<ZReport> {
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
    void::void_with_pin(
        &mut s.t.store,
        &actor,
        &first.sale_id,
        "wrong item",
        &ApprovalRequest::new(&organizer, PIN),
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
        "Reason: the count is 0.30 less than expected: say why (e.g. change given wrongly)"
    );
    assert!(session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .is_some());
    assert_eq!(s.t.count("SELECT count(*) FROM z_report"), 0);

    let z = close(&mut s, "63.00", "a coin rolled away").unwrap();
    assert_eq!(z.number, 1);
    let f = &z.figures;
    assert_eq!(f.sales_count, 2, "the voided sale does not count");
    assert_eq!((f.voids.count, f.voids.total.text.as_str()), (1, "12.50"));
    assert_eq!(f.total.text, "15.80");
    let methods: Vec<(&str, i64, &str)> = f
        .payments
        .iter()
        .map(|m| (m.method.as_str(), m.count, m.amount.text.as_str()))
        .collect();
    assert_eq!(methods, vec![("card", 2, "8.30"), ("cash", 1, "7.50")]);
    let taxes: Vec<(&str, &str)> = f
        .tax_by_rate
        .iter()
        .map(|t| (t.rate.as_str(), t.tax.text.as_str()))
        .collect();
    assert_eq!(taxes, vec![("5.5", "0.17"), ("20", "2.08")]);
    assert_eq!(
        (f.first_receipt.as_deref(), f.last_receipt.as_deref()),
        (Some("T1-000001"), Some("T1-000003"))
    );
    assert_eq!(
        (
            f.cash.expected.text.as_str(),
            f.cash.counted.text.as_str(),
            f.cash.variance.text.as_str()
        ),
        ("63.30", "63.00", "-0.30")
    );
    assert_eq!(
        (
            f.cash.opening_float.minor,
            f.cash.taken.minor,
            f.cash.change_given.minor,
            f.cash.refunded.minor,
            f.cash.paid_in.minor,
            f.cash.paid_out.minor,
            f.cash.drops.minor
        ),
        (10000, 3000, 1000, 1250, 1000, 420, 5000),
        "the Z freezes the parts of the formula"
    );
    assert_eq!(f.variance_reason, "a coin rolled away");

    // Shown again exactly as written; never changed.
    let again = z_report::z_report(s.t.store.conn(), &z.id).unwrap();
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
            "Denominations: '1.5' pieces of 0.50: enter a whole number, 0 or more",
        ),
        (
            vec![("0.50", "-2")],
            "Denominations: '-2' pieces of 0.50: enter a whole number, 0 or more",
        ),
        (
            vec![("0", "3")],
            "Denominations: '0' is not a coin or note value",
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

/// A Z report as the till stored it before every figure had one name
/// (format 1): amounts as text, `sales_count` with the voided sale in it,
/// `net_total` for the total taken.
const FORMAT_ONE: &str = r#"{"currency":"EUR","practice":false,"sales_count":3,"voids_count":1,"voids_total":"12.50","net_total":"15.80","gross_total":"28.30","discounts":"0.00","rounding":"0.00","by_method":[{"method":"cash","count":1,"amount":"7.50"},{"method":"card","count":2,"amount":"8.30"}],"tax_by_rate":[{"rate":"5.5","net":"3.13","tax":"0.17","gross":"3.30"},{"rate":"20","net":"10.42","tax":"2.08","gross":"12.50"}],"first_receipt":"T1-000001","last_receipt":"T1-000003","opening_float":"100.00","cash_taken":"30.00","change_given":"10.00","cash_refunded":"12.50","paid_in":"10.00","paid_out":"4.20","drops":"50.00","expected_cash":"63.30","counted_cash":"63.00","variance":"-0.30","variance_reason":"a coin rolled away","opened_at":"2026-12-05T09:00:00.000Z","closed_at":"2026-12-05T17:00:00.000Z"}"#;

#[test]
fn a_z_report_stored_before_the_figures_had_one_name_still_reads() {
    let mut s = shop();
    s.open_session("0", false);
    let session = session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .unwrap();
    // Stored rows are never rewritten: this one stays as format 1 wrote it.
    s.t.store
        .conn()
        .execute(
            "INSERT INTO z_report (id, device_id, session_id, number, practice, sales_count, total_minor, expected_cash_minor, counted_cash_minor, variance_minor, figures, at_utc, utc_offset_minutes)
             VALUES ('z-old', ?1, ?2, 7, 0, 3, 1580, 6330, 6300, -30, ?3, '2026-12-05T17:00:00.000Z', 60)",
            (s.t.store.device_id(), &session.id, FORMAT_ONE),
        )
        .unwrap();
    let z = z_report::z_report(s.t.store.conn(), "z-old").unwrap();
    let f = &z.figures;
    assert_eq!(f.version, 1, "it says which format it was read from");
    assert_eq!(f.sales_count, 2, "the voided sale is not a sale any more");
    assert_eq!((f.voids.count, f.voids.total.text.as_str()), (1, "12.50"));
    assert_eq!((f.total.minor, f.total.text.as_str()), (1580, "15.80"));
    assert_eq!(
        (
            f.net.text.as_str(),
            f.tax.text.as_str(),
            f.gross.text.as_str()
        ),
        ("13.55", "2.25", "15.80"),
        "the sums of its rates"
    );
    assert_eq!(f.average_basket.text, "7.90");
    let methods: Vec<(&str, i64, i64)> = f
        .payments
        .iter()
        .map(|p| (p.method.as_str(), p.count, p.amount.minor))
        .collect();
    assert_eq!(methods, vec![("cash", 1, 750), ("card", 2, 830)]);
    assert_eq!(
        (
            f.cash.expected.minor,
            f.cash.counted.minor,
            f.cash.variance.minor,
            f.cash.refunded.minor,
            f.cash.drops.minor
        ),
        (6330, 6300, -30, 1250, 5000)
    );
    assert_eq!(f.variance_reason, "a coin rolled away");
    assert!(z_report::z_reports(s.t.store.conn())
        .unwrap()
        .iter()
        .any(|z| z.id == "z-old"));

    // A format this till does not know is refused by name, not misread.
    let err = z_report::read_figures(r#"{"version": 9}"#).unwrap_err();
    assert!(err.contains("format 9"), "{err}");
}
