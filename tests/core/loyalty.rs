//! Loyalty cards: codes only this shop's tills accept, stamps earned by the
//! programme's rules, rewards redeemed once, refunds taking back stamps,
//! and the card ledger held against the journal.

use popup_till_core::db::journal;
use popup_till_core::loyalty::{self, code, program};
use popup_till_core::reporting::report::Viewer;
use popup_till_core::returns::{self, RefundInput, RefundLineInput};
use popup_till_core::shop::people::{self, ApprovalRequest};
use popup_till_core::till::cart::{CartInput, LineInput};

use crate::till_support::{cash, line, shop, Shop, PIN};

fn key(s: &Shop) -> Vec<u8> {
    code::shop_key(s.t.store.conn()).unwrap()
}

/// The test programme: a stamp a visit, a stamp per 10.00 spent, two per
/// own-container refill, one per line of category "Jams"; a free jam for
/// 5 stamps and 2.00 off for 3.
/// The shop with its programme set, the till open and one new card.
pub(crate) fn open_till_and_a_new_card() -> (Shop, String) {
    let mut s = shop();
    set_program(&mut s);
    s.open_session("50.00", false);
    let card = loyalty::new_cards(s.t.store.conn(), 1).unwrap().remove(0);
    (s, card)
}

pub(crate) fn set_program(s: &mut Shop) {
    let organizer = s.organizer.clone();
    let approval = people::approve(&mut s.t.store, &ApprovalRequest::new(&organizer, PIN)).unwrap();
    let jam = s.jam.clone();
    s.t.store
        .write(&s.cashier(), |tx| {
            tx.execute("UPDATE product SET category = 'Jams' WHERE id = ?1", [&jam])?;
            program::save(
                tx,
                &approval,
                &program::Program {
                    visit_stamps: 1,
                    spend_step: "10".into(),
                    spend_stamps: 1,
                    categories: vec![
                        program::CategoryRule::OwnContainer { stamps: 2 },
                        program::CategoryRule::Category {
                            category: "Jams".into(),
                            stamps: 1,
                        },
                    ],
                    rewards: vec![
                        program::Reward {
                            id: "free-jam".into(),
                            name: "A jar of jam".into(),
                            cost: 5,
                            kind: program::RewardKind::FreeItem,
                            product_id: Some(jam.clone()),
                            amount: None,
                        },
                        program::Reward {
                            id: "two-off".into(),
                            name: "2.00 off".into(),
                            cost: 3,
                            kind: program::RewardKind::Discount,
                            product_id: None,
                            amount: Some("2.00".into()),
                        },
                    ],
                },
            )
        })
        .unwrap();
}

pub(crate) fn with_card(lines: Vec<LineInput>, card: &str) -> CartInput {
    CartInput {
        lines,
        card: Some(card.into()),
        ..Default::default()
    }
}

pub(crate) fn balance(s: &Shop, code: &str) -> i64 {
    loyalty::card(s.t.store.conn(), code, Viewer::Organizer)
        .unwrap()
        .balance
}

