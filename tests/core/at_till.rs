//! Who is at the till: each person takes it with their own PIN (cashiers 4
//! digits or more, organizers 6), the till locks itself after the idle
//! time, a deactivated person is refused on the next command, an organizer
//! at the till approves without typing the PIN again, and PINs are changed
//! by their owner or reset by an organizer.

use std::time::Duration;

use popup_till_core::shop::at_till::{self, AtTill};
use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
use popup_till_core::shop::settings::{self, SettingsInput};
use popup_till_core::{Actor, ErrorCode};

use crate::support::HandClock;
use crate::till_support::{shop, Shop, CASHIER_PIN, PIN};

fn take(s: &mut Shop, who: &str, pin: &str) -> popup_till_core::Result<AtTill> {
    at_till::take_till(&mut s.t.store, who, pin).map(|(at, _)| at)
}

fn journal_actions(s: &Shop, entity_id: &str) -> Vec<(String, String)> {
    let mut stmt =
        s.t.store
            .conn()
            .prepare("SELECT actor_id, action FROM audit_log WHERE entity_id = ?1 ORDER BY seq")
            .unwrap();
    stmt.query_map([entity_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_person_takes_the_till_only_with_their_own_pin() {
    let mut s = shop();
    let cashier = s.cashier.clone();
    let organizer = s.organizer.clone();
    // The organizer's PIN does not open the till for the cashier, nor the
    // cashier's for the organizer.
    let err = take(&mut s, &cashier, PIN).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert_eq!(err.to_string(), "wrong PIN; 2 more tries before a lockout");
    let err = take(&mut s, &organizer, CASHIER_PIN).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    let at = take(&mut s, &cashier, CASHIER_PIN).unwrap();
    assert_eq!(at.person_id(), cashier);
    assert_eq!(at.role(), people::Role::Cashier);
    // Each try is journaled under the person it was typed for, never the PIN.
    let tries: Vec<_> = journal_actions(&s, &cashier)
        .into_iter()
        .filter(|(_, a)| a.starts_with("pin."))
        .collect();
    assert_eq!(
        tries,
        [
            (cashier.clone(), "pin.rejected".to_string()),
            (cashier.clone(), "pin.accepted".to_string())
        ]
    );
    let details: String =
        s.t.store
            .conn()
            .query_row("SELECT group_concat(details, '') FROM audit_log", [], |r| {
                r.get(0)
            })
            .unwrap();
    assert!(!details.contains(CASHIER_PIN) && !details.contains(PIN));
}

#[test]
fn cashier_pins_have_four_digits_or_more_and_organizer_pins_six() {
    let mut s = shop();
    let organizer = s.organizer.clone();
    let add = |s: &mut Shop, role: &str, pin: Option<&str>| {
        people::add_with_pin(
            &mut s.t.store,
            &Actor::person(&organizer),
            &ApprovalRequest::new(&organizer, PIN),
            &PersonInput {
                name: format!("New {role}"),
                role: role.into(),
                pin: pin.map(str::to_string),
            },
        )
    };
    let err = add(&mut s, "cashier", None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "PIN: a cashier needs a PIN of at least 4 digits"
    );
    let err = add(&mut s, "cashier", Some("123")).unwrap_err();
    assert_eq!(err.to_string(), "PIN: must have at least 4 digits");
    let err = add(&mut s, "organizer", Some("1234")).unwrap_err();
    assert_eq!(err.to_string(), "PIN: must have at least 6 digits");
    let err = add(&mut s, "cashier", Some("12a4")).unwrap_err();
    assert_eq!(err.field(), Some("pin"));
    let cashier = add(&mut s, "cashier", Some("2468")).unwrap();
    take(&mut s, &cashier.id, "2468").unwrap();
}

#[test]
fn a_deactivated_person_is_refused_on_the_next_command_and_cannot_take_the_till() {
    let mut s = shop();
    let cashier = s.cashier.clone();
    let organizer = s.organizer.clone();
    let at = take(&mut s, &cashier, CASHIER_PIN).unwrap();
    let actor = at_till::check(s.t.store.conn(), Some(&at), Duration::ZERO).unwrap();
    assert_eq!(actor.id, cashier);
    people::set_active_with_pin(
        &mut s.t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        &cashier,
        false,
    )
    .unwrap();
    let err = at_till::check(s.t.store.conn(), Some(&at), Duration::ZERO).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoOneAtTill);
    assert!(err.to_string().contains("no longer active"), "{err}");
    let err = take(&mut s, &cashier, CASHIER_PIN).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    // Nobody at the till: refused too.
    let err = at_till::check(s.t.store.conn(), None, Duration::ZERO).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoOneAtTill);
}

#[test]
fn the_till_locks_itself_after_the_idle_time_in_the_settings() {
    let mut s = shop();
    let cashier = s.cashier.clone();
    let at = take(&mut s, &cashier, CASHIER_PIN).unwrap();
    let conn = s.t.store.conn();
    // The default: 10 minutes.
    at_till::check(conn, Some(&at), Duration::from_secs(9 * 60)).unwrap();
    let err = at_till::check(conn, Some(&at), Duration::from_secs(10 * 60 + 1)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoOneAtTill);
    assert!(err.to_string().contains("after 10 minutes"), "{err}");
    // Set to 2 minutes, 3 idle minutes lock it.
    let mut input = SettingsInput::from_settings(&settings::load(conn).unwrap());
    input.idle_lock_minutes = "2".into();
    let organizer = s.organizer.clone();
    settings::save_with_pin(
        &mut s.t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        &input,
    )
    .unwrap();
    let conn = s.t.store.conn();
    let err = at_till::check(conn, Some(&at), Duration::from_secs(3 * 60)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoOneAtTill);
    input.idle_lock_minutes = "0".into();
    let err = settings::save_with_pin(
        &mut s.t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        &input,
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("idle_lock_minutes"));
}

#[test]
fn an_organizer_at_the_till_approves_without_the_pin_and_a_cashier_is_asked_for_one() {
    let mut s = shop();
    let cashier = s.cashier.clone();
    let organizer = s.organizer.clone();
    let cashier_at = take(&mut s, &cashier, CASHIER_PIN).unwrap();
    let err = people::approve(
        &mut s.t.store,
        &ApprovalRequest::none().from_till(Some(cashier_at.clone())),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    // A wrong organizer PIN typed at the cashier's till is journaled under
    // the cashier, who typed it.
    people::approve(
        &mut s.t.store,
        &ApprovalRequest::new(&organizer, "000000").from_till(Some(cashier_at)),
    )
    .unwrap_err();
    let last = journal_actions(&s, &organizer).pop().unwrap();
    assert_eq!(last, (cashier.clone(), "pin.rejected".to_string()));

    let organizer_at = take(&mut s, &organizer, PIN).unwrap();
    let tries = s.t.count("SELECT count(*) FROM pin_attempt");
    let approval = people::approve(
        &mut s.t.store,
        &ApprovalRequest::none().from_till(Some(organizer_at)),
    )
    .unwrap();
    assert_eq!(approval.organizer_id(), organizer);
    assert_eq!(s.t.count("SELECT count(*) FROM pin_attempt"), tries);
}

#[test]
fn a_person_changes_their_own_pin_with_the_old_one_and_an_organizer_resets_it() {
    let mut s = shop();
    let cashier = s.cashier.clone();
    let organizer = s.organizer.clone();
    let err = people::change_own_pin(&mut s.t.store, &cashier, "9999", "5555").unwrap_err();
    assert_eq!(err.field(), Some("old_pin"));
    let err = people::change_own_pin(&mut s.t.store, &cashier, CASHIER_PIN, "55").unwrap_err();
    assert_eq!(err.field(), Some("pin"));
    people::change_own_pin(&mut s.t.store, &cashier, CASHIER_PIN, "5555").unwrap();
    take(&mut s, &cashier, CASHIER_PIN).unwrap_err();
    take(&mut s, &cashier, "5555").unwrap();

    // Forgotten and locked out: an organizer resets it, and the lockout ends.
    for _ in 0..3 {
        take(&mut s, &cashier, "0000").unwrap_err();
    }
    assert_eq!(
        take(&mut s, &cashier, "5555").unwrap_err().code(),
        ErrorCode::Locked
    );
    let err = people::reset_pin_with_pin(
        &mut s.t.store,
        &Actor::person(&cashier),
        &ApprovalRequest::none(),
        &cashier,
        "7777",
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    people::reset_pin_with_pin(
        &mut s.t.store,
        &Actor::person(&organizer),
        &ApprovalRequest::new(&organizer, PIN),
        &cashier,
        "7777",
    )
    .unwrap();
    take(&mut s, &cashier, "7777").unwrap();
    let changes: Vec<_> = journal_actions(&s, &cashier)
        .into_iter()
        .filter(|(_, a)| a == "person.pin_changed")
        .map(|(actor, _)| actor)
        .collect();
    assert_eq!(changes, [cashier.clone(), organizer.clone()]);
}

#[test]
fn the_lockout_counts_tries_in_the_order_they_were_made_not_by_the_clock() {
    let mut s = shop();
    let cashier = s.cashier.clone();
    let clock = HandClock::install(&mut s.t.store);
    take(&mut s, &cashier, CASHIER_PIN).unwrap();
    // Three wrong tries, each stamped an hour before the last (a clock
    // being set back): they still come after the right one.
    for _ in 0..3 {
        clock.advance(-3600);
        take(&mut s, &cashier, "0000").unwrap_err();
    }
    let err = take(&mut s, &cashier, CASHIER_PIN).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Locked, "{err}");
}

#[test]
fn an_organizer_at_the_till_is_not_asked_for_a_pin_by_the_quote() {
    use popup_till_core::till::cart::{CartInput, LineInput};
    use popup_till_core::till::quote;
    let mut s = shop();
    let cashier = s.cashier.clone();
    let organizer = s.organizer.clone();
    // Half off the mug: above the discount limit.
    let cart = CartInput {
        lines: vec![LineInput {
            product_id: s.mug.clone(),
            quantity: "1".into(),
            discount: crate::till_support::percent("50"),
            ..Default::default()
        }],
        ..Default::default()
    };
    let cashier_at = take(&mut s, &cashier, CASHIER_PIN).unwrap();
    let organizer_at = take(&mut s, &organizer, PIN).unwrap();
    let conn = s.t.store.conn();
    let q = quote::quote_at_till(conn, &cart, Some(&cashier_at)).unwrap();
    assert!(q.needs_approval && !q.approval_reasons.is_empty());
    let q = quote::quote_at_till(conn, &cart, Some(&organizer_at)).unwrap();
    assert!(!q.needs_approval);
    assert!(
        !q.approval_reasons.is_empty(),
        "the reasons are still shown"
    );
}
