//! Shop settings: shop name, currency, tax mode, tax rates, cash rounding,
//! this till's code, the locale dates and times are shown in, and the
//! till's limits (the discount limit, the largest opening float and cash
//! movement without an organizer, the largest quantity and unit price).
//! Read with defaults; every change is validated as a whole, checked
//! against what the till already holds (no tax rate a product uses is
//! removed, no currency changed once anything was sold) and journaled with
//! before and after.

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
    /// How dates and times are shown (`en-GB`, `en-US`, `de-DE`, `fr-FR`).
    pub locale: String,
    pub limits: Limits,
}

/// The locales dates and times can be shown in; the first is the default.
pub const LOCALES: [(&str, &str); 4] = [
    ("en-GB", "English (UK): 5 Dec 2026, 14:30"),
    ("en-US", "English (US): Dec 5, 2026, 2:30 PM"),
    ("de-DE", "Deutsch: 05.12.2026, 14:30"),
    ("fr-FR", "Français : 5 déc. 2026, 14:30"),
];

/// A locale as chosen: one of `LOCALES` (empty means the default).
pub fn parse_locale(text: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(LOCALES[0].0.to_string());
    }
    LOCALES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(t))
        .map(|(code, _)| code.to_string())
        .ok_or_else(|| {
            Error::validation(
                "locale",
                format!(
                    "'{t}' is not a locale the till knows ({})",
                    LOCALES.map(|(c, _)| c).join(", ")
                ),
            )
        })
}

/// The till's limits. Above the discount limit, the float limit or the
/// cash movement limit an organizer approves; above the quantity or unit
/// price limit the till refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Line and sale discounts together, in percent of the list price.
    pub discount_limit_percent: Decimal,
    /// The opening float, in the shop currency.
    pub float_max: Decimal,
    /// One paid in, paid out or drop, in the shop currency.
    pub cash_move_max: Decimal,
    /// One line's quantity (pieces, kg or l).
    pub quantity_max: Decimal,
    /// A unit price, in the catalog or as a price override.
    pub unit_price_max: Decimal,
    /// One refund's total, in the shop currency (above it an organizer
    /// approves).
    pub refund_max: Decimal,
    /// Minutes without use after which the till locks itself.
    pub idle_lock_minutes: Decimal,
}

/// The limits of a till that never set them.
pub const DEFAULT_LIMITS: Limits = Limits {
    discount_limit_percent: Decimal::from_parts(20, 0, 0, false, 0),
    float_max: Decimal::from_parts(2_000, 0, 0, false, 0),
    cash_move_max: Decimal::from_parts(200, 0, 0, false, 0),
    quantity_max: Decimal::from_parts(999, 0, 0, false, 0),
    unit_price_max: Decimal::from_parts(10_000, 0, 0, false, 0),
    refund_max: Decimal::from_parts(100, 0, 0, false, 0),
    idle_lock_minutes: Decimal::from_parts(10, 0, 0, false, 0),
};

/// The highest a limit may be set: far above any pop-up, far below where
/// the till's arithmetic could overflow.
pub const LIMIT_CEILING_QUANTITY: i64 = 100_000;
pub const LIMIT_CEILING_AMOUNT: i64 = 10_000_000;
/// The longest a till may stay unlocked without use: a working day.
pub const IDLE_LOCK_CEILING_MINUTES: i64 = 720;

/// Each limit: its setting key, its words, its default, its ceiling.
const LIMIT_KEYS: [(&str, &str); 7] = [
    ("discount_limit_percent", "the discount limit"),
    ("float_max", "the largest opening float"),
    ("cash_move_max", "the largest paid in, paid out or drop"),
    ("quantity_max", "the largest quantity of a line"),
    ("unit_price_max", "the largest unit price"),
    ("refund_max", "the largest refund without an organizer"),
    (
        "idle_lock_minutes",
        "the minutes before the till locks itself",
    ),
];

