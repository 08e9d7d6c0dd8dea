//! The catalog as a spreadsheet: CSV import (columns mapped by header name,
//! UTF-8 with or without BOM, `,` or `;` separator, decimal comma, create or
//! update by SKU) and an export in the same format, so export, edit, import
//! round-trips. An import is checked as a whole first: every bad row is
//! listed with its line and field, and then nothing is written; otherwise the
//! whole file is written in one transaction.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::catalog::{self, Product, ProductInput, ValidProduct};
use crate::csv_cell;
use crate::db::store::{Actor, Store, Tx};
use crate::shop::settings::{self, Settings};
use crate::{new_id, Error, Result};

/// The columns the export writes, in order; the import knows them (and a
/// few common spellings) by name.
pub const COLUMNS: [&str; 10] = [
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

/// What an import will do (a preview) or did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// Every bad row, in file order. Non-empty means nothing was written.
    pub errors: Vec<RowError>,
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
        let line = text[..at].matches('\n').count() as u64 + 1;
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

/// The separator the header line uses most: `;` (spreadsheets in
/// decimal-comma countries), a tab (a "tab delimited" text file), else `,`.
fn detect_separator(text: &str) -> u8 {
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

struct PlannedRow {
    valid: ValidProduct,
    active: Option<bool>,
    existing: Option<Product>,
    changed: bool,
}

struct Plan {
    report: ImportReport,
    rows: Vec<PlannedRow>,
}

fn row_error(line: u64, err: Error) -> RowError {
    match err {
        Error::Validation { field, message } => RowError {
            line,
            field,
            message,
        },
        other => RowError {
            line,
            field: "row".into(),
            message: other.to_string(),
        },
    }
}

/// Read and check the whole file against the catalog; writes nothing.
fn plan(
    conn: &Connection,
    settings: &Settings,
    text: &str,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<Plan> {
    let mut report = ImportReport {
        sha256: crate::db::journal::hex(&Sha256::digest(text.as_bytes())),
        ..ImportReport::default()
    };
    let text = match check_text(text) {
        Ok(t) => t,
        Err(e) => {
            report.errors.push(e);
            return Ok(Plan {
                report,
                rows: Vec::new(),
            });
        }
    };
    let sep = detect_separator(text);
    report.separator = (sep as char).to_string();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            report.errors.push(RowError {
                line: 1,
                field: "file".into(),
                message: format!("the header line cannot be read: {e}"),
            });
            return Ok(Plan {
                report,
                rows: Vec::new(),
            });
        }
    };
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, cell) in headers.iter().enumerate() {
        match column_for(cell) {
            Some(col) => {
                if index.insert(col, i).is_some() {
                    report.errors.push(RowError {
                        line: 1,
                        field: col.into(),
                        message: format!(
                            "the column '{}' appears twice in the header",
                            cell.trim()
                        ),
                    });
                }
            }
            None if cell.trim().is_empty() => {}
            None => report.ignored_columns.push(cell.trim().to_string()),
        }
    }
    for required in ["sku", "name", "unit_price", "tax_rate"] {
        if !index.contains_key(required) {
            report.errors.push(RowError {
                line: 1,
                field: required.into(),
                message: format!(
                    "the header has no '{required}' column (found: {})",
                    headers.iter().map(str::trim).collect::<Vec<_>>().join(", ")
                ),
            });
        }
    }
    if !report.errors.is_empty() {
        return Ok(Plan {
            report,
            rows: Vec::new(),
        });
    }

    let total_lines = text.lines().count().saturating_sub(1);
    let mut existing: HashMap<String, Product> = catalog::list(conn)?
        .into_iter()
        .map(|p| (p.sku.clone(), p))
        .collect();
    let catalog_barcodes: HashMap<String, String> = existing
        .values()
        .filter_map(|p| p.barcode.clone().map(|b| (b, p.sku.clone())))
        .collect();
    let mut sku_lines: HashMap<String, u64> = HashMap::new();
    let mut barcode_lines: HashMap<String, u64> = HashMap::new();
    let mut rows: Vec<(u64, PlannedRow)> = Vec::new();
    let mut rejected_lines: HashSet<u64> = HashSet::new();
    let cell = |record: &csv::StringRecord, col: &str| -> String {
        index
            .get(col)
            .and_then(|i| record.get(*i))
            .map(|v| csv_cell::restore(v).to_string())
            .unwrap_or_default()
    };
    let mut record = csv::StringRecord::new();
    let mut seen = 0usize;
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(line);
                report.errors.push(RowError {
                    line,
                    field: "file".into(),
                    message: format!("this line cannot be read as CSV: {e}"),
                });
                break;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        seen += 1;
        report.rows += 1;
        if seen % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                phase: "checking",
                done: seen,
                total: total_lines.max(seen),
            });
        }
        let mut reject = |err: RowError| {
            rejected_lines.insert(err.line);
            report.errors.push(err);
        };
        // Spreadsheets often end rows with empty cells past the last
        // column: those are harmless.
        let extra_empty = record.len() > headers.len()
            && record
                .iter()
                .skip(headers.len())
                .all(|v| v.trim().is_empty());
        if record.len() != headers.len() && !extra_empty {
            reject(RowError {
                line,
                field: "row".into(),
                message: format!(
                    "has {} fields; the header has {} (check the separator and the quotes)",
                    record.len(),
                    headers.len()
                ),
            });
            continue;
        }
        if let Some((i, value)) = record
            .iter()
            .enumerate()
            .find(|(_, v)| v.len() > MAX_FIELD_CHARS && v.chars().count() > MAX_FIELD_CHARS)
        {
            // A long blank cell past the last column has no header to name.
            let field = headers.get(i).and_then(column_for).unwrap_or("row");
            reject(RowError {
                line,
                field: field.into(),
                message: format!(
                    "is {} characters long; at most {MAX_FIELD_CHARS} are allowed",
                    value.chars().count()
                ),
            });
            continue;
        }
        let mut input = ProductInput {
            sku: cell(&record, "sku"),
            barcode: cell(&record, "barcode"),
            name: cell(&record, "name"),
            unit_price: cell(&record, "unit_price"),
            tax_rate: cell(&record, "tax_rate"),
            unit: cell(&record, "unit"),
            kind: cell(&record, "kind"),
            category: cell(&record, "category"),
            low_stock_threshold: cell(&record, "low_stock_threshold"),
        };
        // A column the file leaves out keeps the product's current value.
        if let Some(p) = existing.get(input.sku.trim()) {
            let keep = |col: &str| !index.contains_key(col);
            if keep("barcode") {
                input.barcode = p.barcode.clone().unwrap_or_default();
            }
            if keep("unit") {
                input.unit = p.unit.clone();
            }
            if keep("kind") {
                input.kind = p.kind.as_str().to_string();
            }
            if keep("category") {
                input.category = p.category.clone();
            }
            if keep("low_stock_threshold") {
                input.low_stock_threshold = p
                    .low_stock_threshold
                    .map(|t| t.to_string())
                    .unwrap_or_default();
            }
        }
        let active = if index.contains_key("active") {
            match parse_active(&cell(&record, "active")) {
                Ok(a) => Some(a),
                Err(message) => {
                    reject(RowError {
                        line,
                        field: "active".into(),
                        message,
                    });
                    continue;
                }
            }
        } else {
            None
        };
        let valid = match catalog::validate(settings, &input) {
            Ok(v) => v,
            Err(e) => {
                reject(row_error(line, e));
                continue;
            }
        };
        if let Some(first) = sku_lines.get(&valid.sku) {
            reject(RowError {
                line,
                field: "sku".into(),
                message: format!("'{}' is also on line {first}", valid.sku),
            });
            continue;
        }
        sku_lines.insert(valid.sku.clone(), line);
        if let Some(code) = &valid.barcode {
            if let Some(first) = barcode_lines.get(code) {
                reject(RowError {
                    line,
                    field: "barcode".into(),
                    message: format!("'{code}' is also on line {first}"),
                });
                continue;
            }
            barcode_lines.insert(code.clone(), line);
        }
        let old = existing.remove(&valid.sku);
        let changed = old
            .as_ref()
            .is_some_and(|p| catalog::differs(p, &valid) || active.is_some_and(|a| a != p.active));
        rows.push((
            line,
            PlannedRow {
                valid,
                active,
                existing: old,
                changed,
            },
        ));
    }
    // A barcode already on a product the file does not also move it away
    // from would end up on two products.
    let file_barcode_of: HashMap<&str, Option<&str>> = rows
        .iter()
        .map(|(_, r)| (r.valid.sku.as_str(), r.valid.barcode.as_deref()))
        .collect();
    for (line, row) in &rows {
        let Some(code) = &row.valid.barcode else {
            continue;
        };
        let Some(owner) = catalog_barcodes.get(code) else {
            continue;
        };
        if owner == &row.valid.sku {
            continue;
        }
        let moved_away = file_barcode_of
            .get(owner.as_str())
            .is_some_and(|b| *b != Some(code.as_str()));
        if !moved_away {
            rejected_lines.insert(*line);
            report.errors.push(RowError {
                line: *line,
                field: "barcode".into(),
                message: format!("'{code}' is already on product {owner} in the catalog"),
            });
        }
    }
    report.errors.sort_by_key(|e| e.line);
    report.rejected = rejected_lines.len();
    let rows: Vec<PlannedRow> = rows
        .into_iter()
        .filter(|(line, _)| !rejected_lines.contains(line))
        .map(|(_, r)| r)
        .collect();
    for r in &rows {
        match (&r.existing, r.changed) {
            (None, _) => report.new += 1,
            (Some(_), true) => report.changed += 1,
            (Some(_), false) => report.unchanged += 1,
        }
    }
    if report.rows == 0 && report.errors.is_empty() {
        report.errors.push(RowError {
            line: 2,
            field: "file".into(),
            message: "has a header but no products".into(),
        });
    }
    progress(ImportProgress {
        phase: "checking",
        done: seen,
        total: seen,
    });
    Ok(Plan { report, rows })
}

