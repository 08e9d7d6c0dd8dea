//! Refill and reuse: weighed refills into a customer's own container or a
//! shop jar (gross, tare and net exact in grams and millilitres), scale
//! labels of every default layout read back with their check digits, and
//! deposits: linked lines, returns capped by what is outstanding, and the
//! cash they take out of the drawer.

use popup_till_core::catalog::refill::{self, RefillFields};
use popup_till_core::catalog::scale_label::{self, Measure};
use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::db::journal;
use popup_till_core::shop::people::{self, ApprovalRequest};
use popup_till_core::shop::settings;
use popup_till_core::till::cart::{self, Addition, CartInput, LineInput};
use popup_till_core::till::deposits::{self, DepositReturnInput};
use popup_till_core::till::{lookup, quote, receipt, session};
use popup_till_core::{Actor, ErrorCode};

use crate::till_support::{card, cart, cash, shop, Shop, PIN};

/// Olive oil (8.40 per l, item code 42), a 500 g jar (1.00 deposit, tare
/// 240 g) and coffee beans (the shop's, per kg) with item code 7.
struct Refills {
    s: Shop,
    oil: String,
    jar: String,
}

fn refills() -> Refills {
    let mut s = shop();
    let organizer = s.organizer.clone();
    let approval = people::approve(&mut s.t.store, &ApprovalRequest::new(&organizer, PIN)).unwrap();
    let coffee = s.coffee.clone();
    let (oil, jar) =
        s.t.store
            .write(&Actor::system("test"), |tx| {
                let st = settings::load(tx)?;
                let product = |sku: &str, name: &str, price: &str, unit: &str, kind: &str| {
                    catalog::create(
                        tx,
                        &st,
                        &ProductInput {
                            sku: sku.into(),
                            name: name.into(),
                            unit_price: price.into(),
                            tax_rate: "5.5".into(),
                            unit: unit.into(),
                            kind: kind.into(),
                            ..ProductInput::default()
                        },
                    )
                };
                let oil = product("OIL", "Olive oil", "8.40", "l", "refill")?;
                let jar = product("JAR", "Jar 500 g", "1.00", "each", "deposit")?;
                refill::set_fields(
                    tx,
                    &approval,
                    &jar.id,
                    &RefillFields {
                        tare_grams: Some(240),
                        ..RefillFields::default()
                    },
                )?;
                refill::set_fields(
                    tx,
                    &approval,
                    &oil.id,
                    &RefillFields {
                        scale_item_code: Some("42".into()),
                        ..RefillFields::default()
                    },
                )?;
                refill::set_fields(
                    tx,
                    &approval,
                    &coffee,
                    &RefillFields {
                        scale_item_code: Some("7".into()),
                        ..RefillFields::default()
                    },
                )?;
                Ok((oil.id, jar.id))
            })
            .unwrap();
    Refills { s, oil, jar }
}

fn weighed(product: &str, gross: &str, tare: &str) -> LineInput {
    LineInput {
        product_id: product.into(),
        gross: gross.into(),
        tare: tare.into(),
        container: "own".into(),
        ..LineInput::default()
    }
}

#[test]
fn a_refill_into_the_customers_own_jar_prices_the_net_grams_exactly() {
    let mut r = refills();
    r.s.open_session("50.00", false);
    let coffee = r.s.coffee.clone();
    // 612 g gross − 240 g tare = 372 g net; 24.90 × 0.372 = 9.2628 → 9.26.
    let c = cart(vec![weighed(&coffee, "612", "240")]);
    let q = quote::quote(r.s.t.store.conn(), &c).unwrap();
    assert_eq!(q.lines[0].quantity, "0.372");
    assert_eq!(q.total, "9.26");
    assert_eq!(
        q.lines[0].weighing.as_deref(),
        Some("gross 612 g − tare 240 g (own container) = net 372 g")
    );
    let done = r.s.sell(&c, &[cash("10.00")]).unwrap();
    let (gross, tare, net, container): (i64, i64, i64, String) = r
        .s
        .t
        .store
        .conn()
        .query_row(
            "SELECT gross_milli, tare_milli, quantity_milli, container FROM sale_line WHERE sale_id = ?1",
            [&done.sale_id],
            |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (gross, tare, net, container.as_str()),
        (612, 240, 372, "own")
    );
    let shown = receipt::receipt(r.s.t.store.conn(), &done.sale_id).unwrap();
    assert_eq!(
        shown.lines[0].weighing.as_deref(),
        Some("gross 612 g − tare 240 g (own container) = net 372 g")
    );
    // 5 kg were in stock: the net left, not the gross.
    assert_eq!(r.s.on_hand(&coffee).to_string(), "4.628");
}

