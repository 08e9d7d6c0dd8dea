//! What each role may do: the one table of the till's privileged actions
//! and who may do them. A cashier does everything else at the till; each
//! action here needs an organizer — an organizer at the till, or a
//! cashier with an organizer's PIN — and its core function takes the
//! `Approval` that only `people::approve` yields. `docs/roles.md` is this
//! table in words; a test walks every command of the window against it.

use serde::Serialize;

use crate::db::store::{Actor, Store, Tx};
use crate::shop::people::{self, Approval, ApprovalRequest};
use crate::{Error, Result};

/// A privileged action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    EditProduct,
    RemoveProduct,
    ImportCatalog,
    AdjustStock,
    WasteStock,
    CountLoss,
    CashMoveAboveLimit,
    FloatAboveLimit,
    DiscountAboveLimit,
    RefundAboveLimit,
    RefundWithoutReceipt,
    RefundToOtherTender,
    VoidSale,
    Recount,
    PracticeDuringLive,
    CloseEvent,
    Settings,
    People,
    ResetPin,
    DeleteTemplate,
    Export,
    OrderRetention,
    OrganizerStep,
    EraseSignerNames,
    OrganizerScreen,
    ConsentWording,
    MarketingExport,
    EraseContact,
    ContactRetention,
    CloneTill,
    MergeTill,
    LoyaltyProgram,
    EditMoment,
}

/// When an organizer is needed for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// Always.
    Always,
    /// Only in the case named (a limit passed, a loss recorded…); below it
    /// a cashier goes ahead.
    When(&'static str),
}

/// One row of the table.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Permission {
    pub action: Action,
    /// What it is, in the words an approval prompt uses.
    pub what: &'static str,
    pub need: Need,
}

const fn always(action: Action, what: &'static str) -> Permission {
    Permission {
        action,
        what,
        need: Need::Always,
    }
}

const fn when(action: Action, what: &'static str, case: &'static str) -> Permission {
    Permission {
        action,
        what,
        need: Need::When(case),
    }
}

/// The table. Anything not in it a cashier at the till may do.
pub const ROLES: &[Permission] = &[
    always(
        Action::EditProduct,
        "adding or editing a product or its price",
    ),
    always(Action::RemoveProduct, "archiving or removing a product"),
    always(Action::ImportCatalog, "importing the catalog"),
    always(Action::AdjustStock, "adjusting stock"),
    always(Action::WasteStock, "recording waste"),
    when(
        Action::CountLoss,
        "a stock count",
        "when it records fewer than the ledger holds",
    ),
    when(
        Action::CashMoveAboveLimit,
        "a paid in, paid out or drop",
        "above the cash movement limit in Settings",
    ),
    when(
        Action::FloatAboveLimit,
        "an opening float",
        "above the float limit in Settings",
    ),
    when(
        Action::DiscountAboveLimit,
        "discounts and price overrides",
        "above the discount limit in Settings, measured against the list price",
    ),
    when(
        Action::RefundAboveLimit,
        "a refund",
        "above the refund limit in Settings",
    ),
    always(Action::RefundWithoutReceipt, "a refund without a receipt"),
    when(
        Action::RefundToOtherTender,
        "a refund to another tender",
        "than the sale was paid with, or more than was paid with it",
    ),
    always(Action::VoidSale, "voiding a sale"),
    always(Action::Recount, "recounting a closed drawer"),
    when(
        Action::PracticeDuringLive,
        "a practice session",
        "while a live event is open",
    ),
    always(Action::CloseEvent, "closing an event"),
    always(Action::Settings, "changing the settings"),
    always(
        Action::People,
        "adding, deactivating or reactivating a person",
    ),
    always(Action::ResetPin, "setting someone else's PIN"),
    always(Action::DeleteTemplate, "deleting a task template"),
    always(Action::Export, "exporting the event's files"),
    always(
        Action::OrderRetention,
        "changing how long order contacts are kept",
    ),
    when(
        Action::OrganizerStep,
        "signing or skipping a task step",
        "when the step asks for an organizer's PIN",
    ),
    always(
        Action::EraseSignerNames,
        "erasing the signers' names of a closed event",
    ),
    always(
        Action::OrganizerScreen,
        "opening the People, Settings or Export screen",
    ),
    always(
        Action::ConsentWording,
        "writing a new version of the consent wording",
    ),
    always(
        Action::MarketingExport,
        "exporting the contacts who agreed to news",
    ),
    always(Action::EraseContact, "erasing a contact's personal data"),
    always(
        Action::ContactRetention,
        "changing how long inactive contacts are kept",
    ),
    always(Action::CloneTill, "making a till for another laptop"),
    always(Action::MergeTill, "merging another till's file"),
    always(
        Action::LoyaltyProgram,
        "setting how loyalty stamps are earned and what rewards they buy",
    ),
    always(
        Action::EditMoment,
        "editing or removing a moment of an event",
    ),
];

