//! Writing the export's files: each CSV file through the one CSV cell
//! writer, hashed and counted as it is written and synced before the folder
//! is renamed into place; the JSON files likewise.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{params_from_iter, Connection};
use sha2::{Digest, Sha256};

use super::cells::{is_decimal_text, push_i64, push_local_time, push_milli, push_minor};
use super::tables::Kind::{
    Boolean, DateTime as Time, Decimal as Dec, Integer, LocalDate, LocalTime, Milli,
    Money as Amount, Text,
};
use super::tables::{Table, SUMMARY};
use super::{ExportOptions, FileEntry, Progress};
use crate::csv_cell::{self, inert};
use crate::db::journal;
use crate::money::Currency;
use crate::reporting::report;
use crate::reporting::scope::Scope;
use crate::{Error, Result};

/// A writer that hashes and counts what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

pub(super) struct Writer<'a> {
    pub dir: &'a Path,
    pub opts: &'a ExportOptions,
    pub currency: &'a Currency,
    pub files: Vec<FileEntry>,
    pub progress: &'a mut dyn FnMut(&Progress) -> bool,
}

pub(super) fn io_error(path: &Path, err: io::Error) -> Error {
    if matches!(
        err.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge
    ) {
        Error::Storage(format!(
            "the disk is full (or the file too large) while writing {}; nothing was exported. Free some space or choose another disk",
            path.display()
        ))
    } else {
        Error::Storage(format!(
            "cannot write {}: {err}; nothing was exported",
            path.display()
        ))
    }
}

fn csv_error(path: &Path, err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => io_error(path, e),
        other => Error::Storage(format!("cannot write {}: {other:?}", path.display())),
    }
}