#[test]
fn a_refill_by_volume_takes_millilitres_and_the_net_is_exact() {
    let r = refills();
    // 1250 ml − 380 ml = 870 ml; 8.40 × 0.870 = 7.308 → 7.31.
    let q = quote::quote(
        r.s.t.store.conn(),
        &cart(vec![weighed(&r.oil, "1250", "380")]),
    )
    .unwrap();
    assert_eq!(q.lines[0].quantity, "0.87");
    assert_eq!(q.total, "7.31");
    assert_eq!(
        q.lines[0].weighing.as_deref(),
        Some("gross 1250 ml − tare 380 ml (own container) = net 870 ml")
    );
}

#[test]
fn a_tare_larger_than_the_gross_or_a_net_of_nothing_is_refused_and_nothing_is_written() {
    let mut r = refills();
    r.s.open_session("50.00", false);
    let coffee = r.s.coffee.clone();
    let before = r.s.ledger_rows();
    let over =
        r.s.sell(&cart(vec![weighed(&coffee, "200", "240")]), &[cash("")])
            .unwrap_err();
    assert_eq!(over.code(), ErrorCode::Validation);
    assert_eq!(over.field(), Some("tare"));
    assert!(
        over.to_string()
            .contains("the tare 240 g is more than the gross 200 g"),
        "{over}"
    );
    let zero =
        r.s.sell(&cart(vec![weighed(&coffee, "240", "240")]), &[cash("")])
            .unwrap_err();
    assert!(zero.to_string().contains("the net is 0 g"), "{zero}");
    let fraction = quote::quote(
        r.s.t.store.conn(),
        &cart(vec![weighed(&coffee, "612.5", "240")]),
    )
    .unwrap_err();
    assert_eq!(fraction.field(), Some("gross"));
    assert_eq!(r.s.ledger_rows(), before);
}

#[test]
fn a_refill_into_a_shop_jar_takes_its_tare_and_adds_its_deposit_as_a_linked_line() {
    let r = refills();
    let conn = r.s.t.store.conn();
    let added = quote::add_to_cart(
        conn,
        &CartInput::default(),
        &Addition {
            product_id: r.s.coffee.clone(),
            gross: "740".into(),
            container: "shop".into(),
            container_id: Some(r.jar.clone()),
            ..Addition::default()
        },
        None,
    )
    .unwrap();
    let q = added.quote;
    assert_eq!(q.lines.len(), 2);
    assert_eq!(q.lines[0].quantity, "0.5");
    assert_eq!(
        q.lines[0].weighing.as_deref(),
        Some("gross 740 g − tare 240 g (shop container) = net 500 g")
    );
    assert_eq!(q.lines[1].product_id, r.jar);
    assert_eq!(q.lines[1].deposit_of_line, Some(1));
    // 24.90 × 0.5 = 12.45, and the jar's 1.00.
    assert_eq!(q.total, "13.45");
    assert_eq!(refill::containers(conn).unwrap()[0].tare_grams, 240);
}

#[test]
fn every_default_label_layout_reads_back_what_it_encodes() {
    let layouts = scale_label::default_layouts();
    assert!(layouts
        .iter()
        .any(|l| l.prefix == "21" && l.measure == Measure::Grams));
    assert!(layouts
        .iter()
        .any(|l| l.prefix == "23" && l.measure == Measure::Price));
    assert!(layouts.iter().any(|l| l.verifier));
    for layout in &layouts {
        let max = 10i64.pow(layout.value_digits() as u32) - 1;
        for value in [0, 1, 372, 2875, 9999, max] {
            for item in ["7", "42", "12345"] {
                let code = scale_label::encode(layout, item, value).unwrap();
                assert_eq!(code.len(), 13);
                assert!(code.starts_with(&layout.prefix));
                let d = scale_label::decode(&layouts, &code).unwrap();
                assert_eq!(d.prefix, layout.prefix);
                assert_eq!(d.measure, layout.measure);
                assert_eq!(d.value, value, "{code}");
                assert_eq!(d.item_code.trim_start_matches('0'), item, "{code}");
            }
        }
    }
}

