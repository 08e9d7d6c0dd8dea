//! A loyalty card on the cart: the card checked genuine with its rewards
//! held against its balance, and a reward turned into its line's discount.

use rusqlite::Connection;
use rust_decimal::Decimal;

use super::cart::{too_large, CartInput, Resolved, SoldProduct};
use crate::loyalty::{
    self,
    program::{Reward, RewardKind},
};
use crate::money::parse_decimal;
use crate::money::pricing::Discount;
use crate::shop::settings::Settings;
use crate::{Error, Result};

/// A reward as its line's discount: a free item is its product, one
/// piece, all of it off; a discount is its amount off the line (at most
/// the line's amount).
pub(super) fn reward_discount(
    settings: &Settings,
    n: usize,
    reward: &Reward,
    product: &SoldProduct,
    unit_price: Decimal,
    quantity: Decimal,
    label_amount: Option<i64>,
) -> Result<Discount> {
    match reward.kind {
        RewardKind::FreeItem => {
            if reward.product_id.as_deref() != Some(product.id.as_str()) || quantity != Decimal::ONE
            {
                return Err(Error::validation(
                    "reward_id",
                    format!(
                        "line {n}: the reward {} is one piece of its own product",
                        reward.name
                    ),
                ));
            }
            Ok(Discount::Percent(Decimal::from(100)))
        }
        RewardKind::Discount => {
            let off = parse_decimal("reward_id", reward.amount.as_deref().unwrap_or(""))?;
            let amount = match label_amount {
                Some(minor) => settings.currency.from_minor(minor),
                None => settings
                    .currency
                    .round(unit_price.checked_mul(quantity).ok_or_else(too_large)?),
            };
            Ok(Discount::Amount(off.min(amount)))
        }
    }
}

/// The cart's card, checked genuine, and its rewards checked against its
/// balance (each reward's cost counted once per line that redeems it).
pub(super) fn cart_card(
    conn: &Connection,
    cart: &CartInput,
    lines: &[Resolved],
) -> Result<Option<String>> {
    let card = match cart.card.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(loyalty::code::card_of(conn, "card", code)?),
    };
    let cost: i64 = lines
        .iter()
        .filter_map(|l| l.reward.as_ref())
        .map(|r| r.1)
        .sum();
    if cost > 0 {
        let Some(card) = &card else {
            return Err(Error::validation(
                "card",
                "a reward needs the customer's loyalty card: scan it first",
            ));
        };
        let balance = loyalty::ledger::balance(conn, card)?;
        if balance < cost {
            return Err(Error::validation(
                "reward_id",
                format!("the card has {balance} stamps; the rewards in this cart cost {cost}"),
            ));
        }
    }
    Ok(card)
}
