//! A loyalty reward used on two tills, flagged on the event's home once
//! their files are merged. Each till checks a card's balance before a
//! reward is redeemed, against the ledger it knows; two tills that had not
//! met can each spend the same stamps. After the merge that card's ledger
//! sums below zero, with rewards redeemed on more than one till: no single
//! till could have let that happen.

use rusqlite::Connection;
use serde::Serialize;

use crate::Result;

/// A card whose stamps were spent twice, by rewards on different tills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RewardUsedTwice {
    /// The card's id (never a person).
    pub card: String,
    /// Stamps earned and spent over the card's whole ledger.
    pub earned: i64,
    pub spent: i64,
    pub balance: i64,
    /// The rewards redeemed at this event, by id, and the tills, by code.
    pub rewards: Vec<String>,
    pub tills: Vec<String>,
    pub message: String,
}

/// The cards of the event whose rewards, redeemed on two or more tills,
/// spent more stamps than the card had.
pub fn rewards_used_twice(conn: &Connection, event_id: &str) -> Result<Vec<RewardUsedTwice>> {
    let mut stmt = conn.prepare(
        "WITH redeemed AS (
             SELECT y.card, group_concat(DISTINCT y.reward_id) AS rewards,
                    group_concat(DISTINCT d.till_code) AS tills,
                    count(DISTINCT y.device_id) AS till_count
             FROM loyalty_entry y JOIN device d ON d.id = y.device_id
             WHERE y.event_id = ?1 AND y.kind = 'redeem'
             GROUP BY y.card)
         SELECT r.card, r.rewards, r.tills,
                (SELECT coalesce(sum(stamps), 0) FROM loyalty_entry a WHERE a.card = r.card AND a.stamps > 0),
                (SELECT coalesce(-sum(stamps), 0) FROM loyalty_entry a WHERE a.card = r.card AND a.stamps < 0),
                (SELECT sum(stamps) FROM loyalty_entry a WHERE a.card = r.card) AS balance
         FROM redeemed r
         WHERE r.till_count > 1 AND balance < 0
         ORDER BY r.card",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        let split = |text: String| {
            let mut v: Vec<String> = text.split(',').map(str::to_string).collect();
            v.sort();
            v
        };
        let card: String = r.get(0)?;
        let rewards = split(r.get(1)?);
        let tills = split(r.get(2)?);
        let (earned, spent, balance): (i64, i64, i64) = (r.get(3)?, r.get(4)?, r.get(5)?);
        Ok(RewardUsedTwice {
            message: format!(
                "card {card}: rewards redeemed on tills {} spent {spent} stamps of {earned} earned ({balance})",
                tills.join(" and ")
            ),
            card,
            earned,
            spent,
            balance,
            rewards,
            tills,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
