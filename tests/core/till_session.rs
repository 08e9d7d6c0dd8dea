//! Till sessions: the counted float, cash in and out, the expected-cash
//! formula, the blind count with its variance, and the numbered Z report
//! that never changes.

use std::collections::BTreeMap;

use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::session::{self, CashKind, CloseInput, CountInput, OpenInput};
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

fn close(s: &mut Shop, counted: &str) -> popup_till_core::Result<ZReport> {
    let actor = s.cashier();
    s.t.store.write(&actor, |tx| {
        session::close(
            tx,
            &CloseInput {
                counted: counted.into(),
                denominations: None,
            },
        )
    })
}

fn give_reason(s: &mut Shop, session_id: &str, reason: &str) -> popup_till_core::Result<ZReport> {
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| session::give_reason(tx, session_id, reason))
}

fn recount(
    s: &mut Shop,
    session_id: &str,
    counted: &str,
    approval: &ApprovalRequest,
) -> popup_till_core::Result<ZReport> {
    let actor = s.cashier();
    session::recount_with_pin(
        &mut s.t.store,
        &actor,
        session_id,
        &CountInput {
            counted: counted.into(),
            denominations: None,
        },
        approval,
    )
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

    let z = close(&mut s, "63.00").unwrap();
    assert!(z.count.needs_reason, "a variance asks for a reason, after");
    let z = give_reason(&mut s, &session.id, "a coin rolled away").unwrap();
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
    assert_eq!(
        f.variance_reason, "",
        "the reason is given after the freeze"
    );
    assert_eq!(z.count.reason.as_deref(), Some("a coin rolled away"));
    assert!(!z.count.needs_reason);

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
    assert_eq!(close(&mut s, "0").unwrap().number, 2);
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
    close(&mut s, "10").unwrap();
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
            popup_till_core::shop::events::close(
                tx,
                &popup_till_core::shop::people::Approval::file_holder(),
                &event,
            )
        })
        .unwrap();
    let err = s
        .sell(&cart(vec![line(&s.mug.clone(), "1")]), &[cash("")])
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("close this till session"), "{err}");
    assert_eq!(s.t.count("SELECT count(*) FROM sale"), 0);
    assert_eq!(close(&mut s, "0").unwrap().number, 1);
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

/// The figures' text must not appear in what the close says before the
/// count is committed.
fn reveals(text: &str, figures: &[&str]) -> bool {
    figures.iter().any(|f| text.contains(f))
}

