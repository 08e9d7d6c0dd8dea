//! Catalog import and export through CSV: the preview, create-or-update by
//! SKU, the round trip, and every kind of bad input (each names its line and
//! field, and nothing is written).

use popup_till_core::catalog::spreadsheet::{self, ImportReport};
use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::shop::settings::{self, SettingsInput};
use popup_till_core::{db::journal, Actor};

use crate::support::{someone, till, TestTill};

const GOOD: &str = "sku,barcode,name,unit_price,tax_rate,unit,kind,category,low_stock_threshold\n\
OAT,,Rolled oats,4.20,5.5,kg,refill,Refills,\n\
MUG,4006381333931,Stoneware mug,18,20,each,item,Crafts,3\n\
CUP,,Cup deposit,2,0,each,deposit,Deposits,\n";

pub fn shop() -> TestTill {
    let mut t = till();
    // A new till has no organizer yet: the setup approves itself.
    settings::save_with_pin(
        &mut t.store,
        &someone(),
        &ApprovalRequest::none(),
        &SettingsInput {
            shop_name: "Test shop".into(),
            currency: "EUR".into(),
            tax_mode: "inclusive".into(),
            tax_rates: "0; 5.5; 20".into(),
            cash_rounding: "none".into(),
            till_code: "T1".into(),
            ..SettingsInput::default()
        },
    )
    .unwrap();
    t
}

fn import(t: &mut TestTill, text: &str) -> ImportReport {
    spreadsheet::import(
        &mut t.store,
        &Actor::system("test"),
        &popup_till_core::shop::people::Approval::file_holder(),
        text,
        &mut |_| {},
    )
    .unwrap()
}

fn products(t: &TestTill) -> i64 {
    t.count("SELECT count(*) FROM product")
}

/// Import `text`, expect it refused, and check nothing was written.
fn refused(text: &str) -> ImportReport {
    let mut t = shop();
    import(&mut t, GOOD);
    let before_products = t.store.conn().query_row(
        "SELECT group_concat(sku || name || unit_price || coalesce(barcode, ''), '|') FROM product",
        [],
        |r| r.get::<_, String>(0),
    );
    let journal = t.journal_len();
    let report = import(&mut t, text);
    assert!(!report.applied, "{report:?}");
    assert!(!report.errors.is_empty());
    assert_eq!(t.journal_len(), journal, "nothing journaled");
    assert_eq!(products(&t), 3, "no product added");
    let after_products = t.store.conn().query_row(
        "SELECT group_concat(sku || name || unit_price || coalesce(barcode, ''), '|') FROM product",
        [],
        |r| r.get::<_, String>(0),
    );
    assert_eq!(
        before_products.unwrap(),
        after_products.unwrap(),
        "no product changed"
    );
    report
}

fn has_error(report: &ImportReport, line: u64, field: &str, needle: &str) {
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.line == line && e.field == field && e.message.contains(needle)),
        "expected line {line}, {field}: …{needle}… in {:#?}",
        report.errors
    );
}

#[test]
fn a_good_file_is_previewed_then_imported_in_one_journaled_transaction() {
    let mut t = shop();
    let preview = spreadsheet::preview(t.store.conn(), GOOD, &mut |_| {}).unwrap();
    assert_eq!(
        (
            preview.new,
            preview.changed,
            preview.unchanged,
            preview.rejected
        ),
        (3, 0, 0, 0)
    );
    assert!(!preview.applied);
    assert_eq!(products(&t), 0, "a preview writes nothing");
    let report = import(&mut t, GOOD);
    assert!(report.applied);
    assert_eq!(report.new, 3);
    let mug = catalog::find_by_code(t.store.conn(), "4006381333931")
        .unwrap()
        .unwrap();
    assert_eq!(mug.name, "Stoneware mug");
    assert_eq!(mug.low_stock_threshold, Some(3.into()));
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'catalog.imported'"),
        1
    );
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}