/// Write a checked plan: new products, changed products (journaled with
/// before and after), and one journal entry for the import.
fn apply(tx: &Tx, plan: Plan, progress: &mut dyn FnMut(ImportProgress)) -> Result<ImportReport> {
    let Plan { mut report, rows } = plan;
    let total = rows.len();
    // Free barcodes that change hands first, so a swap between two products
    // does not trip the unique index halfway.
    for r in rows.iter().filter(|r| r.changed) {
        if let Some(old) = &r.existing {
            if old.barcode.is_some() && old.barcode != r.valid.barcode {
                tx.execute("UPDATE product SET barcode = NULL WHERE id = ?1", [&old.id])?;
            }
        }
    }
    let mut set_active = tx.prepare_cached("UPDATE product SET active = ?2 WHERE id = ?1")?;
    for (i, r) in rows.iter().enumerate() {
        match &r.existing {
            None => {
                catalog::insert_fields(tx, &r.valid, r.active.unwrap_or(true))?;
            }
            Some(old) if r.changed => {
                catalog::write_fields(tx, &old.id, &r.valid)?;
                let active = r.active.unwrap_or(old.active);
                if active != old.active {
                    set_active.execute(rusqlite::params![old.id, active])?;
                }
                let after = Product {
                    id: old.id.clone(),
                    sku: r.valid.sku.clone(),
                    barcode: r.valid.barcode.clone(),
                    name: r.valid.name.clone(),
                    unit_price: r.valid.unit_price,
                    tax_rate: r.valid.tax_rate,
                    unit: r.valid.unit.clone(),
                    kind: r.valid.kind,
                    category: r.valid.category.clone(),
                    low_stock_threshold: r.valid.low_stock_threshold,
                    active,
                };
                tx.journal(
                    "product.updated",
                    "product",
                    &old.id,
                    catalog::changes(old, &after),
                )?;
            }
            Some(_) => {}
        }
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(ImportProgress {
                phase: "writing",
                done: i + 1,
                total,
            });
        }
    }
    tx.journal(
        "catalog.imported",
        "catalog_import",
        &new_id(),
        serde_json::json!({
            "rows": report.rows,
            "new": report.new,
            "changed": report.changed,
            "unchanged": report.unchanged,
            "sha256": report.sha256,
        }),
    )?;
    progress(ImportProgress {
        phase: "writing",
        done: total,
        total,
    });
    report.applied = true;
    Ok(report)
}

