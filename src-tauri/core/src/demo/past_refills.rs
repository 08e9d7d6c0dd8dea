//! The refill station at the demo's past market, beyond the own jars and
//! scale labels the day's loop weighs itself: refills into the shop's
//! jars and bottles (the container's tare known, its deposit sold with it
//! as a linked line) and customers bringing a jar back inside a later
//! sale, its deposit coming off what they pay.

use rusqlite::{Connection, OptionalExtension};

use crate::till::cart::LineInput;
use crate::till::deposits::{self, DepositReturnInput};
use crate::Result;

/// A shop container for a refill: its product id and tare in grams.
pub(super) struct ShopJar {
    pub(super) id: String,
    pub(super) tare: i64,
}

/// The shop container a refill sold per `unit` goes into: a 1 l jar for
/// dry goods, a bottle for liquids.
pub(super) fn shop_jar(conn: &Connection, unit: &str) -> Result<Option<ShopJar>> {
    let sku = if unit == "l" {
        "DEP-BOTTLE"
    } else {
        "DEP-JAR1"
    };
    Ok(conn
        .query_row(
            "SELECT id, tare_grams FROM product WHERE sku = ?1 AND tare_grams IS NOT NULL",
            [sku],
            |r| {
                Ok(ShopJar {
                    id: r.get(0)?,
                    tare: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// A refill line weighed into `jar`: the gross is the net plus the jar's
/// known tare.
pub(super) fn into_shop_jar(refill: &mut LineInput, jar: &ShopJar, net_grams: i64) {
    refill.gross = (net_grams + jar.tare).to_string();
    refill.container = "shop".into();
    refill.container_id = Some(jar.id.clone());
}

/// The shop jar's deposit, sold with the refill on line `refill_line`
/// (counted from 1), as the till's cart adds it.
pub(super) fn jar_deposit_line(jar: &ShopJar, refill_line: usize) -> LineInput {
    LineInput {
        product_id: jar.id.clone(),
        quantity: "1".into(),
        deposit_of_line: u32::try_from(refill_line).ok(),
        ..LineInput::default()
    }
}

/// Now and then from the second hour a customer brings a shop jar back
/// inside their next sale (one that is out with customers).
pub(super) fn jar_back_in_a_sale(
    conn: &Connection,
    n: usize,
) -> Result<Option<DepositReturnInput>> {
    if n < 60 || n % 23 != 4 {
        return Ok(None);
    }
    for sku in ["DEP-JAR1", "DEP-BOTTLE", "DEP-JAR05"] {
        let id: Option<String> = conn
            .query_row("SELECT id FROM product WHERE sku = ?1", [sku], |r| r.get(0))
            .optional()?;
        if let Some(id) = id {
            if deposits::outstanding(conn, &id)? > 0 {
                return Ok(Some(DepositReturnInput {
                    product_id: id,
                    quantity: "1".into(),
                }));
            }
        }
    }
    Ok(None)
}
