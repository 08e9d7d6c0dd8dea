//! The season in PostgreSQL: `push` streams the ledgers of this file
//! (every till merged into it) into a PostgreSQL database the organizer
//! already runs. The schema `popup_till` is made when missing; each table
//! is bulk-loaded with COPY into a staging table, then inserted with
//! `ON CONFLICT (id) DO NOTHING`, so a second push adds nothing and an
//! interrupted push is simply run again. The push records the journal head
//! it sent, on the server (`popup_till.push_head`, in the same transaction
//! as the rows) and in this till's journal (`push.completed`); the next
//! push resumes from it: it sends only the journal entries after that head
//! and the ledger rows this file added since (each ledger's place in the
//! file, its largest rowid, is recorded with the head: the ledgers are
//! append-only, so a later row has a larger one). When the server holds no
//! head of this till, or the entry at its head is not this file's (a file
//! restored from an older copy), every row is sent again. The reference
//! records (tills, events, products, till sessions) are few and change:
//! they are sent whole each time and take their latest state.
//! `docs/season.md` shows the SQL for a season's figures.

use std::collections::BTreeMap;
use std::io::Write;
use std::str::FromStr;

use postgres::{Client, NoTls};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::db::journal;
use crate::{new_id, Actor, Error, Result, Store};

/// The PostgreSQL schema the ledgers go to.
pub const SCHEMA: &str = "popup_till";

/// How a table's rows are pushed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Append-only: a row already there is left as it is.
    Ledger,
    /// A record that changes: the pushed state replaces the server's.
    Latest,
}

/// The tables pushed, parents first, and the columns left out (card
/// digits, terminal codes and free-text payment references: no personal
/// data leaves the till).
const TABLES: &[(&str, Kind, &[&str])] = &[
    ("device", Kind::Latest, &[]),
    ("event", Kind::Latest, &[]),
    ("product", Kind::Latest, &[]),
    ("till_session", Kind::Latest, &[]),
    ("sale", Kind::Ledger, &[]),
    ("sale_line", Kind::Ledger, &[]),
    (
        "payment",
        Kind::Ledger,
        &["card_last_four", "auth_code", "reference"],
    ),
    ("sale_void", Kind::Ledger, &[]),
    ("refund", Kind::Ledger, &[]),
    ("refund_line", Kind::Ledger, &[]),
    ("refund_payment", Kind::Ledger, &["reference"]),
    ("stock_movement", Kind::Ledger, &[]),
    ("cash_movement", Kind::Ledger, &[]),
    ("deposit_return", Kind::Ledger, &[]),
    ("loyalty_entry", Kind::Ledger, &[]),
    ("audit_log", Kind::Ledger, &[]),
];

/// What a push sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushReport {
    /// Where to: host, port and database (never a password).
    pub target: String,
    /// Per table: rows sent, and rows the server did not have yet (for the
    /// records that change: rows inserted or brought up to date).
    pub tables: BTreeMap<String, TablePush>,
    pub rows_sent: i64,
    /// Ledger rows (and journal entries) the server did not have yet.
    pub rows_new: i64,
    /// This till's journal head when the push was read (its place in the
    /// file and hash).
    pub head_seq: i64,
    pub head_hash: String,
    /// The head of this till's previous push the server held, where this
    /// push resumed from (`None`: every row was sent).
    pub resumed_after: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TablePush {
    pub sent: i64,
    pub new: i64,
}

/// Host, port and database of a connection URL, for the journal and the
/// messages (the password stays out).
pub fn target_of(url: &str) -> Result<String> {
    let config = postgres::Config::from_str(url).map_err(|_| {
        Error::validation(
            "postgres",
            "not a PostgreSQL connection URL (postgresql://user@host:port/database)",
        )
    })?;
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().unwrap_or("(default)");
    Ok(format!("{host}:{port}/{db}"))
}

fn pg_error(target: &str) -> impl Fn(postgres::Error) -> Error + '_ {
    move |e| {
        let said = e
            .as_db_error()
            .map(|db| db.message().to_string())
            .unwrap_or_else(|| e.to_string());
        Error::Storage(format!("PostgreSQL at {target}: {said}"))
    }
}

/// Push every ledger of `store` to the PostgreSQL database at `url`.
pub fn push(store: &mut Store, actor: &Actor, url: &str) -> Result<PushReport> {
    let target = target_of(url)?;
    let fail = pg_error(&target);
    let mut client = Client::connect(url, NoTls).map_err(&fail)?;
    let mut report = PushReport {
        target: target.clone(),
        ..PushReport::default()
    };
    {
        // A snapshot of the file for the whole push.
        let conn = store.conn();
        conn.execute_batch("BEGIN DEFERRED")?;
        let sent = push_tables(conn, &mut client, &mut report, &fail);
        conn.execute_batch("COMMIT")?;
        sent?;
    }
    store.write(actor, |tx| {
        tx.journal(
            "push.completed",
            "push",
            &new_id(),
            serde_json::json!({
                "target": report.target,
                "head_seq": report.head_seq,
                "head_hash": report.head_hash,
                "resumed_after": report.resumed_after,
                "rows_sent": report.rows_sent,
                "rows_new": report.rows_new,
            }),
        )
    })?;
    Ok(report)
}