#[test]
fn a_second_import_updates_by_sku_and_journals_before_and_after() {
    let mut t = shop();
    import(&mut t, GOOD);
    let changed = "sku;name;unit_price;tax_rate;unit;kind;category\n\
OAT;Rolled oats;4,50;5,5;kg;refill;Refills\n\
MUG;Stoneware mug;18;20;each;item;Crafts\n\
JAM;Fig jam;5,90;5,5;each;item;Food\n";
    let preview = spreadsheet::preview(t.store.conn(), changed, &mut |_| {}).unwrap();
    assert_eq!(preview.separator, ";");
    // Columns the file leaves out (barcode, threshold) keep their values.
    assert_eq!((preview.new, preview.changed, preview.unchanged), (1, 1, 1));
    let report = import(&mut t, changed);
    assert!(report.applied);
    let oat = catalog::find_by_code(t.store.conn(), "OAT")
        .unwrap()
        .unwrap();
    assert_eq!(oat.unit_price.to_string(), "4.5");
    let details: String = t
        .store
        .conn()
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'product.updated' AND entity_id = ?1",
            [&oat.id],
            |r| r.get(0),
        )
        .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["before"]["unit_price"], "4.2");
    assert_eq!(details["after"]["unit_price"], "4.5");
    assert_eq!(products(&t), 4);
    let mug = catalog::find_by_code(t.store.conn(), "MUG")
        .unwrap()
        .unwrap();
    assert_eq!(mug.barcode.as_deref(), Some("4006381333931"));
}

#[test]
fn an_unchanged_file_changes_nothing() {
    let mut t = shop();
    import(&mut t, GOOD);
    let report = import(&mut t, GOOD);
    assert_eq!((report.new, report.changed, report.unchanged), (0, 0, 3));
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'product.updated'"),
        0
    );
}

#[test]
fn export_then_import_round_trips_the_catalog() {
    let mut t = shop();
    import(&mut t, GOOD);
    t.store
        .write(&someone(), |tx| {
            let s = settings::load(tx)?;
            catalog::create(
                tx,
                &s,
                &ProductInput {
                    sku: "=CMD".into(),
                    name: "Crème \"spéciale\", 50 ml".into(),
                    unit_price: "9.9".into(),
                    tax_rate: "20".into(),
                    category: "+Crafts".into(),
                    ..Default::default()
                },
            )?;
            let cup = catalog::find_by_code(tx, "CUP")?.unwrap();
            catalog::set_archived(
                tx,
                &popup_till_core::shop::people::Approval::file_holder(),
                &cup.id,
                true,
            )
        })
        .unwrap();
    let exported = spreadsheet::export(t.store.conn()).unwrap();
    assert!(exported.starts_with('\u{FEFF}'));
    assert!(exported.contains("'=CMD"), "formula-like cells are guarded");
    let before = catalog::list(t.store.conn()).unwrap();

    let mut fresh = shop();
    let report = import(&mut fresh, &exported);
    assert!(report.applied, "{:?}", report.errors);
    let mut after = catalog::list(fresh.store.conn()).unwrap();
    let mut before = before;
    for p in before.iter_mut().chain(after.iter_mut()) {
        p.id.clear();
    }
    before.sort_by(|a, b| a.sku.cmp(&b.sku));
    after.sort_by(|a, b| a.sku.cmp(&b.sku));
    assert_eq!(before, after);
    assert_eq!(spreadsheet::export(fresh.store.conn()).unwrap(), exported);
    // And importing the export into the till it came from changes nothing.
    let again = import(&mut t, &exported);
    assert_eq!((again.new, again.changed), (0, 0));
}

