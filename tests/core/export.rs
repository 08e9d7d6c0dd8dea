//! The CSV export: files that add up to the report, hostile text that stays
//! inert through a round trip, a data package and a manifest a machine can
//! check, and bad input refused with nothing left behind.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::db::journal;
use popup_till_core::reporting::export::{self, ExportOptions, Progress};
use popup_till_core::reporting::{report, scope::Scope};
use popup_till_core::shop::settings;
use popup_till_core::stock::{self, Location, Movement, MovementKind};
use popup_till_core::{Actor, ErrorCode};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::reports::market_day;
use crate::till_support::*;

pub(crate) fn options(scope: Scope, out: PathBuf) -> ExportOptions {
    ExportOptions {
        scope,
        out,
        semicolon: false,
        bom: false,
        include_practice: false,
        xlsx: false,
    }
}

pub(crate) fn run(
    s: &mut Shop,
    opts: &ExportOptions,
) -> popup_till_core::Result<export::ExportResult> {
    let actor = Actor::system("test");
    export::export(
        &mut s.t.store,
        &actor,
        &popup_till_core::shop::people::Approval::file_holder(),
        opts,
        &mut |_: &Progress| true,
    )
}

/// A CSV file as a header and rows of maps, read by an RFC 4180 reader.
pub(crate) fn read_csv(path: &Path, delimiter: u8) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

pub(crate) fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

pub(crate) fn sum(rows: &[BTreeMap<String, String>], col: &str) -> Decimal {
    rows.iter().map(|r| dec(&r[col])).sum()
}

