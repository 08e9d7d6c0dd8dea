//! The refill columns of a catalog file: a product's deposit (the SKU of a
//! product of kind deposit, in the catalog or in the same file), a shop
//! container's tare in whole grams and its scale item code. Read per row
//! (a column the file leaves out keeps the product's value), checked
//! across the file once every row is known (a deposit named by SKU, a
//! scale item code on one product only), and written after the products,
//! each product's change journaled with before and after.

use std::collections::HashMap;

use rusqlite::Connection;
use serde_json::json;

use super::RowError;
use crate::catalog::ProductKind;
use crate::db::store::Tx;
use crate::shop::people::Approval;
use crate::Result;

/// A product's refill fields as a catalog file writes them (the deposit
/// by its SKU).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RefillCells {
    pub(super) deposit: Option<String>,
    pub(super) tare_grams: Option<i64>,
    pub(super) scale_item_code: Option<String>,
}

impl RefillCells {
    /// The fields as the preview and the export show them.
    pub(super) fn shown(&self) -> [(&'static str, String); 3] {
        [
            ("deposit", self.deposit.clone().unwrap_or_default()),
            (
                "tare_grams",
                self.tare_grams.map(|t| t.to_string()).unwrap_or_default(),
            ),
            (
                "scale_item_code",
                self.scale_item_code.clone().unwrap_or_default(),
            ),
        ]
    }
}

/// Every product's refill fields by SKU, and every product's kind.
pub(super) fn catalog_cells(
    conn: &Connection,
) -> Result<(HashMap<String, RefillCells>, HashMap<String, ProductKind>)> {
    let mut stmt = conn.prepare(
        "SELECT p.sku, p.kind, d.sku, p.tare_grams, p.scale_item_code
         FROM product p LEFT JOIN product d ON d.id = p.deposit_product_id",
    )?;
    let mut cells = HashMap::new();
    let mut kinds = HashMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, ProductKind>(1)?,
            RefillCells {
                deposit: r.get(2)?,
                tare_grams: r.get(3)?,
                scale_item_code: r.get(4)?,
            },
        ))
    })?;
    for row in rows {
        let (sku, kind, c) = row?;
        kinds.insert(sku.clone(), kind);
        cells.insert(sku, c);
    }
    Ok((cells, kinds))
}

/// Read a row's refill cells: `cell` gives a column's text, `None` when
/// the file has no such column (the product's value `before` stays).
pub(super) fn read(
    line: u64,
    cell: impl Fn(&str) -> Option<String>,
    before: Option<&RefillCells>,
    problems: &mut Vec<RowError>,
) -> RefillCells {
    let kept = before.cloned().unwrap_or_default();
    let mut problem = |field: &str, message: String| {
        problems.push(RowError {
            line,
            field: field.into(),
            message,
        })
    };
    let deposit = match cell("deposit") {
        None => kept.deposit,
        Some(t) if t.trim().is_empty() => None,
        Some(t) => Some(t.trim().to_string()),
    };
    let tare_grams = match cell("tare_grams") {
        None => kept.tare_grams,
        Some(t) if t.trim().is_empty() => None,
        Some(t) => {
            let t = t.trim();
            match t.parse::<i64>() {
                Ok(g) if (0..=100_000).contains(&g) && t.bytes().all(|b| b.is_ascii_digit()) => {
                    Some(g)
                }
                _ => {
                    problem(
                        "tare_grams",
                        format!("'{t}' is not a tare in whole grams (0 to 100000)"),
                    );
                    None
                }
            }
        }
    };
    let scale_item_code = match cell("scale_item_code") {
        None => kept.scale_item_code,
        Some(t) if t.trim().is_empty() => None,
        Some(t) => {
            let t = t.trim();
            if t.len() <= 6 && t.bytes().all(|b| b.is_ascii_digit()) {
                Some(t.to_string())
            } else {
                problem(
                    "scale_item_code",
                    format!("'{t}' is not a scale item code (1 to 6 digits)"),
                );
                None
            }
        }
    };
    RefillCells {
        deposit,
        tare_grams,
        scale_item_code,
    }
}

/// One row as the cross-file check sees it.
pub(super) struct Checked<'a> {
    pub(super) line: u64,
    pub(super) sku: &'a str,
    pub(super) kind: ProductKind,
    pub(super) cells: &'a RefillCells,
}

