//! The demo's attendees and consents, made through the same core functions
//! as the Attendees screen and the till: the consent wording (two versions),
//! the market's sign-ups weeks before, its check-ins at the door as it
//! opened (signed-up people and walk-ins), two customers who agreed to news
//! at the till after their sale (one by email, one by SMS, who later
//! withdrew with the code on their receipt), and the fair's sign-ups so far.
//! Every address is a reserved example (example.org, the UK's drama range).

use chrono::{DateTime, Duration, FixedOffset};

use super::run_up::{on_demo_clock, team_member, DemoClock};
use crate::attendees::consent::{self, TillConsentInput};
use crate::attendees::register::{self, SignUpInput};
use crate::attendees::{contacts, WithdrawHow};
use crate::shop::people::{self, ApprovalRequest};
use crate::{Actor, Error, Result, Store};

const WORDING_V1: &str = "Yes, Loop & Jar may send me news of its next pop-ups and refill days, \
about once a month. I can stop at any time, at the stall or with the code on my receipt.";
const WORDING_V2: &str = "Yes, Loop & Jar may send me news of its next pop-ups, refill days and \
workshops, at most twice a month. I can stop at any time, at the stall or with the code on my receipt.";

/// (name, email, phone) of the market's sign-ups; an address means its consent.
const MARKET_SIGN_UPS: &[(&str, &str, &str)] = &[
    ("Lena Fischer", "lena.fischer@example.org", ""),
    ("Omar Haddad", "omar.h@example.org", "+44 7700 900 112"),
    ("Priya Nair", "", ""),
    ("Ben Carter", "", "+44 7700 900 245"),
    ("Zoé Martin", "zoe.martin@example.org", ""),
    ("Hugo", "", ""),
];

/// The market's walk-ins at the door.
const WALK_INS: &[(&str, &str, &str)] = &[("Marta", "", "+44 7700 900 871"), ("Felix", "", "")];

/// The fair's sign-ups so far.
const FAIR_SIGN_UPS: &[(&str, &str, &str)] = &[
    ("Ines Moreau", "ines.moreau@example.org", "+44 7700 900 530"),
    ("Theo", "", ""),
    ("Sara Lind", "sara.lind@example.org", ""),
    ("Jonah Price", "", "+44 7700 900 662"),
];

fn sign_up_input(name: &str, email: &str, phone: &str) -> SignUpInput {
    SignUpInput {
        name: name.into(),
        email: email.into(),
        phone: phone.into(),
        email_consent: !email.is_empty(),
        sms_consent: !phone.is_empty(),
    }
}

fn person_id(store: &Store, first_name: &str) -> Result<String> {
    let team = people::list(store.conn())?;
    Ok(team_member(&team, first_name)?.id.clone())
}

/// Before the market: the organizer writes the wording, and people sign
/// up over the weeks before (typed in by the organizer).
pub fn sign_ups_for_the_market(
    store: &mut Store,
    clock: &DemoClock,
    event_id: &str,
    opening: DateTime<FixedOffset>,
    organizer_pin: &str,
) -> Result<()> {
    let maya = person_id(store, "Maya")?;
    clock.set(opening - Duration::days(25) + Duration::hours(10));
    consent::write_wording_with_pin(
        store,
        &Actor::person(&maya),
        &ApprovalRequest::new(&maya, organizer_pin),
        WORDING_V1,
    )?;
    for (i, (name, email, phone)) in MARKET_SIGN_UPS.iter().enumerate() {
        clock.set(opening - Duration::days(20 - 2 * i as i64) + Duration::hours(9));
        store.write(&Actor::person(&maya), |tx| {
            register::sign_up(tx, event_id, &sign_up_input(name, email, phone))
        })?;
    }
    Ok(())
}

