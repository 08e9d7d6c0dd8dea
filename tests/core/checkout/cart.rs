//! The cart: what needs an organizer's PIN, and the bad input a till meets,
//! each refused with a clear message and nothing written.

use popup_till_core::till::cart::{Addition, CartInput};
use popup_till_core::till::sale::PaymentInput;
use popup_till_core::{Actor, ErrorCode};

use popup_till_core::till::quote;

use crate::till_support::{amount, card, cart, cash, line, percent, shop, shop_with, Shop, PIN};

#[test]
fn discounts_over_the_limit_and_price_overrides_need_an_organizer_pin() {
    let mut s = shop();
    s.open_session("0", false);
    let mut big = line(&s.mug.clone(), "1");
    big.discount = percent("50");
    let before = s.ledger_rows();
    let err = s.sell(&cart(vec![big.clone()]), &[cash("")]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    let err = s
        .sell_approved(&cart(vec![big.clone()]), &[cash("")], "000000")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert_eq!(s.t.count("SELECT count(*) FROM sale"), 0);
    // only the two PIN tries were journaled
    assert_eq!(s.ledger_rows(), before + 1);
    let done = s.sell_approved(&cart(vec![big]), &[cash("")], PIN).unwrap();
    assert_eq!(done.total, "6.25");
    let approved: Option<String> =
        s.t.store
            .conn()
            .query_row("SELECT approved_by FROM sale", [], |r| r.get(0))
            .unwrap();
    assert_eq!(approved.as_deref(), Some(s.organizer.as_str()));

    let mut cheap = line(&s.mug.clone(), "1");
    cheap.price_override = Some("10.00".into());
    assert_eq!(
        s.sell(&cart(vec![cheap.clone()]), &[cash("")])
            .unwrap_err()
            .code(),
        ErrorCode::ApprovalNeeded
    );
    let done = s
        .sell_approved(&cart(vec![cheap]), &[cash("")], PIN)
        .unwrap();
    assert_eq!(done.total, "10.00");
    let list: String =
        s.t.store
            .conn()
            .query_row(
                "SELECT list_unit_price FROM sale_line WHERE sale_id = ?1",
                [&done.sale_id],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(
        list, "12.5",
        "the catalog price is kept beside the override"
    );
    // a small discount needs no PIN
    let mut small = line(&s.mug.clone(), "1");
    small.discount = percent("10");
    assert!(s.sell(&cart(vec![small]), &[cash("")]).is_ok());
}

fn refused(s: &mut Shop, c: CartInput, payments: &[PaymentInput], field: &str, message: &str) {
    let before = s.ledger_rows();
    let err = s.sell(&c, payments).unwrap_err();
    assert_eq!(err.field(), Some(field), "{err}");
    assert_eq!(err.to_string(), message);
    assert_eq!(s.ledger_rows(), before, "nothing may be written");
}

#[test]
fn bad_input_is_refused_with_a_clear_message_and_nothing_is_written() {
    let mut s = shop();
    s.open_session("0", false);
    let (mug, jam, coffee) = (s.mug.clone(), s.jam.clone(), s.coffee.clone());
    refused(
        &mut s,
        cart(vec![line(&mug, "1")]),
        &[cash("10")],
        "tendered",
        "Tendered: 10.00 tendered is less than the 12.50 due in cash",
    );
    refused(
        &mut s,
        cart(vec![line(&mug, "0")]),
        &[cash("")],
        "quantity",
        "Quantity: line 1: the quantity must be more than 0",
    );
    refused(
        &mut s,
        cart(vec![line(&jam, "-2")]),
        &[cash("")],
        "quantity",
        "Quantity: line 1: the quantity must be more than 0",
    );
    refused(
        &mut s,
        cart(vec![line(&mug, "1.5")]),
        &[cash("")],
        "quantity",
        "Quantity: line 1: Stoneware mug is sold by the piece; enter a whole number",
    );
    refused(
        &mut s,
        cart(vec![line(&coffee, "0.2505")]),
        &[cash("")],
        "quantity",
        "Quantity: line 1: 0.2505 kg has too many decimals (at most 3: grams or millilitres)",
    );
    refused(
        &mut s,
        cart(vec![line(&mug, "999999999999999999999999")]),
        &[cash("")],
        "quantity",
        "Quantity: line 1: 999999999999999999999999 each is more than the till sells on one line (at most 999)",
    );
    let mut over = line(&jam, "1");
    over.discount = amount("4.00");
    refused(
        &mut s,
        cart(vec![over]),
        &[cash("")],
        "discount",
        "Discount: line 1: the discount 4.00 is larger than the line (3.30)",
    );
    let mut whole = cart(vec![line(&jam, "1")]);
    whole.sale_discount = amount("5");
    refused(
        &mut s,
        whole,
        &[cash("")],
        "sale_discount",
        "Sale discount: the discount 5.00 is larger than the sale (3.30)",
    );
    refused(
        &mut s,
        cart(vec![]),
        &[cash("")],
        "lines",
        "Lines: the cart is empty: add a product first",
    );
    refused(
        &mut s,
        cart(vec![line(&mug, "1")]),
        &[card("20")],
        "amount",
        "Amount: card, mobile and other payments (20.00) are more than the 12.50 due; they cannot give change",
    );
    refused(
        &mut s,
        cart(vec![line(&mug, "1")]),
        &[card("5")],
        "amount",
        "Amount: the payments (5.00) do not cover the 12.50 due",
    );
    let mut bad_card = card("");
    bad_card.card_last_four = "12".into();
    refused(
        &mut s,
        cart(vec![line(&mug, "1")]),
        &[bad_card],
        "card_last_four",
        "Card last four: enter exactly the last 4 digits of the card, or nothing",
    );

    // an archived product
    s.t.store
        .write(&Actor::system("test"), |tx| {
            tx.execute("UPDATE product SET active = 0 WHERE id = ?1", [&jam])?;
            tx.journal("test.archived", "product", &jam, serde_json::json!({}))?;
            Ok(())
        })
        .unwrap();
    refused(
        &mut s,
        cart(vec![line(&jam, "1")]),
        &[cash("")],
        "product",
        "Product: line 1: Plum jam is archived and cannot be sold",
    );
}

#[test]
fn scanning_an_item_again_adds_to_its_line_with_exact_quantities() {
    let s = shop();
    let conn = s.t.store.conn();
    let add = |c: &CartInput, product: &str, quantity: &str| {
        quote::add_to_cart(
            conn,
            c,
            &Addition {
                product_id: product.into(),
                quantity: quantity.into(),
                ..Addition::default()
            },
            None,
        )
    };
    let one = add(&cart(vec![]), &s.mug, "").unwrap();
    assert_eq!(one.cart.lines.len(), 1);
    assert_eq!(one.cart.lines[0].quantity, "1");
    assert_eq!(one.quote.total, "12.50");
    let three = add(&one.cart, &s.mug, "2").unwrap();
    assert_eq!(three.cart.lines.len(), 1, "the same item joins its line");
    assert_eq!(three.cart.lines[0].quantity, "3");
    assert_eq!(three.quote.total, "37.50");
    // Another product is a new line; so is the same one when its line has
    // a discount, a price override or is handed over later.
    let jam = add(&three.cart, &s.jam, "1").unwrap();
    assert_eq!(jam.cart.lines.len(), 2);
    let mut discounted = jam.cart.clone();
    discounted.lines[0].discount = percent("10");
    assert_eq!(add(&discounted, &s.mug, "1").unwrap().cart.lines.len(), 3);
    let mut overridden = jam.cart.clone();
    overridden.lines[0].price_override = Some("11.00".into());
    assert_eq!(add(&overridden, &s.mug, "1").unwrap().cart.lines.len(), 3);
    let mut later = jam.cart.clone();
    later.lines[0].handover_later = true;
    assert_eq!(add(&later, &s.mug, "1").unwrap().cart.lines.len(), 3);
    // Weighed refills are never merged: each weighing is its own line.
    let coffee = add(&cart(vec![]), &s.coffee, "0.250").unwrap();
    let coffee = add(&coffee.cart, &s.coffee, "0.250").unwrap();
    assert_eq!(coffee.cart.lines.len(), 2);
    assert_eq!(coffee.quote.total, "12.46");
}

#[test]
fn an_addition_the_cart_cannot_take_is_refused_and_names_its_line() {
    let s = shop();
    let conn = s.t.store.conn();
    let add = |c: &CartInput, product: &str, quantity: &str| {
        quote::add_to_cart(
            conn,
            c,
            &Addition {
                product_id: product.into(),
                quantity: quantity.into(),
                ..Addition::default()
            },
            None,
        )
    };
    let one = add(&cart(vec![]), &s.mug, "1").unwrap();
    let err = add(&one.cart, &s.mug, "1.5").unwrap_err();
    assert_eq!(err.field(), Some("quantity"));
    assert!(err.to_string().contains("line 2"), "{err}");
    let err = add(&one.cart, &s.mug, "999").unwrap_err();
    assert!(err.to_string().contains("at most 999"), "{err}");
    let err = add(&one.cart, "no-such-product", "1").unwrap_err();
    assert_eq!(err.field(), Some("product"));
}

#[test]
fn the_quote_says_which_rows_the_till_shows() {
    let s = shop_with("inclusive", "0.05");
    let conn = s.t.store.conn();
    let plain = quote::quote(conn, &cart(vec![line(&s.mug, "1")])).unwrap();
    assert!(!plain.has_discount && !plain.lines[0].has_discount);
    assert!(!plain.cash_rounded, "12.50 needs no cash rounding");
    let mut off = line(&s.jam, "1");
    off.discount = amount("0.01");
    let q = quote::quote(conn, &cart(vec![line(&s.mug, "1"), off])).unwrap();
    assert!(q.has_discount);
    assert!(!q.lines[0].has_discount && q.lines[1].has_discount);
    // 12.50 + 3.29 = 15.79: cash rounds it to 15.80.
    assert_eq!(
        (q.total.as_str(), q.cash_total.as_str()),
        ("15.79", "15.80")
    );
    assert!(q.cash_rounded);
}

#[test]
fn a_scanned_code_is_looked_up_and_added_with_its_quote_in_one_call() {
    let mut s = shop();
    let scan = |s: &Shop, c: &CartInput, code: &str, quantity: &str| {
        quote::scan_into_cart(s.t.store.conn(), c, code, quantity, None, None)
            .unwrap()
            .map(|outcome| match outcome {
                quote::ScanOutcome::Item(item) => item,
                quote::ScanOutcome::Tare(t) => panic!("not a tare label: {t:?}"),
            })
    };
    // By barcode: the item added and the cart quoted.
    let one = scan(&s, &cart(vec![]), "4006381333931", "").expect("the mug's barcode");
    assert_eq!(one.product.id, s.mug);
    let one = one.added.expect("added");
    assert_eq!(one.cart.lines.len(), 1);
    assert_eq!(one.quote.total, "12.50");
    // Again, by SKU and three of it ("3*MUG"): it joins its line.
    let four = scan(&s, &one.cart, "MUG", "3").unwrap().added.unwrap();
    assert_eq!(four.cart.lines.len(), 1);
    assert_eq!(four.cart.lines[0].quantity, "4");
    assert_eq!(four.quote.total, "50.00");
    // The same cart and quote as looking up, then adding.
    let two_calls = quote::add_to_cart(
        s.t.store.conn(),
        &one.cart,
        &Addition {
            product_id: s.mug.clone(),
            quantity: "3".into(),
            ..Addition::default()
        },
        None,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&two_calls.quote).unwrap(),
        serde_json::to_value(&four.quote).unwrap()
    );
    // No product has this code: nothing, and the till searches instead.
    assert!(scan(&s, &four.cart, "9999999999994", "").is_none());
    // A weighed product without its weight is not added: the till asks.
    let coffee = scan(&s, &four.cart, "COF", "").unwrap();
    assert_eq!(coffee.product.id, s.coffee);
    assert!(coffee.added.is_none());
    // With its weight typed ("0.250*COF") it is.
    let weighed = scan(&s, &four.cart, "COF", "0.250").unwrap().added.unwrap();
    assert_eq!(weighed.cart.lines.len(), 2);
    // An archived product is named, not added.
    let jam = s.jam.clone();
    s.t.store
        .write(&Actor::system("test"), |tx| {
            tx.execute("UPDATE product SET active = 0 WHERE id = ?1", [&jam])?;
            tx.journal("test.archived", "product", &jam, serde_json::json!({}))?;
            Ok(())
        })
        .unwrap();
    let archived = scan(&s, &four.cart, "JAM", "").unwrap();
    assert!(!archived.product.active);
    assert!(archived.added.is_none());
    // A bad quantity is refused as an addition is.
    assert!(quote::scan_into_cart(s.t.store.conn(), &four.cart, "MUG", "-x", None, None).is_err());
}
