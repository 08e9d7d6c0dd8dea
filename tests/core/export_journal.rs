//! The export's `journal.csv` is a contiguous piece of the chain, picked by
//! `seq` and never by time: it verifies on its own, with the checker of
//! `docs/journal.md` started from its first row, even when the till's clock
//! moved back in the middle of the event.

use std::collections::BTreeMap;
use std::path::Path;

use popup_till_core::db::journal;
use popup_till_core::reporting::export::{self, ExportOptions, Progress};
use popup_till_core::reporting::scope::Scope;
use popup_till_core::till::session::{self, CashKind};
use popup_till_core::Actor;
use sha2::{Digest, Sha256};

use crate::support::HandClock;
use crate::till_support::{cart, cash, line, shop};

fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// The hash as docs/journal.md defines it, from a journal.csv row.
fn documented_hash(row: &BTreeMap<String, String>) -> String {
    let encoding = format!("popup-till/journal/v{}", row["version"]);
    let fields = [
        &encoding,
        &row["device_seq"],
        &row["id"],
        &row["device_id"],
        &row["at_utc"],
        &row["utc_offset_minutes"],
        &row["actor_id"],
        &row["action"],
        &row["entity"],
        &row["entity_id"],
        &row["details"],
        &row["prev_hash"],
    ];
    let mut bytes = Vec::new();
    for f in fields {
        bytes.extend_from_slice(format!("{}:{f},", f.len()).as_bytes());
    }
    journal::hex(&Sha256::digest(&bytes))
}

#[test]
fn journal_csv_holds_an_entry_stamped_in_the_past_and_its_rows_are_contiguous() {
    let mut s = shop();
    let clock = HandClock::install(&mut s.t.store);
    s.open_session("50.00", false);
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("20.00")])
        .unwrap();
    // The clock jumps 400 days back: cash paid in is stamped before anything
    // else of the event (the shop's stock came in on the real clock).
    const BACK: i64 = 400 * 24 * 3600;
    clock.advance(-BACK);
    let actor = s.cashier();
    let paid_in =
        s.t.store
            .write(&actor, |tx| {
                session::move_cash(tx, CashKind::PaidIn, "5.00", "coins from the bank")
            })
            .unwrap();
    clock.advance(BACK + 600);
    let last = s
        .sell(&cart(vec![line(&jam, "2")]), &[cash("10.00")])
        .unwrap();

    let out = s.t.dir.path().join("export");
    let opts = ExportOptions {
        scope: Scope::Event(s.event.clone()),
        out: out.clone(),
        semicolon: false,
        bom: false,
        include_practice: false,
        xlsx: false,
    };
    export::export(
        &mut s.t.store,
        &Actor::system("test"),
        &popup_till_core::shop::people::Approval::file_holder(),
        &opts,
        &mut |_: &Progress| true,
    )
    .unwrap();
    let journal_rows = rows(&out.join("journal.csv"));

    // The back-stamped entries are in, between the event's others.
    let position = |action: &str, entity_id: &str| {
        journal_rows
            .iter()
            .position(|r| {
                r["action"] == action && (entity_id.is_empty() || r["entity_id"] == entity_id)
            })
            .unwrap_or_else(|| panic!("{action} is in journal.csv"))
    };
    let moved = position("clock.moved_back", "");
    let paid = position("cash.paid_in", &paid_in);
    assert_eq!(paid, moved + 1);
    assert!(
        journal_rows[paid]["at_utc"] < journal_rows[0]["at_utc"],
        "stamped before the first row"
    );
    // From the stock brought to the stall (an entry that lists its
    // movements) to the last sale: the event's span.
    assert_eq!(journal_rows[0]["action"], "test.stocked");
    assert!(journal_rows
        .iter()
        .any(|r| r["action"] == "till_session.opened"));
    let end = journal_rows.last().unwrap();
    assert_eq!(
        (end["action"].as_str(), end["entity_id"].as_str()),
        ("sale.completed", last.sale_id.as_str())
    );

    // The checker of docs/journal.md, started from the first row: contiguous
    // by seq, each prev_hash the hash before, each hash as documented.
    let first: i64 = journal_rows[0]["seq"].parse().unwrap();
    let mut prev = journal_rows[0]["prev_hash"].clone();
    for (i, row) in journal_rows.iter().enumerate() {
        assert_eq!(
            row["seq"],
            (first + i as i64).to_string(),
            "contiguous by seq"
        );
        assert_eq!(
            row["prev_hash"], prev,
            "entry {} links to the row before",
            row["seq"]
        );
        assert_eq!(documented_hash(row), row["hash"], "entry {}", row["seq"]);
        prev = row["hash"].clone();
    }
    // And the first row links into the till's own chain.
    let before: String =
        s.t.store
            .conn()
            .query_row(
                "SELECT hash FROM audit_log WHERE seq = ?1",
                [first - 1],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(journal_rows[0]["prev_hash"], before);
}
