//! The demo's past day: a finished market with a realistic day of sales,
//! made through the till's own functions, whose Z report agrees with the
//! ledger.

use popup_till_core::demo::past_market::PAST_DAY_SALES;
use popup_till_core::shop::events::{self, EventStatus};
use popup_till_core::{db::journal, demo, till::z_report};

use crate::support::till;

#[test]
fn the_demo_has_a_closed_past_market_with_a_day_of_sales_that_reconciles() {
    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let past = events::list(t.store.conn())
        .unwrap()
        .into_iter()
        .find(|e| e.status == EventStatus::Closed)
        .expect("a finished market");
    // The day's sales, besides the new sale of its exchange.
    let sales = t.count(&format!(
        "SELECT count(*) FROM sale WHERE event_id = '{}' AND practice = 0
           AND id NOT IN (SELECT exchange_sale_id FROM refund WHERE exchange_sale_id IS NOT NULL)",
        past.id
    ));
    assert_eq!(sales as usize, PAST_DAY_SALES);
    assert_eq!(t.count("SELECT count(*) FROM sale_void"), 1);
    assert!(t.count("SELECT count(*) FROM sale WHERE discount_minor > 0") >= 10);
    assert!(t.count("SELECT count(*) FROM sale WHERE sale_discount_minor > 0") >= 3);
    assert!(
        t.count("SELECT count(*) FROM sale_line WHERE unit = 'kg' AND quantity_milli % 1000 <> 0")
            >= 20
    );
    assert!(t.count("SELECT count(*) FROM (SELECT sale_id FROM payment GROUP BY sale_id HAVING count(DISTINCT method) > 1)") >= 3);
    for method in ["cash", "card", "mobile"] {
        assert!(
            t.count(&format!(
                "SELECT count(*) FROM payment WHERE method = '{method}'"
            )) > 5,
            "{method}"
        );
    }
    // Sales are spread over the market's day, not all at one instant.
    assert!(t.count("SELECT count(DISTINCT substr(at_utc, 1, 13)) FROM sale") >= 7);

    // The market was sold on two tills: T1 all day, T2 (a till made for a
    // second laptop at noon) part of the lunch rush, its file merged back.
    // Each till's session is closed with its own Z report, and together
    // they agree with the ledger. (The summer market before it has its
    // own session and Z report.)
    let z: Vec<_> = z_report::z_reports(t.store.conn())
        .unwrap()
        .into_iter()
        .filter(|z| {
            t.count(&format!(
                "SELECT count(*) FROM till_session WHERE id = '{}' AND event_id = '{}'",
                z.session_id, past.id
            )) == 1
        })
        .collect();
    assert_eq!(z.len(), 2);
    let till_of = |z: &z_report::ZReport| -> String {
        t.store
            .conn()
            .query_row(
                "SELECT d.till_code FROM till_session s JOIN device d ON d.id = s.device_id
                 WHERE s.id = ?1",
                [&z.session_id],
                |r| r.get(0),
            )
            .unwrap()
    };
    let (t1_z, t2_z) = if till_of(&z[0]) == "T2" {
        (&z[1], &z[0])
    } else {
        (&z[0], &z[1])
    };
    assert_eq!(till_of(t2_z), "T2");
    let t2_sales = t.count(&format!(
        "SELECT count(*) FROM sale WHERE event_id = '{}' AND receipt_number LIKE 'T2-%'",
        past.id
    ));
    assert!(t2_sales >= 20, "T2 sold part of the lunch rush: {t2_sales}");
    assert_eq!(t2_z.figures.sales_count, t2_sales);
    assert_eq!(t2_z.figures.cash.variance.text, "0.00");
    let net: i64 = t.count(&format!(
        "SELECT sum(total_minor) FROM sale s WHERE event_id = '{}'
           AND NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)",
        past.id
    ));
    assert_eq!(t1_z.figures.total.minor + t2_z.figures.total.minor, net);
    let figures = &t1_z.figures;
    assert_eq!(figures.cash.variance.text, "-0.50");
    assert_eq!(
        (figures.sales_count + t2_z.figures.sales_count) as usize,
        PAST_DAY_SALES - 1 + 1,
        "one was voided, an exchange sold one"
    );
    // The merge is in T1's journal, and the report of the day counts both.
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'till.merged'"),
        1
    );
    assert_eq!(figures.voids.count, 1);
    // Four returns late in the day: part of a discounted basket, part of a
    // weighed refill, a damaged piece and an exchange.
    assert_eq!(figures.refunds.count, 4);
    assert_eq!(figures.refunds.exchanges, 1);
    assert_eq!(figures.refunds.damaged_lines, 1);
    assert_eq!(
        figures.takings.minor,
        figures.total.minor - figures.refunds.total.minor
    );
    assert_eq!(
        t.count("SELECT count(*) FROM refund_line WHERE sale_discount_minor > 0"),
        1
    );
    assert_eq!(
        t.count("SELECT count(*) FROM refund_line WHERE unit <> 'each' AND quantity_milli = 200"),
        1
    );
    assert_eq!(
        t.count(
            "SELECT count(*) FROM stock_movement WHERE source_type = 'refund' AND kind = 'waste'"
        ),
        1
    );
    assert_eq!(
        t.count("SELECT count(*) FROM till_session WHERE closed_at IS NULL"),
        0
    );
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}

