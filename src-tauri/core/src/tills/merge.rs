//! Merging another till's file into this one. The other file's journal is
//! verified first (a broken one is refused, naming the entry), a file of
//! another shop is refused, and so is a copied till that diverged (the same
//! device and journal number holding two different entries). Then, in one
//! transaction: the append-only ledgers are united by id (merging the same
//! file twice changes nothing), records that change (products, settings,
//! events, people, task flows, till sessions, moments) take their latest change,
//! and both journals are united, so the change that lost stays in the
//! journal. The merge ends with a short report of what came in.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::db::journal;
use crate::shop::people::{Approval, ApprovalRequest};
use crate::shop::roles::{self, Action};
use crate::tills::clone::remove_with_sidecars;
use crate::tills::shop_id;
use crate::{new_id, Actor, Error, Result, Store};

/// Tables a merge never copies: the file's own identity, the journal
/// (united apart), the catalog's search index (kept by its triggers), and
/// carts parked on the other till (only it can resume them).
const NOT_COPIED: &[&str] = &["device", "shop", "audit_log", "parked_cart"];

/// Records that change, with the journal entities whose latest entry
/// decides which side's version is kept.
const CHANGING: &[(&str, &[&str])] = &[
    ("product", &["product"]),
    ("event", &["event"]),
    ("person", &["person"]),
    ("task", &["task"]),
    ("task_template", &["task_template"]),
    ("till_session", &["till_session"]),
    ("attendee", &["attendee"]),
    ("contact", &["contact"]),
    ("moment", &["moment"]),
];

/// What a merge brought in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// The file's own till code, and every till whose entries came in.
    pub from_till: String,
    pub tills: Vec<String>,
    /// Journal entries that came in (0: the file held nothing new).
    pub entries: i64,
    pub sales: i64,
    pub refunds: i64,
    pub stock_movements: i64,
    pub cash_movements: i64,
    /// Rows added, by table (only tables with rows added).
    pub rows_added: BTreeMap<String, i64>,
    /// Changing records where the file's later change was taken, by table.
    pub records_updated: BTreeMap<String, i64>,
    /// One sentence for a person.
    pub message: String,
}

/// `merge_file` for the window: an organizer approves it (`MergeTill`).
pub fn merge_file_with_pin(
    store: &mut Store,
    request: &ApprovalRequest,
    path: &Path,
) -> Result<MergeReport> {
    let approval = roles::approve(store, Action::MergeTill, request)?;
    merge_file(store, &approval, path)
}

/// Merge the till file at `path` into `store`.
pub fn merge_file(store: &mut Store, approval: &Approval, path: &Path) -> Result<MergeReport> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(Error::validation("file", format!("{shown} is not a file")));
    }
    let copy = std::env::temp_dir().join(format!("popup-till-merge-{}.sqlite", new_id()));
    let result = prepare(store, path, &copy)
        .and_then(|from| attach_and_merge(store, approval, &copy, &shown, from));
    remove_with_sidecars(&copy);
    result
}

/// Copy the file aside (brought to this version's schema), verify its
/// journal and check its shop. Returns its own till's device id.
fn prepare(store: &Store, path: &Path, copy: &Path) -> Result<String> {
    let shown = path.display();
    {
        let source = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|_| Error::Storage(format!("cannot read {shown}")))?;
        let app: i64 = source
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|_| Error::Storage(format!("{shown} is not a Popup Till file")))?;
        if app != crate::db::store::APPLICATION_ID {
            return Err(Error::Storage(format!(
                "{shown} is not a Popup Till file; nothing was merged"
            )));
        }
        let target = copy
            .to_str()
            .ok_or_else(|| Error::Storage("the temporary folder's path is not UTF-8".into()))?;
        source
            .execute("VACUUM INTO ?1", [target])
            .map_err(|_| Error::Storage(format!("cannot read {shown} to merge it")))?;
    }
    let other = Store::open(copy)?;
    let v = journal::verify(other.conn())?;
    if let Some(problem) = &v.problem {
        return Err(Error::Integrity(format!(
            "{shown} was refused: its journal does not hold ({}); nothing was merged",
            problem.message
        )));
    }
    if let Some(m) = v.ledger_mismatches.first() {
        return Err(Error::Integrity(format!(
            "{shown} was refused: {} of its ledger rows do not match its journal ({}); nothing was merged",
            v.ledger_mismatch_count, m.message
        )));
    }
    let ours = shop_id(store.conn())?;
    let theirs = shop_id(other.conn())?;
    if ours != theirs {
        return Err(Error::Conflict(format!(
            "{shown} was refused: it is the file of another shop, not a till made from this one (\"Make a till for another laptop\"); nothing was merged"
        )));
    }
    Ok(other.device_id().to_string())
}

