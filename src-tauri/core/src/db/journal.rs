//! The audit journal: one hash-chained entry per state change, appended in
//! the same transaction as the change, and `verify`, which walks the chains
//! and names the first entry that does not hold. Each device (till) chains
//! its own entries, so a file that merged several tills holds one chain per
//! till and verifies each. `docs/journal.md` documents the encoding so that
//! an outside program can recompute every hash.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use crate::db::anchor::{parse_hash, verify_anchor, AnchorCheck, AnchoredVerification};
use crate::db::clock::parse_utc;
pub use crate::db::ledger_check::LedgerMismatch;
use crate::db::store::Tx;
use crate::{new_id, Result};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first field of an entry written before journals were kept per
/// device (`version` 1); it names the encoding version.
pub const ENCODING: &str = "popup-till/journal/v1";

/// The first field of an entry of a per-device chain (`version` 2).
pub const ENCODING_V2: &str = "popup-till/journal/v2";

/// The version the till writes.
pub const CURRENT_VERSION: i64 = 2;

/// One journal entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The entry's place in this file (gapless from 1 over every device).
    pub seq: i64,
    /// The entry's number in its own device's chain: what the hash covers.
    pub device_seq: i64,
    /// 1 (written before per-device chains) or 2.
    pub version: i64,
    pub id: String,
    pub device_id: String,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
    pub actor_id: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    /// SHA-256 over the netstring encoding of the fields (docs/journal.md).
    pub fn compute_hash(&self) -> String {
        let seq = self.device_seq.to_string();
        let offset = self.utc_offset_minutes.to_string();
        let encoding = if self.version == 1 {
            ENCODING
        } else {
            ENCODING_V2
        };
        let fields: [&str; 12] = [
            encoding,
            &seq,
            &self.id,
            &self.device_id,
            &self.at_utc,
            &offset,
            &self.actor_id,
            &self.action,
            &self.entity,
            &self.entity_id,
            &self.details,
            &self.prev_hash,
        ];
        let mut hasher = Sha256::new();
        for field in fields {
            hasher.update(field.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(field.as_bytes());
            hasher.update(b",");
        }
        hex(&hasher.finalize())
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// JSON with object keys sorted and no spaces, whatever serde_json's map
/// ordering is in this build.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// How far behind the journal's last entry a new write's clock may be
/// before the move is journaled (`clock.moved_back`) and `verify` warns:
/// one minute, in milliseconds.
pub const CLOCK_BACK_TOLERANCE_MS: i64 = 60_000;

/// How many milliseconds `at` is before `previous` (both stored UTC
/// stamps), when that is more than `CLOCK_BACK_TOLERANCE_MS`.
pub fn moved_back(previous: &str, at: &str) -> Option<i64> {
    // Stamps share one fixed-width format: text order is time order, so
    // the common case (time went forward) parses nothing.
    if at >= previous {
        return None;
    }
    let back = (parse_utc(previous)? - parse_utc(at)?).num_milliseconds();
    (back > CLOCK_BACK_TOLERANCE_MS).then_some(back)
}

/// A number of seconds as a person reads it: `90 s`, `12 min`, `3 h 5 min`,
/// `21 days`.
fn duration_text(seconds: i64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        s => format!("{} days", s / 86_400),
    }
}

/// Append one entry for the change `tx` is making. Returns its `seq`.
///
/// When the till's clock now reads more than a minute before the last
/// entry's time, a `clock.moved_back` entry is appended first (in the same
/// transaction): the journal keeps its order by `seq`, and says why a time
/// goes backwards.
pub(crate) fn append(
    tx: &Tx,
    action: &str,
    entity: &str,
    entity_id: &str,
    details: &Value,
) -> Result<i64> {
    // Statements are cached: every sale journals, and preparing them anew
    // each time was a measurable part of a sale's commit.
    // The file's order and this device's own chain: after a merge, other
    // tills' entries sit between this till's.
    let file_seq: i64 = tx
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM audit_log")?
        .query_row([], |r| r.get(0))?;
    let last: Option<(i64, i64, String, String)> = tx
        .prepare_cached(
            "SELECT seq, device_seq, hash, at_utc FROM audit_log WHERE device_id = ?1
             ORDER BY device_seq DESC LIMIT 1",
        )?
        .query_row([tx.device_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let mut at = Place {
        seq: file_seq,
        device_seq: 0,
        prev_hash: GENESIS_HASH.to_string(),
    };
    if let Some((_, device_seq, hash, _)) = &last {
        at.device_seq = *device_seq;
        at.prev_hash = hash.clone();
    }
    if let Some((seq, _, _, previous_at)) = &last {
        if let Some(back) = moved_back(previous_at, &tx.now.utc) {
            let details = serde_json::json!({
                "seconds_back": back / 1000,
                "previous_seq": seq,
                "previous_at_utc": previous_at,
                "at_utc": tx.now.utc,
            });
            let clock = insert(
                tx,
                &at,
                "clock.moved_back",
                "device",
                tx.device_id,
                &details,
            )?;
            at = Place {
                seq: clock.seq,
                device_seq: clock.device_seq,
                prev_hash: clock.hash,
            };
        }
    }
    let entry = insert(tx, &at, action, entity, entity_id, details)?;
    Ok(entry.seq)
}

/// Where the next entry goes: after the file's last entry `seq`, and after
/// this device's entry `device_seq` whose hash is `prev_hash`.
struct Place {
    seq: i64,
    device_seq: i64,
    prev_hash: String,
}

/// Hash and insert one entry after `at`.
fn insert(
    tx: &Tx,
    at: &Place,
    action: &str,
    entity: &str,
    entity_id: &str,
    details: &Value,
) -> Result<Entry> {
    let mut entry = Entry {
        seq: at.seq + 1,
        device_seq: at.device_seq + 1,
        version: CURRENT_VERSION,
        id: new_id(),
        device_id: tx.device_id.to_string(),
        at_utc: tx.now.utc.clone(),
        utc_offset_minutes: tx.now.offset_minutes as i64,
        actor_id: tx.actor.id.clone(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id: entity_id.to_string(),
        details: canonical_json(details),
        prev_hash: at.prev_hash.clone(),
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash, device_seq, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(rusqlite::params![
            entry.seq,
            entry.id,
            entry.device_id,
            entry.at_utc,
            entry.utc_offset_minutes,
            entry.actor_id,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.details,
            entry.prev_hash,
            entry.hash,
            entry.device_seq,
            entry.version
        ])?;
    Ok(entry)
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Entries checked before stopping (of every device).
    pub entries: i64,
    /// Hash of this till's last good entry: quote it to show an export
    /// matches. (A file that holds no entry of its own till: the last good
    /// entry's.)
    pub head_hash: String,
    /// Each device's chain in the file: its till code, entries and head.
    pub devices: Vec<DeviceChain>,
    /// The first entry that does not hold, if any.
    pub problem: Option<Problem>,
    /// Ledger rows (sales, their lines and payments, stock and cash
    /// movements) compared with the journal entries that wrote them.
    pub ledger_rows: i64,
    /// Of those, rows written before journal entries listed them one by one
    /// (older files): only their entry's presence is checked.
    pub ledger_rows_older: i64,
    /// How many ledger rows disagree with the journal.
    pub ledger_mismatch_count: i64,
    /// The first of them (at most `ledger_check::MAX_LISTED`), by table and id.
    pub ledger_mismatches: Vec<LedgerMismatch>,
    /// Entries stamped more than a minute before the entry before them: the
    /// till's clock moved back. A warning, not a broken chain.
    pub clock_warnings: Vec<ClockWarning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The entry's number in its device's chain (for a gap, the first one
    /// missing). In a file of one till it is also its place in the file.
    pub seq: i64,
    /// The device whose chain does not hold, and its till code.
    pub device_id: String,
    pub till_code: String,
    pub kind: ProblemKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Entries are missing: seq jumps.
    Gap,
    /// The entry's content does not match its own hash: it was edited.
    Altered,
    /// The entry does not point at the one before it: entries were removed,
    /// reordered or replaced.
    BrokenLink,
}

/// One device's chain as `verify` walked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceChain {
    pub device_id: String,
    pub till_code: String,
    /// Entries of this device that hold.
    pub entries: i64,
    /// `device_seq` and hash of its last entry that holds.
    pub head_seq: i64,
    pub head_hash: String,
}

/// An entry stamped more than a minute before its predecessor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockWarning {
    pub seq: i64,
    pub action: String,
    pub at_utc: String,
    pub previous_seq: i64,
    pub previous_at_utc: String,
    /// Whole seconds `at_utc` is before `previous_at_utc`.
    pub seconds_back: i64,
    pub message: String,
}

impl Verification {
    /// The chain holds and every ledger row agrees with its journal entry.
    /// Clock warnings do not count against it.
    pub fn holds(&self) -> bool {
        self.chain_holds() && self.ledger_mismatch_count == 0
    }

    /// The hash chain alone holds (no gap, link or altered entry).
    pub fn chain_holds(&self) -> bool {
        self.problem.is_none()
    }
}

fn read_entry(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    Ok(Entry {
        seq: r.get(0)?,
        device_seq: r.get(12)?,
        version: r.get(13)?,
        id: r.get(1)?,
        device_id: r.get(2)?,
        at_utc: r.get(3)?,
        utc_offset_minutes: r.get(4)?,
        actor_id: r.get(5)?,
        action: r.get(6)?,
        entity: r.get(7)?,
        entity_id: r.get(8)?,
        details: r.get(9)?,
        prev_hash: r.get(10)?,
        hash: r.get(11)?,
    })
}

const ENTRY_COLUMNS: &str = "seq, id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash, device_seq, version";

/// Everything `verify` checks: the chain (`verify_chain`), the clock, and
/// every ledger row against the journal entry that wrote it
/// (`ledger_check`).
pub fn verify(conn: &Connection) -> Result<Verification> {
    let mut v = verify_chain(conn)?;
    let ledger = crate::db::ledger_check::check(conn)?;
    v.ledger_rows = ledger.rows;
    v.ledger_rows_older = ledger.older_rows;
    v.ledger_mismatch_count = ledger.mismatch_count;
    v.ledger_mismatches = ledger.mismatches;
    Ok(v)
}

/// Walk the whole journal in file order and stop at the first entry that
/// does not hold. Each device's entries form their own chain (from
/// `device_seq` 1 and `GENESIS_HASH`), and appear in the file in their
/// chain's order; every entry stamped more than a minute before the
/// device's entry before it is noted. The ledger is not read (the ledger
/// fields stay at zero): the export's manifest records the chain alone.
pub fn verify_chain(conn: &Connection) -> Result<Verification> {
    let codes = till_codes(conn)?;
    let local = local_device(conn)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq"
    ))?;
    let mut rows = stmt.query([])?;
    // Per device: the chain walked so far, the previous entry's time and seq.
    let mut chains: Vec<(DeviceChain, String, i64)> = Vec::new();
    let mut checked = 0;
    let mut last_hash = GENESIS_HASH.to_string();
    let mut clock_warnings = Vec::new();
    let mut problem = None;
    while let Some(row) = rows.next()? {
        let entry = read_entry(row)?;
        let at = match chains
            .iter()
            .position(|(c, _, _)| c.device_id == entry.device_id)
        {
            Some(at) => at,
            None => {
                chains.push((
                    DeviceChain {
                        device_id: entry.device_id.clone(),
                        till_code: codes
                            .get(&entry.device_id)
                            .cloned()
                            .unwrap_or_else(|| "?".into()),
                        entries: 0,
                        head_seq: 0,
                        head_hash: GENESIS_HASH.to_string(),
                    },
                    String::new(),
                    0,
                ));
                chains.len() - 1
            }
        };
        let several = codes.len() > 1 || chains.len() > 1;
        let (chain, prev_at, prev_seq) = &mut chains[at];
        let expected = chain.head_seq + 1;
        let name = |n: i64| entry_name(n, several.then_some(chain.till_code.as_str()));
        let found = if entry.device_seq > expected {
            Some((
                expected,
                ProblemKind::Gap,
                if entry.device_seq == expected + 1 {
                    format!("{} is missing", name(expected))
                } else if several {
                    format!(
                        "entries {expected} to {} of till {} are missing",
                        entry.device_seq - 1,
                        chain.till_code
                    )
                } else {
                    format!("entries {expected} to {} are missing", entry.device_seq - 1)
                },
            ))
        } else if entry.device_seq < expected || entry.prev_hash != chain.head_hash {
            Some((
                entry.device_seq,
                ProblemKind::BrokenLink,
                format!(
                    "{} does not follow entry {}: the chain is broken (entries were removed, reordered or replaced)",
                    name(entry.device_seq),
                    entry.device_seq - 1
                ),
            ))
        } else if entry.compute_hash() != entry.hash {
            Some((
                entry.device_seq,
                ProblemKind::Altered,
                format!(
                    "{} was altered: its content no longer matches its hash",
                    name(entry.device_seq)
                ),
            ))
        } else {
            None
        };
        if let Some((seq, kind, message)) = found {
            problem = Some(Problem {
                seq,
                device_id: chain.device_id.clone(),
                till_code: chain.till_code.clone(),
                kind,
                message,
            });
            break;
        }
        if let Some(back) = moved_back(prev_at, &entry.at_utc) {
            clock_warnings.push(ClockWarning {
                message: format!(
                    "entry {} ({}) is stamped {} before entry {}: the till's clock moved back",
                    entry.seq,
                    entry.action,
                    duration_text(back / 1000),
                    prev_seq
                ),
                seq: entry.seq,
                action: entry.action.clone(),
                at_utc: entry.at_utc.clone(),
                previous_seq: *prev_seq,
                previous_at_utc: std::mem::take(prev_at),
                seconds_back: back / 1000,
            });
        }
        checked += 1;
        chain.entries += 1;
        chain.head_seq = entry.device_seq;
        *prev_seq = entry.seq;
        *prev_at = entry.at_utc;
        last_hash = entry.hash.clone();
        chain.head_hash = entry.hash;
    }
    let devices: Vec<DeviceChain> = chains.into_iter().map(|(c, _, _)| c).collect();
    let head_hash = local
        .and_then(|id| devices.iter().find(|c| c.device_id == id))
        .map(|c| c.head_hash.clone())
        .unwrap_or(last_hash);
    Ok(Verification {
        entries: checked,
        head_hash,
        devices,
        problem,
        ledger_rows: 0,
        ledger_rows_older: 0,
        ledger_mismatch_count: 0,
        ledger_mismatches: Vec::new(),
        clock_warnings,
    })
}

/// "entry 7", or "entry 7 of till T2" in a file of several tills.
fn entry_name(device_seq: i64, till: Option<&str>) -> String {
    match till {
        Some(code) => format!("entry {device_seq} of till {code}"),
        None => format!("entry {device_seq}"),
    }
}

/// Every device the file knows, by id: its till code.
pub fn till_codes(conn: &Connection) -> Result<std::collections::HashMap<String, String>> {
    let mut stmt = conn.prepare("SELECT id, till_code FROM device")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The id of the till this file belongs to, if it has one yet.
fn local_device(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT id FROM device WHERE is_local = 1", [], |r| r.get(0))
        .optional()?)
}

/// The most recent entries, newest first (for the journal view); 1 to 500.
pub fn recent(conn: &Connection, limit: i64) -> Result<Vec<Entry>> {
    let limit = limit.clamp(1, 500);
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit], read_entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The journal's last entry at one moment: its `seq` and `hash`. Recorded
/// elsewhere (a Z report, an export's manifest), it anchors the chain: an
/// entry removed after it, or a chain rewritten from before it, no longer
/// holds that hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Head {
    /// 0 when the journal is empty (then `hash` is `GENESIS_HASH`).
    pub seq: i64,
    pub hash: String,
}

/// This till's journal head as it stands (inside a transaction: with what
/// the transaction appended so far): its last entry, by its place in the
/// file (`seq`), and the hash that the till's next entry chains to.
pub fn head(conn: &Connection) -> Result<Head> {
    let last: Option<(i64, String)> = conn
        .prepare_cached(
            "SELECT seq, hash FROM audit_log
             WHERE device_id = (SELECT id FROM device WHERE is_local = 1)
             ORDER BY device_seq DESC LIMIT 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, hash) = last.unwrap_or((0, GENESIS_HASH.to_string()));
    Ok(Head { seq, hash })
}

/// The hash of the latest entry `action` wrote about `entity_id` (a sale's
/// `sale.completed`), searched from the newest entry back.
pub fn entry_hash(
    conn: &Connection,
    action: &str,
    entity: &str,
    entity_id: &str,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT hash FROM audit_log WHERE action = ?1 AND entity = ?2 AND entity_id = ?3
             ORDER BY seq DESC LIMIT 1",
        )?
        .query_row((action, entity, entity_id), |r| r.get(0))
        .optional()?)
}
