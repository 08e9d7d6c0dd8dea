//! `export.xlsx`: the export's tables as one workbook beside the CSV files,
//! for whoever opens the package in a spreadsheet. Each sheet is read back
//! from its finished CSV file, so the workbook holds exactly what the files
//! hold, with types a spreadsheet keeps: numbers as numbers, local dates and
//! times as dates and times, flags as booleans, and text as text cells
//! (never formulas, so the CSV's guard apostrophe is taken off again).

use std::path::Path;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

use super::tables::Kind::{
    Boolean, DateTime as Time, Decimal as Dec, Integer, LocalDate, LocalTime, Milli,
    Money as Amount, Text,
};
use super::tables::Table;
use crate::csv_cell;
use crate::{Error, Result};

/// The workbook's file name.
pub(super) const FILE: &str = "export.xlsx";

/// The most data rows a sheet takes (Excel's limit less the header row).
const MAX_ROWS: usize = 1_048_575;

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Storage(format!("cannot write {FILE}: {e}"))
}

/// The workbook of `tables`, read from their CSV files in `dir`, as bytes.
pub(super) fn workbook(
    dir: &Path,
    tables: &[&Table],
    separator: u8,
    minor_units: u32,
) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let money = Format::new().set_num_format(if minor_units == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(minor_units as usize))
    });
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let time = Format::new().set_num_format("hh:mm:ss");
    let bold = Format::new().set_bold();
    for table in tables {
        let path = dir.join(format!("{}.csv", table.name));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .has_headers(true)
            .from_path(&path)
            .map_err(|e| Error::Storage(format!("cannot read {}: {e}", path.display())))?;
        let sheet: &mut Worksheet = book.add_worksheet();
        sheet.set_name(table.name).map_err(xlsx_error)?;
        for (c, column) in table.columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, column.name, &bold)
                .map_err(xlsx_error)?;
        }
        for (r, record) in reader.records().enumerate() {
            let record = record
                .map_err(|e| Error::Storage(format!("cannot read {}: {e}", path.display())))?;
            if r >= MAX_ROWS {
                return Err(Error::validation(
                    "xlsx",
                    format!(
                        "{} has more rows than a workbook sheet holds ({MAX_ROWS}): export without the workbook",
                        table.name
                    ),
                ));
            }
            let row = (r + 1) as u32;
            for (c, (column, value)) in table.columns.iter().zip(record.iter()).enumerate() {
                if value.is_empty() {
                    continue;
                }
                let col = c as u16;
                let number =
                    || -> Option<f64> { value.replace(',', ".").parse::<Decimal>().ok()?.to_f64() };
                let written = match column.kind {
                    Text | Time => sheet.write_string(row, col, csv_cell::restore(value)),
                    Integer | Dec | Milli => match number() {
                        Some(n) => sheet.write_number(row, col, n),
                        None => sheet.write_string(row, col, value),
                    },
                    Amount => match number() {
                        Some(n) => sheet.write_number_with_format(row, col, n, &money),
                        None => sheet.write_string(row, col, value),
                    },
                    Boolean => sheet.write_boolean(row, col, value == "true"),
                    LocalDate | LocalTime => {
                        let format = if column.kind == LocalDate {
                            &date
                        } else {
                            &time
                        };
                        match ExcelDateTime::parse_from_str(value) {
                            Ok(t) => sheet.write_datetime_with_format(row, col, t, format),
                            Err(_) => sheet.write_string(row, col, value),
                        }
                    }
                };
                written.map_err(xlsx_error)?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    }
    book.save_to_buffer().map_err(xlsx_error)
}
