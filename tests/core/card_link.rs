//! A loyalty card linked to an attendee only with their consent: the
//! consent is a purpose of its own, the link a journaled append-only
//! ledger with ids only; withdrawing the consent or erasing the contact
//! unlinks; the card's page names the holder only to an organizer. And an
//! event's moments, edited and removed by an organizer.

use popup_till_core::attendees::purpose::{self, Purpose};
use popup_till_core::attendees::{register, rights, SignUpInput};
use popup_till_core::db::journal;
use popup_till_core::loyalty::{self, link};
use popup_till_core::reporting::report::{self, Viewer};
use popup_till_core::reporting::scope::Scope;
use popup_till_core::shop::moments::{self, MomentInput};
use popup_till_core::shop::people::{Approval, ApprovalRequest};
use popup_till_core::{Actor, ErrorCode};

use crate::loyalty::open_till_and_a_new_card;
use crate::till_support::{Shop, PIN};

fn signs_up(s: &mut Shop, name: &str) -> String {
    let event = s.event.clone();
    s.t.store
        .write(&s.cashier(), |tx| {
            register::sign_up(
                tx,
                &event,
                &SignUpInput {
                    name: name.into(),
                    ..Default::default()
                },
            )
        })
        .unwrap()
        .contact_id
}

fn link_card(
    s: &mut Shop,
    contact: &str,
    code: &str,
    consent: bool,
) -> popup_till_core::Result<link::Linked> {
    s.t.store
        .write(&s.cashier(), |tx| link::link(tx, contact, code, consent))
}

