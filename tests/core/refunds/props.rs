//! Property tests of refunds. Pure: whatever the cart and however its lines
//! come back in parts, each part is within what is left, the parts add up
//! to the line to the minor unit, and cash rounding of the parts adds up to
//! the cash the sale took. Against a real till: for any sale and any
//! sequence of partial refunds, refunded ≤ sold per line, per tender and
//! per tax rate, and refunding the rest brings every rate back to zero and
//! every tender back to what it paid.

use std::collections::BTreeMap;

use popup_till_core::money::pricing::{
    price_cart, settle, Discount, LineToPrice, Method, PaymentPart,
};
use popup_till_core::money::{CashStep, Currency};
use popup_till_core::returns::allocate::{line_share, refund_cash, LineMoney};
use popup_till_core::returns::{self, RefundInput, TenderInput};
use popup_till_core::shop::settings::TaxMode;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::{back, of_sale, refund, refund_approved, sale_lines};
use crate::till_support::{card, cart, cash, line, percent, shop_with, Shop, PIN};

fn priced_line() -> impl Strategy<Value = LineToPrice> {
    (
        1i64..50_000,
        prop_oneof![1i64..12, 1i64..3000],
        any::<bool>(),
        prop_oneof![
            Just(Decimal::ZERO),
            Just(Decimal::new(55, 1)),
            Just(Decimal::from(20))
        ],
        0i64..=30,
    )
        .prop_map(|(price, q, weighed, tax_rate, off)| LineToPrice {
            unit_price: Decimal::new(price, 2),
            quantity: if weighed {
                Decimal::new(q, 3)
            } else {
                Decimal::from(q)
            },
            tax_rate,
            discount: (off > 0).then(|| Discount::Percent(Decimal::from(off))),
            fixed_amount: None,
        })
}

/// Split `total` thousandths into parts by `cuts` (each a share of what is left).
fn parts(total: i64, cuts: &[u8]) -> Vec<i64> {
    let mut left = total;
    let mut out = Vec::new();
    for c in cuts {
        if left == 0 {
            break;
        }
        let take = (left * i64::from(*c) / 255).clamp(1, left);
        out.push(take);
        left -= take;
    }
    if left > 0 {
        out.push(left);
    }
    out
}

proptest! {
    #[test]
    fn partial_refunds_add_up_to_each_line_and_cash_rounding_to_the_cash_taken(
        lines in proptest::collection::vec(priced_line(), 1..6),
        exclusive in any::<bool>(),
        sale_off in 0i64..=40,
        step in prop_oneof![Just(CashStep::None), Just(CashStep::Five), Just(CashStep::Ten), Just(CashStep::One)],
        cuts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..4), 6),
    ) {
        let eur = Currency::from_code("EUR").unwrap();
        let mode = if exclusive { TaxMode::Exclusive } else { TaxMode::Inclusive };
        let priced = price_cart(&eur, mode, &lines, Some(Discount::Percent(Decimal::from(sale_off)))).unwrap();
        let sale = settle(&eur, step, priced.total, &[PaymentPart { method: Method::Cash, amount: 0, tendered: None }]).unwrap();
        let mut per_rate: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
        let mut owed = Vec::new();
        for (i, (l, p)) in lines.iter().zip(&priced.lines).enumerate() {
            let stored = LineMoney {
                quantity_milli: (l.quantity * Decimal::from(1000)).try_into().unwrap(),
                amount: p.amount,
                line_discount: p.line_discount,
                sale_discount: p.sale_discount,
                net: p.net,
                tax: p.tax,
                gross: p.gross,
            };
            let mut paid = LineMoney::default();
            for q in parts(stored.quantity_milli, &cuts[i]) {
                let share = line_share(mode, &stored, &paid, q).unwrap();
                prop_assert!(share.gross >= 0 && share.tax >= 0 && share.amount >= 0);
                prop_assert!(share.line_discount >= 0 && share.sale_discount >= 0);
                prop_assert_eq!(share.net + share.tax, share.gross);
                prop_assert_eq!(share.amount - share.line_discount - share.sale_discount, share.value(mode));
                paid = paid.plus(&share).unwrap();
                prop_assert!(paid.gross <= stored.gross && paid.tax <= stored.tax);
                owed.push(share.gross);
            }
            // The rest of the line paid back exactly what it stored.
            prop_assert_eq!(paid, stored);
            prop_assert!(line_share(mode, &stored, &paid, 1).is_err());
            let e = per_rate.entry(p.tax_rate.to_string()).or_default();
            e.0 += paid.net;
            e.1 += paid.tax;
            e.2 += paid.gross;
        }
        // Every rate back to zero: refunded = sold.
        for t in &priced.taxes {
            prop_assert_eq!(per_rate[&t.rate.to_string()], (t.net, t.tax, t.gross));
        }
        // Cash: the parts, rounded cumulatively, give back the cash taken.
        let (mut earlier_owed, mut earlier_paid) = (0, 0);
        for o in owed {
            let (paid, rounding) = refund_cash(&eur, step, earlier_owed, earlier_paid, o).unwrap();
            prop_assert!(paid >= 0);
            prop_assert_eq!(paid - rounding, o);
            earlier_owed += o;
            earlier_paid += paid;
            prop_assert!(earlier_paid <= sale.total);
        }
        prop_assert_eq!(earlier_paid, sale.total);
    }
}

