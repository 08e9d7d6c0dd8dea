//! Importing a catalog file: every row is read and checked against the
//! catalog first (`plan`), with every problem of each bad row named by line
//! and field and, for each good row, what it changes (field: old → new);
//! only a file without a bad row is written, whole, in one transaction
//! (`apply`). The file's format (columns, decoding, separators) is the
//! parent module's.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::refill_columns::{self, RefillCells};
use super::*;
use crate::catalog::{self, Product, ValidProduct};
use crate::db::store::{Actor, Store, Tx};
use crate::shop::people::Approval;
use crate::shop::settings::{self, Settings};
use crate::{new_id, Error, Result};

struct PlannedRow {
    valid: ValidProduct,
    active: Option<bool>,
    existing: Option<Product>,
    changed: bool,
    /// The refill fields the row gives the product, and the product's
    /// now (none for a new product).
    refill: RefillCells,
    refill_before: RefillCells,
}

struct Plan {
    report: ImportReport,
    rows: Vec<PlannedRow>,
}

/// A product's fields as the catalog export writes them.
fn shown_fields(p: &ValidProduct, active: bool) -> [(&'static str, String); 10] {
    [
        ("sku", p.sku.clone()),
        ("barcode", p.barcode.clone().unwrap_or_default()),
        ("name", p.name.clone()),
        ("unit_price", p.unit_price.to_string()),
        ("tax_rate", p.tax_rate.to_string()),
        ("unit", p.unit.clone()),
        ("kind", p.kind.as_str().to_string()),
        ("category", p.category.clone()),
        (
            "low_stock_threshold",
            p.low_stock_threshold
                .map(|t| t.to_string())
                .unwrap_or_default(),
        ),
        ("active", if active { "yes" } else { "no" }.to_string()),
    ]
}

/// What a row does to its product: every field that differs, old → new.
fn product_change(line: u64, row: &PlannedRow) -> ProductChange {
    let fields: Vec<FieldChange> = match &row.existing {
        None => shown_fields(&row.valid, row.active.unwrap_or(true))
            .into_iter()
            // A new product shows its price, rate and barcode (so a code
            // that lost its zeros on the way is seen before the import).
            .filter(|(field, new)| {
                ["unit_price", "tax_rate"].contains(field)
                    || (*field == "barcode" && !new.is_empty())
            })
            .map(|(field, new)| FieldChange {
                field: field.into(),
                old: String::new(),
                new,
            })
            .collect(),
        Some(old) => {
            let before = ValidProduct {
                sku: old.sku.clone(),
                barcode: old.barcode.clone(),
                name: old.name.clone(),
                unit_price: old.unit_price,
                tax_rate: old.tax_rate,
                unit: old.unit.clone(),
                kind: old.kind,
                category: old.category.clone(),
                low_stock_threshold: old.low_stock_threshold,
            };
            shown_fields(&before, old.active)
                .into_iter()
                .zip(shown_fields(&row.valid, row.active.unwrap_or(old.active)))
                .filter(|((_, a), (_, b))| a != b)
                .map(|((field, old), (_, new))| FieldChange {
                    field: field.into(),
                    old,
                    new,
                })
                .collect()
        }
    };
    let mut fields = fields;
    let before = row.refill_before.shown();
    for ((field, old), (_, new)) in before.into_iter().zip(row.refill.shown()) {
        if old != new {
            fields.push(FieldChange {
                field: field.into(),
                old,
                new,
            });
        }
    }
    ProductChange {
        line,
        sku: row.valid.sku.clone(),
        name: row.valid.name.clone(),
        new: row.existing.is_none(),
        fields,
    }
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

    let lines = Lines::new(text);
    let total_lines = lines.count().saturating_sub(1);
    let mut existing: HashMap<String, Product> = catalog::list(conn)?
        .into_iter()
        .map(|p| (p.sku.clone(), p))
        .collect();
    let catalog_barcodes: HashMap<String, String> = existing
        .values()
        .filter_map(|p| p.barcode.clone().map(|b| (b, p.sku.clone())))
        .collect();
    let (refill_catalog, kinds) = refill_columns::catalog_cells(conn)?;
    let zero_skus = zeros::ZeroSkus::new(existing.keys().map(String::as_str));
    let catalog_skus: HashSet<String> = existing.keys().cloned().collect();
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
        let line = lines.at(reader.position().byte());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| lines.at(p.byte())).unwrap_or(line);
                report.errors.push(RowError {
                    line,
                    field: "file".into(),
                    message: format!("this line cannot be read as CSV: {e}"),
                });
                break;
            }
        }
        let line = record
            .position()
            .map(|p| lines.at(p.byte()))
            .unwrap_or(line);
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
        // Every problem of the row is named, not only the first.
        let mut problems: Vec<RowError> = Vec::new();
        let active = if index.contains_key("active") {
            match parse_active(&cell(&record, "active")) {
                Ok(a) => Some(a),
                Err(message) => {
                    problems.push(RowError {
                        line,
                        field: "active".into(),
                        message,
                    });
                    None
                }
            }
        } else {
            None
        };
        let sku = input.sku.trim().to_string();
        if let Some(full) = zero_skus.restored(&sku, catalog_skus.contains(&sku)) {
            problems.push(RowError {
                line,
                field: "sku".into(),
                message: format!(
                    "'{sku}' is not in the catalog, but '{full}' is: the spreadsheet dropped the SKU's leading zeros (it read the column as numbers). Format the column as text, put the zeros back and import again"
                ),
            });
        }
        let barcode = input.barcode.trim();
        if index.contains_key("barcode") && !catalog_barcodes.contains_key(barcode) {
            if let Some(full) = zeros::restored_barcode(barcode) {
                problems.push(RowError {
                    line,
                    field: "barcode".into(),
                    message: format!(
                        "'{barcode}' looks like the barcode {full} without its leading zeros: the spreadsheet dropped them (it read the column as numbers). Format the column as text, put the zeros back and import again"
                    ),
                });
            }
        }
        if let Some(first) = sku_lines.get(&sku).filter(|_| !sku.is_empty()) {
            problems.push(RowError {
                line,
                field: "sku".into(),
                message: format!("'{sku}' is also on line {first}"),
            });
        } else if !sku.is_empty() {
            sku_lines.insert(sku, line);
        }
        let refill = refill_columns::read(
            line,
            |col| index.contains_key(col).then(|| cell(&record, col)),
            refill_catalog.get(input.sku.trim()),
            &mut problems,
        );
        let valid = match catalog::validate_all(settings, &input) {
            Ok(v) => Some(v),
            Err(errors) => {
                problems.extend(errors.into_iter().map(|e| row_error(line, e)));
                None
            }
        };
        if let Some(code) = valid.as_ref().and_then(|v| v.barcode.as_ref()) {
            if let Some(first) = barcode_lines.get(code) {
                problems.push(RowError {
                    line,
                    field: "barcode".into(),
                    message: format!("'{code}' is also on line {first}"),
                });
            } else {
                barcode_lines.insert(code.clone(), line);
            }
        }
        let valid = match valid {
            Some(v) if problems.is_empty() => v,
            _ => {
                for problem in problems {
                    reject(problem);
                }
                continue;
            }
        };
        let old = existing.remove(&valid.sku);
        let refill_before = old
            .as_ref()
            .and_then(|p| refill_catalog.get(&p.sku).cloned())
            .unwrap_or_default();
        let changed = old.as_ref().is_some_and(|p| {
            catalog::differs(p, &valid)
                || active.is_some_and(|a| a != p.active)
                || refill != refill_before
        });
        rows.push((
            line,
            PlannedRow {
                valid,
                active,
                existing: old,
                changed,
                refill,
                refill_before,
            },
        ));
    }
    // Deposits named by SKU and scale item codes, across the file.
    let across: Vec<refill_columns::Checked> = rows
        .iter()
        .map(|(line, r)| refill_columns::Checked {
            line: *line,
            sku: r.valid.sku.as_str(),
            kind: r.valid.kind,
            cells: &r.refill,
        })
        .collect();
    for e in refill_columns::check_across(&across, &refill_catalog, &kinds) {
        rejected_lines.insert(e.line);
        report.errors.push(e);
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
    let rows: Vec<(u64, PlannedRow)> = rows
        .into_iter()
        .filter(|(line, _)| !rejected_lines.contains(line))
        .collect();
    report.changes = rows
        .iter()
        .filter(|(_, r)| r.existing.is_none() || r.changed)
        .take(MAX_CHANGES_LISTED)
        .map(|(line, r)| product_change(*line, r))
        .collect();
    let rows: Vec<PlannedRow> = rows.into_iter().map(|(_, r)| r).collect();
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
fn apply(
    tx: &Tx,
    approval: &Approval,
    plan: Plan,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
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
    // The refill fields, once every product of the file is there (a
    // deposit may be a product of the same file).
    let refill_changes: Vec<(&str, &RefillCells, RefillCells)> = rows
        .iter()
        .filter(|r| r.refill != r.refill_before)
        .map(|r| (r.valid.sku.as_str(), &r.refill, r.refill_before.clone()))
        .collect();
    refill_columns::write(tx, approval, &refill_changes)?;
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
            "approved_by": approval.organizer_id(),
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
    approval: &Approval,
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
        apply(tx, approval, plan, progress)
    });
    store.conn().pragma_update(None, "cache_size", cache)?;
    match (result, refused) {
        (Ok(report), _) => Ok(report),
        (Err(_), Some(report)) => Ok(report),
        (Err(err), None) => Err(err),
    }
}
