//! Reporting: the figures of an event or a date range, the comparison of
//! events and the visitor tally (`report`), and the accountant's CSV package
//! (`export`).

pub mod export;
pub mod report;
