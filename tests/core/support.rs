//! Test helpers: a fresh till database in a temporary folder, opened through
//! the same `Store::open` the app uses (all migrations, all pragmas).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset};
use popup_till_core::{Actor, Store};
use tempfile::TempDir;

pub struct TestTill {
    pub store: Store,
    pub dir: TempDir,
}

impl TestTill {
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("till.sqlite")
    }

    pub fn reopen(self) -> TestTill {
        let TestTill { store, dir } = self;
        drop(store);
        let store = Store::open(dir.path().join("till.sqlite")).expect("reopen the till");
        TestTill { store, dir }
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .expect(sql)
    }

    pub fn journal_len(&self) -> i64 {
        self.count("SELECT count(*) FROM audit_log")
    }
}

pub fn till() -> TestTill {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path().join("till.sqlite")).expect("open a new till");
    TestTill { store, dir }
}

pub fn someone() -> Actor {
    Actor::system("test")
}

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct HandClock(Arc<Mutex<DateTime<FixedOffset>>>);

impl HandClock {
    pub fn install(store: &mut Store) -> HandClock {
        Self::install_at(store, "2026-12-05T10:00:00+01:00")
    }

    /// A clock that starts at `rfc3339` (with its offset).
    pub fn install_at(store: &mut Store, rfc3339: &str) -> HandClock {
        let start = DateTime::parse_from_rfc3339(rfc3339).unwrap();
        let clock = HandClock(Arc::new(Mutex::new(start)));
        let inner = clock.0.clone();
        store.set_clock(Box::new(move || *inner.lock().unwrap()));
        clock
    }

    pub fn advance(&self, secs: i64) {
        let mut t = self.0.lock().unwrap();
        *t += Duration::seconds(secs);
    }
}
