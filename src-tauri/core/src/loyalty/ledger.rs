//! The card ledger: stamps earned by a sale with a card, spent on rewards,
//! taken back by a refund. Append-only; each entry is written with its own
//! journal entry in the transaction of the sale or refund that made it, and
//! a card's balance is the sum of its entries.

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::db::store::Tx;
use crate::loyalty::program::{self, CategoryRule, Program};
use crate::money::Currency;
use crate::{new_id, Result};

/// What the ledger needs of a sold line.
#[derive(Debug, Clone)]
pub struct SoldLine {
    pub line_id: String,
    pub category: String,
    pub own_container: bool,
    pub deposit: bool,
    pub gross: i64,
    /// The reward this line redeems, and its cost in stamps.
    pub reward: Option<(String, i64)>,
}

/// One entry of a card's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: String,
    pub kind: String,
    pub stamps: i64,
    pub event_id: String,
    pub sale_id: String,
    pub sale_line_id: Option<String>,
    pub refund_id: Option<String>,
    pub reward_id: Option<String>,
    pub at_utc: String,
    pub utc_offset_minutes: i64,
}

struct NewEntry<'a> {
    card: &'a str,
    event_id: &'a str,
    kind: &'a str,
    stamps: i64,
    sale_id: &'a str,
    sale_line_id: Option<&'a str>,
    refund_id: Option<&'a str>,
    reward_id: Option<&'a str>,
}

fn write(tx: &Tx, e: &NewEntry) -> Result<()> {
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO loyalty_entry (id, device_id, card, event_id, kind, stamps, sale_id, sale_line_id, refund_id,
            reward_id, at_utc, utc_offset_minutes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(rusqlite::params![
        id,
        tx.device_id,
        e.card,
        e.event_id,
        e.kind,
        e.stamps,
        e.sale_id,
        e.sale_line_id,
        e.refund_id,
        e.reward_id,
        tx.now.utc,
        tx.now.offset_minutes
    ])?;
    tx.journal(
        "loyalty.entry",
        "loyalty_entry",
        &id,
        serde_json::json!({
            "card": e.card,
            "event_id": e.event_id,
            "kind": e.kind,
            "stamps": e.stamps,
            "sale_id": e.sale_id,
            "sale_line_id": e.sale_line_id,
            "refund_id": e.refund_id,
            "reward_id": e.reward_id,
        }),
    )?;
    Ok(())
}

/// A card's balance: the sum of its ledger.
pub fn balance(conn: &Connection, card: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(sum(stamps), 0) FROM loyalty_entry WHERE card = ?1")?
        .query_row([card], |r| r.get(0))?)
}

