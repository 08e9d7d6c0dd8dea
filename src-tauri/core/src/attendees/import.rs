//! Sign-ups from a CSV file (a sign-up form's spreadsheet): columns known
//! by name (`name`, `email`, `phone`, `email_consent`, `sms_consent`, and a
//! few common spellings), `,` `;` or tab separated, UTF-8. The file is
//! checked as a whole first and previewed: every bad row is named with its
//! line and field, and then nothing is written.
//!
//! What is collected stays minimal here too: an address whose consent
//! column does not say yes is left out (a note says so), and an address on
//! the suppression list is left out with its consent, so an import never
//! brings back someone who asked to stop.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::consent;
use super::contacts;
use super::register::{self, Checked, Source};
use super::{normalise, Channel};
use crate::catalog::spreadsheet::RowError;
use crate::db::store::{Actor, Store};
use crate::shop::events::{self, Event};
use crate::{Error, Result};

/// A file larger than this is not a sign-up list.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// What an import will do (a preview) or did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AttendeeImport {
    pub rows: usize,
    /// People the till does not know yet.
    pub new_contacts: usize,
    /// Rows whose address belongs to a contact the till already has.
    pub known: usize,
    /// Rows already signed up for the event: left as they are.
    pub already_listed: usize,
    /// Consents that will be (or were) recorded.
    pub consents: usize,
    /// Addresses left out because they asked earlier to stop.
    pub suppressed: usize,
    /// Every bad row, in file order. Non-empty means nothing is written.
    pub errors: Vec<RowError>,
    /// What is done differently from what the file says (an address left
    /// out), in file order.
    pub notes: Vec<RowError>,
    pub separator: String,
    pub ignored_columns: Vec<String>,
    pub sha256: String,
    /// The wording the consents are recorded under.
    pub wording_version: Option<i64>,
    pub applied: bool,
}

fn column_for(header: &str) -> Option<&'static str> {
    let key: String = header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    Some(match key.as_str() {
        "name" | "nickname" | "full_name" | "attendee" => "name",
        "email" | "e_mail" | "email_address" | "mail" => "email",
        "phone" | "mobile" | "phone_number" | "telephone" | "tel" => "phone",
        "email_consent" | "news_by_email" | "email_ok" | "newsletter" => "email_consent",
        "sms_consent" | "news_by_sms" | "sms_ok" => "sms_consent",
        _ => return None,
    })
}

fn parse_yes(text: &str) -> std::result::Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "oui" | "ja" => Ok(true),
        "" | "no" | "n" | "false" | "0" | "non" | "nein" => Ok(false),
        _ => Err("is not yes or no".into()),
    }
}

fn row_error(line: u64, field: &str, message: impl Into<String>) -> RowError {
    RowError {
        line,
        field: field.into(),
        message: message.into(),
    }
}

/// The rows that would be written, with the report.
struct Plan {
    report: AttendeeImport,
    rows: Vec<Checked>,
}

fn read_file(text: &str) -> std::result::Result<&str, RowError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.len() > MAX_BYTES {
        return Err(row_error(1, "file", "is too large for a sign-up list"));
    }
    if text.contains('\0') {
        return Err(row_error(
            1,
            "file",
            "is not a text file: save the sign-ups as \"CSV UTF-8\"",
        ));
    }
    if let Some(at) = text.find('\u{FFFD}') {
        let line = text[..at].matches('\n').count() as u64 + 1;
        return Err(row_error(
            line,
            "file",
            "is not UTF-8 text: save the sign-ups as \"CSV UTF-8\" and import again",
        ));
    }
    if text.trim().is_empty() {
        return Err(row_error(1, "file", "is empty: the first line names the columns (name, email, phone, email_consent, sms_consent)"));
    }
    Ok(text)
}