#[test]
fn hmac_is_the_standard_one() {
    // RFC 4231, test case 2.
    let mac = code::hmac_sha256(b"Jefe", b"what do ya want for nothing?");
    let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn a_new_code_is_genuine_short_and_grouped() {
    let s = shop();
    let codes = loyalty::new_cards(s.t.store.conn(), 20).unwrap();
    for c in &codes {
        assert_eq!(c.len(), 19, "{c}");
        assert_eq!(c.matches('-').count(), 3, "{c}");
        let serial = code::verify(&key(&s), c).unwrap();
        assert_eq!(serial, c.replace('-', "")[..8]);
        // Read as a person may type it: lower case, no hyphens.
        assert_eq!(
            code::verify(&key(&s), &c.to_lowercase().replace('-', " ")),
            Ok(serial)
        );
    }
}

#[test]
fn a_code_altered_in_any_one_character_is_refused() {
    let s = shop();
    let key = key(&s);
    for good in loyalty::new_cards(s.t.store.conn(), 25).unwrap() {
        let chars: Vec<char> = good.replace('-', "").chars().collect();
        for pos in 0..chars.len() {
            for &other in code::ALPHABET {
                let other = other as char;
                if other == chars[pos] {
                    continue;
                }
                let mut typo = chars.clone();
                typo[pos] = other;
                let typo: String = typo.into_iter().collect();
                assert_eq!(
                    code::verify(&key, &typo),
                    Err(code::Refusal::Mistyped),
                    "{good} with {other} at {pos}"
                );
            }
        }
    }
}

#[test]
fn a_code_of_another_shop_or_made_up_is_refused() {
    let ours = shop();
    let theirs = shop();
    assert_ne!(key(&ours), key(&theirs), "each shop has its own key");
    for c in loyalty::new_cards(theirs.t.store.conn(), 50).unwrap() {
        let seen = loyalty::card(ours.t.store.conn(), &c, Viewer::Organizer).unwrap();
        assert!(!seen.genuine, "{c}");
        assert_eq!(
            seen.refusal.as_deref(),
            Some(code::Refusal::NotGenuine.message())
        );
    }
    // A made-up code with a correct check character is still refused.
    let made_up = code::code_for(&[7u8; 32], "ABCDEFGH");
    assert_eq!(
        code::verify(&key(&ours), &made_up),
        Err(code::Refusal::NotGenuine)
    );
    assert_eq!(
        code::verify(&key(&ours), "not a card"),
        Err(code::Refusal::NotACode)
    );
}

#[test]
fn a_sale_with_a_card_of_another_shop_is_refused_and_writes_nothing() {
    let mut s = shop();
    s.open_session("50.00", false);
    let other = shop();
    let foreign = loyalty::new_cards(other.t.store.conn(), 1)
        .unwrap()
        .remove(0);
    let before = s.ledger_rows();
    let err = s
        .sell(
            &with_card(vec![line(&s.mug.clone(), "1")], &foreign),
            &[cash("")],
        )
        .unwrap_err();
    assert!(err.to_string().contains("not issued by this shop"), "{err}");
    assert_eq!(s.ledger_rows(), before);
}

#[test]
fn stamps_follow_the_programme() {
    let (mut s, card) = open_till_and_a_new_card();
    // Two mugs (25.00) and a jam (3.30): a visit, 2 for 28.30, 1 for the jam.
    let (mug, jam, coffee) = (s.mug.clone(), s.jam.clone(), s.coffee.clone());
    s.sell(
        &with_card(vec![line(&mug, "2"), line(&jam, "1")], &card),
        &[cash("")],
    )
    .unwrap();
    assert_eq!(balance(&s, &card), 4);
    // The same day again: no second visit stamp, still seen. Coffee into
    // the customer's own jar (500 g gross, 200 g tare): 2 stamps; 7.47
    // spent earns none.
    let own = LineInput {
        product_id: coffee,
        quantity: String::new(),
        gross: "500".into(),
        tare: "200".into(),
        container: "own".into(),
        ..Default::default()
    };
    s.sell(&with_card(vec![own], &card), &[cash("")]).unwrap();
    assert_eq!(balance(&s, &card), 6);
    let view = loyalty::card(s.t.store.conn(), &card, Viewer::Organizer).unwrap();
    let kinds: Vec<(&str, i64)> = view
        .history
        .iter()
        .map(|e| (e.kind.as_str(), e.stamps))
        .collect();
    assert_eq!(
        kinds,
        [
            ("visit", 1),
            ("spend", 2),
            ("category", 1),
            ("visit", 0),
            ("category", 2)
        ]
    );
    // A sale without a card earns nothing for anyone.
    s.sell(
        &CartInput {
            lines: vec![line(&mug, "1")],
            ..Default::default()
        },
        &[cash("")],
    )
    .unwrap();
    assert_eq!(s.t.count("SELECT count(*) FROM loyalty_entry"), 5);
    let v = journal::verify(s.t.store.conn()).unwrap();
    assert!(v.holds() && v.ledger_mismatches.is_empty(), "{v:#?}");
}

#[test]
fn the_next_day_earns_a_new_visit_stamp() {
    let mut s = shop();
    set_program(&mut s);
    let clock = crate::support::HandClock::install_at(&mut s.t.store, "2026-06-01T10:00:00+02:00");
    s.open_session("50.00", false);
    let card = loyalty::new_cards(s.t.store.conn(), 1).unwrap().remove(0);
    let jam = s.jam.clone();
    s.sell(&with_card(vec![line(&jam, "1")], &card), &[cash("")])
        .unwrap();
    clock.advance(3600);
    s.sell(&with_card(vec![line(&jam, "1")], &card), &[cash("")])
        .unwrap();
    clock.advance(24 * 3600);
    s.sell(&with_card(vec![line(&jam, "1")], &card), &[cash("")])
        .unwrap();
    let visits: Vec<i64> = loyalty::card(s.t.store.conn(), &card, Viewer::Organizer)
        .unwrap()
        .history
        .iter()
        .filter(|e| e.kind == "visit")
        .map(|e| e.stamps)
        .collect();
    assert_eq!(visits, [1, 0, 1]);
}

#[test]
fn a_reward_is_a_line_with_its_own_tax_and_cannot_be_redeemed_twice() {
    let (mut s, card) = open_till_and_a_new_card();
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    // 4 mugs (50.00): visit 1 + spend 5 = 6 stamps.
    s.sell(&with_card(vec![line(&mug, "4")], &card), &[cash("")])
        .unwrap();
    assert_eq!(balance(&s, &card), 6);
    let free_jam = LineInput {
        reward_id: Some("free-jam".into()),
        ..line(&jam, "1")
    };
    // Without the card, the reward is refused.
    let err = s
        .sell(
            &CartInput {
                lines: vec![free_jam.clone()],
                ..Default::default()
            },
            &[cash("")],
        )
        .unwrap_err();
    assert!(err.to_string().contains("loyalty card"), "{err}");
    // With it: the jam is a line of the sale, free, at its own rate, no PIN.
    let done = s
        .sell(
            &with_card(vec![line(&mug, "1"), free_jam.clone()], &card),
            &[cash("")],
        )
        .unwrap();
    let (gross, discount, tax, rate): (i64, i64, i64, String) =
        s.t.store
            .conn()
            .query_row(
                "SELECT gross_minor, line_discount_minor, tax_minor, tax_rate FROM sale_line
             WHERE sale_id = ?1 AND product_id = ?2",
                [&done.sale_id, &jam],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
    assert_eq!((gross, discount, tax, rate.as_str()), (0, 330, 0, "5.5"));
    assert_eq!(done.total, "12.50");
    // 6 + visit 0 (same day) + spend 1 − 5 = 2.
    assert_eq!(balance(&s, &card), 2);
    // Again: the card no longer has the stamps. Nothing is written.
    let rows = s.t.count("SELECT count(*) FROM loyalty_entry");
    let err = s
        .sell(&with_card(vec![free_jam], &card), &[cash("")])
        .unwrap_err();
    assert!(err.to_string().contains("the card has 2 stamps"), "{err}");
    assert_eq!(s.t.count("SELECT count(*) FROM loyalty_entry"), rows);
    // The same cart completed twice (a second press of Pay) redeems once.
    let again = with_card(
        vec![LineInput {
            reward_id: Some("two-off".into()),
            ..line(&mug, "1")
        }],
        &card,
    );
    let err = s.sell(&again, &[cash("")]).unwrap_err();
    assert!(err.to_string().contains("cost 3"), "{err}");
    assert_eq!(
        s.t.count("SELECT count(*) FROM loyalty_entry WHERE kind = 'redeem'"),
        1
    );
}

#[test]
fn a_reward_in_a_cart_sold_twice_is_redeemed_once() {
    let (mut s, card) = open_till_and_a_new_card();
    let mug = s.mug.clone();
    s.sell(&with_card(vec![line(&mug, "4")], &card), &[cash("")])
        .unwrap();
    let cart = CartInput {
        cart_id: Some(popup_till_core::till::cart::new_cart_id()),
        ..with_card(
            vec![LineInput {
                reward_id: Some("two-off".into()),
                ..line(&mug, "1")
            }],
            &card,
        )
    };
    let first = s.sell(&cart, &[cash("")]).unwrap();
    let second = s.sell(&cart, &[cash("")]).unwrap();
    assert_eq!(first.sale_id, second.sale_id);
    assert_eq!(first.total, "10.50");
    assert_eq!(
        s.t.count("SELECT count(*) FROM loyalty_entry WHERE kind = 'redeem'"),
        1
    );
    // 6 + spend 1 − 3
    assert_eq!(balance(&s, &card), 4);
}

#[test]
fn a_refund_takes_back_what_its_sale_earned() {
    let (mut s, card) = open_till_and_a_new_card();
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    // 2 mugs (25.00) and 2 jams on one line (6.60): visit 1, spend 3, jams 1.
    let done = s
        .sell(
            &with_card(vec![line(&mug, "2"), line(&jam, "2")], &card),
            &[cash("")],
        )
        .unwrap();
    assert_eq!(balance(&s, &card), 5);
    let lines = crate::refunds::sale_lines(&s, &done.sale_id);
    let back = |line: &str, q: &str| RefundLineInput {
        sale_line_id: Some(line.into()),
        quantity: q.into(),
        ..Default::default()
    };
    // One mug back: 12.50 of 31.60 left 19.10 → spend 3 × 19.10 / 31.60 = 1.
    let actor = s.cashier();
    returns::refund_with_pin(
        &mut s.t.store,
        &actor,
        &RefundInput {
            sale_id: Some(done.sale_id.clone()),
            lines: vec![back(&lines[0], "1")],
            ..Default::default()
        },
        &ApprovalRequest::none(),
    )
    .unwrap();
    assert_eq!(balance(&s, &card), 3);
    // Everything else back: nothing of what the sale earned is left.
    returns::refund_with_pin(
        &mut s.t.store,
        &actor,
        &RefundInput {
            sale_id: Some(done.sale_id.clone()),
            lines: vec![back(&lines[0], "1"), back(&lines[1], "2")],
            ..Default::default()
        },
        &ApprovalRequest::none(),
    )
    .unwrap();
    assert_eq!(balance(&s, &card), 0);
    assert_eq!(
        s.t.count("SELECT count(*) FROM loyalty_entry WHERE kind = 'take_back'"),
        2
    );
    let v = journal::verify(s.t.store.conn()).unwrap();
    assert!(v.holds() && v.ledger_mismatches.is_empty(), "{v:#?}");
}

#[test]
fn the_card_ledger_is_append_only_and_held_against_the_journal() {
    let (mut s, card) = open_till_and_a_new_card();
    let mug = s.mug.clone();
    s.sell(&with_card(vec![line(&mug, "4")], &card), &[cash("")])
        .unwrap();
    let conn = s.t.store.conn();
    assert!(conn
        .execute("UPDATE loyalty_entry SET stamps = 50", [])
        .is_err());
    assert!(conn.execute("DELETE FROM loyalty_entry", []).is_err());
    // Behind the till's back: the trigger dropped, a figure changed.
    conn.execute_batch(
        "DROP TRIGGER loyalty_entry_is_append_only_update;
         UPDATE loyalty_entry SET stamps = 50 WHERE kind = 'spend';",
    )
    .unwrap();
    let v = journal::verify(conn).unwrap();
    assert!(
        v.ledger_mismatches
            .iter()
            .any(|m| m.table == "loyalty_entry" && m.figure == "stamps"),
        "{v:#?}"
    );
}

#[test]
fn a_practice_sale_earns_nothing() {
    let mut s = shop();
    set_program(&mut s);
    s.open_session("50.00", true);
    let card = loyalty::new_cards(s.t.store.conn(), 1).unwrap().remove(0);
    let mug = s.mug.clone();
    s.sell(&with_card(vec![line(&mug, "4")], &card), &[cash("")])
        .unwrap();
    assert_eq!(balance(&s, &card), 0);
}

#[test]
fn a_programme_with_a_bad_reward_is_refused() {
    let mut s = shop();
    let organizer = s.organizer.clone();
    let approval = people::approve(&mut s.t.store, &ApprovalRequest::new(&organizer, PIN)).unwrap();
    let err =
        s.t.store
            .write(&s.cashier(), |tx| {
                program::save(
                    tx,
                    &approval,
                    &program::Program {
                        rewards: vec![program::Reward {
                            id: "x".into(),
                            name: "Nothing".into(),
                            cost: 2,
                            kind: program::RewardKind::FreeItem,
                            product_id: Some("no-such-product".into()),
                            amount: None,
                        }],
                        ..Default::default()
                    },
                )
            })
            .unwrap_err();
    assert!(err.to_string().contains("product of the catalog"), "{err}");
}

/// Close the till and the event; open the event of `date` and a till.
pub(crate) fn next_market(s: &mut Shop, name: &str, date: &str) {
    use popup_till_core::shop::events::{self, EventInput};
    use popup_till_core::till::session::{self, CloseInput};
    let actor = s.cashier();
    let open = session::current(s.t.store.conn(), s.t.store.device_id())
        .unwrap()
        .unwrap();
    let expected = session::cash_parts(s.t.store.conn(), &open.id)
        .unwrap()
        .expected();
    s.t.store
        .write(&actor, |tx| {
            session::close(
                tx,
                &CloseInput {
                    counted: format!("{}.{:02}", expected / 100, expected % 100),
                    denominations: None,
                },
            )
        })
        .unwrap();
    let organizer = s.organizer.clone();
    let approval = people::approve(&mut s.t.store, &ApprovalRequest::new(&organizer, PIN)).unwrap();
    let old = s.event.clone();
    s.event =
        s.t.store
            .write(&popup_till_core::Actor::system("test"), |tx| {
                events::close(tx, &approval, &old)?;
                let e = events::create(
                    tx,
                    &EventInput {
                        name: name.into(),
                        venue: "Quay".into(),
                        starts_at: format!("{date}T10:00"),
                        ends_at: format!("{date}T17:00"),
                        notes: String::new(),
                    },
                )?;
                events::open(tx, &e.id)?;
                Ok(e.id)
            })
            .unwrap();
    s.open_session("50.00", false);
}

fn checks_in(s: &mut Shop, name: &str, email: &str) {
    use popup_till_core::attendees::{register, SignUpInput};
    let event = s.event.clone();
    s.t.store
        .write(&s.cashier(), |tx| {
            let a = register::sign_up(
                tx,
                &event,
                &SignUpInput {
                    name: name.into(),
                    email: email.into(),
                    email_consent: true,
                    ..Default::default()
                },
            )?;
            register::check_in(tx, &a.id)
        })
        .unwrap();
}

#[test]
fn repeat_visits_of_a_scripted_season_match_a_hand_count() {
    use popup_till_core::reporting::loyalty::{cohorts, repeat_visits};
    let mut s = shop();
    set_program(&mut s);
    crate::attendees::with_wording(&mut s);
    let clock = crate::support::HandClock::install_at(&mut s.t.store, "2026-12-05T10:00:00+01:00");
    s.open_session("50.00", false);
    let cards = loyalty::new_cards(s.t.store.conn(), 4).unwrap();
    let (a, b, c, d) = (&cards[0], &cards[1], &cards[2], &cards[3]);
    let jam = s.jam.clone();
    let visit = |s: &mut Shop, card: &str| {
        s.sell(&with_card(vec![line(&jam, "1")], card), &[cash("")])
            .unwrap()
    };
    // First market: cards A (twice) and B; Ann at the door.
    let first = s.event.clone();
    visit(&mut s, a);
    visit(&mut s, a);
    visit(&mut s, b);
    checks_in(&mut s, "Ann", "ann@example.org");
    // Second: A and C; Ann again, Bob new.
    clock.advance(7 * 24 * 3600);
    next_market(&mut s, "Second market", "2026-12-12");
    let second = s.event.clone();
    visit(&mut s, a);
    visit(&mut s, c);
    checks_in(&mut s, "Ann", "ann@example.org");
    checks_in(&mut s, "Bob", "bob@example.org");
    // Third: A, B, C and Bob; D's only sale is voided (never seen).
    clock.advance(7 * 24 * 3600);
    next_market(&mut s, "Third market", "2026-12-19");
    let third = s.event.clone();
    visit(&mut s, a);
    visit(&mut s, b);
    visit(&mut s, c);
    let voided = visit(&mut s, d);
    checks_in(&mut s, "Bob", "bob@example.org");
    let organizer = s.organizer.clone();
    let actor = s.cashier();
    popup_till_core::till::void::void_with_pin(
        &mut s.t.store,
        &actor,
        &voided.sale_id,
        "wrong card",
        &ApprovalRequest::new(&organizer, PIN),
    )
    .unwrap();
    assert_eq!(balance(&s, d), 0, "a void undoes the sale's stamps");

    let conn = s.t.store.conn();
    let r1 = repeat_visits(conn, &first).unwrap();
    assert_eq!(
        (
            r1.cards_seen,
            r1.attendees_seen,
            r1.seen,
            r1.returning,
            r1.new
        ),
        (2, 1, 3, 0, 3)
    );
    assert_eq!(r1.return_rate.as_deref(), Some("0.0"));
    let r2 = repeat_visits(conn, &second).unwrap();
    assert_eq!(
        (
            r2.cards_seen,
            r2.cards_returning,
            r2.attendees_seen,
            r2.attendees_returning
        ),
        (2, 1, 2, 1)
    );
    assert_eq!((r2.seen, r2.returning, r2.new), (4, 2, 2));
    assert_eq!(r2.return_rate.as_deref(), Some("50.0"));
    let r3 = repeat_visits(conn, &third).unwrap();
    assert_eq!(
        (
            r3.cards_seen,
            r3.cards_returning,
            r3.attendees_seen,
            r3.seen,
            r3.new
        ),
        (3, 3, 1, 4, 0)
    );
    assert_eq!(r3.return_rate.as_deref(), Some("100.0"));

    let table: Vec<(String, i64, Vec<i64>)> = cohorts(conn)
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.event_name,
                c.newcomers,
                c.seen_again.iter().map(|x| x.count).collect(),
            )
        })
        .collect();
    let first_name: String = conn
        .query_row("SELECT name FROM event WHERE id = ?1", [&first], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        table,
        [
            (first_name, 3, vec![2, 2]),
            ("Second market".to_string(), 2, vec![2]),
        ]
    );
    // The event report carries them, and summary.csv's rows with it.
    let report = popup_till_core::reporting::report::report(
        conn,
        &popup_till_core::reporting::scope::Scope::Event(third.clone()),
        false,
    )
    .unwrap();
    let l = &report.loyalty;
    // Third market: A, B, C a visit stamp and a jam stamp each; D's voided.
    assert_eq!(
        (l.cards_seen, l.stamps_given, l.rewards_redeemed),
        (3, 6, 0)
    );
    assert_eq!(l.repeat.as_ref().unwrap().returning, 4);
    let rows = report.summary_rows();
    let row = |m: &str| rows.iter().find(|r| r.metric == m).map(|r| r.value.clone());
    assert_eq!(row("return_rate").as_deref(), Some("100.0"));
    assert_eq!(row("stamps_given").as_deref(), Some("6"));
}

