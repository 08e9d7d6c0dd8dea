//! Loyalty report benchmark on a generated season: `EVENTS` weekly markets
//! (52 by default) of `SALES` sales each (2,000), half of them with one of
//! 8,000 cards (its `visit` entry in the card ledger), 200 attendees of
//! 3,000 checked in at each, three moments an event and a visitor tally.
//! The fixture is inserted directly with rusqlite for speed: it is data,
//! not a test of the core.
//!
//! Measured in the same run, each beside a raw SQL baseline that counts the
//! same people or sales without the core's rules (no void or practice
//! checks, cards and attendees apart), whose answers must agree:
//! - `reporting::loyalty::repeat_visits` of the season's last event (every
//!   earlier event is history it looks through);
//! - `reporting::loyalty::cohorts` across the season;
//! - `reporting::moments::moment_figures` of the last event.
//!
//! Run: `cargo bench -p popup-till-core --bench loyalty`
//! (`EVENTS=20`, `SALES=500`, `RUNS=5` change the season and repetitions).

use std::path::Path;
use std::time::{Duration, Instant};

use popup_till_core::reporting::loyalty::{cohorts, repeat_visits};
use popup_till_core::reporting::moments::moment_figures;
use popup_till_core::{new_id, Store};
use rusqlite::{params, Connection};

const CARDS: usize = 8_000;
const CONTACTS: usize = 3_000;
const CHECK_INS: usize = 200;
const MOMENTS: [(&str, &str, &str); 3] = [
    ("Opening rush", "10:00", "11:00"),
    ("Capsule drop", "15:00", "15:30"),
    ("Workshop", "16:00", "17:00"),
];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A cheap deterministic spread (no random crate in the fixture).
fn spread(i: usize, salt: u64) -> usize {
    let mut x = (i as u64) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) as usize
}

