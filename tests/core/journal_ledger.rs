//! `verify` holds the ledger against the journal: a sale line, a payment, a
//! stock or cash movement edited, added or removed behind the till's back
//! (its append-only trigger dropped) is named with its table, row, figure
//! and journal entry, while the chain itself still holds. And a clock that
//! moves back is journaled where it happens and warned of by `verify`.

use popup_till_core::db::journal::{self, Verification};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::till::session::{self, CashKind};
use popup_till_core::Actor;

use crate::support::{till, HandClock};
use crate::till_support::{card, cart, cash, line, shop, Shop};

/// A day at the stall: a sale of two lines paid by card and cash, a sale of
/// one line, and cash paid in.
fn trading_day() -> (Shop, String) {
    let mut s = shop();
    s.open_session("50.00", false);
    let (mug, jam) = (s.mug.clone(), s.jam.clone());
    let first = s
        .sell(
            &cart(vec![line(&mug, "2"), line(&jam, "1")]),
            &[card("10.00"), cash("20.00")],
        )
        .unwrap();
    s.sell(&cart(vec![line(&jam, "3")]), &[cash("10.00")])
        .unwrap();
    let actor = s.cashier();
    s.t.store
        .write(&actor, |tx| {
            session::move_cash(tx, CashKind::PaidIn, "5.00", "change from the bank")
        })
        .unwrap();
    (s, first.sale_id)
}

/// Change the file as someone with a SQLite shell would: drop the table's
/// append-only triggers first.
fn behind_the_tills_back(s: &Shop, table: &str, sql: &str) -> Verification {
    let conn = rusqlite::Connection::open(s.t.path()).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER IF EXISTS {table}_is_append_only_update;
         DROP TRIGGER IF EXISTS {table}_is_append_only_delete;
         {sql}"
    ))
    .unwrap();
    journal::verify(&conn).unwrap()
}

