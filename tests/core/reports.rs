//! The event report on sales made through the checkout: every figure the
//! Reports screen shows, practice sales left out, the comparison of events,
//! and the footfall tally.

use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::reporting::{compare, report, scope::Scope, visitors};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::shop::settings;
use popup_till_core::stock::{self, Location, Movement, MovementKind};
use popup_till_core::till::session::{self, CashKind, CloseInput};
use popup_till_core::till::void;
use popup_till_core::{Actor, ErrorCode};
use rust_decimal::Decimal;

use crate::support::HandClock;
use crate::till_support::*;

/// The market day every report test starts from, at 10:00 local (+01:00):
/// - float 100.00, paid in 10.00
/// - 10:05 sale A: 2 mugs (2 × 12.50 at 20 %), cash 30.00 tendered
/// - 11:10 sale B: 1 jam (3.30) + 0.5 kg coffee (12.45) at 5.5 %, 1.00 off
///   the sale, paid by card
/// - 11:20 sale C: 1 jam, cash exact, then voided
/// - visitors: 4 taps at 10h; 8 entered and 2 corrected at 11h
/// - 1 mug written off as broken
/// - closed with 0.50 less than expected
pub struct Day {
    pub s: Shop,
    pub sale_a: String,
    pub sale_c: String,
    pub expected_cash: i64,
}

pub fn market_day() -> Day {
    let mut s = shop();
    let clock = HandClock::install(&mut s.t.store);
    s.open_session("100", false);
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| {
            session::move_cash(tx, CashKind::PaidIn, "10", "change from the bank")
        })
        .unwrap();
    let event = s.event.clone();
    for _ in 0..4 {
        clock.advance(60);
        s.t.store
            .write(&actor, |tx| visitors::record_visitors(tx, &event, 1, false))
            .unwrap();
    }
    clock.advance(60);
    let (mug, jam, coffee) = (s.mug.clone(), s.jam.clone(), s.coffee.clone());
    let a = s.sell(&cart(vec![line(&mug, "2")]), &[cash("30")]).unwrap();
    assert_eq!(a.change, "5.00");
    clock.advance(65 * 60);
    let mut b_cart = cart(vec![line(&jam, "1"), line(&coffee, "0.5")]);
    b_cart.sale_discount = amount("1");
    let b = s.sell(&b_cart, &[card("")]).unwrap();
    assert_eq!(b.total, "14.75");
    s.t.store
        .write(&actor, |tx| visitors::record_visitors(tx, &event, 8, true))
        .unwrap();
    s.t.store
        .write(&actor, |tx| visitors::record_visitors(tx, &event, -2, true))
        .unwrap();
    clock.advance(10 * 60);
    let c = s.sell(&cart(vec![line(&jam, "1")]), &[cash("")]).unwrap();
    let organizer = s.organizer.clone();
    void::void_with_pin(
        &mut s.t.store,
        &actor,
        &c.sale_id,
        "rang up twice",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap();
    s.t.store
        .write(&actor, |tx| {
            stock::record(
                tx,
                &Movement {
                    product_id: &mug,
                    event_id: Some(&event),
                    location: Location::Event,
                    kind: MovementKind::Waste,
                    quantity: Decimal::from(-1),
                    reason: "broken",
                    note: "",
                    lot_code: None,
                    source_type: "manual",
                    source_id: None,
                },
            )?;
            tx.journal("stock.waste", "product", &mug, serde_json::json!({}))
        })
        .unwrap();
    let session = session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .unwrap();
    let expected = session::cash_parts(s.t.store.conn(), &session.id)
        .unwrap()
        .expected();
    let counted = Decimal::new(expected - 50, 2).to_string();
    let z =
        s.t.store
            .write(&actor, |tx| {
                session::close(
                    tx,
                    &CloseInput {
                        counted,
                        denominations: None,
                    },
                )
            })
            .unwrap();
    s.t.store
        .write(&actor, |tx| {
            session::give_reason(tx, &z.session_id, "coin dropped behind the table")
        })
        .unwrap();
    Day {
        s,
        sale_a: a.sale_id,
        sale_c: c.sale_id,
        expected_cash: expected,
    }
}

