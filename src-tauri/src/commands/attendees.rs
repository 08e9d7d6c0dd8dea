//! Commands of the Attendees screen and the till's consent after a sale:
//! the event's list, sign-up and check-in, the import of sign-ups, the
//! contacts and their page, consent and withdrawal, the wording versions,
//! the marketing export, a contact's data file, erasure and the retention
//! period of inactive contacts.

use std::path::PathBuf;

use popup_till_core::attendees::consent::{self, Given, TillConsent, TillConsentInput, Wording};
use popup_till_core::attendees::contacts::{self, ContactPage, ContactSummary};
use popup_till_core::attendees::import::{self, AttendeeImport};
use popup_till_core::attendees::mailing::{self, MailingExport};
use popup_till_core::attendees::register::{self, Attendee, AttendeeList, SignUpInput};
use popup_till_core::attendees::rights::{self, Erased};
use popup_till_core::attendees::{Channel, WithdrawHow};
use popup_till_core::shop::people::ApprovalRequest;
use tauri::State;

use super::Reply;
use crate::app::AppState;

#[tauri::command(async)]
pub fn attendee_list(state: State<'_, AppState>, event_id: String) -> Reply<AttendeeList> {
    state.with_store(|store| register::list(store.conn(), &event_id))
}

#[tauri::command(async)]
pub fn sign_up_attendee(
    state: State<'_, AppState>,
    event_id: String,
    input: SignUpInput,
) -> Reply<Attendee> {
    state.write(|tx| register::sign_up(tx, &event_id, &input))
}

#[tauri::command(async)]
pub fn check_in_attendee(state: State<'_, AppState>, attendee_id: String) -> Reply<Attendee> {
    state.write(|tx| register::check_in(tx, &attendee_id))
}

/// Someone at the door who did not sign up.
#[tauri::command(async)]
pub fn check_in_walk_in(
    state: State<'_, AppState>,
    event_id: String,
    input: SignUpInput,
) -> Reply<Attendee> {
    state.write(|tx| register::walk_in(tx, &event_id, &input))
}

#[tauri::command(async)]
pub fn preview_attendee_import(
    state: State<'_, AppState>,
    event_id: String,
    text: String,
) -> Reply<AttendeeImport> {
    state.with_store(|store| import::preview(store.conn(), &event_id, &text))
}

#[tauri::command(async)]
pub fn import_attendees(
    state: State<'_, AppState>,
    event_id: String,
    text: String,
) -> Reply<AttendeeImport> {
    let actor = state.actor()?;
    state.with_store(|store| import::import(store, &actor, &event_id, &text))
}

#[tauri::command(async)]
pub fn list_contacts(state: State<'_, AppState>, query: String) -> Reply<Vec<ContactSummary>> {
    state.with_store(|store| contacts::list(store.conn(), &query))
}

#[tauri::command(async)]
pub fn contact_page(state: State<'_, AppState>, contact_id: String) -> Reply<ContactPage> {
    state.with_store(|store| contacts::page(store.conn(), &contact_id))
}

/// The contact a receipt's withdrawal code names.
#[tauri::command(async)]
pub fn find_contact_by_code(state: State<'_, AppState>, code: String) -> Reply<ContactPage> {
    state.with_store(|store| {
        let contact = contacts::find_by_code(store.conn(), &code)?;
        contacts::page(store.conn(), &contact.id)
    })
}

#[tauri::command(async)]
pub fn consent_wordings(state: State<'_, AppState>) -> Reply<Vec<Wording>> {
    state.with_store(|store| consent::wordings(store.conn()))
}

#[tauri::command(async)]
pub fn save_consent_wording(
    state: State<'_, AppState>,
    text: String,
    approval: Option<ApprovalRequest>,
) -> Reply<Wording> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| consent::write_wording_with_pin(store, &actor, &approval, &text))
}

/// The till's question after a sale, answered yes.
#[tauri::command(async)]
pub fn give_consent_at_till(
    state: State<'_, AppState>,
    input: TillConsentInput,
) -> Reply<TillConsent> {
    state.write(|tx| consent::give_at_till(tx, &input))
}

/// Consent given on the contact's page.
#[tauri::command(async)]
pub fn give_consent(
    state: State<'_, AppState>,
    contact_id: String,
    channel: String,
    address: String,
) -> Reply<Given> {
    state.write(|tx| consent::give_on_list(tx, &contact_id, &channel, &address))
}

/// Withdraw one channel's consent (both when `channel` is empty); `how`
/// says whether the contact was found by a receipt's code.
#[tauri::command(async)]
pub fn withdraw_consent(
    state: State<'_, AppState>,
    contact_id: String,
    channel: String,
    how: String,
) -> Reply<usize> {
    let channel = match channel.trim() {
        "" => None,
        text => Some(Channel::parse(text)?),
    };
    let how = WithdrawHow::parse(&how)?;
    state.write(|tx| consent::withdraw(tx, &contact_id, channel, how))
}

/// One contact's data as a JSON file in `folder`; returns its path.
#[tauri::command(async)]
pub fn save_contact_data(
    state: State<'_, AppState>,
    contact_id: String,
    folder: String,
) -> Reply<String> {
    let actor = state.actor()?;
    let path = state.with_store(|store| {
        rights::write_contact_data_in(store, &actor, &contact_id, &PathBuf::from(folder.trim()))
    })?;
    Ok(path.display().to_string())
}

#[tauri::command(async)]
pub fn erase_contact(
    state: State<'_, AppState>,
    contact_id: String,
    approval: Option<ApprovalRequest>,
) -> Reply<Erased> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| rights::erase_with_pin(store, &actor, &approval, &contact_id))
}

/// The marketing export of one channel into `folder`.
#[tauri::command(async)]
pub fn export_marketing(
    state: State<'_, AppState>,
    channel: String,
    folder: String,
    approval: Option<ApprovalRequest>,
) -> Reply<MailingExport> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        mailing::export_with_pin(
            store,
            &actor,
            &approval,
            &channel,
            &PathBuf::from(folder.trim()),
        )
    })
}

#[tauri::command(async)]
pub fn contact_retention_days(state: State<'_, AppState>) -> Reply<i64> {
    state.with_store(|store| rights::retention_days(store.conn()))
}

#[tauri::command(async)]
pub fn save_contact_retention(
    state: State<'_, AppState>,
    days: String,
    approval: Option<ApprovalRequest>,
) -> Reply<i64> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| rights::set_retention_with_pin(store, &actor, &approval, &days))
}