#[test]
fn a_label_with_a_wrong_check_digit_or_price_verifier_is_refused() {
    let layouts = scale_label::default_layouts();
    let by = |p: &str| layouts.iter().find(|l| l.prefix == p).unwrap();
    let good = scale_label::encode(by("21"), "7", 372).unwrap();
    let last = good.as_bytes()[12] - b'0';
    let bad = format!("{}{}", &good[..12], (last + 1) % 10);
    let err = scale_label::decode(&layouts, &bad).unwrap_err();
    assert!(err.to_string().contains("check digit is wrong"), "{err}");
    // 22: item 00007, verifier, price 2875 (GS1's example: verifier 2).
    let priced = scale_label::encode(by("22"), "7", 2875).unwrap();
    assert_eq!(&priced[7..8], "2");
    let mut wrong: Vec<u8> = priced.bytes().map(|b| b - b'0').collect();
    wrong[7] = (wrong[7] + 1) % 10;
    wrong[12] = scale_label::ean13_check_digit(&wrong[..12]);
    let wrong: String = wrong.iter().map(|d| char::from(b'0' + d)).collect();
    let err = scale_label::decode(&layouts, &wrong).unwrap_err();
    assert!(
        err.to_string().contains("price verifier digit is wrong"),
        "{err}"
    );
    // A prefix with no layout in the settings.
    let mut none: Vec<u8> = "290000700372".bytes().map(|b| b - b'0').collect();
    none.push(scale_label::ean13_check_digit(&none));
    let none: String = none.iter().map(|d| char::from(b'0' + d)).collect();
    assert!(scale_label::decode(&layouts, &none)
        .unwrap_err()
        .to_string()
        .contains("prefix 29 has no layout"));
}

#[test]
fn scanning_a_weight_label_adds_the_product_at_the_encoded_weight_and_a_price_label_at_its_price() {
    let mut r = refills();
    r.s.open_session("50.00", false);
    let layouts = refill::settings(r.s.t.store.conn()).unwrap().layouts;
    let by = |p: &str| layouts.iter().find(|l| l.prefix == p).unwrap().clone();
    let weight = scale_label::encode(&by("21"), "7", 372).unwrap();
    let scanned = lookup::scan(r.s.t.store.conn(), &weight).unwrap().unwrap();
    assert_eq!(scanned.product.id, r.s.coffee);
    assert_eq!(scanned.quantity, "0.372");
    assert_eq!(scanned.amount, "9.26");
    let price = scale_label::encode(&by("22"), "42", 1234).unwrap();
    let by_price = lookup::scan(r.s.t.store.conn(), &price).unwrap().unwrap();
    assert_eq!(by_price.product.id, r.oil);
    assert_eq!(by_price.amount, "12.34");
    // Sold: the label's price exactly, the label kept on the line.
    let c = cart::add(
        r.s.t.store.conn(),
        &CartInput::default(),
        &by_price.addition,
    )
    .unwrap();
    let done = r.s.sell(&c, &[card("")]).unwrap();
    assert_eq!(done.total, "12.34");
    let kept: String =
        r.s.t
            .store
            .conn()
            .query_row(
                "SELECT scale_label FROM sale_line WHERE sale_id = ?1",
                [&done.sale_id],
                |x| x.get(0),
            )
            .unwrap();
    assert_eq!(kept, price);
    // An item code no product carries.
    let unknown = scale_label::encode(&by("21"), "999", 100).unwrap();
    assert!(lookup::scan(r.s.t.store.conn(), &unknown)
        .unwrap_err()
        .to_string()
        .contains("no product has scale item code"));
    // A real product barcode still scans.
    let mug = lookup::scan(r.s.t.store.conn(), "4006381333931")
        .unwrap()
        .unwrap();
    assert_eq!(mug.product.id, r.s.mug);
}

#[test]
fn deposit_returns_are_capped_by_what_is_outstanding_across_customers() {
    let mut r = refills();
    r.s.open_session("50.00", false);
    let jar = r.jar.clone();
    // Two customers take a jar each.
    for _ in 0..2 {
        let c = cart(vec![LineInput {
            product_id: jar.clone(),
            quantity: "1".into(),
            ..LineInput::default()
        }]);
        r.s.sell(&c, &[cash("")]).unwrap();
    }
    assert_eq!(deposits::outstanding(r.s.t.store.conn(), &jar).unwrap(), 2);
    let actor = r.s.cashier();
    let back = |r: &mut Refills, q: &str| {
        r.s.t.store.write(&actor, |tx| {
            deposits::return_on_its_own(
                tx,
                &DepositReturnInput {
                    product_id: r.jar.clone(),
                    quantity: q.into(),
                },
            )
        })
    };
    let three = back(&mut r, "3").unwrap_err();
    assert_eq!(three.field(), Some("quantity"));
    assert!(
        three.to_string().contains("only 2 are out with customers"),
        "{three}"
    );
    // Whoever brings them back, two can come back.
    let first = back(&mut r, "1").unwrap();
    assert_eq!(first.amount, "1.00");
    assert_eq!(first.outstanding, 1);
    back(&mut r, "1").unwrap();
    assert!(back(&mut r, "1").is_err());
    let ledger = deposits::ledger(r.s.t.store.conn(), &r.s.event).unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (ledger[0].issued, ledger[0].returned, ledger[0].outstanding),
        (2, 2, 0)
    );
    assert_eq!(ledger[0].paid_out_minor, 200);
    let v = journal::verify(r.s.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:#?}");
}

