//! The till at a glance, as the window needs it on start: shop settings,
//! the team, the open event, whether first-run setup is still to do, the
//! first-run checklist (what a new shop does before its first sale, each
//! item ticked by doing it), whether this till has a session open, and who
//! a setup step is made by (the person at the till, or the setup itself
//! while the team is empty).

use rusqlite::Connection;
use serde::Serialize;

use crate::shop::at_till::AtTill;
use crate::shop::events::{self, Event};
use crate::shop::people::{self, Person};
use crate::shop::settings::{self, Settings};
use crate::{Actor, Error, Result};

#[derive(Debug, Clone, Serialize)]
pub struct TillStatus {
    pub settings: Settings,
    pub device_id: String,
    pub people: Vec<Person>,
    pub has_organizer: bool,
    pub current_event: Option<Event>,
    pub event_count: i64,
    pub product_count: i64,
    /// Nobody is on the team yet: offer the demo pop-up or a first organizer.
    pub needs_setup: bool,
    /// What a new shop still has to do before it sells.
    pub checklist: Checklist,
    /// This till has a session open: the person who takes it goes to the till.
    pub till_open: bool,
    /// The locales dates and times can be shown in: code and words.
    pub locales: &'static [(&'static str, &'static str)],
}

/// The first-run checklist: each item is ticked by doing it, read from
/// what the till holds (nothing is stored about the list itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Checklist {
    /// An event exists.
    pub event: bool,
    /// The catalog has a product.
    pub products: bool,
    /// Stock was loaded out to an event.
    pub stock_loaded: bool,
    /// Someone besides the first organizer is on the team.
    pub team: bool,
    /// A till session was opened (a real one, not practice).
    pub till_opened: bool,
    /// Every item is done: the list is no longer shown.
    pub done: bool,
}

/// The checklist as the till holds it now.
/// Was stock ever brought to an event? Answered by the partial index
/// `stock_movement_brought_to_event` (its WHERE is this one's), so a start
/// does not walk a season's stock movements.
pub const STOCK_LOADED: &str = "SELECT EXISTS (SELECT 1 FROM stock_movement
    WHERE kind = 'transfer' AND location = 'event' AND quantity_milli > 0)";

pub fn checklist(conn: &Connection) -> Result<Checklist> {
    let exists = |sql: &str| -> Result<bool> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let event = exists("SELECT EXISTS (SELECT 1 FROM event)")?;
    let products = exists("SELECT EXISTS (SELECT 1 FROM product)")?;
    let stock_loaded = exists(STOCK_LOADED)?;
    let team = exists("SELECT (SELECT count(*) FROM person) > 1")?;
    let till_opened = exists("SELECT EXISTS (SELECT 1 FROM till_session WHERE practice = 0)")?;
    Ok(Checklist {
        event,
        products,
        stock_loaded,
        team,
        till_opened,
        done: event && products && stock_loaded && team && till_opened,
    })
}

pub fn till_status(conn: &Connection) -> Result<TillStatus> {
    let people = people::list(conn)?;
    let device_id: String =
        conn.query_row("SELECT id FROM device WHERE is_local = 1", [], |r| r.get(0))?;
    Ok(TillStatus {
        settings: settings::load(conn)?,
        has_organizer: people::organizer_count(conn)? > 0,
        needs_setup: people.is_empty(),
        people,
        current_event: events::current(conn)?,
        event_count: conn.query_row("SELECT count(*) FROM event", [], |r| r.get(0))?,
        product_count: conn.query_row(
            "SELECT count(*) FROM product WHERE active = 1",
            [],
            |r| r.get(0),
        )?,
        checklist: checklist(conn)?,
        till_open: crate::till::session::current(conn, &device_id)?.is_some(),
        locales: &settings::LOCALES,
        device_id,
    })
}

/// The actor for a setup step (settings, the team): the person at the
/// till, or, while the team is still empty (first start), the setup itself.
pub fn setup_actor(conn: &Connection, at_till: Option<&AtTill>) -> Result<Actor> {
    match at_till {
        Some(at) => Ok(at.actor()),
        None if people::list(conn)?.is_empty() => Ok(Actor::system("setup")),
        None => Err(Error::NoOneAtTill("choose who is at the till first".into())),
    }
}

/// What the first-start form asks for.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
pub struct ShopSetup {
    pub shop_name: String,
    pub currency: String,
    pub organizer_name: String,
    pub pin: String,
}

/// First start: create the first organizer and name the shop, in one
/// transaction (a wrong currency leaves no organizer behind). Refused once
/// the team has anyone in it. The new organizer is at the till.
pub fn set_up_shop(store: &mut crate::Store, input: &ShopSetup) -> Result<(AtTill, Person)> {
    if !people::list(store.conn())?.is_empty() {
        return Err(Error::Conflict("this till is already set up".into()));
    }
    let mut wanted = settings::SettingsInput::from_settings(&settings::load(store.conn())?);
    wanted.shop_name = input.shop_name.clone();
    wanted.currency = input.currency.clone();
    let approval = people::Approval::bootstrap();
    let person = store.write(&Actor::system("setup"), |tx| {
        settings::save(tx, &approval, &wanted)?;
        people::add(
            tx,
            &approval,
            &people::PersonInput {
                name: input.organizer_name.clone(),
                role: "organizer".into(),
                pin: Some(input.pin.clone()),
            },
        )
        .map_err(|e| match e {
            // The form calls the organizer's name organizer_name.
            Error::Validation { field, message } if field == "name" => Error::Validation {
                field: "organizer_name".into(),
                message,
            },
            other => other,
        })
    })?;
    Ok((AtTill::set_up_by(&person), person))
}
