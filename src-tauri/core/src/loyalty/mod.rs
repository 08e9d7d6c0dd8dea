//! Loyalty without personal data: anonymous cards whose codes any till of
//! the shop checks offline (`code`), the programme the organizer sets —
//! how stamps are earned and what rewards they buy (`program`) — and the
//! card ledger that sales and refunds write (`ledger`). A card is linked
//! to an attendee only with their consent (`link`). Who came back is
//! counted in `reporting::repeat_visits`.

pub mod code;
pub mod ledger;
pub mod link;
pub mod program;
pub mod sheet;

use rusqlite::Connection;
use serde::Serialize;

pub use sheet::CardSheet;

use crate::reporting::report::Viewer;
use crate::Result;

/// A card as the till and the command line show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardView {
    /// The code as read, grouped.
    pub code: String,
    pub genuine: bool,
    /// Why it is not, when it is not.
    pub refusal: Option<String>,
    /// The card's id (its serial): the only thing reports name.
    pub card: Option<String>,
    pub balance: i64,
    pub history: Vec<ledger::Entry>,
    /// The rewards the balance buys now.
    pub rewards: Vec<program::Reward>,
    /// Whether the card is linked to an attendee (with their consent).
    pub linked: bool,
    /// Who to: only for an organizer's eyes, None for anyone else.
    pub holder: Option<link::Holder>,
}

/// Look a code up: genuine or not, and a genuine card's balance, ledger
/// and the rewards it can have; whether it is linked to an attendee, and
/// to whom only when `viewer` is an organizer.
pub fn card(conn: &Connection, code: &str, viewer: Viewer) -> Result<CardView> {
    let key = code::shop_key(conn)?;
    match code::verify(&key, code) {
        Ok(serial) => {
            let balance = ledger::balance(conn, &serial)?;
            let rewards = program::load(conn)?
                .rewards
                .into_iter()
                .filter(|r| r.cost <= balance)
                .collect();
            let (linked, holder) = link::holder(conn, &serial, viewer)?;
            Ok(CardView {
                linked,
                holder,
                code: code::code_for(&key, &serial),
                genuine: true,
                refusal: None,
                history: ledger::history(conn, &serial)?,
                card: Some(serial),
                balance,
                rewards,
            })
        }
        Err(r) => Ok(CardView {
            code: code.trim().to_string(),
            genuine: false,
            refusal: Some(r.message().to_string()),
            card: None,
            balance: 0,
            history: Vec::new(),
            rewards: Vec::new(),
            linked: false,
            holder: None,
        }),
    }
}

/// `n` new card codes of this shop (1 to 500 at a time).
pub fn new_cards(conn: &Connection, n: usize) -> Result<Vec<String>> {
    if !(1..=500).contains(&n) {
        return Err(crate::Error::validation(
            "count",
            format!("{n} cards: print 1 to 500 at a time"),
        ));
    }
    let key = code::shop_key(conn)?;
    Ok((0..n).map(|_| code::new_code(&key)).collect())
}
