//! The ledger against the journal, the second half of `journal::verify`:
//! every sale, sale line, payment, stock movement and cash movement must
//! have the journal entry that wrote it, with the same figures, and every
//! row an entry lists must still be there. A row edited, added or removed
//! behind the till's back (its append-only triggers dropped) is named here
//! even though the chain itself still holds.
//!
//! Each table is checked by set-based queries (the journal's entries joined
//! to the rows), never by a query per row. What each entry carries is in
//! `docs/journal.md`; entries written before they listed their rows one by
//! one (`sale_lines`, `stock_movements`) still have their rows' presence
//! checked, and a sale's count of lines and payments.

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::Serialize;

use crate::Result;

/// At most this many mismatches are listed (all are counted).
pub const MAX_LISTED: usize = 1000;

/// A ledger row that does not agree with the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerMismatch {
    /// The table: `sale`, `sale_line`, `payment`, `stock_movement` or
    /// `cash_movement`.
    pub table: String,
    pub row_id: String,
    /// The figure that differs (a column such as `quantity_milli`), or
    /// `entry` when the row has no journal entry (or its entry does not
    /// list it), or `row` when an entry lists a row that is gone.
    pub figure: String,
    /// The figure as the row holds it now.
    pub row_value: Option<String>,
    /// The figure as the journal entry recorded it.
    pub journal_value: Option<String>,
    /// The journal entry that wrote the row, if there is one.
    pub seq: Option<i64>,
    pub message: String,
}

/// What the ledger check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerCheck {
    pub rows: i64,
    pub older_rows: i64,
    pub mismatch_count: i64,
    pub mismatches: Vec<LedgerMismatch>,
}

impl LedgerCheck {
    fn add(&mut self, m: LedgerMismatch) {
        self.mismatch_count += 1;
        if self.mismatches.len() < MAX_LISTED {
            self.mismatches.push(m);
        }
    }
}

/// One figure a row and its journal entry both carry.
struct Figure {
    name: &'static str,
    row: &'static str,
    journal: &'static str,
}

const fn fig(name: &'static str, row: &'static str, journal: &'static str) -> Figure {
    Figure { name, row, journal }
}

/// One query comparing rows with entries. Each expression is SQL over the
/// tables of `from`.
struct Compare<'a> {
    table: &'static str,
    /// `WITH …` (the entries, as common table expressions).
    with: &'a str,
    from: &'a str,
    /// A condition on `from`'s rows ("1" for all).
    filter: &'a str,
    id: &'a str,
    /// The seq of the row's entry; NULL when it has none.
    seq: &'a str,
    /// False when the entry lists its rows one by one and not this one.
    listed: &'a str,
    /// False when a row an entry lists is gone.
    present: &'a str,
    /// True for a row whose entry was written before entries listed their
    /// rows: only its entry's presence is checked.
    older: &'a str,
    /// A figure is compared only when the entry recorded it (not NULL).
    figures: &'a [Figure],
}

fn text(v: ValueRef) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Some(crate::db::journal::hex(b)),
    }
}

