//! Which journal entries an export holds: by `seq`, never by time. The span
//! runs from the first to the last entry that wrote a record the export's
//! files hold (found by the record's id, or in the entry's list of stock
//! movements), and takes every entry in between, so `journal.csv` is a
//! contiguous piece of the chain that verifies on its own (each row's
//! `prev_hash` is the row before's `hash`), whatever its entries' clocks said.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use crate::reporting::scope::Filter;
use crate::Result;

/// The record filters of the export's files.
pub(super) struct Records<'a> {
    /// Sales (alias `s`).
    pub sales: &'a Filter,
    /// Till sessions (alias `t`), for the sessions, their cash movements
    /// and their counts.
    pub sessions: &'a Filter,
    /// Stock movements (alias `m`).
    pub stock: &'a Filter,
    /// Visitor tallies (alias `t`).
    pub visitors: &'a Filter,
    /// Refunds (alias `r`).
    pub refunds: &'a Filter,
}

/// The first and last `seq` of the export's journal entries, as the two
/// parameters of `JOURNAL_SQL`; an empty span (1, 0) when no entry wrote
/// any of its records.
pub(super) fn journal_span(conn: &Connection, r: &Records) -> Result<Vec<Value>> {
    // One pass over the journal; each entry probes the one table its kind
    // of record lives in, through that table's index.
    let sql = format!(
        "SELECT coalesce(min(a.seq), 1), coalesce(max(a.seq), 0) FROM audit_log a WHERE CASE a.entity
           WHEN 'sale' THEN EXISTS (SELECT 1 FROM sale s WHERE s.id = a.entity_id AND {sales})
           WHEN 'till_session' THEN EXISTS (SELECT 1 FROM till_session t WHERE t.id = a.entity_id AND {sessions})
           WHEN 'cash_movement' THEN EXISTS (SELECT 1 FROM cash_movement c JOIN till_session t ON t.id = c.session_id
                                             WHERE c.id = a.entity_id AND {sessions})
           WHEN 'cash_count' THEN EXISTS (SELECT 1 FROM cash_count k JOIN till_session t ON t.id = k.session_id
                                          WHERE k.id = a.entity_id AND {sessions})
           WHEN 'event' THEN a.action = 'visitors.counted'
                AND EXISTS (SELECT 1 FROM visitor_tally t WHERE t.id = json_extract(a.details, '$.tally_id') AND {visitors})
           WHEN 'refund' THEN EXISTS (SELECT 1 FROM refund r WHERE r.id = a.entity_id AND {refunds})
           ELSE EXISTS (SELECT 1 FROM stock_movement m WHERE m.source_type = a.entity AND m.source_id = a.entity_id AND {stock})
         END
         -- Movements of no document (stock brought by hand): the entry lists them.
         OR (a.entity <> 'sale' AND instr(a.details, '\"stock_movements\":') > 0 AND json_valid(a.details)
             AND EXISTS (SELECT 1 FROM json_each(a.details, '$.stock_movements') j
                         JOIN stock_movement m ON m.id = json_extract(j.value, '$.id') WHERE {stock}))",
        sales = r.sales.sql,
        sessions = r.sessions.sql,
        visitors = r.visitors.sql,
        refunds = r.refunds.sql,
        stock = r.stock.sql,
    );
    // Parameters in the order their filters appear above.
    let params = [
        r.sales, r.sessions, r.sessions, r.sessions, r.visitors, r.refunds, r.stock, r.stock,
    ]
    .into_iter()
    .flat_map(|f| f.params.iter().cloned());
    let (first, last): (i64, i64) = conn.query_row(&sql, params_from_iter(params), |row| {
        Ok((row.get(0)?, row.get(1)?))
    })?;
    Ok(vec![Value::Integer(first), Value::Integer(last)])
}
