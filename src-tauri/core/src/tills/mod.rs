//! Several tills of one shop: a till file for a second laptop (`clone`),
//! bringing another till's file back into this one (`merge`), and a
//! season's ledgers streamed into PostgreSQL (`push`). Tills never talk to
//! each other; they meet by file. Each till has its own
//! device id, till code and receipt series, and its own journal chain, so
//! a merged file verifies every till's chain.

pub mod clone;
pub mod flags;
pub mod merge;
pub mod push;
pub mod reward_flags;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::Result;

/// The shop a till file belongs to (made once, copied to each clone).
pub fn shop_id(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT id FROM shop", [], |r| r.get(0))
        .optional()?)
}

/// One till the file knows: this one or one whose data came in by merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Till {
    pub device_id: String,
    pub till_code: String,
    /// This file's own till.
    pub local: bool,
    /// Entries of its chain in this file.
    pub entries: i64,
}

/// The tills the file knows, this one first, then by till code.
pub fn tills(conn: &Connection) -> Result<Vec<Till>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.till_code, d.is_local,
                (SELECT count(*) FROM audit_log a WHERE a.device_id = d.id)
         FROM device d ORDER BY d.is_local DESC, d.till_code, d.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Till {
            device_id: r.get(0)?,
            till_code: r.get(1)?,
            local: r.get::<_, i64>(2)? == 1,
            entries: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
