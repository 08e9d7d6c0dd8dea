//! Sign-offs that mean something: a two-person step is signed by the
//! person at the till and a second, different team member who types their
//! own PIN (a typed name, the same person twice, an inactive person or a
//! wrong PIN sign nothing); the work signs its step once and a two-person
//! or organizer-PIN step then still awaits the rest; an organizer erases
//! the signers' names of a closed event, and the steps stay signed.

use popup_till_core::db::journal;
use popup_till_core::shop::at_till;
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::{self, ApprovalRequest, Person, PersonInput};
use popup_till_core::tasks::{
    self, Action, Awaiting, PersonalData, SignInput, Step, StepInput, StepStatus, TemplateInput,
    WorkSource,
};
use popup_till_core::{Actor, ErrorCode, Result};

use crate::support::{someone, TestTill};
use crate::tasks::{sign, signer, signoffs, step_id, till_with_flow, PIN};
use crate::till_support::CASHIER_PIN;

/// Sam's own PIN: unlike any id or hash the journal could hold.
pub const SAM_PIN: &str = "90817263";

fn add_cashier(t: &mut TestTill, organizer: &str, name: &str, pin: &str) -> Person {
    people::add_with_pin(
        &mut t.store,
        &Actor::person(organizer),
        &ApprovalRequest::new(organizer, PIN),
        &PersonInput {
            name: name.into(),
            role: "cashier".into(),
            pin: Some(pin.into()),
        },
    )
    .unwrap()
}

/// Two cashiers on the team: Riley (`CASHIER_PIN`) and Sam (`SAM_PIN`).
pub fn team(t: &mut TestTill, organizer: &str) -> (Person, Person) {
    (
        add_cashier(t, organizer, "Riley Marsh", CASHIER_PIN),
        add_cashier(t, organizer, "Sam Okoye", SAM_PIN),
    )
}

fn second(person_id: &str, pin: &str) -> SignInput {
    SignInput {
        second_person_id: Some(person_id.into()),
        second_pin: Some(pin.into()),
        ..SignInput::default()
    }
}

fn sign_as(t: &mut TestTill, by: &Person, task_id: &str, input: &SignInput) -> Result<Step> {
    tasks::sign_with_pin(
        &mut t.store,
        &Actor::person(&by.id),
        task_id,
        input,
        &ApprovalRequest::none(),
    )
}

/// `by`, at the till, signs a two-person step with `second` and their PIN.
pub fn sign_two(
    t: &mut TestTill,
    by: &Person,
    task_id: &str,
    second_person: &Person,
    pin: &str,
) -> Result<Step> {
    sign_as(t, by, task_id, &second(&second_person.id, pin))
}

/// Everything a refused signature must leave as it was: sign-offs, the
/// journal, PIN tries.
fn written(t: &TestTill) -> (i64, i64, i64) {
    (
        signoffs(t),
        t.journal_len(),
        t.count("SELECT count(*) FROM pin_attempt"),
    )
}

fn work(t: &mut TestTill, by: &Person, event_id: &str, action: Action, source_id: &str) {
    t.store
        .write(&Actor::person(&by.id), |tx| {
            tx.journal("test.work", "test", source_id, serde_json::json!({}))?;
            tasks::complete_by_action(tx, event_id, action, WorkSource::TillSession, source_id)
        })
        .unwrap()
        .expect("the work finds its step");
}

fn step(t: &TestTill, event_id: &str, key: &str) -> Step {
    tasks::flow(&t.store, event_id)
        .unwrap()
        .steps
        .into_iter()
        .find(|s| s.key == key)
        .unwrap()
}

fn signer_ids(step: &Step) -> Vec<Option<&str>> {
    step.records
        .iter()
        .map(|r| r.signer_person_id.as_deref())
        .collect()
}

