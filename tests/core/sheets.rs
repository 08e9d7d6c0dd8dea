//! Files a spreadsheet opens right: every CSV the till writes, in both the
//! `,` and the `;` mode, read back by two independent CSV readers (the Rust
//! `csv` crate and Python's `csv` module) holds exactly what was written,
//! hostile text neutralised as documented and every field that holds a
//! separator, a quote or a line break quoted.

use std::fs;
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader};
use popup_till_core::attendees::{mailing, Channel};
use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::csv_cell;
use popup_till_core::reporting::export::{self, ExportOptions, Progress};
use popup_till_core::reporting::scope::Scope;
use popup_till_core::shop::settings;
use popup_till_core::stock::{self, Location, Movement, MovementKind};
use popup_till_core::Actor;
use rust_decimal::Decimal;

use crate::reports::market_day;
use crate::till_support::*;

/// Separators, quotes, every kind of line break, formula starts at the
/// field's start and after a separator, tab.
pub const HOSTILE: &[&str] = &[
    "a,b",
    "a;b",
    "x;=1+2",
    "x,=1+2",
    "x\t=1+2",
    "say \"hi\"",
    "\"",
    "two\r\nlines",
    "two\nlines",
    "two\rlines",
    "=HYPERLINK(\"http://x.example\",\"click\")",
    "+SUM(A1:A9)",
    "-2+3",
    "@cmd",
    "\tcmd",
    "\rcmd",
    "tab\tinside",
    "end;",
    "Ünïcødé ☕ 日本語 — ok",
];