#[test]
fn expected_cash_accounts_for_deposits_paid_out() {
    let mut r = refills();
    let s = r.s.open_session("50.00", false);
    let jar = r.jar.clone();
    let c = cart(vec![LineInput {
        product_id: jar.clone(),
        quantity: "3".into(),
        ..LineInput::default()
    }]);
    r.s.sell(&c, &[cash("5.00")]).unwrap();
    let actor = r.s.cashier();
    r.s.t
        .store
        .write(&actor, |tx| {
            deposits::return_on_its_own(
                tx,
                &DepositReturnInput {
                    product_id: jar.clone(),
                    quantity: "2".into(),
                },
            )
        })
        .unwrap();
    let parts = session::cash_parts(r.s.t.store.conn(), &s.id).unwrap();
    assert_eq!(parts.deposits, 200);
    // 50.00 float + 3.00 for the jars − 2.00 paid back.
    assert_eq!(parts.expected(), 5100);
}

#[test]
fn deposits_outside_tax_carry_no_tax_when_the_setting_says_so() {
    let mut r = refills();
    let organizer = r.s.organizer.clone();
    let approval =
        people::approve(&mut r.s.t.store, &ApprovalRequest::new(&organizer, PIN)).unwrap();
    let jar = r.jar.clone();
    let c = cart(vec![LineInput {
        product_id: jar,
        quantity: "1".into(),
        ..LineInput::default()
    }]);
    let taxed = quote::quote(r.s.t.store.conn(), &c).unwrap();
    assert_eq!(taxed.lines[0].tax_rate, "5.5");
    r.s.t
        .store
        .write(&Actor::system("test"), |tx| {
            let mut st = refill::settings(tx)?;
            st.deposit_tax = refill::DepositTax::OutsideTax;
            refill::save_settings(tx, &approval, &st)
        })
        .unwrap();
    let outside = quote::quote(r.s.t.store.conn(), &c).unwrap();
    assert_eq!(outside.lines[0].tax_rate, "0");
    assert_eq!(outside.tax, "0.00");
}

