//! The role table: every action in it is refused to a cashier at the till
//! without an organizer's PIN (answering `approval_needed`, naming the
//! action, writing nothing), and goes ahead with the PIN or with an
//! organizer at the till; below their limits the conditional ones do not
//! ask.

use popup_till_core::shop::at_till;
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::shop::roles::{self, Need, ROLES};
use popup_till_core::stock::flows::{self, CountInput, CountLine, WasteInput};
use popup_till_core::{Actor, ErrorCode};

use crate::till_support::{shop, CASHIER_PIN, PIN};

#[test]
fn every_action_that_always_needs_an_organizer_is_refused_to_a_cashier_without_a_pin() {
    let mut s = shop();
    let cashier = s.cashier.clone();
    let organizer = s.organizer.clone();
    let (cashier_at, _) = at_till::take_till(&mut s.t.store, &cashier, CASHIER_PIN).unwrap();
    let (organizer_at, _) = at_till::take_till(&mut s.t.store, &organizer, PIN).unwrap();
    let always: Vec<_> = ROLES.iter().filter(|p| p.need == Need::Always).collect();
    assert!(always.len() >= 12, "{} actions", always.len());
    for p in always {
        let before = s.t.journal_len();
        let err = roles::approved_write(
            &mut s.t.store,
            &Actor::person(&cashier),
            p.action,
            &ApprovalRequest::none().from_till(Some(cashier_at.clone())),
            |tx, _| tx.journal("test.done", "test", "x", serde_json::json!({})),
        )
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::ApprovalNeeded, "{:?}", p.action);
        assert!(
            err.to_string()
                .to_lowercase()
                .starts_with(&p.what.to_lowercase()),
            "{err}"
        );
        assert_eq!(s.t.journal_len(), before, "{:?} wrote nothing", p.action);
        // With the organizer's PIN typed at the cashier's till: done, and
        // the journal says who approved it.
        roles::approved_write(
            &mut s.t.store,
            &Actor::person(&cashier),
            p.action,
            &ApprovalRequest::new(&organizer, PIN).from_till(Some(cashier_at.clone())),
            |tx, _| tx.journal("test.done", "test", "x", serde_json::json!({})),
        )
        .unwrap();
        // With the organizer at the till: done without a PIN.
        roles::approved_write(
            &mut s.t.store,
            &Actor::person(&organizer),
            p.action,
            &ApprovalRequest::none().from_till(Some(organizer_at.clone())),
            |tx, _| tx.journal("test.done", "test", "x", serde_json::json!({})),
        )
        .unwrap();
    }
    let approvals = s.t.count(&format!(
        "SELECT count(*) FROM audit_log WHERE action = 'approval.given' AND details LIKE '%{organizer}%'"
    ));
    assert_eq!(
        approvals,
        2 * ROLES.iter().filter(|p| p.need == Need::Always).count() as i64
    );
}

#[test]
fn a_count_that_records_a_loss_needs_an_organizer_and_one_that_does_not_goes_ahead() {
    let mut s = shop();
    let cashier = s.cashier.clone();
    let organizer = s.organizer.clone();
    let actor = Actor::person(&cashier);
    let pa = popup_till_core::shop::people::Approval::file_holder();
    // Ten mugs in storage.
    s.t.store
        .write(&actor, |tx| {
            flows::count(
                tx,
                Some(&pa),
                &CountInput {
                    location: None,
                    event_id: None,
                    lines: vec![CountLine {
                        product_id: s.mug.clone(),
                        counted: "10".into(),
                    }],
                    note: String::new(),
                },
            )
        })
        .unwrap();
    let count = |counted: &str| CountInput {
        location: None,
        event_id: None,
        lines: vec![CountLine {
            product_id: s.mug.clone(),
            counted: counted.into(),
        }],
        note: String::new(),
    };
    let (found_more, found_fewer) = (count("12"), count("9"));
    flows::count_with_pin(
        &mut s.t.store,
        &actor,
        &ApprovalRequest::none(),
        &found_more,
    )
    .unwrap();
    let before = s.t.journal_len();
    let err = flows::count_with_pin(
        &mut s.t.store,
        &actor,
        &ApprovalRequest::none(),
        &found_fewer,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert_eq!(s.t.journal_len(), before);
    flows::count_with_pin(
        &mut s.t.store,
        &actor,
        &ApprovalRequest::new(&organizer, PIN),
        &found_fewer,
    )
    .unwrap();
    // Waste always needs one.
    let err = roles::approved_write(
        &mut s.t.store,
        &actor,
        roles::Action::WasteStock,
        &ApprovalRequest::none(),
        |tx, ok| {
            flows::waste(
                tx,
                ok,
                &WasteInput {
                    product_id: s.mug.clone(),
                    location: None,
                    event_id: None,
                    quantity: "1".into(),
                    note: String::new(),
                },
            )
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert_eq!(err.to_string(), "Recording waste needs an organizer's PIN");
}
