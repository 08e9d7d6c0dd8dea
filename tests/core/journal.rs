//! The audit journal: one entry per change with its actor, no personal data,
//! a hash chain an outside program can recompute, and `verify` naming the
//! first bad entry for each kind of tampering.

use popup_till_core::db::journal::{self, ProblemKind, GENESIS_HASH};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
use popup_till_core::{Actor, Store};
use sha2::{Digest, Sha256};

use crate::support::{till, TestTill};

fn fair(n: usize) -> EventInput {
    EventInput {
        name: format!("Fair {n}"),
        venue: String::new(),
        starts_at: format!("2026-12-{:02}T10:00", n + 1),
        ends_at: format!("2026-12-{:02}T17:00", n + 1),
        notes: String::new(),
    }
}

/// A till with a handful of journal entries (device + 5 events = 6).
fn till_with_history() -> TestTill {
    let mut t = till();
    for n in 0..5 {
        t.store
            .write(&Actor::person("cashier-1"), |tx| {
                events::create(tx, &fair(n))
            })
            .unwrap();
    }
    assert_eq!(t.journal_len(), 6);
    t
}

/// Let the test tamper with the file the way an attacker with a SQLite shell
/// would: the append-only triggers are dropped first.
fn tamper(t: &TestTill, sql: &str) {
    let conn = rusqlite::Connection::open(t.path()).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_is_append_only_update; DROP TRIGGER audit_log_is_append_only_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn every_change_writes_one_entry_naming_its_actor() {
    let mut t = till();
    let before = t.journal_len();
    let ev = t
        .store
        .write(&Actor::person("p-42"), |tx| events::create(tx, &fair(1)))
        .unwrap();
    assert_eq!(t.journal_len(), before + 1);
    let last = &journal::recent(t.store.conn(), 1).unwrap()[0];
    assert_eq!(last.actor_id, "p-42");
    assert_eq!(last.action, "event.created");
    assert_eq!(last.entity_id, ev.id);
    assert_eq!(last.seq, before + 1);
    assert!(last.at_utc.ends_with('Z'));
}

#[test]
fn the_journal_of_an_honest_till_verifies() {
    let t = till_with_history();
    let v = journal::verify(t.store.conn()).unwrap();
    assert!(v.holds(), "{v:?}");
    assert_eq!(v.entries, 6);
    let last = &journal::recent(t.store.conn(), 1).unwrap()[0];
    assert_eq!(v.head_hash, last.hash);
}

#[test]
fn verify_names_an_edited_entry() {
    let t = till_with_history();
    tamper(
        &t,
        "UPDATE audit_log SET details = '{\"name\":\"Forged\"}' WHERE seq = 3",
    );
    let v = journal::verify(Store::open(t.path()).unwrap().conn()).unwrap();
    let p = v.problem.expect("tampering found");
    assert_eq!((p.seq, p.kind), (3, ProblemKind::Altered));
    assert_eq!(v.entries, 2);
}

#[test]
fn verify_names_a_deleted_entry() {
    let t = till_with_history();
    tamper(&t, "DELETE FROM audit_log WHERE seq = 4");
    let v = journal::verify(Store::open(t.path()).unwrap().conn()).unwrap();
    let p = v.problem.expect("tampering found");
    assert_eq!((p.seq, p.kind), (4, ProblemKind::Gap));
    assert_eq!(p.message, "entry 4 is missing");
}

#[test]
fn verify_names_two_swapped_entries() {
    let t = till_with_history();
    tamper(
        &t,
        "UPDATE audit_log SET seq = -1, device_seq = -1 WHERE seq = 2;
         UPDATE audit_log SET seq = 2, device_seq = 2 WHERE seq = 3;
         UPDATE audit_log SET seq = 3, device_seq = 3 WHERE seq = -1;",
    );
    let v = journal::verify(Store::open(t.path()).unwrap().conn()).unwrap();
    let p = v.problem.expect("tampering found");
    assert_eq!((p.seq, p.kind), (2, ProblemKind::BrokenLink));
}

#[test]
fn verify_names_an_entry_edited_and_rehashed_by_its_successor() {
    // An attacker who edits an entry and recomputes its own hash still
    // breaks the link from the next entry.
    let t = till_with_history();
    let conn = Store::open(t.path()).unwrap();
    let mut entry = journal::recent(conn.conn(), 6)
        .unwrap()
        .into_iter()
        .find(|e| e.seq == 3)
        .unwrap();
    drop(conn);
    entry.details = "{\"name\":\"Forged\"}".into();
    let forged = entry.compute_hash();
    tamper(
        &t,
        &format!(
            "UPDATE audit_log SET details = '{{\"name\":\"Forged\"}}', hash = '{forged}' WHERE seq = 3"
        ),
    );
    let v = journal::verify(Store::open(t.path()).unwrap().conn()).unwrap();
    let p = v.problem.expect("tampering found");
    assert_eq!((p.seq, p.kind), (4, ProblemKind::BrokenLink));
}

#[test]
fn verify_names_a_gap_of_several_entries() {
    let t = till_with_history();
    tamper(&t, "DELETE FROM audit_log WHERE seq IN (2, 3)");
    let v = journal::verify(Store::open(t.path()).unwrap().conn()).unwrap();
    let p = v.problem.expect("tampering found");
    assert_eq!((p.seq, p.kind), (2, ProblemKind::Gap));
    assert_eq!(p.message, "entries 2 to 3 are missing");
}

/// The encoding as docs/journal.md states it, written here from the
/// document alone: netstrings of the fields in order, SHA-256, lower hex.
fn hash_as_documented(fields: &[String]) -> String {
    let mut bytes = Vec::new();
    for f in fields {
        bytes.extend_from_slice(format!("{}:", f.len()).as_bytes());
        bytes.extend_from_slice(f.as_bytes());
        bytes.push(b',');
    }
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn hashes_can_be_recomputed_from_the_documented_encoding() {
    let t = till_with_history();
    let mut stmt = t
        .store
        .conn()
        .prepare("SELECT device_seq, id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash, version FROM audit_log ORDER BY seq")
        .unwrap();
    let rows: Vec<Vec<String>> = stmt
        .query_map([], |r| {
            let mut v = vec![format!("popup-till/journal/v{}", r.get::<_, i64>(12)?)];
            v.push(r.get::<_, i64>(0)?.to_string());
            for i in 1..4 {
                v.push(r.get(i)?);
            }
            v.push(r.get::<_, i64>(4)?.to_string());
            for i in 5..12 {
                v.push(r.get(i)?);
            }
            Ok(v)
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = GENESIS_HASH.to_string();
    for row in rows {
        let (fields, stored_hash) = row.split_at(12);
        assert_eq!(fields[11], prev, "prev_hash links to the entry before");
        assert_eq!(hash_as_documented(fields), stored_hash[0]);
        prev = stored_hash[0].clone();
    }
}

#[test]
fn details_are_canonical_json_with_sorted_keys() {
    let t = till_with_history();
    let details: String = t
        .store
        .conn()
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'event.created' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(details.starts_with("{\"ends_at\":"), "{details}");
    assert!(!details.contains(": "));
}

#[test]
fn the_journal_holds_no_personal_data() {
    let mut t = till();
    people::add_with_pin(
        &mut t.store,
        &Actor::system("test"),
        &ApprovalRequest::none(),
        &PersonInput {
            name: "Zelda Quartermain".into(),
            role: "organizer".into(),
            pin: Some("135790".into()),
        },
    )
    .unwrap();
    let leaked = t.count(
        "SELECT count(*) FROM audit_log WHERE details LIKE '%Zelda%' OR details LIKE '%Quartermain%' OR details LIKE '%135790%' OR details LIKE '%argon2%'",
    );
    assert_eq!(leaked, 0);
}

/// A shop that sold one mug and closed its till: the Z carries the journal's
/// head, and a few entries follow it (a later event).
fn closed_day() -> (crate::till_support::Shop, journal::Head, String) {
    use crate::till_support::{cart, cash, line, shop};
    use popup_till_core::till::session::{self, CloseInput};
    let mut s = shop();
    s.open_session("50.00", false);
    let sold = s
        .sell(&cart(vec![line(&s.mug.clone(), "1")]), &[cash("20.00")])
        .unwrap();
    let actor = s.cashier();
    let z =
        s.t.store
            .write(&actor, |tx| {
                session::close(
                    tx,
                    &CloseInput {
                        counted: "62.50".into(),
                        denominations: None,
                    },
                )
            })
            .unwrap();
    let head = z
        .figures
        .journal_head
        .clone()
        .expect("a new Z carries the journal head");
    s.t.store
        .write(&Actor::person("cashier-1"), |tx| {
            events::create(tx, &fair(9))
        })
        .unwrap();
    (s, head, sold.sale_id)
}

#[test]
fn a_z_report_anchors_the_journal_head_and_an_intact_file_holds_it() {
    let (s, head, sale_id) = closed_day();
    let conn = s.t.store.conn();
    // The head is the entry just before the close's own.
    let entries = journal::recent(conn, 500).unwrap();
    let close = entries
        .iter()
        .find(|e| e.action == "till_session.closed")
        .unwrap();
    assert_eq!(head.seq, close.seq - 1);
    assert_eq!(close.prev_hash, head.hash);
    // The stored Z reads back with it.
    let z = popup_till_core::till::z_report::z_reports(conn).unwrap();
    assert_eq!(z[0].figures.journal_head.as_ref(), Some(&head));
    assert_eq!(z[0].figures.version, 4);

    let checked = journal::verify_anchor(conn, &head.hash.to_uppercase()).unwrap();
    assert!(checked.holds(), "{checked:?}");
    assert_eq!(checked.anchor.seq, Some(head.seq));

    // The receipt's check code starts the sale's own entry hash.
    let receipt = popup_till_core::till::receipt::receipt(conn, &sale_id).unwrap();
    let sale_entry = entries
        .iter()
        .find(|e| e.action == "sale.completed" && e.entity_id == sale_id)
        .unwrap();
    assert_eq!(receipt.check_code.as_deref(), Some(&sale_entry.hash[..8]));
}

#[test]
fn a_deleted_tail_verifies_but_loses_the_anchor() {
    let (s, head, _) = closed_day();
    tamper(
        &s.t,
        &format!("DELETE FROM audit_log WHERE seq >= {};", head.seq),
    );
    let conn = rusqlite::Connection::open(s.t.path()).unwrap();
    let chain = journal::verify(&conn).unwrap();
    assert!(chain.holds(), "the chain alone cannot see a removed tail");
    assert_eq!(chain.entries, head.seq - 1);
    let checked = journal::verify_anchor(&conn, &head.hash).unwrap();
    assert!(checked.verification.holds());
    assert!(!checked.anchor.found);
    assert!(!checked.holds());
    assert!(
        checked.anchor.message.contains(&head.hash),
        "{}",
        checked.anchor.message
    );
}

#[test]
fn a_rewritten_chain_verifies_but_loses_the_anchor() {
    let (s, head, _) = closed_day();
    tamper(
        &s.t,
        "UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 3;",
    );
    // Rehash every entry from the edited one, as an attacker would.
    let conn = rusqlite::Connection::open(s.t.path()).unwrap();
    let mut entries = journal::recent(&conn, 500).unwrap();
    entries.reverse();
    let mut prev = GENESIS_HASH.to_string();
    for mut e in entries {
        e.prev_hash = prev;
        e.hash = e.compute_hash();
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            (e.seq, &e.prev_hash, &e.hash),
        )
        .unwrap();
        prev = e.hash;
    }
    assert!(journal::verify(&conn).unwrap().holds());
    let checked = journal::verify_anchor(&conn, &head.hash).unwrap();
    assert!(!checked.anchor.found);
    assert!(!checked.holds());
}

#[test]
fn an_anchor_must_be_a_whole_hash() {
    let t = till();
    assert!(journal::verify_anchor(t.store.conn(), "abc").is_err());
    assert!(journal::verify_anchor(t.store.conn(), GENESIS_HASH)
        .unwrap()
        .holds());
}