/// A refill day: coffee into an own jar and into a shop jar (its deposit
/// with it), oil from a weight label, two jars sold on their own; one jar
/// brought back. The export is read back against the summary.
#[test]
fn export_deposits_and_lines_add_up_to_the_reuse_figures() {
    use crate::export::{options, read_csv, run, sum};
    use popup_till_core::reporting::{report, scope::Scope};
    let mut r = refills();
    r.s.open_session("50.00", false);
    let conn_add = |r: &Refills, cart: &CartInput, a: Addition| {
        cart::add(r.s.t.store.conn(), cart, &a).unwrap()
    };
    let coffee = r.s.coffee.clone();
    let own = conn_add(
        &r,
        &CartInput::default(),
        Addition {
            product_id: coffee.clone(),
            gross: "612".into(),
            tare: "240".into(),
            container: "own".into(),
            ..Addition::default()
        },
    );
    let both = conn_add(
        &r,
        &own,
        Addition {
            product_id: coffee.clone(),
            gross: "740".into(),
            container: "shop".into(),
            container_id: Some(r.jar.clone()),
            ..Addition::default()
        },
    );
    r.s.sell(&both, &[cash("")]).unwrap();
    let layouts = refill::settings(r.s.t.store.conn()).unwrap().layouts;
    let volume = layouts.iter().find(|l| l.prefix == "24").unwrap();
    let label = scale_label::encode(volume, "42", 750).unwrap();
    let oil = conn_add(
        &r,
        &CartInput::default(),
        Addition {
            product_id: r.oil.clone(),
            scale_label: label,
            ..Addition::default()
        },
    );
    r.s.sell(&oil, &[card("")]).unwrap();
    let jars = cart(vec![LineInput {
        product_id: r.jar.clone(),
        quantity: "2".into(),
        ..LineInput::default()
    }]);
    r.s.sell(&jars, &[cash("")]).unwrap();
    let actor = r.s.cashier();
    let jar = r.jar.clone();
    r.s.t
        .store
        .write(&actor, |tx| {
            deposits::return_on_its_own(
                tx,
                &DepositReturnInput {
                    product_id: jar.clone(),
                    quantity: "1".into(),
                },
            )
        })
        .unwrap();

    let scope = Scope::Event(r.s.event.clone());
    let figures = report::report(r.s.t.store.conn(), &scope, false)
        .unwrap()
        .reuse;
    assert_eq!(figures.refills_sold, 3);
    assert_eq!(figures.refills_own_container, 1);
    assert_eq!(figures.refills_shop_container, 1);
    assert_eq!(figures.packs_avoided, 2);
    assert_eq!(figures.containers_issued, 3);
    assert_eq!(figures.containers_returned, 1);
    assert_eq!(figures.deposits_charged.text, "3.00");
    assert_eq!(figures.deposits_paid_back.text, "1.00");
    assert_eq!(figures.deposit_return_rate.as_deref(), Some("33.3"));

    let out = r.s.t.dir.path().join("refill-export");
    run(&mut r.s, &options(scope, out.clone())).unwrap();
    let (_, summary) = read_csv(&out.join("summary.csv"), b',');
    let metric = |m: &str| {
        summary
            .iter()
            .find(|row| row["metric"] == m)
            .unwrap_or_else(|| panic!("{m} in summary.csv"))["value"]
            .clone()
    };
    let (_, lines) = read_csv(&out.join("sale_lines.csv"), b',');
    let refill_skus = ["COF", "OIL"];
    let refills: Vec<_> = lines
        .iter()
        .filter(|l| refill_skus.contains(&l["sku"].as_str()))
        .collect();
    assert_eq!(refills.len().to_string(), metric("refills_sold"));
    let own: Vec<_> = refills.iter().filter(|l| l["container"] == "own").collect();
    let shop = refills.iter().filter(|l| l["container"] == "shop").count();
    assert_eq!(own.len().to_string(), metric("refills_own_container"));
    assert_eq!(shop.to_string(), metric("refills_shop_container"));
    assert_eq!((own.len() + shop).to_string(), metric("packs_avoided"));
    // The lines carry gross, tare and net: quantity = gross − tare.
    for l in refills.iter().filter(|l| !l["container"].is_empty()) {
        let (g, t, q) = (
            crate::export::dec(&l["gross_quantity"]),
            crate::export::dec(&l["tare_quantity"]),
            crate::export::dec(&l["quantity"]),
        );
        assert_eq!(g - t, q, "{l:?}");
    }
    assert_eq!(own[0]["gross_quantity"], "0.612");
    assert_eq!(own[0]["tare_quantity"], "0.24");
    let (header, deposits_csv) = read_csv(&out.join("deposits.csv"), b',');
    assert_eq!(header[..3], ["id", "kind", "event_id"]);
    let of = |kind: &str| -> Vec<_> {
        deposits_csv
            .iter()
            .filter(|d| d["kind"] == kind)
            .cloned()
            .collect()
    };
    assert_eq!(
        sum(&of("issued"), "containers").to_string(),
        metric("containers_issued")
    );
    assert_eq!(
        sum(&of("returned"), "containers").to_string(),
        metric("containers_returned")
    );
    assert_eq!(
        sum(&of("issued"), "amount").to_string(),
        metric("deposits_charged")
    );
    assert_eq!(
        sum(&of("returned"), "amount").to_string(),
        metric("deposits_paid_back")
    );
    assert_eq!(metric("deposit_return_rate"), "33.3");
    assert_eq!(metric("cash_deposits"), "1.00");
    // datapackage.json describes deposits.csv, column by column.
    let package: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("datapackage.json")).unwrap())
            .unwrap();
    let res = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "deposits.csv")
        .expect("deposits.csv is in datapackage.json");
    let names: Vec<&str> = res["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(header, names);
    let typed = |name: &str| {
        res["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()["type"]
            .clone()
    };
    assert_eq!(typed("containers"), "integer");
    assert_eq!(typed("amount"), "number");
    assert_eq!(typed("at"), "datetime");
}

#[test]
fn part_of_a_refill_into_an_own_jar_comes_back_at_exactly_its_share() {
    use popup_till_core::returns::{self, RefundInput, RefundLineInput};
    let mut r = refills();
    r.s.open_session("50.00", false);
    let coffee = r.s.coffee.clone();
    // 372 g net for 9.26; 100 g of it comes back.
    let done =
        r.s.sell(
            &cart(vec![weighed(&coffee, "612", "240")]),
            &[cash("10.00")],
        )
        .unwrap();
    let line: String =
        r.s.t
            .store
            .conn()
            .query_row(
                "SELECT id FROM sale_line WHERE sale_id = ?1",
                [&done.sale_id],
                |x| x.get(0),
            )
            .unwrap();
    let actor = r.s.cashier();
    let refund = returns::refund_with_pin(
        &mut r.s.t.store,
        &actor,
        &RefundInput {
            sale_id: Some(done.sale_id.clone()),
            lines: vec![RefundLineInput {
                sale_line_id: Some(line),
                quantity: "0.1".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
        &ApprovalRequest::none(),
    )
    .unwrap();
    // 9.26 × 100 / 372 = 2.489… → 2.49.
    assert_eq!(refund.total, "2.49");
    assert!(journal::verify(r.s.t.store.conn()).unwrap().holds());
}

fn jars_sold(r: &mut Refills, n: &str) {
    let c = cart(vec![LineInput {
        product_id: r.jar.clone(),
        quantity: n.into(),
        ..LineInput::default()
    }]);
    r.s.sell(&c, &[cash("")]).unwrap();
}

fn back(product: &str, quantity: &str) -> DepositReturnInput {
    DepositReturnInput {
        product_id: product.into(),
        quantity: quantity.into(),
    }
}

/// A customer refills oil into their own bottle and brings a shop jar back
/// in the same sale: the jar's deposit comes off what they pay, as a
/// negative line capped by what is out (counting the cart's own).
#[test]
fn a_jar_brought_back_in_a_sale_comes_off_what_the_customer_pays() {
    let mut r = refills();
    let s = r.s.open_session("50.00", false);
    jars_sold(&mut r, "1");
    let (oil, jar) = (r.oil.clone(), r.jar.clone());
    // 740 ml − 240 ml = 0.5 l × 8.40 = 4.20.
    let mut c = cart(vec![weighed(&oil, "740", "240")]);
    c.deposits_back = vec![back(&jar, "2")];
    let two = quote::quote(r.s.t.store.conn(), &c).unwrap_err();
    assert_eq!(two.field(), Some("quantity"));
    assert!(two.to_string().contains("only 1 is out"), "{two}");
    c.deposits_back = vec![back(&jar, "1"), back(&jar, "1")];
    let again = quote::quote(r.s.t.store.conn(), &c).unwrap_err();
    assert!(
        again
            .to_string()
            .contains("container brought back 2: 1 × Jar 500 g brought back, but only 0 are out with customers (besides the 1 already brought back in this sale)"),
        "{again}"
    );
    c.deposits_back = vec![back(&jar, "1")];
    let q = quote::quote(r.s.t.store.conn(), &c).unwrap();
    assert_eq!(
        (q.sale_total.as_str(), q.deposits_back_total.as_str()),
        ("4.20", "1.00")
    );
    assert_eq!(
        (q.total.as_str(), q.total_minor, q.pays_out),
        ("3.20", 320, false)
    );
    assert_eq!(q.deposits_back[0].name, "Jar 500 g");
    let done = r.s.sell(&c, &[cash("5.00")]).unwrap();
    assert_eq!(done.change, "1.80");
    assert_eq!((done.deposits_back_minor, done.paid_out_minor), (100, 0));
    let conn = r.s.t.store.conn();
    let (sale, method, amount): (String, String, i64) = conn
        .query_row(
            "SELECT sale_id, method, amount_minor FROM deposit_return",
            [],
            |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (sale, method.as_str(), amount),
        (done.sale_id.clone(), "sale", 100)
    );
    // The sale's total is its goods; the jar paid the first 1.00 of it.
    let paid: Vec<(String, i64)> = conn
        .prepare("SELECT method, amount_minor FROM payment WHERE sale_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([&done.sale_id], |x| Ok((x.get(0)?, x.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(paid, vec![("exchange".into(), 100), ("cash".into(), 320)]);
    assert_eq!(deposits::outstanding(conn, &jar).unwrap(), 0);
    let shown = receipt::receipt(conn, &done.sale_id).unwrap();
    assert_eq!(shown.total, "4.20");
    assert_eq!(shown.deposits_back.len(), 1);
    assert_eq!(shown.deposits_back[0].amount, "1.00");
    assert_eq!(shown.paid_out_minor, 0);
    // 50.00 float + 1.00 for the jar + 3.20 in cash for the refill.
    let parts = session::cash_parts(conn, &s.id).unwrap();
    assert_eq!((parts.deposits, parts.expected()), (0, 5420));
    let ledger = deposits::ledger(conn, &r.s.event).unwrap();
    assert_eq!(
        (ledger[0].issued, ledger[0].returned, ledger[0].outstanding),
        (1, 1, 0)
    );
    let v = journal::verify(conn).unwrap();
    assert!(v.holds(), "{v:#?}");
}

/// Three jars back with a small refill: the sale is paid by the jars and
/// the till pays the rest out in cash; expected cash goes down by it, and
/// the sale cannot be voided (the jars came back all the same).
#[test]
fn containers_worth_more_than_the_sale_pay_the_rest_out_in_cash() {
    let mut r = refills();
    let s = r.s.open_session("50.00", false);
    jars_sold(&mut r, "3");
    let (oil, jar) = (r.oil.clone(), r.jar.clone());
    // 365 ml − 240 ml = 0.125 l × 8.40 = 1.05; three jars back: 3.00.
    let mut c = cart(vec![weighed(&oil, "365", "240")]);
    c.deposits_back = vec![back(&jar, "3")];
    let q = quote::quote(r.s.t.store.conn(), &c).unwrap();
    assert_eq!(
        (q.total_minor, q.pays_out, q.paid_out.as_str()),
        (-195, true, "1.95")
    );
    // Whatever key the cashier pressed, nothing is taken.
    let done = r.s.sell(&c, &[card("")]).unwrap();
    assert_eq!((done.paid_out.as_str(), done.change_minor), ("1.95", 0));
    let conn = r.s.t.store.conn();
    let paid: Vec<(String, i64)> = conn
        .prepare("SELECT method, amount_minor FROM payment WHERE sale_id = ?1")
        .unwrap()
        .query_map([&done.sale_id], |x| Ok((x.get(0)?, x.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(paid, vec![("exchange".into(), 105)]);
    // 50.00 float + 3.00 for the jars − 1.95 paid out.
    let parts = session::cash_parts(conn, &s.id).unwrap();
    assert_eq!((parts.deposits, parts.expected()), (195, 5105));
    let shown = receipt::receipt(conn, &done.sale_id).unwrap();
    assert_eq!(
        (shown.paid_out.as_str(), shown.deposits_back[0].quantity),
        ("1.95", 3)
    );
    let organizer = r.s.organizer.clone();
    let approval =
        people::approve(&mut r.s.t.store, &ApprovalRequest::new(&organizer, PIN)).unwrap();
    let actor = r.s.cashier();
    let refused =
        r.s.t
            .store
            .write(&actor, |tx| {
                popup_till_core::till::void::void(tx, &approval, &done.sale_id, "mistake")
            })
            .unwrap_err();
    assert!(
        refused.to_string().contains("containers were brought back"),
        "{refused}"
    );
    let v = journal::verify(r.s.t.store.conn()).unwrap();
    assert!(v.holds(), "{v:#?}");
}

/// A customer's own jar weighed empty at a scale prints a tare label
/// (prefix 25 by default); scanned, it is the tare of the next refill,
/// whose weight label gives the gross. A misread tare label is refused.
#[test]
fn a_tare_label_reads_back_its_grams_and_is_the_tare_of_the_next_refill() {
    let mut r = refills();
    r.s.open_session("50.00", false);
    let conn = r.s.t.store.conn();
    let layouts = refill::settings(conn).unwrap().layouts;
    let tare_layout = layouts
        .iter()
        .find(|l| l.measure == Measure::Tare)
        .unwrap()
        .clone();
    assert_eq!(tare_layout.prefix, "25");
    for grams in [0, 1, 240, 9999, 99999] {
        let code = scale_label::encode(&tare_layout, "0", grams).unwrap();
        let read = lookup::tare_label(conn, &code).unwrap().unwrap();
        assert_eq!((read.prefix.as_str(), read.tare), ("25", grams), "{code}");
    }
    let label = scale_label::encode(&tare_layout, "3", 240).unwrap();
    let last = label.as_bytes()[12] - b'0';
    let misread = format!("{}{}", &label[..12], (last + 1) % 10);
    let refused = lookup::tare_label(conn, &misread).unwrap_err();
    assert!(
        refused.to_string().contains("check digit is wrong"),
        "{refused}"
    );
    // A weight label or a barcode is not a tare label.
    let by = |p: &str| layouts.iter().find(|l| l.prefix == p).unwrap().clone();
    let weight = scale_label::encode(&by("21"), "7", 612).unwrap();
    assert_eq!(lookup::tare_label(conn, &weight).unwrap(), None);
    assert_eq!(lookup::tare_label(conn, "4006381333931").unwrap(), None);
    // Scanned as a product, it says what it is.
    let as_product = lookup::scan(conn, &label).unwrap_err();
    assert!(
        as_product.to_string().contains("is a tare label (240 g)"),
        "{as_product}"
    );
    // The weight label of the full jar after it: gross 612 − tare 240.
    let scanned = lookup::scan(conn, &weight).unwrap().unwrap();
    let tare = lookup::tare_label(conn, &label).unwrap().unwrap();
    let c = cart::add(
        conn,
        &CartInput::default(),
        &Addition {
            tare: tare.tare.to_string(),
            container: "own".into(),
            ..scanned.addition
        },
    )
    .unwrap();
    let q = quote::quote(conn, &c).unwrap();
    assert_eq!(q.lines[0].quantity, "0.372");
    assert_eq!(
        q.lines[0].weighing.as_deref(),
        Some("gross 612 g − tare 240 g (own container) = net 372 g")
    );
    assert_eq!(q.total, "9.26");
    // A tare label on a line is refused, naming it.
    let mut wrong = c.clone();
    wrong.lines[0].scale_label = label.clone();
    let e = quote::quote(conn, &wrong).unwrap_err();
    assert!(e.to_string().contains("is a tare label"), "{e}");

    // The till's one call per scan does the same: the tare label is read
    // and held (nothing added), the weight label after it is weighed net
    // of the tare held, and says it used it.
    let empty = CartInput::default();
    let held = match quote::scan_into_cart(conn, &empty, &label, "", None, None).unwrap() {
        Some(quote::ScanOutcome::Tare(t)) => t,
        other => panic!("a tare label: {other:?}"),
    };
    assert_eq!(held.tare, 240);
    let item =
        match quote::scan_into_cart(conn, &empty, &weight, "", Some(held.tare), None).unwrap() {
            Some(quote::ScanOutcome::Item(item)) => item,
            other => panic!("the refill: {other:?}"),
        };
    assert!(item.tare_used);
    let added = item.added.expect("added");
    assert_eq!(
        serde_json::to_value(&added.quote).unwrap(),
        serde_json::to_value(&q).unwrap(),
        "the same line and total as reading the labels one call at a time"
    );
    // Without a tare held, the label's weight is the net; a tare held is
    // left alone by a code that is not a weight label.
    let plain = match quote::scan_into_cart(conn, &empty, &weight, "", None, None).unwrap() {
        Some(quote::ScanOutcome::Item(item)) => item,
        other => panic!("the refill: {other:?}"),
    };
    assert!(!plain.tare_used);
    assert_eq!(plain.added.unwrap().quote.lines[0].quantity, "0.612");
    let jam = match quote::scan_into_cart(conn, &empty, "JAM", "", Some(240), None).unwrap() {
        Some(quote::ScanOutcome::Item(item)) => item,
        other => panic!("the jam: {other:?}"),
    };
    assert!(!jam.tare_used);
}

/// The demo's past market has refills into the shop's jars (the jar's
/// deposit on a linked line), jars brought back inside sales and on their
/// own, and its refill products carry scale item codes; its journal holds.
#[test]
fn the_demo_market_refills_into_shop_jars_and_takes_jars_back_in_sales_and_on_their_own() {
    let mut t = crate::support::till();
    popup_till_core::demo::load(&mut t.store).unwrap();
    let shop_jar_refills = t.count(
        "SELECT count(*) FROM sale_line l WHERE l.container = 'shop'
           AND EXISTS (SELECT 1 FROM sale_line d WHERE d.sale_id = l.sale_id AND d.deposit_of_line = l.line_no)",
    );
    assert!(shop_jar_refills >= 5, "{shop_jar_refills}");
    let own = t.count("SELECT count(*) FROM sale_line WHERE container = 'own'");
    assert!(own >= 5, "{own}");
    let in_sales = t.count(
        "SELECT count(*) FROM deposit_return d JOIN sale s ON s.id = d.sale_id WHERE d.method = 'sale'",
    );
    let on_their_own = t.count("SELECT count(*) FROM deposit_return WHERE method = 'cash'");
    assert!(
        in_sales >= 3 && on_their_own >= 1,
        "{in_sales} {on_their_own}"
    );
    let coded =
        t.count("SELECT count(*) FROM product WHERE kind = 'refill' AND scale_item_code IS NULL");
    assert_eq!(coded, 0, "every refill has a scale item code");
    let jars =
        t.count("SELECT count(*) FROM product WHERE kind = 'deposit' AND tare_grams IS NOT NULL");
    assert!(jars >= 3);
    assert!(journal::verify(t.store.conn()).unwrap().holds());
}
