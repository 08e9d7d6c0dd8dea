//! Property tests of the sale arithmetic: whatever the cart, discounts,
//! tax mode and cash step, the lines, tax and rounding add up to the total,
//! the payments less change add up to the total, and discounts are shared
//! out to the last minor unit.

use popup_till_core::money::pricing::{
    allocate_largest_remainder, price_cart, settle, Discount, LineToPrice, Method, PaymentPart,
};
use popup_till_core::money::{CashStep, Currency};
use popup_till_core::shop::settings::TaxMode;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn rate() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::ZERO),
        Just(Decimal::new(55, 1)),
        Just(Decimal::from(10)),
        Just(Decimal::from(20)),
        Just(Decimal::new(7, 0))
    ]
}

fn line() -> impl Strategy<Value = LineToPrice> {
    (
        1i64..100_000,                     // unit price in cents
        prop_oneof![1i64..10, 1i64..5000], // quantity: pieces, or grams/1000
        any::<bool>(),
        rate(),
        prop_oneof![
            Just(None),
            (0i64..=100).prop_map(|p| Some(Discount::Percent(Decimal::from(p))))
        ],
    )
        .prop_map(|(price, q, weighed, tax_rate, discount)| LineToPrice {
            unit_price: Decimal::new(price, 2),
            quantity: if weighed {
                Decimal::new(q, 3)
            } else {
                Decimal::from(q)
            },
            tax_rate,
            discount,
            fixed_amount: None,
        })
}

fn step() -> impl Strategy<Value = CashStep> {
    prop_oneof![
        Just(CashStep::None),
        Just(CashStep::Five),
        Just(CashStep::Ten),
        Just(CashStep::Fifty),
        Just(CashStep::One)
    ]
}

proptest! {
    #[test]
    fn lines_tax_and_rounding_add_up_to_the_total_and_payments_to_it_too(
        lines in proptest::collection::vec(line(), 1..8),
        exclusive in any::<bool>(),
        sale_percent in 0i64..=100,
        step in step(),
        card_share in 0i64..=100,
        extra_cash in 0i64..5000,
    ) {
        let eur = Currency::from_code("EUR").unwrap();
        let mode = if exclusive { TaxMode::Exclusive } else { TaxMode::Inclusive };
        let cart = price_cart(&eur, mode, &lines, Some(Discount::Percent(Decimal::from(sale_percent)))).unwrap();
        let values: i64 = cart.lines.iter().map(|l| l.value(mode)).sum();
        let tax_on_top = if exclusive { cart.tax } else { 0 };
        prop_assert_eq!(values + tax_on_top, cart.total);
        prop_assert_eq!(cart.subtotal, values);
        for l in &cart.lines {
            prop_assert_eq!(l.net + l.tax, l.gross);
            prop_assert_eq!(l.amount - l.line_discount - l.sale_discount, l.value(mode));
            prop_assert!(l.sale_discount >= 0 && l.line_discount >= 0);
        }
        prop_assert_eq!(cart.lines.iter().map(|l| l.sale_discount).sum::<i64>(), cart.sale_discount);
        prop_assert_eq!(cart.lines.iter().map(|l| l.tax).sum::<i64>(), cart.tax);

        let card = cart.total * card_share / 100;
        let mut parts = vec![];
        if card > 0 {
            parts.push(PaymentPart { method: Method::Card, amount: card, tendered: None });
        }
        parts.push(PaymentPart { method: Method::Cash, amount: 0, tendered: None });
        let exact = settle(&eur, step, cart.total, &parts).unwrap();
        let tendered_cash = exact.parts.iter().find(|p| p.method == Method::Cash).map(|p| p.amount).unwrap_or(0);
        let last = parts.len() - 1;
        parts[last].tendered = Some(tendered_cash + extra_cash);
        let s = settle(&eur, step, cart.total, &parts).unwrap();
        prop_assert_eq!(values + tax_on_top + s.rounding, s.total);
        let tendered: i64 = s.parts.iter().map(|p| p.tendered).sum();
        let change: i64 = s.parts.iter().map(|p| p.change).sum();
        prop_assert_eq!(tendered - change, s.total);
        // rounding only touches cash and never by more than half a step
        if let Some(st) = step.step() {
            let half = eur.to_minor(st).unwrap() / 2;
            prop_assert!(s.rounding.abs() <= half);
        } else {
            prop_assert_eq!(s.rounding, 0);
        }
        if tendered_cash > 0 {
            prop_assert_eq!(s.change, extra_cash);
        }
    }

    #[test]
    fn largest_remainder_shares_sum_exactly_and_stay_within_one_unit_of_proportional(
        total in 0i64..1_000_000,
        weights in proptest::collection::vec(0i64..100_000, 1..12),
    ) {
        let shares = allocate_largest_remainder(total, &weights);
        prop_assert_eq!(shares.iter().sum::<i64>(), total);
        let sum: i64 = weights.iter().sum();
        if sum > 0 {
            for (s, w) in shares.iter().zip(&weights) {
                let exact = total as i128 * *w as i128;
                let floor = (exact / sum as i128) as i64;
                prop_assert!(*s == floor || *s == floor + 1);
            }
        }
    }
}

