//! The catalog: products, their codes and search (`products`, re-exported
//! here), what kind of thing a product is (`kind`), and the catalog as a
//! spreadsheet file, imported and exported (`spreadsheet`).

mod kind;
mod products;
pub mod spreadsheet;

pub use kind::ProductKind;
pub use products::*;
