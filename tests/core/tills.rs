//! Several tills of one shop: a till file for a second laptop with its own
//! receipt series and journal chain, and merging it back: twice is once,
//! a tampered, foreign or diverged file is refused with nothing written,
//! changing records take their latest change, and the reports after a
//! merge are the sum of both tills.

use popup_till_core::catalog;
use popup_till_core::db::journal::{self, Entry, GENESIS_HASH};
use popup_till_core::reporting::report;
use popup_till_core::reporting::scope::Scope;
use popup_till_core::shop::people::Approval;
use popup_till_core::shop::settings;
use popup_till_core::tills::{clone, merge};
use popup_till_core::{Actor, ErrorCode, Store};

use crate::support::TestTill;
use crate::till_support::{card, cart, cash, line, shop, Shop};

/// The second laptop's till, made from `first` as `code`.
pub(crate) fn second_till(first: &mut Shop, code: &str) -> Shop {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.sqlite");
    clone::clone_till(&mut first.t.store, &Approval::file_holder(), code, &path).unwrap();
    Shop {
        t: TestTill {
            store: Store::open(&path).unwrap(),
            dir,
        },
        organizer: first.organizer.clone(),
        cashier: first.cashier.clone(),
        event: first.event.clone(),
        mug: first.mug.clone(),
        jam: first.jam.clone(),
        coffee: first.coffee.clone(),
    }
}

pub(crate) fn merge_into(
    into: &mut Shop,
    from: &Shop,
) -> popup_till_core::Result<merge::MergeReport> {
    merge::merge_file(&mut into.t.store, &Approval::file_holder(), &from.t.path())
}

/// Counts of every table a merge touches, and each device's head hash.
fn fingerprint(s: &Shop) -> (Vec<i64>, Vec<(String, String)>) {
    let counts = [
        "sale",
        "sale_line",
        "payment",
        "stock_movement",
        "cash_movement",
        "refund",
        "till_session",
        "product",
        "device",
        "audit_log",
    ]
    .iter()
    .map(|t| s.t.count(&format!("SELECT count(*) FROM {t}")))
    .collect();
    let v = journal::verify(s.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:?}");
    let heads = v
        .devices
        .into_iter()
        .map(|d| (d.till_code, d.head_hash))
        .collect();
    (counts, heads)
}

fn sell_some(s: &mut Shop, mugs: usize) -> Vec<String> {
    s.open_session("50.00", false);
    (0..mugs)
        .map(|_| {
            let mug = s.mug.clone();
            s.sell(&cart(vec![line(&mug, "1")]), &[card("12.50")])
                .unwrap()
                .receipt_number
        })
        .collect()
}

