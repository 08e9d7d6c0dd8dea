//! The window's commands for several tills: the tills this file knows, a
//! till file for another laptop, merging another till's file back, and
//! what only shows after a merge (flagged on the event's home).

use std::path::Path;

use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::tills::{self, clone, flags, merge};
use tauri::State;

use super::Reply;
use crate::app::AppState;

#[tauri::command(async)]
pub fn list_tills(state: State<'_, AppState>) -> Reply<Vec<tills::Till>> {
    state.with_store(|store| tills::tills(store.conn()))
}

#[tauri::command(async)]
pub fn clone_till(
    state: State<'_, AppState>,
    code: String,
    file: String,
    approval: Option<ApprovalRequest>,
) -> Reply<clone::CloneReport> {
    let approval = state.approval(approval)?;
    state.with_store(|store| clone::clone_till_with_pin(store, &approval, &code, Path::new(&file)))
}

#[tauri::command(async)]
pub fn merge_till_file(
    state: State<'_, AppState>,
    file: String,
    approval: Option<ApprovalRequest>,
) -> Reply<merge::MergeReport> {
    let approval = state.approval(approval)?;
    state.with_store(|store| merge::merge_file_with_pin(store, &approval, Path::new(&file)))
}

#[tauri::command(async)]
pub fn merge_flags(state: State<'_, AppState>, event_id: String) -> Reply<Vec<flags::OverRefund>> {
    state.with_store(|store| flags::over_refunded(store.conn(), &event_id))
}

/// After a merge: cards whose rewards, redeemed on two tills, spent the
/// same stamps twice.
#[tauri::command(async)]
pub fn reward_flags(
    state: State<'_, AppState>,
    event_id: String,
) -> Reply<Vec<tills::reward_flags::RewardUsedTwice>> {
    state.with_store(|store| tills::reward_flags::rewards_used_twice(store.conn(), &event_id))
}
