//! The ledgers beside the sales whose rows are each written by one journal
//! entry naming them: cash movements, deposits paid back and card ledger
//! entries. Each row must have its entry with the same figures, and each
//! entry its row.

use super::{fig, Compare, Figure};

/// The cash movement entries (`cash.paid_in`, `cash.paid_out`, `cash.drop`).
const CASH_ENTRIES: &str = "WITH cash AS MATERIALIZED (
    SELECT entity_id AS id, seq, action, details
    FROM audit_log WHERE entity = 'cash_movement' AND json_valid(details))";

/// The deposit return entries (`deposit.returned`).
const DEPOSIT_ENTRIES: &str = "WITH dep AS MATERIALIZED (
    SELECT entity_id AS id, seq, details
    FROM audit_log WHERE entity = 'deposit_return' AND json_valid(details))";

const CASH_FIGURES: &[Figure] = &[
    fig("kind", "c.kind", "substr(e.action, 6)"),
    fig(
        "amount_minor",
        "c.amount_minor",
        "json_extract(e.details, '$.amount_minor')",
    ),
    fig(
        "session_id",
        "c.session_id",
        "json_extract(e.details, '$.session_id')",
    ),
];

const DEPOSIT_FIGURES: &[Figure] = &[
    fig(
        "product_id",
        "d.product_id",
        "json_extract(e.details, '$.product_id')",
    ),
    fig(
        "quantity",
        "d.quantity",
        "json_extract(e.details, '$.quantity')",
    ),
    fig(
        "amount_minor",
        "d.amount_minor",
        "json_extract(e.details, '$.amount_minor')",
    ),
    fig(
        "session_id",
        "d.session_id",
        "json_extract(e.details, '$.session_id')",
    ),
    fig("method", "d.method", "json_extract(e.details, '$.method')"),
];

const LOYALTY_ENTRIES: &str = "WITH loy AS MATERIALIZED (
    SELECT entity_id AS id, seq, details
    FROM audit_log WHERE entity = 'loyalty_entry' AND json_valid(details))";

const LOYALTY_FIGURES: &[Figure] = &[
    fig("card", "y.card", "json_extract(e.details, '$.card')"),
    fig("kind", "y.kind", "json_extract(e.details, '$.kind')"),
    fig("stamps", "y.stamps", "json_extract(e.details, '$.stamps')"),
    fig(
        "sale_id",
        "y.sale_id",
        "json_extract(e.details, '$.sale_id')",
    ),
    fig(
        "sale_line_id",
        "y.sale_line_id",
        "json_extract(e.details, '$.sale_line_id')",
    ),
    fig(
        "refund_id",
        "y.refund_id",
        "json_extract(e.details, '$.refund_id')",
    ),
    fig(
        "reward_id",
        "y.reward_id",
        "json_extract(e.details, '$.reward_id')",
    ),
    fig(
        "event_id",
        "y.event_id",
        "json_extract(e.details, '$.event_id')",
    ),
];

/// The comparisons of these ledgers, run by `ledger_check::check`.
pub(super) fn checks() -> Vec<Compare<'static>> {
    vec![
        // Cash movements: the entry's action names the kind.
        Compare {
            table: "cash_movement",
            with: CASH_ENTRIES,
            from: "cash_movement c LEFT JOIN cash e ON e.id = c.id",
            id: "c.id",
            seq: "e.seq",
            same: "0",
            figures: CASH_FIGURES,
            ..Compare::PRESENCE
        },
        Compare {
            table: "cash_movement",
            with: CASH_ENTRIES,
            from: "cash e",
            filter: "NOT EXISTS (SELECT 1 FROM cash_movement c WHERE c.id = e.id)",
            id: "e.id",
            seq: "e.seq",
            present: "0",
            ..Compare::PRESENCE
        },
        // Deposits paid back: each with its entry, and each entry's row.
        Compare {
            table: "deposit_return",
            with: DEPOSIT_ENTRIES,
            from: "deposit_return d LEFT JOIN dep e ON e.id = d.id",
            id: "d.id",
            seq: "e.seq",
            same: "0",
            figures: DEPOSIT_FIGURES,
            ..Compare::PRESENCE
        },
        Compare {
            table: "deposit_return",
            with: DEPOSIT_ENTRIES,
            from: "dep e",
            filter: "NOT EXISTS (SELECT 1 FROM deposit_return d WHERE d.id = e.id)",
            id: "e.id",
            seq: "e.seq",
            present: "0",
            ..Compare::PRESENCE
        },
        // Card ledger entries: each with its entry, and each entry's row.
        Compare {
            table: "loyalty_entry",
            with: LOYALTY_ENTRIES,
            from: "loyalty_entry y LEFT JOIN loy e ON e.id = y.id",
            id: "y.id",
            seq: "e.seq",
            same: "0",
            figures: LOYALTY_FIGURES,
            ..Compare::PRESENCE
        },
        Compare {
            table: "loyalty_entry",
            with: LOYALTY_ENTRIES,
            from: "loy e",
            filter: "NOT EXISTS (SELECT 1 FROM loyalty_entry y WHERE y.id = e.id)",
            id: "e.id",
            seq: "e.seq",
            present: "0",
            ..Compare::PRESENCE
        },
    ]
}