/// Every record of `path` as read by the Rust `csv` crate.
fn rust_rows(path: &Path, delimiter: u8) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap();
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_string();
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Every record of `path` as read by Python's `csv` module.
fn python_rows(path: &Path, delimiter: u8) -> Vec<Vec<String>> {
    let script = "import csv, json, sys\n\
        with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n\
        \x20   print(json.dumps(list(csv.reader(f, delimiter=sys.argv[2], strict=True))))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .arg((delimiter as char).to_string())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Both readers agree on every record of `path`; the records.
fn read_both(path: &Path, delimiter: u8) -> Vec<Vec<String>> {
    let rust = rust_rows(path, delimiter);
    let python = python_rows(path, delimiter);
    assert_eq!(rust, python, "{}", path.display());
    let width = rust[0].len();
    for r in &rust {
        assert_eq!(r.len(), width, "{}: {r:?}", path.display());
    }
    rust
}

/// The raw bytes of `path` hold every hostile text neutralised and, where
/// it holds a separator, quote or line break, quoted.
fn assert_quoted(path: &Path, raw: &str, wanted: fn(&str) -> bool) {
    for text in HOSTILE.iter().filter(|t| wanted(t)) {
        let cell = csv_cell::inert(text);
        if cell.contains([',', ';', '\t', '"', '\r', '\n']) {
            let quoted = format!("\"{}\"", cell.replace('"', "\"\""));
            assert!(raw.contains(&quoted), "{}: {text:?} quoted", path.display());
        }
    }
}

/// The hostile texts a product name takes (names refuse control characters).
fn printable(text: &str) -> bool {
    !text.contains(char::is_control)
}

/// Every hostile text, neutralised, is among `cells` (of those `wanted`).
fn assert_all_there(what: &str, cells: &[String], wanted: fn(&str) -> bool) {
    for text in HOSTILE.iter().filter(|t| wanted(t)) {
        let expected = csv_cell::inert(text);
        assert!(
            cells.iter().any(|c| *c == expected),
            "{what}: {text:?} read back as written ({expected:?})"
        );
    }
    for c in cells {
        assert!(
            !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{what}: {c:?} starts a formula"
        );
    }
}

#[test]
fn every_csv_the_till_writes_reads_back_in_rust_and_python_in_both_modes() {
    let mut s = shop();
    s.open_session("0", false);
    let actor = Actor::system("test");
    let event = s.event.clone();
    let mug = s.mug.clone();
    let mut products = Vec::new();
    s.t.store
        .write(&actor, |tx| {
            let saved = settings::load(tx)?;
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
                if !printable(text) {
                    continue;
                }
                let id = catalog::create(
                    tx,
                    &saved,
                    &ProductInput {
                        sku: format!("H{i}"),
                        barcode: String::new(),
                        name: (*text).into(),
                        unit_price: "2".into(),
                        tax_rate: "20".into(),
                        unit: "each".into(),
                        kind: "item".into(),
                        category: (*text).into(),
                        low_stock_threshold: String::new(),
                    },
                )?;
                products.push(id.id);
            }
            Ok(())
        })
        .unwrap();
    let lines = products.iter().map(|p| line(p, "1")).collect();
    s.sell(&cart(lines), &[cash("")]).unwrap();

    for semicolon in [false, true] {
        let out = s.t.dir.path().join(format!("sheets-{semicolon}"));
        let opts = ExportOptions {
            scope: Scope::Event(event.clone()),
            out: out.clone(),
            semicolon,
            bom: semicolon,
            include_practice: false,
            xlsx: false,
        };
        export::export(
            &mut s.t.store,
            &actor,
            &popup_till_core::shop::people::Approval::file_holder(),
            &opts,
            &mut |_: &Progress| true,
        )
        .unwrap();
        let delim = if semicolon { b';' } else { b',' };
        let mut files = 0;
        for entry in fs::read_dir(&out).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "csv") {
                read_both(&path, delim);
                files += 1;
            }
        }
        let package: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("datapackage.json")).unwrap())
                .unwrap();
        let described = package["resources"].as_array().unwrap().len();
        assert!(described >= 10);
        assert_eq!(files, described, "every CSV of the export was read");
        let moves = read_both(&out.join("stock_movements.csv"), delim);
        let col = |rows: &[Vec<String>], name: &str| -> Vec<String> {
            let i = rows[0].iter().position(|c| c == name).unwrap();
            rows[1..].iter().map(|r| r[i].clone()).collect()
        };
        for name in ["reason", "note", "lot_code"] {
            assert_all_there(
                &format!("stock_movements.{name}"),
                &col(&moves, name),
                |_| true,
            );
        }
        let sold = read_both(&out.join("sale_lines.csv"), delim);
        assert_all_there("sale_lines.name", &col(&sold, "name"), printable);
        for file in ["stock_movements.csv", "sale_lines.csv"] {
            let raw = fs::read_to_string(out.join(file)).unwrap();
            let wanted = if file == "sale_lines.csv" {
                printable
            } else {
                |_: &str| true
            };
            assert_quoted(&out.join(file), &raw, wanted);
        }
    }

    // The catalog export, read back and imported again unchanged.
    let catalog_csv = s.t.dir.path().join("catalog.csv");
    let text = catalog::spreadsheet::export(s.t.store.conn()).unwrap();
    fs::write(&catalog_csv, &text).unwrap();
    let rows = read_both(&catalog_csv, b',');
    let i = rows[0].iter().position(|c| c == "name").unwrap();
    let names: Vec<String> = rows[1..].iter().map(|r| r[i].clone()).collect();
    assert_all_there("catalog name", &names, printable);
    assert_quoted(&catalog_csv, &text, printable);

    // The mailing list.
    let mail: Vec<mailing::MailingRow> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, text)| mailing::MailingRow {
            contact_id: format!("c{i}"),
            name: (*text).into(),
            address: (*text).into(),
            consented_at: "2026-12-05T10:00:00+01:00".into(),
            wording_version: 1,
            how: "till".into(),
            code: "ABCD1234".into(),
        })
        .collect();
    let mail_csv = s.t.dir.path().join("mailing.csv");
    let bytes = mailing::csv_bytes(&mail, Channel::Email).unwrap();
    fs::write(&mail_csv, &bytes).unwrap();
    let rows = read_both(&mail_csv, b',');
    let names: Vec<String> = rows[1..].iter().map(|r| r[1].clone()).collect();
    assert_all_there("mailing name", &names, |_| true);
    assert_quoted(&mail_csv, &String::from_utf8(bytes).unwrap(), |_| true);
}

