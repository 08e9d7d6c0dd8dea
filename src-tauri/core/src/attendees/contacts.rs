//! Contacts: someone the till knows, holding a name or a nickname and an
//! address only while that channel's consent is active; the short code on
//! a receipt that finds them again; their page (consents, attendance) as
//! the window shows it; finding a contact by address or code, and the list.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::consent::{self, ConsentEntry, Wording};
use super::register::{self, Attendance};
use super::{normalise, Channel};
use crate::db::store::Tx;
use crate::text::{clean, fold_for_search};
use crate::{new_id, Error, Result};

/// Crockford's base 32: no I, L, O or U, so a code read aloud or typed
/// from paper is not mistaken.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a withdrawal code (40 bits).
pub const CODE_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: String,
    /// A name or a nickname; empty when only an address was given.
    pub name: String,
    pub email: String,
    pub phone: String,
    /// The withdrawal code as printed, `ABCD-EF12`; None once erased.
    pub code: Option<String>,
    pub created_at: String,
    pub last_active_at: String,
    pub erased_at: Option<String>,
    /// `request` or `inactive`, once erased.
    pub erased_how: Option<String>,
}

impl Contact {
    pub fn address(&self, channel: Channel) -> &str {
        match channel {
            Channel::Email => &self.email,
            Channel::Sms => &self.phone,
        }
    }

    pub fn is_erased(&self) -> bool {
        self.erased_at.is_some()
    }
}

/// What a sign-up or a check-in gives of a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// A contact in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactSummary {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub code: Option<String>,
    pub email_consent: bool,
    pub sms_consent: bool,
    pub events: i64,
    pub last_active_at: String,
}

/// A contact's page: who they are, what they agreed to and when, where
/// they signed up or came.
#[derive(Debug, Clone, Serialize)]
pub struct ContactPage {
    pub contact: Contact,
    pub email_consent: bool,
    pub sms_consent: bool,
    /// Every consent given, oldest first, each with its withdrawal.
    pub consents: Vec<ConsentEntry>,
    pub attendance: Vec<Attendance>,
    /// The wording a new consent would be given under.
    pub wording: Option<Wording>,
    /// Whether they agreed to have a loyalty card linked to them.
    pub card_consent: bool,
    /// The words that consent is given under.
    pub card_wording: &'static str,
    /// The loyalty cards linked to them now.
    pub cards: Vec<crate::loyalty::link::LinkedCard>,
}

/// An email address as typed, checked for its shape (never echoed back:
/// it is personal data).
pub fn validate_email(field: &str, text: &str) -> Result<String> {
    let email = clean(field, text, false, 200)?;
    if email.is_empty() {
        return Ok(email);
    }
    let ok = email.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && !host.contains('@')
    }) && !email.contains(char::is_whitespace);
    if !ok {
        return Err(Error::validation(field, "is not an email address"));
    }
    Ok(email)
}

/// A phone number as typed: digits, spaces and `+-().`, at least 6 digits.
pub fn validate_phone(field: &str, text: &str) -> Result<String> {
    let phone = clean(field, text, false, 40)?;
    if phone.is_empty() {
        return Ok(phone);
    }
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !allowed || digits < 6 {
        return Err(Error::validation(field, "is not a phone number"));
    }
    Ok(phone)
}

/// An address of `channel` as typed, checked.
pub fn validate_address(field: &str, channel: Channel, text: &str) -> Result<String> {
    let address = match channel {
        Channel::Email => validate_email(field, text)?,
        Channel::Sms => validate_phone(field, text)?,
    };
    if address.is_empty() {
        return Err(Error::validation(
            field,
            match channel {
                Channel::Email => "give the email address the news should go to",
                Channel::Sms => "give the phone number the news should go to",
            },
        ));
    }
    Ok(address)
}

/// A name or a nickname.
pub fn validate_name(field: &str, text: &str, required: bool) -> Result<String> {
    clean(field, text, required, 80)
}

/// A code as printed, `ABCD-EF12`.
fn shown_code(stored: &str) -> String {
    match stored.split_at_checked(4) {
        Some((a, b)) => format!("{a}-{b}"),
        None => stored.to_string(),
    }
}

/// A code as typed back, in the stored form: upper case, no dash or
/// space, and the letters people mistake for digits read as those digits.
pub fn parse_code(text: &str) -> Result<String> {
    let code: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    if code.len() != CODE_LEN || !code.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return Err(Error::validation(
            "code",
            format!("a code has {CODE_LEN} letters and digits, as printed on the receipt"),
        ));
    }
    Ok(code)
}

fn new_code(tx: &Tx) -> Result<String> {
    loop {
        let mut bytes = [0u8; CODE_LEN];
        OsRng.fill_bytes(&mut bytes);
        let code: String = bytes
            .iter()
            .map(|b| CODE_ALPHABET[usize::from(*b) % 32] as char)
            .collect();
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM contact WHERE code = ?1)",
            [&code],
            |r| r.get(0),
        )?;
        if !taken {
            return Ok(code);
        }
    }
}

const SELECT: &str = "SELECT id, name, email, phone, code, created_at, last_active_at, erased_at, erased_how FROM contact";

fn read_contact(r: &rusqlite::Row) -> rusqlite::Result<Contact> {
    let code: Option<String> = r.get(4)?;
    Ok(Contact {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        code: code.as_deref().map(shown_code),
        created_at: r.get(5)?,
        last_active_at: r.get(6)?,
        erased_at: r.get(7)?,
        erased_how: r.get(8)?,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Contact> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], read_contact)
        .optional()?
        .ok_or_else(|| Error::not_found("contact", id))
}

