//! Commands of the Stock screen: the catalog (search, product form,
//! archive, CSV and workbook import, CSV export) and the stock flows (receive, transfer,
//! adjust, count, waste), history and the per-event picture. Each is one
//! call into the core.

use popup_till_core::catalog::refill::{self, RefillFields, RefillSettings};
use popup_till_core::catalog::spreadsheet::{self, ImportProgress, ImportReport};
use popup_till_core::catalog::{self, Product, ProductInput, Removal};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::shop::roles::{self, Action};
use popup_till_core::stock::flows::{
    self, AdjustInput, CountInput, CountResult, ReceiveInput, StockDocument, TransferInput,
    WasteInput,
};
use popup_till_core::stock::tally::{self, CountPreview, CountTally, TallyInput};
use popup_till_core::stock::views::{
    self, EventStockLine, HistoryLine, SourceDocument, StockFilter, StockList, StockRow,
};
use popup_till_core::Error;
use tauri::ipc::{Channel, InvokeBody, Request};
use tauri::State;

use super::Reply;
use crate::app::AppState;

#[tauri::command(async)]
pub fn stock_list(state: State<'_, AppState>, filter: StockFilter) -> Reply<StockList> {
    state.with_store(|store| views::list(store.conn(), &filter))
}

#[tauri::command(async)]
pub fn stock_product(state: State<'_, AppState>, product_id: String) -> Reply<StockRow> {
    state.with_store(|store| views::stock_row(store.conn(), &product_id))
}

#[tauri::command(async)]
pub fn catalog_search(
    state: State<'_, AppState>,
    query: String,
    limit: usize,
) -> Reply<Vec<Product>> {
    state.with_store(|store| catalog::search(store.conn(), &query, limit))
}

#[tauri::command(async)]
pub fn catalog_lookup_code(state: State<'_, AppState>, code: String) -> Reply<Option<Product>> {
    state.with_store(|store| catalog::find_by_code(store.conn(), &code))
}

#[tauri::command(async)]
pub fn save_product(
    state: State<'_, AppState>,
    id: Option<String>,
    input: ProductInput,
    approval: Option<ApprovalRequest>,
) -> Reply<Product> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        roles::approved_write(store, &actor, Action::EditProduct, &approval, |tx, ok| {
            catalog::save(tx, ok, id.as_deref(), &input)
        })
    })
}

/// A product's scale item code, container tare and deposit.
#[tauri::command(async)]
pub fn refill_fields(state: State<'_, AppState>, id: String) -> Reply<RefillFields> {
    state.with_store(|store| refill::fields(store.conn(), &id))
}

/// Change a product's refill fields: a catalog change, an organizer's.
#[tauri::command(async)]
pub fn save_refill_fields(
    state: State<'_, AppState>,
    id: String,
    input: RefillFields,
    approval: Option<ApprovalRequest>,
) -> Reply<RefillFields> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        roles::approved_write(store, &actor, Action::EditProduct, &approval, |tx, ok| {
            refill::set_fields(tx, ok, &id, &input)
        })
    })
}

/// The scale label layouts and how deposits are taxed.
#[tauri::command(async)]
pub fn refill_settings(state: State<'_, AppState>) -> Reply<RefillSettings> {
    state.with_store(|store| refill::settings(store.conn()))
}

/// Change the refill settings: settings are an organizer's.
#[tauri::command(async)]
pub fn save_refill_settings(
    state: State<'_, AppState>,
    input: RefillSettings,
    approval: Option<ApprovalRequest>,
) -> Reply<RefillSettings> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        roles::approved_write(store, &actor, Action::Settings, &approval, |tx, ok| {
            refill::save_settings(tx, ok, &input)
        })
    })
}

#[tauri::command(async)]
pub fn set_product_archived(
    state: State<'_, AppState>,
    id: String,
    archived: bool,
    approval: Option<ApprovalRequest>,
) -> Reply<Product> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        roles::approved_write(store, &actor, Action::RemoveProduct, &approval, |tx, ok| {
            catalog::set_archived(tx, ok, &id, archived)
        })
    })
}

#[tauri::command(async)]
pub fn remove_product(
    state: State<'_, AppState>,
    id: String,
    approval: Option<ApprovalRequest>,
) -> Reply<Removal> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        roles::approved_write(store, &actor, Action::RemoveProduct, &approval, |tx, ok| {
            catalog::remove(tx, ok, &id)
        })
    })
}