/// A card's ledger, oldest first.
pub fn history(conn: &Connection, card: &str) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, stamps, event_id, sale_id, sale_line_id, refund_id, reward_id, at_utc, utc_offset_minutes
         FROM loyalty_entry WHERE card = ?1 ORDER BY at_utc, id",
    )?;
    let rows = stmt.query_map([card], |r| {
        Ok(Entry {
            id: r.get(0)?,
            kind: r.get(1)?,
            stamps: r.get(2)?,
            event_id: r.get(3)?,
            sale_id: r.get(4)?,
            sale_line_id: r.get(5)?,
            refund_id: r.get(6)?,
            reward_id: r.get(7)?,
            at_utc: r.get(8)?,
            utc_offset_minutes: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether the card already had a visit stamp on the local day of `tx.now`.
fn stamped_today(tx: &Tx, card: &str) -> Result<bool> {
    let offset = format!("{} minutes", tx.now.offset_minutes);
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM loyalty_entry
              WHERE card = ?1 AND kind = 'visit' AND stamps > 0
                AND date(at_utc, utc_offset_minutes || ' minutes') = date(?2, ?3))",
        )?
        .query_row((card, &tx.now.utc, &offset), |r| r.get(0))?)
}

/// Stamps for spending `gross` minor units.
fn spend_stamps(program: &Program, currency: &Currency, gross: i64) -> i64 {
    match program.step() {
        Some(step) => (currency.from_minor(gross) / step)
            .floor()
            .to_i64()
            .unwrap_or(0)
            .saturating_mul(program.spend_stamps),
        None => 0,
    }
}

/// Category stamps a line earns.
fn category_stamps(program: &Program, line: &SoldLine) -> i64 {
    if line.deposit || line.reward.is_some() {
        return 0;
    }
    program
        .categories
        .iter()
        .map(|rule| match rule {
            CategoryRule::Category { category, stamps }
                if category.eq_ignore_ascii_case(line.category.trim()) =>
            {
                *stamps
            }
            CategoryRule::OwnContainer { stamps } if line.own_container => *stamps,
            _ => 0,
        })
        .sum()
}

/// What a live sale with `card` writes: its visit (with the day's visit
/// stamp, if the card has not had it), the stamps its spending and lines
/// earn, and the cost of each reward it redeems.
pub fn record_sale(
    tx: &Tx,
    currency: &Currency,
    card: &str,
    event_id: &str,
    sale_id: &str,
    lines: &[SoldLine],
) -> Result<()> {
    let program = program::load(tx)?;
    let visit = if program.visit_stamps > 0 && !stamped_today(tx, card)? {
        program.visit_stamps
    } else {
        0
    };
    let base = NewEntry {
        card,
        event_id,
        kind: "visit",
        stamps: visit,
        sale_id,
        sale_line_id: None,
        refund_id: None,
        reward_id: None,
    };
    write(tx, &base)?;
    let spent: i64 = lines.iter().filter(|l| !l.deposit).map(|l| l.gross).sum();
    let spend = spend_stamps(&program, currency, spent);
    if spend > 0 {
        write(
            tx,
            &NewEntry {
                kind: "spend",
                stamps: spend,
                ..base
            },
        )?;
    }
    for l in lines {
        let stamps = category_stamps(&program, l);
        if stamps > 0 {
            write(
                tx,
                &NewEntry {
                    kind: "category",
                    stamps,
                    sale_line_id: Some(&l.line_id),
                    ..base
                },
            )?;
        }
        if let Some((reward_id, cost)) = &l.reward {
            write(
                tx,
                &NewEntry {
                    kind: "redeem",
                    stamps: -cost,
                    sale_line_id: Some(&l.line_id),
                    reward_id: Some(reward_id),
                    ..base
                },
            )?;
        }
    }
    Ok(())
}

/// After a refund of `sale_id` (its lines already written): take back what
/// the sale earned on what is now refunded. The visit stamp goes when
/// nothing of the sale is left; spend stamps in proportion to the gross
/// refunded, a line's category stamps in proportion to its quantity
/// refunded (what is kept rounds down). Stamps spent on a reward are not
/// given back. Writes nothing when the sale had no card.
pub fn take_back(tx: &Tx, refund_id: &str, sale_id: &str, event_id: &str) -> Result<()> {
    let earned: Vec<(String, String, i64, Option<String>)> = tx
        .prepare_cached(
            "SELECT card, kind, stamps, sale_line_id FROM loyalty_entry
             WHERE sale_id = ?1 AND kind IN ('visit', 'spend', 'category')",
        )?
        .query_map([sale_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let Some(card) = earned.first().map(|e| e.0.clone()) else {
        return Ok(());
    };
    // Each line as sold and what is left of it after every refund.
    let left: Vec<(String, i64, i64, i64, i64, bool)> = tx
        .prepare_cached(
            "SELECT l.id, l.quantity_milli, l.gross_minor,
                    l.quantity_milli - coalesce((SELECT sum(r.quantity_milli) FROM refund_line r WHERE r.sale_line_id = l.id), 0),
                    l.gross_minor - coalesce((SELECT sum(r.gross_minor) FROM refund_line r WHERE r.sale_line_id = l.id), 0),
                    coalesce(p.kind = 'deposit', 0)
             FROM sale_line l LEFT JOIN product p ON p.id = l.product_id WHERE l.sale_id = ?1",
        )?
        .query_map([sale_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let anything_left = left.iter().any(|l| l.3 > 0);
    let sold_gross: i64 = left.iter().filter(|l| !l.5).map(|l| l.2).sum();
    let left_gross: i64 = left.iter().filter(|l| !l.5).map(|l| l.4).sum();
    let mut kept = 0i64;
    let mut had = 0i64;
    for (_, kind, stamps, line) in &earned {
        had += stamps;
        kept += match kind.as_str() {
            "visit" if anything_left => *stamps,
            "spend" if sold_gross > 0 => {
                ((i128::from(*stamps) * i128::from(left_gross)) / i128::from(sold_gross)) as i64
            }
            "category" => left
                .iter()
                .find(|l| Some(&l.0) == line.as_ref())
                .filter(|l| l.1 > 0)
                .map_or(0, |l| {
                    ((i128::from(*stamps) * i128::from(l.3)) / i128::from(l.1)) as i64
                }),
            _ => 0,
        };
    }
    let taken: i64 = tx
        .prepare_cached(
            "SELECT coalesce(sum(stamps), 0) FROM loyalty_entry WHERE sale_id = ?1 AND kind = 'take_back'",
        )?
        .query_row([sale_id], |r| r.get(0))?;
    let more = kept - (had + taken);
    if more < 0 {
        write(
            tx,
            &NewEntry {
                card: &card,
                event_id,
                kind: "take_back",
                stamps: more,
                sale_id,
                sale_line_id: None,
                refund_id: Some(refund_id),
                reward_id: None,
            },
        )?;
    }
    Ok(())
}

/// After a void of `sale_id`: the sale's stamps undone, earned and spent
/// alike (a voided sale never happened). Writes nothing for a sale
/// without a card, or whose stamps come to nothing.
pub fn void_sale(tx: &Tx, sale_id: &str, event_id: &str) -> Result<()> {
    let held: Option<(String, i64)> = tx
        .prepare_cached(
            "SELECT card, sum(stamps) FROM loyalty_entry WHERE sale_id = ?1 GROUP BY card",
        )?
        .query_row([sale_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((card, stamps)) = held.filter(|h| h.1 != 0) {
        write(
            tx,
            &NewEntry {
                card: &card,
                event_id,
                kind: "void",
                stamps: -stamps,
                sale_id,
                sale_line_id: None,
                refund_id: None,
                reward_id: None,
            },
        )?;
    }
    Ok(())
}

/// What a sale did to its card, for its receipt: the card and the stamps
/// earned and spent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleStamps {
    pub card: String,
    pub earned: i64,
    pub spent: i64,
    pub balance: i64,
}

/// The card of a sale and what it earned and spent, if it had one.
pub fn of_sale(conn: &Connection, sale_id: &str) -> Result<Option<SaleStamps>> {
    let row: Option<(String, i64, i64)> = conn
        .prepare_cached(
            "SELECT card, coalesce(sum(CASE WHEN kind IN ('visit', 'spend', 'category') THEN stamps END), 0),
                    coalesce(-sum(CASE WHEN kind = 'redeem' THEN stamps END), 0)
             FROM loyalty_entry WHERE sale_id = ?1 GROUP BY card",
        )?
        .query_row([sale_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((card, earned, spent)) = row else {
        return Ok(None);
    };
    let balance = balance(conn, &card)?;
    Ok(Some(SaleStamps {
        card,
        earned,
        spent,
        balance,
    }))
}