#[test]
fn a_bom_and_a_semicolon_separator_with_decimal_commas_are_read() {
    let mut t = shop();
    let text = "\u{FEFF}SKU;Name;Price;VAT;Unit\nOIL;Olive oil;14,50;5,5;l\n";
    let report = import(&mut t, text);
    assert!(report.applied, "{:?}", report.errors);
    let oil = catalog::find_by_code(t.store.conn(), "OIL")
        .unwrap()
        .unwrap();
    assert_eq!(oil.unit_price.to_string(), "14.5");
    assert_eq!(oil.unit, "l");
}

#[test]
fn a_tab_separated_file_with_empty_trailing_cells_is_read() {
    let mut t = shop();
    let text = "sku\tname\tunit_price\ttax_rate\nTEA\tEarl Grey\t4,20\t5.5\t\t\n";
    let report = import(&mut t, text);
    assert!(report.applied, "{:?}", report.errors);
    assert_eq!(report.separator, "\t");
    let tea = catalog::find_by_code(t.store.conn(), "TEA")
        .unwrap()
        .unwrap();
    assert_eq!(tea.unit_price.to_string(), "4.2");
}

#[test]
fn duplicate_skus_inside_the_file_are_refused_naming_both_lines() {
    let r = refused("sku,name,unit_price,tax_rate\nA,Apple,1,0\nB,Pear,1,0\nA,Again,2,0\n");
    has_error(&r, 4, "sku", "also on line 2");
}

/// A file with a quoted note over two lines and a blank line, its lines
/// ended by `eol`: the errors name the lines a text editor shows.
fn lines_file(eol: &str) -> String {
    [
        "sku,name,unit_price,tax_rate,note",
        "A,Apple,1,0,",
        "B,Big bag,1,0,\"over",
        "two lines\"",
        "C,Cherry,12;3,0,",
        "",
        "A,Again,2,0,",
        "D,Date,1,7,",
        "",
    ]
    .join(eol)
}

fn assert_editor_lines(eol: &str) {
    let r = refused(&lines_file(eol));
    has_error(&r, 5, "unit_price", "");
    has_error(&r, 7, "sku", "also on line 2");
    has_error(&r, 8, "tax_rate", "");
    assert_eq!(r.errors.len(), 3, "{:#?}", r.errors);
}

#[test]
fn line_numbers_are_an_editors_in_a_file_with_lf_line_ends() {
    assert_editor_lines("\n");
}

#[test]
fn line_numbers_are_an_editors_in_a_file_with_crlf_line_ends() {
    assert_editor_lines("\r\n");
}

#[test]
fn line_numbers_are_an_editors_in_a_file_with_cr_line_ends() {
    assert_editor_lines("\r");
}

#[test]
fn duplicate_barcodes_inside_the_file_or_against_the_catalog_are_refused() {
    let r = refused(
        "sku,barcode,name,unit_price,tax_rate\nA,96385074,Apple,1,0\nB,96385074,Pear,1,0\n",
    );
    has_error(&r, 3, "barcode", "also on line 2");
    let r = refused("sku,barcode,name,unit_price,tax_rate\nNEW,4006381333931,Copy of mug,1,0\n");
    has_error(&r, 2, "barcode", "already on product MUG");
}

#[test]
fn bad_prices_are_refused_naming_line_and_field() {
    let r = refused("sku;name;unit_price;tax_rate\nA;Apple;12,3,4;0\nB;Pear;-1;0\n");
    has_error(&r, 2, "unit_price", "not a number");
    has_error(&r, 3, "unit_price", "negative");
    assert_eq!(r.rejected, 2);
}

#[test]
fn an_unknown_tax_rate_and_a_wrong_check_digit_are_refused() {
    let r =
        refused("sku,barcode,name,unit_price,tax_rate\nA,,Apple,1,7\nB,4006381333932,Pear,1,0\n");
    has_error(&r, 2, "tax_rate", "not one of the shop's tax rates");
    has_error(&r, 3, "barcode", "wrong check digit");
}