#[test]
fn the_event_report_adds_up_the_days_sales_discounts_tax_and_payments() {
    let day = market_day();
    let r = report::report(
        day.s.t.store.conn(),
        &Scope::Event(day.s.event.clone()),
        false,
    )
    .unwrap();
    assert_eq!(r.sales.sales_count, 2, "the voided sale does not count");
    assert_eq!(
        r.sales.before_discounts.text, "40.75",
        "25.00 + 3.30 + 12.45 before the discount"
    );
    assert_eq!(r.sales.gross.text, "39.75", "net + tax, after the discount");
    assert_eq!(r.sales.discounts.text, "1.00");
    assert_eq!(r.sales.total.text, "39.75");
    assert_eq!(r.sales.total.minor, 3975);
    assert_eq!(r.sales.net.minor + r.sales.tax.minor, r.sales.gross.minor);
    assert_eq!(
        r.sales.gross.minor + r.sales.rounding.minor,
        r.sales.total.minor
    );
    assert_eq!(r.sales.voids.count, 1);
    assert_eq!(r.sales.voids.total.text, "3.30");
    assert_eq!(
        r.sales.items, "3",
        "2 mugs and 1 jar; the coffee is weighed"
    );
    assert_eq!(r.sales.weighed_lines, 1);
    assert_eq!(
        r.sales.average_basket.text, "19.88",
        "39.75 / 2 rounded half up"
    );

    let rates: Vec<(&str, &str, &str)> = r
        .sales
        .tax_by_rate
        .iter()
        .map(|t| (t.rate.as_str(), t.tax.text.as_str(), t.gross.text.as_str()))
        .collect();
    // 25.00 incl. 20 % holds 4.17 tax; 14.75 incl. 5.5 % holds 0.77.
    assert_eq!(
        rates,
        vec![("5.5", "0.77", "14.75"), ("20", "4.17", "25.00")]
    );
    for t in &r.sales.tax_by_rate {
        assert_eq!(t.net.minor + t.tax.minor, t.gross.minor);
    }

    let pay: Vec<(&str, i64, &str)> = r
        .sales
        .payments
        .iter()
        .map(|p| (p.method.as_str(), p.count, p.amount.text.as_str()))
        .collect();
    assert_eq!(pay, vec![("cash", 1, "25.00"), ("card", 1, "14.75")]);
}

#[test]
fn sales_and_visitors_group_by_the_local_hour_with_conversion() {
    let day = market_day();
    let r = report::report(
        day.s.t.store.conn(),
        &Scope::Event(day.s.event.clone()),
        false,
    )
    .unwrap();
    let hours: Vec<(u32, i64, &str, i64, Option<&str>)> = r
        .by_hour
        .iter()
        .map(|h| {
            (
                h.hour,
                h.sales,
                h.total.text.as_str(),
                h.visitors,
                h.conversion.as_deref(),
            )
        })
        .collect();
    // The clock runs at +01:00: UTC 09:xx is the stall's 10 o'clock.
    assert_eq!(
        hours,
        vec![
            (10, 1, "25.00", 4, Some("25.0")),
            (11, 1, "14.75", 6, Some("16.7")),
        ]
    );
    assert_eq!(r.visitors, 10);
    assert_eq!(r.conversion.as_deref(), Some("20.0"));
}

