//! Commands of the task flows and pre-orders: templates, an event's flow,
//! sign-offs and skips, erasing signers' names, and handing over orders.
//! One core call each.

use popup_till_core::orders::{self, Order};
use popup_till_core::shop::events::{Event, EventInput};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::shop::roles::{self, Action};
use popup_till_core::tasks::{self, Flow, SignInput, Step, StepEdit, Template, TemplateInput};
use tauri::State;

use super::Reply;
use crate::app::AppState;

#[tauri::command(async)]
pub fn list_task_templates(state: State<'_, AppState>) -> Reply<Vec<Template>> {
    state.with_store(|store| tasks::list_templates(store.conn()))
}

#[tauri::command(async)]
pub fn create_task_template(state: State<'_, AppState>, input: TemplateInput) -> Reply<Template> {
    state.write(|tx| tasks::create_template(tx, &input))
}

#[tauri::command(async)]
pub fn save_task_template(
    state: State<'_, AppState>,
    id: String,
    input: TemplateInput,
) -> Reply<Template> {
    state.write(|tx| tasks::save_template(tx, &id, &input))
}

#[tauri::command(async)]
pub fn duplicate_task_template(state: State<'_, AppState>, id: String) -> Reply<Template> {
    state.write(|tx| tasks::duplicate_template(tx, &id))
}

#[tauri::command(async)]
pub fn delete_task_template(
    state: State<'_, AppState>,
    id: String,
    approval: Option<ApprovalRequest>,
) -> Reply<()> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        roles::approved_write(
            store,
            &actor,
            Action::DeleteTemplate,
            &approval,
            |tx, ok| tasks::delete_template(tx, ok, &id),
        )
    })
}

#[tauri::command(async)]
pub fn export_task_template(state: State<'_, AppState>, id: String) -> Reply<String> {
    state.with_store(|store| tasks::export_template(store.conn(), &id))
}

#[tauri::command(async)]
pub fn import_task_template(state: State<'_, AppState>, text: String) -> Reply<Template> {
    state.write(|tx| tasks::import_template(tx, &text))
}

/// Whether a template file of `bytes` may be imported: asked before the
/// window reads a chosen file, so a huge one never enters the page and the
/// limit and its message stay in the core.
#[tauri::command]
pub fn check_task_template_file_size(bytes: u64) -> Reply<()> {
    Ok(tasks::check_file_size(bytes)?)
}

#[tauri::command(async)]
pub fn create_event_with_flow(
    state: State<'_, AppState>,
    input: EventInput,
    template_id: Option<String>,
) -> Reply<Event> {
    state.write(|tx| tasks::create_event_with_flow(tx, &input, template_id.as_deref()))
}

#[tauri::command(async)]
pub fn create_task_flow(
    state: State<'_, AppState>,
    event_id: String,
    template_id: String,
) -> Reply<Vec<Step>> {
    state.write(|tx| tasks::create_flow(tx, &event_id, &template_id))
}

#[tauri::command(async)]
pub fn task_flow(state: State<'_, AppState>, event_id: String) -> Reply<Flow> {
    state.with_store(|store| tasks::flow(store, &event_id))
}

/// Sign a step as the person at the till; a two-person step's second
/// person comes with their own PIN in `input`.
#[tauri::command(async)]
pub fn sign_task(
    state: State<'_, AppState>,
    task_id: String,
    input: SignInput,
    approval: Option<ApprovalRequest>,
) -> Reply<Step> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| tasks::sign_with_pin(store, &actor, &task_id, &input, &approval))
}

#[tauri::command(async)]
pub fn skip_task(
    state: State<'_, AppState>,
    task_id: String,
    reason: String,
    approval: Option<ApprovalRequest>,
) -> Reply<Step> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| tasks::skip_with_pin(store, &actor, &task_id, &reason, &approval))
}

/// Erase the signers' names of a closed event; answers `approval_needed`
/// until an organizer approves. Returns how many names were erased.
#[tauri::command(async)]
pub fn erase_task_signer_names(
    state: State<'_, AppState>,
    event_id: String,
    approval: Option<ApprovalRequest>,
) -> Reply<usize> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state
        .with_store(|store| tasks::erase_signer_names_with_pin(store, &actor, &approval, &event_id))
}

#[tauri::command(async)]
pub fn edit_task(state: State<'_, AppState>, task_id: String, edit: StepEdit) -> Reply<Step> {
    state.write(|tx| tasks::edit_step(tx, &task_id, &edit))
}

#[tauri::command(async)]
pub fn list_orders(
    state: State<'_, AppState>,
    event_id: Option<String>,
    open_only: bool,
) -> Reply<Vec<Order>> {
    state.with_store(|store| orders::list(store.conn(), event_id.as_deref(), open_only))
}

#[tauri::command(async)]
pub fn fulfil_order(
    state: State<'_, AppState>,
    order_id: String,
    quantity: Option<String>,
) -> Reply<Order> {
    state.write(|tx| orders::fulfil_typed(tx, &order_id, quantity.as_deref().unwrap_or("")))
}

#[tauri::command(async)]
pub fn order_retention_days(state: State<'_, AppState>) -> Reply<i64> {
    state.with_store(|store| orders::retention_days(store.conn()))
}

#[tauri::command(async)]
pub fn save_order_retention(
    state: State<'_, AppState>,
    days: String,
    approval: Option<ApprovalRequest>,
) -> Reply<i64> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| orders::set_retention_with_pin(store, &actor, &approval, &days))
}

#[tauri::command(async)]
pub fn purge_order_contacts(state: State<'_, AppState>) -> Reply<usize> {
    let actor = state.actor()?;
    state.with_store(|store| orders::purge_due_contacts(store, &actor))
}
