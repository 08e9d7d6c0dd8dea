//! Loyalty across tills: merging a second till's file unites the card
//! ledgers, so balances and who came back count both tills; a reward whose
//! stamps were spent on two tills that had not met is flagged after the
//! merge.

use popup_till_core::db::journal;
use popup_till_core::loyalty;
use popup_till_core::reporting::loyalty::repeat_visits;
use popup_till_core::reporting::report::Viewer;
use popup_till_core::till::cart::LineInput;
use popup_till_core::tills::reward_flags::rewards_used_twice;

use crate::loyalty::{balance, next_market, open_till_and_a_new_card, with_card};
use crate::till_support::{cash, line};
use crate::tills::{merge_into, second_till};

#[test]
fn a_merge_unites_the_card_ledgers_and_repeat_visits_count_both_tills() {
    let (mut t1, a) = open_till_and_a_new_card();
    let clock = crate::support::HandClock::install_at(&mut t1.t.store, "2026-12-05T10:00:00+01:00");
    let cards = loyalty::new_cards(t1.t.store.conn(), 2).unwrap();
    let (b, c) = (&cards[0], &cards[1]);
    let jam = t1.jam.clone();
    // The first market, on one till: cards A and B.
    for card in [&a, b] {
        t1.sell(&with_card(vec![line(&jam, "1")], card), &[cash("")])
            .unwrap();
    }
    // The second market, with a second laptop made for it.
    clock.advance(7 * 24 * 3600);
    next_market(&mut t1, "Second market", "2026-12-12");
    let second = t1.event.clone();
    let mut t2 = second_till(&mut t1, "T2");
    t2.open_session("50.00", false);
    let jam2 = t2.jam.clone();
    // A comes back on T1; B comes back on T2, and C is new there.
    t1.sell(&with_card(vec![line(&jam, "1")], &a), &[cash("")])
        .unwrap();
    for card in [b, c] {
        t2.sell(&with_card(vec![line(&jam2, "1")], card), &[cash("")])
            .unwrap();
    }
    let before = repeat_visits(t1.t.store.conn(), &second).unwrap();
    assert_eq!(
        (before.cards_seen, before.cards_returning),
        (1, 1),
        "T1 alone saw A"
    );
    let b_on_t2 = balance(&t2, b);
    let entries = t1.t.count("SELECT count(*) FROM loyalty_entry")
        + t2.t.count("SELECT count(*) FROM loyalty_entry")
        - 2 * 2; // the first market's entries, on both files
    merge_into(&mut t1, &t2).unwrap();
    assert_eq!(t1.t.count("SELECT count(*) FROM loyalty_entry"), entries);
    let after = repeat_visits(t1.t.store.conn(), &second).unwrap();
    assert_eq!(
        (
            after.cards_seen,
            after.cards_returning,
            after.new,
            after.return_rate.as_deref()
        ),
        (3, 2, 1, Some("66.7"))
    );
    // B's balance is the sum of its ledger on both tills.
    assert_eq!(balance(&t1, b), b_on_t2);
    let history = loyalty::card(t1.t.store.conn(), b, Viewer::Cashier)
        .unwrap()
        .history;
    assert_eq!(history.iter().filter(|e| e.kind == "visit").count(), 2);
    assert!(journal::verify(t1.t.store.conn()).unwrap().holds());
    // Merging again changes nothing.
    merge_into(&mut t1, &t2).unwrap();
    assert_eq!(t1.t.count("SELECT count(*) FROM loyalty_entry"), entries);
}

#[test]
fn a_reward_used_on_two_tills_is_flagged_after_the_merge() {
    let (mut t1, card) = open_till_and_a_new_card();
    let (mug, jam) = (t1.mug.clone(), t1.jam.clone());
    // 4 mugs: 6 stamps, enough for one free jam (5).
    t1.sell(&with_card(vec![line(&mug, "4")], &card), &[cash("")])
        .unwrap();
    let mut t2 = second_till(&mut t1, "T2");
    t2.open_session("50.00", false);
    let free_jam = LineInput {
        reward_id: Some("free-jam".into()),
        ..line(&jam, "1")
    };
    // Each till, knowing only its own ledger, lets the card have it.
    for s in [&mut t1, &mut t2] {
        s.sell(&with_card(vec![free_jam.clone()], &card), &[cash("")])
            .unwrap();
        let event = s.event.clone();
        assert!(rewards_used_twice(s.t.store.conn(), &event)
            .unwrap()
            .is_empty());
    }
    merge_into(&mut t1, &t2).unwrap();
    let event = t1.event.clone();
    let flags = rewards_used_twice(t1.t.store.conn(), &event).unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    let f = &flags[0];
    assert_eq!(
        Some(f.card.clone()),
        loyalty::card(t1.t.store.conn(), &card, Viewer::Cashier)
            .unwrap()
            .card
    );
    assert_eq!(f.tills, ["T1", "T2"]);
    assert_eq!(f.rewards, ["free-jam"]);
    assert_eq!(f.spent, 10);
    assert!(f.balance < 0 && f.earned < f.spent, "{f:?}");
    assert!(f.message.contains("T1 and T2"), "{}", f.message);
}