#[test]
fn times_carry_a_local_date_and_time_and_the_semicolon_mode_writes_every_decimal_with_a_comma() {
    let mut day = market_day();
    for semicolon in [false, true] {
        let out = day.s.t.dir.path().join(format!("times-{semicolon}"));
        let opts = ExportOptions {
            scope: Scope::Event(day.s.event.clone()),
            out: out.clone(),
            semicolon,
            bom: false,
            include_practice: false,
            xlsx: false,
        };
        export::export(
            &mut day.s.t.store,
            &Actor::system("test"),
            &popup_till_core::shop::people::Approval::file_holder(),
            &opts,
            &mut |_: &Progress| true,
        )
        .unwrap();
        let delim = if semicolon { b';' } else { b',' };
        let package: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("datapackage.json")).unwrap())
                .unwrap();
        let mut dated = Vec::new();
        for res in package["resources"].as_array().unwrap() {
            let path = res["path"].as_str().unwrap();
            let rows = read_both(&out.join(path), delim);
            let fields = res["schema"]["fields"].as_array().unwrap();
            let mut instant = None;
            for (i, f) in fields.iter().enumerate() {
                let ty = f["type"].as_str().unwrap();
                match ty {
                    "datetime" => instant = Some(i),
                    "date" | "time" => {
                        let at = instant.expect("a date or time follows its instant");
                        for r in &rows[1..] {
                            let want = if r[at].is_empty() {
                                String::new()
                            } else {
                                let t = chrono::DateTime::parse_from_rfc3339(&r[at])
                                    .unwrap()
                                    .naive_local();
                                let format = if ty == "date" { "%Y-%m-%d" } else { "%H:%M:%S" };
                                t.format(format).to_string()
                            };
                            assert_eq!(r[i], want, "{path}: {} of {}", fields[i]["name"], r[at]);
                            if !want.is_empty() {
                                dated.push(path.to_string());
                            }
                        }
                    }
                    "number" => {
                        let (mark, other) = if semicolon { (",", '.') } else { (".", ',') };
                        assert_eq!(
                            f.get("decimalChar").and_then(|d| d.as_str()).unwrap_or("."),
                            mark
                        );
                        for r in &rows[1..] {
                            assert!(!r[i].contains(other), "{path}: {}", r[i]);
                        }
                    }
                    _ => {}
                }
            }
        }
        for path in [
            "sales.csv",
            "till_sessions.csv",
            "cash_movements.csv",
            "stock_movements.csv",
            "visitors.csv",
        ] {
            assert!(
                dated.iter().any(|d| d == path),
                "{path} has local dates and times"
            );
        }
        let summary = read_both(&out.join("summary.csv"), delim);
        let rate_keys: Vec<&str> = summary[1..]
            .iter()
            .filter(|r| r[0].contains("tax_rate_"))
            .map(|r| r[1].as_str())
            .collect();
        let five_and_a_half = if semicolon { "5,5" } else { "5.5" };
        assert!(rate_keys.contains(&five_and_a_half), "{rate_keys:?}");
        let other_mark = if semicolon { '.' } else { ',' };
        assert!(
            rate_keys.iter().all(|k| !k.contains(other_mark)),
            "{rate_keys:?}"
        );
        for r in &summary[1..] {
            if semicolon {
                assert!(!r[2].contains('.'), "summary value {}", r[2]);
            }
        }
    }
}

/// Every sheet of the workbook at `path` as a reader crate (calamine)
/// reads it, by sheet name in the workbook's order, and the number of
/// formula cells across the sheets.
fn read_workbook(path: &Path) -> (Vec<(String, calamine::Range<Data>)>, usize) {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).expect("the workbook opens");
    let mut sheets = Vec::new();
    let mut formulas = 0;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("the sheet reads");
        formulas += book
            .worksheet_formula(&name)
            .expect("the sheet's formulas read")
            .used_cells()
            .filter(|(_, _, f)| !f.is_empty())
            .count();
        sheets.push((name, range));
    }
    (sheets, formulas)
}

