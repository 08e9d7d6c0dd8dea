//! The till at a glance, as the window needs it on start: shop settings,
//! the team, the open event, whether first-run setup is still to do, and
//! who a setup step is made by (the person at the till, or the setup itself
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
}

pub fn till_status(conn: &Connection) -> Result<TillStatus> {
    let people = people::list(conn)?;
    let device_id: String =
        conn.query_row("SELECT id FROM device WHERE is_local = 1", [], |r| r.get(0))?;
    Ok(TillStatus {
        settings: settings::load(conn)?,
        device_id,
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
