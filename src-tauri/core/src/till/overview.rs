//! The till screen around the cart, in one read: the open session, the
//! event, the currency and its coins and notes, parked carts, recent sales,
//! quick keys and the latest Z reports.

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::faces;
use crate::shop::settings;
use crate::till::lookup::{quick_keys, TillProduct};
use crate::till::parked::{parked, ParkedCart};
use crate::till::receipt::{recent_sales, SaleSummary};
use crate::till::session::{self, Session};
use crate::till::z_report;
use crate::Result;

/// Everything the till screen shows around the cart, in one read.
#[derive(Debug, Clone, Serialize)]
pub struct TillOverview {
    pub session: Option<Session>,
    /// Current event's name, when one is open.
    pub event_name: Option<String>,
    pub currency: String,
    /// Zero as this currency shows it ("0.00", "0", "0.000"): the empty cart.
    pub zero: String,
    pub cash_rounding: String,
    /// The currency's coins and notes, largest first, as the till labels
    /// them: the drawer is counted by these, and cash tendered with them.
    pub faces: Vec<String>,
    pub parked: Vec<ParkedCart>,
    pub recent: Vec<SaleSummary>,
    pub quick_keys: Vec<TillProduct>,
    pub z_reports: Vec<z_report::ZReport>,
}

pub fn till_overview(conn: &Connection, device_id: &str) -> Result<TillOverview> {
    let settings = settings::load(conn)?;
    let session = session::current(conn, device_id)?;
    let recent = match &session {
        Some(s) => recent_sales(conn, s, 8)?,
        None => Vec::new(),
    };
    let z_reports = z_report::latest_z_reports(conn, Some(10))?;
    Ok(TillOverview {
        event_name: crate::shop::events::current(conn)?.map(|e| e.name),
        currency: settings.currency.code.clone(),
        zero: settings.currency.format(Decimal::ZERO),
        cash_rounding: settings.cash_rounding.as_str().to_string(),
        faces: faces::face_texts(&settings.currency),
        parked: parked(conn, device_id)?,
        recent,
        quick_keys: quick_keys(conn, 12)?,
        z_reports,
        session,
    })
}
