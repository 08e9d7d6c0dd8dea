//! Scale labels: GS1 variable-measure EAN-13 barcodes (prefixes 02 and
//! 20–29) that a shop scale prints with an item code and an embedded
//! weight, volume or price. Layouts differ by country, so each prefix's
//! layout is a setting (`scale_label_layouts`), with common defaults.
//! Owns the layouts, the EAN-13 check digit, the GS1 4-digit price
//! verifier digit, and encoding and decoding a label. No database: the
//! till looks the item code up (`till::lookup`).
//!
//! A label is 13 digits: the 2-digit prefix, the item code, an optional
//! verifier digit over the value, the value, and the EAN-13 check digit.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// What the value on a label measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The net weight in grams.
    Grams,
    /// The net volume in millilitres.
    Millilitres,
    /// The price in minor units of the shop currency.
    Price,
    /// A customer's own container weighed empty, in grams: the tare of
    /// the next refill. The item code names no product (a scale prints
    /// zeros or its own number there).
    Tare,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Grams => "grams",
            Measure::Millilitres => "millilitres",
            Measure::Price => "price",
            Measure::Tare => "tare",
        }
    }
}

/// How one prefix's labels are laid out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// Two digits: `02` or `20` to `29`.
    pub prefix: String,
    pub measure: Measure,
    /// Digits of the item code (after the prefix).
    pub item_digits: usize,
    /// A price verifier digit stands between the item code and the value
    /// (GS1 4-digit price check; the value then has 4 digits).
    #[serde(default)]
    pub verifier: bool,
}

impl Layout {
    /// Digits of the value: what is left of the 13 after the prefix, the
    /// item code, the verifier and the check digit.
    pub fn value_digits(&self) -> usize {
        13 - 2 - self.item_digits - usize::from(self.verifier) - 1
    }

    fn check(&self) -> Result<()> {
        let p = self.prefix.as_str();
        let prefix_ok = p.len() == 2
            && p.chars().all(|c| c.is_ascii_digit())
            && (p == "02" || p.starts_with('2'));
        if !prefix_ok {
            return Err(Error::validation(
                "prefix",
                format!("'{p}' is not a variable-measure prefix (02 or 20 to 29)"),
            ));
        }
        if !(1..=6).contains(&self.item_digits) {
            return Err(Error::validation(
                "item_digits",
                format!("prefix {p}: the item code has 1 to 6 digits"),
            ));
        }
        let value = 13usize.saturating_sub(2 + self.item_digits + usize::from(self.verifier) + 1);
        if self.verifier && value != 4 {
            return Err(Error::validation(
                "verifier",
                format!("prefix {p}: a price verifier digit checks a 4-digit value"),
            ));
        }
        if !(4..=6).contains(&value) {
            return Err(Error::validation(
                "item_digits",
                format!("prefix {p}: the value must keep 4 to 6 digits"),
            ));
        }
        if self.verifier && self.measure != Measure::Price {
            return Err(Error::validation(
                "verifier",
                format!("prefix {p}: a verifier digit checks a price only"),
            ));
        }
        Ok(())
    }
}

/// The layouts a new till knows: 02 and 23 carry a price in minor units,
/// 21 a weight in grams, 22 a price behind a verifier digit, 24 a volume
/// in millilitres, 25 a container's tare in grams (a shop-internal use of
/// the restricted-circulation range, like the others: a scale set to print
/// tare labels uses it). Prefixes without a layout are refused when
/// scanned.
pub fn default_layouts() -> Vec<Layout> {
    let l = |prefix: &str, measure, item_digits, verifier| Layout {
        prefix: prefix.to_string(),
        measure,
        item_digits,
        verifier,
    };
    vec![
        l("02", Measure::Price, 5, false),
        l("21", Measure::Grams, 5, false),
        l("22", Measure::Price, 5, true),
        l("23", Measure::Price, 5, false),
        l("24", Measure::Millilitres, 5, false),
        l("25", Measure::Tare, 5, false),
    ]
}

/// Check a set of layouts as a whole: each valid, no prefix twice.
pub fn check_layouts(layouts: &[Layout]) -> Result<()> {
    for (i, l) in layouts.iter().enumerate() {
        l.check()?;
        if layouts[..i].iter().any(|o| o.prefix == l.prefix) {
            return Err(Error::validation(
                "prefix",
                format!("prefix {} has two layouts", l.prefix),
            ));
        }
    }
    Ok(())
}

