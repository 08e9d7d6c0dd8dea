//! The audit journal: one hash-chained entry per state change, appended in
//! the same transaction as the change, and `verify`, which walks the chain and
//! names the first entry that does not hold. `docs/journal.md` documents the
//! encoding so that an outside program can recompute every hash.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::clock::parse_utc;
pub use crate::db::ledger_check::LedgerMismatch;
use crate::db::store::Tx;
use crate::{new_id, Result};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first field of every hashed record; it names the encoding version.
pub const ENCODING: &str = "popup-till/journal/v1";

/// One journal entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub seq: i64,
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
        let seq = self.seq.to_string();
        let offset = self.utc_offset_minutes.to_string();
        let fields: [&str; 12] = [
            ENCODING,
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
    let last: Option<(i64, String, String)> = tx
        .prepare_cached("SELECT seq, hash, at_utc FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (mut last_seq, mut prev_hash) = match &last {
        Some((seq, hash, _)) => (*seq, hash.clone()),
        None => (0, GENESIS_HASH.to_string()),
    };
    if let Some((seq, _, previous_at)) = &last {
        if let Some(back) = moved_back(previous_at, &tx.now.utc) {
            let details = serde_json::json!({
                "seconds_back": back / 1000,
                "previous_seq": seq,
                "previous_at_utc": previous_at,
                "at_utc": tx.now.utc,
            });
            let clock = insert(
                tx,
                last_seq + 1,
                prev_hash,
                "clock.moved_back",
                "device",
                tx.device_id,
                &details,
            )?;
            (last_seq, prev_hash) = (clock.seq, clock.hash);
        }
    }
    let entry = insert(
        tx,
        last_seq + 1,
        prev_hash,
        action,
        entity,
        entity_id,
        details,
    )?;
    Ok(entry.seq)
}

/// Hash and insert one entry after `prev_hash`.
fn insert(
    tx: &Tx,
    seq: i64,
    prev_hash: String,
    action: &str,
    entity: &str,
    entity_id: &str,
    details: &Value,
) -> Result<Entry> {
    let mut entry = Entry {
        seq,
        id: new_id(),
        device_id: tx.device_id.to_string(),
        at_utc: tx.now.utc.clone(),
        utc_offset_minutes: tx.now.offset_minutes as i64,
        actor_id: tx.actor.id.clone(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id: entity_id.to_string(),
        details: canonical_json(details),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
            entry.hash
        ])?;
    Ok(entry)
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Entries checked before stopping.
    pub entries: i64,
    /// Hash of the last good entry: quote it to show an export matches.
    pub head_hash: String,
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
    pub seq: i64,
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

const ENTRY_COLUMNS: &str = "seq, id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash";

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

/// Walk the whole journal from the first entry and stop at the first one
/// that does not hold; note every entry stamped more than a minute before
/// the one before it. The ledger is not read (the ledger fields stay at
/// zero): the export's manifest records the chain alone.
pub fn verify_chain(conn: &Connection) -> Result<Verification> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY seq"
    ))?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut prev_at = String::new();
    let mut checked = 0;
    let mut clock_warnings = Vec::new();
    let mut problem = None;
    while let Some(row) = rows.next()? {
        let entry = read_entry(row)?;
        problem = if entry.seq != expected_seq {
            Some(Problem {
                seq: expected_seq,
                kind: ProblemKind::Gap,
                message: if entry.seq == expected_seq + 1 {
                    format!("entry {expected_seq} is missing")
                } else {
                    format!("entries {expected_seq} to {} are missing", entry.seq - 1)
                },
            })
        } else if entry.prev_hash != prev_hash {
            Some(Problem {
                seq: entry.seq,
                kind: ProblemKind::BrokenLink,
                message: format!(
                    "entry {} does not follow entry {}: the chain is broken (entries were removed, reordered or replaced)",
                    entry.seq,
                    entry.seq - 1
                ),
            })
        } else if entry.compute_hash() != entry.hash {
            Some(Problem {
                seq: entry.seq,
                kind: ProblemKind::Altered,
                message: format!(
                    "entry {} was altered: its content no longer matches its hash",
                    entry.seq
                ),
            })
        } else {
            None
        };
        if problem.is_some() {
            break;
        }
        if let Some(back) = moved_back(&prev_at, &entry.at_utc) {
            clock_warnings.push(ClockWarning {
                message: format!(
                    "entry {} ({}) is stamped {} before entry {}: the till's clock moved back",
                    entry.seq,
                    entry.action,
                    duration_text(back / 1000),
                    entry.seq - 1
                ),
                seq: entry.seq,
                action: entry.action.clone(),
                at_utc: entry.at_utc.clone(),
                previous_seq: entry.seq - 1,
                previous_at_utc: std::mem::take(&mut prev_at),
                seconds_back: back / 1000,
            });
        }
        checked += 1;
        expected_seq += 1;
        prev_hash = entry.hash;
        prev_at = entry.at_utc;
    }
    Ok(Verification {
        entries: checked,
        head_hash: prev_hash,
        problem,
        ledger_rows: 0,
        ledger_rows_older: 0,
        ledger_mismatch_count: 0,
        ledger_mismatches: Vec::new(),
        clock_warnings,
    })
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

