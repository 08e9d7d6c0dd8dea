//! Loyalty and repeat-visit figures (`docs/figures.md`): stamps given,
//! taken back and redeemed in a scope, rewards redeemed, the cards seen;
//! for an event, who came back — cards and checked-in attendees seen, how
//! many had been seen at an earlier event (returning), how many are new,
//! the return rate — and, across every event, each first event's newcomers
//! and the later events they were seen again at. Cards are counted by their
//! id and attendees by their contact's id: no personal data.

use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

use crate::reporting::figures::SummaryRow;
use crate::reporting::reuse::return_rate;
use crate::reporting::scope::Scope;
use crate::Result;

/// What the card ledger shows for a scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoyaltyFigures {
    /// Stamps earned by the scope's counted sales (visits, spending,
    /// categories).
    pub stamps_given: i64,
    /// Stamps refunds in scope took back.
    pub stamps_taken_back: i64,
    /// Rewards redeemed on the scope's counted sales, and their stamps.
    pub rewards_redeemed: i64,
    pub stamps_redeemed: i64,
    /// Distinct cards on the scope's counted sales.
    pub cards_seen: i64,
    /// Who came back (an event's scope only).
    pub repeat: Option<RepeatVisits>,
}

/// Who came back to one event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RepeatVisits {
    pub cards_seen: i64,
    pub cards_returning: i64,
    pub attendees_seen: i64,
    pub attendees_returning: i64,
    /// Cards and attendees together.
    pub seen: i64,
    pub returning: i64,
    pub new: i64,
    /// returning ÷ seen in percent, one decimal; none when no one was seen.
    pub return_rate: Option<String>,
}

/// Each identity (`card:ID`, `contact:ID`) seen at each event, by the
/// event's start: cards on the event's live sales that were not voided,
/// attendees checked in.
const SEEN: &str = "
    SELECT 'card:' || y.card AS who, e.id AS event_id, e.starts_at AS starts_at
      FROM loyalty_entry y JOIN sale s ON s.id = y.sale_id JOIN event e ON e.id = y.event_id
     WHERE y.kind = 'visit' AND s.practice = 0
       AND NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)
    UNION
    SELECT 'contact:' || a.contact_id, e.id, e.starts_at
      FROM attendee a JOIN event e ON e.id = a.event_id
     WHERE a.checked_in_at IS NOT NULL";

/// The loyalty figures of `scope` (practice sales earn nothing: they are
/// never in the card ledger).
pub fn loyalty_figures(conn: &Connection, scope: &Scope) -> Result<LoyaltyFigures> {
    let sales = scope.counted_sales(false);
    let (given, rewards, redeemed, cards): (i64, i64, i64, i64) = conn.query_row(
        &format!(
            "SELECT coalesce(sum(y.stamps) FILTER (WHERE y.kind IN ('visit', 'spend', 'category')), 0),
                    count(*) FILTER (WHERE y.kind = 'redeem'),
                    coalesce(-sum(y.stamps) FILTER (WHERE y.kind = 'redeem'), 0),
                    count(DISTINCT y.card)
             FROM loyalty_entry y JOIN sale s ON s.id = y.sale_id
             WHERE y.kind IN ('visit', 'spend', 'category', 'redeem') AND {}",
            sales.sql
        ),
        params_from_iter(sales.params.iter()),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let refunds = scope.refunds(false);
    let taken: i64 = conn.query_row(
        &format!(
            "SELECT coalesce(-sum(y.stamps), 0) FROM loyalty_entry y JOIN refund r ON r.id = y.refund_id
             WHERE y.kind = 'take_back' AND {}",
            refunds.sql
        ),
        params_from_iter(refunds.params.iter()),
        |r| r.get(0),
    )?;
    let repeat = match scope {
        Scope::Event(id) => Some(repeat_visits(conn, id)?),
        _ => None,
    };
    Ok(LoyaltyFigures {
        stamps_given: given,
        stamps_taken_back: taken,
        rewards_redeemed: rewards,
        stamps_redeemed: redeemed,
        cards_seen: cards,
        repeat,
    })
}

/// Who came back to `event_id`: each card or attendee seen there, and
/// whether they were seen at an event that started before it.
///
/// The same identities as `SEEN`, looked up one by one through the card
/// ledger's and the attendee list's indexes: the whole season is never
/// gathered for one event (`benches/loyalty.rs` measures it).
pub fn repeat_visits(conn: &Connection, event_id: &str) -> Result<RepeatVisits> {
    let rows: Vec<(bool, bool)> = conn
        .prepare_cached(
            "WITH ev AS (SELECT starts_at FROM event WHERE id = ?1),
                  here AS (
                      SELECT DISTINCT y.card AS card, NULL AS contact
                        FROM loyalty_entry y JOIN sale s ON s.id = y.sale_id
                       WHERE y.event_id = ?1 AND y.kind = 'visit' AND s.practice = 0
                         AND NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)
                      UNION
                      SELECT NULL, a.contact_id FROM attendee a
                       WHERE a.event_id = ?1 AND a.checked_in_at IS NOT NULL)
             SELECT here.card IS NOT NULL,
                    CASE WHEN here.card IS NOT NULL THEN EXISTS (
                        SELECT 1 FROM loyalty_entry b JOIN sale s ON s.id = b.sale_id
                          JOIN event e ON e.id = b.event_id
                         WHERE b.card = here.card AND b.kind = 'visit' AND s.practice = 0
                           AND NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id)
                           AND e.starts_at < (SELECT starts_at FROM ev))
                    ELSE EXISTS (
                        SELECT 1 FROM attendee a JOIN event e ON e.id = a.event_id
                         WHERE a.contact_id = here.contact AND a.checked_in_at IS NOT NULL
                           AND e.starts_at < (SELECT starts_at FROM ev))
                    END
             FROM here",
        )?
        .query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let count = |card: bool, returning: Option<bool>| {
        rows.iter()
            .filter(|(c, r)| *c == card && returning.is_none_or(|want| *r == want))
            .count() as i64
    };
    let seen = rows.len() as i64;
    let returning = rows.iter().filter(|r| r.1).count() as i64;
    Ok(RepeatVisits {
        cards_seen: count(true, None),
        cards_returning: count(true, Some(true)),
        attendees_seen: count(false, None),
        attendees_returning: count(false, Some(true)),
        seen,
        returning,
        new: seen - returning,
        return_rate: (seen > 0).then(|| return_rate(returning, seen)).flatten(),
    })
}

