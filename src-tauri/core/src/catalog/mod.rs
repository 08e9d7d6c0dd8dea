//! The catalog: products, their codes and search (`products`, re-exported
//! here), checking a product's fields (`validate`, re-exported too), what
//! kind of thing a product is (`kind`), and the catalog as a spreadsheet
//! file, imported and exported (`spreadsheet`); for refills and reuse,
//! scale item codes, container tares and deposits (`refill`) and the scale
//! labels' layouts (`scale_label`).

mod kind;
mod products;
pub mod refill;
pub mod scale_label;
pub mod spreadsheet;
mod validate;

pub use kind::ProductKind;
pub use products::*;
pub use validate::*;
