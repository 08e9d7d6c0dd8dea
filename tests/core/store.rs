//! Opening the database: pragmas, refusals of unusable files, migrations and
//! the pinned schema, the device identity, backups, and append-only tables.

use popup_till_core::db::store::{migrations, schema_version};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::{db::journal, ErrorCode, Store};
use rusqlite::OpenFlags;

use crate::support::{someone, till};

fn event_input(name: &str) -> EventInput {
    EventInput {
        name: name.into(),
        venue: "Hall".into(),
        starts_at: "2026-12-05T10:00".into(),
        ends_at: "2026-12-05T17:00".into(),
        notes: String::new(),
    }
}

#[test]
fn opening_sets_wal_full_sync_foreign_keys_and_secure_delete() {
    let t = till();
    let d = t.store.durability().unwrap();
    assert_eq!(d.journal_mode, "wal");
    assert_eq!(d.synchronous, 2, "synchronous must be FULL");
    assert!(d.foreign_keys);
    assert!(d.secure_delete, "purged personal data must be overwritten");
    t.store.check_durability().unwrap();
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_naming_the_file_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    let garbage = b"these are my shopping notes, not a database\n".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert_eq!(err.code(), ErrorCode::Storage);
    assert!(err.to_string().contains("notes.sqlite"), "{err}");
    assert!(err.to_string().contains("not SQLite"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn an_sqlite_file_of_another_program_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE recipes (name TEXT)")
        .unwrap();
    drop(conn);
    let err = Store::open(&path).err().expect("refused");
    assert!(err.to_string().contains("another program"), "{err}");
}

#[test]
fn a_database_written_by_a_newer_version_is_refused_with_a_clear_message() {
    let t = till();
    let path = t.path();
    drop(t.store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", schema_version() + 1)
        .unwrap();
    drop(conn);
    let err = Store::open(&path).err().expect("refused");
    assert_eq!(err.code(), ErrorCode::Storage);
    let text = err.to_string();
    assert!(text.contains("newer version of Popup Till"), "{text}");
    assert!(
        text.contains(&format!("schema {}", schema_version() + 1)),
        "{text}"
    );
}

#[test]
fn a_read_only_database_is_refused() {
    let t = till();
    let path = t.path();
    drop(t.store);
    let err = Store::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .err()
        .expect("refused");
    assert_eq!(err.code(), ErrorCode::Storage);
    assert!(err.to_string().contains("read-only"), "{err}");
}

#[test]
fn migrations_are_valid_and_the_schema_is_pinned() {
    migrations().validate().unwrap();
    let t = till();
    let schema = t.store.schema_sql().unwrap();
    let snapshot_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/core/schema.sql");
    if std::env::var_os("UPDATE_SCHEMA_SNAPSHOT").is_some() {
        std::fs::write(snapshot_path, &schema).unwrap();
    }
    let pinned = std::fs::read_to_string(snapshot_path)
        .expect("tests/core/schema.sql (run with UPDATE_SCHEMA_SNAPSHOT=1 to write it)");
    assert_eq!(
        schema, pinned,
        "the schema changed: add a migration, then refresh the snapshot with UPDATE_SCHEMA_SNAPSHOT=1"
    );
}

#[test]
fn reopening_keeps_the_same_device_and_its_till_code() {
    let t = till();
    let device = t.store.device_id().to_string();
    assert!(uuid::Uuid::parse_str(&device).is_ok());
    let t = t.reopen();
    assert_eq!(t.store.device_id(), device);
    assert_eq!(t.count("SELECT count(*) FROM device"), 1);
    let code: String = t
        .store
        .conn()
        .query_row("SELECT till_code FROM device", [], |r| r.get(0))
        .unwrap();
    assert_eq!(code, "T1");
}

#[test]
fn ids_are_uuid_v7_and_every_row_carries_the_device() {
    let mut t = till();
    let ev = t
        .store
        .write(&someone(), |tx| events::create(tx, &event_input("Fair")))
        .unwrap();
    let id = uuid::Uuid::parse_str(&ev.id).unwrap();
    assert_eq!(id.get_version_num(), 7);
    let device: String = t
        .store
        .conn()
        .query_row("SELECT device_id FROM event WHERE id = ?1", [&ev.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(device, t.store.device_id());
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE device_id <> (SELECT id FROM device WHERE is_local = 1)"),
        0
    );
}

#[test]
fn a_backup_is_a_consistent_copy_and_never_overwrites() {
    let mut t = till();
    t.store
        .write(&someone(), |tx| events::create(tx, &event_input("Fair")))
        .unwrap();
    let dest = t.dir.path().join("copy.sqlite");
    t.store.backup_to(&dest).unwrap();
    let copy = Store::open(&dest).unwrap();
    assert_eq!(events::list(copy.conn()).unwrap().len(), 1);
    assert!(journal::verify(copy.conn()).unwrap().holds());
    let err = t.store.backup_to(&dest).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

#[test]
fn the_journal_refuses_update_and_delete() {
    let t = till();
    let conn = t.store.conn();
    for sql in ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert!(t.journal_len() >= 1);
}

#[test]
fn a_write_without_a_journal_entry_is_refused_and_leaves_nothing() {
    let mut t = till();
    let before = t.count("SELECT count(*) FROM setting");
    let err = t
        .store
        .write(&someone(), |tx| {
            tx.execute("INSERT INTO setting (key, value) VALUES ('x', 'y')", [])?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Integrity);
    assert_eq!(t.count("SELECT count(*) FROM setting"), before);
}

#[test]
fn a_change_already_made_answers_without_writing_and_cannot_also_journal() {
    let mut t = till();
    let (settings, journal_len) = (t.count("SELECT count(*) FROM setting"), t.journal_len());
    // The work found its change already made: its answer, nothing kept
    // (even a row it wrote before finding out is rolled back).
    let answer = t
        .store
        .write(&someone(), |tx| {
            tx.execute("INSERT INTO setting (key, value) VALUES ('x', 'y')", [])?;
            tx.already_done();
            Ok("the first answer")
        })
        .unwrap();
    assert_eq!(answer, "the first answer");
    assert_eq!(t.count("SELECT count(*) FROM setting"), settings);
    assert_eq!(t.journal_len(), journal_len);
    let err = t
        .store
        .write(&someone(), |tx| {
            tx.journal("test.write", "test", "1", serde_json::json!({}))?;
            tx.already_done();
            Ok(())
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Integrity);
    assert_eq!(t.journal_len(), journal_len);
}

#[test]
fn the_log_is_folded_back_by_the_background_checkpoint_not_by_a_sale() {
    let mut t = crate::support::till();
    let wal = t.path().with_extension("sqlite-wal");
    let auto: i64 = t
        .store
        .conn()
        .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
        .unwrap();
    assert_eq!(auto, 0, "no checkpoint may run inside a commit");
    for i in 0..50 {
        t.store
            .write(&crate::support::someone(), |tx| {
                tx.journal("test.write", "test", &i.to_string(), serde_json::json!({}))?;
                Ok(())
            })
            .unwrap();
    }
    let grown = std::fs::metadata(&wal).unwrap().len();
    assert!(grown > 0);
    let _helper = t
        .store
        .checkpoint_in_background(std::time::Duration::from_millis(10));
    std::thread::sleep(std::time::Duration::from_millis(1000));
    // The helper copied every frame back, so the next write starts the log
    // over from its beginning instead of growing it.
    t.store
        .write(&crate::support::someone(), |tx| {
            tx.journal("test.write", "test", "after", serde_json::json!({}))?;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        std::fs::metadata(&wal).unwrap().len(),
        grown,
        "the log was reused, not grown"
    );
}