/// Where this till's previous push to the server ended: its head and each
/// ledger's largest rowid then. Nothing when the server holds no head of
/// this till, or when the entry at that head is not this file's, or a
/// ledger holds fewer rows now than then (not the file that pushed).
fn resume_point(
    conn: &Connection,
    pg: &mut postgres::Transaction,
    device_id: &str,
) -> Result<Option<(i64, BTreeMap<String, i64>)>> {
    let last = pg
        .query_opt(
            &format!(
                "SELECT head_seq, head_hash, marks FROM {SCHEMA}.push_head
                 WHERE device_id = $1 AND marks IS NOT NULL ORDER BY head_seq DESC LIMIT 1"
            ),
            &[&device_id],
        )
        .map_err(|e| Error::Storage(format!("reading the last push's head: {e}")))?;
    let Some(row) = last else { return Ok(None) };
    let (seq, hash, marks): (i64, String, String) = (row.get(0), row.get(1), row.get(2));
    let ours: Option<String> = conn
        .query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .optional()?;
    if ours.as_deref() != Some(hash.as_str()) {
        return Ok(None);
    }
    let Ok(marks) = serde_json::from_str::<BTreeMap<String, i64>>(&marks) else {
        return Ok(None);
    };
    for (table, mark) in &marks {
        if !TABLES.iter().any(|(t, _, _)| t == table) {
            continue;
        }
        if *mark > largest_rowid(conn, table)? {
            return Ok(None);
        }
    }
    Ok(Some((seq, marks)))
}

fn largest_rowid(conn: &Connection, table: &str) -> Result<i64> {
    Ok(conn.query_row(
        &format!("SELECT coalesce(max(rowid), 0) FROM \"{table}\""),
        [],
        |r| r.get(0),
    )?)
}