fn journal_text(s: &Shop) -> String {
    s.t.store
        .conn()
        .query_row(
            "SELECT group_concat(details, ' ') FROM audit_log",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_card_is_linked_only_with_consent_and_withdrawing_the_consent_unlinks_it() {
    let (mut s, code) = open_till_and_a_new_card();
    let ann = signs_up(&mut s, "Ann Example");
    let bob = signs_up(&mut s, "Bob Example");
    // Without her consent: refused, saying why, and nothing written.
    let err = link_card(&mut s, &ann, &code, false).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(err.field(), Some("consent"));
    assert!(err.to_string().contains("has not agreed"), "{err}");
    assert_eq!(s.t.count("SELECT count(*) FROM card_link"), 0);
    assert_eq!(s.t.count("SELECT count(*) FROM purpose_consent"), 0);
    // A made-up code is refused too.
    let err = link_card(&mut s, &ann, "ABCD-EFGH-JKMN-PQRS", true).unwrap_err();
    assert_eq!(err.field(), Some("code"));

    // She agrees as the card is linked: the consent records the words.
    let linked = link_card(&mut s, &ann, &code, true).unwrap();
    assert!(linked.consent_given_now);
    let card = linked.card.clone();
    let words: String =
        s.t.store
            .conn()
            .query_row("SELECT wording FROM purpose_consent", [], |r| r.get(0))
            .unwrap();
    assert_eq!(words, Purpose::CardLink.wording());
    let conn = s.t.store.conn();
    assert_eq!(
        link::linked_contact(conn, &card).unwrap().as_deref(),
        Some(ann.as_str())
    );
    assert_eq!(link::cards_of(conn, &ann).unwrap()[0].card, card);

    // A cashier sees only that it is linked; an organizer sees to whom.
    let seen = loyalty::card(conn, &code, Viewer::Cashier).unwrap();
    assert!(seen.linked);
    assert!(seen.holder.is_none());
    let json = serde_json::to_string(&seen).unwrap();
    assert!(!json.contains("Ann") && !json.contains(&ann), "{json}");
    let seen = loyalty::card(conn, &code, Viewer::Organizer).unwrap();
    assert_eq!(seen.holder.unwrap().name, "Ann Example");
    // The journal has ids, never her name.
    assert!(!journal_text(&s).contains("Ann"));

    // Another contact cannot take the card; linking it twice is refused.
    let err = link_card(&mut s, &bob, &code, true).unwrap_err();
    assert!(
        err.to_string().contains("linked to another contact"),
        "{err}"
    );
    let err = link_card(&mut s, &ann, &code, false).unwrap_err();
    assert!(err.to_string().contains("already linked"), "{err}");

    // Withdrawing the consent ends the link: a new row, nothing edited.
    let unlinked =
        s.t.store
            .write(&s.cashier(), |tx| link::withdraw_consent(tx, &ann))
            .unwrap();
    assert_eq!(unlinked, 1);
    let conn = s.t.store.conn();
    assert!(link::linked_contact(conn, &card).unwrap().is_none());
    assert!(
        !loyalty::card(conn, &code, Viewer::Organizer)
            .unwrap()
            .linked
    );
    assert!(purpose::active(conn, &ann, Purpose::CardLink)
        .unwrap()
        .is_none());
    let rows: Vec<(String, Option<String>)> = {
        let mut stmt = conn
            .prepare("SELECT kind, reason FROM card_link ORDER BY at_utc, id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        rows,
        [
            ("link".to_string(), None),
            ("unlink".to_string(), Some("consent_withdrawn".to_string()))
        ]
    );
    // Linking again needs her consent again.
    let err = link_card(&mut s, &ann, &code, false).unwrap_err();
    assert_eq!(err.field(), Some("consent"));
    // Now Bob may have it, with his consent.
    link_card(&mut s, &bob, &code, true).unwrap();
    assert_eq!(
        link::linked_contact(s.t.store.conn(), &card)
            .unwrap()
            .as_deref(),
        Some(bob.as_str())
    );
    assert!(journal::verify(s.t.store.conn()).unwrap().holds());
}

#[test]
fn the_link_ledger_is_append_only_and_held_against_the_journal() {
    let (mut s, code) = open_till_and_a_new_card();
    let ann = signs_up(&mut s, "Ann");
    let bob = signs_up(&mut s, "Bob");
    link_card(&mut s, &ann, &code, true).unwrap();
    let conn = s.t.store.conn();
    assert!(conn
        .execute("UPDATE card_link SET contact_id = ?1", [&bob])
        .is_err());
    assert!(conn.execute("DELETE FROM card_link", []).is_err());
    assert!(conn.execute("DELETE FROM purpose_consent", []).is_err());
    // Behind the till's back: the card moved to Bob.
    conn.execute_batch("DROP TRIGGER card_link_is_append_only_update")
        .unwrap();
    conn.execute("UPDATE card_link SET contact_id = ?1", [&bob])
        .unwrap();
    let v = journal::verify(conn).unwrap();
    assert!(
        v.ledger_mismatches
            .iter()
            .any(|m| m.table == "card_link" && m.figure == "contact_id"),
        "{v:#?}"
    );
}

#[test]
fn erasing_a_contact_unlinks_their_card_and_ends_that_consent() {
    let (mut s, code) = open_till_and_a_new_card();
    let ann = signs_up(&mut s, "Ann Example");
    let card = link_card(&mut s, &ann, &code, true).unwrap().card;
    let erased = rights::erase_as(
        &mut s.t.store,
        &Actor::system("cli"),
        &Approval::file_holder(),
        &ann,
    )
    .unwrap();
    assert_eq!(erased.consents_ended, 1);
    let conn = s.t.store.conn();
    assert!(link::linked_contact(conn, &card).unwrap().is_none());
    assert!(link::cards_of(conn, &ann).unwrap().is_empty());
    let (reason, how): (String, String) = conn
        .query_row(
            "SELECT (SELECT reason FROM card_link WHERE kind = 'unlink'),
                    (SELECT how FROM purpose_consent_withdrawal)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((reason.as_str(), how.as_str()), ("erasure", "erasure"));
    // The card goes on, anonymous; nothing names her any more.
    let view = loyalty::card(conn, &code, Viewer::Organizer).unwrap();
    assert!(view.genuine && !view.linked && view.holder.is_none());
    assert!(!journal_text(&s).contains("Ann"));
    // And nothing more is linked to an erased contact.
    let err = link_card(&mut s, &ann, &code, true).unwrap_err();
    assert!(err.to_string().contains("erased"), "{err}");
    assert!(journal::verify(s.t.store.conn()).unwrap().holds());
}

fn moment(name: &str, from: &str, to: &str) -> MomentInput {
    MomentInput {
        name: name.into(),
        starts_at: from.into(),
        ends_at: to.into(),
    }
}

#[test]
fn an_organizer_edits_and_removes_a_moment_and_the_report_follows() {
    let (mut s, _) = open_till_and_a_new_card();
    let event = s.event.clone();
    let added =
        s.t.store
            .write(&s.cashier(), |tx| {
                moments::add(tx, &event, &moment("Capsule drop", "15:00", "15:30"))
            })
            .unwrap();
    let (cashier, organizer) = (s.cashier(), s.organizer.clone());
    // A cashier alone cannot change it.
    let err = moments::update_with_pin(
        &mut s.t.store,
        &cashier,
        &ApprovalRequest::default(),
        &added.id,
        &moment("Workshop", "16:00", "17:00"),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    // With the organizer's PIN: a bad window is refused, a good one kept.
    let ok = ApprovalRequest::new(&organizer, PIN);
    let err = moments::update_with_pin(
        &mut s.t.store,
        &cashier,
        &ok,
        &added.id,
        &moment("Workshop", "17:00", "16:00"),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("ends_at"));
    moments::update_with_pin(
        &mut s.t.store,
        &cashier,
        &ok,
        &added.id,
        &moment("Workshop", "16:00", "17:00"),
    )
    .unwrap();
    let r = report::report(s.t.store.conn(), &Scope::Event(event.clone()), false).unwrap();
    assert_eq!(r.moments.len(), 1);
    assert_eq!(r.moments[0].name, "Workshop");
    // The history: the change's entry holds what it was before.
    let before: String = s
        .t
        .store
        .conn()
        .query_row(
            "SELECT json_extract(details, '$.before.name') || ' ' || json_extract(details, '$.before.starts_at')
             FROM audit_log WHERE action = 'moment.updated'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(before, "Capsule drop 15:00");
    // Removed: out of the list and the report, kept in the file and journal.
    moments::remove_with_pin(&mut s.t.store, &cashier, &ok, &added.id).unwrap();
    let conn = s.t.store.conn();
    assert!(moments::list(conn, &event).unwrap().is_empty());
    let r = report::report(conn, &Scope::Event(event), false).unwrap();
    assert!(r.moments.is_empty());
    assert!(!r
        .summary_rows()
        .iter()
        .any(|x| x.metric.starts_with("moment")));
    assert_eq!(
        s.t.count("SELECT count(*) FROM moment WHERE removed_at IS NOT NULL"),
        1
    );
    assert_eq!(
        s.t.count("SELECT count(*) FROM audit_log WHERE action = 'moment.removed'"),
        1
    );
    // Removing it again: not found.
    let err = moments::remove_with_pin(&mut s.t.store, &cashier, &ok, &added.id).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}