#[test]
fn a_card_only_payment_is_exact_and_never_rounded() {
    let eur = Currency::from_code("EUR").unwrap();
    let s = settle(
        &eur,
        CashStep::Ten,
        1234,
        &[PaymentPart {
            method: Method::Card,
            amount: 1234,
            tendered: None,
        }],
    )
    .unwrap();
    assert_eq!((s.rounding, s.total, s.change), (0, 1234, 0));
}

/// Any decimal, from tiny to the largest a `Decimal` holds.
fn wild_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (0i64..1_000_000, 0u32..4).prop_map(|(n, s)| Decimal::new(n, s)),
        (any::<i64>(), 0u32..6).prop_map(|(n, s)| Decimal::new(n.abs(), s)),
        (any::<u32>(), any::<u32>(), any::<u32>(), 0u32..4)
            .prop_map(|(lo, mid, hi, s)| Decimal::from_parts(lo, mid, hi, false, s)),
        Just(Decimal::MAX),
    ]
}

proptest! {
    #[test]
    fn huge_quantities_and_prices_give_a_quote_or_a_validation_error_never_a_panic(
        lines in proptest::collection::vec(
            (wild_decimal(), wild_decimal(), rate(), prop_oneof![
                Just(None),
                wild_decimal().prop_map(|d| Some(Discount::Amount(d))),
                (0i64..=100).prop_map(|p| Some(Discount::Percent(Decimal::from(p)))),
            ]),
            1..6,
        ),
        exclusive in any::<bool>(),
        sale in prop_oneof![
            Just(None),
            wild_decimal().prop_map(|d| Some(Discount::Amount(d))),
            (0i64..=100).prop_map(|p| Some(Discount::Percent(Decimal::from(p)))),
        ],
        step in step(),
        tendered in prop_oneof![Just(None), any::<i64>().prop_map(|t| Some(t.abs()))],
    ) {
        let eur = Currency::from_code("EUR").unwrap();
        let mode = if exclusive { TaxMode::Exclusive } else { TaxMode::Inclusive };
        let lines: Vec<LineToPrice> = lines
            .into_iter()
            .map(|(unit_price, quantity, tax_rate, discount)| LineToPrice { unit_price, quantity, tax_rate, discount, fixed_amount: None })
            .collect();
        match price_cart(&eur, mode, &lines, sale) {
            Ok(cart) => {
                // A valid quote adds up, with no wrapped number in it.
                let values: i64 = cart.lines.iter().map(|l| l.value(mode)).sum();
                prop_assert_eq!(values + if exclusive { cart.tax } else { 0 }, cart.total);
                prop_assert!(cart.total >= 0);
                match settle(&eur, step, cart.total, &[PaymentPart { method: Method::Cash, amount: 0, tendered }]) {
                    Ok(s) => {
                        let paid: i64 = s.parts.iter().map(|p| p.tendered - p.change).sum();
                        prop_assert_eq!(paid, s.total);
                    }
                    Err(e) => prop_assert_eq!(e.code(), popup_till_core::ErrorCode::Validation, "{}", e),
                }
            }
            Err(e) => prop_assert_eq!(e.code(), popup_till_core::ErrorCode::Validation, "{}", e),
        }
    }
}
