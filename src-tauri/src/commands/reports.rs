//! Commands of the Reports and Export screens and the footfall tally.

use popup_till_core::reporting::export::{self, ExportRequest, ExportResult, Progress};
use popup_till_core::reporting::report::{self, ComparisonRow, EventReport, Scope};
use tauri::ipc::Channel;
use tauri::State;

use super::Reply;
use crate::app::AppState;

#[tauri::command(async)]
pub fn event_report(
    state: State<'_, AppState>,
    event_id: String,
    include_practice: bool,
) -> Reply<EventReport> {
    state
        .with_store(|store| report::report(store.conn(), &Scope::Event(event_id), include_practice))
}

#[tauri::command(async)]
pub fn compare_events(
    state: State<'_, AppState>,
    include_practice: bool,
) -> Reply<Vec<ComparisonRow>> {
    state.with_store(|store| report::compare(store.conn(), &[], include_practice))
}

#[tauri::command(async)]
pub fn event_visitors(state: State<'_, AppState>, event_id: String) -> Reply<i64> {
    state.with_store(|store| report::visitors(store.conn(), &event_id))
}

/// The "+1 visitor" tap.
#[tauri::command(async)]
pub fn count_visitor(state: State<'_, AppState>, event_id: String) -> Reply<i64> {
    state.write(|tx| report::record_visitors(tx, &event_id, 1, false))
}

/// A counted number of visitors typed in, or a correction (negative).
#[tauri::command(async)]
pub fn enter_visitors(state: State<'_, AppState>, event_id: String, count: String) -> Reply<i64> {
    state.write(|tx| report::enter_visitors(tx, &event_id, &count))
}

#[tauri::command(async)]
pub fn export_package(
    state: State<'_, AppState>,
    input: ExportRequest,
    on_progress: Channel<Progress>,
) -> Reply<ExportResult> {
    let actor = state.actor()?;
    state.with_store(|store| {
        export::export(store, &actor, &input.options()?, &mut |p: &Progress| {
            // A closed window just stops hearing about progress.
            let _ = on_progress.send(p.clone());
            true
        })
    })
}