#[test]
fn an_empty_name_and_a_ten_megabyte_field_are_refused() {
    let huge = "x".repeat(10 * 1024 * 1024);
    let text = format!("sku,name,unit_price,tax_rate\nA,,1,0\nB,{huge},1,0\n");
    let r = refused(&text);
    has_error(&r, 2, "name", "must not be empty");
    has_error(&r, 3, "name", "at most 1000");
    assert!(
        r.errors.iter().all(|e| e.message.len() < 300),
        "no echo of the field"
    );
}

#[test]
fn a_binary_file_and_a_latin1_file_are_refused() {
    let r = refused("PK\u{3}\u{4}\0\0binary");
    has_error(&r, 1, "file", "not a text file");
    // As the window reads a Latin-1 file: the bad bytes become U+FFFD.
    let r = refused("sku,name,unit_price,tax_rate\nA,Cr\u{FFFD}me,1,0\n");
    has_error(&r, 2, "file", "not UTF-8");
    // As the command line reads it: raw bytes.
    let err = spreadsheet::decode(b"sku,name,unit_price,tax_rate\nA,Cr\xe8me,1,0\n").unwrap_err();
    assert_eq!((err.line, err.field.as_str()), (2, "file"));
    assert!(err.message.contains("Latin-1"));
}

#[test]
fn a_header_without_the_sku_column_is_refused() {
    let r = refused("code,name,unit_price,tax_rate\nA,Apple,1,0\n");
    has_error(&r, 1, "sku", "no 'sku' column");
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_refused() {
    let r = refused("sku,name,unit_price,tax_rate\nA,Apple,1\n");
    has_error(&r, 2, "row", "has 3 fields");
}

#[test]
fn every_bad_row_is_listed_not_only_the_first() {
    let mut text = String::from("sku,name,unit_price,tax_rate\n");
    for i in 0..50 {
        text.push_str(&format!(
            "S{i},Item {i},{},0\n",
            if i % 5 == 0 { "oops" } else { "1" }
        ));
    }
    let r = refused(&text);
    assert_eq!(r.rejected, 10);
    assert_eq!(r.errors.len(), 10);
    assert_eq!(r.new, 40);
}

#[test]
fn large_imports_report_progress() {
    let mut t = shop();
    let mut text = String::from("sku,name,unit_price,tax_rate\n");
    for i in 0..5000 {
        text.push_str(&format!("S{i},Item number {i},1.{},20\n", i % 100));
    }
    let mut seen = Vec::new();
    let report = spreadsheet::import(
        &mut t.store,
        &Actor::system("test"),
        &popup_till_core::shop::people::Approval::file_holder(),
        &text,
        &mut |p| seen.push((p.phase, p.done, p.total)),
    )
    .unwrap();
    assert!(report.applied);
    assert_eq!(products(&t), 5000);
    assert!(seen.iter().any(|(phase, _, _)| *phase == "checking"));
    assert_eq!(seen.last(), Some(&("writing", 5000, 5000)));
}

#[test]
fn a_huge_blank_cell_past_the_last_column_is_refused_not_a_crash() {
    let header = GOOD.lines().next().unwrap();
    let columns = header.split(',').count();
    // A row with every column filled plus a trailing cell of 2,000 spaces.
    let second = GOOD.lines().nth(1).unwrap();
    let text = format!("{header}\n{second},{}\n", " ".repeat(2000));
    assert_eq!(second.split(',').count(), columns);
    let report = refused(&text);
    has_error(&report, 2, "row", "characters long");
}

#[test]
fn a_barcode_that_lost_its_leading_zero_is_refused_with_a_hint() {
    // UPC-A 012345678905 read as a number by a spreadsheet.
    let r = refused("sku,barcode,name,unit_price,tax_rate\nNEW,12345678905,Pens,1,0\n");
    has_error(&r, 2, "barcode", "012345678905");
    has_error(&r, 2, "barcode", "dropped");
    // EAN-8 00123457 lost two zeros.
    let r = refused("sku,barcode,name,unit_price,tax_rate\nNEW,123457,Pens,1,0\n");
    has_error(&r, 2, "barcode", "00123457");
    // With its zero the code is taken; an own label that fails the check too.
    let mut t = shop();
    let report = import(
        &mut t,
        "sku,barcode,name,unit_price,tax_rate\nP1,012345678905,Pens,1,0\nP2,12345678906,Ink,1,0\n",
    );
    assert!(report.applied, "{:?}", report.errors);
}

#[test]
fn a_sku_that_lost_its_leading_zeros_is_refused_with_a_hint() {
    let mut t = shop();
    let first = import(&mut t, "sku,name,unit_price,tax_rate\n00123,Soap,3,20\n");
    assert!(first.applied, "{:?}", first.errors);
    let again = import(&mut t, "sku,name,unit_price,tax_rate\n123,Soap,3.50,20\n");
    assert!(!again.applied);
    has_error(&again, 2, "sku", "'00123'");
    has_error(&again, 2, "sku", "dropped");
    assert_eq!(t.count("SELECT count(*) FROM product WHERE sku = '123'"), 0);
    // With its zeros the row updates the product.
    let fixed = import(&mut t, "sku,name,unit_price,tax_rate\n00123,Soap,3.50,20\n");
    assert!(fixed.applied, "{:?}", fixed.errors);
}

/// A workbook whose first sheet holds `rows` (numbers as number cells).
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) => sheet.write_number(r as u32, c as u16, n),
                Err(_) => sheet.write_string(r as u32, c as u16, *cell),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn a_catalog_saved_as_xlsx_imports_and_its_errors_name_the_sheets_rows() {
    let header: &[&str] = &["sku", "barcode", "name", "unit_price", "tax_rate"];
    let bytes = xlsx(&[
        header,
        &["OAT", "", "Rolled oats", "4.2", "5.5"],
        &["MUG", "4006381333931", "Stoneware mug", "18", "20"],
        &["BAD", "", "Bad rate", "1", "7"],
    ]);
    assert!(spreadsheet::is_workbook(&bytes));
    let text = spreadsheet::read_file(&bytes).unwrap();
    let r = refused(&text);
    has_error(&r, 4, "tax_rate", "");
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);

    let mut t = shop();
    let good = xlsx(&[
        header,
        &["OAT", "", "Rolled oats", "4.2", "5.5"],
        &["MUG", "4006381333931", "Stoneware mug", "18", "20"],
    ]);
    let report = import(&mut t, &spreadsheet::read_file(&good).unwrap());
    assert!(report.applied, "{:?}", report.errors);
    let mug = catalog::find_by_code(t.store.conn(), "4006381333931")
        .unwrap()
        .unwrap();
    assert_eq!(mug.sku, "MUG");
    let oat = catalog::find_by_code(t.store.conn(), "OAT")
        .unwrap()
        .unwrap();
    assert_eq!(oat.unit_price.to_string(), "4.2");

    // A number cell that lost a barcode's leading zero is caught as in CSV.
    let zero = xlsx(&[header, &["PEN", "12345678905", "Pens", "1", "0"]]);
    let r = refused(&spreadsheet::read_file(&zero).unwrap());
    has_error(&r, 2, "barcode", "012345678905");

    let junk = spreadsheet::read_file(b"PK\x03\x04 not really a zip").unwrap_err();
    assert_eq!((junk.line, junk.field.as_str()), (1, "file"));
}

