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

/// Characters that make a field quoted, whatever the file's separator: the
/// separators a spreadsheet may guess (`,`, `;`, tab), the quote and line
/// breaks. Quoting keeps `x;=1+2` one cell in a `;` file (and in a `,` file
/// opened by a spreadsheet that guesses `;`), so the part after a separator
/// never becomes a cell, let alone a live formula.
const QUOTE_WHEN: [u8; 6] = [b',', b';', b'\t', b'"', b'\r', b'\n'];

/// Whether a field is written quoted: it holds a separator, a quote or a
/// line break (see [`QUOTE_WHEN`]), or the file's own separator.
pub fn needs_quotes(field: &[u8], separator: u8) -> bool {
    field
        .iter()
        .any(|b| QUOTE_WHEN.contains(b) || *b == separator)
}

/// The CSV writer every file of the till is written with: RFC 4180 (fields
/// quoted with `"`, quotes doubled), CRLF line ends, `separator` between
/// fields, and every field holding `,`, `;`, tab, a quote, CR or LF quoted
/// whichever separator the file uses. Errors are `csv::Error`s, as the
/// callers' error mapping expects.
pub struct Writer<W: Write> {
    out: W,
    separator: u8,
    record: Vec<u8>,
    fields: usize,
}

impl<W: Write> Writer<W> {
    /// Append one field to the record being written.
    pub fn write_field(&mut self, field: impl AsRef<[u8]>) -> csv::Result<()> {
        let field = field.as_ref();
        if self.fields > 0 {
            self.record.push(self.separator);
        }
        self.fields += 1;
        if needs_quotes(field, self.separator) {
            self.record.push(b'"');
            for &b in field {
                if b == b'"' {
                    self.record.push(b'"');
                }
                self.record.push(b);
            }
            self.record.push(b'"');
        } else {
            self.record.extend_from_slice(field);
        }
        Ok(())
    }

    /// Write `record`'s fields after any written with [`Self::write_field`]
    /// and end the record with CRLF.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        for field in record {
            self.write_field(field)?;
        }
        self.record.extend_from_slice(b"\r\n");
        self.out.write_all(&self.record)?;
        self.record.clear();
        self.fields = 0;
        Ok(())
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// The sink, flushed.
    pub fn into_inner(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A CSV writer as every file of the till is written (see [`Writer`]).
pub fn writer<W: Write>(out: W, separator: u8) -> Writer<W> {
    Writer {
        out,
        separator,
        record: Vec::with_capacity(1024),
        fields: 0,
    }
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

    #[test]
    fn fields_with_any_separator_quote_or_line_break_are_quoted_in_both_modes() {
        for sep in [b',', b';'] {
            let mut w = writer(Vec::new(), sep);
            w.write_record([
                "a,b", "x;=1+2", "t\tab", "q\"", "c\rr", "l\nf", "plain", "-1",
            ])
            .unwrap();
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            let s = sep as char;
            assert_eq!(
                text,
                format!(
                    "\"a,b\"{s}\"x;=1+2\"{s}\"t\tab\"{s}\"q\"\"\"{s}\"c\rr\"{s}\"l\nf\"{s}plain{s}-1\r\n"
                )
            );
        }
    }
}