#[test]
fn the_close_is_blind_the_count_is_kept_as_entered_and_the_reason_comes_after() {
    let mut s = shop();
    s.open_session("100", false);
    let mug = s.mug.clone();
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("20")]).unwrap();
    let session = session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .unwrap();
    let expected = session::cash_parts(s.t.store.conn(), &session.id)
        .unwrap()
        .expected();
    assert_eq!(expected, 11250);
    // What the drawer should hold, and how far the counts below are off.
    let secrets = [
        "112.50", "11250", "0.50", "expected", "variance", "differ", "short", "than",
    ];

    // Errors before the count is committed say what is wrong with the
    // count, and nothing of the expected cash or a difference.
    let journal = s.t.journal_len();
    for bad in ["", "abc", "-5", "1.234"] {
        let err = close(&mut s, bad).unwrap_err();
        assert_eq!(err.field(), Some("counted"), "{bad}: {err}");
        let text = format!("{err} {err:?}");
        assert!(!reveals(&text, &secrets), "{bad}: {text}");
    }
    assert_eq!(s.t.journal_len(), journal, "nothing was written");
    assert_eq!(s.t.count("SELECT count(*) FROM cash_count"), 0);
    assert!(session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .is_some());

    // A count that is off is not refused: it is recorded as entered and
    // the session closes with it.
    let z = close(&mut s, "112.00").unwrap();
    assert!(session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .is_none());
    let stored: (i64, i64, Option<String>) =
        s.t.store
            .conn()
            .query_row(
                "SELECT number, counted_minor, approved_by FROM cash_count WHERE session_id = ?1",
                [&session.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
    assert_eq!(stored, (1, 11200, None));
    assert_eq!(
        (
            z.figures.cash.expected.text.as_str(),
            z.figures.cash.counted.text.as_str(),
            z.figures.cash.variance.text.as_str()
        ),
        ("112.50", "112.00", "-0.50"),
        "the Z shows them once the count is in"
    );
    assert!(z.count.needs_reason && !z.count.recounted);
    assert_eq!(z.count.reason, None);

    // The reason comes after, as its own journaled record; it needs words.
    assert_eq!(
        give_reason(&mut s, &session.id, "  ").unwrap_err().field(),
        Some("reason")
    );
    let journal = s.t.journal_len();
    let z = give_reason(&mut s, &session.id, "change given wrongly").unwrap();
    assert_eq!(s.t.journal_len(), journal + 1);
    assert_eq!(z.count.reason.as_deref(), Some("change given wrongly"));
    assert!(!z.count.needs_reason);
    assert_eq!(
        z_report::z_report(s.t.store.conn(), &z.id).unwrap(),
        z,
        "shown again, the same"
    );
    for sql in [
        "UPDATE cash_count SET counted_minor = 11250",
        "DELETE FROM cash_count",
        "UPDATE cash_count_reason SET reason = 'x'",
        "DELETE FROM cash_count_reason",
    ] {
        let err = s.t.store.conn().execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn a_recount_needs_an_organizer_and_keeps_both_counts_while_the_z_stays_as_issued() {
    let mut s = shop();
    s.open_session("100", false);
    let session = session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .unwrap();
    // A reason cannot be given, nor a recount made, while the till is open.
    assert_eq!(
        give_reason(&mut s, &session.id, "x").unwrap_err().code(),
        ErrorCode::Conflict
    );
    let z = close(&mut s, "90").unwrap();
    assert_eq!(z.figures.cash.variance.text, "-10.00");

    // Without an organizer's PIN, or with a wrong one: refused, nothing kept.
    let organizer = s.organizer.clone();
    let journal = s.t.journal_len();
    let err = recount(&mut s, &session.id, "100", &ApprovalRequest::none()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    let err = recount(
        &mut s,
        &session.id,
        "100",
        &ApprovalRequest::new(&organizer, "0000"),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized, "{err}");
    assert_eq!(s.t.count("SELECT count(*) FROM cash_count"), 1);
    let _ = journal;

    // With it: both counts kept, the variance follows the latest.
    let again = recount(
        &mut s,
        &session.id,
        "99.50",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap();
    assert_eq!(again.id, z.id);
    assert_eq!(again.number, z.number, "the Z keeps its number");
    assert_eq!(again.figures, z.figures, "and its frozen figures");
    assert!(again.count.recounted);
    let counts: Vec<(i64, &str, &str, Option<&str>)> = again
        .count
        .counts
        .iter()
        .map(|c| {
            (
                c.number,
                c.counted.text.as_str(),
                c.variance.text.as_str(),
                c.approved_by.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![
            (1, "90.00", "-10.00", None),
            (2, "99.50", "-0.50", Some(organizer.as_str()))
        ]
    );
    assert_eq!(
        (
            again.count.counted.text.as_str(),
            again.count.variance.text.as_str()
        ),
        ("99.50", "-0.50")
    );
    assert!(again.count.needs_reason, "the latest count is still off");
    let z = give_reason(&mut s, &session.id, "a coin under the tray").unwrap();
    assert_eq!(
        z.count.counts[1].reason.as_deref(),
        Some("a coin under the tray")
    );
    assert_eq!(z.count.counts[0].reason, None);

    // The reports follow the latest count.
    let scope = popup_till_core::reporting::scope::Scope::Session(session.id.clone());
    let currency = popup_till_core::shop::settings::load(s.t.store.conn())
        .unwrap()
        .currency;
    let cash = popup_till_core::reporting::figures::cash_figures(
        s.t.store.conn(),
        &scope,
        false,
        &currency,
    )
    .unwrap();
    assert_eq!(
        (cash.expected.minor, cash.counted.minor, cash.variance.minor),
        (10000, 9950, -50)
    );

    // A recount that matches needs no reason; a reason for it is refused.
    let z = recount(
        &mut s,
        &session.id,
        "100",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap();
    assert!(!z.count.needs_reason && z.count.variance.minor == 0);
    assert_eq!(
        give_reason(&mut s, &session.id, "x").unwrap_err().code(),
        ErrorCode::Conflict
    );
    assert_eq!(s.t.count("SELECT count(*) FROM cash_count"), 3);
}