/// Σ of a query's one number.
fn n(s: &Shop, sql: &str) -> i64 {
    s.t.count(sql)
}

/// The checks that hold after every refund of `sale_id`.
fn within_what_was_sold(s: &Shop, sale_id: &str) {
    let over_line = n(s, &format!(
        "SELECT count(*) FROM sale_line l WHERE l.sale_id = '{sale_id}' AND EXISTS (
           SELECT 1 FROM refund_line r WHERE r.sale_line_id = l.id
           GROUP BY r.sale_line_id HAVING sum(r.quantity_milli) > l.quantity_milli OR sum(r.gross_minor) > l.gross_minor
             OR sum(r.tax_minor) > l.tax_minor OR sum(r.amount_minor) > l.amount_minor)"
    ));
    assert_eq!(over_line, 0, "no line gives back more than it sold");
    let over_method = n(s, &format!(
        "SELECT count(*) FROM (SELECT p.method, sum(p.amount_minor) AS paid FROM payment p WHERE p.sale_id = '{sale_id}' GROUP BY p.method) p
         WHERE (SELECT coalesce(sum(rp.amount_minor), 0) FROM refund r JOIN refund_payment rp ON rp.refund_id = r.id
                WHERE r.sale_id = '{sale_id}' AND rp.method = p.method) > p.paid"
    ));
    assert_eq!(over_method, 0, "no tender gets back more than it paid");
    let other_method = n(s, &format!(
        "SELECT count(*) FROM refund r JOIN refund_payment rp ON rp.refund_id = r.id WHERE r.sale_id = '{sale_id}'
           AND rp.method NOT IN (SELECT method FROM payment WHERE sale_id = '{sale_id}')"
    ));
    assert_eq!(other_method, 0, "refunds go to the sale's own tenders");
    let over_rate = n(s, &format!(
        "SELECT count(*) FROM (SELECT tax_rate, sum(tax_minor) AS t, sum(gross_minor) AS g FROM sale_line WHERE sale_id = '{sale_id}' GROUP BY tax_rate) l
         WHERE (SELECT coalesce(sum(x.tax_minor), 0) FROM refund_line x JOIN refund r ON r.id = x.refund_id
                WHERE r.sale_id = '{sale_id}' AND x.tax_rate = l.tax_rate) > l.t
            OR (SELECT coalesce(sum(x.gross_minor), 0) FROM refund_line x JOIN refund r ON r.id = x.refund_id
                WHERE r.sale_id = '{sale_id}' AND x.tax_rate = l.tax_rate) > l.g"
    ));
    assert_eq!(over_rate, 0, "no tax rate gives back more than it took");
}