#[test]
fn an_xlsx_catalog_keeps_the_leading_zeros_of_its_text_cells() {
    let header: &[&str] = &["sku", "barcode", "name", "unit_price", "tax_rate"];
    let mut t = shop();
    // As a spreadsheet keeps codes typed as text: SKU and barcode are text
    // cells, price and rate numbers.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, name) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "007").unwrap();
    sheet.write_string(1, 1, "0012345678905").unwrap();
    sheet.write_string(1, 2, "Spoons").unwrap();
    sheet.write_number(1, 3, 3.5).unwrap();
    sheet.write_number(1, 4, 20).unwrap();
    let book = workbook.save_to_buffer().unwrap();
    let report = import(&mut t, &spreadsheet::read_file(&book).unwrap());
    assert!(report.applied, "{:?}", report.errors);
    assert_eq!(report.new, 1);
    let spoons = catalog::find_by_code(t.store.conn(), "0012345678905")
        .unwrap()
        .expect("the barcode keeps both zeros");
    assert_eq!(spoons.sku, "007", "the SKU keeps its zeros");
    assert_eq!(spoons.barcode.as_deref(), Some("0012345678905"));

    // Saved again from the spreadsheet, the same rows change nothing.
    let again = import(&mut t, &spreadsheet::read_file(&book).unwrap());
    assert_eq!((again.new, again.changed, again.unchanged), (0, 0, 1));
}

