//! The day after, in the real window: sales made on the Till screen show
//! on the Reports screen, the visitor tally counts, the Export
//! screen writes the package into a typed folder, and the CSV files, parsed
//! here, add up to what the screen showed.

use std::collections::BTreeMap;
use std::path::Path;

use popup_till_e2e::{fixtures, App};

const ENTER: &str = "\u{E007}";
const F2: &str = "\u{E032}";
const F3: &str = "\u{E033}";

/// Type into the till's scan field, as a scanner or a person does.
async fn scan(app: &App, keys: &str) {
    let field = app.find("#till-scan").await;
    field.send_keys(keys).await.unwrap();
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
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

/// Sum decimal text exactly, in hundredths (the demo shop's EUR).
fn cents(text: &str) -> i64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    let frac: i64 = format!("{frac:0<2}")[..2].parse().unwrap();
    whole.parse::<i64>().unwrap() * 100 + sign * frac
}

fn text_cents(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// A shop with an organizer, a cashier, three products and an open event.
fn prepare_shop(db: &Path) {
    fixtures::harbour_shop(
        db,
        "Olga Organiser",
        "Carl Cashier",
        &[
            (
                "MUG",
                "4006381333931",
                "Stoneware mug",
                "12.50",
                "20",
                "each",
            ),
            ("JAM", "", "Plum jam", "3.30", "0", "each"),
            ("TEA", "", "Herbal tea", "4.00", "20", "each"),
        ],
    );
}

#[tokio::test]
async fn the_days_export_adds_up_to_the_report_on_screen() {
    let app = App::launch_prepared(prepare_shop).await;
    app.choose_person("Carl").await;
    app.find("#event-list").await;

    // Sell at the till: a scanned mug paid exact, two jars of jam paid
    // with a 10 note, and a tea that is voided afterwards.
    app.click_settled("#nav-till").await;
    app.type_into("#till-float", &format!("100{ENTER}")).await;
    app.find("#till-cart").await;
    scan(&app, &format!("4006381333931{ENTER}")).await;
    app.wait_for_text("#till-total", "12.50").await;
    scan(&app, F2).await;
    app.wait_for_text("#till-recent", "T1-000001").await;
    scan(&app, &format!("2*plum{ENTER}")).await;
    app.wait_for_text("#till-total", "6.60").await;
    scan(&app, F3).await;
    app.type_into("#cash-tendered", &format!("10{ENTER}")).await;
    app.wait_for_text("#till-change", "3.40").await;
    app.wait_for_text("#till-recent", "T1-000002").await;
    scan(&app, &format!("TEA{ENTER}")).await;
    app.wait_for_text("#till-total", "4.00").await;
    scan(&app, F2).await;
    app.wait_for_text("#till-recent", "T1-000003").await;
    app.click("#till-recent tr:first-child .void-sale").await;
    app.type_into("#void-reason", &format!("rang up by mistake{ENTER}"))
        .await;
    app.enter_pin("246810").await;
    app.wait_for_text("#till-recent tr:first-child", "voided")
        .await;

    // The Reports screen shows what was sold.
    app.click_settled("#nav-reports").await;
    app.wait_for_text("#report-sales", "2").await;
    let total = app.text("#report-total").await;
    assert_eq!(total, "19.10", "12.50 + 2 × 3.30");
    let before_discounts = app
        .text("#report-money [data-metric=before_discounts] .num")
        .await;
    let gross = app.text("#report-money [data-metric=gross] .num").await;
    let voids = app
        .text("#report-money [data-metric=voids_total] .num")
        .await;
    assert_eq!(voids, "4.00", "the voided tea shows apart");
    let tax = app.wait_for_text("#report-tax", "20").await;
    assert!(tax.contains("2.08"), "12.50 incl. 20 % holds 2.08: {tax}");
    app.find("#sales-chart .chart-bar rect").await;
    // Carl, a cashier, is not shown what the open drawer should hold: he
    // counts it blind at close.
    let open = app
        .wait_for_text("#report-cash-open", "counted at close")
        .await;
    assert!(!open.contains("119.10"), "{open}");
    app.screenshot("reports-top-cashier").await;
    // The organizer is.
    app.click("#person-chip").await;
    app.choose_person("Olga").await;
    // 100 float + 12.50 + 10 − 3.40 change + 4.00 − 4.00 given back by the void
    app.wait_for_text("#report-cash-open", "119.10").await;
    app.screenshot("reports-top").await;
    // Carl takes the till back.
    app.click("#person-chip").await;
    app.choose_person("Carl").await;
    app.wait_for_text("#report-cash-open", "counted at close")
        .await;

    // The footfall tally: two taps and a counted 10, conversion follows.
    app.click("#visitor-plus").await;
    app.wait_for_text("#report-visitors", "1").await;
    app.click("#visitor-plus").await;
    app.wait_for_text("#report-visitors", "2").await;
    app.type_into("#visitor-manual", "10").await;
    app.click("#visitor-manual-save").await;
    app.wait_for_text("#report-visitors", "12").await;
    app.wait_for_text("#report-conversion", "16.7 %").await;
    app.find("#compare-table").await;
    app.wait_for_text("#compare-table", "Harbour Market").await;
    // The comparison read once on opening: the day's own row is read again
    // as its visitors change.
    app.wait_for_text("#compare-table", "16.7 %").await;
    app.screenshot("reports-day").await;

    // Export through the screen into a folder typed by hand. A non-empty
    // folder is refused next to the field first.
    let target_parent = tempfile::tempdir().unwrap();
    let busy = target_parent.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("mine.txt"), "keep").unwrap();
    // Carl is a cashier: the Export screen asks for an organizer's PIN on
    // entry (the core answers that it needs one), and that PIN then serves
    // the export itself.
    app.click_settled("#nav-export").await;
    app.find("#pin-dialog").await;
    app.enter_pin("246810").await;
    app.wait_gone("#pin-dialog").await;
    app.type_into("#export-out", busy.to_str().unwrap()).await;
    app.click("#export-submit").await;
    app.wait_for_text("#export-form [data-field=out] .field-error", "not empty")
        .await;
    let out = target_parent.path().join("harbour-market");
    app.type_into("#export-out", out.to_str().unwrap()).await;
    app.click("#export-submit").await;
    app.wait_for_text("#export-result", "Exported 2 sales")
        .await;
    app.wait_for_text("#export-files", "summary.csv").await;
    app.wait_for_text("#export-progress-text", "Done").await;
    app.screenshot("export-done").await;
    let _data = app.close().await;

    // The files add up to what the screen showed.
    let sales = read_csv(&out.join("sales.csv"));
    assert_eq!(sales.len(), 3);
    let live: Vec<_> = sales.iter().filter(|s| s["voided"] == "false").collect();
    assert_eq!(live.len(), 2);
    let sum: i64 = live.iter().map(|s| cents(&s["total"])).sum();
    assert_eq!(
        text_cents(sum),
        total,
        "Σ sales.csv total = the screen's total"
    );
    let voided: i64 = sales
        .iter()
        .filter(|s| s["voided"] == "true")
        .map(|s| cents(&s["total"]))
        .sum();
    assert_eq!(text_cents(voided), voids);
    let ids: Vec<&str> = live.iter().map(|s| s["id"].as_str()).collect();
    let lines = read_csv(&out.join("sale_lines.csv"));
    let line_sum: i64 = lines
        .iter()
        .filter(|l| ids.contains(&l["sale_id"].as_str()))
        .map(|l| cents(&l["amount"]))
        .sum();
    assert_eq!(
        text_cents(line_sum),
        before_discounts,
        "Σ line amounts = before discounts"
    );
    let line_gross: i64 = lines
        .iter()
        .filter(|l| ids.contains(&l["sale_id"].as_str()))
        .map(|l| cents(&l["gross"]))
        .sum();
    assert_eq!(text_cents(line_gross), gross, "Σ line gross = gross");
    let payments = read_csv(&out.join("payments.csv"));
    let paid: i64 = payments
        .iter()
        .filter(|p| ids.contains(&p["sale_id"].as_str()))
        .map(|p| cents(&p["amount"]))
        .sum();
    assert_eq!(text_cents(paid), total, "Σ payments = total");
    let summary = read_csv(&out.join("summary.csv"));
    let metric = |m: &str| summary.iter().find(|r| r["metric"] == m).unwrap()["value"].clone();
    assert_eq!(metric("total"), total);
    assert_eq!(metric("gross"), gross);
    assert_eq!(metric("before_discounts"), before_discounts);
    assert_eq!(metric("visitors"), "12");
    assert_eq!(metric("conversion"), "16.7");
    let visitors = read_csv(&out.join("visitors.csv"));
    assert_eq!(visitors.len(), 3, "two taps and one manual entry");

    // No person's name anywhere in the export, the workbook's cells included.
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let text = if path.extension().is_some_and(|e| e == "xlsx") {
            workbook_text(&path)
        } else {
            std::fs::read_to_string(&path).unwrap()
        };
        for name in ["Olga", "Carl"] {
            assert!(!text.contains(name), "{name} appears in the export");
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["journal"]["holds"], true);
}

