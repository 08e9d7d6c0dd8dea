//! A catalog kept as a workbook (`.xlsx` from Excel, `.ods` from
//! LibreOffice): its first sheet is read cell by cell and handed to the CSV
//! import as the text it stands for, so the same checks, preview and line
//! numbers (the sheet's row numbers) apply.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use super::RowError;
use crate::csv_cell;

/// Whether `bytes` are a zip container, as `.xlsx` and `.ods` files are.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn file_error(message: String) -> RowError {
    RowError {
        line: 1,
        field: "file".into(),
        message,
    }
}

/// A cell as the text the CSV import reads: numbers in their shortest
/// decimal form (`4.2`, `4006381333931`), flags as `yes` / `no`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The first sheet of the workbook `bytes` as CSV text (`,` separated), a
/// line per row of the sheet from its first row, so a row's line number in
/// the import's messages is its row number in the spreadsheet.
pub fn workbook_text(bytes: &[u8]) -> Result<String, RowError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| {
        file_error(format!(
            "is not a workbook this import can read ({e}): save it as .xlsx, .ods or CSV UTF-8"
        ))
    })?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| file_error("the workbook has no sheet".into()))?
        .map_err(|e| file_error(format!("the first sheet cannot be read: {e}")))?;
    let mut w = csv_cell::writer(Vec::new(), b',');
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut text = "\r\n".repeat(first_row as usize);
    for row in range.rows() {
        for _ in 0..first_col {
            w.write_field("").map_err(|e| file_error(e.to_string()))?;
        }
        w.write_record(row.iter().map(cell_text))
            .map_err(|e| file_error(e.to_string()))?;
    }
    let body = w.into_inner().map_err(|e| file_error(e.to_string()))?;
    text.push_str(&String::from_utf8_lossy(&body));
    Ok(text)
}