fn push_tables(
    conn: &Connection,
    client: &mut Client,
    report: &mut PushReport,
    fail: &impl Fn(postgres::Error) -> Error,
) -> Result<()> {
    let head = journal::head(conn)?;
    report.head_seq = head.seq;
    report.head_hash = head.hash.clone();
    let (device_id, till_code): (String, String) = conn.query_row(
        "SELECT id, till_code FROM device WHERE is_local = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut pg = client.transaction().map_err(fail)?;
    // The head table keyed by till and head; a table an older version
    // made (no key, no marks) gets both.
    pg.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {SCHEMA};
         CREATE TABLE IF NOT EXISTS {SCHEMA}.push_head (
             device_id text NOT NULL, till_code text NOT NULL,
             pushed_at timestamptz NOT NULL DEFAULT now(),
             head_seq bigint NOT NULL, head_hash text NOT NULL,
             rows_sent bigint NOT NULL, rows_new bigint NOT NULL,
             marks text,
             PRIMARY KEY (device_id, head_seq));
         ALTER TABLE {SCHEMA}.push_head ADD COLUMN IF NOT EXISTS marks text;
         DO $$ BEGIN
             IF NOT EXISTS (SELECT 1 FROM pg_constraint
                            WHERE conrelid = '{SCHEMA}.push_head'::regclass AND contype = 'p') THEN
                 ALTER TABLE {SCHEMA}.push_head ADD PRIMARY KEY (device_id, head_seq);
             END IF;
         END $$;"
    ))
    .map_err(fail)?;
    let since = resume_point(conn, &mut pg, &device_id)?;
    report.resumed_after = since.as_ref().map(|(seq, _)| *seq);
    let mut marks = BTreeMap::new();
    for (table, kind, left_out) in TABLES {
        let cols = columns(conn, table, left_out)?;
        ensure_table(&mut pg, table, &cols).map_err(fail)?;
        let upto = largest_rowid(conn, table)?;
        let after = match (kind, &since) {
            (Kind::Ledger, Some((_, m))) => m.get(*table).copied().unwrap_or(0),
            _ => 0,
        };
        if *kind == Kind::Ledger {
            marks.insert(table.to_string(), upto);
        }
        let stage = format!("stage_{table}");
        pg.batch_execute(&format!(
            "CREATE TEMP TABLE {stage} (LIKE {SCHEMA}.{table}) ON COMMIT DROP"
        ))
        .map_err(fail)?;
        let list = cols
            .iter()
            .map(|(c, _)| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let sent = {
            let mut writer = pg
                .copy_in(&format!("COPY {stage} ({list}) FROM STDIN"))
                .map_err(fail)?;
            let sent = copy_rows(conn, table, &cols, (after, upto), &mut writer)?;
            writer.finish().map_err(fail)?;
            sent
        };
        let conflict = match kind {
            Kind::Ledger => "DO NOTHING".to_string(),
            Kind::Latest => format!(
                "DO UPDATE SET {}",
                cols.iter()
                    .filter(|(c, _)| c != "id")
                    .map(|(c, _)| format!("\"{c}\" = excluded.\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let new = pg
            .execute(
                &format!(
                    "INSERT INTO {SCHEMA}.{table} ({list}) SELECT {list} FROM {stage}
                     ON CONFLICT (id) {conflict}"
                ),
                &[],
            )
            .map_err(fail)? as i64;
        report.rows_sent += sent;
        if *kind == Kind::Ledger {
            report.rows_new += new;
        }
        report
            .tables
            .insert(table.to_string(), TablePush { sent, new });
    }
    let marks =
        serde_json::to_string(&marks).map_err(|e| Error::Integrity(format!("push marks: {e}")))?;
    pg.execute(
        &format!(
            "INSERT INTO {SCHEMA}.push_head
                 (device_id, till_code, head_seq, head_hash, rows_sent, rows_new, marks)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (device_id, head_seq) DO NOTHING"
        ),
        &[
            &device_id,
            &till_code,
            &report.head_seq,
            &report.head_hash,
            &report.rows_sent,
            &report.rows_new,
            &marks,
        ],
    )
    .map_err(fail)?;
    pg.commit().map_err(fail)?;
    Ok(())
}

/// The columns pushed and their PostgreSQL type (SQLite's STRICT INTEGER
/// is `bigint`, TEXT is `text`).
fn columns(
    conn: &Connection,
    table: &str,
    left_out: &[&str],
) -> Result<Vec<(String, &'static str)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name, type FROM pragma_table_info('{table}')"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut cols = Vec::new();
    for row in rows {
        let (name, ty) = row?;
        if left_out.contains(&name.as_str()) {
            continue;
        }
        let pg = if ty.eq_ignore_ascii_case("INTEGER") {
            "bigint"
        } else {
            "text"
        };
        cols.push((name, pg));
    }
    Ok(cols)
}

/// The table on the server, made when missing; a column this version adds
/// is added to a table an older version made.
fn ensure_table(
    pg: &mut postgres::Transaction,
    table: &str,
    cols: &[(String, &'static str)],
) -> std::result::Result<(), postgres::Error> {
    pg.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {SCHEMA}.{table} (id text PRIMARY KEY)"
    ))?;
    let adds = cols
        .iter()
        .filter(|(c, _)| c != "id")
        .map(|(c, ty)| format!("ADD COLUMN IF NOT EXISTS \"{c}\" {ty}"))
        .collect::<Vec<_>>()
        .join(", ");
    if !adds.is_empty() {
        pg.batch_execute(&format!("ALTER TABLE {SCHEMA}.{table} {adds}"))?;
    }
    Ok(())
}

/// The rows of `table` whose rowid is after `after` and up to `upto`, in
/// COPY's text format; the number of rows.
fn copy_rows(
    conn: &Connection,
    table: &str,
    cols: &[(String, &'static str)],
    (after, upto): (i64, i64),
    out: &mut impl Write,
) -> Result<i64> {
    let list = cols
        .iter()
        .map(|(c, _)| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT {list} FROM \"{table}\" WHERE rowid > ?1 AND rowid <= ?2 ORDER BY rowid"
    ))?;
    let mut rows = stmt.query([after, upto])?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut line = Vec::with_capacity(512);
    let mut count = 0;
    let io = |e: std::io::Error| Error::Storage(format!("sending {table} to PostgreSQL: {e}"));
    while let Some(row) = rows.next()? {
        line.clear();
        for i in 0..cols.len() {
            if i > 0 {
                line.push(b'\t');
            }
            match row.get_ref(i)? {
                ValueRef::Null => line.extend_from_slice(b"\\N"),
                ValueRef::Integer(n) => line.extend_from_slice(n.to_string().as_bytes()),
                ValueRef::Real(x) => line.extend_from_slice(x.to_string().as_bytes()),
                ValueRef::Text(t) | ValueRef::Blob(t) => escape(t, &mut line),
            }
        }
        line.push(b'\n');
        out.write_all(&line).map_err(io)?;
        count += 1;
    }
    out.flush().map_err(io)?;
    Ok(count)
}

/// COPY's text format: backslash, tab, newline and carriage return escaped.
fn escape(text: &[u8], out: &mut Vec<u8>) {
    for &b in text {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}
