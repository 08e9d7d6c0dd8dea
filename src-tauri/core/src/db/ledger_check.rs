//! The ledger against the journal, the second half of `journal::verify`:
//! every sale, sale line, payment, stock movement, cash movement, deposit
//! paid back, card ledger entry, refund, refund line and refund tender
//! (`refunds`), card link (`card_links`) must
//! have the journal entry that wrote it, with the same figures, and every
//! row an entry lists must still be there. A row edited, added or removed
//! behind the till's back (its append-only triggers dropped) is named here
//! even though the chain itself still holds.
//!
//! Each table is checked by set-based queries (the journal's entries joined
//! to the rows), never by a query per row. The common case is one pass over
//! the sales: a sale whose entry lists exactly its lines, payments and stock
//! movements (the rows put together as the till wrote them) is proven in
//! that pass, and its rows need no look of their own. Only when some sale
//! is not proven are all listed rows compared one by one, to name them.
//!
//! What each entry carries is in `docs/journal.md`; entries written before
//! they listed their rows one by one (`sale_lines`, `stock_movements`)
//! still have their rows' presence checked, and a sale's count of lines and
//! payments.

use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::Serialize;

use crate::Result;

mod card_links;
mod refunds;
mod side;

/// At most this many mismatches are listed (all are counted).
pub const MAX_LISTED: usize = 1000;

/// A ledger row that does not agree with the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerMismatch {
    /// The table: `sale`, `sale_line`, `payment`, `stock_movement`,
    /// `cash_movement`, `deposit_return`, `loyalty_entry`, `refund`, `refund_line` or
    /// `refund_payment`.
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

/// A figure of a listed row (`l.NAME`) against the same field of its item
/// in the entry's list (`j.value`): how sale and refund lines are listed.
macro_rules! listed {
    ($name:literal) => {
        fig(
            $name,
            concat!("l.", $name),
            concat!("json_extract(j.value, '$.", $name, "')"),
        )
    };
}
use listed;

const fn fig(name: &'static str, row: &'static str, journal: &'static str) -> Figure {
    Figure { name, row, journal }
}

/// One query comparing rows with entries. Each expression is SQL over the
/// tables of `from`.
struct Compare<'a> {
    table: &'static str,
    /// `WITH …` (small tables of entries), or nothing.
    with: &'a str,
    from: &'a str,
    /// A condition on `from`'s rows.
    filter: &'a str,
    id: &'static str,
    /// The seq of the row's entry; NULL when it has none.
    seq: &'static str,
    /// False when the entry lists its rows one by one and not this one.
    listed: &'static str,
    /// False when a row an entry lists is gone.
    present: &'static str,
    /// True for a row whose entry was written before entries listed their
    /// rows: only its entry's presence is checked.
    older: &'static str,
    /// True when the row agrees with its entry as a whole (one comparison);
    /// only a row where it is not has its figures compared one by one.
    same: &'static str,
    /// The sales' pass, for a sale that is not `same`: true when the rows
    /// the entry lists are still proven to be the sale's. A sale where it is
    /// not makes `check` compare every listed row one by one, to name the
    /// ones that differ.
    proven: &'static str,
    /// A figure is compared only when the entry recorded it (not NULL).
    figures: &'a [Figure],
}

impl Compare<'_> {
    /// Defaults for a query that only looks for rows without an entry, or
    /// entries without a row.
    const PRESENCE: Compare<'static> = Compare {
        table: "",
        with: "",
        from: "",
        filter: "1",
        id: "",
        seq: "NULL",
        listed: "1",
        present: "1",
        older: "0",
        same: "1",
        proven: "1",
        figures: &[],
    };
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

