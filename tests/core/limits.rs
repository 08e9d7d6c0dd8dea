//! The till's limits: a float or a cash movement above its limit needs an
//! organizer's PIN, a paid out or drop of more than the drawer holds is
//! refused without saying what it holds, a quantity or unit price above its
//! limit is refused naming the field, and line and sale discounts together
//! are held to the discount limit against the list price.

use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::shop::settings::{self, SettingsInput};
use popup_till_core::till::cart::{CartInput, LineInput};
use popup_till_core::till::quote;
use popup_till_core::till::session::{self, CashKind, OpenInput, Session};
use popup_till_core::{ErrorCode, Result};

use crate::till_support::{cart, cash, line, percent, shop, Shop, PIN};

fn open(s: &mut Shop, float: &str, approval: &ApprovalRequest) -> Result<Session> {
    let actor = s.cashier();
    session::open_with_pin(
        &mut s.t.store,
        &actor,
        &OpenInput {
            float: float.into(),
            ..OpenInput::default()
        },
        approval,
    )
}

fn move_cash(
    s: &mut Shop,
    kind: CashKind,
    amount: &str,
    approval: &ApprovalRequest,
) -> Result<String> {
    let actor = s.cashier();
    session::move_cash_with_pin(&mut s.t.store, &actor, kind, amount, "a reason", approval)
}

fn organizer(s: &Shop) -> ApprovalRequest {
    ApprovalRequest::new(&s.organizer, PIN)
}

fn set_limits(s: &mut Shop, edit: impl FnOnce(&mut SettingsInput)) -> Result<settings::Settings> {
    let mut input = SettingsInput::from_settings(&settings::load(s.t.store.conn())?);
    edit(&mut input);
    let request = organizer(s);
    let actor = s.cashier();
    settings::save_with_pin(&mut s.t.store, &actor, &request, &input)
}

#[test]
fn the_limits_have_defaults_and_are_saved_like_the_other_settings() {
    let mut s = shop();
    let limits = settings::load(s.t.store.conn()).unwrap().limits;
    assert_eq!(limits.float_max.to_string(), "2000");
    assert_eq!(limits.cash_move_max.to_string(), "200");
    assert_eq!(limits.quantity_max.to_string(), "999");
    assert_eq!(limits.unit_price_max.to_string(), "10000");
    assert_eq!(limits.discount_limit_percent.to_string(), "20");
    let saved = set_limits(&mut s, |i| {
        i.float_max = "500".into();
        i.discount_limit_percent = "25%".into();
    })
    .unwrap();
    assert_eq!(saved.limits.float_max.to_string(), "500");
    assert_eq!(settings::load(s.t.store.conn()).unwrap(), saved);
    for (field, bad) in [
        ("quantity_max", "0"),
        ("quantity_max", "100001"),
        ("unit_price_max", "lots"),
        ("discount_limit_percent", "101"),
        ("cash_move_max", "-5"),
    ] {
        let err = set_limits(&mut s, |i| match field {
            "quantity_max" => i.quantity_max = bad.into(),
            "unit_price_max" => i.unit_price_max = bad.into(),
            "discount_limit_percent" => i.discount_limit_percent = bad.into(),
            _ => i.cash_move_max = bad.into(),
        })
        .unwrap_err();
        assert_eq!(err.field(), Some(field), "{bad}: {err}");
    }
    // Without a PIN nothing changes.
    let mut input = SettingsInput::from_settings(&saved);
    input.float_max = "10000".into();
    let actor = s.cashier();
    let err = settings::save_with_pin(&mut s.t.store, &actor, &ApprovalRequest::none(), &input)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
}

#[test]
fn a_float_above_the_limit_needs_an_organizer() {
    let mut s = shop();
    let err = open(&mut s, "2000.01", &ApprovalRequest::none()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded, "{err}");
    assert!(err.to_string().contains("2000.00"), "{err}");
    let approval = organizer(&s);
    assert!(open(&mut s, "2000.01", &approval).is_ok());

    let mut s = shop();
    assert!(open(&mut s, "2000", &ApprovalRequest::none()).is_ok());
}

