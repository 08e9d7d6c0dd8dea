//! The flow's steps done by the work itself: opening the till, the first
//! sale and closing the till sign their steps off in the same transaction.

use popup_till_core::tasks::{self, Action, StepStatus, STARTER_ID};
use popup_till_core::till_session::{self, CloseInput};

use crate::till_support::{cart, cash, line, shop};

fn status_of(shop: &crate::till_support::Shop, action: Action) -> StepStatus {
    let flow = tasks::flow_at(
        shop.t.store.conn(),
        &shop.event,
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    flow.steps
        .iter()
        .find(|s| s.action == Some(action))
        .map(|s| s.status)
        .expect("the starter flow has this step")
}

#[test]
fn opening_the_till_selling_and_closing_it_complete_their_steps() {
    let mut shop = shop();
    let event = shop.event.clone();
    shop.t
        .store
        .write(&shop.cashier(), |tx| {
            tasks::create_flow(tx, &event, STARTER_ID)
        })
        .unwrap();
    assert_eq!(status_of(&shop, Action::OpenTill), StepStatus::Open);

    // A practice session is a rehearsal: it completes nothing.
    let practice = shop.open_session("50", true);
    assert_eq!(status_of(&shop, Action::OpenTill), StepStatus::Open);
    shop.t
        .store
        .write(&shop.cashier(), |tx| {
            till_session::close(
                tx,
                &CloseInput {
                    counted: "50".into(),
                    denominations: None,
                    reason: String::new(),
                },
            )
        })
        .unwrap();
    let _ = practice;

    shop.open_session("100", false);
    assert_eq!(status_of(&shop, Action::OpenTill), StepStatus::Done);
    assert_eq!(status_of(&shop, Action::Sell), StepStatus::Open);

    let mug = shop.mug.clone();
    shop.sell(&cart(vec![line(&mug, "1")]), &[cash("20")])
        .unwrap();
    assert_eq!(status_of(&shop, Action::Sell), StepStatus::Done);
    let journal_before = shop.t.journal_len();
    shop.sell(&cart(vec![line(&mug, "1")]), &[cash("20")])
        .unwrap();
    assert_eq!(
        shop.t.journal_len(),
        journal_before + 1,
        "later sales add no task entry"
    );

    assert_eq!(status_of(&shop, Action::CloseTill), StepStatus::Open);
    shop.t
        .store
        .write(&shop.cashier(), |tx| {
            till_session::close(
                tx,
                &CloseInput {
                    counted: "125".into(),
                    denominations: None,
                    reason: String::new(),
                },
            )
        })
        .unwrap();
    assert_eq!(status_of(&shop, Action::CloseTill), StepStatus::Done);
}
