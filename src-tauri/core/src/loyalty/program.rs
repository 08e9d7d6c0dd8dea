//! The loyalty programme the organizer sets: how stamps are earned (per
//! visit, once a day per card; per amount spent; per line of a product
//! category or refilled into the customer's own container) and the rewards
//! stamps buy (a free item, or an amount off a line). Kept as one setting,
//! changed as a whole with an organizer's approval and journaled with
//! before and after.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::db::store::Tx;
use crate::money::parse_decimal;
use crate::shop::people::Approval;
use crate::{Error, Result};

/// What earns category stamps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "on")]
pub enum CategoryRule {
    /// Each line of a product of this catalog category.
    Category { category: String, stamps: i64 },
    /// Each refill into the customer's own container (rewarding reuse).
    OwnContainer { stamps: i64 },
}

/// What a reward gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RewardKind {
    /// One piece of `product_id`, free.
    FreeItem,
    /// `amount` off the line it is put on.
    Discount,
}

/// A reward stamps buy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reward {
    /// Short and stable: the ledger names a redemption by it.
    pub id: String,
    pub name: String,
    /// Stamps it costs.
    pub cost: i64,
    pub kind: RewardKind,
    #[serde(default)]
    pub product_id: Option<String>,
    /// The amount off, in the shop currency (a discount).
    #[serde(default)]
    pub amount: Option<String>,
}

/// The programme.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    /// Stamps for a visit (the first sale of a day with the card); 0: none.
    #[serde(default)]
    pub visit_stamps: i64,
    /// Stamps for each full `spend_step` spent; empty step: none.
    #[serde(default)]
    pub spend_step: String,
    #[serde(default)]
    pub spend_stamps: i64,
    #[serde(default)]
    pub categories: Vec<CategoryRule>,
    #[serde(default)]
    pub rewards: Vec<Reward>,
}

impl Program {
    pub fn reward(&self, id: &str) -> Option<&Reward> {
        self.rewards.iter().find(|r| r.id == id.trim())
    }

    /// The spend step as money, if stamps are given for spending.
    pub fn step(&self) -> Option<Decimal> {
        parse_decimal("spend_step", &self.spend_step)
            .ok()
            .filter(|s| *s > Decimal::ZERO && self.spend_stamps > 0)
    }
}

fn stamps_ok(field: &str, n: i64) -> Result<()> {
    if !(0..=1000).contains(&n) {
        return Err(Error::validation(
            field,
            format!("{n} stamps is not a number the programme gives (0 to 1000)"),
        ));
    }
    Ok(())
}

/// The programme checked: stamps 0 to 1000, a spend step that is money,
/// rewards with distinct short ids, a cost of at least one stamp, and a
/// free item that names a product of the catalog or a discount an amount.
pub fn check(tx: &Tx, program: &Program) -> Result<Program> {
    let mut p = program.clone();
    stamps_ok("visit_stamps", p.visit_stamps)?;
    stamps_ok("spend_stamps", p.spend_stamps)?;
    p.spend_step = p.spend_step.trim().to_string();
    if !p.spend_step.is_empty() {
        let step = parse_decimal("spend_step", &p.spend_step)?;
        if step <= Decimal::ZERO {
            return Err(Error::validation(
                "spend_step",
                "the amount per stamp must be more than 0",
            ));
        }
    }
    for (i, rule) in p.categories.iter_mut().enumerate() {
        let field = format!("categories[{i}]");
        match rule {
            CategoryRule::Category { category, stamps } => {
                *category = category.trim().to_string();
                if category.is_empty() {
                    return Err(Error::validation(&field, "name the category"));
                }
                stamps_ok(&field, *stamps)?;
            }
            CategoryRule::OwnContainer { stamps } => stamps_ok(&field, *stamps)?,
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, r) in p.rewards.iter_mut().enumerate() {
        let field = format!("rewards[{i}]");
        r.id = r.id.trim().to_string();
        r.name = r.name.trim().to_string();
        if r.id.is_empty()
            || r.id.len() > 40
            || !r.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::validation(
                &field,
                "a reward's id is 1 to 40 letters, digits or hyphens",
            ));
        }
        if !seen.insert(r.id.clone()) {
            return Err(Error::validation(
                &field,
                format!("two rewards have the id {}", r.id),
            ));
        }
        if r.name.is_empty() || r.name.chars().count() > 80 {
            return Err(Error::validation(
                &field,
                "name the reward (at most 80 characters)",
            ));
        }
        if !(1..=1000).contains(&r.cost) {
            return Err(Error::validation(&field, "a reward costs 1 to 1000 stamps"));
        }
        match r.kind {
            RewardKind::FreeItem => {
                let id = r.product_id.as_deref().unwrap_or("").trim().to_string();
                let found: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM product WHERE id = ?1)",
                    [&id],
                    |row| row.get(0),
                )?;
                if !found {
                    return Err(Error::validation(
                        &field,
                        "a free item names a product of the catalog",
                    ));
                }
                r.product_id = Some(id);
                r.amount = None;
            }
            RewardKind::Discount => {
                let a = parse_decimal(&field, r.amount.as_deref().unwrap_or(""))?;
                if a <= Decimal::ZERO {
                    return Err(Error::validation(
                        &field,
                        "the amount off must be more than 0",
                    ));
                }
                r.amount = Some(a.normalize().to_string());
                r.product_id = None;
            }
        }
    }
    Ok(p)
}

/// The programme as set (nothing earned, no rewards, when never set).
pub fn load(conn: &rusqlite::Connection) -> Result<Program> {
    use rusqlite::OptionalExtension;
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM setting WHERE key = 'loyalty_program'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    match text {
        None => Ok(Program::default()),
        Some(t) => serde_json::from_str(&t)
            .map_err(|e| Error::Integrity(format!("the loyalty programme cannot be read: {e}"))),
    }
}

/// Set the programme as a whole, checked and journaled.
pub fn save(tx: &Tx, approval: &Approval, program: &Program) -> Result<Program> {
    let before = load(tx)?;
    let after = check(tx, program)?;
    let text =
        serde_json::to_string(&after).map_err(|e| Error::Integrity(format!("programme: {e}")))?;
    tx.execute(
        "INSERT INTO setting (key, value) VALUES ('loyalty_program', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [&text],
    )?;
    tx.journal(
        "loyalty.program_changed",
        "setting",
        "loyalty_program",
        serde_json::json!({"before": before, "after": after, "approved_by": approval.organizer_id()}),
    )?;
    Ok(after)
}

/// Set the programme, with an organizer's approval (`roles`).
pub fn save_with_pin(
    store: &mut crate::Store,
    actor: &crate::Actor,
    request: &crate::shop::people::ApprovalRequest,
    program: &Program,
) -> Result<Program> {
    crate::shop::roles::approved_write(
        store,
        actor,
        crate::shop::roles::Action::LoyaltyProgram,
        request,
        |tx, approval| save(tx, approval, program),
    )
}