#[test]
fn a_cash_movement_above_the_limit_needs_an_organizer() {
    let mut s = shop();
    open(&mut s, "1000", &ApprovalRequest::none()).unwrap();
    for kind in [CashKind::PaidIn, CashKind::PaidOut, CashKind::Drop] {
        assert!(move_cash(&mut s, kind, "200", &ApprovalRequest::none()).is_ok());
        let err = move_cash(&mut s, kind, "200.01", &ApprovalRequest::none()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::ApprovalNeeded, "{err}");
        let wrong = ApprovalRequest::new(&s.organizer, "999999");
        assert!(move_cash(&mut s, kind, "200.01", &wrong).is_err());
        let approval = organizer(&s);
        assert!(move_cash(&mut s, kind, "200.01", &approval).is_ok());
    }
    // The movements with their approvals are in the drawer's figures.
    let parts = session::cash_parts(
        s.t.store.conn(),
        &session::current(s.t.store.conn(), s.t.store.device_id())
            .unwrap()
            .unwrap()
            .id,
    )
    .unwrap();
    assert_eq!(
        (parts.paid_in, parts.paid_out, parts.drops),
        (40001, 40001, 40001)
    );
}

#[test]
fn a_paid_out_or_drop_of_more_than_the_drawer_holds_is_refused_without_the_figure() {
    let mut s = shop();
    open(&mut s, "130", &ApprovalRequest::none()).unwrap();
    s.sell(&cart(vec![line(&s.jam.clone(), "1")]), &[cash("")])
        .unwrap(); // 3.30 in cash
    for kind in [CashKind::PaidOut, CashKind::Drop] {
        for approval in [ApprovalRequest::none(), organizer(&s)] {
            let err = move_cash(&mut s, kind, "5000", &approval).unwrap_err();
            assert_eq!(err.code(), ErrorCode::Validation, "{err}");
            assert_eq!(err.field(), Some("amount"));
            let message = err.to_string();
            assert!(
                message.contains("more than the drawer can hold"),
                "{message}"
            );
            assert!(
                !message.contains("133") && !message.contains("130"),
                "{message}"
            );
            // One cent more than it holds is refused too.
            let err = move_cash(&mut s, kind, "133.31", &approval).unwrap_err();
            assert!(
                err.to_string().contains("more than the drawer can hold"),
                "{err}"
            );
            assert!(!err.to_string().contains("133.30"), "{err}");
        }
    }
    // A paid in is never refused for the drawer, and all it holds can go.
    let approval = organizer(&s);
    assert!(move_cash(&mut s, CashKind::PaidOut, "133.30", &approval).is_ok());
    let err = move_cash(&mut s, CashKind::Drop, "0.01", &ApprovalRequest::none()).unwrap_err();
    assert!(
        err.to_string().contains("more than the drawer can hold"),
        "{err}"
    );
    assert!(move_cash(&mut s, CashKind::PaidIn, "10", &ApprovalRequest::none()).is_ok());
}

fn quoted(s: &Shop, c: &CartInput) -> Result<quote::Quote> {
    quote::quote(s.t.store.conn(), c)
}

#[test]
fn a_quantity_above_the_limit_is_refused_naming_the_field() {
    let mut s = shop();
    s.open_session("0", false);
    let (jam, coffee) = (s.jam.clone(), s.coffee.clone());
    assert!(quoted(&s, &cart(vec![line(&jam, "999")])).is_ok());
    assert!(quoted(&s, &cart(vec![line(&coffee, "999")])).is_ok());
    for (product, q) in [(&jam, "1000"), (&coffee, "999.001")] {
        let err = quoted(&s, &cart(vec![line(product, q)])).unwrap_err();
        assert_eq!(err.field(), Some("quantity"), "{err}");
        assert!(err.to_string().contains("at most 999"), "{err}");
    }
}