#[test]
fn a_moment_changed_on_the_second_till_is_changed_after_the_merge() {
    use popup_till_core::shop::moments::{self, MomentInput};
    use popup_till_core::shop::people::ApprovalRequest;
    let (mut t1, _) = open_till_and_a_new_card();
    let event = t1.event.clone();
    let input = |name: &str, from: &str, to: &str| MomentInput {
        name: name.into(),
        starts_at: from.into(),
        ends_at: to.into(),
    };
    let (drop, talk) =
        t1.t.store
            .write(&t1.cashier(), |tx| {
                Ok((
                    moments::add(tx, &event, &input("Capsule drop", "15:00", "15:30"))?,
                    moments::add(tx, &event, &input("Talk", "11:00", "12:00"))?,
                ))
            })
            .unwrap();
    let mut t2 = second_till(&mut t1, "T2");
    let (cashier, ok) = (
        t2.cashier(),
        ApprovalRequest::new(&t2.organizer, crate::till_support::PIN),
    );
    moments::update_with_pin(
        &mut t2.t.store,
        &cashier,
        &ok,
        &drop.id,
        &input("Workshop", "16:00", "17:00"),
    )
    .unwrap();
    moments::remove_with_pin(&mut t2.t.store, &cashier, &ok, &talk.id).unwrap();
    merge_into(&mut t1, &t2).unwrap();
    let left = moments::list(t1.t.store.conn(), &event).unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(
        (left[0].name.as_str(), left[0].starts_at.as_str()),
        ("Workshop", "16:00")
    );
}

#[test]
fn a_till_for_another_laptop_leaves_the_card_links_behind_and_still_verifies() {
    use popup_till_core::attendees::{register, SignUpInput};
    use popup_till_core::loyalty::link;
    let (mut t1, code) = open_till_and_a_new_card();
    let event = t1.event.clone();
    let ann =
        t1.t.store
            .write(&t1.cashier(), |tx| {
                register::sign_up(
                    tx,
                    &event,
                    &SignUpInput {
                        name: "Ann".into(),
                        ..Default::default()
                    },
                )
            })
            .unwrap()
            .contact_id;
    let card =
        t1.t.store
            .write(&t1.cashier(), |tx| link::link(tx, &ann, &code, true))
            .unwrap()
            .card;
    let mut t2 = second_till(&mut t1, "T2");
    assert_eq!(t2.t.count("SELECT count(*) FROM card_link"), 0);
    assert_eq!(t2.t.count("SELECT count(*) FROM purpose_consent"), 0);
    let v = journal::verify(t2.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:?}");
    // The card sells on the second till, anonymous there.
    t2.open_session("50.00", false);
    let jam = t2.jam.clone();
    t2.sell(&with_card(vec![line(&jam, "1")], &code), &[cash("")])
        .unwrap();
    assert!(
        !loyalty::card(t2.t.store.conn(), &code, Viewer::Organizer)
            .unwrap()
            .linked
    );
    // Merged back: the link is still there on the first till.
    merge_into(&mut t1, &t2).unwrap();
    assert_eq!(
        link::linked_contact(t1.t.store.conn(), &card)
            .unwrap()
            .as_deref(),
        Some(ann.as_str())
    );
    // A link row removed from the first till's own file is still named.
    let conn = t1.t.store.conn();
    conn.execute_batch(
        "DROP TRIGGER card_link_is_append_only_delete; PRAGMA foreign_keys = OFF; DELETE FROM card_link;",
    )
    .unwrap();
    let v = journal::verify(conn).unwrap();
    assert!(
        v.ledger_mismatches
            .iter()
            .any(|m| m.table == "card_link" && m.figure == "row"),
        "{v:#?}"
    );
}
