//! What kind of thing a product is, and what each kind means to the till:
//! an `item` or a `refill` is stock on a shelf, a `deposit` (a jar, a cup)
//! is stock that comes back, a `service` is sold but never counted.
//! Stored and sent as the same lower-case words (`item`, `refill`, ...).

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    Item,
    Refill,
    Deposit,
    Service,
}

impl ProductKind {
    pub const ALL: [ProductKind; 4] = [
        ProductKind::Item,
        ProductKind::Refill,
        ProductKind::Deposit,
        ProductKind::Service,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::Item => "item",
            ProductKind::Refill => "refill",
            ProductKind::Deposit => "deposit",
            ProductKind::Service => "service",
        }
    }

    /// The kind as a form or a spreadsheet gives it; empty means `item`.
    pub fn parse(text: &str) -> Result<ProductKind> {
        match text.trim() {
            "" => Ok(ProductKind::Item),
            k => ProductKind::ALL
                .into_iter()
                .find(|kind| kind.as_str() == k)
                .ok_or_else(|| {
                    Error::validation(
                        "kind",
                        format!("'{k}' is not a kind (item, refill, deposit or service)"),
                    )
                }),
        }
    }

    /// Whether the till keeps stock of it: everything but a service.
    pub fn is_stocked(self) -> bool {
        self != ProductKind::Service
    }
}

impl std::fmt::Display for ProductKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql for ProductKind {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for ProductKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        ProductKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| FromSqlError::Other(format!("'{text}' is not a product kind").into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_travel_and_are_stored_as_their_lower_case_words() {
        for kind in ProductKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.as_str());
            assert_eq!(ProductKind::parse(kind.as_str()).unwrap(), kind);
        }
        assert_eq!(ProductKind::parse("  ").unwrap(), ProductKind::Item);
        let err = ProductKind::parse("box").unwrap_err();
        assert_eq!(err.field(), Some("kind"));
        assert!(!ProductKind::Service.is_stocked());
    }
}
