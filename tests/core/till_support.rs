//! A shop ready to sell: an organizer and a cashier, a few products at two
//! tax rates (one sold by weight), an open event with stock at the stall,
//! and helpers to build carts and pay them.

use popup_till_core::catalog::{self, ProductInput};
use popup_till_core::shop::events::{self, EventInput};
use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
use popup_till_core::shop::settings::{self, SettingsInput};
use popup_till_core::shop::status::{self, ShopSetup};
use popup_till_core::stock::{self, Location, Movement, MovementKind};
use popup_till_core::till::cart::{CartInput, DiscountInput, LineInput};
use popup_till_core::till::sale::{self, Completed, PaymentInput};
use popup_till_core::till::session::{self, OpenInput};
use popup_till_core::{Actor, Result};
use rust_decimal::Decimal;

use crate::support::{till, TestTill};

pub const PIN: &str = "246810";
/// The test cashier's own PIN.
pub const CASHIER_PIN: &str = "4321";

pub struct Shop {
    pub t: TestTill,
    pub organizer: String,
    pub cashier: String,
    pub event: String,
    /// 12.50 at 20 %, barcode 4006381333931, 10 in stock at the stall
    pub mug: String,
    /// 3.30 at 5.5 %, 10 in stock
    pub jam: String,
    /// 24.90 per kg at 5.5 %, 5 kg in stock
    pub coffee: String,
}

impl Shop {
    pub fn cashier(&self) -> Actor {
        Actor::person(&self.cashier)
    }

    pub fn open_session(&mut self, float: &str, practice: bool) -> session::Session {
        let actor = self.cashier();
        self.t
            .store
            .write(&actor, |tx| {
                session::open(
                    tx,
                    &OpenInput {
                        float: float.into(),
                        denominations: None,
                        practice,
                    },
                )
            })
            .expect("open the till")
    }

    pub fn sell(&mut self, cart: &CartInput, payments: &[PaymentInput]) -> Result<Completed> {
        let actor = self.cashier();
        sale::complete_with_pin(
            &mut self.t.store,
            &actor,
            cart,
            payments,
            &ApprovalRequest::none(),
        )
    }

    pub fn sell_approved(
        &mut self,
        cart: &CartInput,
        payments: &[PaymentInput],
        pin: &str,
    ) -> Result<Completed> {
        let actor = self.cashier();
        let organizer = self.organizer.clone();
        sale::complete_with_pin(
            &mut self.t.store,
            &actor,
            cart,
            payments,
            &ApprovalRequest::new(&organizer, pin),
        )
    }

    pub fn ledger_rows(&self) -> i64 {
        self.t.count(
            "SELECT (SELECT count(*) FROM sale) + (SELECT count(*) FROM sale_line) + (SELECT count(*) FROM payment)
              + (SELECT count(*) FROM stock_movement) + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM sale_void)",
        )
    }

    pub fn on_hand(&self, product: &str) -> Decimal {
        stock::on_hand_at(self.t.store.conn(), product, Location::Event).unwrap()
    }
}

pub fn line(product: &str, quantity: &str) -> LineInput {
    LineInput {
        product_id: product.into(),
        quantity: quantity.into(),
        ..Default::default()
    }
}

pub fn cart(lines: Vec<LineInput>) -> CartInput {
    CartInput {
        lines,
        sale_discount: None,
        handover_contact: None,
        cart_id: None,
        card: None,
        deposits_back: Vec::new(),
    }
}

pub fn percent(value: &str) -> Option<DiscountInput> {
    Some(DiscountInput {
        kind: "percent".into(),
        value: value.into(),
    })
}

pub fn amount(value: &str) -> Option<DiscountInput> {
    Some(DiscountInput {
        kind: "amount".into(),
        value: value.into(),
    })
}

pub fn cash(tendered: &str) -> PaymentInput {
    PaymentInput {
        method: "cash".into(),
        tendered: tendered.into(),
        ..Default::default()
    }
}

pub fn card(amount: &str) -> PaymentInput {
    PaymentInput {
        method: "card".into(),
        amount: amount.into(),
        card_last_four: "4242".into(),
        auth_code: "A1B2C3".into(),
        ..Default::default()
    }
}

/// A shop with the given tax mode and cash rounding step.
pub fn shop_with(tax_mode: &str, cash_rounding: &str) -> Shop {
    let mut t = till();
    let (_, organizer) = status::set_up_shop(
        &mut t.store,
        &ShopSetup {
            shop_name: "Test stall".into(),
            currency: "EUR".into(),
            organizer_name: "Olga".into(),
            pin: PIN.into(),
        },
    )
    .unwrap();
    let cashier = people::add_with_pin(
        &mut t.store,
        &Actor::person(&organizer.id),
        &ApprovalRequest::new(&organizer.id, PIN),
        &PersonInput {
            name: "Carl".into(),
            role: "cashier".into(),
            pin: Some(CASHIER_PIN.into()),
        },
    )
    .unwrap();
    let setup = Actor::system("test");
    let approval =
        people::approve(&mut t.store, &ApprovalRequest::new(&organizer.id, PIN)).unwrap();
    let (event, mug, jam, coffee) = t
        .store
        .write(&setup, |tx| {
            let mut s = SettingsInput::from_settings(&settings::load(tx)?);
            s.tax_mode = tax_mode.into();
            s.cash_rounding = cash_rounding.into();
            s.tax_rates = "0; 5.5; 20".into();
            let saved = settings::save(tx, &approval, &s)?;
            let product =
                |sku: &str, barcode: &str, name: &str, price: &str, rate: &str, unit: &str| {
                    catalog::create(
                        tx,
                        &saved,
                        &ProductInput {
                            sku: sku.into(),
                            barcode: barcode.into(),
                            name: name.into(),
                            unit_price: price.into(),
                            tax_rate: rate.into(),
                            unit: unit.into(),
                            kind: if unit == "each" { "item" } else { "refill" }.into(),
                            category: "Test".into(),
                            low_stock_threshold: String::new(),
                        },
                    )
                };
            let mug = product(
                "MUG",
                "4006381333931",
                "Stoneware mug",
                "12.50",
                "20",
                "each",
            )?;
            let jam = product("JAM", "", "Plum jam", "3.30", "5.5", "each")?;
            let coffee = product("COF", "", "Coffee beans", "24.90", "5.5", "kg")?;
            let event = events::create(
                tx,
                &EventInput {
                    name: "Market".into(),
                    venue: "Square".into(),
                    starts_at: "2026-12-05T10:00".into(),
                    ends_at: "2026-12-05T17:00".into(),
                    notes: String::new(),
                },
            )?;
            events::open(tx, &event.id)?;
            for (p, q) in [(&mug.id, 10), (&jam.id, 10), (&coffee.id, 5)] {
                stock::record(
                    tx,
                    &Movement {
                        product_id: p,
                        event_id: Some(&event.id),
                        location: Location::Event,
                        kind: MovementKind::Receive,
                        quantity: Decimal::from(q),
                        reason: "",
                        note: "",
                        lot_code: None,
                        source_type: "manual",
                        source_id: None,
                    },
                )?;
            }
            tx.journal("test.stocked", "event", &event.id, serde_json::json!({}))?;
            Ok((event.id, mug.id, jam.id, coffee.id))
        })
        .unwrap();
    Shop {
        t,
        organizer: organizer.id,
        cashier: cashier.id,
        event,
        mug,
        jam,
        coffee,
    }
}

pub fn shop() -> Shop {
    shop_with("inclusive", "none")
}
