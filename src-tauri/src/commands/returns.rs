//! The refund commands: finding the sale, what of it can come back, the
//! quote of a refund or an exchange, making them, and the refund receipt.
//! Each is one call into `popup_till_core::returns`.

use popup_till_core::returns::exchange::{self, ExchangeDone, ExchangeQuote};
use popup_till_core::returns::receipt::{self, RefundReceipt};
use popup_till_core::returns::{
    self, refund, FoundSale, RefundDone, RefundInput, RefundQuote, RefundableSale, SaleQuery,
};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::till::cart::CartInput;
use popup_till_core::till::sale::PaymentInput;
use tauri::State;

use super::ApiError;
use crate::app::AppState;

type Reply<T> = Result<T, ApiError>;

#[tauri::command(async)]
pub fn find_sales(state: State<'_, AppState>, query: SaleQuery) -> Reply<Vec<FoundSale>> {
    state.with_store(|store| returns::find_sales(store.conn(), store.device_id(), &query))
}

#[tauri::command(async)]
pub fn refundable_sale(state: State<'_, AppState>, sale_id: String) -> Reply<RefundableSale> {
    state.with_store(|store| returns::refundable_sale(store.conn(), store.device_id(), &sale_id))
}

#[tauri::command(async)]
pub fn quote_refund(state: State<'_, AppState>, input: RefundInput) -> Reply<RefundQuote> {
    let at_till = state.at_till()?;
    state.with_store(|store| {
        refund::quote(store.conn(), store.device_id(), &input, at_till.as_ref())
    })
}

/// Make a refund; above the limit, without a receipt or to another tender
/// an organizer's PIN (the page asks when the core says one is needed).
#[tauri::command(async)]
pub fn complete_refund(
    state: State<'_, AppState>,
    input: RefundInput,
    approval: Option<ApprovalRequest>,
) -> Reply<RefundDone> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| returns::refund_with_pin(store, &actor, &input, &approval))
}

#[tauri::command(async)]
pub fn quote_exchange(
    state: State<'_, AppState>,
    input: RefundInput,
    cart: CartInput,
) -> Reply<ExchangeQuote> {
    let at_till = state.at_till()?;
    state.with_store(|store| {
        exchange::quote(
            store.conn(),
            store.device_id(),
            &input,
            &cart,
            at_till.as_ref(),
        )
    })
}

/// Make an exchange: the returned lines and the cart in one transaction.
#[tauri::command(async)]
pub fn complete_exchange(
    state: State<'_, AppState>,
    input: RefundInput,
    cart: CartInput,
    payments: Vec<PaymentInput>,
    approval: Option<ApprovalRequest>,
) -> Reply<ExchangeDone> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    let done = state.with_store(|store| {
        exchange::exchange_with_pin(store, &actor, &input, &cart, &payments, &approval)
    })?;
    state.on_counter(None)?;
    Ok(done)
}

#[tauri::command(async)]
pub fn refund_receipt(state: State<'_, AppState>, refund_id: String) -> Reply<RefundReceipt> {
    state.with_store(|store| receipt::refund_receipt(store.conn(), &refund_id))
}