/// One event's newcomers (seen there first) and how many of them were
/// seen again at each later event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cohort {
    pub event_id: String,
    pub event_name: String,
    pub newcomers: i64,
    pub seen_again: Vec<SeenAgain>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeenAgain {
    pub event_id: String,
    pub event_name: String,
    pub count: i64,
}

/// Across every event, by start: first event → seen again at which later
/// events (each later event listed, with 0 when no one came back).
pub fn cohorts(conn: &Connection) -> Result<Vec<Cohort>> {
    let events: Vec<(String, String)> = conn
        .prepare("SELECT id, name FROM event ORDER BY starts_at, id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let pairs: Vec<(String, String, i64)> = conn
        .prepare(&format!(
            "WITH seen AS ({SEEN}),
                  first AS (SELECT who, event_id FROM (
                      SELECT who, event_id, row_number() OVER (PARTITION BY who ORDER BY starts_at, event_id) AS n
                      FROM seen) WHERE n = 1)
             SELECT f.event_id, s.event_id, count(DISTINCT s.who)
             FROM first f JOIN seen s ON s.who = f.who
             GROUP BY f.event_id, s.event_id"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (i, (id, name)) in events.iter().enumerate() {
        let n = |later: &str| {
            pairs
                .iter()
                .find(|(f, s, _)| f == id && s == later)
                .map_or(0, |p| p.2)
        };
        let newcomers = n(id);
        if newcomers == 0 {
            continue;
        }
        out.push(Cohort {
            event_id: id.clone(),
            event_name: name.clone(),
            newcomers,
            seen_again: events[i + 1..]
                .iter()
                .map(|(later, later_name)| SeenAgain {
                    event_id: later.clone(),
                    event_name: later_name.clone(),
                    count: n(later),
                })
                .collect(),
        });
    }
    Ok(out)
}

impl LoyaltyFigures {
    /// These figures as rows of `summary.csv`.
    pub fn summary_rows(&self) -> Vec<SummaryRow> {
        let mut rows = vec![
            SummaryRow::count("stamps_given", "", self.stamps_given),
            SummaryRow::count("stamps_taken_back", "", self.stamps_taken_back),
            SummaryRow::count("rewards_redeemed", "", self.rewards_redeemed),
            SummaryRow::count("stamps_redeemed", "", self.stamps_redeemed),
            SummaryRow::count("cards_seen", "", self.cards_seen),
        ];
        if let Some(r) = &self.repeat {
            rows.extend([
                SummaryRow::count("visitors_known", "", r.seen),
                SummaryRow::count("visitors_returning", "", r.returning),
                SummaryRow::count("visitors_new", "", r.new),
                SummaryRow::count("cards_returning", "", r.cards_returning),
                SummaryRow::count("attendees_seen", "", r.attendees_seen),
                SummaryRow::count("attendees_returning", "", r.attendees_returning),
            ]);
            if let Some(rate) = &r.return_rate {
                rows.push(SummaryRow::other("return_rate", rate.clone(), "percent"));
            }
        }
        rows
    }
}
