//! Coins and notes: the faces a till drawer holds in each currency (what
//! the till offers to count a float or a close by, and to tender cash
//! with), and a tendered amount after one more face is handed over.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::Currency;
use crate::{Error, Result};

/// The faces of currencies whose coins and notes are not the plain 1-2-5
/// series, largest first, in the major unit. Rare faces (a 200 € note, a
/// 2 $ bill) are left out: a pop-up's drawer does not hold them.
const FACES: &[(&str, &[&str])] = &[
    (
        "EUR",
        &[
            "100", "50", "20", "10", "5", "2", "1", "0.50", "0.20", "0.10", "0.05", "0.02", "0.01",
        ],
    ),
    (
        "GBP",
        &[
            "50", "20", "10", "5", "2", "1", "0.50", "0.20", "0.10", "0.05", "0.02", "0.01",
        ],
    ),
    (
        "USD",
        &[
            "100", "50", "20", "10", "5", "1", "0.25", "0.10", "0.05", "0.01",
        ],
    ),
    (
        "CAD",
        &[
            "100", "50", "20", "10", "5", "2", "1", "0.25", "0.10", "0.05",
        ],
    ),
    (
        "AUD",
        &[
            "100", "50", "20", "10", "5", "2", "1", "0.50", "0.20", "0.10", "0.05",
        ],
    ),
    (
        "NZD",
        &[
            "100", "50", "20", "10", "5", "2", "1", "0.50", "0.20", "0.10",
        ],
    ),
    (
        "CHF",
        &[
            "200", "100", "50", "20", "10", "5", "2", "1", "0.50", "0.20", "0.10", "0.05",
        ],
    ),
    (
        "SEK",
        &["500", "200", "100", "50", "20", "10", "5", "2", "1"],
    ),
    ("NOK", &["500", "200", "100", "50", "20", "10", "5", "1"]),
    (
        "DKK",
        &["500", "200", "100", "50", "20", "10", "5", "2", "1", "0.50"],
    ),
    (
        "CZK",
        &[
            "2000", "1000", "500", "200", "100", "50", "20", "10", "5", "2", "1",
        ],
    ),
    (
        "HUF",
        &[
            "20000", "10000", "5000", "2000", "1000", "500", "200", "100", "50", "20", "10", "5",
        ],
    ),
    (
        "JPY",
        &["10000", "5000", "1000", "500", "100", "50", "10", "5", "1"],
    ),
    (
        "KRW",
        &["50000", "10000", "5000", "1000", "500", "100", "50", "10"],
    ),
    (
        "ISK",
        &[
            "10000", "5000", "2000", "1000", "500", "100", "50", "10", "5", "1",
        ],
    ),
    (
        "CLP",
        &[
            "20000", "10000", "5000", "2000", "1000", "500", "100", "50", "10",
        ],
    ),
    (
        "VND",
        &[
            "500000", "200000", "100000", "50000", "20000", "10000", "5000", "2000", "1000",
        ],
    ),
    (
        "XAF",
        &[
            "10000", "5000", "2000", "1000", "500", "200", "100", "50", "25", "10", "5",
        ],
    ),
    (
        "XOF",
        &[
            "10000", "5000", "2000", "1000", "500", "200", "100", "50", "25", "10", "5",
        ],
    ),
];

/// The coins and notes of `currency`, largest first. A currency without its
/// own list gets the 1-2-5 series from 100 down to its minor unit.
pub fn faces(currency: &Currency) -> Vec<Decimal> {
    if let Some((_, list)) = FACES.iter().find(|(code, _)| *code == currency.code) {
        return list
            .iter()
            .filter_map(|text| Decimal::from_str(text).ok())
            .collect();
    }
    let smallest = currency.from_minor(1);
    let mut out = vec![Decimal::ONE_HUNDRED];
    let mut decade = Decimal::TEN;
    while decade >= smallest {
        for step in [5, 2, 1] {
            out.push(decade * Decimal::from(step));
        }
        decade /= Decimal::TEN;
    }
    out
}

/// A face as the till labels it: notes and whole coins without decimals
/// (`20`), smaller coins with the currency's decimals (`0.50`).
pub fn face_text(currency: &Currency, face: Decimal) -> String {
    if face.fract().is_zero() {
        face.trunc().normalize().to_string()
    } else {
        currency.format(face)
    }
}

/// The faces of `currency` as the till labels them, largest first.
pub fn face_texts(currency: &Currency) -> Vec<String> {
    faces(currency)
        .into_iter()
        .map(|f| face_text(currency, f))
        .collect()
}

/// What was tendered after one more coin or note of `face` is handed over:
/// `tendered` as typed so far (empty: nothing yet) plus the face, formatted
/// in the currency.
pub fn add_face(currency: &Currency, tendered: &str, face: &str) -> Result<String> {
    let face_value = currency.parse_non_negative("face", face)?;
    if !faces(currency).contains(&face_value) {
        return Err(Error::validation(
            "face",
            format!(
                "'{}' is not a coin or note of {}",
                face.trim(),
                currency.code
            ),
        ));
    }
    let so_far = if tendered.trim().is_empty() {
        Decimal::ZERO
    } else {
        currency.parse_non_negative("tendered", tendered)?
    };
    Ok(currency.format(so_far + face_value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(code: &str) -> Vec<String> {
        face_texts(&Currency::from_code(code).unwrap())
    }

    #[test]
    fn every_listed_currency_is_known_and_its_faces_are_whole_minor_units() {
        for (code, _) in FACES {
            let currency = Currency::from_code(code).unwrap();
            let list = faces(&currency);
            assert!(!list.is_empty(), "{code}");
            assert!(
                list.windows(2).all(|w| w[0] > w[1]),
                "{code}: largest first"
            );
            for face in list {
                currency.to_minor(face).unwrap();
            }
        }
    }

    #[test]
    fn faces_are_labelled_without_decimals_unless_they_are_coins_below_one() {
        assert_eq!(
            texts("EUR"),
            [
                "100", "50", "20", "10", "5", "2", "1", "0.50", "0.20", "0.10", "0.05", "0.02",
                "0.01"
            ]
        );
        assert_eq!(texts("JPY")[0], "10000");
        assert!(texts("USD").contains(&"0.25".to_string()));
    }

    #[test]
    fn a_currency_without_its_own_list_gets_the_one_two_five_series() {
        assert_eq!(
            texts("MXN"),
            [
                "100", "50", "20", "10", "5", "2", "1", "0.50", "0.20", "0.10", "0.05", "0.02",
                "0.01"
            ]
        );
        let kwd = texts("KWD");
        assert_eq!(kwd.first().unwrap(), "100");
        assert_eq!(kwd.last().unwrap(), "0.001");
    }

    #[test]
    fn a_face_adds_exactly_to_what_was_tendered() {
        let eur = Currency::from_code("EUR").unwrap();
        assert_eq!(add_face(&eur, "", "20").unwrap(), "20.00");
        assert_eq!(add_face(&eur, "20.00", "0.10").unwrap(), "20.10");
        assert_eq!(add_face(&eur, "0,20", "0.10").unwrap(), "0.30");
        let err = add_face(&eur, "", "0.25").unwrap_err();
        assert_eq!(err.field(), Some("face"));
        let err = add_face(&eur, "-5", "20").unwrap_err();
        assert_eq!(err.field(), Some("tendered"));
    }
}
