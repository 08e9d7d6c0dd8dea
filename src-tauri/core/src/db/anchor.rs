//! Anchors: a journal head hash written down elsewhere (on a Z report, a
//! push to PostgreSQL, an export's manifest) and later looked for in the
//! chain. A journal whose last entries were removed, or which was rewritten
//! and rehashed, verifies on its own but no longer holds its anchor.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::db::journal::{verify, Verification, GENESIS_HASH};
use crate::Result;

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
