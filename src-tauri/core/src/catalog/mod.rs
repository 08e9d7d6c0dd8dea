//! The catalog: products, their codes and search (`products`, re-exported
//! here), checking a product's fields (`validate`, re-exported too), what
//! kind of thing a product is (`kind`), and the catalog as a spreadsheet
//! file, imported and exported (`spreadsheet`).

mod kind;
mod products;
pub mod spreadsheet;
mod validate;

pub use kind::ProductKind;
pub use products::*;
pub use validate::*;