#[test]
fn a_unit_price_above_the_limit_is_refused_naming_the_field() {
    let mut s = shop();
    s.open_session("0", false);
    let mug = s.mug.clone();
    let with_price = |p: &str| {
        cart(vec![LineInput {
            price_override: Some(p.into()),
            ..line(&mug, "1")
        }])
    };
    let fine = quoted(&s, &with_price("10000")).unwrap();
    assert!(fine.needs_approval, "an override is approved");
    let err = quoted(&s, &with_price("10000.01")).unwrap_err();
    assert_eq!(err.field(), Some("price_override"), "{err}");
    assert!(err.to_string().contains("largest unit price"), "{err}");

    let actor = s.cashier();
    let create = |price: &str, sku: &str| {
        let sku = sku.to_string();
        let price = price.to_string();
        move |tx: &popup_till_core::db::store::Tx| {
            let settings = settings::load(tx)?;
            catalog::create(
                tx,
                &settings,
                &ProductInput {
                    sku,
                    name: "Painting".into(),
                    unit_price: price,
                    tax_rate: "20".into(),
                    unit: "each".into(),
                    ..ProductInput::default()
                },
            )
        }
    };
    assert!(s.t.store.write(&actor, create("10000", "ART1")).is_ok());
    let err =
        s.t.store
            .write(&actor, create("10000.01", "ART2"))
            .unwrap_err();
    assert_eq!(err.field(), Some("unit_price"), "{err}");
}

#[test]
fn line_and_sale_discounts_together_are_held_to_the_limit_of_the_list_price() {
    let mut s = shop();
    s.open_session("0", false);
    let mug = s.mug.clone(); // 12.50
    let discounted = |line_pct: &str, sale_pct: &str| {
        let mut c = cart(vec![LineInput {
            discount: percent(line_pct),
            ..line(&mug, "1")
        }]);
        c.sale_discount = percent(sale_pct);
        c
    };
    // 10 % then 10 %: 19 % off the list price, within 20 %.
    let q = quoted(&s, &discounted("10", "10")).unwrap();
    assert!(!q.needs_approval, "{:?}", q.approval_reasons);
    // 15 % then 10 %: each within the limit alone, 23.5 % together.
    let c = discounted("15", "10");
    let q = quoted(&s, &c).unwrap();
    assert!(q.needs_approval);
    assert_eq!(
        q.approval_reasons,
        vec!["line 1: discounts together over 20% of the list price".to_string()]
    );
    let err = s.sell(&c, &[cash("")]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ApprovalNeeded);
    assert!(s.sell_approved(&c, &[cash("")], PIN).is_ok());

    // Exactly at the limit: 20 % of 12.50 as 2.50 off in two steps.
    let mut at = cart(vec![LineInput {
        discount: Some(popup_till_core::till::cart::DiscountInput {
            kind: "amount".into(),
            value: "1.50".into(),
        }),
        ..line(&mug, "1")
    }]);
    at.sale_discount = Some(popup_till_core::till::cart::DiscountInput {
        kind: "amount".into(),
        value: "1.00".into(),
    });
    assert!(!quoted(&s, &at).unwrap().needs_approval);
    at.sale_discount.as_mut().unwrap().value = "1.01".into();
    assert!(quoted(&s, &at).unwrap().needs_approval);

    // A price lowered by override and then discounted is measured against
    // the list price too.
    let lowered = cart(vec![LineInput {
        price_override: Some("11.25".into()),
        discount: percent("15"),
        ..line(&mug, "1")
    }]);
    let q = quoted(&s, &lowered).unwrap();
    assert!(q
        .approval_reasons
        .contains(&"line 1: discounts together over 20% of the list price".to_string()));

    // A higher limit lets the same discounts through.
    set_limits(&mut s, |i| i.discount_limit_percent = "25".into()).unwrap();
    assert!(!quoted(&s, &discounted("15", "10")).unwrap().needs_approval);
}