/// The organizer's command line on the demo's finished market: the report
/// as JSON and the exported files agree, and bad input is refused.
#[test]
fn the_command_line_exports_the_demo_market_and_its_report_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    let out = App::cli(&db, &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events: serde_json::Value =
        serde_json::from_slice(&App::cli(&db, &["events", "--json"]).stdout).unwrap();
    let past = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "closed")
        .expect("the demo has a finished market");
    let id = past["id"].as_str().unwrap();
    let report = App::cli(&db, &["report", "--event", id, "--json"]);
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert!(report["sales_count"].as_i64().unwrap() > 0);

    let target = dir.path().join("market");
    let target_text = target.to_str().unwrap();
    let done = App::cli(
        &db,
        &[
            "export",
            "--event",
            id,
            "--out",
            target_text,
            "--semicolon",
            "--bom",
        ],
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let text = std::fs::read_to_string(target.join("summary.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let total = r
        .records()
        .map(|rec| rec.unwrap())
        .find(|rec| &rec[0] == "total")
        .unwrap()[2]
        .to_string();
    assert_eq!(
        total.replace(',', "."),
        report["total"]["text"].as_str().unwrap(),
        "summary.csv (decimal comma) = the report"
    );

    // Again into the same folder: refused, nothing overwritten.
    let again = App::cli(&db, &["export", "--event", id, "--out", target_text]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    let inverted = App::cli(
        &db,
        &[
            "export",
            "--from",
            "2026-12-05",
            "--to",
            "2026-12-01",
            "--out",
            dir.path().join("x").to_str().unwrap(),
        ],
    );
    assert!(String::from_utf8_lossy(&inverted.stderr).contains("before it starts"));
    assert!(!dir.path().join("x").exists());
}

/// A disk that fills during the export: the command line says so, and
/// neither the target nor a temporary folder is left behind. The fill is
/// a file-size limit on the process (writes past it fail as on a full
/// disk), so the test needs no special file system.
#[test]
fn a_disk_that_fills_during_the_export_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    assert!(App::cli(&db, &["demo"]).status.success());
    let events: serde_json::Value =
        serde_json::from_slice(&App::cli(&db, &["events", "--json"]).stdout).unwrap();
    let id = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "closed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let target = exports.join("market");
    // bash: ignore SIGXFSZ so the write fails with an error instead of
    // killing the process; limit files to 64 KiB (the sales lines grow past it).
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"")
        .arg(popup_till_e2e::app_binary())
        .args([
            "--db",
            db.to_str().unwrap(),
            "export",
            "--event",
            &id,
            "--out",
        ])
        .arg(&target)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nothing was exported"), "{stderr}");
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(&exports).unwrap().count(),
        0,
        "no temporary folder left"
    );
    // With room again the same export goes through.
    let again = App::cli(
        &db,
        &["export", "--event", &id, "--out", target.to_str().unwrap()],
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

/// The demo's finished market on the Reports screen: a bar per hour of
/// trading, and its total equal to what the command line reports.
#[tokio::test]
async fn the_demo_market_shows_a_bar_per_hour_and_the_same_total_as_the_command_line() {
    let app = App::launch_prepared(|db| {
        assert!(App::cli(db, &["demo"]).status.success());
    })
    .await;
    app.choose_person("Maya").await;
    app.find("#event-list").await;
    app.click_settled("#nav-reports").await;
    app.find("#sales-chart .chart-bar rect").await;
    let total = app.text("#report-total").await;
    let bars = app
        .client
        .find_all(popup_till_e2e::fantoccini::Locator::Css(
            "#sales-chart .chart-bar",
        ))
        .await
        .unwrap();
    assert!(
        bars.len() >= 4,
        "a market day spans hours: {} bars",
        bars.len()
    );
    app.wait_for_text("#compare-table", "Autumn Harvest Market")
        .await;
    app.screenshot("reports-demo-market").await;
    let data = app.close().await;
    let db = App::db_path_in(data.path());
    let events: serde_json::Value =
        serde_json::from_slice(&App::cli(&db, &["events", "--json"]).stdout).unwrap();
    let past = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "closed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let report: serde_json::Value =
        serde_json::from_slice(&App::cli(&db, &["report", "--event", &past, "--json"]).stdout)
            .unwrap();
    assert_eq!(report["total"]["text"], total.as_str());
}

/// Every cell of every sheet of the workbook at `path`, as text.
fn workbook_text(path: &std::path::Path) -> String {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let mut text = String::new();
    for name in book.sheet_names() {
        for (_, _, cell) in book.worksheet_range(&name).unwrap().used_cells() {
            text.push_str(&cell.to_string());
            text.push('\n');
        }
    }
    assert!(text.contains("metric"), "the workbook was read");
    text
}

/// An event that brought many products: the Reports screen shows the first
/// rows of its stock and the rest when asked, so a big event's report is
/// drawn at once.
#[tokio::test]
async fn a_big_events_stock_shows_its_first_rows_and_the_rest_on_request() {
    use popup_till_core::shop::events;
    use popup_till_core::stock::{self, Location, Movement, MovementKind};
    use popup_till_core::{Actor, Store};

    let app = App::launch_prepared(|db| {
        let items: Vec<(String, String)> = (0..45)
            .map(|i| (format!("JAR{i:02}"), format!("Honey jar {i}")))
            .collect();
        let refs: Vec<fixtures::Item> = items
            .iter()
            .map(|(sku, name)| (sku.as_str(), "", name.as_str(), "6.50", "20", "each"))
            .collect();
        fixtures::harbour_shop(db, "Olga Organiser", "Carl Cashier", &refs);
        let mut store = Store::open(db).unwrap();
        store
            .write(&Actor::system("test"), |tx| {
                let event = events::current(tx)?.unwrap();
                let ids: Vec<String> = tx
                    .prepare("SELECT id FROM product")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for id in &ids {
                    stock::record(
                        tx,
                        &Movement {
                            product_id: id,
                            event_id: Some(&event.id),
                            location: Location::Event,
                            kind: MovementKind::Receive,
                            quantity: 12.into(),
                            reason: "",
                            note: "",
                            lot_code: None,
                            source_type: "manual",
                            source_id: None,
                        },
                    )?;
                }
                tx.journal("test.received", "event", &event.id, serde_json::json!({}))?;
                Ok(())
            })
            .unwrap();
    })
    .await;
    app.choose_person("Olga").await;
    app.click_settled("#nav-reports").await;
    app.wait_for_text("#report-stock-count", "The first 30 of 45 products")
        .await;
    let rows = |app: &App| {
        let client = app.client.clone();
        async move {
            client
                .find_all(popup_till_e2e::fantoccini::Locator::Css(
                    "#report-stock tbody tr",
                ))
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(rows(&app).await, 30, "the first 30 products are shown");
    assert!(app.text("#report-stock").await.contains("JAR29"));
    assert!(!app.text("#report-stock").await.contains("JAR30"));
    app.click("#report-stock-all").await;
    app.wait_for_text("#report-stock", "JAR44").await;
    assert_eq!(rows(&app).await, 45, "every product once asked");
    app.wait_gone("#report-stock-all").await;
    let focused: String = app
        .client
        .execute(
            "return document.activeElement.closest('tr') ? document.activeElement.closest('tr').textContent : '';",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        focused.contains("JAR30"),
        "the focus goes to the first row not shown before: {focused:?}"
    );
    app.assert_accessible("reports with all stock rows").await;
    app.close().await;
}
