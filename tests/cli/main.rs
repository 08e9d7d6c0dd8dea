//! The organizer's command line, run as a real process on real files:
//! exit codes, `--json` output, errors on stderr.

use std::path::Path;
use std::process::{Command, Output};

fn popup_till(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_popup-till"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run popup-till")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_lists_the_organizer_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_popup-till"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    for command in ["demo", "verify", "backup", "events", "--db"] {
        assert!(
            text.contains(command),
            "--help does not mention {command}:\n{text}"
        );
    }
}

#[test]
fn demo_then_events_and_verify_work_on_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    let out = popup_till(&db, &["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("246810"));

    let out = popup_till(&db, &["events", "--json"]);
    assert!(out.status.success());
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(events[0]["name"], "Winter Craft Fair");
    assert_eq!(events[0]["status"], "planned");
    assert!(events[0]["starts_at"].as_str().unwrap().ends_with("T10:00"));

    let out = popup_till(&db, &["events"]);
    assert!(stdout(&out).contains("Winter Craft Fair"));

    let out = popup_till(&db, &["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("journal holds"));

    let out = popup_till(&db, &["verify", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["problem"].is_null());
    assert!(report["entries"].as_i64().unwrap() > 40);

    let out = popup_till(&db, &["demo"]);
    assert!(!out.status.success(), "a second demo must be refused");
    assert!(stderr(&out).contains("empty till"), "{}", stderr(&out));
}

#[test]
fn verify_exits_non_zero_naming_the_first_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    assert!(popup_till(&db, &["demo"]).status.success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_is_append_only_update;
         UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 7;",
    )
    .unwrap();
    drop(conn);
    let out = popup_till(&db, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("entry 7"), "{err}");
    assert!(err.contains("altered"), "{err}");
}

#[test]
fn verify_names_a_sale_line_edited_behind_the_tills_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    assert!(popup_till(&db, &["demo"]).status.success());
    let out = popup_till(&db, &["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("ledger agrees with the journal"),
        "{}",
        stdout(&out)
    );

    let conn = rusqlite::Connection::open(&db).unwrap();
    let line: String = conn
        .query_row(
            "SELECT id FROM sale_line WHERE quantity_milli = 1000 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER sale_line_is_append_only_update;
         UPDATE sale_line SET quantity = '5', quantity_milli = 5000 WHERE id = '{line}';"
    ))
    .unwrap();
    drop(conn);
    let out = popup_till(&db, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("journal holds"),
        "the chain itself holds"
    );
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "sale_line {line}: quantity_milli is 5000, journal entry"
        )),
        "{err}"
    );

    let out = popup_till(&db, &["verify", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["problem"].is_null());
    assert_eq!(report["ledger_mismatch_count"], 1);
    let m = &report["ledger_mismatches"][0];
    assert_eq!(m["table"], "sale_line");
    assert_eq!(m["row_id"], line.as_str());
    assert_eq!(m["figure"], "quantity_milli");
    assert_eq!(m["row_value"], "5000");
    assert_eq!(m["journal_value"], "1000");
    assert!(m["seq"].as_i64().unwrap() > 0);
}