fn id_of(s: &Shop, sql: &str) -> String {
    s.t.store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn sale_entry_seq(s: &Shop, sale_id: &str) -> i64 {
    s.t.count(&format!(
        "SELECT seq FROM audit_log WHERE action = 'sale.completed' AND entity_id = '{sale_id}'"
    ))
}

#[test]
fn an_honest_day_agrees_with_its_journal_row_by_row() {
    let (s, _) = trading_day();
    let v = journal::verify(s.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:#?}");
    // 2 sales, 3 lines, 3 payments, 3 + 3 stock movements, 1 cash movement.
    assert_eq!(v.ledger_rows, 15);
    assert_eq!(v.ledger_rows_older, 0);
    assert!(v.ledger_mismatches.is_empty());
}

#[test]
fn verify_names_a_sale_line_edited_behind_the_tills_back() {
    let (s, sale) = trading_day();
    let line = id_of(
        &s,
        &format!("SELECT id FROM sale_line WHERE sale_id = '{sale}' AND line_no = 1"),
    );
    let v = behind_the_tills_back(
        &s,
        "sale_line",
        &format!("UPDATE sale_line SET quantity = '1', quantity_milli = 1000 WHERE id = '{line}'"),
    );
    assert!(v.chain_holds(), "the chain alone does not see it");
    assert!(!v.holds());
    assert_eq!(v.ledger_mismatch_count, 1, "{v:#?}");
    let m = &v.ledger_mismatches[0];
    assert_eq!(
        (m.table.as_str(), m.row_id.as_str(), m.figure.as_str()),
        ("sale_line", line.as_str(), "quantity_milli")
    );
    assert_eq!(m.row_value.as_deref(), Some("1000"));
    assert_eq!(m.journal_value.as_deref(), Some("2000"));
    assert_eq!(m.seq, Some(sale_entry_seq(&s, &sale)));
    assert!(m.message.contains(&line) && m.message.contains("quantity_milli"));
}

#[test]
fn verify_names_an_edited_payment_and_an_edited_stock_movement() {
    let (s, sale) = trading_day();
    let payment = id_of(
        &s,
        &format!("SELECT id FROM payment WHERE sale_id = '{sale}' AND method = 'card'"),
    );
    let v = behind_the_tills_back(
        &s,
        "payment",
        &format!(
            "UPDATE payment SET amount_minor = 100, tendered_minor = 100 WHERE id = '{payment}'"
        ),
    );
    assert_eq!(v.ledger_mismatch_count, 1, "{v:#?}");
    let m = &v.ledger_mismatches[0];
    assert_eq!(
        (m.table.as_str(), m.row_id.as_str(), m.figure.as_str()),
        ("payment", payment.as_str(), "amount_minor")
    );
    assert_eq!(
        (m.row_value.as_deref(), m.journal_value.as_deref()),
        (Some("100"), Some("1000"))
    );
    assert_eq!(m.seq, Some(sale_entry_seq(&s, &sale)));

    let moved = id_of(
        &s,
        &format!(
            "SELECT id FROM stock_movement WHERE source_id = '{sale}' AND product_id = '{}'",
            s.mug
        ),
    );
    let v = behind_the_tills_back(
        &s,
        "stock_movement",
        &format!("UPDATE stock_movement SET quantity_milli = -1000 WHERE id = '{moved}'"),
    );
    let m = v
        .ledger_mismatches
        .iter()
        .find(|m| m.table == "stock_movement")
        .expect("the movement is named");
    assert_eq!(
        (m.row_id.as_str(), m.figure.as_str()),
        (moved.as_str(), "quantity_milli")
    );
    assert_eq!(
        (m.row_value.as_deref(), m.journal_value.as_deref()),
        (Some("-1000"), Some("-2000"))
    );
    assert_eq!(m.seq, Some(sale_entry_seq(&s, &sale)));
}

#[test]
fn verify_names_a_cash_movement_edited_and_rows_added_or_removed() {
    let (s, sale) = trading_day();
    let moved = id_of(&s, "SELECT id FROM cash_movement");
    let v = behind_the_tills_back(
        &s,
        "cash_movement",
        &format!("UPDATE cash_movement SET amount_minor = 50000 WHERE id = '{moved}'"),
    );
    assert_eq!(v.ledger_mismatch_count, 1, "{v:#?}");
    assert_eq!(
        (
            v.ledger_mismatches[0].table.as_str(),
            v.ledger_mismatches[0].figure.as_str()
        ),
        ("cash_movement", "amount_minor")
    );

    // A line removed: its sale's entry still lists it, and counts it.
    let line = id_of(
        &s,
        &format!("SELECT id FROM sale_line WHERE sale_id = '{sale}' AND line_no = 2"),
    );
    let v = behind_the_tills_back(
        &s,
        "sale_line",
        &format!("DELETE FROM sale_line WHERE id = '{line}'"),
    );
    assert!(
        v.ledger_mismatches.iter().any(|m| m.table == "sale_line"
            && m.row_id == line
            && m.figure == "row"
            && m.seq == Some(sale_entry_seq(&s, &sale))),
        "{v:#?}"
    );
    assert!(v
        .ledger_mismatches
        .iter()
        .any(|m| m.table == "sale" && m.row_id == sale && m.figure == "lines"));

    // A stock movement slipped in: no entry wrote it.
    let v = behind_the_tills_back(
        &s,
        "stock_movement",
        &format!(
            "INSERT INTO stock_movement (id, device_id, product_id, event_id, location, kind, quantity_milli, source_type, source_id, actor_id, at_utc, utc_offset_minutes)
             SELECT 'slipped-in', device_id, product_id, event_id, 'event', 'receive', 5000, 'receive', 'no-such-document', actor_id, at_utc, 60
             FROM stock_movement WHERE source_id = '{sale}' LIMIT 1"
        ),
    );
    let m = v
        .ledger_mismatches
        .iter()
        .find(|m| m.row_id == "slipped-in")
        .expect("the added movement is named");
    assert_eq!(
        (m.table.as_str(), m.figure.as_str(), m.seq),
        ("stock_movement", "entry", None)
    );

    // One slipped into the sale: its entry lists the sale's movements, not it.
    let v = behind_the_tills_back(
        &s,
        "stock_movement",
        &format!(
            "INSERT INTO stock_movement (id, device_id, product_id, event_id, location, kind, quantity_milli, source_type, source_id, actor_id, at_utc, utc_offset_minutes)
             SELECT 'slipped-into-sale', device_id, product_id, event_id, 'event', 'sale', -1000, 'sale', '{sale}', actor_id, at_utc, 60
             FROM stock_movement WHERE source_id = '{sale}' LIMIT 1"
        ),
    );
    let m = v
        .ledger_mismatches
        .iter()
        .find(|m| m.row_id == "slipped-into-sale")
        .expect("the added movement is named");
    assert_eq!(
        (m.table.as_str(), m.figure.as_str(), m.seq),
        ("stock_movement", "entry", Some(sale_entry_seq(&s, &sale)))
    );
    assert!(
        m.message.contains("is not in its journal entry"),
        "{}",
        m.message
    );
}

#[test]
fn rows_journaled_before_entries_listed_them_are_checked_for_their_entry_and_counts() {
    // A sale as an older version journaled it: the entry counts its lines
    // and lists its payments, but lists neither lines nor stock movements.
    let (mut s, sale) = trading_day();
    let actor = s.cashier();
    let old = "older-sale";
    s.t.store
        .write(&actor, |tx| {
            tx.execute_batch(&format!(
                "INSERT INTO sale (id, device_id, event_id, session_id, cashier_id, receipt_number, receipt_seq, practice, currency, tax_mode,
                    subtotal_minor, discount_minor, sale_discount_minor, tax_minor, rounding_minor, total_minor, at_utc, utc_offset_minutes)
                 SELECT '{old}', device_id, event_id, session_id, cashier_id, 'T1-OLD', 900, 0, currency, tax_mode,
                    subtotal_minor, discount_minor, sale_discount_minor, tax_minor, rounding_minor, total_minor, at_utc, utc_offset_minutes
                 FROM sale WHERE id = '{sale}';
                 INSERT INTO sale_line (id, device_id, sale_id, line_no, product_id, sku, name, unit, unit_price, quantity, quantity_milli,
                    amount_minor, line_discount_minor, sale_discount_minor, tax_rate, net_minor, tax_minor, gross_minor)
                 SELECT 'old-' || line_no, device_id, '{old}', line_no, product_id, sku, name, unit, unit_price, quantity, quantity_milli,
                    amount_minor, line_discount_minor, sale_discount_minor, tax_rate, net_minor, tax_minor, gross_minor
                 FROM sale_line WHERE sale_id = '{sale}';
                 INSERT INTO payment (id, device_id, sale_id, seq, method, amount_minor, tendered_minor, change_minor)
                 SELECT 'old-pay-' || seq, device_id, '{old}', seq, method, amount_minor, tendered_minor, change_minor
                 FROM payment WHERE sale_id = '{sale}';
                 INSERT INTO stock_movement (id, device_id, product_id, event_id, location, kind, quantity_milli, source_type, source_id, actor_id, at_utc, utc_offset_minutes)
                 SELECT 'old-' || id, device_id, product_id, event_id, location, kind, quantity_milli, 'sale', '{old}', actor_id, at_utc, utc_offset_minutes
                 FROM stock_movement WHERE source_id = '{sale}';"
            ))?;
            let legacy: serde_json::Value = tx.query_row(
                &format!("SELECT details FROM audit_log WHERE entity_id = '{sale}' AND action = 'sale.completed'"),
                [],
                |r| Ok(serde_json::from_str(&r.get::<_, String>(0)?).unwrap()),
            )?;
            let mut legacy = legacy;
            for key in ["sale_lines", "stock_movements", "subtotal_minor", "discount_minor", "tax_minor"] {
                legacy.as_object_mut().unwrap().remove(key);
            }
            legacy["receipt_number"] = "T1-OLD".into();
            tx.journal("sale.completed", "sale", old, legacy)
        })
        .unwrap();
    let v = journal::verify(s.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:#?}");
    assert_eq!(v.ledger_rows_older, 2 + 2, "two lines, two stock movements");

    // Their count still catches a removed line.
    let v = behind_the_tills_back(
        &s,
        "sale_line",
        &format!("DELETE FROM sale_line WHERE sale_id = '{old}' AND line_no = 2"),
    );
    assert_eq!(v.ledger_mismatch_count, 1, "{v:#?}");
    let m = &v.ledger_mismatches[0];
    assert_eq!(
        (m.table.as_str(), m.row_id.as_str(), m.figure.as_str()),
        ("sale", old, "lines")
    );
    assert_eq!(
        (m.row_value.as_deref(), m.journal_value.as_deref()),
        (Some("1"), Some("2"))
    );
}

fn fair(name: &str) -> EventInput {
    EventInput {
        name: name.into(),
        venue: String::new(),
        starts_at: "2026-12-05T10:00".into(),
        ends_at: "2026-12-05T17:00".into(),
        notes: String::new(),
    }
}

#[test]
fn a_clock_moved_back_is_journaled_before_the_write_and_flagged_by_verify() {
    let mut t = till();
    let clock = HandClock::install(&mut t.store);
    let someone = Actor::person("p-1");
    let moves = "SELECT count(*) FROM audit_log WHERE action = 'clock.moved_back'";
    t.store
        .write(&someone, |tx| events::create(tx, &fair("Before")))
        .unwrap();
    // (The till was opened on the real clock, which may be ahead of the
    // test's: only what follows is counted.)
    let moved_before = t.count(moves);
    // Half a minute back is within the tolerance: nothing is journaled.
    clock.advance(-30);
    t.store
        .write(&someone, |tx| events::create(tx, &fair("Within")))
        .unwrap();
    assert_eq!(t.count(moves), moved_before);
    let before = t.journal_len();
    clock.advance(-2 * 3600);
    let created = t
        .store
        .write(&someone, |tx| events::create(tx, &fair("After")))
        .unwrap();
    assert_eq!(t.journal_len(), before + 2, "the move and the write itself");
    let entries = journal::recent(t.store.conn(), 3).unwrap();
    let (own, moved, previous) = (&entries[0], &entries[1], &entries[2]);
    assert_eq!(
        (own.action.as_str(), own.entity_id.as_str()),
        ("event.created", created.id.as_str())
    );
    assert_eq!(moved.action, "clock.moved_back");
    assert_eq!(moved.seq + 1, own.seq);
    assert_eq!(moved.at_utc, own.at_utc);
    assert_eq!(moved.actor_id, "p-1");
    let details: serde_json::Value = serde_json::from_str(&moved.details).unwrap();
    assert_eq!(details["seconds_back"], 2 * 3600);
    assert_eq!(details["previous_at_utc"], previous.at_utc.as_str());
    assert_eq!(details["at_utc"], own.at_utc.as_str());
    assert_eq!(details["previous_seq"], previous.seq);

    // Forward again: nothing more to say.
    clock.advance(3 * 3600);
    t.store
        .write(&someone, |tx| events::create(tx, &fair("Later")))
        .unwrap();
    let v = journal::verify(t.store.conn()).unwrap();
    assert!(v.holds(), "a warning, not a broken chain: {v:#?}");
    assert_eq!(v.clock_warnings.len() as i64, moved_before + 1, "{v:#?}");
    let w = v.clock_warnings.last().unwrap();
    assert_eq!((w.seq, w.previous_seq), (moved.seq, previous.seq));
    assert_eq!(w.action, "clock.moved_back");
    assert_eq!(w.seconds_back, 2 * 3600);
    assert!(w.message.contains("moved back"), "{}", w.message);
}

#[test]
fn a_clock_moved_back_inside_a_sale_is_journaled_in_the_sales_own_transaction() {
    let mut s = shop();
    let clock = HandClock::install(&mut s.t.store);
    s.open_session("50.00", false);
    clock.advance(-600);
    let mug = s.mug.clone();
    let sold = s
        .sell(&cart(vec![line(&mug, "1")]), &[cash("20.00")])
        .unwrap();
    let entries = journal::recent(s.t.store.conn(), 2).unwrap();
    assert_eq!(entries[0].action, "sale.completed");
    assert_eq!(entries[0].entity_id, sold.sale_id);
    assert_eq!(entries[1].action, "clock.moved_back");
    // The receipt's check code still names the sale's own entry.
    let receipt = popup_till_core::till::receipt::receipt(s.t.store.conn(), &sold.sale_id).unwrap();
    assert_eq!(receipt.check_code.as_deref(), Some(&entries[0].hash[..8]));
    let v = journal::verify(s.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:#?}");
    assert!(v.clock_warnings.iter().any(|w| w.seq == entries[1].seq));
    assert_eq!(
        v.clock_warnings.len() as i64,
        s.t.count("SELECT count(*) FROM audit_log WHERE action = 'clock.moved_back'"),
        "every move is warned of, once"
    );
}
