//! Money: the shop currency and its minor units, parsing of amounts people
//! type, conversion to the integer minor units the ledger stores (so that SQL
//! sums are exact), and rounding to the minor unit or to a cash step.
//!
//! All arithmetic is `rust_decimal::Decimal`; there is no floating point here.

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// ISO 4217 currencies a till is likely to meet, with their minor units.
/// A currency not listed here is refused rather than guessed.
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MAD", 2),
    ("MXN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PLN", 2),
    ("RON", 2),
    ("RSD", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("VND", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("ZAR", 2),
];

/// The shop's currency: its ISO code and how many decimals its minor unit has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    pub code: String,
    pub minor_units: u32,
}

impl Currency {
    /// Look a currency up by its ISO 4217 code (case-insensitive).
    pub fn from_code(code: &str) -> Result<Currency> {
        let wanted = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == wanted)
            .map(|(c, minor)| Currency {
                code: (*c).to_string(),
                minor_units: *minor,
            })
            .ok_or_else(|| {
                Error::validation(
                    "currency",
                    format!("'{}' is not a currency this till knows (use an ISO 4217 code such as EUR, GBP or USD)", code.trim()),
                )
            })
    }

    pub fn known_codes() -> impl Iterator<Item = &'static str> {
        CURRENCIES.iter().map(|(c, _)| *c)
    }

    /// Round to the minor unit, half away from zero (0.005 EUR -> 0.01 EUR).
    pub fn round(&self, amount: Decimal) -> Decimal {
        amount.round_dp_with_strategy(self.minor_units, RoundingStrategy::MidpointAwayFromZero)
    }

    /// The integer number of minor units the ledger stores for `amount`.
    /// The amount must already be a whole number of minor units: rounding is
    /// a money rule that callers apply on purpose, never silently here.
    pub fn to_minor(&self, amount: Decimal) -> Result<i64> {
        // Checked: an absurd amount is too large, never a panic.
        let scaled = amount
            .checked_mul(Decimal::from(10i64.pow(self.minor_units)))
            .ok_or_else(|| Error::validation("amount", format!("{amount} is too large")))?;
        if scaled.fract() != Decimal::ZERO {
            return Err(Error::validation(
                "amount",
                format!(
                    "{amount} has more decimals than {} allows ({})",
                    self.code, self.minor_units
                ),
            ));
        }
        scaled
            .to_i64()
            .ok_or_else(|| Error::validation("amount", format!("{amount} is too large")))
    }

    /// The amount that `minor` minor units stand for.
    pub fn from_minor(&self, minor: i64) -> Decimal {
        Decimal::new(minor, self.minor_units)
    }

    /// Parse an amount a person typed: `12`, `12.5`, `12,50`, ` 3.00 `.
    /// One decimal mark (`.` or `,`), no thousands separators, no more
    /// decimals than the currency has. `field` names the input in errors.
    pub fn parse_amount(&self, field: &str, text: &str) -> Result<Decimal> {
        let value = parse_decimal(field, text)?;
        if value.scale() > self.minor_units {
            return Err(Error::validation(
                field,
                format!(
                    "'{}' has {} decimals; {} allows at most {}",
                    text.trim(),
                    value.scale(),
                    self.code,
                    self.minor_units
                ),
            ));
        }
        Ok(value.normalize().round_dp(self.minor_units))
    }

    /// Parse an amount that must not be negative.
    pub fn parse_non_negative(&self, field: &str, text: &str) -> Result<Decimal> {
        let value = self.parse_amount(field, text)?;
        if value.is_sign_negative() && !value.is_zero() {
            return Err(Error::validation(
                field,
                format!("'{}' is negative; it must be 0 or more", text.trim()),
            ));
        }
        Ok(value)
    }

    /// Text for display and export: always the currency's number of decimals,
    /// `.` as the decimal mark, e.g. `12.50`.
    pub fn format(&self, amount: Decimal) -> String {
        let mut rounded = self.round(amount);
        rounded.rescale(self.minor_units);
        rounded.to_string()
    }
}

/// Parse a plain decimal number a person typed; `,` is accepted as the
/// decimal mark. Errors say what is wrong with the text.
pub fn parse_decimal(field: &str, text: &str) -> Result<Decimal> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::validation(field, "is empty; enter a number"));
    }
    let marks = trimmed.chars().filter(|c| *c == '.' || *c == ',').count();
    if marks > 1 {
        return Err(Error::validation(
            field,
            format!(
                "'{trimmed}' is not a number: use one decimal mark and no thousands separators"
            ),
        ));
    }
    let body = trimmed.strip_prefix('-').unwrap_or(trimmed);
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(Error::validation(
            field,
            format!("'{trimmed}' is not a number"),
        ));
    }
    if body.starts_with(['.', ',']) || body.ends_with(['.', ',']) {
        return Err(Error::validation(
            field,
            format!("'{trimmed}' is not a number: put digits on both sides of the decimal mark"),
        ));
    }
    if body.len() > 24 {
        return Err(Error::validation(
            field,
            format!("'{trimmed}' is too large"),
        ));
    }
    Decimal::from_str(&trimmed.replace(',', "."))
        .map_err(|_| Error::validation(field, format!("'{trimmed}' is not a number")))
}

/// The step cash totals are rounded to when a shop has no small coins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CashStep {
    #[serde(rename = "none")]
    None,
    #[serde(rename = "0.05")]
    Five,
    #[serde(rename = "0.10")]
    Ten,
    #[serde(rename = "0.50")]
    Fifty,
    #[serde(rename = "1")]
    One,
}

