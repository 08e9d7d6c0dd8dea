//! People's data against a real till file: the marketing export lists only
//! active consents (never a withdrawn or suppressed address) and journals
//! who, when and how many; one contact's data as one JSON file; erasure
//! removes their name and addresses from every table and from the file's
//! bytes while sales and the journal stay whole and verifiable; contacts
//! inactive for the retention period are purged when the till starts; and
//! no name or address ever reaches the journal.

use popup_till_core::attendees::consent::{self, TillConsentInput};
use popup_till_core::attendees::{contacts, mailing, register, rights, Channel, WithdrawHow};
use popup_till_core::db::journal;
use popup_till_core::orders::ContactInput;
use popup_till_core::shop::people::{Approval, ApprovalRequest};
use popup_till_core::till::receipt;
use popup_till_core::{Actor, ErrorCode};

use crate::attendees::{at_till, one_sale, person, sign_up, with_wording};
use crate::support::{HandClock, TestTill};
use crate::till_support::{cart, cash, line, shop, Shop, PIN};

fn export(s: &mut Shop, channel: Channel) -> (String, mailing::MailingExport) {
    let path =
        s.t.dir
            .path()
            .join(format!("mailing-{}.csv", channel.as_str()));
    let _ = std::fs::remove_file(&path);
    let done = mailing::export_file(
        &mut s.t.store,
        &Actor::system("cli"),
        &Approval::file_holder(),
        channel,
        &path,
    )
    .unwrap();
    (std::fs::read_to_string(&path).unwrap(), done)
}

