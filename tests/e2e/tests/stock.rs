//! Catalog and stock in the real window: import a CSV through the wizard
//! (a bad file is refused row by row, a good one previewed then imported),
//! count stock by scanning, and see on hand and the history change.

use std::time::{Duration, Instant};

use popup_till_e2e::App;

/// Wait until the element's whole text is `expected` (search-as-you-type
/// redraws rows, so a single read can catch one being replaced).
async fn wait_for_exact(app: &App, css: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = app.text(css).await;
        if text.trim() == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} shows {text:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The demo shop in the window, with Maya (an organizer) at the till.
async fn demo_with_maya() -> App {
    let app = App::launch_prepared(|db| {
        let out = App::cli(db, &["demo"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    })
    .await;
    app.choose_person("Maya").await;
    app
}

const BAD: &str = "sku;barcode;name;unit_price;tax_rate;unit;kind;category;low_stock_threshold\n\
HON-LAV;4006381333931;Lavender honey 250 g;8,4,0;5,5;each;item;Food;2\n\
CRA-MUG;;Stoneware mug;19,00;7;box;item;Crafts;3\n";

const GOOD: &str = "sku;barcode;name;unit_price;tax_rate;unit;kind;category;low_stock_threshold\n\
HON-LAV;4006381333931;Lavender honey 250 g;8,40;5,5;each;item;Food;2\n\
CRA-MUG;;Stoneware mug;19,00;20;each;item;Crafts;3\n";

#[tokio::test]
async fn import_a_catalog_through_the_wizard_then_count_by_scanning_and_see_on_hand_change() {
    let app = demo_with_maya().await;
    let files = tempfile::tempdir().unwrap();
    let bad = files.path().join("bad-catalog.csv");
    let good = files.path().join("catalog.csv");
    std::fs::write(&bad, BAD).unwrap();
    std::fs::write(&good, GOOD).unwrap();

    app.click("#nav-stock").await;
    // The demo delivery gave its products real on-hand figures.
    app.wait_for_text("#product-table", "Rolled oats").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("stock-list-demo").await;
    let mug_row = app
        .text("#product-table tr[data-sku='CRA-MUG'] .on-hand")
        .await;
    assert_ne!(mug_row.trim(), "0", "the demo received stock");

    // A bad file: every problem of every bad row is listed with its line and
    // field (line 3 has two), and the import button stays disabled.
    app.click("#open-import").await;
    let input = app.find("#import-file").await;
    input.send_keys(bad.to_str().unwrap()).await.unwrap();
    let errors = app.wait_for_text("#import-errors", "unit_price").await;
    assert!(errors.contains("tax_rate"), "{errors}");
    let rows = app
        .client
        .find_all(popup_till_e2e::fantoccini::Locator::Css(
            "#import-errors tbody tr",
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    assert!(errors.contains("unit"), "{errors}");
    assert_eq!(
        app.text("#import-errors tbody tr:first-child td:first-child")
            .await,
        "2"
    );
    assert_eq!(
        app.text("#import-errors tbody tr:last-child td:first-child")
            .await,
        "3"
    );
    let confirm = app.find("#import-confirm").await;
    assert!(confirm.attr("disabled").await.unwrap().is_some());
    app.screenshot("stock-import-refused").await;

    // The good file: preview first, then import.
    app.click("#back-to-list").await;
    app.click("#open-import").await;
    let input = app.find("#import-file").await;
    input.send_keys(good.to_str().unwrap()).await.unwrap();
    app.wait_for_text("#import-ok", "Every row is good").await;
    assert_eq!(app.text("[data-count=new] strong").await, "1");
    assert_eq!(app.text("[data-count=changed] strong").await, "1");
    assert_eq!(app.text("[data-count=rejected] strong").await, "0");
    // Per product, what changes: the new honey, and the mug's price.
    let changes = app.wait_for_text("#import-changes", "New product").await;
    assert!(changes.contains("Lavender honey"), "{changes}");
    assert_eq!(
        app.text("#import-changes tr[data-sku=CRA-MUG] [data-field=unit_price]")
            .await,
        "Price: 18 → 19"
    );
    app.screenshot("stock-import-preview").await;
    app.click("#import-confirm").await;
    app.wait_for_text("#import-done", "1 new, 1 changed").await;
    app.click("#import-back").await;

    app.type_into("#stock-search", "lavender").await;
    app.wait_for_text("#product-table", "Lavender honey").await;
    wait_for_exact(&app, "#product-table tr[data-sku='HON-LAV'] .on-hand", "0").await;

    // Count mode: three scans of the honey, then save.
    app.click("#start-count").await;
    for _ in 0..3 {
        app.type_into("#count-scan", "4006381333931\u{E007}").await;
    }
    app.wait_for_text("#count-status", "1 product counted")
        .await;
    let counted = app.find("#count-table .count-qty").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while counted.prop("value").await.unwrap().as_deref() != Some("3") {
        assert!(Instant::now() < deadline, "three scans count 3");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.screenshot("stock-count").await;
    app.click("#count-save").await;

    // Back on the list: on hand is 3 now.
    app.find("#stock-search").await;
    app.type_into("#stock-search", "lavender").await;
    wait_for_exact(&app, "#product-table tr[data-sku='HON-LAV'] .on-hand", "3").await;
    app.screenshot("stock-list").await;

    // The product's history links the count to its document.
    app.click_settled("#product-table tr[data-sku='HON-LAV'] td:nth-child(2)")
        .await;
    app.wait_for_text("#product-on-hand", "3").await;
    app.wait_for_text("#history-table", "Count").await;
    app.click("#history-table .source-link").await;
    let doc = app.wait_for_text("#stock-document", "Lavender honey").await;
    assert!(doc.contains("Counted"), "{doc}");
    app.screenshot("stock-document").await;
    app.click("#document-close").await;

    // Receive two more through the product page.
    app.click("#flow-receive").await;
    app.type_into("#flow-quantity", "2").await;
    app.click("#flow-save").await;
    app.wait_for_text("#product-on-hand", "5").await;
    app.screenshot("stock-product").await;

    let data = app.close().await;
    let db = App::db_path_in(data.path());
    App::assert_journal_holds(&db);
    let export = files.path().join("export.csv");
    let out = App::cli(&db, &["export-catalog", export.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(
        text.contains("HON-LAV,4006381333931,Lavender honey 250 g,8.4,5.5,each,item,Food,2,yes"),
        "{text}"
    );
    let out = App::cli(&db, &["import-catalog", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 2, unit_price"), "{stderr}");
}

#[tokio::test]
async fn loading_stock_out_to_an_event_shows_in_the_event_stock_picture() {
    let app = demo_with_maya().await;
    app.click("#nav-stock").await;
    app.type_into("#stock-search", "beeswax candle").await;
    app.wait_for_text("#product-table", "Beeswax candle").await;
    // The search is drawn (the whole list, drawn first, also holds the
    // candle): a click while the rows move lands where the row no longer is.
    app.wait_gone("#product-table tbody tr:not([data-sku='CRA-CANDLE'])")
        .await;
    app.click_settled("#product-table tr[data-sku='CRA-CANDLE'] td:nth-child(2)")
        .await;
    let before: i64 = app
        .text("#product-in-storage")
        .await
        .trim()
        .parse()
        .unwrap();
    // The demo has already packed some for the fair.
    let at_fair: i64 = app.text("#product-at-event").await.trim().parse().unwrap();

    // Load out before the event opens: the planned demo event is offered.
    app.click("#flow-load-out").await;
    app.wait_for_text("#flow-event", "Winter Craft Fair").await;
    app.type_into("#flow-quantity", "4").await;
    app.click("#flow-save").await;
    wait_for_exact(&app, "#product-at-event", &(at_fair + 4).to_string()).await;
    assert_eq!(
        app.text("#product-in-storage").await.trim(),
        (before - 4).to_string()
    );
    // Two movements, one transfer document.
    app.wait_for_text("#history-table", "load-out").await;
    app.click("#history-table .source-link").await;
    let doc = app.wait_for_text("#document-movements", "storage").await;
    assert!(doc.contains("-4") && doc.contains("event"), "{doc}");
    app.click("#document-close").await;

    // A bad quantity is refused next to its field.
    app.click("#flow-waste").await;
    app.type_into("#flow-quantity", "1.5").await;
    app.click("#flow-save").await;
    app.wait_for_text(
        "#flow-form [data-field=quantity] .field-error",
        "whole items",
    )
    .await;

    // An adjustment needs a reason and the organizer's PIN.
    app.click("#flow-adjust").await;
    app.type_into("#flow-quantity", "-1").await;
    app.find("#flow-reason option[value=damaged]")
        .await
        .click()
        .await
        .unwrap();
    // Maya, an organizer, is at the till: the adjustment is hers to
    // approve, and no PIN is asked again.
    app.click("#flow-save").await;
    wait_for_exact(&app, "#product-in-storage", &(before - 5).to_string()).await;
    assert!(!app.text("body").await.contains("Organizer PIN"));
    app.wait_for_text("#history-table", "damaged").await;

    app.click("#back-to-list").await;
    app.click("#open-picture").await;
    app.wait_for_text("#picture-table", "Beeswax candle").await;
    wait_for_exact(
        &app,
        "#picture-table tr[data-sku='CRA-CANDLE'] td:nth-child(2)",
        &(at_fair + 4).to_string(),
    )
    .await;
    app.screenshot("stock-event-picture").await;
    app.close().await;
}

/// A catalog kept in a spreadsheet imports straight from its workbook on the
/// Stock screen: codes typed as text keep their leading zeros. A CSV file in
/// another encoding is refused with the line the bad bytes are on.
#[tokio::test]
async fn a_workbook_catalog_imports_on_the_stock_screen_with_its_zeros() {
    let app = demo_with_maya().await;
    let files = tempfile::tempdir().unwrap();
    let book_path = files.path().join("catalog.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in ["sku", "barcode", "name", "unit_price", "tax_rate"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "007").unwrap();
    sheet.write_string(1, 1, "0012345678905").unwrap();
    sheet.write_string(1, 2, "Wooden spoons").unwrap();
    sheet.write_number(1, 3, 3.5).unwrap();
    sheet.write_number(1, 4, 20).unwrap();
    book.save(&book_path).unwrap();
    let latin1 = files.path().join("latin1.csv");
    let mut bytes = b"sku,name,unit_price,tax_rate\nJAM,Jam,4,5.5\nCAF,Caf".to_vec();
    bytes.extend_from_slice(&[0xE9]); // "é" in Latin-1
    bytes.extend_from_slice(b",3,20\n");
    std::fs::write(&latin1, bytes).unwrap();

    app.click("#nav-stock").await;
    app.click("#open-import").await;
    let input = app.find("#import-file").await;
    input.send_keys(latin1.to_str().unwrap()).await.unwrap();
    let refusal = app
        .wait_for_text("#import-result .error-banner", "not UTF-8")
        .await;
    assert!(refusal.contains("line 3"), "{refusal}");

    app.click("#back-to-list").await;
    app.click("#open-import").await;
    let input = app.find("#import-file").await;
    input.send_keys(book_path.to_str().unwrap()).await.unwrap();
    app.wait_for_text("#import-ok", "Every row is good").await;
    assert_eq!(app.text("[data-count=new] strong").await, "1");
    let changes = app.wait_for_text("#import-changes", "New product").await;
    assert!(changes.contains("0012345678905"), "{changes}");
    app.screenshot("stock-import-workbook").await;
    app.click("#import-confirm").await;
    app.wait_for_text("#import-done", "1 new").await;
    app.click("#import-back").await;

    // The barcode with its zeros finds the product; so does the SKU.
    app.type_into("#stock-search", "0012345678905").await;
    wait_for_exact(
        &app,
        "#product-table tr[data-sku='007'] td:nth-child(2)",
        "Wooden spoons",
    )
    .await;
}
