//! Property tests of the money arithmetic.

use popup_till_core::money::{CashStep, Currency};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![Just("EUR"), Just("JPY"), Just("KWD")].prop_map(|c| Currency::from_code(c).unwrap())
}

proptest! {
    #[test]
    fn minor_units_round_trip(c in currency(), minor in -10_000_000_000i64..10_000_000_000i64) {
        let amount = c.from_minor(minor);
        prop_assert_eq!(c.to_minor(amount).unwrap(), minor);
    }

    #[test]
    fn sums_in_minor_units_equal_the_minor_units_of_the_sum(c in currency(), minors in proptest::collection::vec(-1_000_000i64..1_000_000, 0..50)) {
        let total: Decimal = minors.iter().map(|m| c.from_minor(*m)).sum();
        prop_assert_eq!(c.to_minor(total).unwrap(), minors.iter().sum::<i64>());
    }

    #[test]
    fn rounding_is_idempotent_and_within_half_a_minor_unit(c in currency(), mantissa in -1_000_000_000i64..1_000_000_000, scale in 0u32..6) {
        let x = Decimal::new(mantissa, scale);
        let r = c.round(x);
        prop_assert_eq!(c.round(r), r);
        prop_assert!(r.scale() <= c.minor_units.max(x.scale()));
        let half = Decimal::new(5, c.minor_units + 1);
        prop_assert!((r - x).abs() <= half);
        prop_assert!(c.to_minor(r).is_ok());
    }

    #[test]
    fn rounding_ties_go_away_from_zero(units in -100_000i64..100_000) {
        let eur = Currency::from_code("EUR").unwrap();
        // x = units + 0.005 exactly half a cent above a whole number of cents
        let x = Decimal::new(units * 10 + 5, 3);
        let r = eur.round(x);
        prop_assert_eq!(r.abs(), (Decimal::new(units.abs() * 10 + if units < 0 { -5 } else { 5 }, 3)).abs().round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero));
        prop_assert!(r.abs() >= x.abs());
    }

    #[test]
    fn cash_rounding_lands_on_a_step_within_half_a_step(cents in -1_000_000i64..1_000_000, step in prop_oneof![Just(CashStep::Five), Just(CashStep::Ten), Just(CashStep::Fifty), Just(CashStep::One)]) {
        let x = Decimal::new(cents, 2);
        let r = step.round(x);
        let s = step.step().unwrap();
        prop_assert_eq!((r / s).fract(), Decimal::ZERO);
        prop_assert!((r - x).abs() * Decimal::TWO <= s);
    }

    #[test]
    fn parsing_the_formatted_amount_gives_it_back(c in currency(), minor in -1_000_000_000i64..1_000_000_000) {
        let amount = c.from_minor(minor);
        let text = c.format(amount);
        prop_assert_eq!(c.parse_amount("amount", &text).unwrap(), amount);
        prop_assert_eq!(c.parse_amount("amount", &text.replace('.', ",")).unwrap(), amount);
    }
}
