//! Leading zeros a spreadsheet dropped: a spreadsheet that reads a barcode
//! or SKU column as numbers turns `012345678905` into `12345678905` and
//! `00123` into `123`. The import refuses such a code with a hint instead of
//! creating a product with a code no scanner or label will ever match.

use std::collections::HashMap;

use crate::catalog::gs1_check_digit;

/// Codes shorter than this are a shop's own short labels, not a shortened
/// EAN/UPC: a 1 in 10 chance of a matching check digit would refuse too
/// many of them.
const MIN_SHORTENED: usize = 6;

/// The EAN-8, UPC-A or EAN-13 code `code` is once its dropped leading zeros
/// are put back, when it is digits only, not itself of a standard length,
/// and the padded code carries a valid check digit.
pub(super) fn restored_barcode(code: &str) -> Option<String> {
    let code = code.trim();
    if code.len() < MIN_SHORTENED
        || code.len() >= 13
        || matches!(code.len(), 8 | 12)
        || code.starts_with('0')
        || !code.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    [8usize, 12, 13]
        .into_iter()
        .filter(|len| *len > code.len())
        .map(|len| format!("{code:0>len$}"))
        .find(|padded| {
            let (body, check) = padded.split_at(padded.len() - 1);
            check.parse::<u32>().ok() == Some(gs1_check_digit(body))
        })
}

/// The catalog's SKUs that start with zeros, by the number a spreadsheet
/// would make of them (`00123` by `123`).
pub(super) struct ZeroSkus(HashMap<String, String>);

impl ZeroSkus {
    pub(super) fn new<'a>(skus: impl Iterator<Item = &'a str>) -> ZeroSkus {
        ZeroSkus(
            skus.filter(|s| s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit()))
                .filter_map(|s| {
                    let stripped = s.trim_start_matches('0');
                    (!stripped.is_empty()).then(|| (stripped.to_string(), s.to_string()))
                })
                .collect(),
        )
    }

    /// The catalog SKU `sku` is with its leading zeros put back, when the
    /// catalog has no product `sku` itself.
    pub(super) fn restored(&self, sku: &str, in_catalog: bool) -> Option<&str> {
        if in_catalog || sku.starts_with('0') {
            return None;
        }
        self.0.get(sku).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gtin_without_its_leading_zeros_is_recognised() {
        assert_eq!(
            restored_barcode("12345678905").as_deref(),
            Some("012345678905")
        );
        assert_eq!(restored_barcode("4006381333931"), None, "whole EAN-13");
        assert_eq!(restored_barcode("12345678906"), None, "wrong check digit");
        assert_eq!(restored_barcode("12345"), None, "a short own label");
        assert_eq!(restored_barcode("ABC12345678905"), None);
    }

    #[test]
    fn a_sku_matches_a_catalog_sku_with_its_zeros_back() {
        let skus = ZeroSkus::new(["00123", "0", "ABC", "0456"].into_iter());
        assert_eq!(skus.restored("123", false), Some("00123"));
        assert_eq!(skus.restored("123", true), None);
        assert_eq!(skus.restored("456", false), Some("0456"));
        assert_eq!(skus.restored("789", false), None);
    }
}