/// The events of the season, by start: (id, date).
fn build_fixture(path: &Path, events: usize, sales: usize) -> Vec<(String, String)> {
    let store = Store::open(path).expect("open");
    let device = store.device_id().to_string();
    drop(store);
    let mut conn = Connection::open(path).expect("open raw");
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    let tx = conn.transaction().unwrap();
    let person = new_id();
    let now = "2026-01-01T08:00:00.000Z";
    tx.execute(
        "INSERT INTO person (id, device_id, name, role, pin_hash, active, created_at) VALUES (?1, ?2, 'Bench', 'cashier', NULL, 1, ?3)",
        params![person, device, now],
    )
    .unwrap();
    let cards: Vec<String> = (0..CARDS).map(|i| format!("{:08}", i)).collect();
    let contacts: Vec<String> = (0..CONTACTS).map(|_| new_id()).collect();
    {
        let mut ins = tx
            .prepare("INSERT INTO contact (id, device_id, name, created_at, last_active_at) VALUES (?1, ?2, 'Someone', ?3, ?3)")
            .unwrap();
        for c in &contacts {
            ins.execute(params![c, device, now]).unwrap();
        }
    }
    let mut ins_event = tx.prepare("INSERT INTO event (id, device_id, name, starts_at, ends_at, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'closed', ?6)").unwrap();
    let mut ins_session = tx.prepare("INSERT INTO till_session (id, device_id, event_id, practice, opened_by, opened_at, opened_offset_minutes, opening_float_minor) VALUES (?1, ?2, ?3, 0, ?4, ?5, 60, 10000)").unwrap();
    let mut ins_sale = tx.prepare("INSERT INTO sale (id, device_id, event_id, session_id, cashier_id, receipt_number, receipt_seq, practice, currency, tax_mode, subtotal_minor, discount_minor, tax_minor, total_minor, at_utc, utc_offset_minutes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 'EUR', 'inclusive', ?8, 0, 0, ?8, ?9, 60)").unwrap();
    let mut ins_entry = tx.prepare("INSERT INTO loyalty_entry (id, device_id, card, event_id, kind, stamps, sale_id, at_utc, utc_offset_minutes) VALUES (?1, ?2, ?3, ?4, 'visit', 1, ?5, ?6, 60)").unwrap();
    let mut ins_attendee = tx.prepare("INSERT INTO attendee (id, device_id, event_id, contact_id, source, checked_in_at, checked_in_offset, checked_in_by) VALUES (?1, ?2, ?3, ?4, 'door', ?5, 60, ?6)").unwrap();
    let mut ins_moment = tx.prepare("INSERT INTO moment (id, device_id, event_id, name, starts_at, ends_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)").unwrap();
    let mut ins_tally = tx.prepare("INSERT INTO visitor_tally (id, device_id, event_id, delta, source, actor_id, at_utc, utc_offset_minutes) VALUES (?1, ?2, ?3, 1, 'tap', ?4, ?5, 60)").unwrap();
    let mut out = Vec::new();
    let mut receipt = 0i64;
    let session = new_id();
    for e in 0..events {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 3).unwrap()
            + chrono::Duration::days(7 * e as i64);
        let date = day.format("%Y-%m-%d").to_string();
        let event = new_id();
        ins_event
            .execute(params![
                event,
                device,
                format!("Market {}", e + 1),
                format!("{date}T10:00"),
                format!("{date}T18:00"),
                now
            ])
            .unwrap();
        // One drawer for the season (the queries measured never read it).
        if e == 0 {
            ins_session
                .execute(params![
                    session,
                    device,
                    event,
                    person,
                    format!("{date}T08:50:00.000Z")
                ])
                .unwrap();
        }
        for (name, from, to) in MOMENTS {
            ins_moment
                .execute(params![new_id(), device, event, name, from, to])
                .unwrap();
        }
        // 09:00–17:00 UTC is 10:00–18:00 at the market (+60 minutes).
        for s in 0..sales {
            let secs = 9 * 3600 + (s * 28_800 / sales) as i64;
            let at = format!(
                "{date}T{:02}:{:02}:{:02}.000Z",
                secs / 3600,
                (secs / 60) % 60,
                secs % 60
            );
            let sale = new_id();
            receipt += 1;
            ins_sale
                .execute(params![
                    sale,
                    device,
                    event,
                    session,
                    person,
                    format!("T1-{receipt:07}"),
                    receipt,
                    250 + (s % 7) as i64 * 100,
                    at
                ])
                .unwrap();
            if s % 2 == 0 {
                let card = &cards[spread(s + e * sales, 1) % CARDS];
                ins_entry
                    .execute(params![new_id(), device, card, event, sale, at])
                    .unwrap();
            }
            if s % 3 == 0 {
                ins_tally
                    .execute(params![new_id(), device, event, person, at])
                    .unwrap();
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in 0..CHECK_INS {
            let contact = &contacts[spread(a + e * CHECK_INS, 2) % CONTACTS];
            if seen.insert(contact.clone()) {
                ins_attendee
                    .execute(params![
                        new_id(),
                        device,
                        event,
                        contact,
                        format!("{date}T10:00:00.000Z"),
                        person
                    ])
                    .unwrap();
            }
        }
        out.push((event, date));
    }
    drop((
        ins_event,
        ins_session,
        ins_sale,
        ins_entry,
        ins_attendee,
        ins_moment,
        ins_tally,
    ));
    tx.commit().unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .unwrap();
    out
}

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut last = f(); // warm-up
    for _ in 0..runs {
        let start = Instant::now();
        last = f();
        times.push(start.elapsed());
    }
    (median(times), last)
}

