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
use super::Progress;
use crate::csv_cell;
use crate::{Error, Result};

/// The workbook's file name.
pub(super) const FILE: &str = "export.xlsx";

/// The most data rows a sheet takes (Excel's limit less the header row); a
/// longer table goes on in a continuation sheet (`sale_lines (2)`).
const MAX_ROWS: usize = 1_048_575;

/// Column widths in characters: at least the header's, at most this.
const MAX_WIDTH: usize = 48;

/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 20_000;

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Storage(format!("cannot write {FILE}: {e}"))
}

/// The workbook of `tables`, read from their CSV files in `dir`, as bytes.
/// Sheets are streamed to disk as they are written (constant memory), so a
/// season's export needs no more memory than a market's. `progress` sees
/// each sheet's rows; it may cancel (returns false).
pub(super) fn workbook(
    dir: &Path,
    tables: &[(&Table, u64)],
    separator: u8,
    minor_units: u32,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Vec<u8>> {
    workbook_with(dir, tables, separator, minor_units, MAX_ROWS, progress)
}

/// One sheet being written: its rows so far and its widest cells.
struct Sheet<'b> {
    sheet: &'b mut Worksheet,
    rows: usize,
    widths: Vec<usize>,
}

fn new_sheet<'b>(
    book: &'b mut Workbook,
    table: &Table,
    part: usize,
    bold: &Format,
) -> Result<Sheet<'b>> {
    let sheet = book.add_worksheet_with_constant_memory();
    let name = if part == 1 {
        table.name.to_string()
    } else {
        format!("{} ({part})", table.name)
    };
    sheet.set_name(name).map_err(xlsx_error)?;
    for (c, column) in table.columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, column.name, bold)
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    Ok(Sheet {
        sheet,
        rows: 0,
        widths: table.columns.iter().map(|c| c.name.len()).collect(),
    })
}

impl Sheet<'_> {
    /// Readable widths: each column as wide as its widest cell, capped.
    fn finish(self) -> Result<()> {
        for (c, width) in self.widths.iter().enumerate() {
            self.sheet
                .set_column_width(c as u16, (*width).clamp(6, MAX_WIDTH) as f64 + 2.0)
                .map_err(xlsx_error)?;
        }
        Ok(())
    }
}

pub(super) fn workbook_with(
    dir: &Path,
    tables: &[(&Table, u64)],
    separator: u8,
    minor_units: u32,
    max_rows: usize,
    progress: &mut dyn FnMut(&Progress) -> bool,
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
    for (table, total) in tables {
        let path = dir.join(format!("{}.csv", table.name));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .has_headers(true)
            .from_path(&path)
            .map_err(|e| Error::Storage(format!("cannot read {}: {e}", path.display())))?;
        let file = format!("{FILE} ({})", table.name);
        let mut tell = |done: u64| -> Result<()> {
            let p = Progress {
                file: file.clone(),
                rows_done: done,
                rows_total: *total,
            };
            if progress(&p) {
                Ok(())
            } else {
                Err(Error::Conflict(
                    "the export was cancelled; nothing was written".into(),
                ))
            }
        };
        tell(0)?;
        let mut part = 1;
        let mut sheet = new_sheet(&mut book, table, part, &bold)?;
        let mut done = 0u64;
        for record in reader.records() {
            let record = record
                .map_err(|e| Error::Storage(format!("cannot read {}: {e}", path.display())))?;
            if sheet.rows == max_rows {
                sheet.finish()?;
                part += 1;
                sheet = new_sheet(&mut book, table, part, &bold)?;
            }
            sheet.rows += 1;
            let row = sheet.rows as u32;
            for (c, (column, value)) in table.columns.iter().zip(record.iter()).enumerate() {
                if value.is_empty() {
                    continue;
                }
                let col = c as u16;
                let ws = &mut *sheet.sheet;
                let number =
                    || -> Option<f64> { value.replace(',', ".").parse::<Decimal>().ok()?.to_f64() };
                let written = match column.kind {
                    Text | Time => ws.write_string(row, col, csv_cell::restore(value)),
                    Integer | Dec | Milli => match number() {
                        Some(n) => ws.write_number(row, col, n),
                        None => ws.write_string(row, col, value),
                    },
                    Amount => match number() {
                        Some(n) => ws.write_number_with_format(row, col, n, &money),
                        None => ws.write_string(row, col, value),
                    },
                    Boolean => ws.write_boolean(row, col, value == "true"),
                    LocalDate | LocalTime => {
                        let format = if column.kind == LocalDate {
                            &date
                        } else {
                            &time
                        };
                        match ExcelDateTime::parse_from_str(value) {
                            Ok(t) => ws.write_datetime_with_format(row, col, t, format),
                            Err(_) => ws.write_string(row, col, value),
                        }
                    }
                };
                written.map_err(xlsx_error)?;
                let width = &mut sheet.widths[c];
                *width = (*width).max(value.chars().count());
            }
            done += 1;
            if done % PROGRESS_EVERY == 0 {
                tell(done)?;
            }
        }
        sheet.finish()?;
        tell(done)?;
    }
    book.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader};

    use super::*;
    use crate::reporting::export::tables::Column;

    const ROWS: Table = Table {
        name: "rows",
        title: "Numbered rows",
        columns: &[
            Column {
                name: "n",
                kind: Integer,
                description: "A number",
            },
            Column {
                name: "code",
                kind: Text,
                description: "A code with leading zeros",
            },
        ],
        primary_key: &[],
        foreign_keys: &[],
    };

    #[test]
    fn a_table_longer_than_a_sheet_goes_on_in_continuation_sheets() {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("n,code\n");
        for n in 1..=7 {
            csv.push_str(&format!("{n},00{n}\n"));
        }
        std::fs::write(dir.path().join("rows.csv"), csv).unwrap();
        let mut seen = Vec::new();
        let bytes = workbook_with(dir.path(), &[(&ROWS, 7)], b',', 2, 3, &mut |p| {
            seen.push((p.file.clone(), p.rows_done, p.rows_total));
            true
        })
        .unwrap();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["rows", "rows (2)", "rows (3)"]);
        let mut numbers = Vec::new();
        for name in book.sheet_names() {
            let sheet = book.worksheet_range(&name).unwrap();
            let mut rows = sheet.rows();
            assert_eq!(
                rows.next().unwrap(),
                [Data::String("n".into()), Data::String("code".into())],
                "{name} starts with the header"
            );
            for row in rows {
                let Data::Float(n) = row[0] else {
                    panic!("{name}: {row:?}")
                };
                assert_eq!(row[1], Data::String(format!("00{n}")), "codes stay text");
                numbers.push(n as i64);
            }
        }
        assert_eq!(
            numbers,
            (1..=7).collect::<Vec<_>>(),
            "every row once, in order"
        );
        assert_eq!(seen.first(), Some(&("export.xlsx (rows)".into(), 0, 7)));
        assert_eq!(seen.last(), Some(&("export.xlsx (rows)".into(), 7, 7)));
    }

    #[test]
    fn cancelling_stops_the_workbook_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rows.csv"), "n,code\n1,001\n").unwrap();
        let err = workbook_with(dir.path(), &[(&ROWS, 1)], b',', 2, 3, &mut |_| false).unwrap_err();
        assert!(err.to_string().contains("cancelled"), "{err}");
    }
}