#[test]
fn the_reports_head_is_the_reports_own_big_figures_and_chart() {
    let day = market_day();
    let conn = day.s.t.store.conn();
    let scope = Scope::Event(day.s.event.clone());
    for include_practice in [false, true] {
        let head = report::report_head(conn, &scope, include_practice).unwrap();
        let full = report::report(conn, &scope, include_practice).unwrap();
        assert_eq!(head.event, full.event);
        assert_eq!(head.currency, full.currency);
        assert_eq!(head.sales_count, full.sales.sales_count);
        assert_eq!(head.total, full.sales.total);
        assert_eq!(head.average_basket, full.sales.average_basket);
        assert_eq!(head.visitors, full.visitors);
        assert_eq!(head.conversion, full.conversion);
        assert_eq!(head.visitors_look_low, full.visitors_look_low);
        assert_eq!(head.by_hour, full.by_hour);
        assert_eq!(head.moments, full.moments);
    }
    // The voided sale C is out of both; what is left is A and B.
    let head = report::report_head(conn, &scope, false).unwrap();
    assert_eq!((head.sales_count, head.total.text.as_str()), (2, "39.75"));
    assert_eq!(head.by_hour.len(), 2);
    // A missing event is refused by the head as by the report.
    let missing = Scope::Event("no-such-event".into());
    assert_eq!(
        report::report_head(conn, &missing, false)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

#[test]
fn stock_and_cash_figures_come_from_the_ledger_and_the_closed_session() {
    let day = market_day();
    let r = report::report(
        day.s.t.store.conn(),
        &Scope::Event(day.s.event.clone()),
        false,
    )
    .unwrap();
    let stock: Vec<(&str, &str, &str, &str, &str)> = r
        .stock
        .iter()
        .map(|s| {
            (
                s.sku.as_str(),
                s.brought.as_str(),
                s.sold.as_str(),
                s.shrinkage.as_str(),
                s.remaining.as_str(),
            )
        })
        .collect();
    assert_eq!(
        stock,
        vec![
            ("COF", "5", "0.5", "0", "4.5"),
            ("JAM", "10", "1", "0", "9"),
            ("MUG", "10", "2", "1", "7"),
        ]
    );
    assert_eq!(r.cash.sessions, 1);
    assert_eq!(r.cash.open_sessions, 0);
    assert_eq!(r.cash.opening_float.text, "100.00");
    assert_eq!(r.cash.expected.minor, day.expected_cash);
    assert_eq!(r.cash.counted.minor, day.expected_cash - 50);
    assert_eq!(r.cash.variance.text, "-0.50");

    let top: Vec<(&str, &str, &str)> = r
        .top_products
        .iter()
        .map(|p| (p.sku.as_str(), p.quantity.as_str(), p.gross.text.as_str()))
        .collect();
    assert_eq!(top[0], ("MUG", "2", "25.00"));
    assert_eq!(top.len(), 3);
    assert!(!day.sale_a.is_empty() && !day.sale_c.is_empty());
}

/// Twelve products sold alike: the top ten are the ten first SKUs, even
/// when the products were made in the other order.
#[test]
fn the_top_ten_products_break_ties_by_sku() {
    let mut s = shop();
    s.open_session("0", false);
    let ids: Vec<String> =
        s.t.store
            .write(&Actor::system("test"), |tx| {
                let st = settings::load(tx)?;
                (0..12)
                    .rev()
                    .map(|i| {
                        catalog::create(
                            tx,
                            &st,
                            &ProductInput {
                                sku: format!("T{i:02}"),
                                barcode: String::new(),
                                name: format!("Tied {i}"),
                                unit_price: "2.00".into(),
                                tax_rate: "20".into(),
                                unit: "each".into(),
                                kind: "item".into(),
                                category: "Test".into(),
                                low_stock_threshold: String::new(),
                            },
                        )
                        .map(|p| p.id)
                    })
                    .collect()
            })
            .unwrap();
    s.sell(
        &cart(ids.iter().map(|id| line(id, "1")).collect()),
        &[cash("")],
    )
    .unwrap();
    let r = report::report(s.t.store.conn(), &Scope::Event(s.event.clone()), false).unwrap();
    let skus: Vec<&str> = r.top_products.iter().map(|p| p.sku.as_str()).collect();
    let first_ten: Vec<String> = (0..10).map(|i| format!("T{i:02}")).collect();
    assert_eq!(skus, first_ten);
}

#[test]
fn practice_sales_stay_out_of_the_report_unless_asked_for() {
    let mut s = shop();
    s.open_session("0", true);
    let mug = s.mug.clone();
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    let scope = Scope::Event(s.event.clone());
    let live = report::report(s.t.store.conn(), &scope, false).unwrap();
    assert_eq!(live.sales.sales_count, 0);
    assert_eq!(live.sales.total.text, "0.00");
    assert_eq!(
        live.cash.sessions, 0,
        "a practice session is not a live one"
    );
    let all = report::report(s.t.store.conn(), &scope, true).unwrap();
    assert_eq!(all.sales.sales_count, 1);
    assert_eq!(all.sales.total.text, "12.50");
}

#[test]
fn events_compare_side_by_side_with_the_same_figures() {
    let mut day = market_day();
    let actor = Actor::system("test");
    let second = day
        .s
        .t
        .store
        .write(&actor, |tx| {
            events::close(
                tx,
                &popup_till_core::shop::people::Approval::file_holder(),
                &day.s.event,
            )?;
            let e = events::create(
                tx,
                &EventInput {
                    name: "Winter fair".into(),
                    venue: String::new(),
                    starts_at: "2026-12-12T10:00".into(),
                    ends_at: "2026-12-12T16:00".into(),
                    notes: String::new(),
                },
            )?;
            events::open(tx, &e.id)
        })
        .unwrap();
    let rows = compare::compare(day.s.t.store.conn(), &[], false).unwrap();
    let seen: Vec<(&str, i64, &str)> = rows
        .iter()
        .map(|r| (r.event.name.as_str(), r.sales_count, r.total.text.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![("Market", 2, "39.75"), ("Winter fair", 0, "0.00")]
    );
    assert_eq!(rows[0].conversion.as_deref(), Some("20.0"));
    assert_eq!(rows[1].conversion, None, "no visitors, no conversion");
    assert_eq!(rows[0].cash_variance.text, "-0.50");
    let only = compare::compare(
        day.s.t.store.conn(),
        std::slice::from_ref(&second.id),
        false,
    )
    .unwrap();
    assert_eq!(only.len(), 1);
}

#[test]
fn a_date_range_report_covers_the_sales_of_those_local_days() {
    let day = market_day();
    let conn = day.s.t.store.conn();
    let scope = Scope::range("2026-12-05", "2026-12-05").unwrap();
    let r = report::report(conn, &scope, false).unwrap();
    assert_eq!(r.sales.total.text, "39.75");
    assert_eq!(r.visitors, 10);
    let before = Scope::range("2026-12-01", "2026-12-04").unwrap();
    assert_eq!(
        report::report(conn, &before, false)
            .unwrap()
            .sales
            .sales_count,
        0
    );
}

#[test]
fn an_inverted_or_unreadable_date_range_is_refused_naming_the_field() {
    let err = Scope::range("2026-12-06", "2026-12-05").unwrap_err();
    assert_eq!(err.field(), Some("to"));
    assert!(err.to_string().contains("before it starts"), "{err}");
    let err = Scope::range("5.12.2026", "2026-12-05").unwrap_err();
    assert_eq!(err.field(), Some("from"));
}

#[test]
fn the_visitor_tally_is_an_append_only_ledger_that_never_goes_negative() {
    let mut s = shop();
    let actor = s.cashier();
    let event = s.event.clone();
    let total =
        s.t.store
            .write(&actor, |tx| visitors::record_visitors(tx, &event, 1, false))
            .unwrap();
    assert_eq!(total, 1);
    let journal = s.t.journal_len();
    for (delta, manual, field_msg) in [
        (-2, true, "negative"),
        (0, true, "other than 0"),
        (5, false, "a tap counts one"),
        (200_000, true, "more than"),
    ] {
        let err =
            s.t.store
                .write(&actor, |tx| {
                    visitors::record_visitors(tx, &event, delta, manual)
                })
                .unwrap_err();
        assert_eq!(err.field(), Some("visitors"), "{err}");
        assert!(err.to_string().contains(field_msg), "{err}");
    }
    let err =
        s.t.store
            .write(&actor, |tx| visitors::record_visitors(tx, "nope", 1, false))
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(s.t.journal_len(), journal, "nothing was written");
    assert_eq!(s.t.count("SELECT count(*) FROM visitor_tally"), 1);
    assert_eq!(visitors::visitors(s.t.store.conn(), &event).unwrap(), 1);
    assert!(visitors::parse_visitor_delta("twelve").is_err());
    assert_eq!(visitors::parse_visitor_delta(" -3 ").unwrap(), -3);

    let conn = s.t.store.conn();
    let upd = conn.execute("UPDATE visitor_tally SET delta = 50", []);
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    let del = conn.execute("DELETE FROM visitor_tally", []);
    assert!(del.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn an_open_tills_drawer_is_shown_by_the_checkouts_own_formula() {
    let mut s = shop();
    s.open_session("50", false);
    let mug = s.mug.clone();
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("20")]).unwrap();
    let r = report::report(s.t.store.conn(), &Scope::Event(s.event.clone()), false).unwrap();
    assert_eq!(r.cash.open_sessions, 1);
    assert_eq!(
        r.cash.expected_open.as_ref().unwrap().text,
        "62.50",
        "50 float + 20 tendered − 7.50 change"
    );
    assert_eq!(r.cash.expected.text, "0.00", "nothing closed yet");
}

#[test]
fn a_cashier_does_not_see_what_an_open_drawer_should_hold_and_an_organizer_does() {
    let mut s = shop();
    s.open_session("50", false);
    let mug = s.mug.clone();
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("20")]).unwrap();
    let conn = s.t.store.conn();
    let scope = Scope::Event(s.event.clone());
    let viewer = |id: Option<&str>| report::Viewer::of(conn, id).unwrap();
    assert_eq!(viewer(Some(&s.cashier)), report::Viewer::Cashier);
    assert_eq!(viewer(Some(&s.organizer)), report::Viewer::Organizer);
    assert_eq!(viewer(None), report::Viewer::Cashier, "nobody chosen");
    assert_eq!(viewer(Some("no-such-person")), report::Viewer::Cashier);

    let cashier = report::report_seen_by(conn, &scope, false, viewer(Some(&s.cashier))).unwrap();
    assert_eq!(cashier.cash.open_sessions, 1);
    assert_eq!(cashier.cash.expected_open, None);
    assert!(
        !serde_json::to_string(&cashier).unwrap().contains("62.50"),
        "the open drawer's figure is nowhere in what the screen gets"
    );
    let organizer =
        report::report_seen_by(conn, &scope, false, viewer(Some(&s.organizer))).unwrap();
    assert_eq!(
        organizer
            .cash
            .expected_open
            .as_ref()
            .map(|m| m.text.as_str()),
        Some("62.50")
    );
    // Everything else is the same report.
    assert_eq!(cashier.sales, organizer.sales);
    assert_eq!(cashier.cash.expected, organizer.cash.expected);

    // Once closed, the Z's figures are everyone's: nothing is open to hide.
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| {
            popup_till_core::till::session::close(
                tx,
                &popup_till_core::till::session::CloseInput {
                    counted: "62.00".into(),
                    denominations: None,
                },
            )
        })
        .unwrap();
    let conn = s.t.store.conn();
    let cashier = report::report_seen_by(conn, &scope, false, report::Viewer::Cashier).unwrap();
    assert_eq!(cashier.cash.open_sessions, 0);
    assert_eq!(cashier.cash.expected.text, "62.50");
    assert_eq!(cashier.cash.variance.text, "-0.50");
}

