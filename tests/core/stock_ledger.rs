//! The stock ledger and its flows: receive, load-out and load-in, adjust,
//! count, waste; on hand as the sum of movements (a property test), the
//! per-event stock picture, history with links to source documents, and
//! product edits, archiving and search.

use std::str::FromStr;

use popup_till_core::catalog::spreadsheet;
use popup_till_core::catalog::{self, Product, ProductInput, Removal};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::{self, Approval, ApprovalRequest, PersonInput};
use popup_till_core::stock::flows::{
    self, AdjustInput, CountInput, CountLine, Direction, QuantityLine, ReceiveInput, TransferInput,
    WasteInput,
};
use popup_till_core::stock::views::{self, StockFilter};
use popup_till_core::stock::{self, Location, Movement, MovementKind};
use popup_till_core::{db::journal, Actor, ErrorCode};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::catalog_import::shop;
use crate::support::{someone, TestTill};

const CATALOG: &str =
    "sku,barcode,name,unit_price,tax_rate,unit,kind,category,low_stock_threshold\n\
OAT,,Rolled oats,4.20,5.5,kg,refill,Refills,2\n\
MUG,4006381333931,Stoneware mug,18,20,each,item,Crafts,3\n\
CRE,,Crème de karité,9.90,20,each,item,Crafts,\n";

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

struct Shop {
    t: TestTill,
    oat: Product,
    mug: Product,
    event_id: String,
}

fn stocked_shop() -> Shop {
    let mut t = shop();
    spreadsheet::import(
        &mut t.store,
        &Actor::system("test"),
        &popup_till_core::shop::people::Approval::file_holder(),
        CATALOG,
        &mut |_| {},
    )
    .unwrap();
    let event = t
        .store
        .write(&someone(), |tx| {
            events::create(
                tx,
                &EventInput {
                    name: "Market".into(),
                    venue: "Hall".into(),
                    starts_at: "2026-12-05T10:00".into(),
                    ends_at: "2026-12-05T17:00".into(),
                    notes: String::new(),
                },
            )
        })
        .unwrap();
    let oat = catalog::find_by_code(t.store.conn(), "OAT")
        .unwrap()
        .unwrap();
    let mug = catalog::find_by_code(t.store.conn(), "MUG")
        .unwrap()
        .unwrap();
    Shop {
        t,
        oat,
        mug,
        event_id: event.id,
    }
}

fn line(p: &Product, q: &str) -> QuantityLine {
    QuantityLine {
        product_id: p.id.clone(),
        quantity: q.into(),
    }
}

fn organizer(t: &mut TestTill) -> Approval {
    let person = people::add_with_pin(
        &mut t.store,
        &someone(),
        &ApprovalRequest::none(),
        &PersonInput {
            name: "Org".into(),
            role: "organizer".into(),
            pin: Some("135790".into()),
        },
    )
    .unwrap();
    people::verify_organizer_pin(&mut t.store, &person.id, "135790").unwrap()
}

fn sell(t: &mut TestTill, p: &Product, event_id: &str, q: &str) {
    t.store
        .write(&someone(), |tx| {
            stock::record(
                tx,
                &Movement {
                    product_id: &p.id,
                    event_id: Some(event_id),
                    location: Location::Event,
                    kind: MovementKind::Sale,
                    quantity: -dec(q),
                    reason: "",
                    note: "",
                    lot_code: None,
                    source_type: "sale",
                    source_id: Some("sale-1"),
                },
            )?;
            // No sale row stands behind these moves: not a `sale.completed`.
            tx.journal("test.sold", "sale", "sale-1", serde_json::json!({}))
        })
        .unwrap();
}