/// Check the refill cells of the file's rows together: a deposit is the
/// SKU of a product of kind deposit (as the file leaves it) other than the
/// row's own; a scale item code is on one product only, in the file and
/// in the catalog (leading zeros aside, as a scale label reads it).
pub(super) fn check_across(
    rows: &[Checked],
    catalog: &HashMap<String, RefillCells>,
    kinds: &HashMap<String, ProductKind>,
) -> Vec<RowError> {
    let mut errors = Vec::new();
    let file_kind: HashMap<&str, ProductKind> = rows.iter().map(|r| (r.sku, r.kind)).collect();
    let mut codes: HashMap<String, (u64, &str)> = HashMap::new();
    for r in rows {
        if let Some(d) = &r.cells.deposit {
            let kind = file_kind
                .get(d.as_str())
                .copied()
                .or_else(|| kinds.get(d).copied());
            let message = match kind {
                _ if d == r.sku => Some(format!("{d} cannot be its own deposit")),
                None => Some(format!("'{d}' is not a SKU in the catalog or in this file")),
                Some(k) if k != ProductKind::Deposit => {
                    Some(format!("{d} is of kind {}, not deposit", k.as_str()))
                }
                Some(_) => None,
            };
            if let Some(message) = message {
                errors.push(RowError {
                    line: r.line,
                    field: "deposit".into(),
                    message,
                });
            }
        }
        if let Some(code) = &r.cells.scale_item_code {
            let key = code.trim_start_matches('0').to_string();
            if let Some((first, sku)) = codes.get(&key) {
                errors.push(RowError {
                    line: r.line,
                    field: "scale_item_code".into(),
                    message: format!("scale item code {code} is also on {sku} (line {first})"),
                });
            } else {
                codes.insert(key, (r.line, r.sku));
            }
        }
    }
    // A code already on a catalog product the file leaves as it is.
    for r in rows {
        let Some(code) = &r.cells.scale_item_code else {
            continue;
        };
        let key = code.trim_start_matches('0');
        let owner = catalog.iter().find(|(sku, c)| {
            sku.as_str() != r.sku
                && !file_kind.contains_key(sku.as_str())
                && c.scale_item_code
                    .as_deref()
                    .is_some_and(|o| o.trim_start_matches('0') == key)
        });
        if let Some((sku, _)) = owner {
            errors.push(RowError {
                line: r.line,
                field: "scale_item_code".into(),
                message: format!("scale item code {code} is already on {sku} in the catalog"),
            });
        }
    }
    errors
}

/// Write the refill fields of the rows that change them, once every
/// product of the file is in the catalog: codes that move are freed
/// first, then each product's fields are set and journaled with before and
/// after.
pub(super) fn write(
    tx: &Tx,
    approval: &Approval,
    changes: &[(&str, &RefillCells, RefillCells)],
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let id_of = |sku: &str| -> Result<String> {
        Ok(tx
            .prepare_cached("SELECT id FROM product WHERE sku = ?1")?
            .query_row([sku], |r| r.get(0))?)
    };
    for (sku, _, before) in changes {
        if before.scale_item_code.is_some() {
            tx.execute(
                "UPDATE product SET scale_item_code = NULL WHERE sku = ?1",
                [sku],
            )?;
        }
    }
    for (sku, after, before) in changes {
        let id = id_of(sku)?;
        let deposit = match &after.deposit {
            Some(d) => Some(id_of(d)?),
            None => None,
        };
        tx.execute(
            "UPDATE product SET scale_item_code = ?1, tare_grams = ?2, deposit_product_id = ?3 WHERE id = ?4",
            rusqlite::params![after.scale_item_code, after.tare_grams, deposit, id],
        )?;
        let fields = |c: &RefillCells| {
            json!({
                "deposit_sku": c.deposit,
                "tare_grams": c.tare_grams,
                "scale_item_code": c.scale_item_code,
            })
        };
        tx.journal(
            "product.refill_changed",
            "product",
            &id,
            json!({
                "before": fields(before),
                "after": fields(after),
                "approved_by": approval.organizer_id(),
                "by": "catalog import",
            }),
        )?;
    }
    Ok(())
}