#[test]
fn a_till_for_another_laptop_sells_in_its_own_receipt_series_and_chain() {
    let mut t1 = shop();
    let mut t2 = second_till(&mut t1, "t2");
    let receipts = sell_some(&mut t2, 2);
    assert_eq!(receipts, ["T2-000001", "T2-000002"]);
    let first = sell_some(&mut t1, 1);
    assert_eq!(first, ["T1-000001"]);
    // The clone carries the catalog, the people and the open event.
    assert_eq!(t2.t.count("SELECT count(*) FROM product"), 3);
    assert_eq!(
        t2.t.count("SELECT count(*) FROM person WHERE pin_hash IS NOT NULL"),
        2
    );
    // Its own device's chain starts at 1 from the genesis hash.
    let (seq, prev): (i64, String) = t2
        .t
        .store
        .conn()
        .query_row(
            "SELECT device_seq, prev_hash FROM audit_log WHERE device_id = ?1 ORDER BY device_seq LIMIT 1",
            [t2.t.store.device_id()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((seq, prev.as_str()), (1, GENESIS_HASH));
    let v = journal::verify(t2.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:?}");
    assert_eq!(v.devices.len(), 2);
    // The first till knows the code is taken.
    let again = clone::clone_till(
        &mut t1.t.store,
        &Approval::file_holder(),
        "T2",
        &t1.t.dir.path().join("again.sqlite"),
    )
    .unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    assert!(!t1.t.dir.path().join("again.sqlite").exists());
}

#[test]
fn merging_the_same_file_twice_changes_nothing() {
    let mut t1 = shop();
    let mut t2 = second_till(&mut t1, "T2");
    sell_some(&mut t1, 2);
    sell_some(&mut t2, 3);
    let report = merge_into(&mut t1, &t2).unwrap();
    assert_eq!(report.from_till, "T2");
    assert_eq!(report.sales, 3);
    assert_eq!(report.stock_movements, 3);
    assert!(report.entries > 0);
    let once = fingerprint(&t1);
    assert_eq!(once.0[0], 5, "both tills' sales");
    assert_eq!(once.1.len(), 2, "a chain per till: {:?}", once.1);
    let again = merge_into(&mut t1, &t2).unwrap();
    assert_eq!(again.entries, 0);
    assert_eq!(fingerprint(&t1), once, "merge twice = merge once");
    // Still selling after the merge: T1's chain goes on from its own head.
    let mug = t1.mug.clone();
    let sold = t1
        .sell(&cart(vec![line(&mug, "1")]), &[card("12.50")])
        .unwrap();
    assert_eq!(sold.receipt_number, "T1-000003");
    let v = journal::verify(t1.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:?}");
    // And the other way round: T2 takes T1's file and holds the same rows.
    merge_into(&mut t2, &t1).unwrap();
    let (counts2, _) = fingerprint(&t2);
    assert_eq!(counts2[0], 6, "T1 sold once more before");
}

#[test]
fn reports_after_a_merge_equal_the_sum_of_both_tills() {
    let mut t1 = shop();
    let mut t2 = second_till(&mut t1, "T2");
    sell_some(&mut t1, 2);
    t2.open_session("20.00", false);
    let (jam, coffee) = (t2.jam.clone(), t2.coffee.clone());
    t2.sell(
        &cart(vec![line(&jam, "2"), line(&coffee, "0.5")]),
        &[cash("20.00")],
    )
    .unwrap();
    let scope = Scope::Event(t1.event.clone());
    let r1 = report::report(t1.t.store.conn(), &scope, false).unwrap();
    let r2 = report::report(t2.t.store.conn(), &scope, false).unwrap();
    merge_into(&mut t1, &t2).unwrap();
    let merged = report::report(t1.t.store.conn(), &scope, false).unwrap();
    assert_eq!(
        merged.sales.sales_count,
        r1.sales.sales_count + r2.sales.sales_count
    );
    assert_eq!(
        merged.sales.total.minor,
        r1.sales.total.minor + r2.sales.total.minor
    );
    assert_eq!(
        merged.sales.tax.minor,
        r1.sales.tax.minor + r2.sales.tax.minor
    );
    // The stock picture counts every till's movements.
    let sold = |r: &report::EventReport, id: &str| {
        r.stock
            .iter()
            .find(|s| s.product_id == id)
            .map(|s| s.sold.clone())
            .unwrap()
    };
    assert_eq!(sold(&merged, &t1.mug), "2");
    assert_eq!(sold(&merged, &t1.jam), "2");
    // By till, the rows add up to the report's total.
    let by_till: Vec<(String, i64)> = merged
        .by_till
        .iter()
        .map(|t| (t.till_code.clone(), t.sales_count))
        .collect();
    assert_eq!(by_till, [("T1".into(), 2), ("T2".into(), 1)]);
    assert_eq!(
        merged.by_till.iter().map(|t| t.total.minor).sum::<i64>(),
        merged.sales.total.minor
    );
    assert_eq!(merged.by_till[1].total.minor, r2.sales.total.minor);
    assert_eq!(t1.on_hand(&t1.mug.clone()).to_string(), "8");
    assert_eq!(t1.on_hand(&t1.jam.clone()).to_string(), "8");
}

#[test]
fn a_tampered_file_is_refused_naming_the_entry_and_nothing_is_written() {
    let mut t1 = shop();
    let mut t2 = second_till(&mut t1, "T2");
    sell_some(&mut t2, 2);
    let seq: i64 = t2.t.count(&format!(
        "SELECT max(device_seq) FROM audit_log WHERE device_id = '{}'",
        t2.t.store.device_id()
    ));
    let path = t2.t.path();
    drop(t2.t.store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_log_is_append_only_update;
         UPDATE audit_log SET details = '{{}}' WHERE device_seq = {seq} AND action = 'sale.completed'"
    ))
    .unwrap();
    drop(conn);
    let before = fingerprint(&t1);
    let err = merge::merge_file(&mut t1.t.store, &Approval::file_holder(), &path).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Integrity);
    assert!(
        err.to_string()
            .contains(&format!("entry {seq} of till T2 was altered")),
        "{err}"
    );
    assert_eq!(fingerprint(&t1), before, "nothing written");
}

#[test]
fn a_file_of_another_shop_is_refused_with_nothing_written() {
    let mut t1 = shop();
    let other = shop();
    let before = fingerprint(&t1);
    let err = merge_into(&mut t1, &other).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("another shop"), "{err}");
    assert_eq!(fingerprint(&t1), before);
}