#[test]
fn receive_load_out_sell_load_in_and_count_give_the_event_picture() {
    let mut s = stocked_shop();
    let ev = s.event_id.clone();
    s.t.store
        .write(&someone(), |tx| {
            flows::receive(
                tx,
                &ReceiveInput {
                    lines: vec![line(&s.mug, "20"), line(&s.oat, "10.5")],
                    lot_code: "L-42".into(),
                    ..Default::default()
                },
            )?;
            flows::transfer(
                tx,
                &TransferInput {
                    direction: Direction::LoadOut,
                    lines: vec![line(&s.mug, "12"), line(&s.oat, "5")],
                    event_id: Some(ev.clone()),
                    lot_code: String::new(),
                    note: String::new(),
                },
            )
        })
        .unwrap();
    sell(&mut s.t, &s.mug, &ev, "7");
    sell(&mut s.t, &s.oat, &ev, "1.25");
    s.t.store
        .write(&someone(), |tx| {
            // Two mugs broke; the shelf then holds 2, not the expected 3.
            flows::waste(
                tx,
                &popup_till_core::shop::people::Approval::file_holder(),
                &WasteInput {
                    product_id: s.mug.id.clone(),
                    location: Some(Location::Event),
                    event_id: Some(ev.clone()),
                    quantity: "2".into(),
                    note: "dropped".into(),
                },
            )?;
            let counted = flows::count(
                tx,
                Some(&popup_till_core::shop::people::Approval::file_holder()),
                &CountInput {
                    location: Some(Location::Event),
                    event_id: Some(ev.clone()),
                    lines: vec![CountLine {
                        product_id: s.mug.id.clone(),
                        counted: "2".into(),
                    }],
                    note: String::new(),
                },
            )?;
            assert_eq!(counted.lines[0].expected, dec("3"));
            assert_eq!(counted.lines[0].variance, dec("-1"));
            assert_eq!(counted.differing, 1);
            flows::transfer(
                tx,
                &TransferInput {
                    direction: Direction::LoadIn,
                    lines: vec![line(&s.mug, "2"), line(&s.oat, "3.75")],
                    event_id: Some(ev.clone()),
                    lot_code: String::new(),
                    note: String::new(),
                },
            )
        })
        .unwrap();
    let picture = views::event_picture(s.t.store.conn(), &ev).unwrap();
    let mug = picture.iter().find(|l| l.sku == "MUG").unwrap();
    assert_eq!(mug.brought, dec("12"));
    assert_eq!(mug.sold, dec("7"));
    assert_eq!(mug.returned, dec("0"));
    assert_eq!(mug.wasted, dec("2"));
    assert_eq!(mug.counted, Some(dec("2")));
    assert_eq!(mug.shrinkage, dec("1"));
    assert!(mug.missing, "a missing mug is marked");
    assert_eq!(mug.loaded_back, dec("2"));
    assert_eq!(mug.left_at_event, dec("0"));
    let oat = picture.iter().find(|l| l.sku == "OAT").unwrap();
    assert_eq!(
        (
            oat.brought,
            oat.sold,
            oat.loaded_back,
            oat.counted,
            oat.shrinkage
        ),
        (dec("5"), dec("1.25"), dec("3.75"), None, dec("0"))
    );
    assert!(!oat.missing);
    for l in &picture {
        assert_eq!(
            l.left_at_event,
            l.brought - l.sold + l.returned - l.loaded_back - l.wasted - l.shrinkage
        );
    }
    // On hand everywhere: 20 received - 7 sold - 2 wasted - 1 missing.
    assert_eq!(
        stock::on_hand(s.t.store.conn(), &s.mug.id).unwrap(),
        dec("10")
    );
    assert_eq!(
        stock::on_hand_at(s.t.store.conn(), &s.oat.id, Location::Storage).unwrap(),
        dec("9.25")
    );
    let v = journal::verify(s.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:#?}");
}

#[test]
fn a_transfer_is_two_rows_sharing_its_source_and_history_links_to_it() {
    let mut s = stocked_shop();
    let ev = s.event_id.clone();
    let doc =
        s.t.store
            .write(&someone(), |tx| {
                flows::receive(
                    tx,
                    &ReceiveInput {
                        lines: vec![line(&s.mug, "5")],
                        ..Default::default()
                    },
                )?;
                flows::transfer(
                    tx,
                    &TransferInput {
                        direction: Direction::LoadOut,
                        lines: vec![line(&s.mug, "4")],
                        event_id: Some(ev.clone()),
                        lot_code: String::new(),
                        note: String::new(),
                    },
                )
            })
            .unwrap();
    assert_eq!(doc.movements, 2);
    let history = views::history(s.t.store.conn(), &s.mug.id).unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].balance, dec("5"), "a transfer keeps on hand");
    let doc_lines = history
        .iter()
        .filter(|h| h.source_id.as_deref() == Some(doc.source_id.as_str()))
        .count();
    assert_eq!(doc_lines, 2);
    let document = views::source_document(s.t.store.conn(), "transfer", &doc.source_id).unwrap();
    let mut quantities: Vec<_> = document
        .movements
        .iter()
        .map(|m| (m.location.clone(), m.quantity))
        .collect();
    quantities.sort();
    assert_eq!(
        quantities,
        vec![("event".into(), dec("4")), ("storage".into(), dec("-4"))]
    );
    assert_eq!(document.event_name.as_deref(), Some("Market"));
}

