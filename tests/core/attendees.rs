//! Attendees and consent against a real till file: a consent cannot exist
//! without its wording version, the wording is kept version by version,
//! a sign-up keeps an address only with its consent, a check-in counts a
//! visitor, consent at the till puts a withdrawal code on that receipt
//! only, withdrawal (on the contact or by that code) ends the consent and
//! suppresses the address, and an import of sign-ups is previewed and
//! never brings a suppressed address back.

use popup_till_core::attendees::consent::{self, TillConsentInput};
use popup_till_core::attendees::{
    self, contacts, import, register, Channel, SignUpInput, WithdrawHow,
};
use popup_till_core::reporting::visitors;
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::receipt;
use popup_till_core::{Actor, ErrorCode};

use crate::till_support::{cart, cash, line, shop, Shop, PIN};

pub const WORDING: &str =
    "Yes, the stall may send me news of its next pop-ups, at most once a month.";

/// The organizer writes the wording (version 1).
pub fn with_wording(s: &mut Shop) {
    let organizer = s.organizer.clone();
    consent::write_wording_with_pin(
        &mut s.t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        WORDING,
    )
    .unwrap();
}

pub fn person(name: &str, email: &str, phone: &str) -> SignUpInput {
    SignUpInput {
        name: name.into(),
        email: email.into(),
        phone: phone.into(),
        email_consent: !email.is_empty(),
        sms_consent: !phone.is_empty(),
    }
}

pub fn sign_up(s: &mut Shop, input: &SignUpInput) -> attendees::Attendee {
    let (actor, event) = (s.cashier(), s.event.clone());
    s.t.store
        .write(&actor, |tx| register::sign_up(tx, &event, input))
        .unwrap()
}

/// A sale of one mug, paid in cash.
pub fn one_sale(s: &mut Shop) -> String {
    if s.t.count("SELECT count(*) FROM till_session") == 0 {
        s.open_session("50", false);
    }
    let mug = s.mug.clone();
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("20")])
        .unwrap()
        .sale_id
}

pub fn at_till(s: &mut Shop, sale_id: &str, channel: &str, address: &str) -> consent::TillConsent {
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| {
            consent::give_at_till(
                tx,
                &TillConsentInput {
                    sale_id: sale_id.into(),
                    channel: channel.into(),
                    address: address.into(),
                },
            )
        })
        .unwrap()
}

#[test]
fn a_consent_cannot_exist_without_its_wording_version() {
    let mut s = shop();
    let sale = one_sale(&mut s);
    let before = (s.t.journal_len(), s.t.count("SELECT count(*) FROM contact"));
    let actor = s.cashier();
    let event = s.event.clone();
    // No wording yet: neither the till nor a sign-up records a consent.
    let err =
        s.t.store
            .write(&actor, |tx| {
                consent::give_at_till(
                    tx,
                    &TillConsentInput {
                        sale_id: sale.clone(),
                        channel: "email".into(),
                        address: "ada@example.org".into(),
                    },
                )
            })
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert!(err.to_string().contains("no consent wording"), "{err}");
    let err =
        s.t.store
            .write(&actor, |tx| {
                register::sign_up(tx, &event, &person("Ada", "ada@example.org", ""))
            })
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert_eq!(
        (s.t.journal_len(), s.t.count("SELECT count(*) FROM contact")),
        before,
        "nothing was written"
    );

    // The file itself holds the rule: no wording, or one that does not exist, is refused.
    with_wording(&mut s);
    let given = at_till(&mut s, &sale, "email", "ada@example.org");
    assert_eq!(given.given.wording_version, 1);
    let conn = s.t.store.conn();
    for wording in ["NULL", "'no-such-wording'"] {
        let err = conn
            .execute(
                &format!(
                    "INSERT INTO consent (id, device_id, contact_id, channel, wording_id, how, actor_id, at_utc, utc_offset_minutes)
                     SELECT 'forged', device_id, contact_id, 'sms', {wording}, 'till', actor_id, at_utc, 0 FROM consent LIMIT 1"
                ),
                [],
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("NOT NULL") || err.to_string().contains("FOREIGN KEY"),
            "{wording}: {err}"
        );
    }
    assert_eq!(s.t.count("SELECT count(*) FROM consent"), 1);
}

