//! The day after, in the real window: the Reports screen shows the figures
//! of sales made through the checkout, the visitor tally counts, the Export
//! screen writes the package into a typed folder, and the CSV files, parsed
//! here, add up to what the screen showed.

use std::collections::BTreeMap;
use std::path::Path;

use popup_till_core::checkout::{self, CartInput, LineInput, PaymentInput};
use popup_till_core::events;
use popup_till_core::till_session::{self, CloseInput, OpenInput};
use popup_till_core::{Actor, Store};
use popup_till_e2e::App;

/// The demo shop, its event opened, and four sales through the checkout
/// (one of them voided), then the till closed.
fn sell_a_day(db: &Path) {
    let out = App::cli(db, &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut store = Store::open(db).unwrap();
    let conn = store.conn();
    let event: String = conn
        .query_row("SELECT id FROM event", [], |r| r.get(0))
        .unwrap();
    let organizer: String = conn
        .query_row("SELECT id FROM person WHERE role = 'organizer'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let cashier: String = conn
        .query_row(
            "SELECT id FROM person WHERE role = 'cashier' ORDER BY name LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let products: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare("SELECT id, unit FROM product ORDER BY sku")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        rows
    };
    let each: Vec<&String> = products
        .iter()
        .filter(|p| p.1 == "each")
        .map(|p| &p.0)
        .collect();
    let weighed: Vec<&String> = products
        .iter()
        .filter(|p| p.1 != "each")
        .map(|p| &p.0)
        .collect();
    let actor = Actor::person(&cashier);
    store
        .write(&actor, |tx| {
            events::open(tx, &event)?;
            till_session::open(
                tx,
                &OpenInput {
                    float: "50".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let line = |id: &str, q: &str| LineInput {
        product_id: id.into(),
        quantity: q.into(),
        ..Default::default()
    };
    let pay = |method: &str| PaymentInput {
        method: method.into(),
        ..Default::default()
    };
    let carts = [
        (vec![line(each[0], "2"), line(weighed[0], "0.75")], "cash"),
        (vec![line(each[1], "1")], "card"),
        (vec![line(each[2], "3"), line(each[0], "1")], "mobile"),
        (vec![line(each[1], "1")], "cash"),
    ];
    let mut ids = Vec::new();
    for (lines, method) in carts {
        let cart = CartInput {
            lines,
            sale_discount: None,
        };
        let done =
            checkout::complete_with_pin(&mut store, &actor, &cart, &[pay(method)], None, None)
                .unwrap();
        ids.push(done.sale_id);
    }
    checkout::void_with_pin(
        &mut store,
        &actor,
        &ids[3],
        "rang up twice",
        &organizer,
        popup_till_core::demo::DEMO_ORGANIZER_PIN,
    )
    .unwrap();
    let session = till_session::current(store.conn(), store.device_id())
        .unwrap()
        .unwrap();
    let expected = till_session::cash_parts(store.conn(), &session.id)
        .unwrap()
        .expected();
    store
        .write(&actor, |tx| {
            till_session::close(
                tx,
                &CloseInput {
                    counted: format!("{}.{:02}", expected / 100, expected % 100),
                    ..Default::default()
                },
            )
        })
        .unwrap();
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

#[tokio::test]
async fn the_days_export_adds_up_to_the_report_on_screen() {
    let app = App::launch_prepared(sell_a_day).await;
    app.choose_person("Maya").await;
    app.click("#nav-reports").await;
    app.wait_for_text("#report-sales", "3").await;
    let total = app.text("#report-total").await;
    let gross = app.text("#report-money [data-metric=gross] .num").await;
    let voids = app
        .text("#report-money [data-metric=voids_total] .num")
        .await;
    assert_ne!(total, "0.00");
    assert_ne!(voids, "0.00", "the voided sale shows apart");
    app.find("#sales-chart .chart-bar rect").await;
    app.screenshot("reports-top").await;

    // The footfall tally: two taps and a counted 10, conversion follows.
    app.click("#visitor-plus").await;
    app.wait_for_text("#report-visitors", "1").await;
    app.click("#visitor-plus").await;
    app.wait_for_text("#report-visitors", "2").await;
    app.type_into("#visitor-manual", "10").await;
    app.click("#visitor-manual-save").await;
    app.wait_for_text("#report-visitors", "12").await;
    app.wait_for_text("#report-conversion", "25.0 %").await;
    app.find("#compare-table").await;
    app.wait_for_text("#compare-table", "Winter Craft Fair")
        .await;
    app.screenshot("reports-day").await;

    // Export through the screen into a folder typed by hand. A non-empty
    // folder is refused next to the field first.
    let target_parent = tempfile::tempdir().unwrap();
    let busy = target_parent.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("mine.txt"), "keep").unwrap();
    app.click("#nav-export").await;
    app.type_into("#export-out", busy.to_str().unwrap()).await;
    app.click("#export-submit").await;
    app.wait_for_text("#export-form [data-field=out] .field-error", "not empty")
        .await;
    let out = target_parent.path().join("winter-fair");
    app.type_into("#export-out", out.to_str().unwrap()).await;
    app.click("#export-submit").await;
    app.wait_for_text("#export-result", "Exported 3 sales")
        .await;
    app.wait_for_text("#export-files", "summary.csv").await;
    app.wait_for_text("#export-progress-text", "Done").await;
    app.screenshot("export-done").await;
    let _data = app.close().await;

    // The files add up to what the screen showed.
    let sales = read_csv(&out.join("sales.csv"));
    assert_eq!(sales.len(), 4);
    let live: Vec<_> = sales.iter().filter(|s| s["voided"] == "false").collect();
    assert_eq!(live.len(), 3);
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
    assert_eq!(text_cents(line_sum), gross, "Σ line amounts = gross");
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
    assert_eq!(metric("visitors"), "12");
    assert_eq!(metric("conversion"), "25.0");
    let visitors = read_csv(&out.join("visitors.csv"));
    assert_eq!(visitors.len(), 3, "two taps and one manual entry");

    // No person's name anywhere in the export.
    for entry in std::fs::read_dir(&out).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for name in ["Maya", "Jonas", "Aïcha", "Tom Whitfield"] {
            assert!(!text.contains(name), "{name} appears in the export");
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["journal"]["holds"], true);
}