fn attach_and_merge(
    store: &mut Store,
    approval: &Approval,
    copy: &Path,
    shown: &str,
    from: String,
) -> Result<MergeReport> {
    let target = copy.to_str().unwrap_or_default();
    store
        .conn()
        .execute("ATTACH DATABASE ?1 AS other", [target])?;
    let result = store.write(&Actor::person(approval.organizer_id()), |tx| {
        merge_in(tx, approval, shown, &from)
    });
    let detached = store.conn().execute_batch("DETACH DATABASE other");
    let report = result?;
    detached?;
    Ok(report)
}

fn merge_in(
    tx: &crate::db::store::Tx,
    approval: &Approval,
    shown: &str,
    from: &str,
) -> Result<MergeReport> {
    // A copied till that went on selling as the same till: the same entry
    // number of the same device holds two different entries.
    let diverged: Option<(String, i64)> = tx
        .query_row(
            "SELECT coalesce(d.till_code, o.device_id), o.device_seq
             FROM other.audit_log o
             JOIN main.audit_log m ON m.device_id = o.device_id AND m.device_seq = o.device_seq
             LEFT JOIN main.device d ON d.id = o.device_id
             WHERE m.hash <> o.hash ORDER BY o.seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((code, seq)) = diverged {
        return Err(Error::Conflict(format!(
            "{shown} was refused: it is a copy of till {code} that went on working apart from this file (both hold an entry {seq} of till {code}, and they differ). Two laptops cannot both be till {code}: give the second laptop its own till with \"Make a till for another laptop\". Nothing was merged"
        )));
    }
    let clash: Option<String> = tx
        .query_row(
            "SELECT o.till_code FROM other.device o
             JOIN main.device m ON m.till_code = o.till_code AND m.id <> o.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(code) = clash {
        return Err(Error::Conflict(format!(
            "{shown} was refused: its till {code} is another laptop than this shop's till {code}, and their receipt numbers would collide; nothing was merged"
        )));
    }
    let from_till: String = tx.query_row(
        "SELECT till_code FROM other.device WHERE id = ?1",
        [from],
        |r| r.get(0),
    )?;
    let new_entries: i64 = tx.query_row(
        "SELECT count(*) FROM other.audit_log o WHERE NOT EXISTS (
             SELECT 1 FROM main.audit_log m WHERE m.device_id = o.device_id AND m.device_seq = o.device_seq)",
        [],
        |r| r.get(0),
    )?;
    if new_entries == 0 {
        // Merged before (or nothing happened there since): nothing to write.
        tx.already_done();
        return Ok(MergeReport {
            message: format!("{shown} (till {from_till}) holds nothing new: it was merged before"),
            from_till,
            ..MergeReport::default()
        });
    }
    let tills: Vec<String> = {
        let mut stmt = tx.prepare(
            "SELECT DISTINCT d.till_code FROM other.audit_log o JOIN other.device d ON d.id = o.device_id
             WHERE NOT EXISTS (SELECT 1 FROM main.audit_log m WHERE m.device_id = o.device_id AND m.device_seq = o.device_seq)
             ORDER BY d.till_code",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // Links are checked when the transaction commits: tables come in one
    // by one, children possibly before their parents.
    tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    tx.execute(
        "INSERT INTO main.device (id, till_code, is_local, created_at)
         SELECT id, till_code, 0, created_at FROM other.device
         WHERE id NOT IN (SELECT id FROM main.device)",
        [],
    )?;
    let mut report = MergeReport {
        from_till: from_till.clone(),
        tills,
        entries: new_entries,
        ..MergeReport::default()
    };
    // Changing records first: which side changed last is read from the
    // journals before they are united.
    for (table, entities) in CHANGING {
        let updated = take_latest(tx, table, entities, shown)?;
        if updated > 0 {
            report.records_updated.insert(table.to_string(), updated);
        }
    }
    let settings = take_latest_settings(tx)?;
    if settings > 0 {
        report.records_updated.insert("setting".into(), settings);
    }
    take_template_steps(tx)?;
    for table in tables(tx)? {
        if NOT_COPIED.contains(&table.as_str())
            || CHANGING.iter().any(|(t, _)| *t == table)
            || table == "setting"
            || table == "task_template_step"
        {
            continue;
        }
        let added = add_missing(tx, &table, shown)?;
        if added > 0 {
            report.rows_added.insert(table, added);
        }
    }
    // The journal last, in the other file's order, after this file's
    // entries: each device's chain keeps its order.
    tx.execute(
        "INSERT INTO main.audit_log (seq, id, device_id, at_utc, utc_offset_minutes, actor_id, action,
                                     entity, entity_id, details, prev_hash, hash, device_seq, version)
         SELECT (SELECT coalesce(max(seq), 0) FROM main.audit_log) + row_number() OVER (ORDER BY o.seq),
                o.id, o.device_id, o.at_utc, o.utc_offset_minutes, o.actor_id, o.action,
                o.entity, o.entity_id, o.details, o.prev_hash, o.hash, o.device_seq, o.version
         FROM other.audit_log o
         WHERE NOT EXISTS (SELECT 1 FROM main.audit_log m
                           WHERE m.device_id = o.device_id AND m.device_seq = o.device_seq)
         ORDER BY o.seq",
        [],
    )?;
    let count = |t: &str| report.rows_added.get(t).copied().unwrap_or(0);
    report.sales = count("sale");
    report.refunds = count("refund");
    report.stock_movements = count("stock_movement");
    report.cash_movements = count("cash_movement");
    let n = |count: i64, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    let updated = report.records_updated.values().sum::<i64>();
    report.message = format!(
        "Merged till {from_till}: {}, {}, {}, {}, {} came in; {} took the file's later change",
        n(report.entries, "journal entry", "journal entries"),
        n(report.sales, "sale", "sales"),
        n(report.refunds, "refund", "refunds"),
        n(report.stock_movements, "stock movement", "stock movements"),
        n(report.cash_movements, "cash movement", "cash movements"),
        n(updated, "changed record", "changed records"),
    );
    tx.journal(
        "till.merged",
        "device",
        from,
        serde_json::json!({
            "from_till": from_till,
            "tills": report.tills,
            "entries": report.entries,
            "rows_added": report.rows_added,
            "records_updated": report.records_updated,
            "approved_by": approval.organizer_id(),
        }),
    )?;
    Ok(report)
}

/// The tables of this file, in the order they were made.
fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM main.sqlite_schema
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'product_name_%'
           AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY rowid",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A table's columns, and those of its primary key.
fn columns(conn: &Connection, table: &str) -> Result<(Vec<String>, Vec<String>)> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name, pk FROM main.pragma_table_info('{table}')"
    ))?;
    let rows: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut key: Vec<(i64, String)> = rows
        .iter()
        .filter(|(_, pk)| *pk > 0)
        .map(|(c, pk)| (*pk, c.clone()))
        .collect();
    key.sort();
    Ok((
        rows.into_iter().map(|(c, _)| c).collect(),
        key.into_iter().map(|(_, c)| c).collect(),
    ))
}