/// A contact that can still be written to: not erased.
pub(crate) fn get_live(conn: &Connection, id: &str) -> Result<Contact> {
    let contact = get(conn, id)?;
    if contact.is_erased() {
        return Err(Error::Conflict(
            "this contact's personal data was erased; nothing more is recorded for them".into(),
        ));
    }
    Ok(contact)
}

/// The contact a receipt's code names.
pub fn find_by_code(conn: &Connection, text: &str) -> Result<Contact> {
    let code = parse_code(text)?;
    conn.query_row(&format!("{SELECT} WHERE code = ?1"), [&code], read_contact)
        .optional()?
        .ok_or_else(|| {
            Error::validation(
                "code",
                "no contact has this code (an erased contact's code no longer works)",
            )
        })
}

/// The live contact holding `address` on `channel`, compared normalised.
pub fn find_by_address(
    conn: &Connection,
    channel: Channel,
    address: &str,
) -> Result<Option<String>> {
    let wanted = normalise(channel, address);
    if wanted.is_empty() {
        return Ok(None);
    }
    let column = channel.column();
    let mut stmt = conn.prepare(&format!(
        "SELECT id, {column} FROM contact WHERE erased_at IS NULL AND {column} <> '' ORDER BY created_at, id"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let held: String = row.get(1)?;
        if normalise(channel, &held) == wanted {
            return Ok(Some(row.get(0)?));
        }
    }
    Ok(None)
}

/// A new contact (addresses are set with their consent).
pub(crate) fn create(tx: &Tx, name: &str) -> Result<String> {
    let id = new_id();
    let code = new_code(tx)?;
    tx.execute(
        "INSERT INTO contact (id, device_id, name, code, created_at, last_active_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        (&id, tx.device_id, name, &code, &tx.now.utc),
    )?;
    Ok(id)
}

/// Something happened with the contact: the retention period starts again.
pub(crate) fn touch(tx: &Tx, id: &str) -> Result<()> {
    tx.execute(
        "UPDATE contact SET last_active_at = ?1 WHERE id = ?2 AND erased_at IS NULL",
        (&tx.now.utc, id),
    )?;
    Ok(())
}

/// Give a nameless contact the name they gave now.
pub(crate) fn name_if_empty(tx: &Tx, id: &str, name: &str) -> Result<()> {
    tx.execute(
        "UPDATE contact SET name = ?1 WHERE id = ?2 AND name = '' AND erased_at IS NULL",
        (name, id),
    )?;
    Ok(())
}

pub(crate) fn set_address(tx: &Tx, id: &str, channel: Channel, address: &str) -> Result<()> {
    tx.execute(
        &format!(
            "UPDATE contact SET {} = ?1 WHERE id = ?2 AND erased_at IS NULL",
            channel.column()
        ),
        (address, id),
    )?;
    Ok(())
}

/// The live contacts, by name; `query` keeps those whose name, email or
/// phone holds it (accents and case aside).
pub fn list(conn: &Connection, query: &str) -> Result<Vec<ContactSummary>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT c.id, c.name, c.email, c.phone, c.code, c.last_active_at,
                {}, {},
                (SELECT count(*) FROM attendee a WHERE a.contact_id = c.id)
         FROM contact c WHERE c.erased_at IS NULL
         ORDER BY c.name = '', c.name COLLATE NOCASE, c.created_at",
        consent::active_sql("c", Channel::Email),
        consent::active_sql("c", Channel::Sms)
    ))?;
    let rows = stmt.query_map([], |r| {
        let code: Option<String> = r.get(4)?;
        Ok(ContactSummary {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            phone: r.get(3)?,
            code: code.as_deref().map(shown_code),
            last_active_at: r.get(5)?,
            email_consent: r.get(6)?,
            sms_consent: r.get(7)?,
            events: r.get(8)?,
        })
    })?;
    let wanted = fold_for_search(query.trim());
    let mut out = Vec::new();
    for row in rows {
        let c = row?;
        let hay = fold_for_search(&format!("{} {} {}", c.name, c.email, c.phone));
        if wanted.is_empty() || hay.contains(&wanted) {
            out.push(c);
        }
    }
    Ok(out)
}

/// The contact's page.
pub fn page(conn: &Connection, id: &str) -> Result<ContactPage> {
    let contact = get(conn, id)?;
    Ok(ContactPage {
        email_consent: consent::is_active(conn, id, Channel::Email)?,
        sms_consent: consent::is_active(conn, id, Channel::Sms)?,
        consents: consent::history(conn, id)?,
        attendance: register::attendance_of(conn, id)?,
        wording: consent::current_wording(conn)?,
        card_consent: super::purpose::active(conn, id, super::purpose::Purpose::CardLink)?
            .is_some(),
        card_wording: super::purpose::Purpose::CardLink.wording(),
        cards: crate::loyalty::link::cards_of(conn, id)?,
        contact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_back_as_printed_and_as_misread() {
        assert_eq!(parse_code("abcd-ef12").unwrap(), "ABCDEF12");
        assert_eq!(parse_code(" O1IL 2345 ").unwrap(), "01112345");
        assert_eq!(parse_code("ABCD-EF1").unwrap_err().field(), Some("code"));
        assert_eq!(shown_code("ABCDEF12"), "ABCD-EF12");
    }

    #[test]
    fn addresses_are_checked_without_echoing_them() {
        assert!(validate_email("email", "ada@example.org").is_ok());
        let err = validate_email("email", "ada.example.org").unwrap_err();
        assert!(!err.to_string().contains("ada"), "{err}");
        assert!(validate_phone("phone", "+33 6 12 34 56 78").is_ok());
        assert!(validate_phone("phone", "12-34").is_err());
        assert!(validate_address("email", Channel::Email, " ").is_err());
    }
}
