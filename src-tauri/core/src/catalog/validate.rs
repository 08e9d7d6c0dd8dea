//! Checking a product as a form or a catalog row gives it: every field
//! (SKU, barcode with its check digit, name, price within the limit, one of
//! the shop's tax rates, unit, kind, category, low-stock threshold). The
//! form stops at the first problem; the catalog import lists every problem
//! of a row at once (`validate_all`).

use rust_decimal::Decimal;

use crate::catalog::{ProductInput, ProductKind, UNITS};
use crate::money::parse_decimal;
use crate::shop::settings::Settings;
use crate::text::clean;
use crate::{Error, Result};

/// The GS1 check digit for the digits before it (EAN-8, UPC-A, EAN-13).
pub fn gs1_check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { d })
        .sum();
    (10 - sum % 10) % 10
}

/// Validate a barcode. Codes of 8, 12 or 13 digits are EAN-8, UPC-A or
/// EAN-13 and must carry the right check digit; other codes (a shop's own
/// labels) are taken as they are.
pub fn validate_barcode(text: &str) -> Result<Option<String>> {
    let code = text.trim();
    if code.is_empty() {
        return Ok(None);
    }
    if code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::validation(
            "barcode",
            format!("'{code}' is not a barcode: use up to 32 letters, digits or dashes"),
        ));
    }
    if matches!(code.len(), 8 | 12 | 13) && code.chars().all(|c| c.is_ascii_digit()) {
        let (body, check) = code.split_at(code.len() - 1);
        let expected = gs1_check_digit(body);
        if check.parse::<u32>().ok() != Some(expected) {
            return Err(Error::validation(
                "barcode",
                format!("'{code}' has a wrong check digit (expected {expected})"),
            ));
        }
    }
    Ok(Some(code.to_string()))
}

pub struct ValidProduct {
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub unit: String,
    pub kind: ProductKind,
    pub category: String,
    pub low_stock_threshold: Option<Decimal>,
}

fn unit_price(settings: &Settings, input: &ProductInput) -> Result<Decimal> {
    let unit_price = parse_decimal("unit_price", &input.unit_price)?.normalize();
    if unit_price.is_sign_negative() && !unit_price.is_zero() {
        return Err(Error::validation(
            "unit_price",
            format!("'{}' is negative", input.unit_price.trim()),
        ));
    }
    if unit_price > settings.limits.unit_price_max {
        return Err(Error::validation(
            "unit_price",
            format!(
                "'{}' is more than the largest unit price (at most {})",
                input.unit_price.trim(),
                settings.limits.unit_price_max
            ),
        ));
    }
    if unit_price.scale() > 4 {
        return Err(Error::validation("unit_price", "has more than 4 decimals"));
    }
    Ok(unit_price)
}

fn tax_rate(settings: &Settings, input: &ProductInput) -> Result<Decimal> {
    let tax_rate =
        parse_decimal("tax_rate", input.tax_rate.trim().trim_end_matches('%'))?.normalize();
    if !settings.tax_rates.contains(&tax_rate) {
        return Err(Error::validation(
            "tax_rate",
            format!(
                "{}% is not one of the shop's tax rates ({})",
                input.tax_rate.trim().trim_end_matches('%'),
                settings
                    .tax_rates
                    .iter()
                    .map(|r| format!("{r}%"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(tax_rate)
}

fn unit(input: &ProductInput) -> Result<String> {
    match input.unit.trim() {
        "" => Ok("each".to_string()),
        u if UNITS.contains(&u) => Ok(u.to_string()),
        u => Err(Error::validation(
            "unit",
            format!("'{u}' is not a unit (each, kg or l)"),
        )),
    }
}

fn low_stock_threshold(input: &ProductInput) -> Result<Option<Decimal>> {
    match input.low_stock_threshold.trim() {
        "" => Ok(None),
        t => {
            let v = parse_decimal("low_stock_threshold", t)?.normalize();
            if v.is_sign_negative() {
                return Err(Error::validation(
                    "low_stock_threshold",
                    "must be 0 or more",
                ));
            }
            Ok(Some(v))
        }
    }
}

/// The value of a checked field; its problem joins `problems`.
fn take<T>(problems: &mut Vec<Error>, checked: Result<T>) -> Option<T> {
    checked.map_err(|e| problems.push(e)).ok()
}

/// Every problem of `input`, in the order of its fields; the product when
/// there is none.
pub fn validate_all(
    settings: &Settings,
    input: &ProductInput,
) -> std::result::Result<ValidProduct, Vec<Error>> {
    let p = &mut Vec::new();
    let sku = take(p, clean("sku", &input.sku, true, 64));
    let barcode = take(p, validate_barcode(&input.barcode));
    let name = take(p, clean("name", &input.name, true, 200));
    let unit_price = take(p, unit_price(settings, input));
    let tax_rate = take(p, tax_rate(settings, input));
    let unit = take(p, unit(input));
    let kind = take(p, ProductKind::parse(&input.kind));
    let category = take(p, clean("category", &input.category, false, 80));
    let low_stock_threshold = take(p, low_stock_threshold(input));
    match (
        sku,
        barcode,
        name,
        unit_price,
        tax_rate,
        unit,
        kind,
        category,
        low_stock_threshold,
    ) {
        (
            Some(sku),
            Some(barcode),
            Some(name),
            Some(unit_price),
            Some(tax_rate),
            Some(unit),
            Some(kind),
            Some(category),
            Some(low_stock_threshold),
        ) => Ok(ValidProduct {
            sku,
            barcode,
            name,
            unit_price,
            tax_rate,
            unit,
            kind,
            category,
            low_stock_threshold,
        }),
        _ => Err(std::mem::take(p)),
    }
}

/// The product, or its first problem (what the product form shows).
pub(crate) fn validate(settings: &Settings, input: &ProductInput) -> Result<ValidProduct> {
    validate_all(settings, input).map_err(|mut problems| problems.remove(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs1_check_digits_match_known_codes() {
        assert_eq!(gs1_check_digit("400638133393"), 1); // EAN-13 4006381333931
        assert_eq!(gs1_check_digit("9638507"), 4); // EAN-8 96385074
        assert_eq!(gs1_check_digit("03600029145"), 2); // UPC-A 036000291452
    }

    #[test]
    fn barcodes_with_a_wrong_check_digit_are_refused() {
        assert!(validate_barcode("4006381333931").unwrap().is_some());
        let err = validate_barcode("4006381333932").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Barcode: '4006381333932' has a wrong check digit (expected 1)"
        );
        assert_eq!(
            validate_barcode("SHOP-0001").unwrap().as_deref(),
            Some("SHOP-0001")
        );
        assert_eq!(validate_barcode("  ").unwrap(), None);
    }
}