impl Limits {
    fn get(&self, key: &str) -> Decimal {
        match key {
            "discount_limit_percent" => self.discount_limit_percent,
            "float_max" => self.float_max,
            "cash_move_max" => self.cash_move_max,
            "quantity_max" => self.quantity_max,
            "idle_lock_minutes" => self.idle_lock_minutes,
            "refund_max" => self.refund_max,
            _ => self.unit_price_max,
        }
    }
    fn set(&mut self, key: &str, value: Decimal) {
        match key {
            "discount_limit_percent" => self.discount_limit_percent = value,
            "float_max" => self.float_max = value,
            "cash_move_max" => self.cash_move_max = value,
            "quantity_max" => self.quantity_max = value,
            "idle_lock_minutes" => self.idle_lock_minutes = value,
            "refund_max" => self.refund_max = value,
            _ => self.unit_price_max = value,
        }
    }
    fn ceiling(key: &str) -> Decimal {
        match key {
            "discount_limit_percent" => Decimal::from(100),
            "quantity_max" => Decimal::from(LIMIT_CEILING_QUANTITY),
            "idle_lock_minutes" => Decimal::from(IDLE_LOCK_CEILING_MINUTES),
            _ => Decimal::from(LIMIT_CEILING_AMOUNT),
        }
    }
}