#[test]
fn a_two_person_step_is_signed_by_the_person_at_the_till_and_a_second_team_member_with_their_pin() {
    let (mut t, event_id, organizer) = till_with_flow();
    let (riley, sam) = team(&mut t, &organizer);
    let float = step_id(&t, &event_id, "float");
    sign(&mut t, &float, "Riley").unwrap();
    let open_till = step_id(&t, &event_id, "open-till");
    let before = written(&t);

    // A typed name is no signature: the second person is chosen from the team.
    let err = sign_as(&mut t, &riley, &open_till, &signer("Sam Okoye")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(err.field(), Some("second_person_id"));
    assert!(
        err.to_string().contains("choose the second person"),
        "{err}"
    );
    let err = sign_as(&mut t, &riley, &open_till, &second("Sam Okoye", SAM_PIN)).unwrap_err();
    assert_eq!(err.field(), Some("second_person_id"), "{err}");

    // The same person twice.
    let err = sign_two(&mut t, &riley, &open_till, &riley, CASHIER_PIN).unwrap_err();
    assert_eq!(err.field(), Some("second_person_id"));
    assert!(err.to_string().contains("different person"), "{err}");

    // No PIN.
    let err = sign_two(&mut t, &riley, &open_till, &sam, " ").unwrap_err();
    assert_eq!(err.field(), Some("second_pin"));
    assert_eq!(written(&t), before, "nothing written, no PIN tried");

    // A wrong PIN: refused, the try recorded under the person at the till.
    let err = sign_two(&mut t, &riley, &open_till, &sam, "1111").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(err.to_string().contains("wrong PIN"), "{err}");
    assert_eq!(signoffs(&t), before.0, "a wrong PIN signs nothing");
    assert_eq!(
        t.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'pin.rejected' AND entity_id = '{}' AND actor_id = '{}'",
            sam.id, riley.id
        )),
        1
    );
    assert_eq!(
        step(&t, &event_id, "open-till").status,
        StepStatus::Open,
        "still open"
    );

    // Sam's own PIN: both sign, the step is done.
    let done = sign_two(&mut t, &riley, &open_till, &sam, SAM_PIN).unwrap();
    assert_eq!(done.status, StepStatus::Done);
    assert_eq!(done.awaiting, None);
    assert_eq!(
        signer_ids(&done),
        vec![Some(riley.id.as_str()), Some(sam.id.as_str())]
    );
    let names: Vec<&str> = done
        .records
        .iter()
        .map(|r| r.signer_name.as_str())
        .collect();
    assert_eq!(names, vec!["Riley Marsh", "Sam Okoye"]);
    let signed: Vec<String> = {
        let mut stmt = t
            .store
            .conn()
            .prepare(
                "SELECT json_extract(details, '$.signer_person_id') || ' ' || json_extract(details, '$.signed_as')
                 FROM audit_log WHERE action = 'task.signed' AND entity_id = ?1 ORDER BY seq",
            )
            .unwrap();
        stmt.query_map([&open_till], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert_eq!(
        signed,
        vec![
            format!("{} at_till", riley.id),
            format!("{} second_with_pin", sam.id)
        ]
    );
    assert_eq!(
        t.count(&format!(
            "SELECT count(*) FROM audit_log WHERE details LIKE '%{SAM_PIN}%' OR details LIKE '%Okoye%'"
        )),
        0,
        "the journal holds ids, never a PIN or a name"
    );

    // Done is done.
    let err = sign_two(&mut t, &sam, &open_till, &riley, CASHIER_PIN).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}

#[test]
fn an_inactive_team_member_cannot_sign_second_nor_can_anyone_not_at_the_till_sign_first() {
    let (mut t, event_id, organizer) = till_with_flow();
    let (riley, sam) = team(&mut t, &organizer);
    let float = step_id(&t, &event_id, "float");
    sign(&mut t, &float, "Riley").unwrap();
    let open_till = step_id(&t, &event_id, "open-till");
    people::set_active_with_pin(
        &mut t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        &sam.id,
        false,
    )
    .unwrap();
    let before = written(&t);
    let err = sign_two(&mut t, &riley, &open_till, &sam, SAM_PIN).unwrap_err();
    assert_eq!(err.field(), Some("second_person_id"));
    assert!(err.to_string().contains("no longer active"), "{err}");

    // The command line (no one at the till) cannot be the first signature.
    let err = tasks::sign_with_pin(
        &mut t.store,
        &someone(),
        &open_till,
        &second(&riley.id, CASHIER_PIN),
        &ApprovalRequest::none(),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoOneAtTill);
    assert_eq!(written(&t), before, "nothing written, no PIN tried");
}

#[test]
fn wrong_pins_for_the_second_signature_lock_that_person_out() {
    let (mut t, event_id, organizer) = till_with_flow();
    let (riley, sam) = team(&mut t, &organizer);
    let float = step_id(&t, &event_id, "float");
    sign(&mut t, &float, "Riley").unwrap();
    let open_till = step_id(&t, &event_id, "open-till");
    for _ in 0..people::FREE_TRIES {
        let err = sign_two(&mut t, &riley, &open_till, &sam, "0000").unwrap_err();
        assert_eq!(err.code(), ErrorCode::Unauthorized);
    }
    let err = sign_two(&mut t, &riley, &open_till, &sam, SAM_PIN).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Locked, "{err}");
    assert_eq!(step(&t, &event_id, "open-till").records.len(), 0);
}