/// The screens a cashier does not use: an organizer opens them (at the
/// till, or with their PIN). A cashier's own PIN is changed elsewhere on
/// the People screen, which stays reachable without it.
pub const ORGANIZER_SCREENS: [&str; 3] = ["people", "settings", "export"];

/// Whoever is at the till may open `screen`: answered `ApprovalNeeded` for
/// a cashier without an organizer's PIN, nothing for an organizer at the
/// till. Writes nothing but the PIN's try (as every PIN check does).
pub fn open_screen(store: &mut Store, screen: &str, request: &ApprovalRequest) -> Result<()> {
    if !ORGANIZER_SCREENS.contains(&screen) {
        return Err(Error::validation(
            "screen",
            format!(
                "'{screen}' is not a screen an organizer opens ({})",
                ORGANIZER_SCREENS.join(", ")
            ),
        ));
    }
    approve(store, Action::OrganizerScreen, request).map(|_| ())
}

/// The row of an action.
pub fn permission(action: Action) -> &'static Permission {
    ROLES
        .iter()
        .find(|p| p.action == action)
        .expect("every action has a row in ROLES")
}

/// The approval an always-privileged action needs: an organizer at the
/// till, or the organizer's PIN in the request. Without either, the answer
/// is `ApprovalNeeded` naming the action.
pub fn approve(store: &mut Store, action: Action, request: &ApprovalRequest) -> Result<Approval> {
    people::approve(store, request).map_err(|err| match err {
        Error::ApprovalNeeded(_) => Error::ApprovalNeeded(format!(
            "{} needs an organizer's PIN",
            capitalized(permission(action).what)
        )),
        other => other,
    })
}

/// A privileged change: its approval first (a PIN's try is recorded
/// whatever follows), then `work` as one write by `actor` with it.
pub fn approved_write<T>(
    store: &mut Store,
    actor: &Actor,
    action: Action,
    request: &ApprovalRequest,
    work: impl FnOnce(&Tx, &Approval) -> Result<T>,
) -> Result<T> {
    let approval = approve(store, action, request)?;
    store.write(actor, |tx| {
        let done = work(tx, &approval)?;
        tx.journal(
            "approval.given",
            "approval",
            action_name(action),
            serde_json::json!({"approved_by": approval.organizer_id()}),
        )?;
        Ok(done)
    })
}

/// The action's name as the journal and `docs/roles.md` write it.
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::EditProduct => "edit_product",
        Action::RemoveProduct => "remove_product",
        Action::ImportCatalog => "import_catalog",
        Action::AdjustStock => "adjust_stock",
        Action::WasteStock => "waste_stock",
        Action::CountLoss => "count_loss",
        Action::CashMoveAboveLimit => "cash_move_above_limit",
        Action::FloatAboveLimit => "float_above_limit",
        Action::DiscountAboveLimit => "discount_above_limit",
        Action::RefundAboveLimit => "refund_above_limit",
        Action::RefundWithoutReceipt => "refund_without_receipt",
        Action::RefundToOtherTender => "refund_to_other_tender",
        Action::VoidSale => "void_sale",
        Action::Recount => "recount",
        Action::PracticeDuringLive => "practice_during_live",
        Action::CloseEvent => "close_event",
        Action::Settings => "settings",
        Action::People => "people",
        Action::ResetPin => "reset_pin",
        Action::DeleteTemplate => "delete_template",
        Action::Export => "export",
        Action::OrderRetention => "order_retention",
        Action::OrganizerStep => "organizer_step",
        Action::EraseSignerNames => "erase_signer_names",
        Action::OrganizerScreen => "organizer_screen",
        Action::ConsentWording => "consent_wording",
        Action::MarketingExport => "marketing_export",
        Action::EraseContact => "erase_contact",
        Action::ContactRetention => "contact_retention",
        Action::CloneTill => "clone_till",
        Action::MergeTill => "merge_till",
        Action::LoyaltyProgram => "loyalty_program",
        Action::EditMoment => "edit_moment",
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