fn run(conn: &Connection, found: &mut LedgerCheck, q: &Compare) -> Result<()> {
    let pairs: Vec<String> = q
        .figures
        .iter()
        .map(|f| format!("{}, {}", f.row, f.journal))
        .collect();
    let mut wanted = vec![
        format!("NOT ({})", q.present),
        format!("({}) IS NULL", q.seq),
        format!("({})", q.older),
        format!("NOT ({})", q.listed),
    ];
    wanted.extend(q.figures.iter().map(|f| {
        format!(
            "(({j}) IS NOT NULL AND ({r}) IS NOT ({j}))",
            r = f.row,
            j = f.journal
        )
    }));
    let sql = format!(
        "{with} SELECT {id}, {seq}, {present}, {older}, {listed}{comma}{pairs} FROM {from} WHERE ({filter}) AND ({wanted})",
        with = q.with,
        id = q.id,
        seq = q.seq,
        present = q.present,
        older = q.older,
        listed = q.listed,
        comma = if pairs.is_empty() { "" } else { ", " },
        pairs = pairs.join(", "),
        from = q.from,
        filter = q.filter,
        wanted = wanted.join(" OR "),
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get::<_, Option<String>>(0)?.unwrap_or_default();
        let seq: Option<i64> = r.get(1)?;
        let flag = |i: usize| -> rusqlite::Result<bool> {
            Ok(r.get::<_, Option<bool>>(i)?.unwrap_or(false))
        };
        let (present, older, listed) = (flag(2)?, flag(3)?, flag(4)?);
        let table = q.table;
        let mismatch = |figure: &str, row_value, journal_value, message| LedgerMismatch {
            table: table.to_string(),
            row_id: id.clone(),
            figure: figure.to_string(),
            row_value,
            journal_value,
            seq,
            message,
        };
        match seq {
            Some(s) if !present => found.add(mismatch(
                "row",
                None,
                None,
                format!("{table} {id} is gone: journal entry {s} wrote it"),
            )),
            None => found.add(mismatch(
                "entry",
                None,
                None,
                format!("{table} {id} has no journal entry"),
            )),
            Some(_) if older => found.older_rows += 1,
            Some(s) if !listed => found.add(mismatch(
                "entry",
                None,
                None,
                format!("{table} {id} is not in its journal entry {s}"),
            )),
            Some(s) => {
                for (i, f) in q.figures.iter().enumerate() {
                    let row_value = text(r.get_ref(5 + 2 * i)?);
                    let journal_value = text(r.get_ref(6 + 2 * i)?);
                    if journal_value.is_some() && row_value != journal_value {
                        let message = format!(
                            "{table} {id}: {} is {}, journal entry {s} says {}",
                            f.name,
                            row_value.as_deref().unwrap_or("empty"),
                            journal_value.as_deref().unwrap_or("empty"),
                        );
                        found.add(mismatch(f.name, row_value, journal_value, message));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The `sale.completed` entries by sale id.
const SALE_ENTRIES: &str = "sales AS MATERIALIZED (
    SELECT entity_id AS id, seq, details, instr(details, '\"sale_lines\":') > 0 AS lists
    FROM audit_log WHERE action = 'sale.completed' AND json_valid(details))";

/// The sale lines the `sale.completed` entries list.
const LISTED_LINES: &str = "listed AS MATERIALIZED (
    SELECT a.seq, a.entity_id AS sale_id, json_extract(j.value, '$.id') AS id, j.value AS v
    FROM audit_log a, json_each(a.details, '$.sale_lines') j
    WHERE a.action = 'sale.completed' AND json_valid(a.details))";

/// The stock movements journal entries list.
const LISTED_MOVES: &str = "listed AS MATERIALIZED (
    SELECT a.seq, json_extract(j.value, '$.id') AS id, j.value AS v
    FROM audit_log a, json_each(a.details, '$.stock_movements') j
    WHERE instr(a.details, '\"stock_movements\":') > 0 AND json_valid(a.details))";

/// The entries of the documents stock movements come from, keyed as a
/// movement names its document (`source_id`; a fulfilled order's entry
/// names the movement itself). Used for movements no entry lists.
const MOVE_DOCUMENTS: &str = "docs AS MATERIALIZED (
    SELECT seq, instr(details, '\"stock_movements\":') > 0 AS lists,
           CASE action WHEN 'sale.voided' THEN json_extract(details, '$.void_id')
                       WHEN 'order.fulfilled' THEN json_extract(details, '$.movement_id')
                       ELSE entity_id END AS doc
    FROM audit_log
    WHERE action IN ('sale.completed', 'sale.voided', 'order.fulfilled', 'stock.received',
                     'stock.transferred', 'stock.adjusted', 'stock.counted', 'stock.wasted')
      AND json_valid(details))";

/// The cash movement entries (`cash.paid_in`, `cash.paid_out`, `cash.drop`).
const CASH_ENTRIES: &str = "cash AS MATERIALIZED (
    SELECT entity_id AS id, seq, action, details
    FROM audit_log WHERE entity = 'cash_movement' AND json_valid(details))";

/// Compare every ledger row with the journal entry that wrote it.
pub fn check(conn: &Connection) -> Result<LedgerCheck> {
    let mut found = LedgerCheck {
        rows: conn.query_row(
            "SELECT (SELECT count(*) FROM sale) + (SELECT count(*) FROM sale_line)
                  + (SELECT count(*) FROM payment) + (SELECT count(*) FROM stock_movement)
                  + (SELECT count(*) FROM cash_movement)",
            [],
            |r| r.get(0),
        )?,
        ..LedgerCheck::default()
    };
    let with_sales = format!("WITH {SALE_ENTRIES}");
    let with_lines = format!("WITH {SALE_ENTRIES}, {LISTED_LINES}");
    let with_moves = format!("WITH {LISTED_MOVES}, {MOVE_DOCUMENTS}");
    let with_cash = format!("WITH {CASH_ENTRIES}");
    let checks = [
        // Each sale and its entry's figures (the split of the total and the
        // counts of lines and payments).
        Compare {
            table: "sale",
            with: &with_sales,
            from: "sale s LEFT JOIN sales e ON e.id = s.id",
            filter: "1",
            id: "s.id",
            seq: "e.seq",
            listed: "1",
            present: "1",
            older: "0",
            figures: &[
                fig(
                    "total_minor",
                    "s.total_minor",
                    "json_extract(e.details, '$.total_minor')",
                ),
                fig(
                    "rounding_minor",
                    "s.rounding_minor",
                    "json_extract(e.details, '$.rounding_minor')",
                ),
                fig(
                    "subtotal_minor",
                    "s.subtotal_minor",
                    "json_extract(e.details, '$.subtotal_minor')",
                ),
                fig(
                    "discount_minor",
                    "s.discount_minor",
                    "json_extract(e.details, '$.discount_minor')",
                ),
                fig(
                    "tax_minor",
                    "s.tax_minor",
                    "json_extract(e.details, '$.tax_minor')",
                ),
                fig(
                    "receipt_number",
                    "s.receipt_number",
                    "json_extract(e.details, '$.receipt_number')",
                ),
                fig(
                    "session_id",
                    "s.session_id",
                    "json_extract(e.details, '$.session_id')",
                ),
                fig(
                    "event_id",
                    "s.event_id",
                    "json_extract(e.details, '$.event_id')",
                ),
                fig(
                    "practice",
                    "s.practice",
                    "json_extract(e.details, '$.practice')",
                ),
                fig(
                    "lines",
                    "(SELECT count(*) FROM sale_line l WHERE l.sale_id = s.id)",
                    "json_extract(e.details, '$.lines')",
                ),
                fig(
                    "payments",
                    "(SELECT count(*) FROM payment p WHERE p.sale_id = s.id)",
                    "json_array_length(e.details, '$.payments')",
                ),
            ],
        },
        // A sale entry whose sale is gone.
        Compare {
            table: "sale",
            with: &with_sales,
            from: "sales e",
            filter: "NOT EXISTS (SELECT 1 FROM sale s WHERE s.id = e.id)",
            id: "e.id",
            seq: "e.seq",
            listed: "1",
            present: "0",
            older: "0",
            figures: &[],
        },
        // Each line its sale's entry lists, present and with its figures.
        Compare {
            table: "sale_line",
            with: &with_lines,
            from: "listed x LEFT JOIN sale_line l ON l.id = x.id",
            filter: "1",
            id: "x.id",
            seq: "x.seq",
            listed: "1",
            present: "l.id IS NOT NULL",
            older: "0",
            figures: &[
                fig("sale_id", "l.sale_id", "x.sale_id"),
                fig(
                    "product_id",
                    "l.product_id",
                    "json_extract(x.v, '$.product_id')",
                ),
                fig(
                    "quantity_milli",
                    "l.quantity_milli",
                    "json_extract(x.v, '$.quantity_milli')",
                ),
                fig(
                    "amount_minor",
                    "l.amount_minor",
                    "json_extract(x.v, '$.amount_minor')",
                ),
                fig(
                    "net_minor",
                    "l.net_minor",
                    "json_extract(x.v, '$.net_minor')",
                ),
                fig(
                    "tax_minor",
                    "l.tax_minor",
                    "json_extract(x.v, '$.tax_minor')",
                ),
                fig(
                    "gross_minor",
                    "l.gross_minor",
                    "json_extract(x.v, '$.gross_minor')",
                ),
            ],
        },
        // Lines no entry lists: their sale's entry lists none (older).
        Compare {
            table: "sale_line",
            with: &with_lines,
            from: "sale_line l LEFT JOIN sales e ON e.id = l.sale_id",
            filter: "NOT EXISTS (SELECT 1 FROM listed x WHERE x.id = l.id)",
            id: "l.id",
            seq: "e.seq",
            listed: "NOT e.lists",
            present: "1",
            older: "e.seq IS NOT NULL AND NOT e.lists",
            figures: &[],
        },
        // Payments by their number in the sale's entry: [method, amount].
        Compare {
            table: "payment",
            with: &with_sales,
            from: "payment p LEFT JOIN sales e ON e.id = p.sale_id",
            filter: "1",
            id: "p.id",
            seq: "e.seq",
            listed: "json_type(e.details, '$.payments[' || (p.seq - 1) || ']') IS NOT NULL",
            present: "1",
            older: "0",
            figures: &[
                fig(
                    "method",
                    "p.method",
                    "json_extract(e.details, '$.payments[' || (p.seq - 1) || '][0]')",
                ),
                fig(
                    "amount_minor",
                    "p.amount_minor",
                    "json_extract(e.details, '$.payments[' || (p.seq - 1) || '][1]')",
                ),
            ],
        },
        // Each stock movement an entry lists, present and with its figures.
        Compare {
            table: "stock_movement",
            with: &with_moves,
            from: "listed x LEFT JOIN stock_movement m ON m.id = x.id",
            filter: "1",
            id: "x.id",
            seq: "x.seq",
            listed: "1",
            present: "m.id IS NOT NULL",
            older: "0",
            figures: &[
                fig(
                    "product_id",
                    "m.product_id",
                    "json_extract(x.v, '$.product_id')",
                ),
                fig("location", "m.location", "json_extract(x.v, '$.location')"),
                fig("kind", "m.kind", "json_extract(x.v, '$.kind')"),
                fig(
                    "quantity_milli",
                    "m.quantity_milli",
                    "json_extract(x.v, '$.quantity_milli')",
                ),
            ],
        },
        // Movements no entry lists: their document's entry lists none (older).
        Compare {
            table: "stock_movement",
            with: &with_moves,
            from: "stock_movement m LEFT JOIN docs d
                   ON d.doc = CASE m.source_type WHEN 'order' THEN m.id ELSE m.source_id END",
            filter: "NOT EXISTS (SELECT 1 FROM listed x WHERE x.id = m.id)",
            id: "m.id",
            seq: "d.seq",
            listed: "NOT d.lists",
            present: "1",
            older: "d.seq IS NOT NULL AND NOT d.lists",
            figures: &[],
        },
        // Cash movements: the entry's action names the kind.
        Compare {
            table: "cash_movement",
            with: &with_cash,
            from: "cash_movement c LEFT JOIN cash e ON e.id = c.id",
            filter: "1",
            id: "c.id",
            seq: "e.seq",
            listed: "1",
            present: "1",
            older: "0",
            figures: &[
                fig("kind", "c.kind", "substr(e.action, 6)"),
                fig(
                    "amount_minor",
                    "c.amount_minor",
                    "json_extract(e.details, '$.amount_minor')",
                ),
                fig(
                    "session_id",
                    "c.session_id",
                    "json_extract(e.details, '$.session_id')",
                ),
            ],
        },
        Compare {
            table: "cash_movement",
            with: &with_cash,
            from: "cash e",
            filter: "NOT EXISTS (SELECT 1 FROM cash_movement c WHERE c.id = e.id)",
            id: "e.id",
            seq: "e.seq",
            listed: "1",
            present: "0",
            older: "0",
            figures: &[],
        },
    ];
    for q in &checks {
        run(conn, &mut found, q)?;
    }
    found
        .mismatches
        .sort_by(|a, b| (&a.table, &a.row_id, &a.figure).cmp(&(&b.table, &b.row_id, &b.figure)));
    Ok(found)
}