fn folder_names(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn the_csv_files_add_up_to_the_report_and_summary_csv_equals_it() {
    let mut day = market_day();
    let out = day.s.t.dir.path().join("market-export");
    let scope = Scope::Event(day.s.event.clone());
    let mmap = |s: &Shop| s.t.count("PRAGMA mmap_size");
    let mmap_before = mmap(&day.s);
    let result = run(&mut day.s, &options(scope.clone(), out.clone())).unwrap();
    assert_eq!(
        mmap(&day.s),
        mmap_before,
        "the till's connection is left as it was"
    );
    let report = report::report(day.s.t.store.conn(), &scope, false).unwrap();
    assert_eq!(result.sales, 2);
    assert_eq!(result.total, "39.75");

    let (_, sales) = read_csv(&out.join("sales.csv"), b',');
    assert_eq!(sales.len(), 3, "the voided sale is exported, flagged");
    let counted: Vec<_> = sales
        .iter()
        .filter(|r| r["voided"] == "false")
        .cloned()
        .collect();
    assert_eq!(counted.len() as i64, report.sales.sales_count);
    assert_eq!(sum(&counted, "total").to_string(), report.sales.total.text);
    assert_eq!(
        sum(&counted, "discount").to_string(),
        report.sales.discounts.text
    );
    assert_eq!(
        sum(&counted, "rounding").to_string(),
        report.sales.rounding.text
    );
    let live: BTreeSet<&str> = counted.iter().map(|r| r["id"].as_str()).collect();

    let (_, lines) = read_csv(&out.join("sale_lines.csv"), b',');
    let lines: Vec<_> = lines
        .into_iter()
        .filter(|l| live.contains(l["sale_id"].as_str()))
        .collect();
    assert_eq!(
        sum(&lines, "amount").to_string(),
        report.sales.before_discounts.text
    );
    assert_eq!(sum(&lines, "gross").to_string(), report.sales.gross.text);
    assert_eq!(sum(&lines, "net").to_string(), report.sales.net.text);
    assert_eq!(sum(&lines, "tax").to_string(), report.sales.tax.text);

    let (_, payments) = read_csv(&out.join("payments.csv"), b',');
    let payments: Vec<_> = payments
        .into_iter()
        .filter(|p| live.contains(p["sale_id"].as_str()))
        .collect();
    for p in &report.sales.payments {
        let of: Vec<_> = payments
            .iter()
            .filter(|r| r["method"] == p.method)
            .cloned()
            .collect();
        assert_eq!(
            sum(&of, "amount").to_string(),
            p.amount.text,
            "{}",
            p.method
        );
    }
    assert!(
        !fs::read_to_string(out.join("payments.csv"))
            .unwrap()
            .contains("4242"),
        "card digits stay out of the export"
    );

    // The drawers: the sessions' and cash movements' files add up to the
    // cash figures.
    let (_, tills) = read_csv(&out.join("till_sessions.csv"), b',');
    assert_eq!(
        sum(&tills, "expected").to_string(),
        report.cash.expected.text
    );
    assert_eq!(
        sum(&tills, "variance").to_string(),
        report.cash.variance.text
    );
    let (_, moves) = read_csv(&out.join("cash_movements.csv"), b',');
    let paid_in: Vec<_> = moves
        .into_iter()
        .filter(|m| m["kind"] == "paid_in")
        .collect();
    assert_eq!(
        sum(&paid_in, "amount").to_string(),
        report.cash.paid_in.text
    );

    // summary.csv is the report, figure for figure.
    let (header, summary) = read_csv(&out.join("summary.csv"), b',');
    assert_eq!(header, ["metric", "key", "value", "unit"]);
    let expected = report.summary_rows();
    assert_eq!(summary.len(), expected.len());
    for (row, want) in summary.iter().zip(&expected) {
        assert_eq!(row["metric"], want.metric);
        assert_eq!(row["key"], want.key);
        assert_eq!(row["value"], want.value);
    }
    let get =
        |metric: &str| summary.iter().find(|r| r["metric"] == metric).unwrap()["value"].clone();
    assert_eq!(get("total"), "39.75");
    assert_eq!(get("conversion"), "20.0");
    assert_eq!(get("cash_variance"), "-0.50");

    // Times are ISO 8601 with the stall's offset.
    assert!(
        sales[0]["at"].starts_with("2026-12-05T10:"),
        "{}",
        sales[0]["at"]
    );
    assert!(sales[0]["at"].ends_with("+01:00"), "{}", sales[0]["at"]);

    // The export itself is journaled, and the journal still holds.
    assert_eq!(
        day.s
            .t
            .count("SELECT count(*) FROM audit_log WHERE action = 'export.written'"),
        1
    );
    assert!(journal::verify(day.s.t.store.conn()).unwrap().holds());
}

#[test]
fn datapackage_describes_every_file_and_column_and_the_manifest_hashes_match() {
    let mut day = market_day();
    let out = day.s.t.dir.path().join("pkg");
    let journal_before = journal::verify(day.s.t.store.conn()).unwrap();
    let scope = Scope::Event(day.s.event.clone());
    run(&mut day.s, &options(scope, out.clone())).unwrap();

    let package: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(package["profile"], "tabular-data-package");
    let resources = package["resources"].as_array().unwrap();
    let mut described = BTreeSet::new();
    for res in resources {
        let path = res["path"].as_str().unwrap();
        described.insert(path.to_string());
        let (header, rows) = read_csv(&out.join(path), b',');
        let fields = res["schema"]["fields"].as_array().unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(header, names, "{path}: every column is described, in order");
        for f in fields {
            let ty = f["type"].as_str().unwrap();
            assert!(
                ["string", "integer", "number", "datetime", "date", "time", "boolean"]
                    .contains(&ty),
                "{path}: {ty}"
            );
            // Every value fits its declared type.
            for row in &rows {
                let v = &row[f["name"].as_str().unwrap()];
                if v.is_empty() {
                    continue;
                }
                match ty {
                    "integer" => assert!(v.parse::<i64>().is_ok(), "{path} {v}"),
                    "number" => assert!(v.parse::<Decimal>().is_ok(), "{path} {v}"),
                    "boolean" => assert!(v == "true" || v == "false", "{path} {v}"),
                    "datetime" => assert!(
                        chrono::DateTime::parse_from_rfc3339(v).is_ok(),
                        "{path} {v}"
                    ),
                    "date" => assert!(
                        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
                        "{path} {v}"
                    ),
                    "time" => assert!(
                        chrono::NaiveTime::parse_from_str(v, "%H:%M:%S").is_ok(),
                        "{path} {v}"
                    ),
                    _ => {}
                }
            }
        }
    }
    for name in [
        "sales.csv",
        "sale_lines.csv",
        "payments.csv",
        "till_sessions.csv",
        "cash_movements.csv",
        "stock_movements.csv",
        "visitors.csv",
        "journal.csv",
        "summary.csv",
    ] {
        assert!(described.contains(name), "{name} is in datapackage.json");
    }

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["journal"]["head_hash"], journal_before.head_hash);
    assert_eq!(manifest["journal"]["holds"], true);
    let files = manifest["files"].as_array().unwrap();
    let listed: BTreeSet<String> = files
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    let mut on_disk = folder_names(&out);
    on_disk.remove("manifest.json");
    assert_eq!(listed, on_disk, "the manifest lists every file");
    for f in files {
        let bytes = fs::read(out.join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(f["bytes"], bytes.len() as u64);
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            journal::hex(&Sha256::digest(&bytes))
        );
    }

    // The journal rows of the day carry their chain: each links to the one before.
    let (_, journal) = read_csv(&out.join("journal.csv"), b',');
    assert!(!journal.is_empty());
    for pair in journal.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
}

