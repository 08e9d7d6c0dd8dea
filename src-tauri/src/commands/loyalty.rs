//! The loyalty commands: a card looked up by its code, the programme read
//! and set (by an organizer), a sheet of new cards to print, who came back
//! across events, an event's moments, and a card linked to an attendee
//! with their consent. Each is one call into
//! `popup_till_core::loyalty`, `reporting::loyalty` or `shop::moments`.

use popup_till_core::loyalty::{self, link, program, CardSheet, CardView};
use popup_till_core::reporting::loyalty::{cohorts, Cohort};
use popup_till_core::reporting::report::Viewer;
use popup_till_core::shop::moments::{self, Moment, MomentInput};
use popup_till_core::shop::people::ApprovalRequest;
use tauri::State;

use super::ApiError;
use crate::app::AppState;

type Reply<T> = Result<T, ApiError>;

/// A card's code as scanned or typed: genuine or not, its balance, ledger
/// and the rewards it can have; whether it is linked to an attendee, and
/// to whom only for an organizer.
#[tauri::command(async)]
pub fn loyalty_card(state: State<'_, AppState>, code: String) -> Reply<CardView> {
    let person = state.actor().ok().map(|actor| actor.id);
    state.with_store(|store| {
        let viewer = Viewer::of(store.conn(), person.as_deref())?;
        loyalty::card(store.conn(), &code, viewer)
    })
}

#[tauri::command(async)]
pub fn loyalty_program(state: State<'_, AppState>) -> Reply<program::Program> {
    state.with_store(|store| program::load(store.conn()))
}

/// Set the programme: an organizer's (the page asks for the PIN when the
/// core says one is needed).
#[tauri::command(async)]
pub fn save_loyalty_program(
    state: State<'_, AppState>,
    program: program::Program,
    approval: Option<ApprovalRequest>,
) -> Reply<program::Program> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| program::save_with_pin(store, &actor, &approval, &program))
}

/// A sheet of `count` new cards: their codes and QR codes to print.
#[tauri::command(async)]
pub fn loyalty_cards_sheet(state: State<'_, AppState>, count: usize) -> Reply<CardSheet> {
    let actor = state.actor()?;
    state.with_store(|store| loyalty::sheet::print(store, &actor, count))
}

/// Across every event: each event's newcomers and the later events they
/// were seen again at.
#[tauri::command(async)]
pub fn loyalty_cohorts(state: State<'_, AppState>) -> Reply<Vec<Cohort>> {
    state.with_store(|store| cohorts(store.conn()))
}

#[tauri::command(async)]
pub fn list_moments(state: State<'_, AppState>, event_id: String) -> Reply<Vec<Moment>> {
    state.with_store(|store| moments::list(store.conn(), &event_id))
}

/// A moment inside an event: a name and a window of its local time.
#[tauri::command(async)]
pub fn add_moment(
    state: State<'_, AppState>,
    event_id: String,
    input: MomentInput,
) -> Reply<Moment> {
    state.write(|tx| moments::add(tx, &event_id, &input))
}

/// Change a moment's name or window: an organizer's.
#[tauri::command(async)]
pub fn update_moment(
    state: State<'_, AppState>,
    moment_id: String,
    input: MomentInput,
    approval: Option<ApprovalRequest>,
) -> Reply<Moment> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| moments::update_with_pin(store, &actor, &approval, &moment_id, &input))
}

/// Remove a moment (it drops out of the report): an organizer's.
#[tauri::command(async)]
pub fn remove_moment(
    state: State<'_, AppState>,
    moment_id: String,
    approval: Option<ApprovalRequest>,
) -> Reply<()> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| moments::remove_with_pin(store, &actor, &approval, &moment_id))
}

/// Link a loyalty card (its code scanned or typed) to a contact: refused
/// unless they agreed, now (`consent`) or before.
#[tauri::command(async)]
pub fn link_card(
    state: State<'_, AppState>,
    contact_id: String,
    code: String,
    consent: bool,
) -> Reply<link::Linked> {
    state.write(|tx| link::link(tx, &contact_id, &code, consent))
}

/// Unlink a card from the contact.
#[tauri::command(async)]
pub fn unlink_card(state: State<'_, AppState>, contact_id: String, card: String) -> Reply<()> {
    state.write(|tx| link::unlink(tx, &contact_id, &card))
}

/// Withdraw the contact's consent to a linked card: every card of theirs
/// is unlinked. Returns how many.
#[tauri::command(async)]
pub fn withdraw_card_consent(state: State<'_, AppState>, contact_id: String) -> Reply<usize> {
    state.write(|tx| link::withdraw_consent(tx, &contact_id))
}
