//! The lines of a scope's sales that count, summed by SQL once per
//! product, tax rate and unit: the one pass over the sale lines that the
//! line figures (before discounts, net, tax, gross, items, weighed lines),
//! the figures by tax rate, the top products and the reuse figures are all
//! taken from. A big day has tens of thousands of lines; reading them once
//! instead of once per figure is what keeps its report quick.
//!
//! Each group's amounts are exact SQL sums of INTEGER minor units; adding
//! the groups up is done here with checked integer adds, so a total is the
//! same number a single SQL sum would give.

use std::collections::BTreeMap;

use rusqlite::{params_from_iter, Connection};

use crate::reporting::scope::Filter;
use crate::{Error, Result};

/// The lines of one product at one tax rate and unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineGroup {
    pub product_id: String,
    pub tax_rate: String,
    pub unit: String,
    pub sums: Sums,
}

/// Sums of lines: of one group, or of a set of groups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sums {
    pub lines: i64,
    pub quantity_milli: i64,
    /// Σ whole pieces per line (`quantity_milli / 1000` of each line).
    pub pieces: i64,
    pub amount_minor: i64,
    pub net_minor: i64,
    pub tax_minor: i64,
    pub gross_minor: i64,
}

impl Sums {
    fn add(&mut self, other: &Sums) -> Result<()> {
        let add = |a: i64, b: i64| {
            a.checked_add(b)
                .ok_or_else(|| Error::Integrity("the sale lines are too large to add up".into()))
        };
        self.lines = add(self.lines, other.lines)?;
        self.quantity_milli = add(self.quantity_milli, other.quantity_milli)?;
        self.pieces = add(self.pieces, other.pieces)?;
        self.amount_minor = add(self.amount_minor, other.amount_minor)?;
        self.net_minor = add(self.net_minor, other.net_minor)?;
        self.tax_minor = add(self.tax_minor, other.tax_minor)?;
        self.gross_minor = add(self.gross_minor, other.gross_minor)?;
        Ok(())
    }
}

/// The line figures of every report: Σ of all lines, units of products
/// sold by the piece, and lines sold by weight or volume (their units do
/// not add up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineTotals {
    pub all: Sums,
    pub items_milli: i64,
    pub weighed: i64,
}

/// The lines of the sales `counted` selects (alias `s`), by product, tax
/// rate and unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LineSums {
    pub groups: Vec<LineGroup>,
}

impl LineSums {
    pub fn of(conn: &Connection, counted: &Filter) -> Result<LineSums> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT l.product_id, l.tax_rate, l.unit, count(*), sum(l.quantity_milli),
                    sum(l.quantity_milli / 1000), sum(l.amount_minor), sum(l.net_minor),
                    sum(l.tax_minor), sum(l.gross_minor)
             FROM sale s JOIN sale_line l ON l.sale_id = s.id
             WHERE {}
             GROUP BY l.product_id, l.tax_rate, l.unit",
            counted.sql
        ))?;
        let rows = stmt.query_map(params_from_iter(counted.params.iter()), |r| {
            Ok(LineGroup {
                product_id: r.get(0)?,
                tax_rate: r.get(1)?,
                unit: r.get(2)?,
                sums: Sums {
                    lines: r.get(3)?,
                    quantity_milli: r.get(4)?,
                    pieces: r.get(5)?,
                    amount_minor: r.get(6)?,
                    net_minor: r.get(7)?,
                    tax_minor: r.get(8)?,
                    gross_minor: r.get(9)?,
                },
            })
        })?;
        Ok(LineSums {
            groups: rows.collect::<rusqlite::Result<_>>()?,
        })
    }

    /// The line figures (`LineTotals`).
    pub fn totals(&self) -> Result<LineTotals> {
        Ok(LineTotals {
            all: self.sum_where(|_| true)?,
            items_milli: self.sum_where(|g| g.unit == "each")?.quantity_milli,
            weighed: self.sum_where(|g| g.unit != "each")?.lines,
        })
    }

    /// The sums of the groups `keep` picks.
    pub fn sum_where(&self, keep: impl Fn(&LineGroup) -> bool) -> Result<Sums> {
        let mut sums = Sums::default();
        for g in self.groups.iter().filter(|g| keep(g)) {
            sums.add(&g.sums)?;
        }
        Ok(sums)
    }

    /// The sums by a key of each group (a tax rate, a product), in key order.
    pub fn sum_by<K: Ord>(&self, key: impl Fn(&LineGroup) -> K) -> Result<BTreeMap<K, Sums>> {
        let mut by: BTreeMap<K, Sums> = BTreeMap::new();
        for g in &self.groups {
            by.entry(key(g)).or_default().add(&g.sums)?;
        }
        Ok(by)
    }
}