#[test]
fn the_demo_past_market_shows_returning_cards_rewards_redeemed_and_a_moment() {
    use popup_till_core::reporting::{report, scope::Scope};
    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let past = events::list(t.store.conn())
        .unwrap()
        .into_iter()
        .find(|e| e.status == EventStatus::Closed)
        .expect("a finished market");
    let r = report::report(t.store.conn(), &Scope::Event(past.id.clone()), false).unwrap();
    let l = &r.loyalty;
    let repeat = l.repeat.as_ref().unwrap();
    assert_eq!(l.cards_seen, 8, "the eight demo cards");
    assert_eq!(repeat.cards_returning, 5, "five were at the summer market");
    // The market's checked-in attendees were all new.
    assert_eq!((repeat.attendees_seen, repeat.attendees_returning), (6, 0));
    assert_eq!(repeat.return_rate.as_deref(), Some("35.7"));
    assert!(l.rewards_redeemed >= 2, "{l:?}");
    assert!(l.stamps_given > 0);
    assert_eq!(r.moments.len(), 1);
    assert_eq!(r.moments[0].name, "Apple-pressing show");
    assert!(r.moments[0].sales > 0 && r.moments[0].visitors > 0);
    // Across events: the summer market's newcomers, seen again last week.
    let cohorts = popup_till_core::reporting::loyalty::cohorts(t.store.conn()).unwrap();
    let summer = cohorts
        .iter()
        .find(|c| c.event_name == "Summer Night Market")
        .unwrap();
    assert_eq!(summer.newcomers, 5);
    assert_eq!(
        summer
            .seen_again
            .iter()
            .find(|x| x.event_id == past.id)
            .map(|x| x.count),
        Some(5)
    );
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}