/// Run one comparison, adding what it finds; returns how many rows it could
/// not prove (`Compare::proven`).
fn run(conn: &Connection, found: &mut LedgerCheck, q: &Compare) -> Result<usize> {
    let pairs: String = q
        .figures
        .iter()
        .map(|f| format!(", {}, {}", f.row, f.journal))
        .collect();
    let sql = format!(
        "{with} SELECT {id}, {seq}, {present}, {older}, {listed}, coalesce({proven}, 0){pairs}
         FROM {from}
         WHERE ({filter}) AND (NOT ({present}) OR ({seq}) IS NULL OR ({older}) OR NOT ({listed})
                               OR NOT coalesce({same}, 0))",
        with = q.with,
        id = q.id,
        seq = q.seq,
        present = q.present,
        older = q.older,
        listed = q.listed,
        proven = q.proven,
        same = q.same,
        from = q.from,
        filter = q.filter,
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut unproven = 0;
    while let Some(r) = rows.next()? {
        let id: String = r.get::<_, Option<String>>(0)?.unwrap_or_default();
        let seq: Option<i64> = r.get(1)?;
        let flag = |i: usize| -> rusqlite::Result<bool> {
            Ok(r.get::<_, Option<bool>>(i)?.unwrap_or(false))
        };
        let (present, older, listed, proven) = (flag(2)?, flag(3)?, flag(4)?, flag(5)?);
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
                if !proven {
                    unproven += 1;
                }
                for (i, f) in q.figures.iter().enumerate() {
                    let row_value = text(r.get_ref(6 + 2 * i)?);
                    let journal_value = text(r.get_ref(7 + 2 * i)?);
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
    Ok(unproven)
}

/// The `sale.completed` entries by sale id: their seq, and whether they
/// list their rows one by one (`sale_lines` marks the format).
const SALE_ENTRIES: &str = "WITH sales AS MATERIALIZED (
    SELECT entity_id AS id, seq, instr(details, '\"sale_lines\":') > 0 AS lists
    FROM audit_log WHERE action = 'sale.completed')";

/// The sales whose entries list their rows one by one.
const LISTING_SALES: &str = "SELECT entity_id FROM audit_log
    WHERE action = 'sale.completed' AND instr(details, '\"sale_lines\":') > 0";

/// The entries of the documents stock movements come from, keyed as a
/// movement names its document (`source_id`; a fulfilled order's entry
/// names the movement itself). Used for movements no entry lists.
const MOVE_DOCUMENTS: &str = "WITH docs AS MATERIALIZED (
    SELECT seq, instr(details, '\"stock_movements\":') > 0 OR instr(details, '\"sale_lines\":') > 0 AS lists,
           CASE action WHEN 'sale.voided' THEN json_extract(details, '$.void_id')
                       WHEN 'order.fulfilled' THEN json_extract(details, '$.movement_id')
                       ELSE entity_id END AS doc
    FROM audit_log
    WHERE action IN ('sale.completed', 'sale.voided', 'order.fulfilled', 'stock.received',
                     'stock.transferred', 'stock.adjusted', 'stock.counted', 'stock.wasted')
      AND (action NOT IN ('sale.voided', 'order.fulfilled') OR json_valid(details)))";

/// A sale as the till writes it into its entry's canonical JSON (keys
/// sorted, no spaces), found in the entry's text in two runs of keys: from
/// `discount_minor` to `lines`, and from `payments` to the end, with its
/// payments, lines and stock movements written out from the rows. (Only
/// `approved_by` and `negative_stock` fall outside.) No JSON is parsed:
/// text that differs (an older entry, a row edited) only sends the sale to
/// the comparison figure by figure.
const SALE_SAME: &str = "instr(e.details, '\"discount_minor\":' || s.discount_minor || ',\"event_id\":\"' || s.event_id
        || '\",\"lines\":' || (SELECT count(*) FROM sale_line l WHERE l.sale_id = s.id) || ',') > 0
    AND instr(e.details, '\"payments\":[' || coalesce((
            SELECT group_concat('[\"' || p.method || '\",' || p.amount_minor || ']', ',' ORDER BY p.seq)
            FROM payment p WHERE p.sale_id = s.id), '')
        || '],\"practice\":' || CASE s.practice WHEN 0 THEN 'false' ELSE 'true' END
        || ',\"receipt_number\":\"' || s.receipt_number || '\",\"rounding_minor\":' || s.rounding_minor
        || ',\"sale_lines\":[' || (
            SELECT group_concat('{\"amount_minor\":' || l.amount_minor || ',\"gross_minor\":' || l.gross_minor
                || ',\"id\":\"' || l.id || '\",\"net_minor\":' || l.net_minor || ',\"product_id\":\"' || l.product_id
                || '\",\"quantity_milli\":' || l.quantity_milli || ',\"tax_minor\":' || l.tax_minor || '}', ',' ORDER BY l.line_no)
            FROM sale_line l WHERE l.sale_id = s.id)
        || '],\"session_id\":\"' || s.session_id || '\",' || coalesce('\"stock_movements\":[' || (
            SELECT group_concat('{\"id\":\"' || m.id || '\",\"kind\":\"' || m.kind || '\",\"location\":\"' || m.location
                || '\",\"product_id\":\"' || m.product_id || '\",\"quantity_milli\":' || m.quantity_milli || '}', ',' ORDER BY m.rowid)
            FROM stock_movement m WHERE m.source_type = 'sale' AND m.source_id = s.id) || '],', '')
        || '\"subtotal_minor\":' || s.subtotal_minor || ',\"tax_minor\":' || s.tax_minor
        || ',\"total_minor\":' || s.total_minor || '}') > 0";