#[test]
fn an_absurd_visitor_number_is_refused_not_a_crash() {
    let mut s = shop();
    let event = s.event.clone();
    for delta in [i64::MIN, i64::MAX, 100_001] {
        let err =
            s.t.store
                .write(&s.cashier(), |tx| {
                    visitors::record_visitors(tx, &event, delta, true)
                })
                .unwrap_err();
        assert_eq!(err.field(), Some("visitors"), "{delta}: {err}");
    }
    assert_eq!(visitors::visitors(s.t.store.conn(), &event).unwrap(), 0);
}

#[test]
fn only_an_event_that_has_opened_takes_visitor_counts_and_every_event_says_so() {
    let mut s = shop();
    let actor = Actor::system("test");
    let planned =
        s.t.store
            .write(&actor, |tx| {
                events::create(
                    tx,
                    &EventInput {
                        name: "Spring fair".into(),
                        venue: String::new(),
                        starts_at: "2027-04-10T10:00".into(),
                        ends_at: "2027-04-10T16:00".into(),
                        notes: String::new(),
                    },
                )
            })
            .unwrap();
    assert!(!planned.accepts_visitors);
    let err =
        s.t.store
            .write(&actor, |tx| {
                visitors::record_visitors(tx, &planned.id, 1, false)
            })
            .unwrap_err();
    assert_eq!(err.field(), Some("event"));
    assert!(err.to_string().contains("has not opened"), "{err}");

    let open = events::get(s.t.store.conn(), &s.event).unwrap();
    assert!(open.accepts_visitors);
    let closed =
        s.t.store
            .write(&actor, |tx| {
                events::close(
                    tx,
                    &popup_till_core::shop::people::Approval::file_holder(),
                    &open.id,
                )
            })
            .unwrap();
    assert!(
        closed.accepts_visitors,
        "a count from paper is added afterwards"
    );
    let event = closed.id.clone();
    assert_eq!(
        s.t.store
            .write(&actor, |tx| visitors::record_visitors(tx, &event, 12, true))
            .unwrap(),
        12
    );
}
