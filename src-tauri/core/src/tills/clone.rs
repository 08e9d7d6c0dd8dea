//! A till for another laptop: a copy of this file (catalog, settings,
//! events, task flows, people with their PIN hashes, and the ledger so far)
//! under a new device identity and till code. Its receipts are its own
//! series (`T2-000001`, …) and its journal its own chain; this till notes
//! the new till's code so that no second till gets it. The people who sell
//! go with it; the attendees' personal data do not: their contacts,
//! sign-ups, consents, the cards linked to them and the suppressed
//! addresses stay on this laptop
//! (a merge back leaves this till's own untouched).

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;

use crate::shop::people::{Approval, ApprovalRequest};
use crate::shop::roles::{self, Action};
use crate::{new_id, Actor, Error, Result, Store};

/// What `clone_till` made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloneReport {
    pub path: String,
    pub device_id: String,
    pub till_code: String,
    /// The first receipt the new till will print.
    pub first_receipt: String,
}

/// A till code as printed on receipts: 1 to 8 letters or digits, upper case.
pub fn parse_till_code(text: &str) -> Result<String> {
    let code = text.trim().to_ascii_uppercase();
    if code.is_empty() || code.len() > 8 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::validation(
            "till_code",
            "a till code is 1 to 8 letters or digits, e.g. T2",
        ));
    }
    Ok(code)
}

/// `clone_till` for the window: an organizer approves it (`CloneTill`).
pub fn clone_till_with_pin(
    store: &mut Store,
    request: &ApprovalRequest,
    code: &str,
    dest: &Path,
) -> Result<CloneReport> {
    let code = parse_till_code(code)?;
    let approval = roles::approve(store, Action::CloneTill, request)?;
    clone_till(store, &approval, &code, dest)
}

/// Write a till file for another laptop at `dest` (a new file), with the
/// till code `code`. The file appears whole or not at all.
pub fn clone_till(
    store: &mut Store,
    approval: &Approval,
    code: &str,
    dest: &Path,
) -> Result<CloneReport> {
    let code = parse_till_code(code)?;
    let taken: Option<String> = store
        .conn()
        .query_row(
            "SELECT till_code FROM device WHERE till_code = ?1",
            [&code],
            |r| r.get(0),
        )
        .ok();
    if taken.is_some() {
        return Err(Error::Conflict(format!(
            "till code {code} is already used by a till of this shop; choose another (e.g. T{})",
            next_free_number(store.conn())?
        )));
    }
    if dest.exists() {
        return Err(Error::validation(
            "file",
            format!("{} already exists; choose a new file name", dest.display()),
        ));
    }
    let partial = partial_path(dest);
    remove_with_sidecars(&partial);
    store.backup_to(&partial)?;
    let made = make_new_till(
        &partial,
        &code,
        store.device_id(),
        store.now_local(),
        approval,
    );
    let device_id = match made {
        Ok(id) => id,
        Err(e) => {
            remove_with_sidecars(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, dest).map_err(|e| {
        remove_with_sidecars(&partial);
        Error::Storage(format!("cannot write {}: {e}", dest.display()))
    })?;
    let noted = store.write(&Actor::person(approval.organizer_id()), |tx| {
        tx.execute(
            "INSERT INTO device (id, till_code, is_local, created_at) VALUES (?1, ?2, 0, ?3)",
            (&device_id, &code, &tx.now.utc),
        )?;
        tx.journal(
            "till.cloned",
            "device",
            &device_id,
            serde_json::json!({"till_code": code, "approved_by": approval.organizer_id()}),
        )?;
        Ok(())
    });
    if let Err(e) = noted {
        remove_with_sidecars(dest);
        return Err(e);
    }
    Ok(CloneReport {
        path: dest.display().to_string(),
        device_id,
        first_receipt: format!("{code}-000001"),
        till_code: code,
    })
}

/// The copy becomes a till of its own: every known device is another
/// till's, a new local device is made, and its first entry says where it
/// came from.
fn make_new_till(
    path: &Path,
    code: &str,
    from: &str,
    now: chrono::DateTime<chrono::FixedOffset>,
    approval: &Approval,
) -> Result<String> {
    let device_id = new_id();
    {
        let mut conn = Connection::open(path)?;
        let tx = conn.transaction()?;
        tx.execute("UPDATE device SET is_local = 0", [])?;
        tx.execute(
            "INSERT INTO device (id, till_code, is_local, created_at)
             VALUES (?1, ?2, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            (&device_id, code),
        )?;
        // A session left open on the first till cannot be closed here.
        tx.execute("DELETE FROM parked_cart", [])?;
        leave_out_attendees(&tx)?;
        tx.commit()?;
        // Rewritten whole: no page of the copy keeps what was left out.
        conn.execute_batch("VACUUM")?;
    }
    let mut copy = Store::open(path)?;
    // Made when this till says it is (its clock may be set, as the demo's).
    copy.set_clock(Box::new(move || now));
    copy.write(&Actor::person(approval.organizer_id()), |tx| {
        tx.journal(
            "device.created",
            "device",
            tx.device_id,
            serde_json::json!({"till_code": code, "cloned_from": from, "approved_by": approval.organizer_id()}),
        )?;
        Ok(())
    })?;
    Ok(device_id)
}

/// The attendees' personal data, children first. Consents and the
/// suppressed addresses are append-only: their guards are lifted for the
/// copy's own clearing only and put back as they were.
const ATTENDEE_DATA: &[&str] = &[
    "card_link",
    "purpose_consent_withdrawal",
    "purpose_consent",
    "consent_withdrawal",
    "consent",
    "attendee",
    "contact",
    "suppressed_address",
];

fn leave_out_attendees(tx: &rusqlite::Transaction) -> Result<()> {
    let list = ATTENDEE_DATA
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let guards: Vec<(String, String)> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN ({list})"
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (name, _) in &guards {
        tx.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
    }
    for table in ATTENDEE_DATA {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    for (_, sql) in &guards {
        tx.execute_batch(sql)?;
    }
    Ok(())
}

/// The smallest `T<n>` no till of this shop uses.
pub fn next_free_number(conn: &Connection) -> Result<i64> {
    let mut stmt = conn.prepare("SELECT till_code FROM device")?;
    let codes: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((1..)
        .find(|n| !codes.iter().any(|c| c == &format!("T{n}")))
        .unwrap_or(2))
}

fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Remove a database file and SQLite's files beside it, if present.
pub(crate) fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}