/// A catalog file chosen on the Stock screen, sent as its raw bytes: the
/// text the import reads (the first sheet of an `.xlsx` or `.ods` workbook,
/// or UTF-8 CSV), or what is wrong with the file.
#[tauri::command(async)]
pub fn read_catalog_file(state: State<'_, AppState>, request: Request<'_>) -> Reply<String> {
    state.with_store(|_| match request.body() {
        InvokeBody::Raw(bytes) => spreadsheet::read_file(bytes).map_err(|bad| {
            Error::validation("file", format!("line {}: {}", bad.line, bad.message))
        }),
        InvokeBody::Json(_) => Err(Error::validation(
            "file",
            "arrived as no file: send the file's bytes",
        )),
    })
}

#[tauri::command(async)]
pub fn preview_catalog_import(
    state: State<'_, AppState>,
    text: String,
    on_progress: Channel<ImportProgress>,
) -> Reply<ImportReport> {
    state.with_store(|store| {
        spreadsheet::preview(store.conn(), &text, &mut |p| {
            // A window that went away stops listening; the import goes on.
            let _ = on_progress.send(p);
        })
    })
}

#[tauri::command(async)]
pub fn import_catalog(
    state: State<'_, AppState>,
    text: String,
    on_progress: Channel<ImportProgress>,
    approval: Option<ApprovalRequest>,
) -> Reply<ImportReport> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        let ok = roles::approve(store, Action::ImportCatalog, &approval)?;
        spreadsheet::import(store, &actor, &ok, &text, &mut |p| {
            let _ = on_progress.send(p);
        })
    })
}

#[tauri::command(async)]
pub fn export_catalog(state: State<'_, AppState>) -> Reply<String> {
    let folder = dirs::download_dir()
        .or_else(dirs::document_dir)
        .or_else(|| state.db_path.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_default();
    state.with_store(|store| {
        spreadsheet::export_to_folder(store.conn(), &folder).map(|p| p.display().to_string())
    })
}

#[tauri::command(async)]
pub fn receive_stock(state: State<'_, AppState>, input: ReceiveInput) -> Reply<StockDocument> {
    state.write(|tx| flows::receive(tx, &input))
}

#[tauri::command(async)]
pub fn transfer_stock(state: State<'_, AppState>, input: TransferInput) -> Reply<StockDocument> {
    state.write(|tx| flows::transfer(tx, &input))
}

#[tauri::command(async)]
pub fn adjust_stock(
    state: State<'_, AppState>,
    input: AdjustInput,
    approval: Option<ApprovalRequest>,
) -> Reply<StockDocument> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| flows::adjust_with_pin(store, &actor, &approval, &input))
}

#[tauri::command(async)]
pub fn count_stock(
    state: State<'_, AppState>,
    input: CountInput,
    approval: Option<ApprovalRequest>,
) -> Reply<CountResult> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| flows::count_with_pin(store, &actor, &approval, &input))
}

/// What saving a count would record, and whether it records a loss
/// (nothing is saved).
#[tauri::command(async)]
pub fn preview_stock_count(state: State<'_, AppState>, input: CountInput) -> Reply<CountPreview> {
    state.with_store(|store| tally::preview(store.conn(), &input))
}

/// The running tally of one count line while counting (nothing is saved).
#[tauri::command(async)]
pub fn count_tally(line: TallyInput) -> Reply<CountTally> {
    Ok(tally::tally(&line))
}

#[tauri::command(async)]
pub fn waste_stock(
    state: State<'_, AppState>,
    input: WasteInput,
    approval: Option<ApprovalRequest>,
) -> Reply<StockDocument> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        roles::approved_write(store, &actor, Action::WasteStock, &approval, |tx, ok| {
            flows::waste(tx, ok, &input)
        })
    })
}

#[tauri::command(async)]
pub fn adjust_reasons() -> Reply<Vec<&'static str>> {
    Ok(flows::ADJUST_REASONS.to_vec())
}

#[tauri::command(async)]
pub fn product_history(state: State<'_, AppState>, product_id: String) -> Reply<Vec<HistoryLine>> {
    state.with_store(|store| views::history(store.conn(), &product_id))
}

#[tauri::command(async)]
pub fn stock_document(
    state: State<'_, AppState>,
    source_type: String,
    source_id: String,
) -> Reply<SourceDocument> {
    state.with_store(|store| views::source_document(store.conn(), &source_type, &source_id))
}

#[tauri::command(async)]
pub fn event_stock_picture(
    state: State<'_, AppState>,
    event_id: String,
) -> Reply<Vec<EventStockLine>> {
    state.with_store(|store| views::event_picture(store.conn(), &event_id))
}
