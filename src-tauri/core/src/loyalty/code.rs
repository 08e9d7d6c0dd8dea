//! Card codes: what is printed on an anonymous loyalty card, and how any
//! till of the shop tells a genuine code from a mistyped or made-up one,
//! offline.
//!
//! A code is 16 Crockford base32 characters, printed in groups of four
//! (`7KQ2-M9XD-4R1T-B6WZ`):
//!
//! - 8 characters of **serial** (40 random bits): the card's id, the only
//!   thing reports and exports name;
//! - 7 characters of **authentication**: the first 35 bits of
//!   HMAC-SHA256(shop key, `popup-till card v1:` + serial). A code made up,
//!   or one of another shop (another key), fails it;
//! - 1 **check** character: Σ (2i + 1) × value(i) mod 32 over the 15
//!   characters before it. Every weight is odd, so changing any one
//!   character changes the sum: a single typo is named as a typo, before
//!   the authentication is looked at.
//!
//! Reading is forgiving as Crockford intends: lower case, `O` for 0, `I`
//! and `L` for 1, and any hyphens or spaces are accepted.

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// Crockford's base32 alphabet (no I, L, O, U).
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code, without separators.
pub const CODE_LEN: usize = 16;
const SERIAL_LEN: usize = 8;
const MAC_LEN: usize = 7;
const CONTEXT: &[u8] = b"popup-till card v1:";

/// The value of one character, forgiving as Crockford reads.
fn value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|a| *a as char == c)
        .map(|v| v as u8)
}

fn check_char(values: &[u8]) -> u8 {
    let sum: u32 = values
        .iter()
        .enumerate()
        .map(|(i, v)| (2 * i as u32 + 1) * u32::from(*v))
        .sum();
    (sum % 32) as u8
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().into()
}

/// The first `n` 5-bit groups of `bytes`, as alphabet values.
fn five_bit_groups(bytes: &[u8], n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| {
            let bit = i * 5;
            let mut v = 0u8;
            for b in bit..bit + 5 {
                let byte = bytes[b / 8];
                v = (v << 1) | ((byte >> (7 - b % 8)) & 1);
            }
            v
        })
        .collect()
}

fn mac(key: &[u8], serial: &str) -> Vec<u8> {
    let mut message = CONTEXT.to_vec();
    message.extend_from_slice(serial.as_bytes());
    five_bit_groups(&hmac_sha256(key, &message), MAC_LEN)
}

fn text(values: &[u8]) -> String {
    values
        .iter()
        .map(|v| ALPHABET[*v as usize] as char)
        .collect()
}

/// A code grouped for print: four groups of four.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The code of the card `serial` (8 characters of the alphabet) under `key`.
pub fn code_for(key: &[u8], serial: &str) -> String {
    let mut values: Vec<u8> = serial.chars().filter_map(value).collect();
    values.extend(mac(key, serial));
    values.push(check_char(&values));
    grouped(&text(&values))
}

/// A new card's code: a random serial under `key`.
pub fn new_code(key: &[u8]) -> String {
    use password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 5];
    OsRng.fill_bytes(&mut bytes);
    let serial = text(&five_bit_groups(&bytes, SERIAL_LEN));
    code_for(key, &serial)
}

/// Why a code is not a card of this shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not 16 characters of the alphabet: not a card code at all.
    NotACode,
    /// The check character does not match: a typo.
    Mistyped,
    /// Well formed but not made with this shop's key.
    NotGenuine,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotACode => "this is not a loyalty card code (16 letters and digits)",
            Refusal::Mistyped => "this card code has a typo: check it and type it again",
            Refusal::NotGenuine => "this card was not issued by this shop",
        }
    }
}

/// The values of a code's 16 characters, separators dropped; `None` when
/// it is not the shape of a code.
fn values_of(code: &str) -> Option<Vec<u8>> {
    let kept: Vec<char> = code
        .trim()
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .collect();
    if kept.len() != CODE_LEN {
        return None;
    }
    kept.into_iter().map(value).collect()
}

/// Whether `code` has the shape of a card code (16 characters of the
/// alphabet in any grouping): the scan field asks before looking it up.
pub fn looks_like_code(code: &str) -> bool {
    values_of(code).is_some() && code.contains('-')
}

/// The card's serial (its id) when `code` is a genuine code of `key`.
pub fn verify(key: &[u8], code: &str) -> std::result::Result<String, Refusal> {
    let values = values_of(code).ok_or(Refusal::NotACode)?;
    if check_char(&values[..CODE_LEN - 1]) != values[CODE_LEN - 1] {
        return Err(Refusal::Mistyped);
    }
    let serial = text(&values[..SERIAL_LEN]);
    let expected = mac(key, &serial);
    // Compared whole, so the time taken says nothing of where it differs.
    let differs = expected
        .iter()
        .zip(&values[SERIAL_LEN..SERIAL_LEN + MAC_LEN])
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if differs != 0 {
        return Err(Refusal::NotGenuine);
    }
    Ok(serial)
}

/// The shop's key, kept in the file (made once by the migration).
pub fn shop_key(conn: &Connection) -> Result<Vec<u8>> {
    let hex: Option<String> = conn
        .prepare_cached("SELECT value FROM setting WHERE key = 'loyalty_key'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let hex = hex.ok_or_else(|| Error::Integrity("the shop's loyalty key is missing".into()))?;
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<std::result::Result<Vec<u8>, _>>()
        .ok()
        .filter(|k| k.len() == 32)
        .ok_or_else(|| Error::Integrity("the shop's loyalty key cannot be read".into()))
}

/// The serial of a genuine code of this shop, or a validation error on
/// `field` that says why not.
pub fn card_of(conn: &Connection, field: &str, code: &str) -> Result<String> {
    verify(&shop_key(conn)?, code).map_err(|r| Error::validation(field, r.message()))
}
