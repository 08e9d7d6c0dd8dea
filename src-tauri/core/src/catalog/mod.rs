//! The catalog: products, their codes and search (`products`, re-exported
//! here), and the catalog as a spreadsheet file, imported and exported
//! (`spreadsheet`).

mod products;
pub mod spreadsheet;

pub use products::*;
