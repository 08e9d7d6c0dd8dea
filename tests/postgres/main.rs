//! The season in PostgreSQL, against a real server started privately for
//! the test (`server.rs`; never a mock): a push makes the schema, a second
//! push sends the same rows and adds none, and the season SQL of
//! `docs/season.md` returns the till's own report figures.

mod server;
#[allow(dead_code)]
#[path = "../core/support.rs"]
mod support;
#[allow(dead_code)]
#[path = "../core/till_support.rs"]
mod till_support;

use popup_till_core::reporting::report;
use popup_till_core::reporting::scope::Scope;
use popup_till_core::shop::people::Approval;
use popup_till_core::tills::{clone, merge, push};
use popup_till_core::{Actor, Store};

use support::TestTill;
use till_support::{card, cart, cash, line, shop, Shop};

/// A query of docs/season.md, by the name its block opens with.
fn season_sql(name: &str) -> String {
    let doc = include_str!("../../docs/season.md");
    let marker = format!("```sql\n-- season: {name}\n");
    let start = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("docs/season.md has no query {name}"))
        + "```sql\n".len();
    let end = doc[start..].find("```").unwrap() + start;
    doc[start..end].to_string()
}

/// T1 sold 2 mugs, T2 (a till made for another laptop) jam and coffee and
/// a voided-free cash sale; T2's file is merged back into T1's.
fn two_tills_merged() -> Shop {
    let mut t1 = shop();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.sqlite");
    clone::clone_till(&mut t1.t.store, &Approval::file_holder(), "T2", &path).unwrap();
    let mut t2 = Shop {
        t: TestTill {
            store: Store::open(&path).unwrap(),
            dir,
        },
        organizer: t1.organizer.clone(),
        cashier: t1.cashier.clone(),
        event: t1.event.clone(),
        mug: t1.mug.clone(),
        jam: t1.jam.clone(),
        coffee: t1.coffee.clone(),
    };
    t1.open_session("50.00", false);
    let mug = t1.mug.clone();
    for _ in 0..2 {
        t1.sell(&cart(vec![line(&mug, "1")]), &[card("12.50")])
            .unwrap();
    }
    t2.open_session("20.00", false);
    let (jam, coffee) = (t2.jam.clone(), t2.coffee.clone());
    t2.sell(
        &cart(vec![line(&jam, "2"), line(&coffee, "0.5")]),
        &[cash("20.00")],
    )
    .unwrap();
    merge::merge_file(&mut t1.t.store, &Approval::file_holder(), &t2.t.path()).unwrap();
    t1
}

fn count(client: &mut postgres::Client, table: &str) -> i64 {
    client
        .query_one(&format!("SELECT count(*) FROM popup_till.{table}"), &[])
        .unwrap()
        .get(0)
}