/// For a sale that is not the `SALE_SAME` text: an entry in the older
/// format (no `sale_lines`) whose payments are the sale's still proves it;
/// any other makes every listed row be compared one by one.
const SALE_LISTS: &str = "instr(e.details, '\"sale_lines\":') = 0
    AND coalesce(instr(e.details, '\"payments\":[' || (
            SELECT group_concat('[\"' || p.method || '\",' || p.amount_minor || ']', ',' ORDER BY p.seq)
            FROM payment p WHERE p.sale_id = s.id) || '],') > 0,
        instr(e.details, '\"payments\":[],') > 0)";

/// A listed line as the till wrote it (keys in canonical order), and its sale.
const LINE_SAME: &str =
    "a.entity_id = l.sale_id AND j.value = json_object('amount_minor', l.amount_minor,
    'gross_minor', l.gross_minor, 'id', l.id, 'net_minor', l.net_minor, 'product_id', l.product_id,
    'quantity_milli', l.quantity_milli, 'tax_minor', l.tax_minor)";

/// A listed stock movement as the till wrote it (keys in canonical order).
const MOVE_SAME: &str = "j.value = json_object('id', m.id, 'kind', m.kind, 'location', m.location,
    'product_id', m.product_id, 'quantity_milli', m.quantity_milli)";

const SALE_FIGURES: &[Figure] = &[
    fig(
        "total_minor",
        "s.total_minor",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.total_minor')",
    ),
    fig(
        "rounding_minor",
        "s.rounding_minor",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.rounding_minor')",
    ),
    fig(
        "subtotal_minor",
        "s.subtotal_minor",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.subtotal_minor')",
    ),
    fig(
        "discount_minor",
        "s.discount_minor",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.discount_minor')",
    ),
    fig(
        "tax_minor",
        "s.tax_minor",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.tax_minor')",
    ),
    fig(
        "receipt_number",
        "s.receipt_number",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.receipt_number')",
    ),
    fig(
        "session_id",
        "s.session_id",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.session_id')",
    ),
    fig(
        "event_id",
        "s.event_id",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.event_id')",
    ),
    fig(
        "practice",
        "s.practice",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.practice')",
    ),
    fig(
        "lines",
        "(SELECT count(*) FROM sale_line l WHERE l.sale_id = s.id)",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.lines')",
    ),
    fig(
        "payments",
        "(SELECT count(*) FROM payment p WHERE p.sale_id = s.id)",
        "json_array_length(CASE WHEN json_valid(e.details) THEN e.details END, '$.payments')",
    ),
];

const LINE_FIGURES: &[Figure] = &[
    fig("sale_id", "l.sale_id", "a.entity_id"),
    listed!("product_id"),
    listed!("quantity_milli"),
    listed!("amount_minor"),
    listed!("net_minor"),
    listed!("tax_minor"),
    listed!("gross_minor"),
];

const PAYMENT_FIGURES: &[Figure] = &[
    fig("method", "p.method", "json_extract(j.value, '$[0]')"),
    fig(
        "amount_minor",
        "p.amount_minor",
        "json_extract(j.value, '$[1]')",
    ),
];

