//! The past market's second laptop: at noon the organizer makes till T2
//! from T1 ("Make a till for another laptop"), a cashier sells part of the
//! lunch rush on it in its own session and receipt series, closes it with
//! its own Z report, and its file is merged back into T1 by the same merge
//! as the Tills screen's — so the demo's reports show a market sold on two
//! tills.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use super::run_up::{install_demo_clock, DemoClock};
use crate::shop::people::Approval;
use crate::till::session::{self, CloseInput, OpenInput};
use crate::tills::{clone, merge};
use crate::{Actor, Result, Store};

/// The second till's code.
pub const CODE: &str = "T2";

/// Till T2 while it sells: its file, its clock, and who opened it.
pub struct SecondTill {
    pub store: Store,
    pub clock: DemoClock,
    path: PathBuf,
    cashier: String,
}

/// Sales `n` of the day sold on T2: every other sale of the lunch rush
/// (12:00 to 14:00) with no loyalty card shown (a card stays with T1,
/// where its stamps are read).
pub fn sells_on_t2(n: usize, day_sales: usize, with_card: bool) -> bool {
    let rush = day_sales * 2 / 7..day_sales * 4 / 7;
    rush.contains(&n) && n % 2 == 1 && !with_card
}

/// Make T2 from `t1` at `at` and open its session with a float.
pub fn open(
    t1: &mut Store,
    approval: &Approval,
    cashier: &str,
    at: DateTime<FixedOffset>,
) -> Result<SecondTill> {
    let mut name = t1.path().as_os_str().to_os_string();
    name.push(".second-till");
    let path = PathBuf::from(name);
    crate::tills::clone::remove_with_sidecars(&path);
    clone::clone_till(t1, approval, CODE, &path)?;
    let mut store = Store::open(&path)?;
    let clock = install_demo_clock(&mut store, at);
    store.write(&Actor::person(cashier), |tx| {
        session::open(
            tx,
            &OpenInput {
                float: "50.00".into(),
                denominations: None,
                practice: false,
            },
        )
    })?;
    Ok(SecondTill {
        store,
        clock,
        path,
        cashier: cashier.to_string(),
    })
}

impl SecondTill {
    /// Close T2's session at `at` (the count is right) and merge its file
    /// into `t1`; the file is removed afterwards.
    pub fn close_and_merge(
        mut self,
        t1: &mut Store,
        approval: &Approval,
        at: DateTime<FixedOffset>,
    ) -> Result<merge::MergeReport> {
        self.clock.set(at);
        let open = session::current(self.store.conn(), self.store.device_id())?;
        if let Some(s) = open {
            let expected = session::cash_parts(self.store.conn(), &s.id)?.expected();
            let currency = crate::shop::settings::load(self.store.conn())?.currency;
            let counted = currency.format(currency.from_minor(expected));
            self.store.write(&Actor::person(&self.cashier), |tx| {
                session::close(
                    tx,
                    &CloseInput {
                        counted,
                        denominations: None,
                    },
                )
            })?;
        }
        let SecondTill { store, path, .. } = self;
        drop(store);
        let merged = merge::merge_file(t1, approval, &path);
        crate::tills::clone::remove_with_sidecars(&path);
        merged
    }
}
