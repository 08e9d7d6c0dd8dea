//! Events: create, edit, open and close; bad input is refused naming the
//! field, and nothing is written.

use popup_till_core::shop::events::{self, EventInput, EventStatus};
use popup_till_core::ErrorCode;

use crate::support::{someone, till};

fn input(name: &str, starts: &str, ends: &str) -> EventInput {
    EventInput {
        name: name.into(),
        venue: "Old Town Hall".into(),
        starts_at: starts.into(),
        ends_at: ends.into(),
        notes: "bring coins".into(),
    }
}

#[test]
fn an_event_is_created_listed_and_edited() {
    let mut t = till();
    let ev = t
        .store
        .write(&someone(), |tx| {
            events::create(
                tx,
                &input(" Winter Fair ", "2026-12-05 10:00", "2026-12-05T17:00:00"),
            )
        })
        .unwrap();
    assert_eq!(ev.name, "Winter Fair");
    assert_eq!(ev.starts_at, "2026-12-05T10:00");
    assert_eq!(ev.ends_at, "2026-12-05T17:00");
    assert_eq!(ev.status, EventStatus::Planned);
    let edited = t
        .store
        .write(&someone(), |tx| {
            events::update(
                tx,
                &ev.id,
                &input(
                    "Winter Fair (day 1)",
                    "2026-12-05T09:30",
                    "2026-12-05T18:00",
                ),
            )
        })
        .unwrap();
    assert_eq!(edited.starts_at, "2026-12-05T09:30");
    let list = events::list(t.store.conn()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "Winter Fair (day 1)");
}

#[test]
fn an_event_ending_before_it_starts_is_refused_and_nothing_is_written() {
    let mut t = till();
    let journal = t.journal_len();
    let err = t
        .store
        .write(&someone(), |tx| {
            events::create(tx, &input("Fair", "2026-12-05T17:00", "2026-12-05T10:00"))
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(err.field(), Some("ends_at"));
    assert_eq!(t.count("SELECT count(*) FROM event"), 0);
    assert_eq!(t.journal_len(), journal);
}

#[test]
fn an_empty_name_and_a_nonsense_date_are_refused_naming_the_field() {
    let mut t = till();
    let err = t
        .store
        .write(&someone(), |tx| {
            events::create(tx, &input("   ", "2026-12-05T10:00", "2026-12-05T17:00"))
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "Name: must not be empty");
    let err = t
        .store
        .write(&someone(), |tx| {
            events::create(tx, &input("Fair", "5th of December", "2026-12-05T17:00"))
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("starts_at"));
    assert!(err.to_string().contains("'5th of December'"));
    assert_eq!(t.count("SELECT count(*) FROM event"), 0);
}

#[test]
fn only_one_event_is_open_and_a_closed_event_stays_closed() {
    let mut t = till();
    let a = t
        .store
        .write(&someone(), |tx| {
            events::create(tx, &input("A", "2026-12-05T10:00", "2026-12-05T17:00"))
        })
        .unwrap();
    let b = t
        .store
        .write(&someone(), |tx| {
            events::create(tx, &input("B", "2026-12-06T10:00", "2026-12-06T17:00"))
        })
        .unwrap();
    t.store
        .write(&someone(), |tx| events::open(tx, &a.id))
        .unwrap();
    assert_eq!(events::current(t.store.conn()).unwrap().unwrap().id, a.id);
    let err = t
        .store
        .write(&someone(), |tx| events::open(tx, &b.id))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("'A' is open"), "{err}");
    t.store
        .write(&someone(), |tx| {
            events::close(
                tx,
                &popup_till_core::shop::people::Approval::file_holder(),
                &a.id,
            )
        })
        .unwrap();
    assert!(events::current(t.store.conn()).unwrap().is_none());
    let err = t
        .store
        .write(&someone(), |tx| events::open(tx, &a.id))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let err = t
        .store
        .write(&someone(), |tx| {
            events::update(
                tx,
                &a.id,
                &input("A2", "2026-12-05T10:00", "2026-12-05T17:00"),
            )
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    t.store
        .write(&someone(), |tx| events::open(tx, &b.id))
        .unwrap();
    let actions: Vec<String> = {
        let mut stmt = t
            .store
            .conn()
            .prepare("SELECT action FROM audit_log WHERE entity = 'event' ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        actions,
        [
            "event.created",
            "event.created",
            "event.opened",
            "event.closed",
            "event.opened"
        ]
    );
}