fn main() {
    let events = env("EVENTS", 52);
    let sales = env("SALES", 2_000);
    let runs = env("RUNS", 5);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("season.sqlite");
    let t = Instant::now();
    let season = build_fixture(&db, events, sales);
    eprintln!("fixture: {:.1} s", t.elapsed().as_secs_f64());
    let store = Store::open(&db).unwrap();
    let conn = store.conn();
    let (last, date) = season.last().unwrap().clone();

    // Who came back to the last market.
    let (core_ms, core) = time(runs, || repeat_visits(conn, &last).unwrap());
    let (raw_ms, raw) = time(runs, || {
        conn.query_row(
            "WITH cards AS (SELECT DISTINCT card FROM loyalty_entry WHERE event_id = ?1 AND kind = 'visit'),
                  people AS (SELECT DISTINCT contact_id FROM attendee WHERE event_id = ?1 AND checked_in_at IS NOT NULL)
             SELECT (SELECT count(*) FROM cards),
                    (SELECT count(*) FROM cards c WHERE EXISTS (
                        SELECT 1 FROM loyalty_entry y JOIN event e ON e.id = y.event_id
                        WHERE y.card = c.card AND y.kind = 'visit' AND e.starts_at < ?2)),
                    (SELECT count(*) FROM people),
                    (SELECT count(*) FROM people p WHERE EXISTS (
                        SELECT 1 FROM attendee a JOIN event e ON e.id = a.event_id
                        WHERE a.contact_id = p.contact_id AND a.checked_in_at IS NOT NULL AND e.starts_at < ?2))",
            params![last, format!("{date}T10:00")],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)),
        )
        .unwrap()
    });
    assert_eq!(
        (
            core.cards_seen,
            core.cards_returning,
            core.attendees_seen,
            core.attendees_returning
        ),
        raw
    );

    // First event → seen again at which later events, across the season.
    let (cohorts_ms, groups) = time(runs, || cohorts(conn).unwrap());
    let (cohorts_raw_ms, pairs) = time(runs, || {
        let mut stmt = conn
            .prepare(
                "WITH seen AS (
                     SELECT DISTINCT 'card:' || y.card AS who, e.starts_at AS at FROM loyalty_entry y
                       JOIN event e ON e.id = y.event_id WHERE y.kind = 'visit'
                     UNION
                     SELECT 'contact:' || a.contact_id, e.starts_at FROM attendee a
                       JOIN event e ON e.id = a.event_id WHERE a.checked_in_at IS NOT NULL),
                  first AS (SELECT who, min(at) AS first_at FROM seen GROUP BY who)
                 SELECT f.first_at, s.at, count(*) FROM first f JOIN seen s ON s.who = f.who
                 GROUP BY f.first_at, s.at",
            )
            .unwrap();
        stmt.query_map([], |r| r.get::<_, i64>(2))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<i64>>()
    });
    let core_total: i64 = groups
        .iter()
        .map(|g| g.newcomers + g.seen_again.iter().map(|s| s.count).sum::<i64>())
        .sum();
    assert_eq!(core_total, pairs.iter().sum::<i64>());

    // The last market's moments.
    let currency = popup_till_core::shop::settings::load(conn)
        .unwrap()
        .currency;
    let (moments_ms, rows) = time(runs, || {
        moment_figures(conn, &last, false, &currency).unwrap()
    });
    let (moments_raw_ms, raw_rows) = time(runs, || {
        MOMENTS
            .iter()
            .map(|(_, from, to)| {
                // The window in UTC, from the market's +60 minutes.
                let utc = |hhmm: &str| {
                    let t = chrono::NaiveTime::parse_from_str(hhmm, "%H:%M").unwrap()
                        - chrono::Duration::minutes(60);
                    format!("{date}T{}", t.format("%H:%M"))
                };
                conn.query_row(
                    "SELECT count(*), (SELECT coalesce(sum(delta), 0) FROM visitor_tally
                                        WHERE event_id = ?1 AND at_utc >= ?2 AND at_utc < ?3)
                     FROM sale WHERE event_id = ?1 AND at_utc >= ?2 AND at_utc < ?3",
                    params![last, utc(from), utc(to)],
                    |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
                )
                .unwrap()
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(
        rows.iter()
            .map(|m| (m.sales, m.visitors))
            .collect::<Vec<_>>(),
        raw_rows
    );

    let entries: i64 = conn
        .query_row("SELECT count(*) FROM loyalty_entry", [], |r| r.get(0))
        .unwrap();
    println!(
        "loyalty: {events} events × {sales} sales, {entries} card ledger entries, {} checked in; median of {runs} runs after a warm-up",
        events * CHECK_INS
    );
    println!(
        "  repeat visits of the last event:  {core_ms:>8.1} ms   raw SQL {raw_ms:>8.1} ms   ({} seen, {} returning)",
        core.seen, core.returning
    );
    println!(
        "  cohorts across the season:        {cohorts_ms:>8.1} ms   raw SQL {cohorts_raw_ms:>8.1} ms   ({} cohorts)",
        groups.len()
    );
    println!(
        "  moments of the last event (3):    {moments_ms:>8.1} ms   raw SQL {moments_raw_ms:>8.1} ms"
    );
}