/// A limit as typed: a number more than 0 (up to 100 for a percentage),
/// at most its ceiling, with no more than 3 decimals.
fn parse_limit(key: &str, words: &str, text: &str) -> Result<Decimal> {
    let value = parse_decimal(key, text.trim().trim_end_matches('%'))?.normalize();
    let ceiling = Limits::ceiling(key);
    if value <= Decimal::ZERO || value > ceiling || value.scale() > 3 {
        return Err(Error::validation(
            key,
            format!(
                "'{}' is not {words}: enter a number more than 0, at most {ceiling}",
                text.trim()
            ),
        ));
    }
    Ok(value)
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
    /// `en-GB`, `en-US`, `de-DE` or `fr-FR`; empty means the default.
    #[serde(default)]
    pub locale: String,
    /// The limits as typed; empty means the default.
    #[serde(default)]
    pub discount_limit_percent: String,
    #[serde(default)]
    pub float_max: String,
    #[serde(default)]
    pub cash_move_max: String,
    #[serde(default)]
    pub quantity_max: String,
    #[serde(default)]
    pub unit_price_max: String,
    #[serde(default)]
    pub refund_max: String,
    #[serde(default)]
    pub idle_lock_minutes: String,
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
    let locale = match get_value(conn, "locale")? {
        Some(text) => parse_locale(&text).map_err(|_| {
            Error::Integrity(format!("the setting locale holds '{text}', not a locale"))
        })?,
        None => LOCALES[0].0.to_string(),
    };
    let mut limits = DEFAULT_LIMITS;
    for (key, _) in LIMIT_KEYS {
        if let Some(text) = get_value(conn, key)? {
            // A limit the till cannot read must not silently change who
            // needs a PIN or what the till refuses.
            let value = parse_limit(key, key, &text).map_err(|_| {
                Error::Integrity(format!("the setting {key} holds '{text}', not a number"))
            })?;
            limits.set(key, value);
        }
    }
    Ok(Settings {
        shop_name,
        currency,
        tax_mode,
        tax_rates,
        cash_rounding,
        till_code,
        locale,
        limits,
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
    let locale = parse_locale(&input.locale)?;
    let mut limits = DEFAULT_LIMITS;
    for (key, words) in LIMIT_KEYS {
        let text = match key {
            "discount_limit_percent" => &input.discount_limit_percent,
            "float_max" => &input.float_max,
            "cash_move_max" => &input.cash_move_max,
            "quantity_max" => &input.quantity_max,
            "idle_lock_minutes" => &input.idle_lock_minutes,
            "refund_max" => &input.refund_max,
            _ => &input.unit_price_max,
        };
        if !text.trim().is_empty() {
            limits.set(key, parse_limit(key, words, text)?);
        }
    }
    Ok(Settings {
        shop_name,
        currency,
        tax_mode,
        tax_rates,
        cash_rounding,
        till_code,
        locale,
        limits,
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
        "locale": s.locale,
        "limits": LIMIT_KEYS.iter().map(|(k, _)| (k.to_string(), serde_json::json!(s.limits.get(k).to_string()))).collect::<serde_json::Map<_, _>>(),
    })
}

/// Refuse settings that would change what the till already holds behind
/// its back: a tax rate products still use cannot be removed (they would
/// be re-taxed unseen on their next edit), and the currency cannot change
/// once anything was sold (the amounts on record are in the old one).
fn check_against_the_till(conn: &Connection, before: &Settings, after: &Settings) -> Result<()> {
    if before.currency.code != after.currency.code {
        let sold: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM sale)", [], |r| r.get(0))?;
        if sold {
            return Err(Error::validation(
                "currency",
                format!(
                    "stays {}: the till has sold in it, and its sales, floats and reports are in {}",
                    before.currency.code, before.currency.code
                ),
            ));
        }
    }
    let mut stmt = conn.prepare(
        "SELECT tax_rate, count(*), group_concat(name, ', ') FROM
           (SELECT tax_rate, name FROM product ORDER BY search_name)
         GROUP BY tax_rate",
    )?;
    let used: Vec<(String, i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (rate, products, names) in used {
        let Ok(rate) = rate.parse::<Decimal>() else {
            continue;
        };
        let rate = rate.normalize();
        if after.tax_rates.contains(&rate) {
            continue;
        }
        let mut shown: Vec<&str> = names.split(", ").take(3).collect();
        if products > 3 {
            shown.push("…");
        }
        return Err(Error::validation(
            "tax_rates",
            format!(
                "{rate}% is still the rate of {products} product{} ({}): give {} another rate on the Stock screen first, or keep {rate}%",
                if products == 1 { "" } else { "s" },
                shown.join(", "),
                if products == 1 { "it" } else { "them" },
            ),
        ));
    }
    Ok(())
}

/// Validate and save the settings as a whole, approved by an organizer;
/// journal what changed and who approved it.
pub fn save(tx: &Tx, approval: &Approval, input: &SettingsInput) -> Result<Settings> {
    let before = load(tx)?;
    let after = validate(input)?;
    check_against_the_till(tx, &before, &after)?;
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
        ("locale", after.locale.clone()),
    ];
    let limits = LIMIT_KEYS.map(|(key, _)| (key, after.limits.get(key).to_string()));
    for (key, value) in values.into_iter().chain(limits) {
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )?;
    }
    // Another till of the shop (merged in, or made for another laptop)
    // prints its receipts under its own code: two tills never share one.
    let taken: i64 = tx.query_row(
        "SELECT count(*) FROM device WHERE till_code = ?1 AND id <> ?2",
        (&after.till_code, tx.device_id),
        |r| r.get(0),
    )?;
    if taken > 0 {
        return Err(Error::validation(
            "till_code",
            format!(
                "{} is another till of this shop: choose a code no other till uses",
                after.till_code
            ),
        ));
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
            locale: s.locale.clone(),
            discount_limit_percent: s.limits.discount_limit_percent.to_string(),
            float_max: s.limits.float_max.to_string(),
            cash_move_max: s.limits.cash_move_max.to_string(),
            quantity_max: s.limits.quantity_max.to_string(),
            unit_price_max: s.limits.unit_price_max.to_string(),
            refund_max: s.limits.refund_max.to_string(),
            idle_lock_minutes: s.limits.idle_lock_minutes.to_string(),
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
    // Check the input (and what it would change) before asking for the
    // PIN, so a typo or a refused change costs no PIN try.
    let wanted = validate(input)?;
    check_against_the_till(store.conn(), &load(store.conn())?, &wanted)?;
    let approval = people::approve_setup(store, request)?;
    store.write(actor, |tx| save(tx, &approval, input))
}
