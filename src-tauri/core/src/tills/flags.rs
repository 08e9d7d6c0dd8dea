//! What only shows once tills are merged, flagged on the event's home: a
//! sale line refunded beyond what was sold on it, by refunds paid on
//! different tills (each till checked its own refunds against what it
//! knew). A loyalty reward used on two tills is flagged beside it
//! (`reward_flags`).

use rusqlite::Connection;
use serde::Serialize;

use crate::reporting::figures::milli_text;
use crate::Result;

/// A sale line refunded beyond what was sold on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverRefund {
    pub sale_id: String,
    pub receipt_number: String,
    pub sale_line_id: String,
    pub sku: String,
    pub sold: String,
    pub refunded: String,
    /// The tills that paid its refunds, by code.
    pub tills: Vec<String>,
    pub message: String,
}

/// The event's sale lines refunded beyond what was sold, across tills.
pub fn over_refunded(conn: &Connection, event_id: &str) -> Result<Vec<OverRefund>> {
    let mut stmt = conn.prepare(
        "SELECT s.id, s.receipt_number, l.id, l.sku, l.quantity_milli, l.gross_minor,
                sum(rl.quantity_milli), sum(rl.gross_minor),
                group_concat(DISTINCT d.till_code)
         FROM sale s
         JOIN sale_line l ON l.sale_id = s.id
         JOIN refund_line rl ON rl.sale_line_id = l.id
         JOIN device d ON d.id = rl.device_id
         WHERE s.event_id = ?1
         GROUP BY l.id
         HAVING sum(rl.quantity_milli) > l.quantity_milli OR sum(rl.gross_minor) > l.gross_minor
         ORDER BY s.receipt_number, l.line_no",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        let tills: String = r.get(8)?;
        let mut tills: Vec<String> = tills.split(',').map(str::to_string).collect();
        tills.sort();
        let (sold, refunded) = (milli_text(r.get(4)?), milli_text(r.get(6)?));
        let receipt: String = r.get(1)?;
        let sku: String = r.get(3)?;
        Ok(OverRefund {
            message: format!(
                "{receipt}, {sku}: {refunded} refunded of {sold} sold, by tills {}",
                tills.join(" and ")
            ),
            sale_id: r.get(0)?,
            receipt_number: receipt,
            sale_line_id: r.get(2)?,
            sku,
            sold,
            refunded,
            tills,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