impl Writer<'_> {
    fn decimal_mark(&self, text: String) -> String {
        if self.opts.semicolon {
            text.replace('.', ",")
        } else {
            text
        }
    }

    /// Tell the caller where we are; it may cancel (returns false).
    fn report(&mut self, p: Progress) -> Result<()> {
        if (self.progress)(&p) {
            Ok(())
        } else {
            Err(Error::Conflict(
                "the export was cancelled; nothing was written".into(),
            ))
        }
    }

    fn open(&self, file: &str) -> Result<(PathBuf, csv_cell::Writer<Hashing<BufWriter<File>>>)> {
        let path = self.dir.join(file);
        let f = File::create(&path).map_err(|e| io_error(&path, e))?;
        let mut sink = Hashing {
            inner: BufWriter::with_capacity(256 * 1024, f),
            hasher: Sha256::new(),
            bytes: 0,
        };
        if self.opts.bom {
            sink.write_all(b"\xEF\xBB\xBF")
                .map_err(|e| io_error(&path, e))?;
        }
        let w = csv_cell::writer(sink, if self.opts.semicolon { b';' } else { b',' });
        Ok((path, w))
    }

    fn finish(
        &mut self,
        path: PathBuf,
        w: csv_cell::Writer<Hashing<BufWriter<File>>>,
        rows: Option<u64>,
    ) -> Result<()> {
        let sink = w.into_inner().map_err(|e| io_error(&path, e))?;
        let Hashing {
            inner,
            hasher,
            bytes,
        } = sink;
        let file = inner
            .into_inner()
            .map_err(|e| io_error(&path, e.into_error()))?;
        // Durable before the rename makes the folder visible.
        file.sync_all().map_err(|e| io_error(&path, e))?;
        self.files.push(FileEntry {
            path: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            rows,
            bytes,
            sha256: journal::hex(&hasher.finalize()),
        });
        Ok(())
    }

    /// Write one table: the header, then every row of `sql` with `filter`.
    pub(super) fn table(
        &mut self,
        conn: &Connection,
        table: &Table,
        sql: &str,
        params: &[rusqlite::types::Value],
        total: u64,
    ) -> Result<()> {
        let file = format!("{}.csv", table.name);
        let (path, mut w) = self.open(&file)?;
        w.write_record(table.columns.iter().map(|c| c.name))
            .map_err(|e| csv_error(&path, e))?;
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query(params_from_iter(params.iter()))?;
        let mut done: u64 = 0;
        let mut cell = String::new();
        // The last DateTime cell of the row, for the date and time columns
        // after it.
        let mut last_time = String::new();
        self.report(Progress {
            file: file.clone(),
            rows_done: 0,
            rows_total: total,
        })?;
        while let Some(row) = rows.next()? {
            let mut i = 0;
            for c in table.columns {
                cell.clear();
                if matches!(c.kind, LocalDate | LocalTime) {
                    // `2026-12-05T10:00:41.123+01:00`: the date and the
                    // time of day to the second, as spreadsheets read them.
                    let part = match c.kind {
                        LocalDate => last_time.get(..10),
                        _ => last_time.get(11..19),
                    };
                    w.write_field(part.unwrap_or("").as_bytes())
                        .map_err(|e| csv_error(&path, e))?;
                    continue;
                }
                let value = row.get_ref(i)?;
                i += 1;
                match (c.kind, value) {
                    (_, ValueRef::Null) if c.kind != Time => {}
                    (Text, ValueRef::Text(t)) => match std::str::from_utf8(t) {
                        Ok(t) => cell.push_str(&inert(t)),
                        Err(_) => cell.push_str(&inert(&String::from_utf8_lossy(t))),
                    },
                    (Text | Integer, ValueRef::Integer(n)) => push_i64(&mut cell, n),
                    (Boolean, ValueRef::Integer(n)) => {
                        cell.push_str(if n != 0 { "true" } else { "false" })
                    }
                    (Amount, ValueRef::Integer(n)) => {
                        push_minor(&mut cell, self.currency.minor_units, n)
                    }
                    (Milli, ValueRef::Integer(n)) => push_milli(&mut cell, n),
                    (Dec, ValueRef::Text(t)) => {
                        // Canonical decimal text from the ledger: check it is
                        // a number, so nothing else reaches a number column.
                        if is_decimal_text(t) {
                            cell.push_str(std::str::from_utf8(t).unwrap_or(""));
                        }
                    }
                    (Time, utc) => {
                        let offset = row.get_ref(i)?;
                        i += 1;
                        if let (ValueRef::Text(t), ValueRef::Integer(o)) = (utc, offset) {
                            if let Ok(t) = std::str::from_utf8(t) {
                                push_local_time(&mut cell, t, o);
                            }
                        }
                    }
                    (_, other) => {
                        return Err(Error::Integrity(format!(
                            "{file}: column {} holds an unexpected {:?} value",
                            c.name,
                            other.data_type()
                        )))
                    }
                }
                if self.opts.semicolon && matches!(c.kind, Amount | Milli | Dec) {
                    cell = cell.replace('.', ",");
                }
                if c.kind == Time {
                    last_time.clear();
                    last_time.push_str(&cell);
                }
                w.write_field(cell.as_bytes())
                    .map_err(|e| csv_error(&path, e))?;
            }
            w.write_record(None::<&[u8]>)
                .map_err(|e| csv_error(&path, e))?;
            done += 1;
            if done % 20_000 == 0 {
                self.report(Progress {
                    file: file.clone(),
                    rows_done: done,
                    rows_total: total,
                })?;
            }
        }
        self.report(Progress {
            file: file.clone(),
            rows_done: done,
            rows_total: total,
        })?;
        self.finish(path, w, Some(done))
    }

    pub(super) fn tasks(&mut self, conn: &Connection, scope: &Scope) -> Result<()> {
        let (path, mut w) = self.open("tasks.csv")?;
        let rows = crate::tasks::write_csv_into(
            &mut w,
            conn,
            &scope.event_ids(conn)?,
            crate::tasks::PersonalData::LeftOut,
            |e| csv_error(&path, e),
        )?;
        self.finish(path, w, Some(rows))
    }

    pub(super) fn summary(&mut self, report: &report::EventReport) -> Result<()> {
        let (path, mut w) = self.open("summary.csv")?;
        w.write_record(SUMMARY.columns.iter().map(|c| c.name))
            .map_err(|e| csv_error(&path, e))?;
        let rows = report.summary_rows();
        for r in &rows {
            // A tax rate is a decimal too: `5,5` in the `;` mode.
            let key = if r.metric.contains("tax_rate_") {
                self.decimal_mark(r.key.clone())
            } else {
                r.key.clone()
            };
            w.write_record([
                r.metric.to_string(),
                inert(&key).into_owned(),
                self.decimal_mark(r.value.clone()),
                r.unit.clone(),
            ])
            .map_err(|e| csv_error(&path, e))?;
        }
        self.finish(path, w, Some(rows.len() as u64))
    }

    pub(super) fn json_file(&mut self, file: &str, value: &serde_json::Value) -> Result<()> {
        let mut text = serde_json::to_vec_pretty(value)
            .map_err(|e| Error::Integrity(format!("cannot encode {file}: {e}")))?;
        text.push(b'\n');
        self.bytes_file(file, &text)
    }

    /// Write `text` as `file`, synced, hashed and listed for the manifest.
    pub(super) fn bytes_file(&mut self, file: &str, text: &[u8]) -> Result<()> {
        let path = self.dir.join(file);
        let mut f = File::create(&path).map_err(|e| io_error(&path, e))?;
        f.write_all(text).map_err(|e| io_error(&path, e))?;
        f.sync_all().map_err(|e| io_error(&path, e))?;
        self.files.push(FileEntry {
            path: file.to_string(),
            rows: None,
            bytes: text.len() as u64,
            sha256: journal::hex(&Sha256::digest(text)),
        });
        Ok(())
    }
}
