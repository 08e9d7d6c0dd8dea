//! The store: opening the SQLite file with the pragmas a till needs, running
//! the embedded migrations, knowing which device this is, and running every
//! write as one IMMEDIATE transaction that also writes its journal entry.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use crate::db::clock::{system_clock, ClockFn, Stamp};
use crate::{db::journal, new_id, Error, Result};

/// `PRAGMA application_id` of a Popup Till file ("PTIL"), so that another
/// program's SQLite file is not mistaken for a till.
pub const APPLICATION_ID: i64 = 0x5054_494C;

/// The embedded migrations, in order. Never edit one after a release: add a
/// new file instead.
const MIGRATION_SQL: &[&str] = &[
    include_str!("../../migrations/0001_foundation.sql"),
    include_str!("../../migrations/0002_catalog.sql"),
    include_str!("../../migrations/0003_stock_ledger.sql"),
    include_str!("../../migrations/0004_catalog_stock.sql"),
    include_str!("../../migrations/0005_sales.sql"),
    include_str!("../../migrations/0006_tasks.sql"),
    include_str!("../../migrations/0007_reports.sql"),
    include_str!("../../migrations/0008_cart_id.sql"),
    include_str!("../../migrations/0009_blind_count.sql"),
    include_str!("../../migrations/0010_signer_names.sql"),
    include_str!("../../migrations/0011_attendees.sql"),
    include_str!("../../migrations/0012_refunds.sql"),
    include_str!("../../migrations/0013_refill.sql"),
    include_str!("../../migrations/0014_tills.sql"),
    include_str!("../../migrations/0015_loyalty.sql"),
    include_str!("../../migrations/0017_card_link.sql"),
    include_str!("../../migrations/0018_start_up_index.sql"),
];

pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect())
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATION_SQL.len() as i64
}

/// Who is making a change: a person's id, or a named system actor
/// (`setup`, `demo`, `cli`) for changes no person made at the till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: String,
}

impl Actor {
    pub fn person(id: impl Into<String>) -> Actor {
        Actor { id: id.into() }
    }
    pub fn system(name: &str) -> Actor {
        Actor {
            id: format!("system:{name}"),
        }
    }
}

/// The pragmas as they hold on the open connection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Durability {
    pub journal_mode: String,
    pub synchronous: i64,
    pub foreign_keys: bool,
    pub secure_delete: bool,
}

/// An open till database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    device_id: String,
    clock: ClockFn,
}

/// One write in progress: the transaction, who makes it and when. Every
/// write must journal at least once (`Store::write` checks), unless it found
/// that its change was already made (`Tx::already_done`).
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    pub device_id: &'a str,
    pub actor: &'a Actor,
    pub now: Stamp,
    journaled: Cell<u32>,
    already_done: Cell<bool>,
    /// Stock movements recorded since the last journal entry: the next
    /// entry lists them (`stock_movements`), so `verify` can hold each
    /// movement against the entry that wrote it.
    movements: RefCell<Vec<serde_json::Value>>,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl Tx<'_> {
    /// Append the journal entry for this change (see `journal::append`).
    /// The stock movements recorded since the last entry are added to its
    /// details as `stock_movements` (id, kind, location, product, quantity).
    pub fn journal(
        &self,
        action: &str,
        entity: &str,
        entity_id: &str,
        details: serde_json::Value,
    ) -> Result<i64> {
        let mut details = details;
        let movements = self.movements.take();
        if !movements.is_empty() {
            let Some(map) = details.as_object_mut() else {
                return Err(Error::Integrity(
                    "a journal entry with stock movements must have details as an object; nothing was written".into(),
                ));
            };
            map.insert(
                "stock_movements".into(),
                serde_json::Value::Array(movements),
            );
        }
        let seq = journal::append(self, action, entity, entity_id, &details)?;
        self.journaled.set(self.journaled.get() + 1);
        Ok(seq)
    }

    /// This change was already made (a sale completed twice): the work
    /// answers with what was recorded the first time, and `Store::write`
    /// rolls the transaction back instead of asking for a journal entry.
    pub fn already_done(&self) {
        self.already_done.set(true);
    }

    /// A stock movement this write recorded (`stock::record`): its figures
    /// go into the next journal entry.
    pub(crate) fn note_movement(&self, figures: serde_json::Value) {
        self.movements.borrow_mut().push(figures);
    }
}

fn storage_error(path: &Path, err: rusqlite::Error) -> Error {
    let shown = path.display();
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::Storage(format!(
            "{shown} is not a Popup Till database: the file is not SQLite"
        )),
        Some(rusqlite::ErrorCode::ReadOnly) => Error::Storage(format!(
            "{shown} is read-only; Popup Till needs to write to its database. Check the file's permissions"
        )),
        Some(rusqlite::ErrorCode::CannotOpen) => Error::Storage(format!(
            "cannot open {shown}: check that the folder exists and can be written"
        )),
        Some(rusqlite::ErrorCode::DiskFull) => {
            Error::Storage(format!("the disk holding {shown} is full"))
        }
        // SQLite's own text stays out of what a person reads.
        _ => Error::Storage(format!(
            "cannot use {shown}: the till could not open it as its database"
        )),
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Leave a small WAL behind; failure only means a larger WAL.
        let _ = self.checkpoint();
    }
}