const HOSTILE: &[&str] = &[
    "=HYPERLINK(\"http://x.example\",\"click\")",
    "+SUM(A1:A9)",
    "-2+3",
    "@cmd",
    "\tcmd",
    "\rcmd",
    "quote \"x\", comma; semicolon",
    "two\nlines",
    "Ünïcødé ☕ 日本語 — ok",
];

#[test]
fn hostile_text_survives_a_round_trip_and_stays_inert() {
    let mut s = shop();
    s.open_session("0", false);
    let actor = Actor::system("test");
    let event = s.event.clone();
    let mug = s.mug.clone();
    s.t.store
        .write(&actor, |tx| {
            for (i, text) in HOSTILE.iter().enumerate() {
                stock::record(
                    tx,
                    &Movement {
                        product_id: &mug,
                        event_id: Some(&event),
                        location: Location::Event,
                        kind: MovementKind::Adjust,
                        quantity: Decimal::from(if i % 2 == 0 { 1 } else { -1 }),
                        reason: text,
                        note: text,
                        lot_code: Some(text),
                        source_type: "manual",
                        source_id: None,
                    },
                )?;
            }
            let saved = settings::load(tx)?;
            catalog::create(
                tx,
                &saved,
                &ProductInput {
                    sku: "EVIL".into(),
                    barcode: String::new(),
                    name: "=1+1 \"jar\", ☕".into(),
                    unit_price: "2".into(),
                    tax_rate: "20".into(),
                    unit: "each".into(),
                    kind: "item".into(),
                    category: String::new(),
                    low_stock_threshold: String::new(),
                },
            )?;
            tx.journal("test.hostile", "event", &event, serde_json::json!({}))
        })
        .unwrap();
    let evil: String =
        s.t.store
            .conn()
            .query_row("SELECT id FROM product WHERE sku = 'EVIL'", [], |r| {
                r.get(0)
            })
            .unwrap();
    s.sell(&cart(vec![line(&evil, "1")]), &[cash("")]).unwrap();

    for semicolon in [false, true] {
        let out = s.t.dir.path().join(format!("hostile-{semicolon}"));
        let mut opts = options(Scope::Event(event.clone()), out.clone());
        opts.semicolon = semicolon;
        opts.bom = semicolon;
        run(&mut s, &opts).unwrap();
        let delim = if semicolon { b';' } else { b',' };
        let raw = fs::read(out.join("stock_movements.csv")).unwrap();
        assert_eq!(
            raw.starts_with(b"\xEF\xBB\xBF"),
            semicolon,
            "BOM only when asked"
        );
        let (_, rows) = read_csv(&out.join("stock_movements.csv"), delim);
        let reasons: Vec<&str> = rows
            .iter()
            .filter(|r| r["kind"] == "adjust")
            .map(|r| r["reason"].as_str())
            .collect();
        assert_eq!(reasons.len(), HOSTILE.len());
        for (got, original) in reasons.iter().zip(HOSTILE) {
            let dangerous = original.starts_with(['=', '+', '-', '@', '\t', '\r']);
            if dangerous {
                assert_eq!(*got, format!("'{original}"), "made inert");
            } else {
                assert_eq!(got, original, "kept exactly");
            }
        }
        for row in &rows {
            for col in ["reason", "note", "lot_code"] {
                assert!(
                    !row[col].starts_with(['=', '+', '@', '\t', '\r', '-']),
                    "{col}: {:?}",
                    row[col]
                );
            }
        }
        // Quantities of -1 are numbers, not text: left as they are.
        let neg = rows.iter().filter(|r| r["quantity"] == "-1").count();
        assert!(neg >= 4, "negative numbers are not prefixed");
        let (_, lines) = read_csv(&out.join("sale_lines.csv"), delim);
        assert_eq!(lines[0]["name"], "'=1+1 \"jar\", ☕");
        let (_, sales) = read_csv(&out.join("sales.csv"), delim);
        let expected_total = if semicolon { "2,00" } else { "2.00" };
        assert_eq!(sales[0]["total"], expected_total);
    }
}