/// The report adds its line figures up from one pass grouped by product,
/// rate and unit; on every demo event (refills, jars, weighed lines, a
/// void, a refund) each figure equals the plain SQL sum of the same lines,
/// and the comparison of events shows each event's report figures.
#[test]
fn every_demo_events_line_figures_equal_plain_sums_of_its_lines() {
    use popup_till_core::reporting::{compare, report, scope::Scope};
    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let conn = t.store.conn();
    let events = events::list(conn).unwrap();
    assert!(events.len() >= 2);
    let compared = compare::compare(conn, &[], false).unwrap();
    let mut refills_seen = 0;
    for event in events {
        let r = report::report(conn, &Scope::Event(event.id.clone()), false).unwrap();
        // Its row side by side with the other events: the report's figures.
        if let Some(row) = compared.iter().find(|c| c.event.id == event.id) {
            assert_eq!(row.sales_count, r.sales.sales_count);
            assert_eq!(row.total, r.sales.total);
            assert_eq!(row.net, r.sales.net);
            assert_eq!(row.tax, r.sales.tax);
            assert_eq!(row.discounts, r.sales.discounts);
            assert_eq!(row.voids, r.sales.voids);
            assert_eq!(row.items, r.sales.items);
            assert_eq!(row.average_basket, r.sales.average_basket);
            assert_eq!(row.visitors, r.visitors);
            assert_eq!(row.conversion, r.conversion);
            assert_eq!(row.visitors_look_low, r.visitors_look_low);
            assert_eq!(row.cash_variance, r.cash.variance);
        }
        let counted = format!(
            "FROM sale s JOIN sale_line l ON l.sale_id = s.id JOIN product p ON p.id = l.product_id
             WHERE s.event_id = '{}' AND s.practice = 0
               AND NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)",
            event.id
        );
        let sum = |expr: &str| t.count(&format!("SELECT coalesce(sum({expr}), 0) {counted}"));
        assert_eq!(
            r.sales.before_discounts.minor,
            sum("l.amount_minor"),
            "{}",
            event.name
        );
        assert_eq!(r.sales.net.minor, sum("l.net_minor"));
        assert_eq!(r.sales.tax.minor, sum("l.tax_minor"));
        assert_eq!(r.sales.gross.minor, sum("l.gross_minor"));
        assert_eq!(
            r.sales.weighed_lines,
            sum("CASE WHEN l.unit <> 'each' THEN 1 ELSE 0 END")
        );
        let items = sum("CASE WHEN l.unit = 'each' THEN l.quantity_milli ELSE 0 END");
        assert_eq!(
            r.sales.items,
            rust_decimal::Decimal::new(items, 3).normalize().to_string()
        );
        for rate in &r.sales.tax_by_rate {
            let of_rate = |col: &str| {
                sum(&format!(
                    "CASE WHEN l.tax_rate = '{}' THEN {col} ELSE 0 END",
                    rate.rate
                ))
            };
            assert_eq!(rate.net.minor, of_rate("l.net_minor"));
            assert_eq!(rate.tax.minor, of_rate("l.tax_minor"));
            assert_eq!(rate.gross.minor, of_rate("l.gross_minor"));
        }
        let rates: i64 = t.count(&format!("SELECT count(DISTINCT l.tax_rate) {counted}"));
        assert_eq!(r.sales.tax_by_rate.len() as i64, rates);
        // The top products: by gross, then quantity, then SKU.
        let mut stmt = conn
            .prepare(&format!(
                "SELECT p.sku, sum(l.gross_minor) AS g, sum(l.quantity_milli) AS q {counted}
                 GROUP BY l.product_id ORDER BY g DESC, q DESC, p.sku LIMIT 10"
            ))
            .unwrap();
        let plain: Vec<(String, i64)> = stmt
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let top: Vec<(String, i64)> = r
            .top_products
            .iter()
            .map(|p| (p.sku.clone(), p.gross.minor))
            .collect();
        assert_eq!(top, plain, "{}", event.name);
        // Reuse: refill lines, into own and shop containers, jars issued.
        let kind = |k: &str, extra: &str| {
            sum(&format!(
                "CASE WHEN p.kind = '{k}' {extra} THEN 1 ELSE 0 END"
            ))
        };
        assert_eq!(r.reuse.refills_sold, kind("refill", ""));
        assert_eq!(
            r.reuse.refills_own_container,
            kind("refill", "AND l.container = 'own'")
        );
        assert_eq!(
            r.reuse.refills_shop_container,
            kind("refill", "AND l.container = 'shop'")
        );
        assert_eq!(
            r.reuse.containers_issued,
            sum("CASE WHEN p.kind = 'deposit' THEN l.quantity_milli / 1000 ELSE 0 END")
        );
        assert_eq!(
            r.reuse.deposits_charged.minor,
            sum("CASE WHEN p.kind = 'deposit' THEN l.gross_minor ELSE 0 END")
        );
        refills_seen += r.reuse.refills_sold;
    }
    assert!(refills_seen > 0, "the demo sells refills");
}
