//! The package files beside the CSV files: `datapackage.json` (Frictionless
//! tabular data package: every file and column with its type) and
//! `manifest.json` (SHA-256 and size of every other file, the journal's
//! entry count and head hash).

use serde_json::json;

use super::tables::Kind::{DateTime as Time, Decimal as Dec, Milli, Money as Amount};
use super::tables::{field_type, Table};
use super::{ExportOptions, FileEntry};
use crate::db::journal::Verification;

/// The Frictionless tabular data package describing every file and column.
pub(super) fn datapackage(
    tables: &[&Table],
    opts: &ExportOptions,
    name: &str,
) -> serde_json::Value {
    let resources: Vec<serde_json::Value> = tables
        .iter()
        .map(|t| {
            let fields: Vec<serde_json::Value> = t
                .columns
                .iter()
                .map(|c| {
                    let mut f = json!({
                        "name": c.name,
                        "type": field_type(c.kind),
                        "description": c.description,
                    });
                    if c.kind == Time {
                        // ISO 8601 with a numeric offset, e.g. 2026-12-05T10:00:00.000+01:00
                        f["format"] = json!("%Y-%m-%dT%H:%M:%S.%f%z");
                    }
                    if matches!(c.kind, Amount | Dec | Milli) && opts.semicolon {
                        f["decimalChar"] = json!(",");
                    }
                    f
                })
                .collect();
            let mut schema = json!({ "fields": fields, "missingValues": [""] });
            if !t.primary_key.is_empty() {
                schema["primaryKey"] = json!(t.primary_key);
            }
            if !t.foreign_keys.is_empty() {
                schema["foreignKeys"] = t
                    .foreign_keys
                    .iter()
                    .map(|(field, resource, key)| {
                        json!({"fields": field, "reference": {"resource": resource, "fields": key}})
                    })
                    .collect();
            }
            json!({
                "name": t.name,
                "title": t.title,
                "path": format!("{}.csv", t.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": if opts.bom { "utf-8-sig" } else { "utf-8" },
                "dialect": {
                    "delimiter": if opts.semicolon { ";" } else { "," },
                    "lineTerminator": "\r\n",
                    "quoteChar": "\"",
                    "doubleQuote": true,
                    "header": true
                },
                "schema": schema,
            })
        })
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": name,
        "title": "Popup Till export",
        "resources": resources,
    })
}

/// The manifest: what was exported, and the SHA-256 and size of every file
/// written before it, with the journal's entry count and head hash.
pub(super) fn manifest(
    opts: &ExportOptions,
    currency: &str,
    journal: &Verification,
    files: &[FileEntry],
) -> serde_json::Value {
    json!({
        "generator": concat!("popup-till ", env!("CARGO_PKG_VERSION")),
        "scope": opts.scope.label(),
        "include_practice": opts.include_practice,
        "currency": currency,
        "journal": {
            "entries": journal.entries,
            "head_hash": journal.head_hash,
            "holds": journal.holds(),
        },
        "files": files,
    })
}

/// The journal head hash a `manifest.json` recorded (`journal.head_hash`),
/// to check later that the journal still holds it.
pub fn manifest_head_hash(text: &str) -> crate::Result<String> {
    let bad =
        |why: &str| crate::Error::validation("anchor", format!("not an export manifest: {why}"));
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
    let hash = value
        .get("journal")
        .and_then(|j| j.get("head_hash"))
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| bad("it records no journal.head_hash"))?;
    crate::db::journal::parse_hash(hash)
}