#[test]
fn the_core_proposes_the_export_folder_for_an_event_or_a_range() {
    let s = shop();
    let conn = s.t.store.conn();
    // The event is called "Market"; the trailing slash of the parent goes.
    assert_eq!(
        export::suggested_folder(conn, "/home/me/Exports/", Some(&s.event), "", "").unwrap(),
        "/home/me/Exports/popup-till-market"
    );
    assert_eq!(
        export::suggested_folder(conn, "/tmp", None, "2026-12-01", "2026-12-31").unwrap(),
        "/tmp/popup-till-2026-12-01-to-2026-12-31"
    );
    assert_eq!(
        export::suggested_folder(conn, "/tmp", Some(""), "2026-12-01", "").unwrap(),
        "/tmp/popup-till-2026-12-01-to-to",
        "a range as far as it is typed"
    );
    let err = export::suggested_folder(conn, "/tmp", Some("nope"), "", "").unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[test]
fn bad_targets_and_scopes_are_refused_and_leave_nothing_behind() {
    let mut day = market_day();
    let base = day.s.t.dir.path().to_path_buf();
    let event = Scope::Event(day.s.event.clone());

    let full = base.join("full");
    fs::create_dir(&full).unwrap();
    fs::write(full.join("keep.txt"), "mine").unwrap();
    let file = base.join("a-file.txt");
    fs::write(&file, "x").unwrap();
    let before = folder_names(&base);
    let journal = day.s.t.journal_len();

    let err = run(&mut day.s, &options(event.clone(), full.clone())).unwrap_err();
    assert_eq!(err.field(), Some("out"));
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(
        folder_names(&full),
        BTreeSet::from(["keep.txt".to_string()])
    );

    let err = run(&mut day.s, &options(event.clone(), file.clone())).unwrap_err();
    assert!(err.to_string().contains("is a file"), "{err}");

    let err = run(&mut day.s, &options(event.clone(), file.join("sub"))).unwrap_err();
    assert_eq!(err.field(), Some("out"));

    let err = run(
        &mut day.s,
        &options(event.clone(), base.join("no/such/dir")),
    )
    .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");

    let err = run(
        &mut day.s,
        &options(Scope::Event("nope".into()), base.join("x")),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);

    let empty_range = Scope::range("2027-01-01", "2027-01-31").unwrap();
    let err = run(&mut day.s, &options(empty_range, base.join("y"))).unwrap_err();
    assert!(err.to_string().contains("no sales"), "{err}");

    // An event without sales is refused, naming the event.
    let actor = Actor::system("test");
    let quiet = day
        .s
        .t
        .store
        .write(&actor, |tx| {
            popup_till_core::shop::events::create(
                tx,
                &popup_till_core::shop::events::EventInput {
                    name: "Quiet Sunday".into(),
                    venue: String::new(),
                    starts_at: "2026-12-20T10:00".into(),
                    ends_at: "2026-12-20T12:00".into(),
                    notes: String::new(),
                },
            )
        })
        .unwrap();
    let journal = journal + 1;
    let before = {
        let mut b = before;
        b.extend(
            folder_names(&base)
                .into_iter()
                .filter(|n| n.ends_with("-wal") || n.ends_with("-shm")),
        );
        b
    };
    let err = run(&mut day.s, &options(Scope::Event(quiet.id), base.join("z"))).unwrap_err();
    assert_eq!(err.field(), Some("event"));
    assert!(err.to_string().contains("Quiet Sunday"), "{err}");

    assert_eq!(
        folder_names(&base),
        before,
        "no folder, no temporary folder left"
    );
    assert_eq!(
        day.s.t.journal_len(),
        journal,
        "a refused export is not journaled"
    );
}

#[test]
fn a_failure_midway_removes_the_temporary_folder_and_an_empty_target_is_used() {
    let mut day = market_day();
    let base = day.s.t.dir.path().to_path_buf();
    let before = folder_names(&base);
    let out = base.join("stopped");
    let actor = Actor::system("test");
    let mut seen = Vec::new();
    let err = export::export(
        &mut day.s.t.store,
        &actor,
        &popup_till_core::shop::people::Approval::file_holder(),
        &options(Scope::Event(day.s.event.clone()), out.clone()),
        &mut |p: &Progress| {
            seen.push(p.file.clone());
            // Stop once the sales file is written: files exist in the temp folder.
            p.file != "stock_movements.csv"
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("nothing was written"), "{err}");
    assert!(seen.contains(&"sales.csv".to_string()));
    assert!(!out.exists());
    let mut after = folder_names(&base);
    after.retain(|n| !n.ends_with("-wal") && !n.ends_with("-shm"));
    let mut b = before.clone();
    b.retain(|n| !n.ends_with("-wal") && !n.ends_with("-shm"));
    assert_eq!(after, b, "no partial export and no temporary folder");

    // An empty folder made beforehand (say, by a file dialog) is filled.
    fs::create_dir(&out).unwrap();
    let mut progress = Vec::new();
    let actor = Actor::system("test");
    export::export(
        &mut day.s.t.store,
        &actor,
        &popup_till_core::shop::people::Approval::file_holder(),
        &options(Scope::Event(day.s.event.clone()), out.clone()),
        &mut |p: &Progress| {
            progress.push((p.file.clone(), p.rows_done, p.rows_total));
            true
        },
    )
    .unwrap();
    assert!(out.join("summary.csv").exists());
    let last_sales = progress.iter().rev().find(|p| p.0 == "sales.csv").unwrap();
    assert_eq!(
        (last_sales.1, last_sales.2),
        (3, 3),
        "progress reaches the total"
    );
}

#[test]
fn formula_starts_are_prefixed_and_nothing_else_changes() {
    for (input, output) in [
        ("=A1", "'=A1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        ("'quoted", "'quoted"),
    ] {
        assert_eq!(popup_till_core::csv_cell::inert(input), output);
    }
}

#[test]
fn a_range_export_carries_the_session_of_every_sale_even_one_opened_the_day_before() {
    let mut s = shop();
    let clock = crate::support::HandClock::install(&mut s.t.store);
    // 10:00 + 13.5 h = 23:30 local on the 5th; the sale is at 00:30 on the 6th.
    clock.advance(13 * 3600 + 1800);
    s.open_session("20", false);
    clock.advance(3600);
    let mug = s.mug.clone();
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("")]).unwrap();
    let out = s.t.dir.path().join("night");
    let scope = Scope::range("2026-12-06", "2026-12-06").unwrap();
    run(&mut s, &options(scope, out.clone())).unwrap();
    let (_, sales) = read_csv(&out.join("sales.csv"), b',');
    let (_, sessions) = read_csv(&out.join("till_sessions.csv"), b',');
    assert_eq!(sales.len(), 1);
    assert!(
        sales[0]["at"].starts_with("2026-12-06T00:30"),
        "{}",
        sales[0]["at"]
    );
    let ids: BTreeSet<&str> = sessions.iter().map(|t| t["id"].as_str()).collect();
    assert!(
        ids.contains(sales[0]["session_id"].as_str()),
        "the sale's session is exported"
    );
    assert!(sessions[0]["opened_at"].starts_with("2026-12-05T23:30"));
}

#[test]
fn tasks_csv_carries_the_flow_without_volunteer_names_and_the_report_counts_steps_done() {
    use popup_till_core::tasks::{self, SignInput, STARTER_ID};

    let mut s = shop();
    let event = s.event.clone();
    let steps =
        s.t.store
            .write(&s.cashier(), |tx| {
                tasks::create_flow(tx, &event, STARTER_ID)
            })
            .unwrap();
    // A volunteer signs the first one-person step; a sale completes one more
    // by its work. Opening the till is its step's first signature: that
    // two-person step waits for the second.
    let first = steps
        .iter()
        .find(|st| st.signoff == tasks::Signoff::One && st.requires.is_empty())
        .expect("a one-person step with no prerequisite")
        .id
        .clone();
    s.t.store
        .write(&s.cashier(), |tx| {
            tasks::sign(
                tx,
                &first,
                &SignInput {
                    signer_name: "Zelda Quartermain".into(),
                    ..SignInput::default()
                },
                None,
                None,
            )
        })
        .unwrap();
    s.open_session("50", false);
    let mug = s.mug.clone();
    s.sell(&cart(vec![line(&mug, "1")]), &[cash("20")]).unwrap();

    let scope = Scope::Event(event.clone());
    let report = report::report(s.t.store.conn(), &scope, false).unwrap();
    let figures = report.tasks.clone().expect("the event has a flow");
    assert_eq!((figures.done, figures.total), (2, 15));

    let out = s.t.dir.path().join("with-tasks");
    run(&mut s, &options(scope, out.clone())).unwrap();
    let (header, rows) = read_csv(&out.join("tasks.csv"), b',');
    assert_eq!(header[0], "step_id");
    assert_eq!(rows.len(), 15);
    assert_eq!(rows.iter().filter(|r| r["status"] == "done").count(), 2);
    assert!(rows
        .iter()
        .any(|r| r["done_by"].starts_with("till_session:")));
    assert!(rows.iter().any(|r| r["done_by"].starts_with("sale:")));
    for file in fs::read_dir(&out).unwrap() {
        let text = fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(
            !text.contains("Zelda"),
            "a volunteer's name reached the export"
        );
    }
    let (_, summary) = read_csv(&out.join("summary.csv"), b',');
    let done = summary
        .iter()
        .find(|r| r["metric"] == "tasks_done")
        .unwrap();
    assert_eq!(done["value"], "2");
}

#[test]
fn exporting_an_events_day_completes_its_export_step() {
    use popup_till_core::tasks::{self, Action, StepInput, StepStatus, TemplateInput};

    let mut day = market_day();
    let event = day.s.event.clone();
    day.s
        .t
        .store
        .write(&day.s.cashier(), |tx| {
            let template = tasks::create_template(
                tx,
                &TemplateInput {
                    name: "Close-down".into(),
                    description: String::new(),
                    steps: vec![StepInput {
                        key: String::new(),
                        phase: "after".into(),
                        title: "Export the day for the accountant".into(),
                        notes: String::new(),
                        action: Some("export".into()),
                        due: None,
                        signoff: "one".into(),
                        requires: Vec::new(),
                        ..StepInput::default()
                    }],
                },
            )?;
            tasks::create_flow(tx, &event, &template.id)
        })
        .unwrap();
    let flow = |s: &Shop| {
        tasks::flow_at(s.t.store.conn(), &event, chrono::Utc::now().naive_utc()).unwrap()
    };
    assert_eq!(flow(&day.s).steps[0].status, StepStatus::Open);
    let out = day.s.t.dir.path().join("day");
    run(&mut day.s, &options(Scope::Event(event.clone()), out)).unwrap();
    let after = flow(&day.s);
    assert_eq!(after.steps[0].action, Some(Action::Export));
    assert_eq!(after.steps[0].status, StepStatus::Done);
    assert_eq!(
        after.steps[0].records[0].source_type.as_deref(),
        Some("export")
    );
}
