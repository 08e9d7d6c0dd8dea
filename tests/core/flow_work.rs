//! The flow's steps done by the work itself: opening the till, the first
//! sale and closing the till sign their steps in the same transaction (the
//! two-person ones once, awaiting a second person).

use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::tasks::{self, Action, Awaiting, SignInput, StepStatus, STARTER_ID};
use popup_till_core::till::session::{self, CloseInput};
use popup_till_core::Actor;

use crate::till_support::{cart, cash, line, shop};

fn step_of(shop: &crate::till_support::Shop, action: Action) -> tasks::Step {
    let flow = tasks::flow_at(
        shop.t.store.conn(),
        &shop.event,
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    flow.steps
        .into_iter()
        .find(|s| s.action == Some(action))
        .expect("the starter flow has this step")
}

fn status_of(shop: &crate::till_support::Shop, action: Action) -> StepStatus {
    step_of(shop, action).status
}

#[test]
fn opening_the_till_selling_and_closing_it_complete_their_steps() {
    let mut shop = shop();
    let event = shop.event.clone();
    shop.t
        .store
        .write(&shop.cashier(), |tx| {
            tasks::create_flow(tx, &event, STARTER_ID)
        })
        .unwrap();
    assert_eq!(status_of(&shop, Action::OpenTill), StepStatus::Open);

    // A practice session is a rehearsal: it completes nothing.
    let practice = shop.open_session("50", true);
    assert_eq!(status_of(&shop, Action::OpenTill), StepStatus::Open);
    shop.t
        .store
        .write(&shop.cashier(), |tx| {
            session::close(
                tx,
                &CloseInput {
                    counted: "50".into(),
                    denominations: None,
                },
            )
        })
        .unwrap();
    let _ = practice;

    shop.open_session("100", false);
    // Opening the till takes two people: the cashier's work signs once.
    let open_till = step_of(&shop, Action::OpenTill);
    assert_eq!(open_till.status, StepStatus::Open);
    assert_eq!(open_till.awaiting, Some(Awaiting::SecondSignature));
    assert_eq!(
        open_till.records[0].signer_person_id.as_deref(),
        Some(shop.cashier.as_str())
    );
    assert_eq!(status_of(&shop, Action::Sell), StepStatus::Open);

    let mug = shop.mug.clone();
    shop.sell(&cart(vec![line(&mug, "1")]), &[cash("20")])
        .unwrap();
    assert_eq!(status_of(&shop, Action::Sell), StepStatus::Done);
    let journal_before = shop.t.journal_len();
    shop.sell(&cart(vec![line(&mug, "1")]), &[cash("20")])
        .unwrap();
    assert_eq!(
        shop.t.journal_len(),
        journal_before + 1,
        "later sales add no task entry"
    );

    assert_eq!(status_of(&shop, Action::CloseTill), StepStatus::Open);
    shop.t
        .store
        .write(&shop.cashier(), |tx| {
            session::close(
                tx,
                &CloseInput {
                    counted: "125".into(),
                    denominations: None,
                },
            )
        })
        .unwrap();
    let close_till = step_of(&shop, Action::CloseTill);
    assert_eq!(close_till.awaiting, Some(Awaiting::SecondSignature));

    // The organizer, at the till, signs second on both (the float first).
    let organizer = Actor::person(&shop.organizer);
    let float = tasks::flow(&shop.t.store, &event)
        .unwrap()
        .steps
        .into_iter()
        .find(|s| s.key == "float")
        .unwrap();
    for step in [&float, &open_till, &close_till] {
        let signed = tasks::sign_with_pin(
            &mut shop.t.store,
            &organizer,
            &step.id,
            &SignInput {
                signer_name: "Maya".into(),
                ..SignInput::default()
            },
            &ApprovalRequest::none(),
        )
        .unwrap();
        assert_eq!(signed.status, StepStatus::Done, "{}", step.key);
    }
}

#[test]
fn a_line_handed_over_later_becomes_an_order_with_its_contact_and_moves_no_stock_until_fulfilled() {
    use popup_till_core::orders::{self, OrderStatus};
    use popup_till_core::ErrorCode;

    let mut shop = shop();
    shop.open_session("100", false);
    let mug = shop.mug.clone();
    let mut c = pre_order_cart(&shop, "2");
    let contact = c.handover_contact.take();
    let rows = shop.ledger_rows();
    let on_hand = shop.t.store.conn().query_row(
        "SELECT sum(quantity_milli) FROM stock_movement WHERE product_id = ?1",
        [&mug],
        |r| r.get::<_, i64>(0),
    );

    // Without a contact the sale is refused, naming the field, and nothing is written.
    let err = shop.sell(&c, &[cash("30")]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(err.field(), Some("handover_contact"));
    assert_eq!(shop.ledger_rows(), rows);

    c.handover_contact = contact;
    let sale = shop.sell(&c, &[cash("30")]).unwrap();
    let open = orders::list(shop.t.store.conn(), Some(&shop.event), true).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].sale_id.as_deref(), Some(sale.sale_id.as_str()));
    assert_eq!(open[0].status, OrderStatus::Open);
    assert_eq!(open[0].quantity, rust_decimal::Decimal::from(2));
    assert_eq!(open[0].contact.as_ref().unwrap().name, "Ines Lagarde");
    let after = shop.t.store.conn().query_row(
        "SELECT sum(quantity_milli) FROM stock_movement WHERE product_id = ?1",
        [&mug],
        |r| r.get::<_, i64>(0),
    );
    assert_eq!(
        on_hand.unwrap(),
        after.unwrap(),
        "no stock moves until the order is handed over"
    );
    let leaked = shop.t.count(
        "SELECT count(*) FROM audit_log WHERE details LIKE '%Lagarde%' OR details LIKE '%0612345678%'",
    );
    assert_eq!(leaked, 0, "the contact stays out of the journal");
}