#[test]
fn the_workbook_holds_every_table_with_numbers_dates_and_times_typed() {
    let mut day = market_day();
    let actor = Actor::system("test");
    let (event, mug) = (day.s.event.clone(), day.s.mug.clone());
    day.s
        .t
        .store
        .write(&actor, |tx| {
            stock::record(
                tx,
                &Movement {
                    product_id: &mug,
                    event_id: Some(&event),
                    location: Location::Event,
                    kind: MovementKind::Adjust,
                    quantity: Decimal::from(-1),
                    reason: "=1+2;x",
                    note: "x;=1+2",
                    lot_code: None,
                    source_type: "manual",
                    source_id: None,
                },
            )?;
            tx.journal("test.hostile", "event", &event, serde_json::json!({}))
        })
        .unwrap();
    for semicolon in [false, true] {
        let out = day.s.t.dir.path().join(format!("book-{semicolon}"));
        let opts = ExportOptions {
            scope: Scope::Event(event.clone()),
            out: out.clone(),
            semicolon,
            bom: true,
            include_practice: false,
            xlsx: true,
        };
        let result = export::export(
            &mut day.s.t.store,
            &actor,
            &popup_till_core::shop::people::Approval::file_holder(),
            &opts,
            &mut |_: &Progress| true,
        )
        .unwrap();
        assert!(
            result.files.iter().any(|f| f.path == "export.xlsx"),
            "the manifest lists the workbook"
        );
        let (book, formulas) = read_workbook(&out.join("export.xlsx"));
        assert_eq!(formulas, 0, "no cell is a formula");
        let delim = if semicolon { b';' } else { b',' };
        let package: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("datapackage.json")).unwrap())
                .unwrap();
        let resources = package["resources"].as_array().unwrap();
        assert_eq!(
            book.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            resources
                .iter()
                .map(|r| r["name"].as_str().unwrap())
                .collect::<Vec<_>>(),
            "a sheet per file, in the package's order"
        );
        let sheet_of = |name: &str| &book.iter().find(|(n, _)| n == name).unwrap().1;
        for res in resources {
            let name = res["name"].as_str().unwrap();
            let csv_rows = read_both(&out.join(res["path"].as_str().unwrap()), delim);
            let sheet = sheet_of(name);
            assert_eq!(sheet.start(), Some((0, 0)), "{name}: from A1");
            assert_eq!(sheet.height(), csv_rows.len(), "{name}: every row");
            let fields = res["schema"]["fields"].as_array().unwrap();
            for (r, (csv_row, row)) in csv_rows.iter().zip(sheet.rows()).enumerate() {
                for (c, value) in csv_row.iter().enumerate() {
                    let cell = row.get(c).unwrap_or(&Data::Empty);
                    let at = format!(
                        "{name} row {r} {}: {value:?} as {cell:?}",
                        fields[c]["name"]
                    );
                    if value.is_empty() {
                        assert_eq!(cell, &Data::Empty, "{at}");
                        continue;
                    }
                    let ty = if r == 0 {
                        "string"
                    } else {
                        fields[c]["type"].as_str().unwrap()
                    };
                    match (ty, cell) {
                        ("string" | "datetime", Data::String(got)) => {
                            assert_eq!(got, csv_cell::restore(value), "{at}");
                        }
                        ("integer" | "number", Data::Float(got)) => {
                            let want: f64 = value.replace(',', ".").parse().unwrap();
                            assert!((got - want).abs() < 1e-9, "{at}");
                        }
                        ("boolean", Data::Bool(got)) => assert_eq!(*got, value == "true", "{at}"),
                        ("date", Data::DateTime(got)) => {
                            let d = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").unwrap();
                            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
                            assert_eq!(got.as_f64(), (d - epoch).num_days() as f64, "{at}");
                        }
                        ("time", Data::DateTime(got)) => {
                            let t = chrono::NaiveTime::parse_from_str(value, "%H:%M:%S").unwrap();
                            let secs = chrono::Timelike::num_seconds_from_midnight(&t) as f64;
                            assert!((got.as_f64() * 86_400.0 - secs).abs() < 1e-3, "{at}");
                        }
                        _ => panic!("{at}: not a {ty} cell"),
                    }
                }
            }
        }
        // The summary sheet holds summary.csv's figures as numbers: its
        // total equals the file's, the file's decimal mark aside.
        let summary_csv = read_both(&out.join("summary.csv"), delim);
        let summary = sheet_of("summary");
        let figure = |metric: &str| {
            let r = summary_csv
                .iter()
                .position(|row| row[0] == metric)
                .unwrap_or_else(|| panic!("summary.csv has {metric}"));
            (
                summary_csv[r][2].replace(',', "."),
                summary.get((r, 2)).cloned(),
            )
        };
        let (text, cell) = figure("total");
        assert_eq!(
            cell,
            Some(Data::Float(text.parse().unwrap())),
            "the summary sheet's sales total is summary.csv's"
        );
        assert_ne!(text, "0", "the market day sold something");
        let moves = sheet_of("stock_movements");
        assert!(
            moves
                .used_cells()
                .any(|(_, _, c)| c == &Data::String("=1+2;x".into())),
            "text cells hold the text as typed, with no guard apostrophe"
        );
    }
}

#[test]
fn the_organizers_tasks_csv_reads_back_in_rust_and_python() {
    use popup_till_core::tasks::{self, PersonalData, StepEdit};
    let (mut t, event_id, _) = crate::tasks::till_with_flow();
    let step = crate::tasks::step_id(&t, &event_id, "catalog");
    let path = t.dir.path().join("tasks.csv");
    let mut checked = 0;
    for text in HOSTILE
        .iter()
        .filter(|t| printable(t) && t.chars().count() <= 80)
    {
        t.store
            .write(&crate::support::someone(), |tx| {
                tasks::edit_step(
                    tx,
                    &step,
                    &StepEdit {
                        assignee: (*text).into(),
                        ..Default::default()
                    },
                )
            })
            .unwrap();
        let mut out = Vec::new();
        tasks::write_csv(t.store.conn(), &event_id, PersonalData::Included, &mut out).unwrap();
        fs::write(&path, &out).unwrap();
        let rows = read_both(&path, b',');
        let i = rows[0].iter().position(|c| c == "assignee").unwrap();
        let expected = csv_cell::inert(text);
        assert!(
            rows[1..].iter().any(|r| r[i] == expected),
            "{text:?} read back as {expected:?}"
        );
        if expected.contains([',', ';', '\t', '"']) {
            let quoted = format!("\"{}\"", expected.replace('"', "\"\""));
            assert!(
                String::from_utf8(out).unwrap().contains(&quoted),
                "{text:?} quoted"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10);
}
