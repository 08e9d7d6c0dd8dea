//! People and organizer PINs: Argon2id hashes, refusals, and the lockout
//! that grows after wrong PINs and survives a restart.

use popup_till_core::shop::at_till;
use popup_till_core::shop::people::{
    self, Approval, ApprovalRequest, PersonInput, Role, FIRST_LOCKOUT_SECS,
};
use popup_till_core::shop::settings::{self, SettingsInput};
use popup_till_core::shop::status;
use popup_till_core::{Actor, ErrorCode};

use crate::support::{till, HandClock, TestTill};

fn add(
    t: &mut TestTill,
    name: &str,
    role: &str,
    pin: Option<&str>,
) -> popup_till_core::Result<people::Person> {
    let organizer = people::list(t.store.conn())
        .unwrap()
        .into_iter()
        .find(|p| p.role == Role::Organizer);
    people::add_with_pin(
        &mut t.store,
        &Actor::system("test"),
        &ApprovalRequest {
            organizer_id: organizer.map(|p| p.id),
            pin: Some("111111".into()),
            ..ApprovalRequest::none()
        },
        &PersonInput {
            name: name.into(),
            role: role.into(),
            pin: pin.map(str::to_string),
        },
    )
}

#[test]
fn an_organizer_pin_is_stored_as_argon2id_with_owasp_parameters() {
    let mut t = till();
    let p = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    let phc: String = t
        .store
        .conn()
        .query_row("SELECT pin_hash FROM person WHERE id = ?1", [&p.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(!phc.contains("111111"));
}

#[test]
fn a_pin_under_six_digits_or_with_letters_is_refused_and_nothing_is_written() {
    let mut t = till();
    let journal = t.journal_len();
    let err = add(&mut t, "Maya", "organizer", Some("12345")).unwrap_err();
    assert_eq!(err.field(), Some("pin"));
    assert_eq!(err.to_string(), "PIN: must have at least 6 digits");
    let err = add(&mut t, "Maya", "organizer", Some("12345a")).unwrap_err();
    assert_eq!(err.field(), Some("pin"));
    let err = add(&mut t, "Maya", "organizer", None).unwrap_err();
    assert_eq!(err.field(), Some("pin"));
    assert_eq!(t.count("SELECT count(*) FROM person"), 0);
    assert_eq!(t.journal_len(), journal);
}

#[test]
fn once_an_organizer_exists_adding_people_needs_their_pin() {
    let mut t = till();
    add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    let err = people::add_with_pin(
        &mut t.store,
        &Actor::system("test"),
        &ApprovalRequest::none(),
        &PersonInput {
            name: "Jonas".into(),
            role: "cashier".into(),
            pin: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    let jonas = add(&mut t, "Jonas", "cashier", Some("1357")).unwrap();
    assert_eq!(jonas.role, Role::Cashier);
    let err = add(&mut t, "jonas", "cashier", Some("1357")).unwrap_err();
    assert_eq!(err.field(), Some("name"));
}

/// An organizer-only change through the one way to an `Approval`.
fn try_pin(t: &mut TestTill, organizer_id: &str, pin: &str) -> popup_till_core::Result<Approval> {
    people::approve(&mut t.store, &ApprovalRequest::new(organizer_id, pin))
}

#[test]
fn the_right_pin_approves_and_a_wrong_or_missing_one_yields_no_approval() {
    let mut t = till();
    let maya = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    let approval = try_pin(&mut t, &maya.id, "111111").unwrap();
    assert_eq!(approval.organizer_id(), maya.id);
    let err = try_pin(&mut t, &maya.id, "999999").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert_eq!(err.to_string(), "wrong PIN; 2 more tries before a lockout");
    for missing in [
        ApprovalRequest::none(),
        ApprovalRequest::new(&maya.id, "  "),
        ApprovalRequest::new("", "111111"),
    ] {
        let err = people::approve(&mut t.store, &missing).unwrap_err();
        assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    }
    // Only a checked PIN counts as a try.
    assert_eq!(t.count("SELECT count(*) FROM pin_attempt"), 2);
}

#[test]
fn a_privileged_change_runs_only_with_the_approval_a_pin_yields() {
    let mut t = till();
    let maya = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    let mut input = SettingsInput::from_settings(&settings::load(t.store.conn()).unwrap());
    input.shop_name = "Loop & Jar".into();
    // `settings::save` takes an `&Approval`: the only way to one is a PIN.
    let approval = try_pin(&mut t, &maya.id, "111111").unwrap();
    let saved = t
        .store
        .write(&Actor::person(&maya.id), |tx| {
            settings::save(tx, &approval, &input)
        })
        .unwrap();
    assert_eq!(saved.shop_name, "Loop & Jar");
    let approved_by: String = t
        .store
        .conn()
        .query_row(
            "SELECT json_extract(details, '$.approved_by') FROM audit_log WHERE action = 'settings.changed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(approved_by, maya.id);
    // With a team, the setup path no longer approves on its own.
    let err = settings::save_with_pin(
        &mut t.store,
        &Actor::person(&maya.id),
        &ApprovalRequest::none(),
        &input,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
}

#[test]
fn an_empty_team_is_set_up_without_a_pin_and_by_the_setup_itself() {
    let mut t = till();
    let approval = people::approve_setup(&mut t.store, &ApprovalRequest::none()).unwrap();
    assert_eq!(approval.organizer_id(), "system:setup");
    let actor = status::setup_actor(t.store.conn(), None).unwrap();
    assert_eq!(actor.id, "system:setup");
    let maya = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    let err = people::approve_setup(&mut t.store, &ApprovalRequest::none()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    let err = status::setup_actor(t.store.conn(), None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoOneAtTill);
    let (at, _) = at_till::take_till(&mut t.store, &maya.id, "111111").unwrap();
    let actor = status::setup_actor(t.store.conn(), Some(&at)).unwrap();
    assert_eq!(actor.id, maya.id);
}

#[test]
fn wrong_pins_lock_out_with_growing_delays_that_survive_a_restart() {
    let mut t = till();
    let maya = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    let clock = HandClock::install(&mut t.store);
    for _ in 0..2 {
        try_pin(&mut t, &maya.id, "000000").unwrap_err();
    }
    let err = try_pin(&mut t, &maya.id, "000000").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("wrong PIN; tries are locked for {FIRST_LOCKOUT_SECS} s")
    );

    // Locked: even the right PIN is refused, and not checked.
    let err = try_pin(&mut t, &maya.id, "111111").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Locked);

    // A restart does not lift the lockout.
    let mut t = t.reopen();
    let clock2 = HandClock::install(&mut t.store);
    let err = try_pin(&mut t, &maya.id, "111111").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Locked);
    drop(clock);

    // After the delay, another wrong PIN locks for twice as long.
    clock2.advance(FIRST_LOCKOUT_SECS + 1);
    let err = try_pin(&mut t, &maya.id, "000000").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "wrong PIN; tries are locked for {} s",
            2 * FIRST_LOCKOUT_SECS
        )
    );
    clock2.advance(FIRST_LOCKOUT_SECS + 1);
    let err = try_pin(&mut t, &maya.id, "111111").unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Locked,
        "still locked: the second lockout is longer"
    );

    // Once it expires, the right PIN works and clears the count.
    clock2.advance(FIRST_LOCKOUT_SECS);
    try_pin(&mut t, &maya.id, "111111").unwrap();
    let state = people::lockout(t.store.conn(), &maya.id, chrono::Utc::now()).unwrap();
    assert_eq!(state.failures, 0);
}

#[test]
fn pin_tries_are_append_only() {
    let mut t = till();
    let maya = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    try_pin(&mut t, &maya.id, "000000").unwrap_err();
    assert_eq!(t.count("SELECT count(*) FROM pin_attempt"), 1);
    for sql in ["UPDATE pin_attempt SET ok = 1", "DELETE FROM pin_attempt"] {
        let err = t.store.conn().execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn the_last_organizer_cannot_be_deactivated() {
    let mut t = till();
    let maya = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    let err = people::set_active_with_pin(
        &mut t.store,
        &Actor::system("test"),
        &ApprovalRequest::new(&maya.id, "111111"),
        &maya.id,
        false,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
}