#[test]
fn a_count_keeps_the_counted_figures_on_its_document() {
    let mut s = stocked_shop();
    let result =
        s.t.store
            .write(&someone(), |tx| {
                flows::count(
                    tx,
                    Some(&popup_till_core::shop::people::Approval::file_holder()),
                    &CountInput {
                        location: Some(Location::Storage),
                        event_id: None,
                        lines: vec![CountLine {
                            product_id: s.oat.id.clone(),
                            counted: "3,5".into(),
                        }],
                        note: String::new(),
                    },
                )
            })
            .unwrap();
    let doc = views::source_document(s.t.store.conn(), "count", &result.count_id).unwrap();
    assert_eq!(doc.counted[0].expected, dec("0"));
    assert_eq!(doc.counted[0].counted, dec("3.5"));
    assert_eq!(
        stock::on_hand(s.t.store.conn(), &s.oat.id).unwrap(),
        dec("3.5")
    );
}

#[test]
fn bad_stock_input_is_refused_naming_the_field_and_nothing_is_written() {
    let mut s = stocked_shop();
    let approval = organizer(&mut s.t);
    const MOVEMENTS: &str = "SELECT count(*) FROM stock_movement";
    let before = s.t.count(MOVEMENTS);
    let journal = s.t.journal_len();
    let err =
        s.t.store
            .write(&someone(), |tx| {
                flows::count(
                    tx,
                    Some(&popup_till_core::shop::people::Approval::file_holder()),
                    &CountInput {
                        location: Some(Location::Storage),
                        event_id: None,
                        lines: vec![CountLine {
                            product_id: s.mug.id.clone(),
                            counted: "-3".into(),
                        }],
                        note: String::new(),
                    },
                )
            })
            .unwrap_err();
    assert_eq!(err.field(), Some("counted"));
    assert!(err.to_string().contains("cannot be negative"), "{err}");
    // In a longer count the field names the line, counted from 1.
    let err =
        s.t.store
            .write(&someone(), |tx| {
                flows::count(
                    tx,
                    Some(&popup_till_core::shop::people::Approval::file_holder()),
                    &CountInput {
                        location: Some(Location::Storage),
                        event_id: None,
                        lines: vec![
                            CountLine {
                                product_id: s.mug.id.clone(),
                                counted: "3".into(),
                            },
                            CountLine {
                                product_id: s.oat.id.clone(),
                                counted: "lots".into(),
                            },
                        ],
                        note: String::new(),
                    },
                )
            })
            .unwrap_err();
    assert_eq!(err.field(), Some("lines[2].counted"));
    assert_eq!(err.to_string(), "Line 2, counted: 'lots' is not a number");
    let err =
        s.t.store
            .write(&someone(), |tx| {
                flows::receive(
                    tx,
                    &ReceiveInput {
                        lines: vec![line(&s.mug, "1.5")],
                        ..Default::default()
                    },
                )
            })
            .unwrap_err();
    assert_eq!(err.field(), Some("quantity"));
    let err =
        s.t.store
            .write(&someone(), |tx| {
                flows::adjust(
                    tx,
                    &approval,
                    &AdjustInput {
                        product_id: s.mug.id.clone(),
                        location: None,
                        event_id: None,
                        quantity: "-1".into(),
                        reason: "vanished".into(),
                        note: String::new(),
                    },
                )
            })
            .unwrap_err();
    assert_eq!(err.field(), Some("reason"));
    let err =
        s.t.store
            .write(&someone(), |tx| {
                flows::transfer(
                    tx,
                    &TransferInput {
                        direction: Direction::LoadOut,
                        lines: vec![line(&s.mug, "1")],
                        event_id: None,
                        lot_code: String::new(),
                        note: String::new(),
                    },
                )
            })
            .unwrap_err();
    assert_eq!(err.field(), Some("event_id"), "no event is open");
    assert_eq!(s.t.count(MOVEMENTS), before);
    assert_eq!(s.t.journal_len(), journal);
}