#[test]
fn pushing_twice_gives_the_same_rows_and_the_season_sql_returns_the_reports_figures() {
    let server = server::Server::start();
    let mut t1 = two_tills_merged();
    let actor = Actor::system("test");

    let first = push::push(&mut t1.t.store, &actor, &server.url).unwrap();
    assert!(first.rows_new > 0);
    let mut pg = server.client();
    let tables = [
        "sale",
        "sale_line",
        "payment",
        "stock_movement",
        "audit_log",
        "device",
        "event",
        "deposit_return",
        "loyalty_entry",
    ];
    let counts: Vec<i64> = tables.iter().map(|t| count(&mut pg, t)).collect();
    assert_eq!(counts[0], 3, "both tills' sales");
    // The journal as it was when the push read it (the push's own entry
    // comes after).
    assert_eq!(counts[4], t1.t.count("SELECT count(*) FROM audit_log") - 1);

    let second = push::push(&mut t1.t.store, &actor, &server.url).unwrap();
    let again: Vec<i64> = tables.iter().map(|t| count(&mut pg, t)).collect();
    assert_eq!(again[..4], counts[..4], "the same ledger rows");
    // Only the first push's own journal entry is new.
    assert_eq!(again[4], counts[4] + 1);
    assert_eq!(second.rows_new, 1);
    assert_eq!(second.tables["sale"].new, 0);

    // The pushed head hash is recorded on the server and is the till's.
    let heads: Vec<String> = pg
        .query(
            "SELECT head_hash FROM popup_till.push_head ORDER BY pushed_at",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(heads, [first.head_hash.clone(), second.head_hash.clone()]);
    let found =
        popup_till_core::db::journal::verify_anchor(t1.t.store.conn(), &second.head_hash).unwrap();
    assert!(found.holds(), "{found:?}");

    // The season SQL returns the report's figures, by event and by till.
    let scope = Scope::Event(t1.event.clone());
    let r = report::report(t1.t.store.conn(), &scope, false).unwrap();
    let by_event = pg.query(&season_sql("sales_by_event"), &[]).unwrap();
    assert_eq!(by_event.len(), 1);
    let row = &by_event[0];
    assert_eq!(row.get::<_, String>("event_id"), t1.event);
    assert_eq!(row.get::<_, i64>("sales"), r.sales.sales_count);
    assert_eq!(row.get::<_, i64>("total_minor"), r.sales.total.minor);
    assert_eq!(row.get::<_, i64>("tax_minor"), r.sales.tax.minor);

    let by_till = pg
        .query(&season_sql("sales_by_event_and_till"), &[])
        .unwrap();
    let tills: Vec<(String, i64)> = by_till
        .iter()
        .map(|row| (row.get("till"), row.get("sales")))
        .collect();
    assert_eq!(tills, [("T1".to_string(), 2), ("T2".to_string(), 1)]);
    assert_eq!(by_till[0].get::<_, i64>("total_minor"), 2500);
    assert_eq!(
        by_till[0].get::<_, i64>("total_minor") + by_till[1].get::<_, i64>("total_minor"),
        r.sales.total.minor
    );
    for name in ["refunds_by_event_and_till", "products", "pushes"] {
        pg.query(&season_sql(name), &[])
            .unwrap_or_else(|e| panic!("season query {name}: {e}"));
    }
}

/// Rows the push sent, by table.
fn sent(report: &push::PushReport, table: &str) -> i64 {
    report.tables[table].sent
}

#[test]
fn a_push_resumes_from_the_head_it_recorded_and_sends_only_what_came_after() {
    let server = server::Server::start();
    let mut t1 = two_tills_merged();
    let actor = Actor::system("test");
    let mut pg = server.client();

    let first = push::push(&mut t1.t.store, &actor, &server.url).unwrap();
    assert_eq!(first.resumed_after, None, "nothing to resume from");
    assert_eq!(sent(&first, "sale"), 3);
    assert_eq!(sent(&first, "sale_line"), 4);
    let journal_then = t1.t.count("SELECT count(*) FROM audit_log");

    // Sell more on this till.
    let mug = t1.mug.clone();
    t1.sell(&cart(vec![line(&mug, "2")]), &[cash("25.00")])
        .unwrap();
    let journal_now = t1.t.count("SELECT count(*) FROM audit_log");

    let second = push::push(&mut t1.t.store, &actor, &server.url).unwrap();
    assert_eq!(second.resumed_after, Some(first.head_seq));
    // Only the new sale and its rows went, and the journal entries after
    // the first push's head (its own entry, and the sale's).
    assert_eq!(sent(&second, "sale"), 1);
    assert_eq!(sent(&second, "sale_line"), 1);
    assert_eq!(sent(&second, "payment"), 1);
    assert_eq!(sent(&second, "stock_movement"), 1);
    assert_eq!(sent(&second, "refund"), 0);
    assert_eq!(sent(&second, "audit_log"), journal_now - journal_then + 1);
    assert_eq!(second.tables["sale"].new, 1);
    // The server holds every row once.
    assert_eq!(count(&mut pg, "sale"), 4);
    assert_eq!(
        count(&mut pg, "sale_line"),
        t1.t.count("SELECT count(*) FROM sale_line")
    );
    assert_eq!(
        count(&mut pg, "payment"),
        t1.t.count("SELECT count(*) FROM payment")
    );
    assert_eq!(
        count(&mut pg, "audit_log"),
        t1.t.count("SELECT count(*) FROM audit_log") - 1
    );

    // Pushing again sends no ledger row: only the last push's entry.
    let third = push::push(&mut t1.t.store, &actor, &server.url).unwrap();
    let ledger_sent: i64 = third
        .tables
        .iter()
        .filter(|(t, _)| {
            !["device", "event", "product", "till_session", "audit_log"].contains(&t.as_str())
        })
        .map(|(_, p)| p.sent)
        .sum();
    assert_eq!(ledger_sent, 0, "{third:?}");
    assert_eq!(sent(&third, "audit_log"), 1);
    assert_eq!(third.rows_new, 1);

    // The head table has a key: one row per till and head.
    let key: i64 = pg
        .query_one(
            "SELECT count(*) FROM pg_constraint
             WHERE conrelid = 'popup_till.push_head'::regclass AND contype = 'p'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(key, 1);
    assert_eq!(count(&mut pg, "push_head"), 3);

    // A server that lost the heads is sent everything again, and still
    // holds every row once.
    pg.execute("DELETE FROM popup_till.push_head", &[]).unwrap();
    let again = push::push(&mut t1.t.store, &actor, &server.url).unwrap();
    assert_eq!(again.resumed_after, None);
    assert_eq!(sent(&again, "sale"), 4);
    assert_eq!(again.tables["sale"].new, 0);
    assert_eq!(count(&mut pg, "sale"), 4);
}
