//! The refund ledgers against the journal: every refund, refund line and
//! refund tender must have the `refund.completed` entry that wrote it, with
//! the same figures, and every row an entry lists must still be there. A
//! refund's stock movements are listed by its entry like any document's and
//! are checked with the other movements.

use super::{fig, listed, Compare, Figure};

/// A figure of the refund as its entry recorded it.
macro_rules! refund_fig {
    ($name:literal) => {
        fig(
            $name,
            concat!("r.", $name),
            concat!(
                "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.",
                $name,
                "')"
            ),
        )
    };
}

const REFUND_FIGURES: &[Figure] = &[
    refund_fig!("receipt_number"),
    refund_fig!("session_id"),
    refund_fig!("event_id"),
    refund_fig!("practice"),
    refund_fig!("amount_minor"),
    refund_fig!("discount_minor"),
    refund_fig!("tax_minor"),
    refund_fig!("gross_minor"),
    refund_fig!("rounding_minor"),
    refund_fig!("total_minor"),
    fig(
        "lines",
        "(SELECT count(*) FROM refund_line l WHERE l.refund_id = r.id)",
        "json_extract(CASE WHEN json_valid(e.details) THEN e.details END, '$.lines')",
    ),
    fig(
        "payments",
        "(SELECT count(*) FROM refund_payment p WHERE p.refund_id = r.id)",
        "json_array_length(CASE WHEN json_valid(e.details) THEN e.details END, '$.payments')",
    ),
];

const LINE_FIGURES: &[Figure] = &[
    fig("refund_id", "l.refund_id", "a.entity_id"),
    listed!("sale_line_id"),
    listed!("product_id"),
    listed!("quantity_milli"),
    listed!("amount_minor"),
    listed!("net_minor"),
    listed!("tax_minor"),
    listed!("gross_minor"),
    listed!("restock"),
];

const PAYMENT_FIGURES: &[Figure] = &[
    fig("method", "p.method", "json_extract(j.value, '$[0]')"),
    fig(
        "amount_minor",
        "p.amount_minor",
        "json_extract(j.value, '$[1]')",
    ),
];

/// The comparisons of the refund ledgers. Refunds are few beside sales, so
/// each row is compared figure by figure.
pub(super) fn checks() -> Vec<Compare<'static>> {
    vec![
        // Each refund with an entry: its figures.
        Compare {
            table: "refund",
            from: "audit_log e JOIN refund r ON r.id = e.entity_id",
            filter: "e.action = 'refund.completed'",
            id: "r.id",
            seq: "e.seq",
            same: "0",
            figures: REFUND_FIGURES,
            ..Compare::PRESENCE
        },
        // A refund no entry wrote.
        Compare {
            table: "refund",
            from: "refund r",
            filter: "r.id NOT IN (SELECT entity_id FROM audit_log WHERE action = 'refund.completed')",
            id: "r.id",
            ..Compare::PRESENCE
        },
        // A refund entry whose refund is gone.
        Compare {
            table: "refund",
            from: "audit_log e",
            filter: "e.action = 'refund.completed' AND NOT EXISTS (SELECT 1 FROM refund r WHERE r.id = e.entity_id)",
            id: "e.entity_id",
            seq: "e.seq",
            present: "0",
            ..Compare::PRESENCE
        },
        // Each line an entry lists, present and with its figures.
        Compare {
            table: "refund_line",
            from: "audit_log a, json_each(a.details, '$.refund_lines') j
                   LEFT JOIN refund_line l ON l.id = json_extract(j.value, '$.id')",
            filter: "a.action = 'refund.completed' AND json_valid(a.details)",
            id: "json_extract(j.value, '$.id')",
            seq: "a.seq",
            present: "l.id IS NOT NULL",
            same: "0",
            figures: LINE_FIGURES,
            ..Compare::PRESENCE
        },
        // A line no entry lists.
        Compare {
            table: "refund_line",
            from: "refund_line l",
            filter: "l.id NOT IN (SELECT json_extract(j.value, '$.id') FROM audit_log a, json_each(a.details, '$.refund_lines') j
                      WHERE a.action = 'refund.completed' AND json_valid(a.details) AND json_extract(j.value, '$.id') IS NOT NULL)",
            id: "l.id",
            ..Compare::PRESENCE
        },
        // Each tender an entry lists, by its place in the list.
        Compare {
            table: "refund_payment",
            from: "audit_log a, json_each(a.details, '$.payments') j
                   LEFT JOIN refund_payment p ON p.refund_id = a.entity_id AND p.seq = j.key + 1",
            filter: "a.action = 'refund.completed' AND json_valid(a.details)",
            id: "coalesce(p.id, a.entity_id || '#' || (j.key + 1))",
            seq: "a.seq",
            present: "p.id IS NOT NULL",
            same: "j.value = json_array(p.method, p.amount_minor)",
            figures: PAYMENT_FIGURES,
            ..Compare::PRESENCE
        },
        // A tender no entry lists.
        Compare {
            table: "refund_payment",
            from: "refund_payment p",
            filter: "(p.refund_id, p.seq) NOT IN (SELECT a.entity_id, j.key + 1 FROM audit_log a, json_each(a.details, '$.payments') j
                      WHERE a.action = 'refund.completed' AND json_valid(a.details))",
            id: "p.id",
            ..Compare::PRESENCE
        },
    ]
}
