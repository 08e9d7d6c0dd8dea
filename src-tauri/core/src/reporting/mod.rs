//! Reporting: every figure an organizer or an accountant sees, over one
//! `Scope` (a till session, an event, a date range). `figures` defines the
//! sales and cash figures once (`docs/figures.md`), `refund_figures` the
//! refunds' (in the scope of the session that paid them out), `reuse` the
//! refill station's (refills, containers, deposits); `report` is the event
//! report, `compare` puts events side by side, `visitors` is the footfall
//! tally and which events take it, `by_till` breaks the report down by
//! till, and `export` writes the accountant's CSV
//! package. The Z report (`till::z_report`) takes its figures from here too.

pub mod by_till;
pub mod compare;
pub mod export;
pub mod figures;
pub(crate) mod line_sums;
pub mod loyalty;
pub mod moments;
pub mod refund_figures;
pub mod report;
pub mod reuse;
pub mod scope;
pub mod visitors;
