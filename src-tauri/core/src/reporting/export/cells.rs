//! Cell text for the export's millions of cells: amounts, quantities,
//! integers and local times written without a Decimal or a general date
//! parse per cell. Each fast path is checked by a unit test against the
//! general function it stands in for.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, SecondsFormat};

/// A local ISO 8601 time with its offset from stored UTC text and offset.
pub(super) fn local_time(utc: &str, offset_minutes: i64) -> Option<String> {
    let offset = FixedOffset::east_opt(i32::try_from(offset_minutes * 60).ok()?)?;
    let t = DateTime::parse_from_rfc3339(utc).ok()?;
    Some(
        t.with_timezone(&offset)
            .to_rfc3339_opts(SecondsFormat::Millis, false),
    )
}

/// `local_time` for the ledger's own format (`2026-12-05T09:00:00.000Z`)
/// without a general RFC 3339 parse per cell; other text takes the general
/// path. Unit tests check both give the same text.
pub(super) fn push_local_time(out: &mut String, utc: &str, offset_minutes: i64) {
    use chrono::{Datelike, NaiveDate, Timelike};
    let b = utc.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let fast = (|| {
        if b.len() != 24 || b[10] != b'T' || b[19] != b'.' || b[23] != b'Z' {
            return None;
        }
        if offset_minutes.abs() > 18 * 60 {
            return None;
        }
        let t = NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?
            .and_hms_milli_opt(num(11..13)?, num(14..16)?, num(17..19)?, num(20..23)?)?
            + chrono::Duration::minutes(offset_minutes);
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let off = offset_minutes.abs();
        Some(write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{sign}{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.nanosecond() / 1_000_000,
            off / 60,
            off % 60
        ))
    })();
    if fast.is_none() {
        if let Some(text) = local_time(utc, offset_minutes) {
            out.push_str(&text);
        }
    }
}

/// Plain decimal text such as `-12.5` (what the ledger stores): a cheap
/// check per cell that only numbers reach a number column.
pub(super) fn is_decimal_text(t: &[u8]) -> bool {
    let digits = t.strip_prefix(b"-").unwrap_or(t);
    !digits.is_empty()
        && digits.iter().filter(|c| **c == b'.').count() <= 1
        && digits.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && digits.first() != Some(&b'.')
        && digits.last() != Some(&b'.')
}

/// `figures::milli_text` (a quantity in thousandths, no trailing zeros)
/// without a Decimal per cell.
pub(super) fn push_milli(out: &mut String, milli: i64) {
    let abs = milli.unsigned_abs();
    if milli < 0 {
        out.push('-');
    }
    push_u64(out, abs / 1000);
    let mut frac = abs % 1000;
    if frac != 0 {
        out.push('.');
        let mut width = 3;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        let mut buf = [b'0'; 20];
        let digits = u64_digits(frac, &mut buf);
        for _ in digits.len()..width {
            out.push('0');
        }
        out.push_str(digits);
    }
}

/// `Currency::format(currency.from_minor(minor))` without a Decimal per
/// cell (an export writes millions of amounts). Unit tests check the two
/// agree.
pub(super) fn push_minor(out: &mut String, minor_units: u32, minor: i64) {
    if minor < 0 {
        out.push('-');
    }
    let abs = minor.unsigned_abs();
    if minor_units == 0 {
        push_u64(out, abs);
        return;
    }
    let scale = 10u64.pow(minor_units);
    push_u64(out, abs / scale);
    out.push('.');
    let frac = abs % scale;
    let mut digits = [b'0'; 20];
    let text = u64_digits(frac, &mut digits);
    for _ in text.len()..minor_units as usize {
        out.push('0');
    }
    out.push_str(text);
}

/// The decimal digits of `n` in `buf` (no formatting machinery per cell).
fn u64_digits(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

fn push_u64(out: &mut String, n: u64) {
    let mut buf = [b'0'; 20];
    out.push_str(u64_digits(n, &mut buf));
}

pub(super) fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::reporting::figures::milli_text;

    #[test]
    fn fast_amounts_read_exactly_as_currency_format_writes_them() {
        for code in ["EUR", "JPY", "BHD"] {
            let currency = Currency::from_code(code).unwrap();
            for minor in (-2_005..2_005).chain([i64::MAX, i64::MIN + 1, -987_654_321, 0, 1, -1]) {
                let mut fast = String::new();
                push_minor(&mut fast, currency.minor_units, minor);
                assert_eq!(
                    fast,
                    currency.format(currency.from_minor(minor)),
                    "{code} {minor}"
                );
            }
        }
    }

    #[test]
    fn fast_integers_read_as_display_writes_them() {
        for n in (-1_005..1_005).chain([i64::MAX, i64::MIN, 10, 100, -100]) {
            let mut fast = String::new();
            push_i64(&mut fast, n);
            assert_eq!(fast, n.to_string());
        }
    }

    #[test]
    fn fast_quantities_read_exactly_as_milli_text_writes_them() {
        for milli in (-3_001..3_001).chain([1_000_000, -250, 5]) {
            let mut fast = String::new();
            push_milli(&mut fast, milli);
            assert_eq!(fast, milli_text(milli), "{milli}");
        }
    }

    #[test]
    fn only_plain_decimal_text_reaches_a_number_column() {
        for ok in ["0", "12.50", "-3", "5.5", "0.001"] {
            assert!(is_decimal_text(ok.as_bytes()), "{ok}");
            assert!(ok.parse::<rust_decimal::Decimal>().is_ok());
        }
        for bad in ["", "-", ".5", "5.", "1.2.3", "=1", "1e5", "1,5", " 1"] {
            assert!(!is_decimal_text(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn fast_local_times_equal_the_general_rfc3339_path() {
        for utc in [
            "2026-12-05T09:00:00.000Z",
            "2026-12-31T23:59:59.999Z",
            "2026-03-29T00:30:00.123Z",
            "2024-02-29T12:00:00.000Z",
            "2026-12-05T09:00:00Z",
        ] {
            for offset in [0, 60, -300, 330, 840, -720, 345] {
                let mut fast = String::new();
                push_local_time(&mut fast, utc, offset);
                assert_eq!(Some(fast), local_time(utc, offset), "{utc} {offset}");
            }
        }
    }
}
