//! The till's commands: sessions (open, cash in/out, close with its Z
//! report), building and completing sales, voids, receipts and parked
//! carts, scale labels, shop containers and deposits brought back. Each is
//! one call into a module of `popup_till_core::till` (or the catalog's
//! `refill`).

use popup_till_core::catalog::refill::{self, Container};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::cart::{Addition, CartInput};
use popup_till_core::till::deposits::{self, DepositReturnInput, DepositReturned, Returnable};
use popup_till_core::till::lookup::{self, TillProduct};
use popup_till_core::till::overview::{self, TillOverview};
use popup_till_core::till::quote::{self, AddedToCart, Quote, ScanOutcome};
use popup_till_core::till::receipt::{self, Receipt};
use popup_till_core::till::sale::{self, Completed, PaymentInput};
use popup_till_core::till::session::{self, CashKind, CloseInput, CountInput, OpenInput, Session};
use popup_till_core::till::z_report::{self, ZReport};
use popup_till_core::till::{parked, void};
use tauri::State;

use super::ApiError;
use crate::app::AppState;

type Reply<T> = Result<T, ApiError>;

#[tauri::command(async)]
pub fn till_overview(state: State<'_, AppState>) -> Reply<TillOverview> {
    state.with_store(|store| overview::till_overview(store.conn(), store.device_id()))
}

/// Open the till; a float above the shop's limit needs an organizer's PIN
/// (the page asks for it when the core answers `unauthorized`).
#[tauri::command(async)]
pub fn open_till_session(
    state: State<'_, AppState>,
    input: OpenInput,
    approval: Option<ApprovalRequest>,
) -> Reply<Session> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| session::open_with_pin(store, &actor, &input, &approval))
}

/// Paid in, paid out or a drop; above the shop's limit an organizer's PIN.
#[tauri::command(async)]
pub fn move_till_cash(
    state: State<'_, AppState>,
    kind: CashKind,
    amount: String,
    reason: String,
    approval: Option<ApprovalRequest>,
) -> Reply<String> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| {
        session::move_cash_with_pin(store, &actor, kind, &amount, &reason, &approval)
    })
}

#[tauri::command(async)]
pub fn close_till_session(state: State<'_, AppState>, input: CloseInput) -> Reply<ZReport> {
    let actor = state.actor()?;
    state.with_store(|store| session::close_with_checkpoint(store, &actor, &input))
}

/// The reason for a variance, given after the count is in.
#[tauri::command(async)]
pub fn give_till_count_reason(
    state: State<'_, AppState>,
    session_id: String,
    reason: String,
) -> Reply<ZReport> {
    state.write(|tx| session::give_reason(tx, &session_id, &reason))
}

/// Count a closed drawer again: an organizer approves.
#[tauri::command(async)]
pub fn recount_till_session(
    state: State<'_, AppState>,
    session_id: String,
    input: CountInput,
    approval: Option<ApprovalRequest>,
) -> Reply<ZReport> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| {
        session::recount_with_pin(store, &actor, &session_id, &input, &approval)
    })
}

#[tauri::command(async)]
pub fn z_report(state: State<'_, AppState>, id: String) -> Reply<ZReport> {
    state.with_store(|store| z_report::z_report(store.conn(), &id))
}

#[tauri::command(async)]
pub fn till_search(state: State<'_, AppState>, query: String) -> Reply<Vec<TillProduct>> {
    state.with_store(|store| lookup::search_products(store.conn(), &query))
}

#[tauri::command(async)]
pub fn till_scan(state: State<'_, AppState>, code: String) -> Reply<Option<TillProduct>> {
    state.with_store(|store| lookup::scan_product(store.conn(), &code))
}

/// The shop's containers (jars, bottles) with their tare.
#[tauri::command(async)]
pub fn till_containers(state: State<'_, AppState>) -> Reply<Vec<Container>> {
    state.with_store(|store| refill::containers(store.conn()))
}