#[test]
fn a_copied_till_that_diverged_is_refused_and_explained() {
    let mut t1 = shop();
    // A plain copy of the file, not a till made for another laptop.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.sqlite");
    t1.t.store.backup_to(&path).unwrap();
    let mut copy = Shop {
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
    sell_some(&mut t1, 1);
    sell_some(&mut copy, 1);
    let before = fingerprint(&t1);
    let err = merge_into(&mut t1, &copy).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    let text = err.to_string();
    assert!(text.contains("copy of till T1"), "{text}");
    assert!(text.contains("Make a till for another laptop"), "{text}");
    assert_eq!(fingerprint(&t1), before);
}

#[test]
fn a_changed_product_takes_the_latest_change_and_the_other_stays_in_the_journal() {
    let mut t1 = shop();
    let mut t2 = second_till(&mut t1, "T2");
    let clock1 =
        crate::support::HandClock::install_at(&mut t1.t.store, "2026-12-05T10:00:00+01:00");
    let clock2 =
        crate::support::HandClock::install_at(&mut t2.t.store, "2026-12-05T10:00:00+01:00");
    let rename = |s: &mut Shop, name: &str| {
        let mug = s.mug.clone();
        let organizer = s.organizer.clone();
        let store = &mut s.t.store;
        let p = catalog::get(store.conn(), &mug).unwrap();
        let input = catalog::ProductInput {
            sku: p.sku,
            barcode: p.barcode.unwrap_or_default(),
            name: name.into(),
            unit_price: p.unit_price.to_string(),
            tax_rate: p.tax_rate.to_string(),
            unit: p.unit,
            kind: "item".into(),
            category: p.category,
            low_stock_threshold: String::new(),
        };
        store
            .write(&Actor::person(&organizer), |tx| {
                let settings = popup_till_core::shop::settings::load(tx)?;
                catalog::update(tx, &settings, &mug, &input)
            })
            .unwrap();
    };
    clock1.advance(3600);
    rename(&mut t1, "Mug (T1 at 11:00)");
    clock2.advance(7200);
    rename(&mut t2, "Mug (T2 at 12:00)");
    let report = merge_into(&mut t1, &t2).unwrap();
    assert_eq!(report.records_updated.get("product"), Some(&1));
    let name: String =
        t1.t.store
            .conn()
            .query_row("SELECT name FROM product WHERE id = ?1", [&t1.mug], |r| {
                r.get(0)
            })
            .unwrap();
    assert_eq!(name, "Mug (T2 at 12:00)");
    // Both changes are in the journal.
    assert_eq!(
        t1.t.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'product.updated' AND entity_id = '{}'",
            t1.mug
        )),
        2
    );
    // The earlier change does not win back: merging T1 into T2 keeps T2's.
    merge_into(&mut t2, &t1).unwrap();
    let name2: String =
        t2.t.store
            .conn()
            .query_row("SELECT name FROM product WHERE id = ?1", [&t2.mug], |r| {
                r.get(0)
            })
            .unwrap();
    assert_eq!(name2, "Mug (T2 at 12:00)");
}

/// Save the settings form at the till with `change` applied to it.
fn save_settings(s: &mut Shop, change: impl Fn(&mut settings::SettingsInput)) {
    let organizer = s.organizer.clone();
    s.t.store
        .write(&Actor::person(&organizer), |tx| {
            let mut input = settings::SettingsInput::from_settings(&settings::load(tx)?);
            change(&mut input);
            settings::save(tx, &Approval::file_holder(), &input)
        })
        .unwrap();
}

