//! The catalog as a spreadsheet: CSV import (columns mapped by header name,
//! UTF-8 with or without BOM, `,` or `;` separator, decimal comma, create or
//! update by SKU) and an export in the same format, so export, edit, import
//! round-trips. An import is checked as a whole first: every bad row is
//! listed with its line and field, and then nothing is written; otherwise the
//! whole file is written in one transaction (`import`).

mod import;
mod refill_columns;
mod workbook;
mod zeros;

pub use import::{import, preview};
pub use workbook::{is_workbook, workbook_text};

use rusqlite::Connection;
use serde::Serialize;

use crate::catalog::{self, ProductInput};
use crate::csv_cell;
use crate::{Error, Result};

/// The columns the export writes, in order; the import knows them (and a
/// few common spellings) by name.
pub const COLUMNS: [&str; 13] = [
    "sku",
    "barcode",
    "name",
    "unit_price",
    "tax_rate",
    "unit",
    "kind",
    "category",
    "low_stock_threshold",
    "active",
    "deposit",
    "tare_grams",
    "scale_item_code",
];

/// No field of a catalog row is legitimately longer than this; a longer one
/// (a pasted document, a broken quote) is refused without echoing it.
pub const MAX_FIELD_CHARS: usize = 1000;

/// Map a header cell to our column name.
fn column_for(header: &str) -> Option<&'static str> {
    let key: String = header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    let key = key.trim_end_matches("_(%)").trim_end_matches("_%");
    Some(match key {
        "sku" | "article" | "article_number" | "item_code" => "sku",
        "barcode" | "ean" | "ean13" | "gtin" | "upc" => "barcode",
        "name" | "product" | "product_name" | "description" => "name",
        "unit_price" | "price" => "unit_price",
        "tax_rate" | "tax" | "vat" | "vat_rate" => "tax_rate",
        "unit" => "unit",
        "kind" | "type" => "kind",
        "category" => "category",
        "low_stock_threshold" | "low_stock" | "reorder_level" => "low_stock_threshold",
        "active" => "active",
        "deposit" | "deposit_sku" => "deposit",
        "tare_grams" | "tare" | "tare_g" => "tare_grams",
        "scale_item_code" | "scale_code" | "plu" => "scale_item_code",
        _ => return None,
    })
}

/// One rejected row (or the file itself, field `file`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The line in the file (1 is the header).
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.field, self.message)
    }
}

/// One field a row changes on a product already in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    /// The value now, as the catalog export writes it.
    pub old: String,
    pub new: String,
}

/// What importing one row does to its product: a new product, or the
/// fields it changes (old → new).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductChange {
    pub line: u64,
    pub sku: String,
    pub name: String,
    /// Not in the catalog yet.
    pub new: bool,
    /// The fields that change (for a new product: its price and tax rate).
    pub fields: Vec<FieldChange>,
}

/// At most this many product changes are listed (the counts cover all).
pub const MAX_CHANGES_LISTED: usize = 1000;

/// What an import will do (a preview) or did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// Every problem of every bad row, in file order. Non-empty means
    /// nothing was written.
    pub errors: Vec<RowError>,
    /// What each new or changed product gets, in file order (the first
    /// `MAX_CHANGES_LISTED`).
    pub changes: Vec<ProductChange>,
    /// The separator found: `,`, `;` or a tab.
    pub separator: String,
    /// Header cells that match no column (left alone).
    pub ignored_columns: Vec<String>,
    /// SHA-256 of the file text, as the journal records it.
    pub sha256: String,
    /// Whether the catalog was written.
    pub applied: bool,
}

/// How far a long import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportProgress {
    /// `checking` the rows, then `writing` them.
    pub phase: &'static str,
    pub done: usize,
    pub total: usize,
}

const PROGRESS_EVERY: usize = 2000;

/// A catalog file's bytes as the text the import reads: the first sheet of
/// an `.xlsx` or `.ods` workbook, or CSV text decoded as [`decode`] does.
pub fn read_file(bytes: &[u8]) -> std::result::Result<String, RowError> {
    if is_workbook(bytes) {
        workbook_text(bytes)
    } else {
        decode(bytes)
    }
}

/// Bytes from a file as import text: UTF-8 (a BOM is fine). A binary file
/// or another encoding (Latin-1, Windows-1252) is refused naming the line.
pub fn decode(bytes: &[u8]) -> std::result::Result<String, RowError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(err) => {
            let at = err.valid_up_to();
            if bytes.contains(&0) {
                return Err(binary_error());
            }
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1;
            Err(RowError {
                line,
                field: "file".into(),
                message: "is not UTF-8 text (perhaps Latin-1 or Windows-1252): save the spreadsheet as \"CSV UTF-8\" and import again".into(),
            })
        }
    }
}

fn binary_error() -> RowError {
    RowError {
        line: 1,
        field: "file".into(),
        message: "is not a text file this import can read (binary data, or UTF-16 text): export the catalog from the spreadsheet as \"CSV UTF-8\"".into(),
    }
}