fn plan(conn: &Connection, event: &Event, text: &str) -> Result<Plan> {
    let mut report = AttendeeImport {
        sha256: crate::db::journal::hex(&Sha256::digest(text.as_bytes())),
        wording_version: consent::current_wording(conn)?.map(|w| w.version),
        ..AttendeeImport::default()
    };
    let mut rows = Vec::new();
    if !register::takes_sign_ups(event.status) {
        report.errors.push(row_error(
            1,
            "file",
            format!(
                "{} is over: sign-ups are taken before an event closes",
                event.name
            ),
        ));
        return Ok(Plan { report, rows });
    }
    let text = match read_file(text) {
        Ok(t) => t,
        Err(e) => {
            report.errors.push(e);
            return Ok(Plan { report, rows });
        }
    };
    let sep = crate::catalog::spreadsheet::detect_separator(text);
    report.separator = (sep as char).to_string();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            report.errors.push(row_error(
                1,
                "file",
                format!("the header line cannot be read: {e}"),
            ));
            return Ok(Plan { report, rows });
        }
    };
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, cell) in headers.iter().enumerate() {
        match column_for(cell) {
            Some(col) => {
                if index.insert(col, i).is_some() {
                    report
                        .errors
                        .push(row_error(1, col, "the column appears twice in the header"));
                }
            }
            None if cell.trim().is_empty() => {}
            None => report.ignored_columns.push(cell.trim().to_string()),
        }
    }
    if !index.contains_key("name") {
        report.errors.push(row_error(
            1,
            "name",
            "the header has no name column (a name or a nickname for each person)",
        ));
        return Ok(Plan { report, rows });
    }
    let mut seen: HashSet<(Channel, String)> = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report
                    .errors
                    .push(row_error(line, "row", "cannot be read as CSV"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |col: &str| -> String {
            index
                .get(col)
                .and_then(|i| record.get(*i))
                .map(|c| crate::csv_cell::restore(c.trim()).to_string())
                .unwrap_or_default()
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        let before = report.errors.len();
        let mut agreed = [false, false];
        for (i, col) in ["email_consent", "sms_consent"].into_iter().enumerate() {
            match parse_yes(&cell(col)) {
                Ok(yes) => agreed[i] = yes,
                Err(message) => report.errors.push(row_error(line, col, message)),
            }
        }
        let name = contacts::validate_name("name", &cell("name"), true);
        let email = contacts::validate_email("email", &cell("email"));
        let phone = contacts::validate_phone("phone", &cell("phone"));
        for (col, result) in [("name", &name), ("email", &email), ("phone", &phone)] {
            if let Err(e) = result {
                report.errors.push(row_error(line, col, e.bare_message()));
            }
        }
        let (Ok(name), Ok(mut email), Ok(mut phone)) = (name, email, phone) else {
            continue;
        };
        for (channel, address, yes, col) in [
            (Channel::Email, &mut email, agreed[0], "email"),
            (Channel::Sms, &mut phone, agreed[1], "phone"),
        ] {
            if address.is_empty() {
                if yes {
                    report.errors.push(row_error(
                        line,
                        col,
                        format!(
                            "says yes to news by {} but gives no address",
                            channel.label()
                        ),
                    ));
                }
                continue;
            }
            if !yes {
                report.notes.push(row_error(
                    line,
                    col,
                    format!("left out: no consent to news by {}", channel.label()),
                ));
                address.clear();
            } else if consent::is_suppressed(conn, channel, address)? {
                report.notes.push(row_error(
                    line,
                    col,
                    format!(
                        "left out: this address asked earlier to receive no more news by {}",
                        channel.label()
                    ),
                ));
                report.suppressed += 1;
                address.clear();
            } else if !seen.insert((channel, normalise(channel, address))) {
                report.errors.push(row_error(
                    line,
                    col,
                    "the same address is on an earlier line",
                ));
            }
        }
        if report.errors.len() > before {
            continue;
        }
        let mut known = None;
        for (channel, address) in [(Channel::Email, &email), (Channel::Sms, &phone)] {
            if known.is_none() {
                known = contacts::find_by_address(conn, channel, address)?;
            }
        }
        let listed = match &known {
            Some(contact_id) => conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM attendee WHERE event_id = ?1 AND contact_id = ?2 AND signed_up_at IS NOT NULL)",
                (&event.id, contact_id),
                |r| r.get::<_, bool>(0),
            )?,
            // A name alone matches no contact (names are not unique), but
            // the same name already signed up for this event is taken to
            // be the same row imported again.
            None if email.is_empty() && phone.is_empty() => conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM attendee a JOIN contact c ON c.id = a.contact_id
                   WHERE a.event_id = ?1 AND a.signed_up_at IS NOT NULL AND c.name = ?2 COLLATE NOCASE)",
                (&event.id, &name),
                |r| r.get::<_, bool>(0),
            )?,
            None => false,
        };
        if listed {
            report.already_listed += 1;
            report
                .notes
                .push(row_error(line, "name", "already signed up: left as it is"));
            continue;
        }
        if known.is_some() {
            report.known += 1;
        } else {
            report.new_contacts += 1;
        }
        report.consents += usize::from(!email.is_empty()) + usize::from(!phone.is_empty());
        rows.push(Checked { name, email, phone });
    }
    if report.consents > 0 && report.wording_version.is_none() {
        report.errors.push(row_error(
            1,
            "file",
            "the file records consents, but there is no consent wording yet: an organizer writes it first",
        ));
    }
    Ok(Plan { report, rows })
}

/// What importing `text` into the event's list would do; writes nothing.
pub fn preview(conn: &Connection, event_id: &str, text: &str) -> Result<AttendeeImport> {
    let event = events::get(conn, event_id)?;
    Ok(plan(conn, &event, text)?.report)
}

/// Import the sign-ups: nothing when any row is bad (the report lists
/// them), otherwise every row in one transaction with one journal entry
/// for the file (counts and its SHA-256), besides each sign-up's and
/// consent's own.
pub fn import(
    store: &mut Store,
    actor: &Actor,
    event_id: &str,
    text: &str,
) -> Result<AttendeeImport> {
    let event = events::get(store.conn(), event_id)?;
    let checked = plan(store.conn(), &event, text)?;
    if !checked.report.errors.is_empty() {
        return Ok(checked.report);
    }
    store.write(actor, |tx| {
        // Planned again inside the transaction, on what is stored now.
        let Plan { mut report, rows } = plan(tx, &event, text)?;
        if !report.errors.is_empty() {
            return Err(Error::Conflict(
                "the attendee list changed while importing: preview the file again".into(),
            ));
        }
        for row in &rows {
            register::enlist(tx, &event, row, Source::Import)?;
        }
        tx.journal(
            "attendees.imported",
            "event",
            &event.id,
            serde_json::json!({
                "rows": report.rows, "new_contacts": report.new_contacts, "known": report.known,
                "already_listed": report.already_listed, "consents": report.consents,
                "suppressed": report.suppressed, "sha256": report.sha256,
            }),
        )?;
        report.applied = true;
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_known_by_common_spellings() {
        assert_eq!(column_for(" Nickname "), Some("name"));
        assert_eq!(column_for("E-mail"), Some("email"));
        assert_eq!(column_for("News by SMS"), Some("sms_consent"));
        assert_eq!(column_for("date of birth"), None);
    }

    #[test]
    fn consent_cells_read_yes_or_no_and_nothing_else() {
        assert_eq!(parse_yes(" Yes "), Ok(true));
        assert_eq!(parse_yes(""), Ok(false));
        assert!(parse_yes("maybe").is_err());
    }
}
