//! The reuse figures of a scope (`docs/figures.md`): refills sold, refills
//! into customers' own containers and into shop containers, shop
//! containers issued (deposit lines sold) and returned (deposits paid
//! back), the deposit return rate and the single-use packs avoided. Counted
//! over the same sales as every other figure (live, not voided; practice
//! only when asked) and the deposit returns made in the scope, so the
//! export's `sale_lines.csv` and `deposits.csv` add up to them.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::money::Currency;
use crate::reporting::figures::{Money, SummaryRow};
use crate::reporting::line_sums::{LineGroup, LineSums};
use crate::reporting::scope::Scope;
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReuseFigures {
    /// Sale lines of refill products.
    pub refills_sold: i64,
    /// Refill lines weighed into the customer's own container.
    pub refills_own_container: i64,
    /// Refill lines weighed into a shop container.
    pub refills_shop_container: i64,
    /// Shop containers sold with a deposit: Σ pieces of deposit lines.
    pub containers_issued: i64,
    /// Containers brought back: Σ pieces of the deposit returns.
    pub containers_returned: i64,
    /// The deposits charged on those lines.
    pub deposits_charged: Money,
    /// The deposits paid back.
    pub deposits_paid_back: Money,
    /// containers_returned ÷ containers_issued in percent, one decimal;
    /// none when nothing was issued.
    pub deposit_return_rate: Option<String>,
    /// A refill weighed into a container (own or shop) replaces one
    /// single-use pack: refills_own_container + refills_shop_container.
    pub packs_avoided: i64,
}

/// The reuse figures of `scope`, whose counted lines `lines` summed.
pub(crate) fn reuse_figures(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
    lines: &LineSums,
) -> Result<ReuseFigures> {
    // The kind of each product sold: a few hundred on a big day, each
    // looked up once (a kind is not on the line).
    let mut kinds: HashMap<&str, String> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached("SELECT kind FROM product WHERE id = ?1")?;
        for g in &lines.groups {
            if !kinds.contains_key(g.product_id.as_str()) {
                let kind: String = stmt.query_row([&g.product_id], |r| r.get(0))?;
                kinds.insert(g.product_id.as_str(), kind);
            }
        }
    }
    let is = |kind: &'static str| {
        let kinds = &kinds;
        move |g: &LineGroup| kinds.get(g.product_id.as_str()).map(String::as_str) == Some(kind)
    };
    let refills = lines.sum_where(is("refill"))?.lines;
    let deposits = lines.sum_where(is("deposit"))?;
    let (issued, charged) = (deposits.pieces, deposits.gross_minor);
    // Which container a refill went into is read from the refill lines
    // alone, and only when there are any.
    let refill_ids: Vec<&str> = kinds
        .iter()
        .filter(|(_, kind)| kind.as_str() == "refill")
        .map(|(id, _)| *id)
        .collect();
    let (own, shop): (i64, i64) = if refill_ids.is_empty() {
        (0, 0)
    } else {
        let sales = scope.counted_sales(include_practice);
        let mut params = sales.params.clone();
        params.push(Value::Text(serde_json::json!(refill_ids).to_string()));
        conn.query_row(
            &format!(
                "SELECT count(*) FILTER (WHERE l.container = 'own'),
                        count(*) FILTER (WHERE l.container = 'shop')
                 FROM sale s JOIN sale_line l ON l.sale_id = s.id
                 WHERE {} AND +l.product_id IN (SELECT value FROM json_each(?))",
                sales.sql
            ),
            params_from_iter(params.iter()),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
    };
    let returns = scope.filter("d", "at_utc", "utc_offset_minutes");
    let (returned, paid_back): (i64, i64) = conn.query_row(
        &format!(
            "SELECT coalesce(sum(d.quantity), 0), coalesce(sum(d.amount_minor), 0)
             FROM deposit_return d WHERE {}",
            returns.sql
        ),
        params_from_iter(returns.params.iter()),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(ReuseFigures {
        refills_sold: refills,
        refills_own_container: own,
        refills_shop_container: shop,
        containers_issued: issued,
        containers_returned: returned,
        deposits_charged: Money::new(currency, charged),
        deposits_paid_back: Money::new(currency, paid_back),
        deposit_return_rate: return_rate(returned, issued),
        packs_avoided: own + shop,
    })
}

/// returned ÷ issued in percent, one decimal (half away from zero).
pub fn return_rate(returned: i64, issued: i64) -> Option<String> {
    if issued <= 0 {
        return None;
    }
    let pct = Decimal::from(returned) * Decimal::from(100) / Decimal::from(issued);
    let mut rounded = pct.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(1);
    Some(rounded.to_string())
}

impl ReuseFigures {
    /// These figures as rows of `summary.csv`.
    pub fn summary_rows(&self, currency: &str) -> Vec<SummaryRow> {
        let mut rows = vec![
            SummaryRow::count("refills_sold", "", self.refills_sold),
            SummaryRow::count("refills_own_container", "", self.refills_own_container),
            SummaryRow::count("refills_shop_container", "", self.refills_shop_container),
            SummaryRow::count("containers_issued", "", self.containers_issued),
            SummaryRow::count("containers_returned", "", self.containers_returned),
            SummaryRow::amount("deposits_charged", "", &self.deposits_charged, currency),
            SummaryRow::amount("deposits_paid_back", "", &self.deposits_paid_back, currency),
        ];
        if let Some(rate) = &self.deposit_return_rate {
            rows.push(SummaryRow::other(
                "deposit_return_rate",
                rate.clone(),
                "percent",
            ));
        }
        rows.push(SummaryRow::count("packs_avoided", "", self.packs_avoided));
        rows
    }
}