#[test]
fn backup_writes_a_copy_that_verifies_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    assert!(popup_till(&db, &["demo"]).status.success());
    let copy = dir.path().join("copy.sqlite");
    let out = popup_till(&db, &["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = popup_till(&copy, &["events", "--json"]);
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        events.as_array().unwrap().len(),
        3,
        "the upcoming fair, last week's market and the summer market before it"
    );
    assert!(popup_till(&copy, &["verify"]).status.success());

    let out = popup_till(&db, &["backup", copy.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
}

#[test]
fn a_missing_or_foreign_database_is_an_error_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.sqlite");
    let out = popup_till(&missing, &["events"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    assert!(
        !missing.exists(),
        "a typo in --db must not create a database"
    );

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all, just some text ".repeat(100)).unwrap();
    let out = popup_till(&text, &["verify"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("notes.txt") && err.contains("not SQLite"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn export_catalog_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    assert!(popup_till(&db, &["demo"]).status.success());
    let out = popup_till(&db, &["export-catalog", db.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cannot create"), "{}", stderr(&out));
    // The database is still the till it was.
    let out = popup_till(&db, &["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = popup_till(&db, &["events", "--json"]);
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(events.as_array().unwrap().len(), 3);

    let csv = dir.path().join("catalog.csv");
    let out = popup_till(&db, &["export-catalog", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&csv).unwrap().contains("REF-OAT"));
}

#[test]
fn verify_anchor_finds_a_head_hash_or_a_manifest_and_exits_1_after_a_deleted_tail() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    assert!(popup_till(&db, &["demo"]).status.success());
    let out = popup_till(&db, &["verify", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let head = report["head_hash"].as_str().unwrap().to_string();
    let entries = report["entries"].as_i64().unwrap();

    let out = popup_till(&db, &["verify", "--anchor", &head]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("is entry {entries} ")),
        "{}",
        stdout(&out)
    );

    let out = popup_till(&db, &["verify", "--anchor", &head, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["anchor"]["found"], true);
    assert_eq!(report["anchor"]["seq"], entries);

    let out = popup_till(&db, &["events", "--json"]);
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The demo's past market has sales; the upcoming fair has none.
    let event = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "closed")
        .expect("the demo's past market")["id"]
        .as_str()
        .unwrap();
    let export_dir = dir.path().join("export");
    let out = popup_till(
        &db,
        &[
            "export",
            "--event",
            event,
            "--out",
            export_dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = export_dir.join("manifest.json");
    let out = popup_till(&db, &["verify", "--anchor", manifest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_log_is_append_only_delete;
         DELETE FROM audit_log WHERE seq >= {};",
        entries - 2
    ))
    .unwrap();
    drop(conn);
    // The chain alone holds (the ledger check would name a sale or a
    // movement whose entry went with the tail; the demo's last entries
    // wrote none).
    let out = popup_till(&db, &["verify"]);
    assert!(
        stdout(&out).starts_with("journal holds"),
        "{}",
        stdout(&out)
    );
    let out = popup_till(&db, &["verify", "--anchor", &head]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("not in the journal"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(&head), "{}", stderr(&out));
    let out = popup_till(
        &db,
        &["verify", "--anchor", manifest.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["anchor"]["found"], false);
}

#[test]
fn contacts_consent_export_contact_data_and_erase_contact_work_on_the_file_as_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    assert!(popup_till(&db, &["demo"]).status.success());

    let out = popup_till(&db, &["contacts", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lena = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Lena Fischer")
        .expect("the demo's Lena")
        .clone();
    assert_eq!(lena["email_consent"], true);
    let id = lena["id"].as_str().unwrap().to_string();
    let out = popup_till(&db, &["contacts"]);
    assert!(stdout(&out).contains("Lena Fischer"));

    let csv = dir.path().join("mailing.csv");
    let out = popup_till(
        &db,
        &[
            "consent-export",
            "--channel",
            "email",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("lena.fischer@example.org"), "{text}");
    let again = popup_till(
        &db,
        &[
            "consent-export",
            "--channel",
            "email",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
    let bad = popup_till(
        &db,
        &["consent-export", "--channel", "fax", "--out", "x.csv"],
    );
    assert!(!bad.status.success());

    let json = dir.path().join("lena.json");
    let out = popup_till(&db, &["contact-data", &id, "--out", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(data["contact"]["email"], "lena.fischer@example.org");

    let out = popup_till(&db, &["erase-contact", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut bytes = std::fs::read(&db).unwrap();
    let wal = db.with_extension("sqlite-wal");
    if wal.exists() {
        bytes.extend(std::fs::read(&wal).unwrap());
    }
    for needle in ["Lena Fischer", "lena.fischer@"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} is still in the database file"
        );
    }
    let out = popup_till(&db, &["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&popup_till(&db, &["contacts"])).contains("Lena"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let by_cli: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE actor_id = 'system:cli'
               AND action IN ('consent.exported', 'contact.data_written', 'contact.erased')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by_cli, 3);
}

#[test]
fn clone_till_then_merge_back_twice_and_refuse_another_shops_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    assert!(popup_till(&db, &["demo"]).status.success());
    // The demo's past market was sold on T1 and T2: the next laptop is T3.
    let second = dir.path().join("second-laptop.sqlite");
    let out = popup_till(
        &db,
        &["clone-till", "--code", "T3", second.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("T3-000001"), "{}", stdout(&out));
    // A code in use is refused, and the file is not written.
    let third = dir.path().join("third.sqlite");
    let out = popup_till(
        &db,
        &["clone-till", "--code", "T2", third.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already used"), "{}", stderr(&out));
    assert!(!third.exists());

    let out = popup_till(&second, &["tills", "--json"]);
    let tills: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tills[0]["till_code"], "T3");
    assert_eq!(tills[0]["local"], true);

    let out = popup_till(&db, &["merge", second.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["from_till"], "T3");
    assert!(report["entries"].as_i64().unwrap() >= 1);
    let out = popup_till(&db, &["merge", second.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("nothing new"), "{}", stdout(&out));

    let out = popup_till(&db, &["verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("till T2:"), "{}", stdout(&out));
    assert!(stdout(&out).contains("till T3:"), "{}", stdout(&out));

    let other = dir.path().join("other-shop.sqlite");
    assert!(popup_till(&other, &["demo"]).status.success());
    let out = popup_till(&db, &["merge", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("another shop"), "{}", stderr(&out));
}

#[test]
fn scan_json_decodes_a_demo_scale_label_without_selling() {
    use popup_till_core::catalog::scale_label;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    assert!(popup_till(&db, &["demo"]).status.success());
    let sales_before = popup_till(&db, &["verify", "--json"]);
    // The demo's rolled oats carry scale item code 101: 500 g on a
    // weight label (prefix 21) is 4.20 × 0.5 = 2.10.
    let layout = scale_label::default_layouts()
        .into_iter()
        .find(|l| l.prefix == "21")
        .unwrap();
    let label = scale_label::encode(&layout, "101", 500).unwrap();
    let out = popup_till(&db, &["scan", &label, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let scanned: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(scanned["product"]["sku"], "REF-OAT");
    assert_eq!(scanned["quantity"], "0.5");
    assert_eq!(scanned["amount"], "2.10");
    assert_eq!(scanned["label"]["prefix"], "21");
    assert_eq!(scanned["label"]["measure"], "grams");
    assert_eq!(scanned["label"]["value"], 500);
    // In words too; and nothing was sold (the journal did not grow).
    let words = popup_till(&db, &["scan", &label]);
    assert!(
        stdout(&words).starts_with("Rolled oats 0.5 kg = 2.10"),
        "{}",
        stdout(&words)
    );
    let after = popup_till(&db, &["verify", "--json"]);
    let entries = |o: &Output| {
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["entries"].clone()
    };
    assert_eq!(entries(&sales_before), entries(&after));
    // A misread label (wrong check digit) is refused on stderr.
    let last = label.as_bytes()[12] - b'0';
    let misread = format!("{}{}", &label[..12], (last + 1) % 10);
    let out = popup_till(&db, &["scan", &misread, "--json"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("check digit is wrong"),
        "{}",
        stderr(&out)
    );
    // A tare label (prefix 25): the tare it gives the next refill.
    let tare_layout = scale_label::default_layouts()
        .into_iter()
        .find(|l| l.prefix == "25")
        .unwrap();
    let tare = scale_label::encode(&tare_layout, "0", 240).unwrap();
    let out = popup_till(&db, &["scan", &tare, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let read: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (read["prefix"].as_str(), read["tare"].as_i64()),
        (Some("25"), Some(240))
    );
    let words = popup_till(&db, &["scan", &tare]);
    assert!(
        stdout(&words).contains("240 g, the tare of the next refill"),
        "{}",
        stdout(&words)
    );
    // A code nothing has: exit 1.
    let out = popup_till(&db, &["scan", "NOPE-123"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cards_sheet_prints_genuine_cards_and_card_refuses_a_made_up_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.db");
    assert!(popup_till(&db, &["demo"]).status.success());
    let sheet = dir.path().join("cards.html");
    let out = popup_till(
        &db,
        &[
            "cards-sheet",
            "--count",
            "3",
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&sheet).unwrap();
    assert_eq!(html.matches("<svg").count(), 3, "a QR code per card");
    assert!(html.contains("@media print"));
    // The codes as printed: four groups of four.
    let codes: Vec<&str> = html
        .split("<div class=\"code\">")
        .skip(1)
        .map(|rest| &rest[..19])
        .collect();
    assert_eq!(codes.len(), 3);
    let out = popup_till(&db, &["card", codes[0], "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let card: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(card["genuine"], true);
    assert_eq!(card["card"], codes[0].replace('-', "")[..8]);
    assert!(card["balance"].is_i64());
    assert!(card["history"].is_array());
    // Made up: refused with a non-zero exit, and said why.
    let out = popup_till(&db, &["card", "ABCD-EFGH-JKMN-PQRS", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let card: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(card["genuine"], false);
    assert!(!stderr(&out).is_empty());
    // One character mistyped: refused as a typo.
    let mut typo: Vec<char> = codes[1].chars().collect();
    typo[0] = if typo[0] == '7' { '8' } else { '7' };
    let typo: String = typo.into_iter().collect();
    let out = popup_till(&db, &["card", &typo]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("typo"), "{}", stderr(&out));
    // A sheet never overwrites a file.
    let again = popup_till(
        &db,
        &[
            "cards-sheet",
            "--count",
            "1",
            "--out",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(!again.status.success());
}
