//! The marketing export: one channel's contacts with an active consent, as
//! a CSV file with the proof beside each address (when they agreed, how,
//! under which wording version). An organizer approves it; the journal
//! records who, when and how many, never an address.
//!
//! A contact whose consent was withdrawn holds no address any more, and an
//! address on the suppression list is left out even if some other way
//! brought it back into the file: neither is ever in an export.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::consent;
use super::Channel;
use crate::csv_cell;
use crate::db::store::{Actor, Store};
use crate::shop::people::{Approval, ApprovalRequest};
use crate::shop::roles::{self, Action};
use crate::{Error, Result};

/// The export's columns, in order.
pub const COLUMNS: [&str; 8] = [
    "contact_id",
    "name",
    "address",
    "channel",
    "consented_at",
    "wording_version",
    "how",
    "withdrawal_code",
];

/// One contact in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailingRow {
    pub contact_id: String,
    pub name: String,
    pub address: String,
    /// The latest active consent, RFC 3339 in the offset it was given in.
    pub consented_at: String,
    pub wording_version: i64,
    pub how: String,
    pub code: String,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailingExport {
    pub path: String,
    pub channel: Channel,
    pub count: usize,
    pub sha256: String,
}

fn local_rfc3339(utc: &str, offset_minutes: i64) -> String {
    let offset = chrono::FixedOffset::east_opt((offset_minutes * 60) as i32);
    match (crate::db::clock::parse_utc(utc), offset) {
        (Some(t), Some(o)) => t
            .with_timezone(&o)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        _ => utc.to_string(),
    }
}

/// The contacts with an active consent for `channel`, by name, each with
/// its latest consent; suppressed addresses left out.
pub fn rows(conn: &Connection, channel: Channel) -> Result<Vec<MailingRow>> {
    let column = channel.column();
    let mut stmt = conn.prepare(&format!(
        "SELECT c.id, c.name, c.{column}, c.code, k.at_utc, k.utc_offset_minutes, w.version, k.how
         FROM contact c
         JOIN consent k ON k.id = (
             SELECT k2.id FROM consent k2 WHERE k2.contact_id = c.id AND k2.channel = ?1
               AND NOT EXISTS (SELECT 1 FROM consent_withdrawal x WHERE x.consent_id = k2.id)
             ORDER BY k2.at_utc DESC, k2.id DESC LIMIT 1)
         JOIN consent_wording w ON w.id = k.wording_id
         WHERE c.erased_at IS NULL AND c.{column} <> ''
         ORDER BY c.name COLLATE NOCASE, c.id"
    ))?;
    let rows = stmt.query_map([channel.as_str()], |r| {
        Ok(MailingRow {
            contact_id: r.get(0)?,
            name: r.get(1)?,
            address: r.get(2)?,
            code: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            consented_at: local_rfc3339(&r.get::<_, String>(4)?, r.get(5)?),
            wording_version: r.get(6)?,
            how: r.get(7)?,
        })
    })?;
    let mut out = Vec::new();
    for row in rows {
        let row = row?;
        if !consent::is_suppressed(conn, channel, &row.address)? {
            out.push(row);
        }
    }
    Ok(out)
}

/// The CSV text of `rows`: UTF-8 with a BOM, formula-safe cells.
pub fn csv_bytes(rows: &[MailingRow], channel: Channel) -> Result<Vec<u8>> {
    let csv_error = |e: csv::Error| Error::Storage(format!("cannot write the CSV: {e}"));
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    {
        let mut writer = csv_cell::writer(&mut out, b',');
        writer.write_record(COLUMNS).map_err(csv_error)?;
        for r in rows {
            let code = match r.code.split_at_checked(4) {
                Some((a, b)) if r.code.len() == 8 => format!("{a}-{b}"),
                _ => r.code.clone(),
            };
            writer
                .write_record([
                    r.contact_id.as_str(),
                    &csv_cell::inert(&r.name),
                    &csv_cell::inert(&r.address),
                    channel.as_str(),
                    &r.consented_at,
                    &r.wording_version.to_string(),
                    &r.how,
                    &code,
                ])
                .map_err(csv_error)?;
        }
        writer
            .flush()
            .map_err(|e| Error::Storage(format!("cannot write the CSV: {e}")))?;
    }
    Ok(out)
}

/// A new file name in `folder` for this channel's export: the local date
/// and time, and a number when that is taken.
pub fn new_file_in(store: &Store, folder: &Path, channel: Channel) -> Result<PathBuf> {
    if folder.as_os_str().is_empty() || !folder.is_dir() {
        return Err(Error::validation(
            "folder",
            "choose a folder that exists for the export",
        ));
    }
    let stamp = store.now_local().format("%Y-%m-%d-%H%M");
    for n in 1..100 {
        let name = if n == 1 {
            format!("mailing-{}-{stamp}.csv", channel.as_str())
        } else {
            format!("mailing-{}-{stamp}-{n}.csv", channel.as_str())
        };
        let path = folder.join(name);
        if !path.exists() {
            return Ok(path);
        }
    }
    Err(Error::validation(
        "folder",
        "this folder already holds many exports of this minute",
    ))
}

fn partial(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Write the export to `path` (a new file) and journal it, approved by
/// `approval`. The file is written under a temporary name inside the
/// transaction and renamed into place once the journal entry is committed.
pub fn export_file(
    store: &mut Store,
    actor: &Actor,
    approval: &Approval,
    channel: Channel,
    path: &Path,
) -> Result<MailingExport> {
    if path.exists() {
        return Err(Error::validation(
            "out",
            format!("{} already exists; choose a new file name", path.display()),
        ));
    }
    let temp = partial(path);
    let written = store.write(actor, |tx| {
        let rows = rows(tx, channel)?;
        let bytes = csv_bytes(&rows, channel)?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| {
                Error::validation("out", format!("cannot create {}: {e}", temp.display()))
            })?;
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::Storage(format!("cannot write {}: {e}", temp.display())))?;
        let sha256 = crate::db::journal::hex(&Sha256::digest(&bytes));
        tx.journal(
            "consent.exported",
            "consent",
            channel.as_str(),
            serde_json::json!({
                "channel": channel.as_str(), "count": rows.len(), "sha256": sha256,
                "approved_by": approval.organizer_id(),
            }),
        )?;
        Ok(MailingExport {
            path: path.display().to_string(),
            channel,
            count: rows.len(),
            sha256,
        })
    });
    match written {
        Ok(done) => {
            std::fs::rename(&temp, path).map_err(|e| {
                let _ = std::fs::remove_file(&temp);
                Error::Storage(format!("cannot write {}: {e}", path.display()))
            })?;
            Ok(done)
        }
        Err(err) => {
            // Only our own temporary file: one that was there before made
            // create_new fail and is left alone.
            if !matches!(err, Error::Validation { .. }) {
                let _ = std::fs::remove_file(&temp);
            }
            Err(err)
        }
    }
}

/// The window's export: an organizer approves, then the file is written
/// into `folder` under a new name.
pub fn export_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    channel: &str,
    folder: &Path,
) -> Result<MailingExport> {
    let channel = Channel::parse(channel)?;
    let approval = roles::approve(store, Action::MarketingExport, request)?;
    let path = new_file_in(store, folder, channel)?;
    export_file(store, actor, &approval, channel, &path)
}