#[test]
fn each_wording_version_is_kept_and_a_consent_names_the_one_it_was_given_under() {
    let mut s = shop();
    with_wording(&mut s);
    let sale = one_sale(&mut s);
    let first = at_till(&mut s, &sale, "email", "ada@example.org");
    let organizer = s.organizer.clone();
    let v2 = consent::write_wording_with_pin(
        &mut s.t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        "Yes, send me news by email or SMS of the stall's pop-ups; I can stop at any time.",
    )
    .unwrap();
    assert_eq!(v2.version, 2);
    // The same text again is not a new version.
    let again = consent::write_wording_with_pin(
        &mut s.t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        &v2.text,
    )
    .unwrap_err();
    assert_eq!(again.field(), Some("text"));
    let versions = consent::wordings(s.t.store.conn()).unwrap();
    assert_eq!(
        versions.iter().map(|w| w.version).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(versions[1].text, WORDING, "version 1 is kept as it was");
    for sql in [
        "UPDATE consent_wording SET text = 'something else'",
        "DELETE FROM consent_wording",
        "UPDATE consent SET channel = 'sms'",
        "DELETE FROM consent",
    ] {
        let err = s.t.store.conn().execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let sale2 = one_sale(&mut s);
    let second = at_till(&mut s, &sale2, "sms", "+44 20 7946 0018");
    assert_eq!(second.given.contact_id, second.given.contact_id);
    let history = consent::history(s.t.store.conn(), &first.given.contact_id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].wording_version, history[0].wording_text.as_str()),
        (1, WORDING)
    );
    let history = consent::history(s.t.store.conn(), &second.given.contact_id).unwrap();
    assert_eq!(history[0].wording_version, 2);
    // A cashier cannot write a wording without an organizer.
    let cashier = s.cashier.clone();
    let err = consent::write_wording_with_pin(
        &mut s.t.store,
        &Actor::person(&cashier),
        &ApprovalRequest::none(),
        "Anything",
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
}

#[test]
fn consent_at_the_till_records_who_what_when_how_and_puts_the_code_on_that_receipt_only() {
    let mut s = shop();
    with_wording(&mut s);
    let plain = one_sale(&mut s);
    let sale = one_sale(&mut s);
    let given = at_till(&mut s, &sale, "email", " Ada@Example.org ");
    let conn = s.t.store.conn();
    let row: (String, String, String, Option<String>, Option<String>, String) = conn
        .query_row(
            "SELECT k.contact_id, k.channel, k.how, k.sale_id, k.event_id, k.actor_id FROM consent k",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            given.given.contact_id.clone(),
            "email".into(),
            "till".into(),
            Some(sale.clone()),
            Some(s.event.clone()),
            s.cashier.clone()
        )
    );
    let contact = contacts::get(conn, &given.given.contact_id).unwrap();
    assert_eq!(contact.name, "", "nobody was asked their name");
    assert_eq!(contact.email, "Ada@Example.org");
    assert_eq!(contact.code.as_deref(), Some(given.code.as_str()));
    assert_eq!(
        receipt::receipt(conn, &sale).unwrap().withdrawal_code,
        Some(given.code.clone())
    );
    assert_eq!(
        receipt::receipt(conn, &plain).unwrap().withdrawal_code,
        None
    );

    // The same address at the next sale is the same contact.
    let next = one_sale(&mut s);
    let again = at_till(&mut s, &next, "email", "ada@example.org");
    assert_eq!(again.given.contact_id, given.given.contact_id);
    assert_eq!(s.t.count("SELECT count(*) FROM contact"), 1);

    // A practice sale records no consent.
    let actor = s.cashier();
    let mut practice = crate::till_support::shop();
    with_wording(&mut practice);
    practice.open_session("0", true);
    let mug = practice.mug.clone();
    let rehearsal = practice
        .sell(&cart(vec![line(&mug, "1")]), &[cash("20")])
        .unwrap()
        .sale_id;
    let err = practice
        .t
        .store
        .write(&actor, |tx| {
            consent::give_at_till(
                tx,
                &TillConsentInput {
                    sale_id: rehearsal.clone(),
                    channel: "email".into(),
                    address: "ada@example.org".into(),
                },
            )
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
}

#[test]
fn withdrawal_on_the_contact_or_by_the_receipt_code_ends_the_consent_and_suppresses_the_address() {
    let mut s = shop();
    with_wording(&mut s);
    let sale = one_sale(&mut s);
    let given = at_till(&mut s, &sale, "email", "grace@example.org");
    let actor = s.cashier();
    // The code as a person reads it back: lower case, without the dash.
    let typed = given.code.replace('-', "").to_lowercase();
    let found = contacts::find_by_code(s.t.store.conn(), &typed).unwrap();
    assert_eq!(found.id, given.given.contact_id);
    let ended =
        s.t.store
            .write(&actor, |tx| {
                consent::withdraw(
                    tx,
                    &found.id,
                    Some(Channel::Email),
                    WithdrawHow::ReceiptCode,
                )
            })
            .unwrap();
    assert_eq!(ended, 1);
    let conn = s.t.store.conn();
    assert!(!consent::is_active(conn, &found.id, Channel::Email).unwrap());
    assert_eq!(
        contacts::get(conn, &found.id).unwrap().email,
        "",
        "the address is gone"
    );
    assert!(consent::is_suppressed(conn, Channel::Email, "  GRACE@example.org").unwrap());
    let history = consent::history(conn, &found.id).unwrap();
    assert_eq!(
        history[0].withdrawn.as_ref().map(|w| w.how.as_str()),
        Some("receipt_code")
    );
    for sql in [
        "DELETE FROM suppressed_address",
        "UPDATE suppressed_address SET hash = hash",
        "DELETE FROM consent_withdrawal",
        "UPDATE consent_withdrawal SET how = 'erasure'",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    // The address cannot be given again, at the till or on a sign-up.
    let next = one_sale(&mut s);
    let event = s.event.clone();
    let err =
        s.t.store
            .write(&actor, |tx| {
                consent::give_at_till(
                    tx,
                    &TillConsentInput {
                        sale_id: next.clone(),
                        channel: "email".into(),
                        address: "grace@example.org".into(),
                    },
                )
            })
            .unwrap_err();
    assert_eq!(err.field(), Some("address"), "{err}");
    let err =
        s.t.store
            .write(&actor, |tx| {
                register::sign_up(tx, &event, &person("Grace", "Grace@Example.org", ""))
            })
            .unwrap_err();
    assert_eq!(err.field(), Some("email"), "{err}");
    // Withdrawing what is already withdrawn says so and writes nothing.
    let journal = s.t.journal_len();
    let err =
        s.t.store
            .write(&actor, |tx| {
                consent::withdraw(tx, &found.id, None, WithdrawHow::AttendeeList)
            })
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(s.t.journal_len(), journal);
}

#[test]
fn a_sign_up_keeps_an_address_only_with_its_box_ticked_and_nothing_is_ticked_for_them() {
    let mut s = shop();
    with_wording(&mut s);
    let actor = s.cashier();
    let event = s.event.clone();
    let journal = s.t.journal_len();
    for (input, field) in [
        (
            SignUpInput {
                name: "Ines".into(),
                email: "ines@example.org".into(),
                ..Default::default()
            },
            "email",
        ),
        (
            SignUpInput {
                name: "Ines".into(),
                sms_consent: true,
                ..Default::default()
            },
            "phone",
        ),
        (SignUpInput::default(), "name"),
        (
            SignUpInput {
                name: "Ines".into(),
                email: "not an address".into(),
                email_consent: true,
                ..Default::default()
            },
            "email",
        ),
    ] {
        let err =
            s.t.store
                .write(&actor, |tx| register::sign_up(tx, &event, &input))
                .unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    assert_eq!(s.t.journal_len(), journal);
    // A name alone is a sign-up; so is a nickname with an email and its consent.
    let plain = sign_up(&mut s, &person("Ines", "", ""));
    assert!(!plain.email_consent && !plain.sms_consent);
    let both = sign_up(
        &mut s,
        &person("Kit", "kit@example.org", "+33 6 12 34 56 78"),
    );
    assert!(both.email_consent && both.sms_consent);
    let history = consent::history(s.t.store.conn(), &both.contact_id).unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|c| c.how == "sign_up"));
    // The same person twice is one sign-up.
    let err =
        s.t.store
            .write(&actor, |tx| {
                register::sign_up(tx, &event, &person("Kit", "KIT@example.org", ""))
            })
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let list = register::list(s.t.store.conn(), &event).unwrap();
    assert_eq!((list.signed_up, list.checked_in), (2, 0));
}

#[test]
fn a_check_in_at_the_door_counts_a_visitor_and_only_once_the_event_is_open() {
    let mut s = shop();
    with_wording(&mut s);
    let kit = sign_up(&mut s, &person("Kit", "", ""));
    let actor = s.cashier();
    let event = s.event.clone();
    let before = visitors::visitors(s.t.store.conn(), &event).unwrap();
    let checked =
        s.t.store
            .write(&actor, |tx| register::check_in(tx, &kit.id))
            .unwrap();
    assert!(checked.checked_in_at.is_some());
    assert_eq!(
        visitors::visitors(s.t.store.conn(), &event).unwrap(),
        before + 1
    );
    let err =
        s.t.store
            .write(&actor, |tx| register::check_in(tx, &kit.id))
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    // A walk-in at the door, giving SMS consent there.
    let walk_in =
        s.t.store
            .write(&actor, |tx| {
                register::walk_in(tx, &event, &person("Sam", "", "07700 900123"))
            })
            .unwrap();
    assert_eq!(walk_in.source, "door");
    assert!(walk_in.signed_up_at.is_none() && walk_in.checked_in_at.is_some());
    assert!(walk_in.sms_consent);
    assert_eq!(
        consent::history(s.t.store.conn(), &walk_in.contact_id).unwrap()[0].how,
        "check_in"
    );
    assert_eq!(
        visitors::visitors(s.t.store.conn(), &event).unwrap(),
        before + 2
    );
    let list = register::list(s.t.store.conn(), &event).unwrap();
    assert_eq!((list.signed_up, list.checked_in), (1, 2));

    // A planned event takes sign-ups, and no check-in yet.
    let planned =
        s.t.store
            .write(&actor, |tx| {
                events::create(
                    tx,
                    &EventInput {
                        name: "Spring fair".into(),
                        venue: String::new(),
                        starts_at: "2027-03-06T10:00".into(),
                        ends_at: "2027-03-06T17:00".into(),
                        notes: String::new(),
                    },
                )
            })
            .unwrap();
    let early =
        s.t.store
            .write(&actor, |tx| {
                register::sign_up(tx, &planned.id, &person("Kit", "", ""))
            })
            .unwrap();
    let journal = s.t.journal_len();
    let err =
        s.t.store
            .write(&actor, |tx| register::check_in(tx, &early.id))
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert_eq!(s.t.journal_len(), journal);
}

const SIGN_UPS: &str = "Name;E-mail;Phone;News by email;News by SMS\n\
Ada;ada@example.org;;yes;no\n\
Bea;bea@example.org;+33 6 11 22 33 44;no;yes\n\
Cy;;;;\n\
Dot;dot@example.org;;yes;\n";

#[test]
fn an_import_of_sign_ups_is_previewed_and_writes_nothing_while_a_row_is_bad() {
    let mut s = shop();
    with_wording(&mut s);
    let event = s.event.clone();
    let bad = format!("{SIGN_UPS};;;yes;\nEve;eve@;;yes;\nFay;;;maybe;\n");
    let journal = s.t.journal_len();
    let preview = import::preview(s.t.store.conn(), &event, &bad).unwrap();
    let lines: Vec<(u64, &str)> = preview
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(
        lines,
        [(6, "name"), (7, "email"), (8, "email_consent")],
        "{:?}",
        preview.errors
    );
    let cashier = s.cashier();
    let done = import::import(&mut s.t.store, &cashier, &event, &bad).unwrap();
    assert!(!done.applied);
    assert_eq!(s.t.journal_len(), journal);
    assert_eq!(s.t.count("SELECT count(*) FROM attendee"), 0);

    let preview = import::preview(s.t.store.conn(), &event, SIGN_UPS).unwrap();
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    assert_eq!(
        (preview.rows, preview.new_contacts, preview.consents),
        (4, 4, 3)
    );
    // Bea said no to email: her email is left out, and said so.
    assert_eq!(
        preview
            .notes
            .iter()
            .map(|n| (n.line, n.field.as_str()))
            .collect::<Vec<_>>(),
        [(3, "email")]
    );
    let done = import::import(&mut s.t.store, &cashier, &event, SIGN_UPS).unwrap();
    assert!(done.applied);
    let list = register::list(s.t.store.conn(), &event).unwrap();
    assert_eq!(list.signed_up, 4);
    let bea = list.attendees.iter().find(|a| a.name == "Bea").unwrap();
    let contact = contacts::get(s.t.store.conn(), &bea.contact_id).unwrap();
    assert_eq!((contact.email.as_str(), bea.sms_consent), ("", true));
    assert_eq!(
        s.t.count("SELECT count(*) FROM audit_log WHERE action = 'attendees.imported'"),
        1
    );
    // The same file again changes nothing: everyone is already listed.
    let again = import::preview(s.t.store.conn(), &event, SIGN_UPS).unwrap();
    assert_eq!((again.already_listed, again.consents), (4, 0));
}

#[test]
fn an_import_never_brings_back_an_address_that_asked_to_stop() {
    let mut s = shop();
    with_wording(&mut s);
    let ada = sign_up(&mut s, &person("Ada", "ada@example.org", ""));
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| {
            consent::withdraw(tx, &ada.contact_id, None, WithdrawHow::AttendeeList)
        })
        .unwrap();
    let cashier = s.cashier();
    let event = s.event.clone();
    let file = "name,email,email_consent\nAda Lovelace,ADA@example.org,yes\n";
    let report = import::import(&mut s.t.store, &cashier, &event, file).unwrap();
    assert!(report.applied, "{:?}", report.errors);
    assert_eq!((report.suppressed, report.consents), (1, 0));
    assert!(consent::is_suppressed(s.t.store.conn(), Channel::Email, "ada@example.org").unwrap());
    assert_eq!(
        s.t.count("SELECT count(*) FROM contact WHERE email <> ''"),
        0,
        "the address was not stored again"
    );
    // The row still signs someone up, by name only.
    assert_eq!(
        register::list(s.t.store.conn(), &event).unwrap().signed_up,
        2
    );
}
