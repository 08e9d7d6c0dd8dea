//! Attendees and consent: an event's attendee list (sign-ups typed or
//! imported, check-in at the door), the people on it as contacts holding
//! as little as possible (a name or a nickname; an address only while its
//! channel's consent is active), consent to news by email and by SMS under
//! a versioned wording, withdrawal (on the contact, or with the short code
//! printed on a receipt) with a suppression list of address hashes, the
//! marketing export, and people's rights: their data as one JSON file,
//! erasure, and the start-up purge of contacts inactive for longer than
//! the retention period. What is collected and why, for the organizer, is
//! `docs/privacy.md`.
//!
//! - `contacts`: the contact, its addresses, its code, finding and listing;
//! - `consent`: wording versions, giving and withdrawing, the suppression list;
//! - `purpose`: consent to a purpose other than news (a loyalty card linked);
//! - `register`: the attendee list, sign-up and check-in;
//! - `import`: sign-ups from a CSV file, previewed before anything is written;
//! - `mailing`: the marketing export of one channel;
//! - `rights`: access, erasure, the retention setting and the start-up purge.
//!
//! The journal gets ids and counts, never a name or an address.

pub mod consent;
pub mod contacts;
pub mod import;
pub mod mailing;
pub mod purpose;
pub mod register;
pub mod rights;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

pub use consent::{TillConsent, TillConsentInput, Wording};
pub use contacts::{Contact, ContactInput, ContactSummary};
pub use register::{Attendee, AttendeeList, SignUpInput};

/// A way to reach someone with news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Sms];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Result<Channel> {
        match text.trim().to_lowercase().as_str() {
            "email" => Ok(Channel::Email),
            "sms" => Ok(Channel::Sms),
            other => Err(Error::validation(
                "channel",
                format!("'{other}' is not a channel (email or sms)"),
            )),
        }
    }

    /// The contact's column that holds this channel's address.
    pub(crate) fn column(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "phone",
        }
    }

    /// The word a person reads ("email", "SMS").
    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "SMS",
        }
    }
}

/// Where a consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// At the till, after a sale.
    Till,
    /// On a sign-up, typed or imported.
    SignUp,
    /// At the door, checking in.
    CheckIn,
    /// On the attendee list or the contact's page.
    AttendeeList,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Till => "till",
            How::SignUp => "sign_up",
            How::CheckIn => "check_in",
            How::AttendeeList => "attendee_list",
        }
    }
}

/// How a consent ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawHow {
    /// The withdraw button on the contact's page.
    AttendeeList,
    /// The contact found by the code on their receipt.
    ReceiptCode,
    /// The contact's data was erased on request.
    Erasure,
    /// The contact was purged after the retention period without activity.
    Inactive,
}

impl WithdrawHow {
    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawHow::AttendeeList => "attendee_list",
            WithdrawHow::ReceiptCode => "receipt_code",
            WithdrawHow::Erasure => "erasure",
            WithdrawHow::Inactive => "inactive",
        }
    }

    /// The way a person asks to stop, as the window sends it.
    pub fn parse(text: &str) -> Result<WithdrawHow> {
        match text.trim() {
            "" | "attendee_list" => Ok(WithdrawHow::AttendeeList),
            "receipt_code" => Ok(WithdrawHow::ReceiptCode),
            other => Err(Error::validation(
                "how",
                format!("'{other}' is not a way to withdraw (attendee_list or receipt_code)"),
            )),
        }
    }
}

/// An address as it is compared and hashed: trimmed and in lower case; a
/// phone number also without the spaces, dots, dashes and brackets people
/// write it with (`+33 6 12-34` and `+33612 34` are one number).
pub fn normalise(channel: Channel, address: &str) -> String {
    let lower = address.trim().to_lowercase();
    match channel {
        Channel::Email => lower,
        Channel::Sms => lower
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect(),
    }
}

/// The suppression list's form of an address: SHA-256 of the normalised
/// address, lower-case hex. `printf '%s' ada@example.org | sha256sum` gives
/// the same.
pub fn address_hash(channel: Channel, address: &str) -> String {
    crate::db::journal::hex(&Sha256::digest(normalise(channel, address).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_before_they_are_hashed() {
        assert_eq!(
            address_hash(Channel::Email, "  Ada@Example.ORG "),
            address_hash(Channel::Email, "ada@example.org")
        );
        assert_eq!(
            normalise(Channel::Sms, " +33 (6) 12-34.56 "),
            "+33612345 6".replace(' ', "")
        );
        // The hash of "ada@example.org", as sha256sum prints it.
        assert_eq!(
            address_hash(Channel::Email, "ada@example.org"),
            crate::db::journal::hex(&Sha256::digest(b"ada@example.org"))
        );
    }

    #[test]
    fn channels_read_as_their_words() {
        assert_eq!(Channel::parse(" SMS ").unwrap(), Channel::Sms);
        assert_eq!(Channel::parse("email").unwrap(), Channel::Email);
        assert_eq!(Channel::parse("fax").unwrap_err().field(), Some("channel"));
    }
}