/// The EAN-13 check digit of the first 12 digits (weights 1, 3, 1, 3, …).
pub fn ean13_check_digit(first12: &[u8]) -> u8 {
    let sum: u32 = first12
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// The GS1 price verifier digit of a 4-digit price (General
/// Specifications, "check digit calculation for 4-digit price fields"):
/// weighting factors 2-, 2, 3, 5- on the four digits, the products' sum
/// times 3, and its units digit. "2-" and "5-" take the product's units
/// digit minus its tens digit; "2" and "3" take its units digit.
pub fn price_verifier_digit(price: &[u8; 4]) -> u8 {
    let minus = |d: u8, w: u8| {
        let p = d * w;
        (p % 10 + 10 - p / 10) % 10
    };
    let plain = |d: u8, w: u8| (d * w) % 10;
    let sum = u32::from(minus(price[0], 2))
        + u32::from(plain(price[1], 2))
        + u32::from(plain(price[2], 3))
        + u32::from(minus(price[3], 5));
    ((sum * 3) % 10) as u8
}

/// A label read back: its layout's prefix and measure, the item code and
/// the value (grams, millilitres or minor units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decoded {
    pub prefix: String,
    pub measure: Measure,
    pub item_code: String,
    pub value: i64,
}

/// Whether `code` looks like a variable-measure label at all (13 digits,
/// prefix 02 or 2x): the till tries a layout only for those.
pub fn is_variable_measure(code: &str) -> bool {
    let code = code.trim();
    code.len() == 13
        && code.bytes().all(|b| b.is_ascii_digit())
        && (code.starts_with("02") || code.starts_with('2'))
}

fn digits(code: &str) -> Vec<u8> {
    code.bytes().map(|b| b - b'0').collect()
}

/// Read a label with the layouts of the till. A wrong check digit or
/// verifier digit, or a prefix without a layout, is refused.
pub fn decode(layouts: &[Layout], code: &str) -> Result<Decoded> {
    let code = code.trim();
    if !is_variable_measure(code) {
        return Err(Error::validation(
            "code",
            format!("'{code}' is not a scale label (13 digits starting 02 or 20 to 29)"),
        ));
    }
    let d = digits(code);
    if ean13_check_digit(&d[..12]) != d[12] {
        return Err(Error::validation(
            "code",
            format!("scale label {code}: the check digit is wrong (misread label?)"),
        ));
    }
    let prefix = &code[..2];
    let layout = layouts.iter().find(|l| l.prefix == prefix).ok_or_else(|| {
        Error::validation(
            "code",
            format!("scale label {code}: prefix {prefix} has no layout in the settings"),
        )
    })?;
    let item_end = 2 + layout.item_digits;
    let value_start = item_end + usize::from(layout.verifier);
    if layout.verifier {
        let v = &d[value_start..12];
        let price = [v[0], v[1], v[2], v[3]];
        if price_verifier_digit(&price) != d[item_end] {
            return Err(Error::validation(
                "code",
                format!("scale label {code}: the price verifier digit is wrong (misread label?)"),
            ));
        }
    }
    let value = code[value_start..12]
        .parse::<i64>()
        .map_err(|_| Error::validation("code", format!("scale label {code}: no value")))?;
    Ok(Decoded {
        prefix: prefix.to_string(),
        measure: layout.measure,
        item_code: code[2..item_end].to_string(),
        value,
    })
}

/// Print a label as a scale would: the item code and value zero-padded
/// into the layout, the verifier and check digits added.
pub fn encode(layout: &Layout, item_code: &str, value: i64) -> Result<String> {
    layout.check()?;
    let item = item_code.trim();
    if item.is_empty()
        || item.len() > layout.item_digits
        || !item.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Error::validation(
            "item_code",
            format!(
                "'{item}' is not an item code of at most {} digits",
                layout.item_digits
            ),
        ));
    }
    let width = layout.value_digits();
    let max = 10i64.pow(width as u32) - 1;
    if !(0..=max).contains(&value) {
        return Err(Error::validation(
            "value",
            format!("{value} does not fit the label's {width} digits"),
        ));
    }
    let value_text = format!("{value:0width$}");
    let mut body = format!("{}{item:0>w$}", layout.prefix, w = layout.item_digits);
    if layout.verifier {
        let v = digits(&value_text);
        body.push(char::from(
            b'0' + price_verifier_digit(&[v[0], v[1], v[2], v[3]]),
        ));
    }
    body.push_str(&value_text);
    let check = ean13_check_digit(&digits(&body));
    body.push(char::from(b'0' + check));
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gs1_worked_example_of_the_price_verifier_gives_2() {
        // GS1 General Specifications: price 2875 → verifier 2.
        assert_eq!(price_verifier_digit(&[2, 8, 7, 5]), 2);
    }

    #[test]
    fn ean13_check_digit_of_a_known_code() {
        // 4006381333931 is a published EAN-13.
        assert_eq!(ean13_check_digit(&digits("400638133393")), 1);
    }
}
