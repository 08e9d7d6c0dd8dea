//! The report broken down by till: for each till whose sales or refunds
//! are in scope, what it took (the same sales as `figures::sales_figures`
//! counts: not voided, practice only when asked) and what it paid back
//! (`refund_figures`' refunds). The rows add up to the report's totals.

use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

use crate::money::Currency;
use crate::reporting::figures::Money;
use crate::reporting::scope::Scope;
use crate::Result;

/// One till's share of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TillRow {
    pub device_id: String,
    pub till_code: String,
    pub sales_count: i64,
    /// Σ sale totals (what was taken).
    pub total: Money,
    /// Σ sale tax.
    pub tax: Money,
    pub refunds_count: i64,
    /// Σ refund totals (what was paid back).
    pub refunds_total: Money,
}

/// Each till's sales and refunds in scope, by till code.
pub fn by_till(
    conn: &Connection,
    scope: &Scope,
    include_practice: bool,
    currency: &Currency,
) -> Result<Vec<TillRow>> {
    let sales = scope.counted_sales(include_practice);
    let refunds = scope.refunds(include_practice);
    let mut params = sales.params.clone();
    params.extend(refunds.params.iter().cloned());
    let mut stmt = conn.prepare(&format!(
        "WITH s AS (SELECT s.device_id, count(*) AS n, sum(s.total_minor) AS total, sum(s.tax_minor) AS tax
                    FROM sale s WHERE {} GROUP BY s.device_id),
              r AS (SELECT r.device_id, count(*) AS n, sum(r.total_minor) AS total
                    FROM refund r WHERE {} GROUP BY r.device_id)
         SELECT d.id, d.till_code, coalesce(s.n, 0), coalesce(s.total, 0), coalesce(s.tax, 0),
                coalesce(r.n, 0), coalesce(r.total, 0)
         FROM device d LEFT JOIN s ON s.device_id = d.id LEFT JOIN r ON r.device_id = d.id
         WHERE s.n IS NOT NULL OR r.n IS NOT NULL
         ORDER BY d.till_code, d.id",
        sales.sql, refunds.sql
    ))?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
        Ok(TillRow {
            device_id: r.get(0)?,
            till_code: r.get(1)?,
            sales_count: r.get(2)?,
            total: Money::new(currency, r.get(3)?),
            tax: Money::new(currency, r.get(4)?),
            refunds_count: r.get(5)?,
            refunds_total: Money::new(currency, r.get(6)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
