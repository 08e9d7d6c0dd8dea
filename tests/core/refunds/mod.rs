//! Returns, refunds and exchanges against real SQLite files: a refund at
//! exactly the price paid, in the session that pays it out; never more than
//! was sold, per line, per tender and per tax rate; cash rounding symmetric
//! with the sale's; the tenders and what needs an organizer; stock back or
//! written off; exchanges in one transaction; practice kept apart; finding
//! the sale; the figures, the Z report and the export.

use popup_till_core::returns::{self, RefundDone, RefundInput, RefundLineInput, TenderInput};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::{self, ApprovalRequest};
use popup_till_core::till::session::{self, CloseInput};
use popup_till_core::{Actor, Result};

use crate::till_support::{Shop, PIN};

mod exchange;
mod figures;
mod ledger;
mod props;
mod refund;

/// The ids of a sale's lines, in order.
pub(super) fn sale_lines(s: &Shop, sale_id: &str) -> Vec<String> {
    let mut stmt =
        s.t.store
            .conn()
            .prepare("SELECT id FROM sale_line WHERE sale_id = ?1 ORDER BY line_no")
            .unwrap();
    stmt.query_map([sale_id], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<String>>>()
        .unwrap()
}

pub(super) fn back(line: &str, quantity: &str) -> RefundLineInput {
    RefundLineInput {
        sale_line_id: Some(line.into()),
        quantity: quantity.into(),
        ..Default::default()
    }
}

pub(super) fn of_sale(sale_id: &str, lines: Vec<RefundLineInput>) -> RefundInput {
    RefundInput {
        sale_id: Some(sale_id.into()),
        lines,
        ..Default::default()
    }
}

pub(super) fn tender(method: &str, amount: &str, reference: &str) -> TenderInput {
    TenderInput {
        method: method.into(),
        amount: amount.into(),
        reference: reference.into(),
    }
}

/// A refund by the cashier, without an organizer's PIN.
pub(super) fn refund(s: &mut Shop, input: &RefundInput) -> Result<RefundDone> {
    let actor = s.cashier();
    returns::refund_with_pin(&mut s.t.store, &actor, input, &ApprovalRequest::none())
}

/// A refund by the cashier with the organizer's PIN.
pub(super) fn refund_approved(s: &mut Shop, input: &RefundInput) -> Result<RefundDone> {
    let actor = s.cashier();
    let organizer = s.organizer.clone();
    returns::refund_with_pin(
        &mut s.t.store,
        &actor,
        input,
        &ApprovalRequest::new(&organizer, PIN),
    )
}

/// Close the till and the event, and open the next day's event and till:
/// the earlier sales are now of another day and another event.
pub(super) fn next_event(s: &mut Shop, float: &str) -> String {
    let actor = s.cashier();
    let expected = {
        let open = session::current(s.t.store.conn(), s.t.store.device_id())
            .unwrap()
            .unwrap();
        session::cash_parts(s.t.store.conn(), &open.id)
            .unwrap()
            .expected()
    };
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
    let next =
        s.t.store
            .write(&Actor::system("test"), |tx| {
                events::close(tx, &approval, &old)?;
                let e = events::create(
                    tx,
                    &EventInput {
                        name: "Second market".into(),
                        venue: "Quay".into(),
                        starts_at: "2026-12-12T10:00".into(),
                        ends_at: "2026-12-12T17:00".into(),
                        notes: String::new(),
                    },
                )?;
                events::open(tx, &e.id)?;
                Ok(e.id)
            })
            .unwrap();
    s.event = next.clone();
    s.open_session(float, false);
    next
}