/// As the market opens: most who signed up are checked in at the door,
/// and two walk-ins (one agreeing to news by SMS there).
pub fn at_the_door(
    store: &mut Store,
    clock: &DemoClock,
    event_id: &str,
    opening: DateTime<FixedOffset>,
) -> Result<()> {
    let door = person_id(store, "Tom")?;
    let list = register::list(store.conn(), event_id)?;
    let mut minute = 0;
    for attendee in list
        .attendees
        .iter()
        .filter(|a| !matches!(a.name.as_str(), "Zoé Martin" | "Hugo"))
    {
        minute += 2;
        clock.set(opening - Duration::minutes(15) + Duration::minutes(minute));
        store.write(&Actor::person(&door), |tx| {
            register::check_in(tx, &attendee.id)
        })?;
    }
    for (name, email, phone) in WALK_INS {
        minute += 3;
        clock.set(opening - Duration::minutes(15) + Duration::minutes(minute));
        store.write(&Actor::person(&door), |tx| {
            register::walk_in(tx, event_id, &sign_up_input(name, email, phone))
        })?;
    }
    Ok(())
}

/// The time a sale was recorded.
fn sale_time(store: &Store, sale_id: &str) -> Result<DateTime<FixedOffset>> {
    let (utc, offset): (String, i64) = store.conn().query_row(
        "SELECT at_utc, utc_offset_minutes FROM sale WHERE id = ?1",
        [sale_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let zone = FixedOffset::east_opt((offset * 60) as i32)
        .ok_or_else(|| Error::Integrity("a demo sale has no offset".into()))?;
    crate::db::clock::parse_utc(&utc)
        .map(|t| t.with_timezone(&zone))
        .ok_or_else(|| Error::Integrity("a demo sale has no time".into()))
}

/// Two customers agree to news at the till, each just after their sale.
pub fn at_the_till(
    store: &mut Store,
    clock: &DemoClock,
    sale_ids: &[String],
    cashier: &str,
) -> Result<()> {
    let pairs = [
        (sale_ids.len() / 4, "email", "noor.k@example.org"),
        (sale_ids.len() / 2 + 3, "sms", "+44 7700 900 314"),
    ];
    for (index, channel, address) in pairs {
        let Some(sale_id) = sale_ids.get(index) else {
            continue;
        };
        clock.set(sale_time(store, sale_id)? + Duration::seconds(25));
        store.write(&Actor::person(cashier), |tx| {
            consent::give_at_till(
                tx,
                &TillConsentInput {
                    sale_id: sale_id.clone(),
                    channel: channel.into(),
                    address: address.into(),
                },
            )
        })?;
    }
    Ok(())
}

/// After the market: the SMS customer sends the code on their receipt and
/// is withdrawn; the wording gets its second version; the fair's sign-ups
/// come in over the last days.
pub fn after_the_market(
    store: &mut Store,
    market_opening: DateTime<FixedOffset>,
    fair_id: &str,
    organizer_pin: &str,
) -> Result<()> {
    let maya = person_id(store, "Maya")?;
    let aicha = person_id(store, "Aïcha")?;
    on_demo_clock(store, market_opening + Duration::days(2), |store, clock| {
        let code = contacts::find_by_address(
            store.conn(),
            crate::attendees::Channel::Sms,
            "+44 7700 900 314",
        )?
        .map(|id| contacts::get(store.conn(), &id))
        .transpose()?
        .and_then(|c| c.code);
        if let Some(code) = code {
            let contact = contacts::find_by_code(store.conn(), &code)?;
            store.write(&Actor::person(&maya), |tx| {
                consent::withdraw(tx, &contact.id, None, WithdrawHow::ReceiptCode)
            })?;
        }
        clock.set(market_opening + Duration::days(3));
        consent::write_wording_with_pin(
            store,
            &Actor::person(&maya),
            &ApprovalRequest::new(&maya, organizer_pin),
            WORDING_V2,
        )?;
        for (i, (name, email, phone)) in FAIR_SIGN_UPS.iter().enumerate() {
            clock.set(market_opening + Duration::days(3) + Duration::hours(2 + 20 * i as i64));
            store.write(&Actor::person(&aicha), |tx| {
                register::sign_up(tx, fair_id, &sign_up_input(name, email, phone))
            })?;
        }
        Ok(())
    })
}
