//! Shop settings: validated as a whole, journaled with before and after.

use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::shop::settings::{self, SettingsInput, TaxMode};
use popup_till_core::{Actor, ErrorCode};
use rust_decimal::Decimal;

use crate::support::till;

fn input() -> SettingsInput {
    SettingsInput {
        shop_name: "Loop & Jar".into(),
        currency: "gbp".into(),
        tax_mode: "exclusive".into(),
        tax_rates: "20; 0; 5,5".into(),
        cash_rounding: "0.05".into(),
        till_code: "t2".into(),
        ..SettingsInput::default()
    }
}

#[test]
fn settings_are_saved_normalised_and_journaled() {
    let mut t = till();
    let s = settings::save_with_pin(
        &mut t.store,
        &Actor::system("test"),
        &ApprovalRequest::none(),
        &input(),
    )
    .unwrap();
    assert_eq!(s.currency.code, "GBP");
    assert_eq!(s.tax_mode, TaxMode::Exclusive);
    assert_eq!(
        s.tax_rates,
        vec![Decimal::ZERO, Decimal::new(55, 1), Decimal::from(20)]
    );
    assert_eq!(s.till_code, "T2");
    let loaded = settings::load(t.store.conn()).unwrap();
    assert_eq!(loaded, s);
    let details: String = t
        .store
        .conn()
        .query_row(
            "SELECT details FROM audit_log WHERE action = 'settings.changed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        details.contains("\"before\"") && details.contains("\"currency\":\"GBP\""),
        "{details}"
    );
}

#[test]
fn an_unknown_currency_is_refused_and_nothing_is_written() {
    let mut t = till();
    let journal = t.journal_len();
    let err = settings::save_with_pin(
        &mut t.store,
        &Actor::system("test"),
        &ApprovalRequest::none(),
        &SettingsInput {
            currency: "XYZ".into(),
            ..input()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert_eq!(err.field(), Some("currency"));
    assert!(err.to_string().contains("'XYZ'"));
    assert_eq!(t.journal_len(), journal);
    assert_eq!(settings::load(t.store.conn()).unwrap().currency.code, "EUR");
}

#[test]
fn bad_tax_rates_rounding_and_till_codes_name_their_field() {
    let mut t = till();
    for (bad, field) in [
        (
            SettingsInput {
                tax_rates: "20; 120".into(),
                ..input()
            },
            "tax_rates",
        ),
        (
            SettingsInput {
                tax_rates: "".into(),
                ..input()
            },
            "tax_rates",
        ),
        (
            SettingsInput {
                cash_rounding: "0.02".into(),
                ..input()
            },
            "cash_rounding",
        ),
        (
            SettingsInput {
                till_code: "till one".into(),
                ..input()
            },
            "till_code",
        ),
        (
            SettingsInput {
                tax_mode: "sometimes".into(),
                ..input()
            },
            "tax_mode",
        ),
        (
            SettingsInput {
                shop_name: " ".into(),
                ..input()
            },
            "shop_name",
        ),
    ] {
        let err = settings::save_with_pin(
            &mut t.store,
            &Actor::system("test"),
            &ApprovalRequest::none(),
            &bad,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
}