#[test]
fn a_moment_counts_its_visitors_sales_and_conversion() {
    use popup_till_core::reporting::{report, scope::Scope};
    use popup_till_core::shop::moments::{self, MomentInput};
    let mut s = shop();
    let clock = crate::support::HandClock::install_at(&mut s.t.store, "2026-12-05T14:30:00+01:00");
    s.open_session("50.00", false);
    let event = s.event.clone();
    let jam = s.jam.clone();
    let tally = |s: &mut Shop, n: i64| {
        let event = s.event.clone();
        s.t.store
            .write(&s.cashier(), |tx| {
                for _ in 0..n {
                    popup_till_core::reporting::visitors::record_visitors(tx, &event, 1, false)?;
                }
                Ok(())
            })
            .unwrap();
    };
    let sell = |s: &mut Shop| {
        s.sell(
            &CartInput {
                lines: vec![line(&jam, "1")],
                ..Default::default()
            },
            &[cash("")],
        )
        .unwrap()
    };
    s.t.store
        .write(&s.cashier(), |tx| {
            let bad = moments::add(
                tx,
                &event,
                &MomentInput {
                    name: "Drop".into(),
                    starts_at: "16:00".into(),
                    ends_at: "15:00".into(),
                },
            );
            assert!(bad.unwrap_err().to_string().contains("before it starts"));
            moments::add(
                tx,
                &event,
                &MomentInput {
                    name: "Capsule drop".into(),
                    starts_at: "15:00".into(),
                    ends_at: "15:30".into(),
                },
            )
        })
        .unwrap();
    // 14:30: before the moment, 2 visitors and a sale.
    tally(&mut s, 2);
    sell(&mut s);
    // 15:00–15:29: 4 visitors, 3 sales.
    clock.advance(30 * 60);
    tally(&mut s, 4);
    for _ in 0..3 {
        sell(&mut s);
        clock.advance(9 * 60);
    }
    // 15:30 is past its end.
    clock.advance(3 * 60);
    sell(&mut s);
    let r = report::report(s.t.store.conn(), &Scope::Event(event), false).unwrap();
    assert_eq!(r.moments.len(), 1);
    let m = &r.moments[0];
    assert_eq!(
        (m.name.as_str(), m.visitors, m.sales),
        ("Capsule drop", 4, 3)
    );
    assert_eq!(m.total.text, "9.90");
    assert_eq!(m.conversion.as_deref(), Some("75.0"));
    let rows = r.summary_rows();
    assert!(rows.iter().any(|x| x.metric == "moment_sales"
        && x.key == "15:00-15:30 Capsule drop"
        && x.value == "3"));
}