/// The deposits the till can take back, with what is out with customers.
#[tauri::command(async)]
pub fn deposit_returnable(state: State<'_, AppState>) -> Reply<Vec<Returnable>> {
    state.with_store(|store| deposits::returnable(store.conn()))
}

/// Containers brought back on their own: the deposit paid out in cash.
#[tauri::command(async)]
pub fn return_deposit(
    state: State<'_, AppState>,
    input: DepositReturnInput,
) -> Reply<DepositReturned> {
    state.write(|tx| deposits::return_on_its_own(tx, &input))
}

#[tauri::command(async)]
pub fn quote_cart(state: State<'_, AppState>, cart: CartInput) -> Reply<Quote> {
    let at_till = state.at_till()?;
    let quote =
        state.with_store(|store| quote::quote_at_till(store.conn(), &cart, at_till.as_ref()))?;
    state.on_counter(Some(&cart))?;
    Ok(quote)
}

#[tauri::command(async)]
pub fn cart_add(
    state: State<'_, AppState>,
    cart: CartInput,
    addition: Addition,
) -> Reply<AddedToCart> {
    let at_till = state.at_till()?;
    let added = state
        .with_store(|store| quote::add_to_cart(store.conn(), &cart, &addition, at_till.as_ref()))?;
    state.on_counter(Some(&added.cart))?;
    Ok(added)
}

/// A scanned code looked up and added to the cart in one call (see
/// `quote::scan_into_cart`): one round trip per scan, and the person at
/// the till checked once.
#[tauri::command(async)]
pub fn cart_scan(
    state: State<'_, AppState>,
    cart: CartInput,
    code: String,
    quantity: Option<String>,
    tare: Option<i64>,
) -> Reply<Option<ScanOutcome>> {
    let (actor, at_till) = state.at_till_checked()?;
    let scanned = state.with_store_open(|store| {
        quote::scan_into_cart(
            store.conn(),
            &cart,
            &code,
            quantity.as_deref().unwrap_or(""),
            tare,
            at_till.as_ref(),
        )
    })?;
    if let Some(ScanOutcome::Item(item)) = &scanned {
        if let Some(added) = &item.added {
            state.keep_on_counter(actor, &added.cart)?;
        }
    }
    Ok(scanned)
}

#[tauri::command(async)]
pub fn tender_face(state: State<'_, AppState>, tendered: String, face: String) -> Reply<String> {
    state.with_store(|store| sale::tender_face(store.conn(), &tendered, &face))
}

#[tauri::command(async)]
pub fn complete_sale(
    state: State<'_, AppState>,
    cart: CartInput,
    payments: Vec<PaymentInput>,
    approval: Option<ApprovalRequest>,
) -> Reply<Completed> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    let done = state
        .with_store(|store| sale::complete_with_pin(store, &actor, &cart, &payments, &approval))?;
    state.on_counter(None)?;
    Ok(done)
}

#[tauri::command(async)]
pub fn void_sale(
    state: State<'_, AppState>,
    sale_id: String,
    reason: String,
    approval: Option<ApprovalRequest>,
) -> Reply<String> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| void::void_with_pin(store, &actor, &sale_id, &reason, &approval))
}

#[tauri::command(async)]
pub fn sale_receipt(state: State<'_, AppState>, sale_id: String) -> Reply<Receipt> {
    state.with_store(|store| receipt::receipt(store.conn(), &sale_id))
}

#[tauri::command(async)]
pub fn park_cart(state: State<'_, AppState>, cart: CartInput, label: String) -> Reply<String> {
    let id = state.write(|tx| parked::park(tx, &cart, &label))?;
    state.on_counter(None)?;
    Ok(id)
}

#[tauri::command(async)]
pub fn resume_parked_cart(state: State<'_, AppState>, id: String) -> Reply<CartInput> {
    state.write(|tx| parked::unpark(tx, &id, false))
}

#[tauri::command(async)]
pub fn cancel_parked_cart(state: State<'_, AppState>, id: String) -> Reply<CartInput> {
    state.write(|tx| parked::unpark(tx, &id, true))
}