const MOVE_FIGURES: &[Figure] = &[
    fig(
        "product_id",
        "m.product_id",
        "json_extract(j.value, '$.product_id')",
    ),
    fig(
        "location",
        "m.location",
        "json_extract(j.value, '$.location')",
    ),
    fig("kind", "m.kind", "json_extract(j.value, '$.kind')"),
    fig(
        "quantity_milli",
        "m.quantity_milli",
        "json_extract(j.value, '$.quantity_milli')",
    ),
];

/// Compare every ledger row with the journal entry that wrote it.
pub fn check(conn: &Connection) -> Result<LedgerCheck> {
    let mut found = LedgerCheck {
        rows: conn.query_row(
            "SELECT (SELECT count(*) FROM sale) + (SELECT count(*) FROM sale_line)
                  + (SELECT count(*) FROM payment) + (SELECT count(*) FROM stock_movement)
                  + (SELECT count(*) FROM cash_movement) + (SELECT count(*) FROM refund)
                  + (SELECT count(*) FROM refund_line) + (SELECT count(*) FROM refund_payment)
                  + (SELECT count(*) FROM deposit_return) + (SELECT count(*) FROM loyalty_entry)
                  + (SELECT count(*) FROM card_link)",
            [],
            |r| r.get(0),
        )?,
        ..LedgerCheck::default()
    };
    // Each sale with an entry: its figures, and whether the entry lists
    // exactly its rows. Driven from the journal, each sale found by its key.
    let unproven = run(
        conn,
        &mut found,
        &Compare {
            table: "sale",
            from: "audit_log e JOIN sale s ON s.id = e.entity_id",
            filter: "e.action = 'sale.completed'",
            id: "s.id",
            seq: "e.seq",
            same: SALE_SAME,
            proven: SALE_LISTS,
            figures: SALE_FIGURES,
            ..Compare::PRESENCE
        },
    )?;
    let not_a_sale_entry =
        "s.id NOT IN (SELECT entity_id FROM audit_log WHERE action = 'sale.completed')";
    // Movements listed by entries other than sales' (a receive, a count, …).
    let other_moves = "a.action <> 'sale.completed' AND instr(a.details, '\"stock_movements\":') > 0 AND json_valid(a.details)";
    let all_moves = "instr(a.details, '\"stock_movements\":') > 0 AND json_valid(a.details)";
    let listed_ids = |listing: &str| {
        format!(
            "SELECT json_extract(j.value, '$.id') FROM audit_log a, json_each(a.details, '$.stock_movements') j
             WHERE {listing} AND json_extract(j.value, '$.id') IS NOT NULL"
        )
    };
    // When every sale is proven, only rows no proven sale holds are left to
    // look at; otherwise every listed row is compared, to name what differs.
    let (lines_left, payments_left, moves_listing, moves_left) = if unproven == 0 {
        (
            format!("l.sale_id NOT IN ({LISTING_SALES})"),
            "p.sale_id NOT IN (SELECT entity_id FROM audit_log WHERE action = 'sale.completed')".to_string(),
            other_moves,
            format!(
                "NOT (m.source_type = 'sale' AND m.source_id IN ({LISTING_SALES})) AND m.id NOT IN ({})",
                listed_ids(other_moves)
            ),
        )
    } else {
        (
            "l.id NOT IN (SELECT json_extract(j.value, '$.id') FROM audit_log a, json_each(a.details, '$.sale_lines') j
               WHERE a.action = 'sale.completed' AND json_valid(a.details) AND json_extract(j.value, '$.id') IS NOT NULL)"
                .to_string(),
            "(p.sale_id, p.seq) NOT IN (SELECT a.entity_id, j.key + 1 FROM audit_log a, json_each(a.details, '$.payments') j
               WHERE a.action = 'sale.completed' AND json_valid(a.details))"
                .to_string(),
            all_moves,
            format!("m.id NOT IN ({})", listed_ids(all_moves)),
        )
    };
    let moves_from = "audit_log a, json_each(a.details, '$.stock_movements') j
         LEFT JOIN stock_movement m ON m.id = json_extract(j.value, '$.id')";
    let mut checks = vec![
        // A sale no entry wrote.
        Compare {
            table: "sale",
            from: "sale s",
            filter: not_a_sale_entry,
            id: "s.id",
            ..Compare::PRESENCE
        },
        // A sale entry whose sale is gone.
        Compare {
            table: "sale",
            from: "audit_log e",
            filter: "e.action = 'sale.completed' AND NOT EXISTS (SELECT 1 FROM sale s WHERE s.id = e.entity_id)",
            id: "e.entity_id",
            seq: "e.seq",
            present: "0",
            ..Compare::PRESENCE
        },
        // Lines left: of no entry (or an older one, which lists none), or,
        // when some sale is not proven, every line no entry lists.
        Compare {
            table: "sale_line",
            with: SALE_ENTRIES,
            from: "sale_line l LEFT JOIN sales e ON e.id = l.sale_id",
            filter: &lines_left,
            id: "l.id",
            seq: "e.seq",
            listed: "NOT e.lists",
            older: "e.seq IS NOT NULL AND NOT e.lists",
            ..Compare::PRESENCE
        },
        // Payments left: of no entry, or not in their sale's entry.
        Compare {
            table: "payment",
            with: SALE_ENTRIES,
            from: "payment p LEFT JOIN sales e ON e.id = p.sale_id",
            filter: &payments_left,
            id: "p.id",
            seq: "e.seq",
            listed: "0",
            ..Compare::PRESENCE
        },
        // Each stock movement an entry lists (a sale's ones only when some
        // sale is not proven), present and with its figures.
        Compare {
            table: "stock_movement",
            from: moves_from,
            filter: moves_listing,
            id: "json_extract(j.value, '$.id')",
            seq: "a.seq",
            present: "m.id IS NOT NULL",
            same: MOVE_SAME,
            figures: MOVE_FIGURES,
            ..Compare::PRESENCE
        },
        // Movements left: fine only when their document's entry lists none
        // (older).
        Compare {
            table: "stock_movement",
            with: MOVE_DOCUMENTS,
            from: "stock_movement m LEFT JOIN docs d
                   ON d.doc = CASE m.source_type WHEN 'order' THEN m.id ELSE m.source_id END",
            filter: &moves_left,
            id: "m.id",
            seq: "d.seq",
            listed: "NOT d.lists",
            older: "d.seq IS NOT NULL AND NOT d.lists",
            ..Compare::PRESENCE
        },
    ];
    if unproven > 0 {
        // Each line and payment a sale's entry lists, compared one by one.
        checks.push(Compare {
            table: "sale_line",
            from: "audit_log a, json_each(a.details, '$.sale_lines') j
                   LEFT JOIN sale_line l ON l.id = json_extract(j.value, '$.id')",
            filter: "a.action = 'sale.completed' AND json_valid(a.details)",
            id: "json_extract(j.value, '$.id')",
            seq: "a.seq",
            present: "l.id IS NOT NULL",
            same: LINE_SAME,
            figures: LINE_FIGURES,
            ..Compare::PRESENCE
        });
        checks.push(Compare {
            table: "payment",
            from: "audit_log a, json_each(a.details, '$.payments') j
                   JOIN payment p ON p.sale_id = a.entity_id AND p.seq = j.key + 1",
            filter: "a.action = 'sale.completed' AND json_valid(a.details)",
            id: "p.id",
            seq: "a.seq",
            same: "j.value = json_array(p.method, p.amount_minor)",
            figures: PAYMENT_FIGURES,
            ..Compare::PRESENCE
        });
    }
    // The ledgers of one row per entry: cash, deposits paid back, cards (`side`).
    checks.extend(side::checks());
    // The refunds, their lines and tenders (`refunds`).
    checks.extend(refunds::checks());
    checks.extend(card_links::checks());
    for q in &checks {
        run(conn, &mut found, q)?;
    }
    found
        .mismatches
        .sort_by(|a, b| (&a.table, &a.row_id, &a.figure).cmp(&(&b.table, &b.row_id, &b.figure)));
    Ok(found)
}
