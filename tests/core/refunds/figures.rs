//! Refunds in the figures: the Z report of the session that paid them out,
//! the event report and the export, whose refund files add up to
//! `summary.csv`.

use std::collections::BTreeMap;

use popup_till_core::reporting::{report, scope::Scope};
use popup_till_core::returns::exchange;
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::session::{self, CloseInput};
use rust_decimal::Decimal;

use super::{back, next_event, of_sale, refund, sale_lines};
use crate::export::{dec, options, read_csv, run, sum};
use crate::till_support::{amount, card, cart, cash, line, shop, Shop};

/// Yesterday's sales, and today's till that refunds some and exchanges one.
fn a_day_of_refunds() -> (Shop, String) {
    let mut s = shop();
    s.open_session("50", false);
    let (mug, jam, coffee) = (s.mug.clone(), s.jam.clone(), s.coffee.clone());
    let mut c = cart(vec![line(&mug, "2"), line(&jam, "3")]);
    c.sale_discount = amount("1.00");
    let a = s.sell(&c, &[cash("")]).unwrap();
    let b = s
        .sell(&cart(vec![line(&coffee, "0.800")]), &[card("")])
        .unwrap();
    let today = next_event(&mut s, "100");
    // Today sells too, and pays refunds of yesterday's sales.
    s.sell(&cart(vec![line(&jam, "1")]), &[cash("")]).unwrap();
    let a_lines = sale_lines(&s, &a.sale_id);
    refund(&mut s, &of_sale(&a.sale_id, vec![back(&a_lines[1], "1")])).unwrap();
    let b_lines = sale_lines(&s, &b.sale_id);
    let mut part = of_sale(&b.sale_id, vec![back(&b_lines[0], "0.3")]);
    part.tenders = vec![super::tender("card", "", "TRM-1")];
    refund(&mut s, &part).unwrap();
    let actor = s.cashier();
    exchange::exchange_with_pin(
        &mut s.t.store,
        &actor,
        &of_sale(&a.sale_id, vec![back(&a_lines[0], "1")]),
        &cart(vec![line(&coffee, "0.5")]),
        &[cash("")],
        &ApprovalRequest::none(),
    )
    .unwrap();
    (s, today)
}

#[test]
fn the_z_report_and_the_event_report_show_the_refunds_and_takings_net_of_them() {
    let (mut s, today) = a_day_of_refunds();
    let actor = s.cashier();
    let open = session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .unwrap();
    let expected = session::cash_parts(s.t.store.conn(), &open.id)
        .unwrap()
        .expected();
    let z =
        s.t.store
            .write(&actor, |tx| {
                session::close(
                    tx,
                    &CloseInput {
                        counted: format!("{}.{:02}", expected / 100, expected % 100),
                        denominations: None,
                    },
                )
            })
            .unwrap();
    let f = &z.figures;
    assert_eq!(f.refunds.count, 3);
    assert_eq!(f.refunds.exchanges, 1);
    assert_eq!(f.takings.minor, f.total.minor - f.refunds.total.minor);
    let by_method: i64 = f.refunds.payments.iter().map(|p| p.amount.minor).sum();
    assert_eq!(by_method, f.refunds.total.minor);
    let by_rate: i64 = f.refunds.tax_by_rate.iter().map(|t| t.gross.minor).sum();
    assert_eq!(by_rate, f.refunds.gross.minor);
    let cash_back: i64 = f
        .refunds
        .payments
        .iter()
        .filter(|p| p.method == "cash")
        .map(|p| p.amount.minor)
        .sum();
    assert_eq!(f.cash.refunds.minor, cash_back);
    assert_eq!(f.cash.expected.minor, expected);
    // The event report of today says the same; yesterday's shows none.
    let r = report::report(s.t.store.conn(), &Scope::Event(today.clone()), false).unwrap();
    assert_eq!(r.sales.refunds, f.refunds);
    assert_eq!(r.sales.takings, f.takings);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["refunds"]["count"], 3);
    assert_eq!(json["takings"]["minor"], f.takings.minor);
}

#[test]
fn the_exports_refund_files_add_up_to_the_summary() {
    let (mut s, today) = a_day_of_refunds();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    run(&mut s, &options(Scope::Event(today), out.clone())).unwrap();
    let (_, refunds) = read_csv(&out.join("refunds.csv"), b',');
    let (_, lines) = read_csv(&out.join("refund_lines.csv"), b',');
    let (_, payments) = read_csv(&out.join("refund_payments.csv"), b',');
    let (_, summary) = read_csv(&out.join("summary.csv"), b',');
    let figure = |metric: &str, key: &str| -> Decimal {
        summary
            .iter()
            .find(|r| r["metric"] == metric && r["key"] == key)
            .map(|r| dec(&r["value"]))
            .unwrap_or_else(|| panic!("{metric} {key} is in summary.csv"))
    };
    assert_eq!(
        Decimal::from(refunds.len() as i64),
        figure("refunds_count", "")
    );
    assert_eq!(sum(&refunds, "total"), figure("refunds_total", ""));
    assert_eq!(sum(&refunds, "gross"), figure("refunds_gross", ""));
    assert_eq!(sum(&refunds, "tax"), figure("refunds_tax", ""));
    assert_eq!(sum(&refunds, "rounding"), figure("refunds_rounding", ""));
    assert_eq!(
        sum(&lines, "amount"),
        figure("refunds_before_discounts", "")
    );
    assert_eq!(sum(&lines, "gross"), sum(&refunds, "gross"));
    let mut by_rate: BTreeMap<String, (Decimal, Decimal, Decimal)> = BTreeMap::new();
    for l in &lines {
        let e = by_rate.entry(l["tax_rate"].clone()).or_default();
        e.0 += dec(&l["net"]);
        e.1 += dec(&l["tax"]);
        e.2 += dec(&l["gross"]);
    }
    for (rate, (net, tax, gross)) in by_rate {
        assert_eq!(net, figure("refund_tax_rate_net", &rate));
        assert_eq!(tax, figure("refund_tax_rate_tax", &rate));
        assert_eq!(gross, figure("refund_tax_rate_gross", &rate));
    }
    let mut by_method: BTreeMap<String, Decimal> = BTreeMap::new();
    for p in &payments {
        *by_method.entry(p["method"].clone()).or_default() += dec(&p["amount"]);
    }
    for (method, total) in &by_method {
        assert_eq!(*total, figure("refund_payment_amount", method));
    }
    assert_eq!(
        by_method.values().copied().sum::<Decimal>(),
        figure("refunds_total", "")
    );
    assert_eq!(
        figure("takings", ""),
        figure("total", "") - figure("refunds_total", "")
    );
    // The data package describes them, linked to their refund.
    let package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("datapackage.json")).unwrap())
            .unwrap();
    let names: Vec<&str> = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for name in ["refunds", "refund_lines", "refund_payments"] {
        assert!(names.contains(&name), "{name} is in datapackage.json");
    }
}