/// The journal's head as it stands (inside a transaction: with what the
/// transaction appended so far).
pub fn head(conn: &Connection) -> Result<Head> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
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

/// A head hash as written down: 64 hexadecimal characters, read in lower case.
pub fn parse_hash(text: &str) -> Result<String> {
    let hash = text.trim().to_ascii_lowercase();
    if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hash)
    } else {
        Err(crate::Error::validation(
            "anchor",
            "a journal head hash is 64 hexadecimal characters",
        ))
    }
}

/// Whether a recorded head hash is still in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorCheck {
    /// The hash that was expected to be in the chain.
    pub hash: String,
    /// The entry it is the hash of, among the entries that hold (0 for the
    /// empty journal's `GENESIS_HASH`); `None` when it is not there.
    pub seq: Option<i64>,
    pub found: bool,
    pub message: String,
}

/// `verify`, and where a recorded head hash is in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchoredVerification {
    #[serde(flatten)]
    pub verification: Verification,
    pub anchor: AnchorCheck,
}

impl AnchoredVerification {
    /// The chain holds and the anchor is in it.
    pub fn holds(&self) -> bool {
        self.verification.holds() && self.anchor.found
    }
}

/// Verify the chain and look for `anchor` (a head hash recorded earlier)
/// among the entries that hold. A journal whose last entries were removed,
/// or which was rewritten and rehashed, verifies on its own but no longer
/// holds the anchor.
pub fn verify_anchor(conn: &Connection, anchor: &str) -> Result<AnchoredVerification> {
    let hash = parse_hash(anchor)?;
    let verification = verify(conn)?;
    let seq = if hash == GENESIS_HASH {
        Some(0)
    } else {
        // Only entries before the first problem count as the chain.
        let found: Option<i64> = conn
            .query_row(
                "SELECT seq FROM audit_log WHERE hash = ?1 ORDER BY seq LIMIT 1",
                [&hash],
                |r| r.get(0),
            )
            .optional()?;
        found.filter(|seq| *seq <= verification.entries)
    };
    let message = match seq {
        Some(seq) => format!("anchor {hash} is entry {seq} of the journal"),
        None => format!(
            "anchor {hash} is not in the journal: entries after it were removed or the journal was rewritten (the chain holds up to entry {}, head hash {})",
            verification.entries, verification.head_hash
        ),
    };
    Ok(AnchoredVerification {
        anchor: AnchorCheck {
            hash,
            found: seq.is_some(),
            seq,
            message,
        },
        verification,
    })
}
