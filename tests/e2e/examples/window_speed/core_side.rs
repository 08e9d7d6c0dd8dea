//! The window benchmark's in-Rust counterparts: the core calls behind each
//! measured interaction, timed on the file the window just used, through
//! the core crate directly (no window, no bridge). Times in milliseconds.

use std::path::Path;
use std::time::Instant;

use popup_till_core::reporting::compare;
use popup_till_core::reporting::report::{self, Viewer};
use popup_till_core::reporting::scope::Scope;
use popup_till_core::shop::at_till;
use popup_till_core::shop::events;
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::shop::status;
use popup_till_core::till::cart::CartInput;
use popup_till_core::till::lookup;
use popup_till_core::till::quote;
use popup_till_core::till::sale::{self, PaymentInput};
use popup_till_core::{open_till, Actor};

use crate::season;

pub struct CoreTimes {
    /// `cart_scan`: the code looked up, the cart priced with it.
    pub scan: Vec<f64>,
    /// `till_search` for three letters.
    pub search: Vec<f64>,
    /// `complete_sale` of a three-line cart, cash exact (a synced commit).
    pub pay: Vec<f64>,
    /// `event_report_head` of the open (biggest) day: the big figures and
    /// the chart the Reports screen draws first.
    pub report_head: Vec<f64>,
    /// `event_report` of the open (biggest) day.
    pub report: Vec<f64>,
    /// `compare_events` over the season.
    pub compare: Vec<f64>,
    /// Opening the file as the app starts (`open_till`) and `app_status`.
    pub open: Vec<f64>,
    /// Who is at the till (`at_till::check`), which every command runs.
    pub at_till: Vec<f64>,
    /// This process's RSS with the file open after the runs, in KiB.
    pub rss_kib: u64,
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

pub fn measure(db: &Path, tries: usize) -> CoreTimes {
    let mut open = Vec::with_capacity(tries);
    for _ in 0..tries.min(50) {
        let t = Instant::now();
        let (store, _) = open_till(db).expect("open the till file");
        status::till_status(store.conn()).expect("status");
        open.push(ms(t));
    }
    let (mut store, _) = open_till(db).expect("open the till file");
    let cashier: String = store
        .conn()
        .query_row(
            "SELECT id FROM person WHERE name = ?1",
            [season::CASHIER],
            |r| r.get(0),
        )
        .expect("the cashier");
    let (at, _) =
        at_till::take_till(&mut store, &cashier, season::CASHIER_PIN).expect("take the till");
    let actor = Actor::person(&cashier);
    let range = season::day_range(season::EVENTS - 1);

    let mut at_till_ms = Vec::with_capacity(tries);
    for _ in 0..tries {
        let t = Instant::now();
        at_till::check(store.conn(), Some(&at), std::time::Duration::ZERO).expect("at the till");
        at_till_ms.push(ms(t));
    }

    let mut scan = Vec::with_capacity(tries);
    let mut pay = Vec::with_capacity(tries);
    let mut k = 0usize;
    for _ in 0..tries {
        let mut cart = CartInput::default();
        for _ in 0..3 {
            let code = season::barcode(range[(k * 53) % range.len()]);
            k += 1;
            let t = Instant::now();
            let scanned =
                match quote::scan_into_cart(store.conn(), &cart, &code, "", None, Some(&at))
                    .expect("scan")
                {
                    Some(quote::ScanOutcome::Item(item)) => item,
                    _ => panic!("a product's barcode"),
                };
            scan.push(ms(t));
            cart = scanned.added.expect("added to the cart").cart;
        }
        let t = Instant::now();
        sale::complete_with_pin(
            &mut store,
            &actor,
            &cart,
            &[PaymentInput {
                method: "cash".into(),
                ..Default::default()
            }],
            &ApprovalRequest::none(),
        )
        .expect("complete the sale");
        pay.push(ms(t));
    }

    let mut search = Vec::with_capacity(tries);
    for i in 0..tries {
        let q = season::SEARCHES[i % season::SEARCHES.len()];
        let t = Instant::now();
        std::hint::black_box(lookup::search_products(store.conn(), q).expect("search"));
        search.push(ms(t));
    }

    let event = events::current(store.conn())
        .expect("events")
        .expect("the open day");
    let mut report_ms = Vec::with_capacity(tries);
    for _ in 0..tries {
        let t = Instant::now();
        let viewer = Viewer::of(store.conn(), Some(&cashier)).expect("viewer");
        std::hint::black_box(
            report::report_seen_by(store.conn(), &Scope::Event(event.id.clone()), false, viewer)
                .expect("report"),
        );
        report_ms.push(ms(t));
    }
    let mut head_ms = Vec::with_capacity(tries);
    for _ in 0..tries {
        let t = Instant::now();
        std::hint::black_box(
            report::report_head(store.conn(), &Scope::Event(event.id.clone()), false)
                .expect("report head"),
        );
        head_ms.push(ms(t));
    }
    let mut compare_ms = Vec::new();
    for _ in 0..tries.min(20) {
        let t = Instant::now();
        std::hint::black_box(compare::compare(store.conn(), &[], false).expect("compare"));
        compare_ms.push(ms(t));
    }
    let rss_kib = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    CoreTimes {
        scan,
        search,
        pay,
        report_head: head_ms,
        report: report_ms,
        compare: compare_ms,
        open,
        at_till: at_till_ms,
        rss_kib,
    }
}