/// Check text as the window read it: no NUL bytes (binary), no U+FFFD
/// (the browser's stand-in for bytes that were not UTF-8).
fn check_text(text: &str) -> std::result::Result<&str, RowError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.contains('\0') {
        return Err(binary_error());
    }
    if let Some(at) = text.find('\u{FFFD}') {
        let line = Lines::new(text).at(at as u64);
        return Err(RowError {
            line,
            field: "file".into(),
            message: "is not UTF-8 text (perhaps Latin-1 or Windows-1252): save the spreadsheet as \"CSV UTF-8\" and import again".into(),
        });
    }
    if text.trim().is_empty() {
        return Err(RowError {
            line: 1,
            field: "file".into(),
            message: "is empty: the first line must name the columns (sku, name, unit_price, tax_rate, ...)".into(),
        });
    }
    Ok(text)
}

/// Line numbers as a text editor shows them: a line ends at LF, CRLF or a
/// lone CR alike, and a quoted field that spans lines counts every line it
/// spans. (The CSV reader's own line count sees LF only, so a file saved
/// with CR line ends would be all "line 1".)
pub(crate) struct Lines<'a> {
    text: &'a [u8],
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        let b = text.as_bytes();
        let mut starts = vec![0];
        for (i, &c) in b.iter().enumerate() {
            if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        Lines { text: b, starts }
    }

    /// The line (from 1) of the record that starts at byte `offset`: blank
    /// lines the reader skipped before it are stepped over.
    pub(crate) fn at(&self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset).unwrap_or(usize::MAX);
        while matches!(self.text.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        self.starts.partition_point(|s| *s <= offset) as u64
    }

    /// How many lines the text has (a last line end starts no new line).
    pub(crate) fn count(&self) -> usize {
        let ends_with_break = matches!(self.text.last(), Some(b'\n' | b'\r'));
        self.starts.len() - usize::from(ends_with_break)
    }
}

/// The separator the header line uses most: `;` (spreadsheets in
/// decimal-comma countries), a tab (a "tab delimited" text file), else `,`.
pub(crate) fn detect_separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let commas = header.matches(',').count();
    let semicolons = header.matches(';').count();
    let tabs = header.matches('\t').count();
    if tabs > commas && tabs > semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

fn parse_active(text: &str) -> std::result::Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "" | "yes" | "y" | "true" | "1" | "active" => Ok(true),
        "no" | "n" | "false" | "0" | "archived" => Ok(false),
        other => Err(format!("'{other}' is not yes or no (active or archived)")),
    }
}

/// The whole catalog (archived products too) as CSV in the import's format:
/// UTF-8 with a BOM (so spreadsheets show accents), `,` separated, `.`
/// decimals, text cells guarded against formula injection.
pub fn export(conn: &Connection) -> Result<String> {
    let mut writer = csv_cell::writer(Vec::new(), b',');
    let csv_error = |e: csv::Error| Error::Storage(format!("cannot write the CSV: {e}"));
    writer.write_record(COLUMNS).map_err(csv_error)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM product ORDER BY sku",
        catalog::PRODUCT_COLUMNS
    ))?;
    let products = stmt.query_map([], catalog::read_product)?;
    let (refill, _) = refill_columns::catalog_cells(conn)?;
    for p in products {
        let p = p?;
        let [(_, deposit), (_, tare), (_, code)] =
            refill.get(&p.sku).cloned().unwrap_or_default().shown();
        writer
            .write_record([
                csv_cell::inert(&p.sku).into_owned(),
                csv_cell::inert(p.barcode.as_deref().unwrap_or("")).into_owned(),
                csv_cell::inert(&p.name).into_owned(),
                p.unit_price.to_string(),
                p.tax_rate.to_string(),
                p.unit.clone(),
                p.kind.as_str().to_string(),
                csv_cell::inert(&p.category).into_owned(),
                p.low_stock_threshold
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                if p.active { "yes" } else { "no" }.to_string(),
                csv_cell::inert(&deposit).into_owned(),
                tare,
                code,
            ])
            .map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Storage(format!("cannot write the CSV: {e}")))?;
    let body = String::from_utf8(bytes)
        .map_err(|e| Error::Storage(format!("the CSV is not UTF-8: {e}")))?;
    Ok(format!("\u{FEFF}{body}"))
}

/// Write the export to a new file in `folder`, named after the local date
/// and time; returns the file's path.
pub fn export_to_folder(conn: &Connection, folder: &std::path::Path) -> Result<std::path::PathBuf> {
    let text = export(conn)?;
    let stamp = chrono::Local::now().format("%Y-%m-%d-%H%M%S");
    std::fs::create_dir_all(folder).map_err(|e| {
        Error::Storage(format!(
            "cannot create the folder {}: {e}",
            folder.display()
        ))
    })?;
    let path = folder.join(format!("catalog-{stamp}.csv"));
    std::fs::write(&path, text)
        .map_err(|e| Error::Storage(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_known_by_common_spellings() {
        assert_eq!(column_for(" SKU "), Some("sku"));
        assert_eq!(column_for("Unit price"), Some("unit_price"));
        assert_eq!(column_for("VAT %"), Some("tax_rate"));
        assert_eq!(column_for("EAN"), Some("barcode"));
        assert_eq!(column_for("colour"), None);
    }

    #[test]
    fn the_separator_follows_the_header() {
        assert_eq!(detect_separator("sku;name;unit_price\n"), b';');
        assert_eq!(detect_separator("sku,name,unit_price\n"), b',');
        assert_eq!(detect_separator("sku\tname\tunit price, EUR\n"), b'\t');
    }
}