#[test]
fn the_work_signs_a_two_person_step_once_and_a_second_person_completes_it() {
    let (mut t, event_id, organizer) = till_with_flow();
    let (riley, sam) = team(&mut t, &organizer);
    let float = step_id(&t, &event_id, "float");
    sign(&mut t, &float, "Riley").unwrap();
    let done_before = tasks::flow(&t.store, &event_id).unwrap().done;

    // Riley opens the till: the work is recorded, the step is not signed.
    work(&mut t, &riley, &event_id, Action::OpenTill, "session-1");
    let open_till = step(&t, &event_id, "open-till");
    assert_eq!(open_till.status, StepStatus::Open);
    assert_eq!(open_till.awaiting, Some(Awaiting::SecondSignature));
    assert_eq!(signer_ids(&open_till), vec![Some(riley.id.as_str())]);
    let flow = tasks::flow(&t.store, &event_id).unwrap();
    assert_eq!(flow.done, done_before, "work done is not signed");
    assert!(flow.next.contains(&open_till.id), "it is up to be signed");

    // Another session does not sign it again.
    let again = t
        .store
        .write(&Actor::person(&riley.id), |tx| {
            tx.journal("test.work", "test", "session-2", serde_json::json!({}))?;
            tasks::complete_by_action(
                tx,
                &event_id,
                Action::OpenTill,
                WorkSource::TillSession,
                "session-2",
            )
        })
        .unwrap();
    assert_eq!(again, None);

    // Riley did the work: Riley alone, or Riley twice, is one person.
    let before = written(&t);
    let err = sign_as(&mut t, &riley, &open_till.id, &SignInput::default()).unwrap_err();
    assert_eq!(err.field(), Some("second_person_id"));
    assert!(
        err.to_string().contains("a second, different person"),
        "{err}"
    );
    let err = sign_two(&mut t, &riley, &open_till.id, &riley, CASHIER_PIN).unwrap_err();
    assert_eq!(err.field(), Some("second_person_id"));
    assert_eq!(written(&t), before);

    // Sam, at the till, signs second: they took the till with their PIN.
    let done = sign_as(&mut t, &sam, &open_till.id, &SignInput::default()).unwrap();
    assert_eq!(done.status, StepStatus::Done);
    assert_eq!(
        signer_ids(&done),
        vec![Some(riley.id.as_str()), Some(sam.id.as_str())]
    );
    assert_eq!(done.records[0].kind, "work");
    assert_eq!(done.records[1].kind, "sign");

    // Riley closes the till and stays at it: Sam comes with their PIN. Riley
    // is no second person to Sam either.
    work(&mut t, &riley, &event_id, Action::CloseTill, "session-1");
    let close_till = step(&t, &event_id, "close-till");
    assert_eq!(close_till.awaiting, Some(Awaiting::SecondSignature));
    let err = sign_two(&mut t, &sam, &close_till.id, &riley, CASHIER_PIN).unwrap_err();
    assert!(err.to_string().contains("already signed"), "{err}");
    let done = sign_two(&mut t, &riley, &close_till.id, &sam, SAM_PIN).unwrap();
    assert_eq!(done.status, StepStatus::Done);
    assert_eq!(
        signer_ids(&done),
        vec![Some(riley.id.as_str()), Some(sam.id.as_str())]
    );
    assert_eq!(
        tasks::flow(&t.store, &event_id).unwrap().done,
        done_before + 2
    );
}