/// What importing `text` would do; writes nothing.
pub fn preview(
    conn: &Connection,
    text: &str,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let settings = settings::load(conn)?;
    Ok(plan(conn, &settings, text, progress)?.report)
}

/// Import `text` into the catalog as one transaction. With any bad row the
/// report lists them all and nothing is written (`applied` is false).
pub fn import(
    store: &mut Store,
    actor: &Actor,
    text: &str,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let settings = settings::load(store.conn())?;
    let mut refused: Option<ImportReport> = None;
    // A big catalog touches many index pages in one transaction: a larger
    // page cache for this import keeps them from spilling to disk midway.
    let cache: i64 = store
        .conn()
        .query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    store.conn().pragma_update(None, "cache_size", -65_536)?;
    let result = store.write(actor, |tx| {
        let plan = plan(tx, &settings, text, progress)?;
        if !plan.report.errors.is_empty() {
            refused = Some(plan.report);
            return Err(Error::validation("file", "the file has bad rows"));
        }
        apply(tx, plan, progress)
    });
    store.conn().pragma_update(None, "cache_size", cache)?;
    match (result, refused) {
        (Ok(report), _) => Ok(report),
        (Err(_), Some(report)) => Ok(report),
        (Err(err), None) => Err(err),
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
    for p in products {
        let p = p?;
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
