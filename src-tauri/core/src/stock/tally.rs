//! The running tally while someone counts a shelf, before the count is
//! saved: what the field should hold after a scan (one more of a product
//! counted by the piece) and how far the count is from what the ledger
//! expects, in exact decimals; and the preview of a whole count before it
//! is saved — each line's difference against the ledger now, and whether
//! saving it records a loss (which the screen asks about first, and which
//! needs an organizer). The count screens only show what this says.

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog;
use crate::money::parse_decimal;
use crate::stock::flows::{lines_field, parse_quantity, CountInput};
use crate::stock::{on_hand_at, Location};
use crate::{Error, Result};

/// One line of a count in progress, as the screen holds it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TallyInput {
    /// What the ledger holds at the counted location (as the stock row gave it).
    pub expected: String,
    /// What the counted field holds now, as typed (`2`, `1,25`, or nothing).
    #[serde(default)]
    pub counted: String,
    /// The product's unit: `each` is counted by the piece, so a scan adds one.
    pub unit: String,
    /// The product was just scanned (or picked) once more.
    #[serde(default)]
    pub scanned: bool,
}

/// What the count screen shows for a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountTally {
    /// The counted quantity for the field: one more after a scan of a piece,
    /// otherwise the typed text as it was.
    pub counted: String,
    /// Counted minus expected, signed (`+2`, `-0.25`, `0`); empty while the
    /// counted text is not a quantity.
    pub difference: String,
    /// Less was found than the ledger expects.
    pub short: bool,
}

/// The tally of one line: exact, never rounded through floating point.
pub fn tally(input: &TallyInput) -> CountTally {
    let typed = parse_decimal("counted", &input.counted).ok();
    let adds_one = input.scanned && input.unit == "each";
    let counted = if adds_one {
        // A field that holds no number starts again from nothing.
        Some((typed.unwrap_or(Decimal::ZERO) + Decimal::ONE).normalize())
    } else {
        typed
    };
    let expected = parse_decimal("expected", &input.expected).ok();
    let difference = match (counted, expected) {
        (Some(c), Some(e)) => Some((c - e).normalize()),
        _ => None,
    };
    CountTally {
        counted: match counted {
            Some(c) if adds_one => c.to_string(),
            _ => input.counted.clone(),
        },
        difference: difference.map(signed).unwrap_or_default(),
        short: difference.is_some_and(|d| d < Decimal::ZERO),
    }
}

/// Counted minus expected as the screens show it: `+2`, `-0.25`, `0`.
fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

/// One line of a count before it is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewLine {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    /// What the ledger holds at the counted location now.
    pub expected: String,
    pub counted: String,
    /// Counted minus expected, signed.
    pub difference: String,
    /// Fewer were found than the ledger holds: saving records a loss.
    pub short: bool,
}

/// A count before it is saved: what saving it would write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountPreview {
    pub lines: Vec<PreviewLine>,
    /// Lines whose count differs from the ledger.
    pub differing: usize,
    /// Lines with fewer than the ledger holds.
    pub short: usize,
    /// Saving records a loss: the screen asks first, and an organizer
    /// approves (see `shop::roles`, `CountLoss`).
    pub records_loss: bool,
}

/// What saving `input` would record, checked as the count checks it (the
/// same fields named on a bad quantity); writes nothing.
pub fn preview(conn: &Connection, input: &CountInput) -> Result<CountPreview> {
    if input.lines.is_empty() {
        return Err(Error::validation("lines", "count at least one product"));
    }
    let location = input.location.unwrap_or(Location::Storage);
    let many = input.lines.len() > 1;
    let mut lines = Vec::with_capacity(input.lines.len());
    for (i, line) in input.lines.iter().enumerate() {
        let field = lines_field(i, "counted", many);
        let product = catalog::get(conn, &line.product_id)?;
        let counted = parse_quantity(&field, &line.counted, &product)?;
        if counted.is_sign_negative() && !counted.is_zero() {
            return Err(Error::validation(
                field,
                format!("a count cannot be negative ({counted})"),
            ));
        }
        let expected = on_hand_at(conn, &product.id, location)?;
        let difference = (counted - expected).normalize();
        lines.push(PreviewLine {
            product_id: product.id,
            sku: product.sku,
            name: product.name,
            unit: product.unit,
            expected: expected.normalize().to_string(),
            counted: counted.to_string(),
            difference: signed(difference),
            short: difference < Decimal::ZERO,
        });
    }
    let short = lines.iter().filter(|l| l.short).count();
    Ok(CountPreview {
        differing: lines.iter().filter(|l| l.difference != "0").count(),
        short,
        records_loss: short > 0,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(expected: &str, counted: &str, unit: &str, scanned: bool) -> CountTally {
        tally(&TallyInput {
            expected: expected.into(),
            counted: counted.into(),
            unit: unit.into(),
            scanned,
        })
    }

    #[test]
    fn a_scan_adds_one_piece_and_the_difference_follows() {
        let t = line("3", "2", "each", true);
        assert_eq!((t.counted.as_str(), t.difference.as_str()), ("3", "0"));
        assert!(!t.short);
        let t = line("3", "", "each", true);
        assert_eq!((t.counted.as_str(), t.difference.as_str()), ("1", "-2"));
        assert!(t.short);
        let t = line("3", "5", "each", true);
        assert_eq!(t.difference, "+3");
    }

    #[test]
    fn weighed_quantities_are_exact_and_a_scan_leaves_them_to_be_typed() {
        // 0.1 + 0.2 style sums stay exact: no floating point anywhere.
        let t = line("0.3", "0,1", "kg", true);
        assert_eq!((t.counted.as_str(), t.difference.as_str()), ("0,1", "-0.2"));
        let t = line("2.125", "2.5", "kg", false);
        assert_eq!(t.difference, "+0.375");
        let t = line("2.125", "2.125", "kg", false);
        assert_eq!(t.difference, "0");
        assert!(!t.short);
    }

    #[test]
    fn text_that_is_not_a_quantity_shows_no_difference() {
        let t = line("3", "two", "each", false);
        assert_eq!((t.counted.as_str(), t.difference.as_str()), ("two", ""));
        assert!(!t.short);
    }
}
