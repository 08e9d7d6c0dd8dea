//! People and organizer PINs: Argon2id hashes, refusals, and the lockout
//! that grows after wrong PINs and survives a restart.

use popup_till_core::shop::people::{self, PersonInput, Role, FIRST_LOCKOUT_SECS};
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
        organizer.as_ref().map(|p| p.id.as_str()),
        Some("111111"),
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
    assert_eq!(err.to_string(), "pin: must have at least 6 digits");
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
        None,
        None,
        &PersonInput {
            name: "Jonas".into(),
            role: "cashier".into(),
            pin: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    let jonas = add(&mut t, "Jonas", "cashier", None).unwrap();
    assert_eq!(jonas.role, Role::Cashier);
    let err = add(&mut t, "jonas", "cashier", None).unwrap_err();
    assert_eq!(err.field(), Some("name"));
}

#[test]
fn the_right_pin_approves_and_a_wrong_one_is_refused() {
    let mut t = till();
    let maya = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    let approval = people::verify_organizer_pin(&mut t.store, &maya.id, "111111").unwrap();
    assert_eq!(approval.organizer_id(), maya.id);
    let err = people::verify_organizer_pin(&mut t.store, &maya.id, "999999").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert_eq!(err.to_string(), "wrong PIN; 2 more tries before a lockout");
}

#[test]
fn wrong_pins_lock_out_with_growing_delays_that_survive_a_restart() {
    let mut t = till();
    let maya = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    let clock = HandClock::install(&mut t.store);
    for _ in 0..2 {
        people::verify_organizer_pin(&mut t.store, &maya.id, "000000").unwrap_err();
    }
    let err = people::verify_organizer_pin(&mut t.store, &maya.id, "000000").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("wrong PIN; tries are locked for {FIRST_LOCKOUT_SECS} s")
    );

    // Locked: even the right PIN is refused, and not checked.
    let err = people::verify_organizer_pin(&mut t.store, &maya.id, "111111").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Locked);

    // A restart does not lift the lockout.
    let mut t = t.reopen();
    let clock2 = HandClock::install(&mut t.store);
    let err = people::verify_organizer_pin(&mut t.store, &maya.id, "111111").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Locked);
    drop(clock);

    // After the delay, another wrong PIN locks for twice as long.
    clock2.advance(FIRST_LOCKOUT_SECS + 1);
    let err = people::verify_organizer_pin(&mut t.store, &maya.id, "000000").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "wrong PIN; tries are locked for {} s",
            2 * FIRST_LOCKOUT_SECS
        )
    );
    clock2.advance(FIRST_LOCKOUT_SECS + 1);
    let err = people::verify_organizer_pin(&mut t.store, &maya.id, "111111").unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Locked,
        "still locked: the second lockout is longer"
    );

    // Once it expires, the right PIN works and clears the count.
    clock2.advance(FIRST_LOCKOUT_SECS);
    people::verify_organizer_pin(&mut t.store, &maya.id, "111111").unwrap();
    let state = people::lockout(t.store.conn(), &maya.id, chrono::Utc::now()).unwrap();
    assert_eq!(state.failures, 0);
}

#[test]
fn pin_tries_are_append_only() {
    let mut t = till();
    let maya = add(&mut t, "Maya", "organizer", Some("111111")).unwrap();
    people::verify_organizer_pin(&mut t.store, &maya.id, "000000").unwrap_err();
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
        Some(&maya.id),
        Some("111111"),
        &maya.id,
        false,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
}
