//! Task flows: templates (built-in, edited, duplicated, shared as files),
//! an event's flow from a template, sign-offs by named people,
//! organizer-PIN steps, prerequisites, skips, overdue steps, the work
//! completing its step, the journal and tasks.csv. Two-person steps and
//! erasing signers' names are in `sign_offs`. Bad input is refused
//! with a clear message and nothing is written.

use chrono::NaiveDateTime;
use popup_till_core::shop::events::EventInput;
use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
use popup_till_core::tasks::{
    self, Action, Awaiting, DueInput, PersonalData, Phase, SignInput, Signoff, StepEdit, StepInput,
    StepStatus, TemplateInput, WorkSource, STARTER_ID,
};
use popup_till_core::{Actor, ErrorCode};

use crate::sign_offs::{sign_two, team, SAM_PIN};
use crate::support::{someone, till, HandClock, TestTill};

pub(crate) const PIN: &str = "482916";

pub(crate) fn event_input(name: &str) -> EventInput {
    EventInput {
        name: name.into(),
        venue: "Harbour shed 3".into(),
        starts_at: "2026-12-05T10:00".into(),
        ends_at: "2026-12-05T17:00".into(),
        notes: String::new(),
    }
}

/// A till with an organizer and an event made from the starter flow.
pub(crate) fn till_with_flow() -> (TestTill, String, String) {
    let mut t = till();
    let organizer = people::add_with_pin(
        &mut t.store,
        &Actor::system("test"),
        &ApprovalRequest::none(),
        &PersonInput {
            name: "Maya Okafor".into(),
            role: "organizer".into(),
            pin: Some(PIN.into()),
        },
    )
    .unwrap();
    let event = t
        .store
        .write(&someone(), |tx| {
            tasks::create_event_with_flow(tx, &event_input("Winter Fair"), Some(STARTER_ID))
        })
        .unwrap();
    (t, event.id, organizer.id)
}

pub(crate) fn step_id(t: &TestTill, event_id: &str, key: &str) -> String {
    tasks::flow(&t.store, event_id)
        .unwrap()
        .steps
        .into_iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no step {key}"))
        .id
}

pub(crate) fn signer(name: &str) -> SignInput {
    SignInput {
        signer_name: name.into(),
        ..SignInput::default()
    }
}

/// Sign a one-person step with a typed name.
pub(crate) fn sign(
    t: &mut TestTill,
    task_id: &str,
    name: &str,
) -> popup_till_core::Result<tasks::Step> {
    t.store.write(&someone(), |tx| {
        tasks::sign(tx, task_id, &signer(name), None, None)
    })
}

pub(crate) fn signoffs(t: &TestTill) -> i64 {
    t.count("SELECT count(*) FROM task_signoff")
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
}

#[test]
fn an_event_created_from_the_starter_template_gets_its_flow_with_a_repeating_hygiene_check() {
    let (t, event_id, _) = till_with_flow();
    let flow = tasks::flow(&t.store, &event_id).unwrap();
    // 13 steps; the hygiene check (every 2 hours from 11:00 on a day
    // 10:00 to 17:00) is three tasks, each its own sign-off.
    assert_eq!(flow.total, 15);
    assert_eq!(flow.done, 0);
    let per_phase: Vec<(Phase, usize)> = flow.phases.iter().map(|p| (p.phase, p.total)).collect();
    assert_eq!(
        per_phase,
        vec![(Phase::Before, 6), (Phase::During, 6), (Phase::After, 3)]
    );
    let checks: Vec<(&str, &str, Option<&str>)> = flow
        .steps
        .iter()
        .filter(|s| s.key.starts_with("refill-hygiene"))
        .map(|s| (s.key.as_str(), s.title.as_str(), s.due_at.as_deref()))
        .collect();
    assert_eq!(
        checks,
        vec![
            (
                "refill-hygiene-1",
                "Refill station hygiene check (1 of 3)",
                Some("2026-12-05T11:00")
            ),
            (
                "refill-hygiene-2",
                "Refill station hygiene check (2 of 3)",
                Some("2026-12-05T13:00")
            ),
            (
                "refill-hygiene-3",
                "Refill station hygiene check (3 of 3)",
                Some("2026-12-05T15:00")
            ),
        ]
    );
    let open_till = flow.steps.iter().find(|s| s.key == "open-till").unwrap();
    assert_eq!(open_till.signoff, Signoff::TwoPeople);
    assert_eq!(open_till.action, Some(Action::OpenTill));
    assert_eq!(open_till.screen, Some("till"));
    assert_eq!(open_till.due_at.as_deref(), Some("2026-12-05T10:00"));
    let venue = flow.steps.iter().find(|s| s.key == "venue").unwrap();
    assert_eq!(venue.due_at.as_deref(), Some("2026-11-21T10:00"));
    assert_eq!(venue.due_text, "14 days before start");
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'task_flow.created'"),
        1
    );
}