fn setting(s: &Shop, key: &str) -> String {
    s.t.store
        .conn()
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn each_setting_takes_its_latest_change_and_the_other_stays_in_the_journal() {
    let mut t1 = shop();
    let mut t2 = second_till(&mut t1, "T2");
    let clock1 =
        crate::support::HandClock::install_at(&mut t1.t.store, "2026-12-05T10:00:00+01:00");
    let clock2 =
        crate::support::HandClock::install_at(&mut t2.t.store, "2026-12-05T10:00:00+01:00");
    let name_before = setting(&t1, "shop_name");
    // 11:00 on T1: the shop's name and the float limit.
    clock1.advance(3600);
    save_settings(&mut t1, |i| {
        i.shop_name = "Night Stall".into();
        i.float_max = "300".into();
    });
    // 12:00 on T2 (its form still shows the old name): the idle lock and
    // the float limit again.
    clock2.advance(7200);
    save_settings(&mut t2, |i| {
        i.idle_lock_minutes = "3".into();
        i.float_max = "400".into();
    });
    // 13:00 on T1: a retention period, a setting of its own.
    clock1.advance(7200);
    t1.t.store
        .write(&Actor::person(t1.organizer.clone()), |tx| {
            popup_till_core::attendees::rights::RETENTION.set(tx, &Approval::file_holder(), "60")
        })
        .unwrap();
    let t2_float = setting(&t2, "float_max");
    let t2_idle = setting(&t2, "idle_lock_minutes");
    assert_ne!(t2_float, setting(&t1, "float_max"));
    assert_eq!(setting(&t2, "shop_name"), name_before);
    let forms = |s: &Shop| {
        s.t.count("SELECT count(*) FROM audit_log WHERE action = 'settings.changed'")
    };
    let forms_before = forms(&t1);

    let report = merge_into(&mut t1, &t2).unwrap();
    assert_eq!(
        report.records_updated.get("setting"),
        Some(&2),
        "{report:?}"
    );
    // T1's name stays (T2 never changed it), T2's later float limit and
    // its idle lock come in.
    assert_eq!(setting(&t1, "shop_name"), "Night Stall");
    assert_eq!(setting(&t1, "float_max"), t2_float);
    assert_eq!(setting(&t1, "idle_lock_minutes"), t2_idle);
    // Both forms saved are in the journal, the one that lost too.
    assert_eq!(forms(&t1), forms_before + 1);
    assert!(journal::verify(t1.t.store.conn()).unwrap().holds());

    // The other way round: T2 takes T1's name and retention period and
    // keeps its own later changes; both tills end with the same settings.
    let back = merge_into(&mut t2, &t1).unwrap();
    assert_eq!(back.records_updated.get("setting"), Some(&2), "{back:?}");
    let all = |s: &Shop| -> Vec<(String, String)> {
        let mut stmt =
            s.t.store
                .conn()
                .prepare("SELECT key, value FROM setting ORDER BY key")
                .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(all(&t1), all(&t2));
    assert_eq!(setting(&t2, "shop_name"), "Night Stall");
    assert_eq!(setting(&t2, "float_max"), t2_float);
    // Merging again changes nothing.
    let again = merge_into(&mut t1, &t2).unwrap();
    assert!(again.records_updated.is_empty(), "{again:?}");
}

#[test]
fn entries_written_before_per_device_chains_still_verify() {
    // A file as the version before wrote it: one chain, version 1 entries.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        popup_till_core::db::store::migrations()
            .to_version(&mut conn, 12)
            .unwrap();
        conn.pragma_update(
            None,
            "application_id",
            popup_till_core::db::store::APPLICATION_ID,
        )
        .unwrap();
        conn.execute(
            "INSERT INTO device (id, till_code, is_local, created_at) VALUES ('dev-1', 'T1', 1, '2026-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
        let mut prev = GENESIS_HASH.to_string();
        for seq in 1..=3 {
            let mut e = Entry {
                seq,
                device_seq: seq,
                version: 1,
                id: format!("entry-{seq}"),
                device_id: "dev-1".into(),
                at_utc: format!("2026-01-01T00:00:0{seq}.000Z"),
                utc_offset_minutes: 60,
                actor_id: "system:setup".into(),
                action: "test.old".into(),
                entity: "device".into(),
                entity_id: "dev-1".into(),
                details: "{}".into(),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = e.compute_hash();
            conn.execute(
                "INSERT INTO audit_log (seq, id, device_id, at_utc, utc_offset_minutes, actor_id, action, entity, entity_id, details, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                rusqlite::params![e.seq, e.id, e.device_id, e.at_utc, e.utc_offset_minutes, e.actor_id, e.action, e.entity, e.entity_id, e.details, e.prev_hash, e.hash],
            )
            .unwrap();
            prev = e.hash;
        }
    }
    let mut store = Store::open(&path).unwrap();
    store
        .write(&Actor::system("test"), |tx| {
            tx.journal("test.new", "device", "dev-1", serde_json::json!({}))
        })
        .unwrap();
    let v = journal::verify(store.conn()).unwrap();
    assert!(v.holds(), "{v:?}");
    assert_eq!(v.entries, 4);
    let versions: Vec<i64> = store
        .conn()
        .prepare("SELECT version FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, [1, 1, 1, 2]);
}

#[test]
fn a_line_refunded_on_two_tills_beyond_what_was_sold_is_flagged_after_the_merge() {
    use popup_till_core::returns::{self, RefundInput, RefundLineInput};
    use popup_till_core::shop::people::ApprovalRequest;
    let mut t1 = shop();
    t1.open_session("50.00", false);
    let mug = t1.mug.clone();
    let sold = t1
        .sell(&cart(vec![line(&mug, "1")]), &[cash("12.50")])
        .unwrap();
    // The second laptop is made after the sale: it knows the receipt.
    let mut t2 = second_till(&mut t1, "T2");
    t2.open_session("50.00", false);
    let line_id: String =
        t1.t.store
            .conn()
            .query_row(
                "SELECT id FROM sale_line WHERE sale_id = ?1",
                [&sold.sale_id],
                |r| r.get(0),
            )
            .unwrap();
    let back = RefundInput {
        sale_id: Some(sold.sale_id.clone()),
        lines: vec![RefundLineInput {
            sale_line_id: Some(line_id.clone()),
            quantity: "1".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    for s in [&mut t1, &mut t2] {
        let (actor, organizer) = (s.cashier(), s.organizer.clone());
        returns::refund_with_pin(
            &mut s.t.store,
            &actor,
            &back,
            &ApprovalRequest::new(&organizer, crate::till_support::PIN),
        )
        .unwrap();
    }
    assert!(
        popup_till_core::tills::flags::over_refunded(t1.t.store.conn(), &t1.event)
            .unwrap()
            .is_empty()
    );
    merge_into(&mut t1, &t2).unwrap();
    let flags = popup_till_core::tills::flags::over_refunded(t1.t.store.conn(), &t1.event).unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].sale_line_id, line_id);
    assert_eq!(flags[0].tills, ["T1", "T2"]);
    assert_eq!(
        (flags[0].sold.as_str(), flags[0].refunded.as_str()),
        ("1", "2")
    );
    // The report by till says who paid back what.
    let r = report::report(t1.t.store.conn(), &Scope::Event(t1.event.clone()), false).unwrap();
    let tills: Vec<(String, i64, i64)> = r
        .by_till
        .iter()
        .map(|t| (t.till_code.clone(), t.sales_count, t.refunds_count))
        .collect();
    assert_eq!(tills, [("T1".into(), 1, 1), ("T2".into(), 0, 1)]);
    let v = journal::verify(t1.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:?}");
}

#[test]
fn a_till_for_another_laptop_carries_no_attendee_contacts() {
    use crate::attendees::{at_till, one_sale, person, sign_up, with_wording};
    let mut t1 = shop();
    with_wording(&mut t1);
    sign_up(
        &mut t1,
        &person(
            "Ada Quillfeather",
            "ada.quill@example.org",
            "+44 7700 900123",
        ),
    );
    sign_up(&mut t1, &person("Bram Otterley", "", "+44 7700 900456"));
    let sale = one_sale(&mut t1);
    at_till(&mut t1, &sale, "email", "walk-in.buyer@example.org");
    let held = |s: &Shop| {
        ["contact", "attendee", "consent", "suppressed_address"]
            .map(|t| s.t.count(&format!("SELECT count(*) FROM {t}")))
    };
    let t1_held = held(&t1);
    assert!(
        t1_held[0] >= 3 && t1_held[1] == 2 && t1_held[2] >= 3,
        "{t1_held:?}"
    );

    let mut t2 = second_till(&mut t1, "T2");
    // Nothing of the attendees is in the file, not even in its free pages.
    assert_eq!(held(&t2), [0, 0, 0, 0]);
    assert_eq!(t2.t.count("SELECT count(*) FROM consent_withdrawal"), 0);
    let bytes = std::fs::read(t2.t.path()).unwrap();
    for personal in [
        "Ada Quillfeather",
        "ada.quill@example.org",
        "Bram Otterley",
        "7700 900456",
        "walk-in.buyer@example.org",
    ] {
        assert!(
            !bytes
                .windows(personal.len())
                .any(|w| w == personal.as_bytes()),
            "{personal} is in the till file for another laptop"
        );
    }
    // The people who sell are there, with their PIN hashes, and the
    // consent wording the till shows.
    assert_eq!(
        t2.t.count("SELECT count(*) FROM person"),
        t1.t.count("SELECT count(*) FROM person")
    );
    assert_eq!(
        t2.t.count("SELECT count(*) FROM person WHERE pin_hash IS NOT NULL"),
        t1.t.count("SELECT count(*) FROM person WHERE pin_hash IS NOT NULL")
    );
    assert_eq!(t2.t.count("SELECT count(*) FROM consent_wording"), 1);
    assert!(journal::verify(t2.t.store.conn()).unwrap().holds());

    // It sells, and merging it back leaves the first till's attendees as
    // they were.
    sell_some(&mut t2, 1);
    merge_into(&mut t1, &t2).unwrap();
    assert_eq!(held(&t1), t1_held);
    assert!(journal::verify(t1.t.store.conn()).unwrap().holds());
}