impl Store {
    /// Open (creating if needed) the till database at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Self::open_with_flags(path.as_ref(), OpenFlags::default())
    }

    /// Open with explicit SQLite flags (tests use read-only flags to prove a
    /// read-only file is refused even when running as root).
    pub fn open_with_flags(path: &Path, flags: OpenFlags) -> Result<Store> {
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() && !parent.exists() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    Error::Storage(format!(
                        "cannot create the folder {}: {e}",
                        parent.display()
                    ))
                })?;
            }
        }
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(|e| storage_error(path, e))?;
        Self::check_identity(&conn, path)?;
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
            return Err(storage_error(
                path,
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
                    None,
                ),
            ));
        }
        Self::configure(&conn).map_err(|e| storage_error(path, e))?;
        Self::migrate(&mut conn, path)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            device_id: String::new(),
            clock: system_clock(),
        };
        store.check_durability()?;
        store.device_id = store.ensure_local_device()?;
        Ok(store)
    }

    /// Refuse files that are not SQLite, or that belong to another program.
    fn check_identity(conn: &Connection, path: &Path) -> Result<()> {
        let app_id: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| storage_error(path, e))?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(|e| storage_error(path, e))?;
        if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
            return Err(Error::Storage(format!(
                "{} is an SQLite database of another program, not a Popup Till database",
                path.display()
            )));
        }
        Ok(())
    }

    /// Every pragma the till relies on, set in one place.
    fn configure(conn: &Connection) -> rusqlite::Result<()> {
        // WAL: readers (a backup, an export, the reports screen) never block
        // the cashier's writes, and a commit is one append to the log.
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        // FULL: the WAL is synced on every commit, so a sale the screen showed
        // as complete survives a power cut (NORMAL could lose the last ones).
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Foreign keys are off by default in SQLite; the ledger's links
        // (a line to its sale, a movement to its product) must hold.
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // secure_delete: deleted rows are overwritten with zeros, not just
        // unlinked. A purged pre-order contact (personal data) must not stay
        // readable in the free pages of the file or of its WAL.
        conn.pragma_update(None, "secure_delete", "ON")?;
        // The organizer's command line may back up or export while the app
        // runs; wait for the other writer instead of failing at once.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // No automatic checkpoint: SQLite would otherwise copy the WAL back
        // into the database inside whichever commit crosses 1000 pages, and
        // that commit is usually a sale the cashier waits for. The till
        // checkpoints when idle instead (`Store::checkpoint`: closing a till
        // session, and when the store is dropped).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(())
    }

    fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = schema_version();
        if found > known {
            return Err(Error::Storage(format!(
                "{} was written by a newer version of Popup Till (schema {found}; this version knows up to {known}). Update the app to open it",
                path.display()
            )));
        }
        migrations().to_latest(conn).map_err(|_| {
            Error::Storage(format!(
                "cannot upgrade {} to this version of Popup Till",
                path.display()
            ))
        })?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        Ok(())
    }

    /// The pragmas as they actually hold now.
    pub fn durability(&self) -> Result<Durability> {
        Ok(Durability {
            journal_mode: self
                .conn
                .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))?
                .to_lowercase(),
            synchronous: self
                .conn
                .query_row("PRAGMA synchronous", [], |r| r.get(0))?,
            foreign_keys: self
                .conn
                .query_row("PRAGMA foreign_keys", [], |r| r.get::<_, i64>(0))?
                == 1,
            secure_delete: self
                .conn
                .query_row("PRAGMA secure_delete", [], |r| r.get::<_, i64>(0))?
                == 1,
        })
    }

    /// Refuse to sell when a sale could be lost, a link could break, or
    /// purged personal data could stay in the file.
    pub fn check_durability(&self) -> Result<()> {
        let d = self.durability()?;
        // synchronous: 2 = FULL, 3 = EXTRA
        if d.journal_mode != "wal" || d.synchronous < 2 || !d.foreign_keys || !d.secure_delete {
            return Err(Error::Storage(format!(
                "{} cannot be used safely: journal_mode={}, synchronous={}, foreign_keys={}, secure_delete={} (need wal, FULL, on, on)",
                self.path.display(),
                d.journal_mode,
                d.synchronous,
                d.foreign_keys,
                d.secure_delete
            )));
        }
        Ok(())
    }

    fn ensure_local_device(&mut self) -> Result<String> {
        let existing: Option<String> = self
            .conn
            .query_row("SELECT id FROM device WHERE is_local = 1", [], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        let id = new_id();
        self.device_id = id.clone();
        self.write(&Actor::system("setup"), |tx| {
            tx.execute(
                "INSERT INTO device (id, till_code, is_local, created_at) VALUES (?1, 'T1', 1, ?2)",
                (&id, &tx.now.utc),
            )?;
            tx.journal(
                "device.created",
                "device",
                &id,
                serde_json::json!({"till_code": "T1"}),
            )?;
            Ok(())
        })?;
        Ok(id)
    }

    /// Run `work` as one IMMEDIATE transaction made by `actor`. The work must
    /// journal its change; nothing is written if it fails.
    pub fn write<T>(&mut self, actor: &Actor, work: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        let now = Stamp::from_local((self.clock)());
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| storage_error(&path, e))?;
        let tx = Tx {
            tx,
            device_id: &self.device_id,
            actor,
            now,
            journaled: Cell::new(0),
            already_done: Cell::new(false),
            movements: RefCell::new(Vec::new()),
        };
        let value = work(&tx)?;
        if tx.already_done.get() {
            if tx.journaled.get() != 0 {
                return Err(Error::Integrity(
                    "a change already made was about to be journaled again; nothing was written"
                        .into(),
                ));
            }
            // Nothing of this transaction is kept (dropping it rolls back).
            return Ok(value);
        }
        if tx.journaled.get() == 0 || !tx.movements.borrow().is_empty() {
            return Err(Error::Integrity(
                "a change was about to be saved without its journal entry; nothing was written"
                    .into(),
            ));
        }
        tx.tx.commit().map_err(|e| storage_error(&path, e))?;
        Ok(value)
    }

    /// Copy the WAL back into the database file and truncate it. Called at
    /// idle moments (never inside a sale); a busy reader only makes it
    /// partial, which is harmless.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Start a helper thread that folds the WAL back into the database every
    /// `every`, on its own connection. A PASSIVE checkpoint never blocks the
    /// till's writes (sales keep appending to the log meanwhile), so the log
    /// stays small through a long day without any sale paying for it.
    pub fn checkpoint_in_background(
        &self,
        every: std::time::Duration,
    ) -> std::thread::JoinHandle<()> {
        let path = self.path.clone();
        std::thread::spawn(move || {
            let Ok(conn) = Connection::open(&path) else {
                return;
            };
            loop {
                std::thread::sleep(every);
                // A failed checkpoint only leaves a larger log: try again later.
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        })
    }

    /// Read-only access for queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// "Now" as the ledger records it.
    pub fn now(&self) -> Stamp {
        Stamp::from_local((self.clock)())
    }

    pub fn now_local(&self) -> chrono::DateTime<chrono::FixedOffset> {
        (self.clock)()
    }

    /// Replace the clock (tests move time forward to expire a lockout).
    pub fn set_clock(&mut self, clock: ClockFn) {
        self.clock = clock;
    }

    /// A consistent copy of the whole database at `dest`, safe while the app
    /// is selling (VACUUM INTO reads one snapshot).
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Error::validation(
                "backup file",
                format!("{} already exists; choose a new file name", dest.display()),
            ));
        }
        let dest_text = dest
            .to_str()
            .ok_or_else(|| Error::validation("backup file", "the path is not valid UTF-8"))?;
        self.conn
            .execute("VACUUM INTO ?1", [dest_text])
            .map_err(|_| {
                Error::Storage(format!(
                    "cannot write the backup {}: check that the folder exists and has room",
                    dest.display()
                ))
            })?;
        Ok(())
    }

    /// Replace this database's whole content with the database at `source`
    /// through SQLite's backup API: the copy lands in one transaction, so
    /// another reader sees the old content or the new, never a mix, and a
    /// failure leaves the old content.
    pub fn restore_from(&mut self, source: &Path) -> Result<()> {
        let from = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| storage_error(source, e))?;
        let backup = rusqlite::backup::Backup::new(&from, &mut self.conn)?;
        let fail = |_: rusqlite::Error| {
            Error::Storage(format!(
                "cannot copy {} into the till; the till kept what it had",
                source.display()
            ))
        };
        // All pages in one step: the copy is one transaction on this side.
        for _ in 0..500 {
            match backup.step(-1).map_err(fail)? {
                rusqlite::backup::StepResult::Done => return Ok(()),
                // Another connection holds a lock: wait a little and retry.
                _ => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
        Err(Error::Storage(format!(
            "cannot copy {} into the till: the database stayed busy",
            source.display()
        )))
    }

    /// The schema as SQL text, sorted, for the schema snapshot test.
    pub fn schema_sql(&self) -> Result<String> {
        let mut stmt = self.conn.prepare(
            "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "-- {} {}\n{};\n",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?
            ))
        })?;
        let mut out = String::new();
        for row in rows {
            out.push_str(&row?);
        }
        Ok(out)
    }
}