/// A minimal OpenDocument spreadsheet whose first sheet holds `rows`
/// (numbers as float cells), zipped by Python's zipfile module.
fn ods(rows: &[&[&str]]) -> Vec<u8> {
    let cell = |c: &str| {
        match c.parse::<f64>() {
        Ok(_) => format!(
            "<table:table-cell office:value-type=\"float\" office:value=\"{c}\"><text:p>{c}</text:p></table:table-cell>"
        ),
        Err(_) => format!(
            "<table:table-cell office:value-type=\"string\"><text:p>{c}</text:p></table:table-cell>"
        ),
    }
    };
    let body: String = rows
        .iter()
        .map(|r| {
            format!(
                "<table:table-row>{}</table:table-row>",
                r.iter().map(|c| cell(c)).collect::<String>()
            )
        })
        .collect();
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Catalog\">{body}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.ods");
    let script = "import sys, zipfile\n\
        z = zipfile.ZipFile(sys.argv[1], 'w')\n\
        z.writestr('mimetype', 'application/vnd.oasis.opendocument.spreadsheet', zipfile.ZIP_STORED)\n\
        z.writestr('META-INF/manifest.xml', '<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>', zipfile.ZIP_DEFLATED)\n\
        z.writestr('content.xml', sys.stdin.read(), zipfile.ZIP_DEFLATED)\n\
        z.close()\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), content.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    std::fs::read(&path).unwrap()
}

#[test]
fn a_catalog_saved_as_ods_imports_and_its_errors_name_the_sheets_rows() {
    let header: &[&str] = &["sku", "barcode", "name", "unit_price", "tax_rate"];
    let bytes = ods(&[
        header,
        &["OAT", "", "Rolled oats", "4.2", "5.5"],
        &["BAD", "", "Bad price", "-1", "20"],
    ]);
    assert!(spreadsheet::is_workbook(&bytes));
    let r = refused(&spreadsheet::read_file(&bytes).unwrap());
    has_error(&r, 3, "unit_price", "");
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);

    let mut t = shop();
    let good = ods(&[header, &["JAR", "", "Jam jar", "3.3", "5.5"]]);
    let report = import(&mut t, &spreadsheet::read_file(&good).unwrap());
    assert!(report.applied, "{:?}", report.errors);
    let jar = catalog::find_by_code(t.store.conn(), "JAR")
        .unwrap()
        .unwrap();
    assert_eq!(jar.unit_price.to_string(), "3.3");
}