/// Refund `input` as the till does: quote it, send its tenders back with a
/// terminal reference for a card, with the organizer's PIN if it asks.
fn refund_as_the_till_does(s: &mut Shop, mut input: RefundInput) {
    let q = returns::refund::quote(s.t.store.conn(), s.t.store.device_id(), &input, None).unwrap();
    assert!(
        q.approval_reasons.iter().all(|r| r.contains("above")),
        "only the limit asks: {:?}",
        q.approval_reasons
    );
    input.tenders = q
        .tenders
        .iter()
        .map(|t| TenderInput {
            method: t.method.clone(),
            amount: if t.method == "cash" {
                String::new()
            } else {
                t.amount.clone()
            },
            reference: if t.needs_reference {
                "TRM".into()
            } else {
                String::new()
            },
        })
        .collect();
    let done = if q.needs_approval {
        refund_approved(s, &input)
    } else {
        refund(s, &input)
    }
    .unwrap();
    assert_eq!(
        done.total_minor, q.total_minor,
        "the refund is what was quoted"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn any_sale_and_any_partial_refunds_stay_within_what_was_sold_and_the_rest_nets_to_zero(
        quantities in proptest::collection::vec((0usize..3, 1u32..4, 0u32..3, 0i64..=10), 1..4),
        sale_off in 0i64..=10,
        paid in 0u8..3,
        step in prop_oneof![Just("none"), Just("0.05"), Just("0.10")],
        exclusive in any::<bool>(),
        refunds in proptest::collection::vec(proptest::collection::vec((0usize..4, 1u8..=255), 1..3), 0..4),
    ) {
        let mut s = shop_with(if exclusive { "exclusive" } else { "inclusive" }, step);
        s.open_session("500", false);
        let products = [s.mug.clone(), s.jam.clone(), s.coffee.clone()];
        let mut c = cart(quantities.iter().map(|(p, whole, grams, off)| {
            let q = if *p == 2 { format!("{whole}.{:03}", grams * 125 + 5) } else { whole.to_string() };
            let mut l = line(&products[*p], &q);
            if *off > 0 { l.discount = percent(&off.to_string()); }
            l
        }).collect());
        if sale_off > 0 { c.sale_discount = percent(&sale_off.to_string()); }
        let payments = match paid {
            0 => vec![cash("")],
            1 => vec![card("")],
            _ => vec![card("1.00"), cash("")],
        };
        let sale = s.sell_approved(&c, &payments, PIN).unwrap();
        let lines = sale_lines(&s, &sale.sale_id);
        for picks in &refunds {
            let mut wanted = Vec::new();
            for (i, share) in picks {
                let Some(id) = lines.get(*i) else { continue };
                if wanted.iter().any(|(w, _): &(String, String)| w == id) { continue }
                let left: i64 = n(&s, &format!(
                    "SELECT l.quantity_milli - coalesce((SELECT sum(quantity_milli) FROM refund_line WHERE sale_line_id = l.id), 0)
                     FROM sale_line l WHERE l.id = '{id}'"));
                let each = n(&s, &format!("SELECT unit = 'each' FROM sale_line WHERE id = '{id}'")) == 1;
                let mut q = left * i64::from(*share) / 255;
                if each { q = q / 1000 * 1000; }
                if q > 0 {
                    wanted.push((id.clone(), Decimal::new(q, 3).normalize().to_string()));
                }
            }
            if wanted.is_empty() { continue }
            refund_as_the_till_does(&mut s, of_sale(&sale.sale_id, wanted.iter().map(|(id, q)| back(id, q)).collect()));
            within_what_was_sold(&s, &sale.sale_id);
        }
        // The rest of every line comes back.
        let view = returns::refundable_sale(s.t.store.conn(), s.t.store.device_id(), &sale.sale_id).unwrap();
        let rest: Vec<_> = view.lines.iter().filter(|l| l.refundable != "0").map(|l| back(&l.sale_line_id, &l.refundable)).collect();
        if !rest.is_empty() {
            refund_as_the_till_does(&mut s, of_sale(&sale.sale_id, rest));
        }
        within_what_was_sold(&s, &sale.sale_id);
        // Every rate nets to zero; every tender got back exactly what it paid.
        let open_rates = n(&s, &format!(
            "SELECT count(*) FROM (SELECT tax_rate, sum(net_minor) AS n, sum(tax_minor) AS t, sum(gross_minor) AS g
                                   FROM sale_line WHERE sale_id = '{0}' GROUP BY tax_rate) l
             WHERE (SELECT coalesce(sum(x.net_minor), 0) FROM refund_line x JOIN refund r ON r.id = x.refund_id WHERE r.sale_id = '{0}' AND x.tax_rate = l.tax_rate) <> l.n
                OR (SELECT coalesce(sum(x.tax_minor), 0) FROM refund_line x JOIN refund r ON r.id = x.refund_id WHERE r.sale_id = '{0}' AND x.tax_rate = l.tax_rate) <> l.t
                OR (SELECT coalesce(sum(x.gross_minor), 0) FROM refund_line x JOIN refund r ON r.id = x.refund_id WHERE r.sale_id = '{0}' AND x.tax_rate = l.tax_rate) <> l.g",
            sale.sale_id));
        prop_assert_eq!(open_rates, 0);
        let open_tenders = n(&s, &format!(
            "SELECT count(*) FROM (SELECT method, sum(amount_minor) AS paid FROM payment WHERE sale_id = '{0}' GROUP BY method) p
             WHERE (SELECT coalesce(sum(rp.amount_minor), 0) FROM refund r JOIN refund_payment rp ON rp.refund_id = r.id
                    WHERE r.sale_id = '{0}' AND rp.method = p.method) <> p.paid",
            sale.sale_id));
        prop_assert_eq!(open_tenders, 0, "cash rounding is symmetric and each tender is whole again");
        prop_assert_eq!(
            n(&s, &format!("SELECT sum(total_minor) FROM refund WHERE sale_id = '{}'", sale.sale_id)),
            n(&s, &format!("SELECT total_minor FROM sale WHERE id = '{}'", sale.sale_id))
        );
    }
}