#[test]
fn an_adjustment_needs_a_reason_and_is_journaled_with_its_approver() {
    let mut s = stocked_shop();
    let approval = organizer(&mut s.t);
    let doc =
        s.t.store
            .write(&someone(), |tx| {
                flows::adjust(
                    tx,
                    &approval,
                    &AdjustInput {
                        product_id: s.mug.id.clone(),
                        location: Some(Location::Storage),
                        event_id: None,
                        quantity: "4".into(),
                        reason: "found".into(),
                        note: "box behind the van seat".into(),
                    },
                )
            })
            .unwrap();
    assert_eq!(
        stock::on_hand(s.t.store.conn(), &s.mug.id).unwrap(),
        dec("4")
    );
    let details: String =
        s.t.store
            .conn()
            .query_row(
                "SELECT details FROM audit_log WHERE entity_id = ?1",
                [&doc.source_id],
                |r| r.get(0),
            )
            .unwrap();
    assert!(details.contains(approval.organizer_id()), "{details}");
    assert!(details.contains("\"found\""), "{details}");
}

#[test]
fn the_stock_list_shows_on_hand_and_flags_low_stock() {
    let mut s = stocked_shop();
    s.t.store
        .write(&someone(), |tx| {
            flows::receive(
                tx,
                &ReceiveInput {
                    lines: vec![line(&s.mug, "2"), line(&s.oat, "8")],
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let list = views::list(s.t.store.conn(), &StockFilter::default()).unwrap();
    let mug = list.rows.iter().find(|r| r.product.sku == "MUG").unwrap();
    assert_eq!((mug.on_hand, mug.low), (dec("2"), true));
    let oat = list.rows.iter().find(|r| r.product.sku == "OAT").unwrap();
    assert_eq!((oat.on_hand, oat.low), (dec("8"), false));
    assert_eq!(oat.price, "4.20", "prices show the currency's decimals");
    let low = views::list(
        s.t.store.conn(),
        &StockFilter {
            low_only: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        low.rows
            .iter()
            .map(|r| r.product.sku.as_str())
            .collect::<Vec<_>>(),
        vec!["MUG"]
    );
    assert_eq!(list.categories, vec!["Crafts", "Refills"]);
    let first = views::list(
        s.t.store.conn(),
        &StockFilter {
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (first.rows.len(), first.matched),
        (1, 3),
        "a long list says how many matched"
    );
    assert_eq!(
        first.rows[0].product.sku, "CRE",
        "ordered by category, then name"
    );
    assert_eq!(first.rows[0].on_hand, dec("0"));
    let mug_only = views::list(
        s.t.store.conn(),
        &StockFilter {
            category: "Crafts".into(),
            query: "mug".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(mug_only.rows.len(), 1);
    assert_eq!(mug_only.rows[0].on_hand, dec("2"));
}

#[test]
fn a_used_product_is_archived_not_deleted_and_an_unused_one_is_deleted() {
    let mut s = stocked_shop();
    s.t.store
        .write(&someone(), |tx| {
            flows::receive(
                tx,
                &ReceiveInput {
                    lines: vec![line(&s.mug, "1")],
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let removed =
        s.t.store
            .write(&someone(), |tx| {
                catalog::remove(
                    tx,
                    &popup_till_core::shop::people::Approval::file_holder(),
                    &s.mug.id,
                )
            })
            .unwrap();
    assert_eq!(removed, Removal::Archived);
    let mug = catalog::get(s.t.store.conn(), &s.mug.id).unwrap();
    assert!(!mug.active);
    assert!(catalog::search(s.t.store.conn(), "stoneware", 10)
        .unwrap()
        .is_empty());
    let archived = views::list(
        s.t.store.conn(),
        &StockFilter {
            archived: true,
            query: "stone".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(archived.rows.len(), 1, "the archived filter still finds it");
    assert_eq!(archived.rows[0].on_hand, dec("1"));
    let removed =
        s.t.store
            .write(&someone(), |tx| {
                catalog::remove(
                    tx,
                    &popup_till_core::shop::people::Approval::file_holder(),
                    &s.oat.id,
                )
            })
            .unwrap();
    assert_eq!(removed, Removal::Deleted);
    assert_eq!(
        catalog::get(s.t.store.conn(), &s.oat.id)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert!(catalog::search(s.t.store.conn(), "oats", 10)
        .unwrap()
        .is_empty());
}

#[test]
fn editing_a_product_journals_before_and_after_and_reindexes_its_name() {
    let mut s = stocked_shop();
    let updated =
        s.t.store
            .write(&someone(), |tx| {
                let settings = popup_till_core::shop::settings::load(tx)?;
                catalog::update(
                    tx,
                    &settings,
                    &s.mug.id,
                    &ProductInput {
                        sku: "MUG".into(),
                        barcode: "4006381333931".into(),
                        name: "Speckled mug".into(),
                        unit_price: "19.50".into(),
                        tax_rate: "20".into(),
                        unit: "each".into(),
                        kind: "item".into(),
                        category: "Crafts".into(),
                        low_stock_threshold: "3".into(),
                    },
                )
            })
            .unwrap();
    assert_eq!(updated.unit_price, dec("19.5"));
    let details: String =
        s.t.store
            .conn()
            .query_row(
                "SELECT details FROM audit_log WHERE action = 'product.updated' AND entity_id = ?1",
                [&s.mug.id],
                |r| r.get(0),
            )
            .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details["before"]["unit_price"], "18");
    assert_eq!(details["after"]["unit_price"], "19.5");
    assert_eq!(details["after"]["name"], "Speckled mug");
    assert!(details["after"].get("sku").is_none(), "only changed fields");
    let names = |q: &str| -> Vec<String> {
        catalog::search(s.t.store.conn(), q, 10)
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    assert_eq!(names("speck"), vec!["Speckled mug"]);
    assert!(names("stoneware").is_empty());
}

#[test]
fn search_finds_substrings_prefixes_and_codes_ignoring_case_and_accents() {
    let s = stocked_shop();
    let names = |q: &str| -> Vec<String> {
        catalog::search(s.t.store.conn(), q, 10)
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    assert_eq!(names("CREME"), vec!["Crème de karité"]);
    assert_eq!(names("karite"), vec!["Crème de karité"]);
    assert_eq!(names("ton"), vec!["Stoneware mug"]);
    assert_eq!(
        names("r"),
        vec!["Rolled oats"],
        "a name starting with the letter"
    );
    assert_eq!(
        names("m"),
        vec!["Stoneware mug"],
        "a word starting with the letter"
    );
    assert_eq!(names("oa"), vec!["Rolled oats"]);
    assert_eq!(names("4006381333931"), vec!["Stoneware mug"]);
    assert_eq!(names("OAT"), vec!["Rolled oats"]);
    assert!(names("\"").is_empty());
    assert!(names("zzz").is_empty());
}

/// One step of the property test.
#[derive(Debug, Clone)]
enum Step {
    Receive(usize, u32),
    LoadOut(usize, u32),
    LoadIn(usize, u32),
    Sell(usize, u32),
    Count(usize, bool, u32),
    Waste(usize, bool, u32),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..2usize, 1..5000u32).prop_map(|(p, q)| Step::Receive(p, q)),
        (0..2usize, 1..3000u32).prop_map(|(p, q)| Step::LoadOut(p, q)),
        (0..2usize, 1..3000u32).prop_map(|(p, q)| Step::LoadIn(p, q)),
        (0..2usize, 1..2000u32).prop_map(|(p, q)| Step::Sell(p, q)),
        (0..2usize, any::<bool>(), 0..4000u32).prop_map(|(p, e, q)| Step::Count(p, e, q)),
        (0..2usize, any::<bool>(), 1..500u32).prop_map(|(p, e, q)| Step::Waste(p, e, q)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn on_hand_is_the_sum_of_movements_after_any_sequence_of_flows(steps in prop::collection::vec(step(), 1..25)) {
        let mut s = stocked_shop();
        let ev = s.event_id.clone();
        let products = [s.oat.clone(), s.mug.clone()];
        // What we expect at each location, in thousandths, kept by hand.
        let mut expected = [[0i64; 2]; 2];
        for st in steps {
            let qty = |p: usize, milli: u32| -> (String, i64) {
                // Mugs are whole items.
                let milli = if p == 1 { (milli / 1000).max(1) as i64 * 1000 } else { milli as i64 };
                (stock::from_milli(milli).to_string(), milli)
            };
            match st {
                Step::Receive(p, q) => {
                    let (text, m) = qty(p, q);
                    s.t.store.write(&someone(), |tx| flows::receive(tx, &ReceiveInput { lines: vec![line(&products[p], &text)], ..Default::default() })).unwrap();
                    expected[p][0] += m;
                }
                Step::LoadOut(p, q) | Step::LoadIn(p, q) => {
                    let out = matches!(st, Step::LoadOut(..));
                    let (text, m) = qty(p, q);
                    s.t.store.write(&someone(), |tx| flows::transfer(tx, &TransferInput {
                        direction: if out { Direction::LoadOut } else { Direction::LoadIn },
                        lines: vec![line(&products[p], &text)], event_id: Some(ev.clone()), lot_code: String::new(), note: String::new() })).unwrap();
                    let (from, to) = if out { (0, 1) } else { (1, 0) };
                    expected[p][from] -= m;
                    expected[p][to] += m;
                }
                Step::Sell(p, q) => {
                    let (text, m) = qty(p, q);
                    sell(&mut s.t, &products[p], &ev, &text);
                    expected[p][1] -= m;
                }
                Step::Count(p, at_event, q) => {
                    let (text, m) = if q == 0 { ("0".to_string(), 0) } else { qty(p, q) };
                    let location = if at_event { Location::Event } else { Location::Storage };
                    s.t.store.write(&someone(), |tx| flows::count(tx, Some(&popup_till_core::shop::people::Approval::file_holder()), &CountInput {
                        location: Some(location), event_id: Some(ev.clone()),
                        lines: vec![CountLine { product_id: products[p].id.clone(), counted: text.clone() }], note: String::new() })).unwrap();
                    expected[p][usize::from(at_event)] = m;
                }
                Step::Waste(p, at_event, q) => {
                    let (text, m) = qty(p, q);
                    let location = if at_event { Location::Event } else { Location::Storage };
                    s.t.store.write(&someone(), |tx| flows::waste(tx, &popup_till_core::shop::people::Approval::file_holder(), &WasteInput {
                        product_id: products[p].id.clone(), location: Some(location), event_id: Some(ev.clone()),
                        quantity: text.clone(), note: String::new() })).unwrap();
                    expected[p][usize::from(at_event)] -= m;
                }
            }
        }
        let conn = s.t.store.conn();
        for (p, product) in products.iter().enumerate() {
            let sum: i64 = conn.query_row("SELECT coalesce(sum(quantity_milli), 0) FROM stock_movement WHERE product_id = ?1", [&product.id], |r| r.get(0)).unwrap();
            prop_assert_eq!(stock::on_hand(conn, &product.id).unwrap(), stock::from_milli(sum));
            prop_assert_eq!(stock::on_hand_at(conn, &product.id, Location::Storage).unwrap(), stock::from_milli(expected[p][0]));
            prop_assert_eq!(stock::on_hand_at(conn, &product.id, Location::Event).unwrap(), stock::from_milli(expected[p][1]));
            let row = views::stock_row(conn, &product.id).unwrap();
            prop_assert_eq!(row.on_hand, stock::from_milli(expected[p][0] + expected[p][1]));
            let history = views::history(conn, &product.id).unwrap();
            prop_assert_eq!(history.first().map(|h| h.balance).unwrap_or_default(), row.on_hand);
        }
        for l in views::event_picture(conn, &ev).unwrap() {
            prop_assert_eq!(l.left_at_event, l.brought - l.sold + l.returned - l.loaded_back - l.wasted - l.shrinkage);
        }
    }
}
