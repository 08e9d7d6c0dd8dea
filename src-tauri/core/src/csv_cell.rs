//! The one place that decides how a cell of any CSV file the till writes
//! looks: the writer every file is made with (RFC 4180, CRLF line ends, the
//! chosen separator) and formula neutralising, so a spreadsheet never runs
//! user text as a formula (OWASP "CSV injection"). The catalog export,
//! tasks.csv and the accountant's export all write through here; the catalog
//! import takes the guard off again with [`restore`].

use std::borrow::Cow;
use std::io::Write;

/// Characters that make a spreadsheet read a cell as a formula (or, for tab
/// and CR, shift what it reads) when they start it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// User text made inert in a spreadsheet: a cell that would start a formula
/// gets a leading apostrophe, which spreadsheets show as text.
pub fn inert(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The text a cell written by [`inert`] stood for: the guard apostrophe is
/// taken off only where [`inert`] would have put it.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// A CSV writer as every file of the till is written: RFC 4180 quoting,
/// CRLF line ends, `separator` between fields.
pub fn writer<W: Write>(out: W, separator: u8) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(separator)
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(256 * 1024)
        .from_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_guarded_and_restored() {
        for text in ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\ry"] {
            let cell = inert(text);
            assert_eq!(cell, format!("'{text}"));
            assert_eq!(restore(&cell), text);
        }
    }

    #[test]
    fn plain_text_and_a_leading_apostrophe_pass_unchanged() {
        assert_eq!(inert("Oats"), "Oats");
        assert_eq!(restore("Oats"), "Oats");
        assert_eq!(restore("'quoted'"), "'quoted'");
        assert_eq!(inert("'quoted'"), "'quoted'");
    }
}