impl CashStep {
    pub const ALL: [CashStep; 5] = [
        CashStep::None,
        CashStep::Five,
        CashStep::Ten,
        CashStep::Fifty,
        CashStep::One,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CashStep::None => "none",
            CashStep::Five => "0.05",
            CashStep::Ten => "0.10",
            CashStep::Fifty => "0.50",
            CashStep::One => "1",
        }
    }

    pub fn parse(text: &str) -> Result<CashStep> {
        let wanted = text.trim();
        CashStep::ALL
            .into_iter()
            .find(|s| {
                s.as_str() == wanted
                    || (wanted == "0.1" && *s == CashStep::Ten)
                    || (wanted == "0.5" && *s == CashStep::Fifty)
                    || (wanted == "1.00" && *s == CashStep::One)
            })
            .ok_or_else(|| {
                Error::validation(
                    "cash_rounding",
                    format!("'{wanted}' is not a cash rounding step (none, 0.05, 0.10, 0.50 or 1)"),
                )
            })
    }

    pub fn step(self) -> Option<Decimal> {
        match self {
            CashStep::None => None,
            CashStep::Five => Some(Decimal::new(5, 2)),
            CashStep::Ten => Some(Decimal::new(10, 2)),
            CashStep::Fifty => Some(Decimal::new(50, 2)),
            CashStep::One => Some(Decimal::ONE),
        }
    }

    /// Round `amount` to the nearest multiple of the step, half away from
    /// zero (with 0.05: 1.02 -> 1.00, 1.03 -> 1.05, 1.025 -> 1.05).
    pub fn round(self, amount: Decimal) -> Decimal {
        match self.step() {
            None => amount,
            Some(step) => {
                let units = (amount / step)
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                // Beyond what a step can round (far past any till), as it is.
                units.checked_mul(step).unwrap_or(amount).normalize()
            }
        }
    }
}

impl fmt::Display for CashStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::from_code("eur").unwrap()
    }

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn amounts_people_type_are_parsed_with_either_decimal_mark() {
        assert_eq!(eur().parse_amount("price", "12,50").unwrap(), d("12.50"));
        assert_eq!(eur().parse_amount("price", " 3 ").unwrap(), d("3"));
        assert_eq!(eur().parse_amount("price", "0.1").unwrap(), d("0.1"));
    }

    #[test]
    fn bad_amounts_are_refused_with_what_is_wrong() {
        let e = eur().parse_amount("price", "12,3,4").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Price: '12,3,4' is not a number: use one decimal mark and no thousands separators"
        );
        let e = eur().parse_amount("price", "1.234").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Price: '1.234' has 3 decimals; EUR allows at most 2"
        );
        let e = eur().parse_non_negative("price", "-1").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Price: '-1' is negative; it must be 0 or more"
        );
        assert!(eur().parse_amount("price", "").is_err());
        assert!(eur().parse_amount("price", "abc").is_err());
        assert!(eur().parse_amount("price", "1e5").is_err());
        assert!(eur().parse_amount("price", ".5").is_err());
    }

    #[test]
    fn unknown_currency_is_refused() {
        let e = Currency::from_code("XYZ").unwrap_err();
        assert_eq!(e.field(), Some("currency"));
        assert_eq!(Currency::from_code("jpy").unwrap().minor_units, 0);
        assert_eq!(Currency::from_code("KWD").unwrap().minor_units, 3);
    }

    #[test]
    fn rounding_to_minor_unit_is_half_away_from_zero() {
        assert_eq!(eur().round(d("0.005")), d("0.01"));
        assert_eq!(eur().round(d("-0.005")), d("-0.01"));
        assert_eq!(eur().round(d("2.344")), d("2.34"));
    }

    #[test]
    fn minor_units_round_trip_and_refuse_fractions() {
        assert_eq!(eur().to_minor(d("12.34")).unwrap(), 1234);
        assert_eq!(eur().to_minor(d("-0.5")).unwrap(), -50);
        assert_eq!(eur().from_minor(1234), d("12.34"));
        assert!(eur().to_minor(d("0.001")).is_err());
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(jpy.to_minor(d("1500")).unwrap(), 1500);
    }

    #[test]
    fn cash_steps_round_to_nearest_multiple() {
        assert_eq!(CashStep::Five.round(d("1.02")), d("1.00"));
        assert_eq!(CashStep::Five.round(d("1.03")), d("1.05"));
        assert_eq!(CashStep::Five.round(d("1.025")), d("1.05"));
        assert_eq!(CashStep::Ten.round(d("4.95")), d("5.0"));
        assert_eq!(CashStep::Fifty.round(d("7.24")), d("7.0"));
        assert_eq!(CashStep::One.round(d("7.50")), d("8"));
        assert_eq!(CashStep::None.round(d("7.43")), d("7.43"));
        assert_eq!(CashStep::parse("0.1").unwrap(), CashStep::Ten);
        assert!(CashStep::parse("0.02").is_err());
    }

    #[test]
    fn format_always_shows_the_currency_decimals() {
        assert_eq!(eur().format(d("12.5")), "12.50");
        assert_eq!(eur().format(d("3")), "3.00");
        assert_eq!(
            Currency::from_code("JPY").unwrap().format(d("1500")),
            "1500"
        );
    }
}
