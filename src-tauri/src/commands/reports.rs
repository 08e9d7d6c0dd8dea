//! Commands of the Reports and Export screens and the footfall tally.

use popup_till_core::reporting::compare::{self, ComparisonRow};
use popup_till_core::reporting::export::{self, ExportRequest, ExportResult, Progress};
use popup_till_core::reporting::report::{self, EventReport, ReportHead};
use popup_till_core::reporting::scope::Scope;
use popup_till_core::reporting::visitors;
use popup_till_core::shop::people::ApprovalRequest;
use tauri::ipc::Channel;
use tauri::State;

use super::Reply;
use crate::app::AppState;

/// The event's report as the person at the till may see it (a cashier does
/// not see what an open drawer should hold).
#[tauri::command(async)]
pub fn event_report(
    state: State<'_, AppState>,
    event_id: String,
    include_practice: bool,
) -> Reply<EventReport> {
    let person = state.actor().ok().map(|actor| actor.id);
    state.with_store(|store| {
        let viewer = report::Viewer::of(store.conn(), person.as_deref())?;
        report::report_seen_by(
            store.conn(),
            &Scope::Event(event_id),
            include_practice,
            viewer,
        )
    })
}

/// What the Reports screen draws first: the event's big figures and its
/// sales by hour (`report::report_head`), read without the lines.
#[tauri::command(async)]
pub fn event_report_head(
    state: State<'_, AppState>,
    event_id: String,
    include_practice: bool,
) -> Reply<ReportHead> {
    state.with_store(|store| {
        report::report_head(store.conn(), &Scope::Event(event_id), include_practice)
    })
}

/// Events side by side: every open or closed one, or only `event_ids`
/// (the one whose figures just changed on the Reports screen).
#[tauri::command(async)]
pub fn compare_events(
    state: State<'_, AppState>,
    include_practice: bool,
    event_ids: Option<Vec<String>>,
) -> Reply<Vec<ComparisonRow>> {
    let ids = event_ids.unwrap_or_default();
    state.with_store(|store| compare::compare(store.conn(), &ids, include_practice))
}

#[tauri::command(async)]
pub fn event_visitors(state: State<'_, AppState>, event_id: String) -> Reply<i64> {
    state.with_store(|store| visitors::visitors(store.conn(), &event_id))
}

/// The "+1 visitor" tap.
#[tauri::command(async)]
pub fn count_visitor(state: State<'_, AppState>, event_id: String) -> Reply<i64> {
    state.write(|tx| visitors::record_visitors(tx, &event_id, 1, false))
}

/// A counted number of visitors typed in, or a correction (negative).
#[tauri::command(async)]
pub fn enter_visitors(state: State<'_, AppState>, event_id: String, count: String) -> Reply<i64> {
    state.write(|tx| visitors::enter_visitors(tx, &event_id, &count))
}

/// The folder the core proposes for an export inside the chosen `parent`.
#[tauri::command(async)]
pub fn suggest_export_folder(
    state: State<'_, AppState>,
    parent: String,
    event_id: Option<String>,
    from: String,
    to: String,
) -> Reply<String> {
    state.with_store(|store| {
        export::suggested_folder(store.conn(), &parent, event_id.as_deref(), &from, &to)
    })
}

#[tauri::command(async)]
pub fn export_package(
    state: State<'_, AppState>,
    input: ExportRequest,
    on_progress: Channel<Progress>,
    approval: Option<ApprovalRequest>,
) -> Reply<ExportResult> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        export::export_with_pin(
            store,
            &actor,
            &approval,
            &input.options()?,
            &mut |p: &Progress| {
                // A closed window just stops hearing about progress.
                let _ = on_progress.send(p.clone());
                true
            },
        )
    })
}
