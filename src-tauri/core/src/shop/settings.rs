//! Shop settings: shop name, currency, tax mode, tax rates, cash rounding and
//! this till's code. Read with defaults; every change is validated as a whole
//! and journaled with before and after.

use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::db::store::{Actor, Store, Tx};
use crate::money::{parse_decimal, CashStep, Currency};
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::text::clean;
use crate::{Error, Result};

/// Whether catalog prices already include tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaxMode {
    Inclusive,
    Exclusive,
}

impl TaxMode {
    pub fn as_str(self) -> &'static str {
        match self {
            TaxMode::Inclusive => "inclusive",
            TaxMode::Exclusive => "exclusive",
        }
    }
    pub fn parse(text: &str) -> Result<TaxMode> {
        match text.trim() {
            "inclusive" => Ok(TaxMode::Inclusive),
            "exclusive" => Ok(TaxMode::Exclusive),
            other => Err(Error::validation(
                "tax_mode",
                format!("'{other}' is not a tax mode (inclusive or exclusive)"),
            )),
        }
    }
}

/// The settings as the till uses them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    pub shop_name: String,
    pub currency: Currency,
    pub tax_mode: TaxMode,
    /// Tax rates in percent that products may use, e.g. `["0", "5.5", "20"]`.
    pub tax_rates: Vec<Decimal>,
    pub cash_rounding: CashStep,
    pub till_code: String,
}

/// The settings as a person submits them (text, validated here).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SettingsInput {
    pub shop_name: String,
    pub currency: String,
    pub tax_mode: String,
    /// Semicolon-separated percentages, e.g. `0; 5.5; 20` (`5,5` is read as 5.5).
    pub tax_rates: String,
    pub cash_rounding: String,
    pub till_code: String,
}

fn get_value(conn: &Connection, key: &str) -> Result<Option<String>> {
    // Cached: the till reads settings in every sale.
    Ok(conn
        .prepare_cached("SELECT value FROM setting WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// Current settings, with defaults for anything never set.
pub fn load(conn: &Connection) -> Result<Settings> {
    let shop_name = get_value(conn, "shop_name")?.unwrap_or_else(|| "My pop-up shop".into());
    let currency =
        Currency::from_code(&get_value(conn, "currency")?.unwrap_or_else(|| "EUR".into()))?;
    let tax_mode =
        TaxMode::parse(&get_value(conn, "tax_mode")?.unwrap_or_else(|| "inclusive".into()))?;
    let tax_rates =
        parse_tax_rates(&get_value(conn, "tax_rates")?.unwrap_or_else(|| "0;20".into()))?;
    let cash_rounding =
        CashStep::parse(&get_value(conn, "cash_rounding")?.unwrap_or_else(|| "none".into()))?;
    let till_code: String = conn
        .prepare_cached("SELECT till_code FROM device WHERE is_local = 1")?
        .query_row([], |r| r.get(0))?;
    Ok(Settings {
        shop_name,
        currency,
        tax_mode,
        tax_rates,
        cash_rounding,
        till_code,
    })
}

/// Parse a list of tax rates in percent (0 to 100, up to 3 decimals).
pub fn parse_tax_rates(text: &str) -> Result<Vec<Decimal>> {
    let mut rates = Vec::new();
    for part in text.split(';').map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let rate = parse_decimal("tax_rates", part.trim_end_matches('%'))?.normalize();
        if rate < Decimal::ZERO || rate > Decimal::from(100) || rate.scale() > 3 {
            return Err(Error::validation(
                "tax_rates",
                format!("'{part}' is not a tax rate between 0 and 100 percent"),
            ));
        }
        if !rates.contains(&rate) {
            rates.push(rate);
        }
    }
    if rates.is_empty() {
        return Err(Error::validation(
            "tax_rates",
            "list at least one tax rate, e.g. 0; 20",
        ));
    }
    rates.sort();
    Ok(rates)
}

fn validate(input: &SettingsInput) -> Result<Settings> {
    let shop_name = clean("shop_name", &input.shop_name, true, 80)?;
    let currency = Currency::from_code(&input.currency)?;
    let tax_mode = TaxMode::parse(&input.tax_mode)?;
    let tax_rates = parse_tax_rates(&input.tax_rates)?;
    let cash_rounding = CashStep::parse(&input.cash_rounding)?;
    let till_code = input.till_code.trim().to_ascii_uppercase();
    if till_code.is_empty()
        || till_code.len() > 8
        || !till_code.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(Error::validation(
            "till_code",
            format!(
                "'{}' is not a till code: use 1 to 8 letters or digits, e.g. T1",
                input.till_code.trim()
            ),
        ));
    }
    Ok(Settings {
        shop_name,
        currency,
        tax_mode,
        tax_rates,
        cash_rounding,
        till_code,
    })
}

fn as_json(s: &Settings) -> serde_json::Value {
    serde_json::json!({
        "shop_name": s.shop_name,
        "currency": s.currency.code,
        "tax_mode": s.tax_mode.as_str(),
        "tax_rates": s.tax_rates.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "cash_rounding": s.cash_rounding.as_str(),
        "till_code": s.till_code,
    })
}

/// Validate and save the settings as a whole, approved by an organizer;
/// journal what changed and who approved it.
pub fn save(tx: &Tx, approval: &Approval, input: &SettingsInput) -> Result<Settings> {
    let before = load(tx)?;
    let after = validate(input)?;
    let values = [
        ("shop_name", after.shop_name.clone()),
        ("currency", after.currency.code.clone()),
        ("tax_mode", after.tax_mode.as_str().to_string()),
        (
            "tax_rates",
            after
                .tax_rates
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(";"),
        ),
        ("cash_rounding", after.cash_rounding.as_str().to_string()),
    ];
    for (key, value) in values {
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )?;
    }
    tx.execute(
        "UPDATE device SET till_code = ?1 WHERE id = ?2",
        (&after.till_code, tx.device_id),
    )?;
    tx.journal(
        "settings.changed",
        "settings",
        tx.device_id,
        serde_json::json!({
            "before": as_json(&before),
            "after": as_json(&after),
            "approved_by": approval.organizer_id(),
        }),
    )?;
    Ok(after)
}

impl SettingsInput {
    /// The input that would save `s` unchanged (handy for editing one field).
    pub fn from_settings(s: &Settings) -> SettingsInput {
        SettingsInput {
            shop_name: s.shop_name.clone(),
            currency: s.currency.code.clone(),
            tax_mode: s.tax_mode.as_str().to_string(),
            tax_rates: s
                .tax_rates
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join("; "),
            cash_rounding: s.cash_rounding.as_str().to_string(),
            till_code: s.till_code.clone(),
        }
    }
}

/// Save settings, approved by an organizer's PIN (or, in the very first
/// setup, with no organizer yet, without one).
pub fn save_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    input: &SettingsInput,
) -> Result<Settings> {
    // Check the input before asking for the PIN, so a typo costs no PIN try.
    validate(input)?;
    let approval = people::approve_setup(store, request)?;
    store.write(actor, |tx| save(tx, &approval, input))
}