#[test]
fn the_work_of_an_organizer_pin_step_awaits_an_organizers_approval() {
    let (mut t, winter_fair, organizer) = till_with_flow();
    let (riley, _) = team(&mut t, &organizer);
    let event_id = t
        .store
        .write(&someone(), |tx| {
            let template = tasks::create_template(
                tx,
                &TemplateInput {
                    name: "Cash under watch".into(),
                    description: String::new(),
                    steps: vec![StepInput {
                        key: "open".into(),
                        phase: "during".into(),
                        title: "Open the till before the organizer".into(),
                        action: Some("open_till".into()),
                        signoff: "organizer_pin".into(),
                        ..StepInput::default()
                    }],
                },
            )?;
            let event = tasks::create_event_with_flow(
                tx,
                &EventInput {
                    name: "Night Market".into(),
                    venue: String::new(),
                    starts_at: "2026-12-12T18:00".into(),
                    ends_at: "2026-12-12T23:00".into(),
                    notes: String::new(),
                },
                Some(&template.id),
            )?;
            Ok(event.id)
        })
        .unwrap();
    work(&mut t, &riley, &event_id, Action::OpenTill, "session-1");
    let open = step(&t, &event_id, "open");
    assert_eq!(open.status, StepStatus::Open);
    assert_eq!(open.awaiting, Some(Awaiting::OrganizerApproval));

    let before = written(&t);
    let err = sign_as(&mut t, &riley, &open.id, &signer("Riley Marsh")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert_eq!(written(&t), before);
    let err = tasks::sign_with_pin(
        &mut t.store,
        &Actor::person(&riley.id),
        &open.id,
        &signer("Riley Marsh"),
        &ApprovalRequest::new(&organizer, "000000"),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert_eq!(signoffs(&t), before.0);

    // The organizer at the till approves without typing the PIN again.
    let (at, _) = at_till::take_till(&mut t.store, &organizer, PIN).unwrap();
    let done = tasks::sign_with_pin(
        &mut t.store,
        &Actor::person(&organizer),
        &open.id,
        &signer("Maya Okafor"),
        &ApprovalRequest::none().from_till(Some(at.clone())),
    )
    .unwrap();
    assert_eq!(done.status, StepStatus::Done);
    assert_eq!(done.records[0].kind, "work");
    assert_eq!(done.records[1].approved_by.as_deref(), Some("Maya Okafor"));

    // A step that asks for no organizer keeps no approval, even when an
    // organizer at the till signs it.
    let catalog = step_id(&t, &winter_fair, "catalog");
    let signed = tasks::sign_with_pin(
        &mut t.store,
        &Actor::person(&organizer),
        &catalog,
        &signer("Maya Okafor"),
        &ApprovalRequest::none().from_till(Some(at)),
    )
    .unwrap();
    assert_eq!(signed.records[0].approved_by, None);
}

/// The names kept for an event's sign-offs, read from the raw table.
fn names_kept(t: &TestTill, event_id: &str) -> i64 {
    t.count(&format!(
        "SELECT count(*) FROM task_signer_name n JOIN task_signoff s ON s.id = n.signoff_id
         JOIN task ON task.id = s.task_id WHERE task.event_id = '{event_id}'"
    ))
}

#[test]
fn an_organizer_erases_the_signer_names_of_a_closed_event_and_its_steps_stay_signed() {
    let (mut t, event_id, organizer) = till_with_flow();
    let (riley, sam) = team(&mut t, &organizer);
    let catalog = step_id(&t, &event_id, "catalog");
    sign(&mut t, &catalog, "Zebedee Quill").unwrap();
    let float = step_id(&t, &event_id, "float");
    sign(&mut t, &float, "Riley Marsh").unwrap();
    let open_till = step_id(&t, &event_id, "open-till");
    sign_two(&mut t, &riley, &open_till, &sam, SAM_PIN).unwrap();
    let mid_count = step_id(&t, &event_id, "mid-count");
    t.store
        .write(&Actor::person(&riley.id), |tx| {
            tasks::skip(tx, &mid_count, "counted at home", None)
        })
        .unwrap();
    // Another event's signer keeps their name.
    let other = t
        .store
        .write(&someone(), |tx| {
            tasks::create_event_with_flow(
                tx,
                &crate::tasks::event_input("Spring Fair"),
                Some(tasks::STARTER_ID),
            )
        })
        .unwrap()
        .id;
    let other_catalog = step_id(&t, &other, "catalog");
    sign(&mut t, &other_catalog, "Yolanda Verity").unwrap();
    assert_eq!(names_kept(&t, &event_id), 5);
    let riley_at_till = Actor::person(&riley.id);

    // Not while the event is to come or open, and not without an organizer.
    let before = written(&t);
    let err = tasks::erase_signer_names_with_pin(
        &mut t.store,
        &riley_at_till,
        &ApprovalRequest::new(&organizer, PIN),
        &event_id,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(
        err.to_string().contains("once the event is closed"),
        "{err}"
    );
    assert_eq!(written(&t), before, "refused before any PIN is checked");
    t.store
        .write(&someone(), |tx| {
            events::open(tx, &event_id)?;
            events::close(tx, &people::Approval::file_holder(), &event_id)
        })
        .unwrap();
    let err = tasks::erase_signer_names_with_pin(
        &mut t.store,
        &riley_at_till,
        &ApprovalRequest::none(),
        &event_id,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert_eq!(names_kept(&t, &event_id), 5);

    let records_before = signoffs(&t);
    let erased = tasks::erase_signer_names_with_pin(
        &mut t.store,
        &riley_at_till,
        &ApprovalRequest::new(&organizer, PIN),
        &event_id,
    )
    .unwrap();
    assert_eq!(erased, 5);
    assert_eq!(names_kept(&t, &event_id), 0);
    assert_eq!(names_kept(&t, &other), 1, "another event keeps its names");
    assert_eq!(
        t.count("SELECT count(*) FROM task_signer_name WHERE name LIKE '%Zebedee%' OR name LIKE '%Okoye%'"),
        0
    );
    assert_eq!(signoffs(&t), records_before, "the ledger keeps every row");

    // The flow still shows who signed, by id, and that the names are gone.
    let flow = tasks::flow(&t.store, &event_id).unwrap();
    assert_eq!(flow.signer_names, 0);
    let by_key = |key: &str| flow.steps.iter().find(|s| s.key == key).unwrap();
    assert_eq!(by_key("catalog").status, StepStatus::Done);
    assert_eq!(by_key("mid-count").status, StepStatus::Skipped);
    let open = by_key("open-till");
    assert_eq!(open.status, StepStatus::Done);
    assert_eq!(
        signer_ids(open),
        vec![Some(riley.id.as_str()), Some(sam.id.as_str())]
    );
    assert!(flow
        .steps
        .iter()
        .flat_map(|s| &s.records)
        .all(|r| r.name_erased && r.signer_name.is_empty()));

    // The journal counts the names, holds none, and still verifies.
    let details: String = t
        .store
        .conn()
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'task.signer_names_erased' AND entity_id = ?1",
            [&event_id],
            |r| r.get(0),
        )
        .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["names_erased"], 5);
    assert_eq!(details["approved_by"], organizer.as_str());
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE details LIKE '%Zebedee%'"),
        0
    );
    assert!(journal::verify(t.store.conn()).unwrap().holds());

    // tasks.csv for the organizer says so too.
    let mut csv = Vec::new();
    tasks::write_csv(t.store.conn(), &event_id, PersonalData::Included, &mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("(name erased);(name erased)"), "{csv}");
    assert!(!csv.contains("Zebedee") && !csv.contains("Riley"), "{csv}");

    // Nothing left to erase writes nothing.
    let journal_len = t.journal_len();
    let again = tasks::erase_signer_names_with_pin(
        &mut t.store,
        &riley_at_till,
        &ApprovalRequest::new(&organizer, PIN),
        &event_id,
    )
    .unwrap();
    assert_eq!(again, 0);
    assert_eq!(t.journal_len(), journal_len + 1, "only the PIN's try");
}