/// A refill and its shop jar in one file: the jar's tare and the refill's
/// deposit (by the jar's SKU, also new in the file) and scale item code
/// are imported, shown in the preview, exported back and re-imported
/// unchanged; a deposit that is not a deposit, an unknown SKU, a bad tare
/// and a scale item code twice are refused with their lines.
#[test]
fn a_catalog_file_carries_a_products_deposit_tare_and_scale_item_code() {
    let mut t = shop();
    let file = "sku,name,unit_price,tax_rate,unit,kind,deposit,tare_grams,scale_item_code\n\
OIL,Olive oil,8.40,5.5,l,refill,JAR,,42\n\
JAR,Jar 500 g,1,0,each,deposit,,240,\n";
    let preview = spreadsheet::preview(t.store.conn(), file, &mut |_| {}).unwrap();
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    let oil = preview.changes.iter().find(|c| c.sku == "OIL").unwrap();
    let shown: Vec<(&str, &str)> = oil
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.new.as_str()))
        .collect();
    assert!(shown.contains(&("deposit", "JAR")), "{shown:?}");
    assert!(shown.contains(&("scale_item_code", "42")), "{shown:?}");
    let jar = preview.changes.iter().find(|c| c.sku == "JAR").unwrap();
    assert!(jar
        .fields
        .iter()
        .any(|f| f.field == "tare_grams" && f.new == "240"));
    let done = import(&mut t, file);
    assert!(done.applied && done.errors.is_empty(), "{:?}", done.errors);
    let (deposit, code, tare): (String, String, i64) = t
        .store
        .conn()
        .query_row(
            "SELECT d.sku, o.scale_item_code, d.tare_grams FROM product o
             JOIN product d ON d.id = o.deposit_product_id WHERE o.sku = 'OIL'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((deposit.as_str(), code.as_str(), tare), ("JAR", "42", 240));
    // The export writes them; importing it again changes nothing.
    let exported = spreadsheet::export(t.store.conn()).unwrap();
    assert!(
        exported.contains("deposit,tare_grams,scale_item_code"),
        "{exported}"
    );
    let again = import(&mut t, &exported);
    assert_eq!((again.changed, again.unchanged), (0, 2), "{again:?}");
    // A file that leaves the columns out keeps them.
    import(
        &mut t,
        "sku,name,unit_price,tax_rate\nOIL,Olive oil extra,8.40,5.5\n",
    );
    let kept: Option<String> = t
        .store
        .conn()
        .query_row(
            "SELECT deposit_product_id FROM product WHERE sku = 'OIL'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(kept.is_some());
    // Changing the deposit shows as old → new.
    let changed = spreadsheet::preview(
        t.store.conn(),
        "sku,name,unit_price,tax_rate,deposit\nOIL,Olive oil extra,8.40,5.5,\n",
        &mut |_| {},
    )
    .unwrap();
    let f = &changed.changes[0].fields;
    assert_eq!(
        (f[0].field.as_str(), f[0].old.as_str(), f[0].new.as_str()),
        ("deposit", "JAR", "")
    );
    // What is refused, each on its line; nothing is written.
    let before = t.count("SELECT count(*) FROM audit_log");
    let bad = import(
        &mut t,
        "sku,name,unit_price,tax_rate,kind,deposit,tare_grams,scale_item_code\n\
TEA,Tea,3,5.5,refill,OIL,,\n\
RICE,Rice,3,5.5,refill,NOPE,,\n\
BEAN,Beans,3,5.5,refill,,12.5,\n\
PEA,Peas,3,5.5,refill,,,42\n\
CORN,Corn,3,5.5,refill,,,7\n\
LEN,Lentils,3,5.5,refill,,,007\n",
    );
    assert!(!bad.applied);
    let got: Vec<(u64, &str)> = bad
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "deposit"),
            (3, "deposit"),
            (4, "tare_grams"),
            (5, "scale_item_code"),
            (7, "scale_item_code"),
        ],
        "{:?}",
        bad.errors
    );
    assert!(bad.errors[0].message.contains("OIL is of kind refill"));
    assert!(bad.errors[3]
        .message
        .contains("already on OIL in the catalog"));
    assert!(bad.errors[4].message.contains("also on CORN (line 6)"));
    assert_eq!(t.count("SELECT count(*) FROM audit_log"), before);
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}
