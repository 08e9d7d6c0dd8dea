//! The card link ledger against the journal: every link and unlink must
//! have the `card.linked`/`card.unlinked` entry that wrote it, with the
//! same card, contact, kind, consent and reason, and every entry this
//! file's own till wrote must still have its row. A till made for another
//! laptop leaves the links (and the contacts they point to) behind, so the
//! entries it copied from the first till may have no row there.

use super::{fig, Compare, Figure};

const LINK_ENTRIES: &str = "WITH link AS MATERIALIZED (
    SELECT entity_id AS id, seq, device_id, details
    FROM audit_log WHERE entity = 'card_link' AND json_valid(details))";

const LINK_FIGURES: &[Figure] = &[
    fig("card", "k.card", "json_extract(e.details, '$.card')"),
    fig(
        "contact_id",
        "k.contact_id",
        "json_extract(e.details, '$.contact_id')",
    ),
    fig("kind", "k.kind", "json_extract(e.details, '$.kind')"),
    fig(
        "consent_id",
        "k.consent_id",
        "json_extract(e.details, '$.consent_id')",
    ),
    fig("reason", "k.reason", "json_extract(e.details, '$.reason')"),
];

/// The comparisons of the card link ledger, row by row (links are few).
pub(super) fn checks() -> Vec<Compare<'static>> {
    vec![
        Compare {
            table: "card_link",
            with: LINK_ENTRIES,
            from: "card_link k LEFT JOIN link e ON e.id = k.id",
            id: "k.id",
            seq: "e.seq",
            same: "0",
            figures: LINK_FIGURES,
            ..Compare::PRESENCE
        },
        Compare {
            table: "card_link",
            with: LINK_ENTRIES,
            from: "link e",
            filter: "NOT EXISTS (SELECT 1 FROM card_link k WHERE k.id = e.id)
                     AND e.device_id IN (SELECT id FROM device WHERE is_local = 1)",
            id: "e.id",
            seq: "e.seq",
            present: "0",
            ..Compare::PRESENCE
        },
    ]
}
