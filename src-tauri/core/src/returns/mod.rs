//! Returns, refunds and exchanges. A sale is never edited: goods that come
//! back are a refund, a new record paid out by the till session that pays
//! it, whatever the sale's day or event. Each module owns one part:
//!
//! - `allocate`: the money as pure functions — a line's share of what was
//!   paid for it (cumulative, so partial refunds add up to the full one to
//!   the minor unit) and cash rounding of the cash part, symmetric with the
//!   sale's;
//! - `find`: finding the sale (receipt number, date, amount, product) and
//!   what of it can still come back, line by line and tender by tender;
//! - `plan`: a refund worked out — lines, money, tenders, what needs an
//!   organizer — for the quote and for the write alike;
//! - `refund`: the refund as one transaction with its stock, receipt number
//!   and journal entry;
//! - `exchange`: a refund and a new sale in one transaction;
//! - `receipt`: the refund receipt.
//!
//! Voids stay as they are (the whole sale, in its own session); a sale with
//! refunds is not voided, and a voided sale is not refunded.

pub mod allocate;
pub mod exchange;
pub mod find;
pub mod plan;
pub mod receipt;
pub mod refund;

pub use find::{find_sales, refundable_sale, FoundSale, RefundableSale, SaleQuery};
pub use plan::{RefundInput, RefundLineInput, TenderInput};
pub use refund::{refund, refund_with_pin, RefundDone, RefundQuote};