/// Whether the database file (and its write-ahead log, if any) holds `needle`.
fn file_holds(t: &TestTill, needle: &str) -> bool {
    t.store.checkpoint().unwrap();
    let mut bytes = std::fs::read(t.path()).unwrap();
    let wal = t.path().with_extension("sqlite-wal");
    if wal.exists() {
        bytes.extend(std::fs::read(wal).unwrap());
    }
    let needle = needle.as_bytes();
    bytes.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_withdrawn_or_suppressed_contact_never_appears_in_a_marketing_export() {
    let mut s = shop();
    with_wording(&mut s);
    let ada = sign_up(
        &mut s,
        &person("Ada", "ada@example.org", "+44 20 7946 0001"),
    );
    let bea = sign_up(&mut s, &person("Bea", "bea@example.org", ""));
    let sale = one_sale(&mut s);
    at_till(&mut s, &sale, "email", "=cmd@example.org");
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| {
            consent::withdraw(tx, &bea.contact_id, None, WithdrawHow::AttendeeList)
        })
        .unwrap();
    // Bea's address comes back by a way round the till's rules (a hand
    // edit of the file): still suppressed, still left out.
    let conn = s.t.store.conn();
    conn.execute(
        "UPDATE contact SET email = 'BEA@example.org' WHERE id = ?1",
        [&bea.contact_id],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO consent (id, device_id, contact_id, channel, wording_id, how, actor_id, at_utc, utc_offset_minutes)
         SELECT 'by-hand', device_id, ?1, 'email', wording_id, 'sign_up', actor_id, at_utc, 0 FROM consent LIMIT 1",
        [&bea.contact_id],
    )
    .unwrap();

    let (text, done) = export(&mut s, Channel::Email);
    assert_eq!(done.count, 2, "{text}");
    assert!(text.contains("ada@example.org"), "{text}");
    assert!(!text.to_lowercase().contains("bea@"), "{text}");
    assert!(text.contains("'=cmd@example.org"), "formula-safe: {text}");
    let header = text.lines().next().unwrap().trim_start_matches('\u{FEFF}');
    assert_eq!(
        header,
        "contact_id,name,address,channel,consented_at,wording_version,how,withdrawal_code"
    );
    let ada_row = text.lines().find(|l| l.contains("ada@")).unwrap();
    assert!(ada_row.contains(",1,sign_up,"), "the proof: {ada_row}");
    let (sms, _) = export(&mut s, Channel::Sms);
    assert_eq!(sms.lines().count(), 2, "{sms}");
    assert!(sms.contains("+44 20 7946 0001"));

    // Ada withdraws SMS only: gone from the SMS export, still in the email one.
    s.t.store
        .write(&actor, |tx| {
            consent::withdraw(
                tx,
                &ada.contact_id,
                Some(Channel::Sms),
                WithdrawHow::AttendeeList,
            )
        })
        .unwrap();
    assert_eq!(export(&mut s, Channel::Sms).0.lines().count(), 1);
    assert!(export(&mut s, Channel::Email).0.contains("ada@example.org"));

    // The journal: who, when, how many; no address.
    let details: Vec<String> =
        s.t.store
            .conn()
            .prepare("SELECT details FROM audit_log WHERE action = 'consent.exported' ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    assert_eq!(details.len(), 4);
    assert!(details[0].contains("\"count\":2") && details[0].contains("system:cli"));
    assert!(details.iter().all(|d| !d.contains('@')));
}

#[test]
fn the_marketing_export_needs_an_organizer_and_overwrites_nothing() {
    let mut s = shop();
    with_wording(&mut s);
    sign_up(&mut s, &person("Ada", "ada@example.org", ""));
    let (cashier, organizer) = (s.cashier(), s.organizer.clone());
    let folder = s.t.dir.path().to_path_buf();
    let journal = s.t.journal_len();
    let err = mailing::export_with_pin(
        &mut s.t.store,
        &cashier,
        &ApprovalRequest::none(),
        "email",
        &folder,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert_eq!(s.t.journal_len(), journal);
    let done = mailing::export_with_pin(
        &mut s.t.store,
        &cashier,
        &ApprovalRequest::new(&organizer, PIN),
        "email",
        &folder,
    )
    .unwrap();
    assert_eq!(done.count, 1);
    let again = mailing::export_with_pin(
        &mut s.t.store,
        &cashier,
        &ApprovalRequest::new(&organizer, PIN),
        "email",
        &folder,
    )
    .unwrap();
    assert_ne!(again.path, done.path, "a second export is a new file");
    let err = mailing::export_file(
        &mut s.t.store,
        &cashier,
        &Approval::file_holder(),
        Channel::Email,
        std::path::Path::new(&done.path),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("out"));
}

#[test]
fn one_contacts_data_is_a_single_json_file_and_its_writing_is_journaled_without_it() {
    let mut s = shop();
    with_wording(&mut s);
    let ada = sign_up(&mut s, &person("Ada Byron", "ada@example.org", ""));
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| register::check_in(tx, &ada.id))
        .unwrap();
    let path = s.t.dir.path().join("ada.json");
    rights::write_contact_data(&mut s.t.store, &actor, &ada.contact_id, &path).unwrap();
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(data["format"], "popup-till/contact-data/v1");
    assert_eq!(data["contact"]["name"], "Ada Byron");
    assert_eq!(data["contact"]["email"], "ada@example.org");
    assert_eq!(
        data["consents"][0]["wording_text"],
        crate::attendees::WORDING
    );
    assert_eq!(data["consents"][0]["channel"], "email");
    assert_eq!(data["attendance"][0]["event_name"], "Market");
    assert!(data["attendance"][0]["checked_in_at"].is_string());
    let entry: String =
        s.t.store
            .conn()
            .query_row(
                "SELECT details FROM audit_log WHERE action = 'contact.data_written'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert!(!entry.contains("Ada") && !entry.contains('@'), "{entry}");
    // Never over an existing file.
    let err =
        rights::write_contact_data(&mut s.t.store, &actor, &ada.contact_id, &path).unwrap_err();
    assert_eq!(err.field(), Some("out"));
}

#[test]
fn after_erase_contact_and_a_checkpoint_the_name_and_address_are_nowhere_in_the_file_and_verify_passes(
) {
    let mut s = shop();
    with_wording(&mut s);
    let (name, email, phone) = (
        "Philippa Quennell",
        "philippa.quennell@example.org",
        "+44 7700 900 461",
    );
    let signed = sign_up(&mut s, &person(name, email, phone));
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| register::check_in(tx, &signed.id))
        .unwrap();
    // She also bought at the till, agreed there again, and pre-ordered a
    // mug with the same address.
    let sale = one_sale(&mut s);
    at_till(&mut s, &sale, "email", email);
    let mug = s.mug.clone();
    let mut later = line(&mug, "1");
    later.handover_later = true;
    let mut order_cart = cart(vec![later]);
    order_cart.handover_contact = Some(ContactInput {
        name: name.into(),
        phone: String::new(),
        email: email.to_uppercase(),
    });
    let ordered = s.sell(&order_cart, &[cash("20")]).unwrap();
    let sales_before = s.t.count("SELECT count(*) FROM sale");
    let code = contacts::get(s.t.store.conn(), &signed.contact_id)
        .unwrap()
        .code
        .unwrap();
    for needle in [name, email, "7700 900 461", &email.to_uppercase()] {
        assert!(file_holds(&s.t, needle), "{needle} is in the file before");
    }

    // As the command line erases: the file's holder approves.
    let erased = rights::erase_as(
        &mut s.t.store,
        &Actor::system("cli"),
        &Approval::file_holder(),
        &signed.contact_id,
    )
    .unwrap();
    assert_eq!(
        (
            erased.attendee_rows,
            erased.order_contacts,
            erased.consents_ended
        ),
        (1, 1, 3)
    );
    s.t.store.checkpoint().unwrap();
    for needle in [
        name,
        email,
        "7700 900 461",
        &email.to_uppercase(),
        "Quennell",
    ] {
        assert!(
            !file_holds(&s.t, needle),
            "{needle} is still readable in the database file"
        );
    }
    let conn = s.t.store.conn();
    let verification = journal::verify(conn).unwrap();
    assert!(verification.problem.is_none(), "{:?}", verification.problem);
    assert_eq!(s.t.count("SELECT count(*) FROM sale"), sales_before);
    assert_eq!(
        receipt::receipt(conn, &ordered.sale_id).unwrap().total,
        "12.50",
        "the sale stays whole"
    );
    assert_eq!(receipt::receipt(conn, &sale).unwrap().withdrawal_code, None);
    assert!(contacts::find_by_code(conn, &code).is_err());
    // The consent ledger stays, saying that someone agreed and stopped.
    let history = consent::history(conn, &signed.contact_id).unwrap();
    assert_eq!(history.len(), 3);
    assert!(history.iter().all(|c| c.withdrawn.is_some()));
    // Their addresses are suppressed: no way back into a mailing.
    assert!(consent::is_suppressed(conn, Channel::Email, email).unwrap());
    assert!(consent::is_suppressed(conn, Channel::Sms, phone).unwrap());
    let contact = contacts::get(conn, &signed.contact_id).unwrap();
    assert_eq!(contact.erased_how.as_deref(), Some("request"));
    // Once is enough.
    let err = rights::erase_as(
        &mut s.t.store,
        &Actor::system("cli"),
        &Approval::file_holder(),
        &signed.contact_id,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
}

#[test]
fn erasing_a_contact_at_the_window_needs_an_organizer_and_a_refusal_erases_nothing() {
    let mut s = shop();
    with_wording(&mut s);
    let ada = sign_up(&mut s, &person("Ada", "ada@example.org", ""));
    let (cashier, organizer) = (s.cashier(), s.organizer.clone());
    let journal = s.t.journal_len();
    let err = rights::erase_with_pin(
        &mut s.t.store,
        &cashier,
        &ApprovalRequest::none(),
        &ada.contact_id,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert_eq!(s.t.journal_len(), journal);
    assert_eq!(
        contacts::get(s.t.store.conn(), &ada.contact_id)
            .unwrap()
            .name,
        "Ada"
    );
    rights::erase_with_pin(
        &mut s.t.store,
        &cashier,
        &ApprovalRequest::new(&organizer, PIN),
        &ada.contact_id,
    )
    .unwrap();
    let approved: String =
        s.t.store
            .conn()
            .query_row(
                "SELECT details FROM audit_log WHERE action = 'contact.erased'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert!(approved.contains(&organizer), "{approved}");
}

#[test]
fn contacts_with_no_activity_for_the_retention_period_are_purged_when_the_till_starts() {
    let mut s = shop();
    let clock = HandClock::install(&mut s.t.store);
    with_wording(&mut s);
    let organizer = s.organizer.clone();
    rights::set_retention_with_pin(
        &mut s.t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        "30",
    )
    .unwrap();
    let old = sign_up(
        &mut s,
        &person("Oldfellow Marchbanks", "oldfellow@example.org", ""),
    );
    clock.advance(20 * 86_400);
    let recent = sign_up(&mut s, &person("Newcomb", "", ""));
    clock.advance(11 * 86_400);
    assert!(file_holds(&s.t, "Marchbanks"));

    popup_till_core::at_start(&mut s.t.store).unwrap();
    let conn = s.t.store.conn();
    let purged = contacts::get(conn, &old.contact_id).unwrap();
    assert_eq!(
        (purged.name.as_str(), purged.erased_how.as_deref()),
        ("", Some("inactive"))
    );
    assert_eq!(
        contacts::get(conn, &recent.contact_id).unwrap().name,
        "Newcomb"
    );
    assert!(
        !consent::is_suppressed(conn, Channel::Email, "oldfellow@example.org").unwrap(),
        "a purge is not a request to stop"
    );
    for needle in ["Marchbanks", "oldfellow@"] {
        assert!(!file_holds(&s.t, needle), "{needle} lingers in the file");
    }
    let details: String =
        s.t.store
            .conn()
            .query_row(
                "SELECT details FROM audit_log WHERE action = 'contacts.purged'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert!(details.contains("\"count\":1") && details.contains(&old.contact_id));
    let journal = s.t.journal_len();
    popup_till_core::at_start(&mut s.t.store).unwrap();
    assert_eq!(s.t.journal_len(), journal, "nothing more to purge");

    // The period is an organizer's setting, between 1 and 3650 days.
    let cashier = s.cashier();
    let err =
        rights::set_retention_with_pin(&mut s.t.store, &cashier, &ApprovalRequest::none(), "365")
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    for bad in ["0", "5000", "soon"] {
        let err = rights::set_retention_with_pin(
            &mut s.t.store,
            &Actor::person(&organizer),
            &ApprovalRequest::new(&organizer, PIN),
            bad,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("contact_retention_days"), "{bad}");
    }
    assert_eq!(rights::retention_days(s.t.store.conn()).unwrap(), 30);
}

#[test]
fn no_name_or_address_ever_reaches_the_journal() {
    let mut s = shop();
    with_wording(&mut s);
    let actor = s.cashier();
    let event = s.event.clone();
    let kit = sign_up(
        &mut s,
        &person("Kittredge", "kittredge@example.org", "+33 6 98 76 54 32"),
    );
    s.t.store
        .write(&actor, |tx| register::check_in(tx, &kit.id))
        .unwrap();
    s.t.store
        .write(&actor, |tx| {
            register::walk_in(
                tx,
                &event,
                &person("Wanderley", "wanderley@example.org", ""),
            )
        })
        .unwrap();
    let sale = one_sale(&mut s);
    s.t.store
        .write(&actor, |tx| {
            consent::give_at_till(
                tx,
                &TillConsentInput {
                    sale_id: sale.clone(),
                    channel: "sms".into(),
                    address: "+44 7700 900 777".into(),
                },
            )
        })
        .unwrap();
    let cashier = s.cashier();
    popup_till_core::attendees::import::import(
        &mut s.t.store,
        &cashier,
        &event,
        "name,email,email_consent\nImogen Stroud,imogen.stroud@example.org,yes\n",
    )
    .unwrap();
    s.t.store
        .write(&actor, |tx| {
            consent::withdraw(tx, &kit.contact_id, None, WithdrawHow::AttendeeList)
        })
        .unwrap();
    export_all(&mut s);
    let leaks = s.t.count(
        "SELECT count(*) FROM audit_log WHERE details LIKE '%@%' OR details LIKE '%Kittredge%'
           OR details LIKE '%Wanderley%' OR details LIKE '%Stroud%' OR details LIKE '%7700%'
           OR details LIKE '%98 76%'",
    );
    assert_eq!(leaks, 0);
}

fn export_all(s: &mut Shop) {
    for channel in Channel::ALL {
        export(s, channel);
    }
}