#[test]
fn an_unknown_template_on_the_event_form_writes_neither_event_nor_flow() {
    let mut t = till();
    let journal = t.journal_len();
    let err = t
        .store
        .write(&someone(), |tx| {
            tasks::create_event_with_flow(tx, &event_input("Fair"), Some("no-such-template"))
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("template"));
    assert_eq!(t.count("SELECT count(*) FROM event"), 0);
    assert_eq!(t.count("SELECT count(*) FROM task"), 0);
    assert_eq!(t.journal_len(), journal);
}

#[test]
fn a_step_cannot_be_signed_before_its_prerequisites() {
    let (mut t, event_id, _) = till_with_flow();
    let receive = step_id(&t, &event_id, "receive");
    let before = (signoffs(&t), t.journal_len());
    let err = sign(&mut t, &receive, "Riley").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(
        err.to_string().contains("'Prepare catalog and prices'"),
        "{err}"
    );
    assert_eq!((signoffs(&t), t.journal_len()), before, "nothing written");

    let flow = tasks::flow(&t.store, &event_id).unwrap();
    let step = flow.steps.iter().find(|s| s.id == receive).unwrap();
    assert_eq!(step.waiting_for, vec!["Prepare catalog and prices"]);
    assert!(!flow.next.contains(&receive));

    let catalog = step_id(&t, &event_id, "catalog");
    sign(&mut t, &catalog, "Riley").unwrap();
    assert_eq!(
        sign(&mut t, &receive, "Riley").unwrap().status,
        StepStatus::Done
    );
}

#[test]
fn an_organizer_pin_step_is_refused_without_the_pin_and_with_a_wrong_one() {
    let (mut t, event_id, organizer) = till_with_flow();
    let venue = step_id(&t, &event_id, "venue");
    let before = (signoffs(&t), t.journal_len());
    let err = sign(&mut t, &venue, "Maya").unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert_eq!((signoffs(&t), t.journal_len()), before);

    let err = tasks::sign_with_pin(
        &mut t.store,
        &someone(),
        &venue,
        &signer("Maya"),
        &ApprovalRequest::new(&organizer, "000000"),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(err.to_string().contains("wrong PIN"), "{err}");
    assert_eq!(signoffs(&t), 0, "a wrong PIN signs nothing");

    let step = tasks::sign_with_pin(
        &mut t.store,
        &someone(),
        &venue,
        &signer("Maya"),
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap();
    assert_eq!(step.status, StepStatus::Done);
    assert_eq!(step.records[0].approved_by.as_deref(), Some("Maya Okafor"));
}

#[test]
fn a_skip_needs_a_reason_and_unblocks_the_steps_after_it() {
    let (mut t, event_id, _) = till_with_flow();
    let catalog = step_id(&t, &event_id, "catalog");
    let err = t
        .store
        .write(&someone(), |tx| tasks::skip(tx, &catalog, "  ", None))
        .unwrap_err();
    assert_eq!(err.field(), Some("reason"));
    assert_eq!(signoffs(&t), 0);
    let skipped = t
        .store
        .write(&someone(), |tx| {
            tasks::skip(tx, &catalog, "catalog kept from the autumn fair", None)
        })
        .unwrap();
    assert_eq!(skipped.status, StepStatus::Skipped);
    let err = sign(&mut t, &catalog, "Riley").unwrap_err();
    assert!(err.to_string().contains("skipped"), "{err}");
    // The skipped step no longer holds back the count that needs it.
    let receive_id = step_id(&t, &event_id, "receive");
    assert_eq!(
        sign(&mut t, &receive_id, "Riley").unwrap().status,
        StepStatus::Done
    );
}

#[test]
fn sign_offs_and_skips_are_append_only() {
    let (mut t, event_id, _) = till_with_flow();
    let catalog = step_id(&t, &event_id, "catalog");
    sign(&mut t, &catalog, "Riley").unwrap();
    let conn = t.store.conn();
    let err = conn
        .execute("UPDATE task_signoff SET reason = 'Someone else'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = conn.execute("DELETE FROM task_signoff", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn steps_past_their_due_time_stand_out_until_they_are_done() {
    // The flow is made two months ahead, so every due time comes after it.
    let mut t = till();
    HandClock::install_at(&mut t.store, "2026-10-01T09:00:00+02:00");
    people::add_with_pin(
        &mut t.store,
        &Actor::system("test"),
        &ApprovalRequest::none(),
        &PersonInput {
            name: "Maya Okafor".into(),
            role: "organizer".into(),
            pin: Some(PIN.into()),
        },
    )
    .unwrap();
    let event_id = t
        .store
        .write(&someone(), |tx| {
            tasks::create_event_with_flow(tx, &event_input("Winter Fair"), Some(STARTER_ID))
        })
        .unwrap()
        .id;
    let early = tasks::flow_at(t.store.conn(), &event_id, at("2026-11-01T09:00")).unwrap();
    assert_eq!(early.overdue, 0);
    // On the morning of the event every step before it is late (the
    // refill station was due set up at 09:00).
    let late = tasks::flow_at(t.store.conn(), &event_id, at("2026-12-05T09:30")).unwrap();
    assert_eq!(late.overdue, 6);
    assert!(late
        .steps
        .iter()
        .filter(|s| s.phase == Phase::Before)
        .all(|s| s.overdue));
    let catalog = step_id(&t, &event_id, "catalog");
    sign(&mut t, &catalog, "Riley").unwrap();
    let late = tasks::flow_at(t.store.conn(), &event_id, at("2026-12-05T09:30")).unwrap();
    assert_eq!(late.overdue, 5, "a done step is not overdue");
}

#[test]
fn a_due_time_that_makes_no_sense_is_refused_naming_the_field() {
    let (mut t, event_id, _) = till_with_flow();
    let catalog = step_id(&t, &event_id, "catalog");
    let journal = t.journal_len();
    for (due, needle) in [
        ("3 days after end", "does not fit the before phase"),
        ("2 hours after start", "does not fit the before phase"),
        ("400 days before start", "more than 90 days"),
        ("-2 days before start", "negative"),
        ("next tuesday", "not a due time"),
    ] {
        let err = t
            .store
            .write(&someone(), |tx| {
                tasks::edit_step(
                    tx,
                    &catalog,
                    &StepEdit {
                        assignee: "Riley".into(),
                        notes: String::new(),
                        due: due.into(),
                    },
                )
            })
            .unwrap_err();
        assert_eq!(err.field(), Some("due"), "{due}");
        assert!(err.to_string().contains(needle), "{due}: {err}");
    }
    assert_eq!(t.journal_len(), journal, "nothing written");
    let edited = t
        .store
        .write(&someone(), |tx| {
            tasks::edit_step(
                tx,
                &catalog,
                &StepEdit {
                    assignee: "Riley".into(),
                    notes: "price labels in the blue box".into(),
                    due: "2 weeks before start".into(),
                },
            )
        })
        .unwrap();
    assert_eq!(edited.assignee, "Riley");
    assert_eq!(edited.due_at.as_deref(), Some("2026-11-21T10:00"));
}

#[test]
fn the_work_completes_its_step_inside_the_callers_transaction() {
    let (mut t, event_id, _) = till_with_flow();
    let open_till = step_id(&t, &event_id, "open-till");
    // What the till does when it opens a session: its own write, its own
    // journal entry, and the step completed in the same transaction.
    let completed = t
        .store
        .write(&someone(), |tx| {
            tx.journal(
                "till_session.opened",
                "till_session",
                "session-1",
                serde_json::json!({}),
            )?;
            tasks::complete_by_action(
                tx,
                &event_id,
                Action::OpenTill,
                WorkSource::TillSession,
                "session-1",
            )
        })
        .unwrap();
    assert_eq!(completed.as_deref(), Some(open_till.as_str()));
    let flow = tasks::flow(&t.store, &event_id).unwrap();
    let step = flow.steps.iter().find(|s| s.id == open_till).unwrap();
    // Opening the till needs two people: the work is the first signature.
    assert_eq!(step.status, StepStatus::Open);
    assert_eq!(step.awaiting, Some(Awaiting::SecondSignature));
    assert_eq!(step.records[0].kind, "work");
    assert_eq!(step.records[0].source_type.as_deref(), Some("till_session"));
    assert_eq!(step.records[0].source_id.as_deref(), Some("session-1"));

    // A second session finds no step whose work is still to be done.
    let again = t
        .store
        .write(&someone(), |tx| {
            tx.journal(
                "till_session.opened",
                "till_session",
                "session-2",
                serde_json::json!({}),
            )?;
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
    assert_eq!(
        t.count("SELECT count(*) FROM task_signoff WHERE kind = 'work'"),
        1
    );

    // The two stock counts of the starter complete in flow order.
    let first = t
        .store
        .write(&someone(), |tx| {
            tasks::complete_by_action(tx, &event_id, Action::StockCount, WorkSource::Count, "c1")
        })
        .unwrap();
    assert_eq!(first, Some(step_id(&t, &event_id, "receive")));
    let second = t
        .store
        .write(&someone(), |tx| {
            tasks::complete_by_action(tx, &event_id, Action::StockCount, WorkSource::Count, "c2")
        })
        .unwrap();
    assert_eq!(second, Some(step_id(&t, &event_id, "mid-count")));
}

#[test]
fn the_whole_flow_can_be_walked_to_its_end() {
    let (mut t, event_id, organizer) = till_with_flow();
    let (riley, sam) = team(&mut t, &organizer);
    let flow = tasks::flow(&t.store, &event_id).unwrap();
    for step in &flow.steps {
        match step.signoff {
            Signoff::OrganizerPin => {
                tasks::sign_with_pin(
                    &mut t.store,
                    &someone(),
                    &step.id,
                    &signer("Maya"),
                    &ApprovalRequest::new(&organizer, PIN),
                )
                .unwrap();
            }
            Signoff::TwoPeople => {
                let done = sign_two(&mut t, &riley, &step.id, &sam, SAM_PIN).unwrap();
                assert_eq!(done.status, StepStatus::Done);
            }
            Signoff::One => {
                sign(&mut t, &step.id, "Riley").unwrap();
            }
        }
    }
    let flow = tasks::flow(&t.store, &event_id).unwrap();
    assert_eq!(flow.done, 15);
    assert!(flow.next.is_empty());
    assert!(flow.phases.iter().all(|p| p.done == p.total));
}

#[test]
fn journal_entries_of_sign_offs_hold_ids_and_never_names() {
    let (mut t, event_id, _) = till_with_flow();
    let catalog = step_id(&t, &event_id, "catalog");
    sign(&mut t, &catalog, "Zebedee Quill").unwrap();
    t.store
        .write(&someone(), |tx| {
            tasks::edit_step(
                tx,
                &catalog,
                &StepEdit {
                    assignee: "Zebedee Quill".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let float = step_id(&t, &event_id, "float");
    t.store
        .write(&someone(), |tx| {
            tasks::skip(tx, &float, "Zebedee Quill brings it", None)
        })
        .unwrap();
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE details LIKE '%Zebedee%'"),
        0
    );
    assert_eq!(
        t.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'task.signed' AND entity_id = '{catalog}'"
        )),
        1
    );
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'task.skipped'"),
        1
    );
}

#[test]
fn tasks_csv_for_the_organizer_names_assignees_and_signers_safely() {
    let (mut t, event_id, _) = till_with_flow();
    let catalog = step_id(&t, &event_id, "catalog");
    t.store
        .write(&someone(), |tx| {
            tasks::edit_step(
                tx,
                &catalog,
                &StepEdit {
                    assignee: "=HYPERLINK(\"x\")".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    sign(&mut t, &catalog, "Riley").unwrap();
    let mut out = Vec::new();
    tasks::write_csv(t.store.conn(), &event_id, PersonalData::Included, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, tasks::csv_columns(PersonalData::Included));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 15);
    let cell = |row: &csv::StringRecord, name: &str| {
        row[headers.iter().position(|h| h == name).unwrap()].to_string()
    };
    let row = rows
        .iter()
        .find(|r| cell(r, "title") == "Prepare catalog and prices")
        .unwrap();
    assert_eq!(
        cell(row, "assignee"),
        "'=HYPERLINK(\"x\")",
        "a formula is defused"
    );
    assert_eq!(cell(row, "status"), "done");
    assert_eq!(cell(row, "signoffs"), "1");
    assert_eq!(cell(row, "signed_by"), "Riley");
    assert!(cell(row, "signed_at_utc").starts_with("20"), "{row:?}");
}

#[test]
fn tasks_csv_without_personal_data_is_the_same_file_less_the_name_columns() {
    let (mut t, event_id, _) = till_with_flow();
    let catalog = step_id(&t, &event_id, "catalog");
    sign(&mut t, &catalog, "Riley").unwrap();
    let read = |personal| {
        let mut out = Vec::new();
        tasks::write_csv(t.store.conn(), &event_id, personal, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<Vec<(String, String)>> = reader
            .records()
            .map(|r| {
                headers
                    .iter()
                    .cloned()
                    .zip(r.unwrap().iter().map(String::from))
                    .collect()
            })
            .collect();
        (text, rows)
    };
    let (named_text, named) = read(PersonalData::Included);
    let (plain_text, plain) = read(PersonalData::default());
    assert!(named_text.contains("Riley"));
    assert!(!plain_text.contains("Riley"), "{plain_text}");
    let names = ["assignee", "signed_by", "approved_by"];
    let without_names: Vec<Vec<(String, String)>> = named
        .into_iter()
        .map(|row| {
            row.into_iter()
                .filter(|(h, _)| !names.contains(&h.as_str()))
                .collect()
        })
        .collect();
    assert_eq!(without_names, plain);
}

// --- templates --------------------------------------------------------------

fn step(key: &str, phase: &str, title: &str, due: Option<&str>, requires: &[&str]) -> StepInput {
    StepInput {
        key: key.into(),
        phase: phase.into(),
        title: title.into(),
        due: due.map(|d| DueInput::Text(d.into())),
        requires: requires.iter().map(|r| r.to_string()).collect(),
        ..Default::default()
    }
}

fn templates(t: &TestTill) -> i64 {
    t.count("SELECT count(*) FROM task_template")
}

#[test]
fn a_template_is_duplicated_edited_and_its_changes_journaled() {
    let mut t = till();
    let copy = t
        .store
        .write(&someone(), |tx| tasks::duplicate_template(tx, STARTER_ID))
        .unwrap();
    assert_eq!(copy.name, "Copy of One-day pop-up (starter)");
    assert_eq!(copy.steps.len(), 13);
    assert!(!copy.builtin);

    // Remove the mid-event count, add a raffle step, and move the float
    // first; a step whose phase changes moves to its phase.
    let mut input = TemplateInput {
        name: "Craft fair".into(),
        description: String::new(),
        steps: Vec::new(),
    };
    let mut steps: Vec<StepInput> = copy
        .steps
        .iter()
        .filter(|s| s.key != "mid-count")
        .map(|s| StepInput {
            key: s.key.clone(),
            phase: s.phase.as_str().into(),
            title: s.title.clone(),
            notes: s.notes.clone(),
            action: s.action.map(|a| a.as_str().into()),
            due: Some(DueInput::Text(s.due_text.clone())),
            signoff: s.signoff.as_str().into(),
            requires: s.requires.clone(),
            repeat: s.repeat_text.clone(),
        })
        .collect();
    let float = steps.iter().position(|s| s.key == "float").unwrap();
    let float = steps.remove(float);
    steps.insert(0, float);
    steps.insert(
        0,
        step(
            "raffle",
            "during",
            "Draw the raffle",
            Some("1 hour before end"),
            &[],
        ),
    );
    input.steps = steps;
    let saved = t
        .store
        .write(&someone(), |tx| tasks::save_template(tx, &copy.id, &input))
        .unwrap();
    let keys: Vec<&str> = saved.steps.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "float",
            "venue",
            "catalog",
            "receive",
            "load-out",
            "refill-setup",
            "raffle",
            "open-till",
            "sell",
            "refill-hygiene",
            "close-till",
            "refill-clean-down",
            "wrap-up"
        ]
    );
    // The hygiene check still repeats in the saved copy.
    let hygiene = saved
        .steps
        .iter()
        .find(|s| s.key == "refill-hygiene")
        .unwrap();
    assert_eq!(hygiene.repeat_minutes, Some(120));
    let raffle = &saved.steps[6];
    assert_eq!(raffle.due_text, "1 hour before end");

    let err = t
        .store
        .write(&someone(), |tx| {
            tasks::save_template(tx, STARTER_ID, &input)
        })
        .unwrap_err();
    assert!(err.to_string().contains("duplicate it"), "{err}");

    let actions: Vec<String> = {
        let mut stmt = t
            .store
            .conn()
            .prepare("SELECT action FROM audit_log WHERE entity = 'task_template' ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert_eq!(
        actions,
        vec!["task_template.duplicated", "task_template.saved"]
    );

    // An event made from it gets the edited steps.
    let ev = t
        .store
        .write(&someone(), |tx| {
            tasks::create_event_with_flow(tx, &event_input("Craft fair"), Some(&copy.id))
        })
        .unwrap();
    // 13 steps, the hygiene check three times over the day.
    assert_eq!(tasks::flow(&t.store, &ev.id).unwrap().total, 15);
}

#[test]
fn a_template_with_a_step_depending_on_a_later_one_is_refused() {
    let mut t = till();
    let input = TemplateInput {
        name: "Odd".into(),
        description: String::new(),
        steps: vec![
            step("a", "before", "Pack", None, &["b"]),
            step("b", "before", "Count", None, &[]),
        ],
    };
    let err = t
        .store
        .write(&someone(), |tx| tasks::create_template(tx, &input))
        .unwrap_err();
    assert_eq!(err.field(), Some("steps[1].requires"));
    assert!(err.to_string().contains("comes after it"), "{err}");
    assert_eq!(templates(&t), 0);
}

#[test]
fn a_template_exported_as_a_file_imports_as_the_same_flow() {
    let mut t = till();
    let text = tasks::export_template(t.store.conn(), STARTER_ID).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(file["format"], "popup-till.task-template");
    assert_eq!(file["version"], 1);
    let imported = t
        .store
        .write(&someone(), |tx| tasks::import_template(tx, &text))
        .unwrap();
    let starter = tasks::get_template(t.store.conn(), STARTER_ID).unwrap();
    assert_eq!(imported.steps, starter.steps);
    assert_eq!(imported.name, starter.name);
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'task_template.imported'"),
        1
    );
}

#[test]
fn hostile_template_files_are_refused_with_clear_messages_and_nothing_written() {
    let mut t = till();
    let good: serde_json::Value =
        serde_json::from_str(&tasks::export_template(t.store.conn(), STARTER_ID).unwrap()).unwrap();
    let mut wrong_version = good.clone();
    wrong_version["version"] = 2.into();
    let mut missing_title = good.clone();
    missing_title["steps"][3]
        .as_object_mut()
        .unwrap()
        .remove("title");
    let mut no_steps = good.clone();
    no_steps.as_object_mut().unwrap().remove("steps");
    let mut bad_action = good.clone();
    bad_action["steps"][0]["action"] = "rm -rf".into();
    let mut bad_due = good.clone();
    bad_due["steps"][0]["due"] = serde_json::json!({"anchor": "start", "offset_minutes": 1440});
    let mut many = good.clone();
    let one = good["steps"][1].clone();
    many["steps"] = serde_json::Value::Array(vec![one; 200]);
    // 10 MB of steps.
    let huge_step = serde_json::json!({"phase": "before", "title": "x".repeat(1000)});
    let mut huge = good.clone();
    huge["steps"] = serde_json::Value::Array(vec![huge_step; 10_000]);
    let huge = huge.to_string();
    assert!(huge.len() > 10_000_000);

    let cases: Vec<(String, &str, &str)> = vec![
        (wrong_version.to_string(), "template file", "version 2"),
        (
            missing_title.to_string(),
            "steps[4]",
            "missing field `title`",
        ),
        (no_steps.to_string(), "steps", "missing"),
        (
            bad_action.to_string(),
            "steps[1].action",
            "'rm -rf' is not an action",
        ),
        (
            bad_due.to_string(),
            "steps[1].due",
            "does not fit the before phase",
        ),
        (many.to_string(), "steps", "at most 100"),
        (huge, "template file", "at most 256 KB"),
        (
            "{\"format\": \"popup-till.task-template\", ".into(),
            "template file",
            "not a JSON",
        ),
        ("[1, 2, 3]".into(), "template file", "not a JSON object"),
        (
            "{\"format\": \"popup-till.task-template\", \"version\": \"1\", \"name\": \"x\", \"steps\": []}".into(),
            "template file",
            "not a whole number",
        ),
        (
            "{\"format\": \"other-app\", \"version\": 1}".into(),
            "template file",
            "not a Popup Till task template",
        ),
    ];
    let journal = t.journal_len();
    for (text, field, needle) in cases {
        let err = t
            .store
            .write(&someone(), |tx| tasks::import_template(tx, &text))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{err}");
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
    assert_eq!(templates(&t), 0);
    assert_eq!(t.count("SELECT count(*) FROM task_template_step"), 0);
    assert_eq!(t.journal_len(), journal);
}

#[test]
fn a_template_file_is_judged_by_its_size_before_anyone_reads_it() {
    // The window and the command line ask this with the file's size only,
    // and show the same message as an import of the text would.
    tasks::check_file_size(tasks::MAX_FILE_BYTES as u64).unwrap();
    let err = tasks::check_file_size(10 * 1024 * 1024).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(err.field(), Some("template file"));
    assert_eq!(
        err.to_string(),
        "Template file: is 10240 KB; a template file is at most 256 KB"
    );
}

#[test]
fn script_in_a_template_title_is_kept_as_plain_text() {
    let mut t = till();
    let mut file: serde_json::Value =
        serde_json::from_str(&tasks::export_template(t.store.conn(), STARTER_ID).unwrap()).unwrap();
    let title = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    file["steps"][0]["title"] = title.into();
    let imported = t
        .store
        .write(&someone(), |tx| {
            tasks::import_template(tx, &file.to_string())
        })
        .unwrap();
    assert_eq!(imported.steps[0].title, title);
}

#[test]
fn a_repeat_is_for_a_step_during_the_event_and_reads_in_hours_or_minutes() {
    use popup_till_core::tasks::parse_repeat;
    assert_eq!(parse_repeat("repeat", "every 2 hours").unwrap(), Some(120));
    assert_eq!(parse_repeat("repeat", "90 minutes").unwrap(), Some(90));
    assert_eq!(parse_repeat("repeat", "every hour").unwrap(), Some(60));
    assert_eq!(parse_repeat("repeat", "").unwrap(), None);
    assert!(parse_repeat("repeat", "every 5 minutes").is_err());
    assert!(parse_repeat("repeat", "often").is_err());
    let mut input = tasks::starter();
    let venue = input.steps.iter_mut().find(|s| s.key == "venue").unwrap();
    venue.repeat = "every 2 hours".into();
    let err = tasks::validate_template(&input).unwrap_err();
    assert_eq!(err.field(), Some("steps[1].repeat"));
}