fn quoted(cols: &[String]) -> String {
    cols.iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A clash of unique values (a SKU used by two products, two events open)
/// said as what it is.
fn clash(shown: &str, table: &str) -> impl Fn(rusqlite::Error) -> Error {
    let (shown, table) = (shown.to_string(), table.to_string());
    move |e| {
        match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::Conflict(format!(
            "{shown} cannot be merged: a {table} record of the file clashes with one of this till (the same unique value, such as a SKU or a barcode, on two different records, or two events open at once); nothing was merged"
        )),
        _ => Error::Sqlite(e),
    }
    }
}

/// Rows of `table` the file holds and this one does not, by primary key.
fn add_missing(conn: &Connection, table: &str, shown: &str) -> Result<i64> {
    let (cols, key) = columns(conn, table)?;
    if key.is_empty() {
        return Ok(0);
    }
    let same = key
        .iter()
        .map(|k| format!("m.\"{k}\" = o.\"{k}\""))
        .collect::<Vec<_>>()
        .join(" AND ");
    let list = quoted(&cols);
    let sql = format!(
        "INSERT INTO main.\"{table}\" ({list})
         SELECT {} FROM other.\"{table}\" o
         WHERE NOT EXISTS (SELECT 1 FROM main.\"{table}\" m WHERE {same})",
        cols.iter()
            .map(|c| format!("o.\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(conn.execute(&sql, []).map_err(clash(shown, table))? as i64)
}

/// The entities' latest change on each side: the file's version is taken
/// when its latest entry about a record is later than this file's (or
/// this file has no such record).
fn newer_ids_sql(entities: &[&str]) -> String {
    let list = entities
        .iter()
        .map(|e| format!("'{e}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "WITH theirs AS (SELECT entity_id, max(at_utc) AS at FROM other.audit_log
                         WHERE entity IN ({list}) GROUP BY entity_id),
              ours AS (SELECT entity_id, max(at_utc) AS at FROM main.audit_log
                       WHERE entity IN ({list}) GROUP BY entity_id),
              newer AS (SELECT t.entity_id AS id FROM theirs t LEFT JOIN ours o USING (entity_id)
                        WHERE o.at IS NULL OR t.at > o.at)"
    )
}

fn take_latest(conn: &Connection, table: &str, entities: &[&str], shown: &str) -> Result<i64> {
    let (cols, _) = columns(conn, table)?;
    let list = quoted(&cols);
    let with = newer_ids_sql(entities);
    // New records first (whatever their entries), then the later changes.
    conn.execute(
        &format!(
            "INSERT INTO main.\"{table}\" ({list}) SELECT {list} FROM other.\"{table}\" o
             WHERE o.id NOT IN (SELECT id FROM main.\"{table}\")"
        ),
        [],
    )
    .map_err(clash(shown, table))?;
    let sets = cols
        .iter()
        .filter(|c| c.as_str() != "id")
        .map(|c| format!("\"{c}\" = excluded.\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let changed = conn
        .execute(
            &format!(
                "{with} INSERT INTO main.\"{table}\" ({list})
                 SELECT {list} FROM other.\"{table}\" o
                 WHERE o.id IN (SELECT id FROM newer)
                   AND NOT EXISTS (SELECT 1 FROM main.\"{table}\" m WHERE m.id = o.id AND ({same}))
                 ON CONFLICT (id) DO UPDATE SET {sets}",
                same = cols
                    .iter()
                    .map(|c| format!("m.\"{c}\" IS o.\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(" AND ")
            ),
            [],
        )
        .map_err(clash(shown, table))? as i64;
    Ok(changed)
}

/// When each setting was last changed on one side, read from its journal:
/// an entry about one setting (`entity = 'setting'`, the key as its id), or
/// a settings form saved (`entity = 'settings'`) whose `after` differs from
/// its `before` in that key (the limits nested under `limits`, the refill
/// label layouts as `layouts`).
fn setting_changes_sql(db: &str) -> String {
    format!(
        "SELECT l.entity_id AS key, l.at_utc AS at FROM {db}.audit_log l WHERE l.entity = 'setting'
         UNION ALL
         SELECT CASE a.key WHEN 'layouts' THEN 'scale_label_layouts' ELSE a.key END, l.at_utc
         FROM {db}.audit_log l, json_each(l.details, '$.after') a
         WHERE l.entity = 'settings' AND a.key <> 'limits'
           AND json_extract(l.details, '$.before.' || a.key) IS NOT a.value
         UNION ALL
         SELECT a.key, l.at_utc
         FROM {db}.audit_log l, json_each(l.details, '$.after.limits') a
         WHERE l.entity = 'settings'
           AND json_extract(l.details, '$.before.limits.' || a.key) IS NOT a.value"
    )
}

/// Each setting takes its latest change: the file's value is taken when
/// its journal changed that setting later than this file's did (or this
/// file has no such setting). A setting changed on one till only keeps
/// that change whatever the other till changed meanwhile; the change that
/// lost stays in the journal.
fn take_latest_settings(conn: &Connection) -> Result<i64> {
    let sql = format!(
        "WITH theirs AS (SELECT key, max(at) AS at FROM ({theirs}) GROUP BY key),
              ours AS (SELECT key, max(at) AS at FROM ({ours}) GROUP BY key)
         INSERT INTO main.setting (key, value)
         SELECT o.key, o.value FROM other.setting o
         WHERE NOT EXISTS (SELECT 1 FROM main.setting m WHERE m.key = o.key AND m.value = o.value)
           AND (NOT EXISTS (SELECT 1 FROM main.setting m WHERE m.key = o.key)
                OR (SELECT at FROM theirs t WHERE t.key = o.key)
                   > coalesce((SELECT at FROM ours u WHERE u.key = o.key), ''))
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        theirs = setting_changes_sql("other"),
        ours = setting_changes_sql("main"),
    );
    Ok(conn.execute(&sql, [])? as i64)
}

/// A template's steps follow the template: when the file's template is
/// taken (its latest change is later, or it is new here), its steps
/// replace this file's.
fn take_template_steps(conn: &Connection) -> Result<()> {
    let with = newer_ids_sql(&["task_template"]);
    conn.execute(
        &format!("{with} DELETE FROM main.task_template_step WHERE template_id IN (SELECT id FROM newer)"),
        [],
    )?;
    conn.execute(
        &format!(
            "{with} INSERT INTO main.task_template_step SELECT * FROM other.task_template_step
             WHERE template_id IN (SELECT id FROM newer)"
        ),
        [],
    )?;
    Ok(())
}