#[test]
fn selling_a_service_moves_no_stock() {
    use popup_till_core::catalog::{self, ProductInput};
    use popup_till_core::shop::settings;

    let mut shop = shop();
    let wrap = shop
        .t
        .store
        .write(&shop.cashier(), |tx| {
            let s = settings::load(tx)?;
            catalog::create(
                tx,
                &s,
                &ProductInput {
                    sku: "SRV-WRAP".into(),
                    name: "Gift wrapping".into(),
                    unit_price: "2.50".into(),
                    tax_rate: "20".into(),
                    kind: "service".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    shop.open_session("0", false);
    let sale = shop
        .sell(&cart(vec![line(&wrap.id, "2")]), &[cash("5")])
        .unwrap();
    assert_eq!(sale.total, "5.00");
    assert!(
        sale.warnings.is_empty(),
        "no stock warning for a service: {:?}",
        sale.warnings
    );
    assert_eq!(
        shop.t.count(&format!(
            "SELECT count(*) FROM stock_movement WHERE product_id = '{}'",
            wrap.id
        )),
        0
    );
}

#[test]
fn counting_stock_and_loading_out_complete_their_steps() {
    use popup_till_core::stock::flows::{
        self, CountInput, CountLine, Direction, QuantityLine, TransferInput,
    };
    use popup_till_core::stock::Location;

    let mut shop = shop();
    let event = shop.event.clone();
    let jam = shop.jam.clone();
    shop.t
        .store
        .write(&shop.cashier(), |tx| {
            tasks::create_flow(tx, &event, STARTER_ID)
        })
        .unwrap();
    assert_eq!(status_of(&shop, Action::StockCount), StepStatus::Open);
    assert_eq!(status_of(&shop, Action::LoadOut), StepStatus::Open);

    shop.t
        .store
        .write(&shop.cashier(), |tx| {
            flows::count(
                tx,
                Some(&popup_till_core::shop::people::Approval::file_holder()),
                &CountInput {
                    location: Some(Location::Storage),
                    event_id: Some(event.clone()),
                    lines: vec![CountLine {
                        product_id: jam.clone(),
                        counted: "4".into(),
                    }],
                    note: String::new(),
                },
            )
        })
        .unwrap();
    assert_eq!(status_of(&shop, Action::StockCount), StepStatus::Done);

    shop.t
        .store
        .write(&shop.cashier(), |tx| {
            flows::transfer(
                tx,
                &TransferInput {
                    direction: Direction::LoadOut,
                    lines: vec![QuantityLine {
                        product_id: jam.clone(),
                        quantity: "2".into(),
                    }],
                    event_id: Some(event.clone()),
                    lot_code: String::new(),
                    note: String::new(),
                },
            )
        })
        .unwrap();
    assert_eq!(status_of(&shop, Action::LoadOut), StepStatus::Done);
}

/// A cart of `quantity` mugs paid now and handed over later, to Ines.
fn pre_order_cart(
    shop: &crate::till_support::Shop,
    quantity: &str,
) -> popup_till_core::till::cart::CartInput {
    let mut later = line(&shop.mug, quantity);
    later.handover_later = true;
    let mut c = cart(vec![later]);
    c.handover_contact = Some(popup_till_core::orders::ContactInput {
        name: "Ines Lagarde".into(),
        phone: "0612345678".into(),
        email: String::new(),
    });
    c
}

#[test]
fn a_voided_sale_leaves_no_pre_order_to_hand_over() {
    use popup_till_core::orders;
    use popup_till_core::till::void;
    use popup_till_core::ErrorCode;

    let mut shop = shop();
    shop.open_session("100", false);
    let c = pre_order_cart(&shop, "1");
    let sale = shop.sell(&c, &[cash("20")]).unwrap();
    let order = orders::list(shop.t.store.conn(), Some(&shop.event), true).unwrap()[0].clone();

    let (actor, organizer) = (shop.cashier(), shop.organizer.clone());
    void::void_with_pin(
        &mut shop.t.store,
        &actor,
        &sale.sale_id,
        "customer changed their mind",
        &ApprovalRequest::new(&organizer, crate::till_support::PIN),
    )
    .unwrap();
    assert!(orders::list(shop.t.store.conn(), Some(&shop.event), true)
        .unwrap()
        .is_empty());
    let err = shop
        .t
        .store
        .write(&actor, |tx| orders::fulfil(tx, &order.id, None))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("voided"), "{err}");
}

#[test]
fn a_parked_cart_does_not_keep_the_pre_order_contact() {
    use popup_till_core::till::parked;

    let mut shop = shop();
    shop.open_session("100", false);
    let mug = shop.mug.clone();
    let c = pre_order_cart(&shop, "1");
    shop.t
        .store
        .write(&shop.cashier(), |tx| parked::park(tx, &c, "table 2"))
        .unwrap();
    let stored: String = shop
        .t
        .store
        .conn()
        .query_row("SELECT cart FROM parked_cart", [], |r| r.get(0))
        .unwrap();
    assert!(
        !stored.contains("Lagarde") && !stored.contains("0612345678"),
        "{stored}"
    );
    assert!(stored.contains(&mug), "the lines are kept");
}
