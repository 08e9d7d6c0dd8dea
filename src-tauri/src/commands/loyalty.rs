//! The loyalty commands: a card looked up by its code, the programme read
//! and set (by an organizer), and a sheet of new cards to print. Each is
//! one call into `popup_till_core::loyalty`.

use popup_till_core::loyalty::{self, program, CardSheet, CardView};
use popup_till_core::shop::people::ApprovalRequest;
use tauri::State;

use super::ApiError;
use crate::app::AppState;

type Reply<T> = Result<T, ApiError>;

/// A card's code as scanned or typed: genuine or not, its balance, ledger
/// and the rewards it can have.
#[tauri::command(async)]
pub fn loyalty_card(state: State<'_, AppState>, code: String) -> Reply<CardView> {
    state.with_store(|store| loyalty::card(store.conn(), &code))
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
