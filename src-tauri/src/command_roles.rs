//! Every command of the window against the core's role table
//! (`popup_till_core::shop::roles`): which action each privileged command
//! is, and the core call that asks for its approval. A test walks every
//! command: each listed one must make that call, and a command not listed
//! must take no approval at all. `docs/roles.md` says the same in words.

use popup_till_core::shop::roles::Action;

/// A privileged command: its action and the core call in its body that
/// refuses it without an organizer (`roles::approved_write`/`approve` with
/// the action, or the area's `*_with_pin` function).
pub const PRIVILEGED: &[(&str, Action, &str)] = &[
    ("close_event", Action::CloseEvent, "Action::CloseEvent"),
    ("add_person", Action::People, "people::add_with_pin"),
    (
        "set_person_active",
        Action::People,
        "people::set_active_with_pin",
    ),
    ("reset_pin", Action::ResetPin, "people::reset_pin_with_pin"),
    ("save_settings", Action::Settings, "settings::save_with_pin"),
    (
        "save_loyalty_program",
        Action::LoyaltyProgram,
        "program::save_with_pin",
    ),
    (
        "update_moment",
        Action::EditMoment,
        "moments::update_with_pin",
    ),
    (
        "remove_moment",
        Action::EditMoment,
        "moments::remove_with_pin",
    ),
    (
        "open_till_session",
        Action::FloatAboveLimit,
        "session::open_with_pin",
    ),
    (
        "move_till_cash",
        Action::CashMoveAboveLimit,
        "session::move_cash_with_pin",
    ),
    (
        "recount_till_session",
        Action::Recount,
        "session::recount_with_pin",
    ),
    (
        "complete_sale",
        Action::DiscountAboveLimit,
        "sale::complete_with_pin",
    ),
    (
        "complete_refund",
        Action::RefundAboveLimit,
        "returns::refund_with_pin",
    ),
    (
        "complete_refund",
        Action::RefundWithoutReceipt,
        "returns::refund_with_pin",
    ),
    (
        "complete_refund",
        Action::RefundToOtherTender,
        "returns::refund_with_pin",
    ),
    (
        "complete_exchange",
        Action::RefundToOtherTender,
        "exchange::exchange_with_pin",
    ),
    ("void_sale", Action::VoidSale, "void::void_with_pin"),
    ("sign_task", Action::OrganizerStep, "tasks::sign_with_pin"),
    ("skip_task", Action::OrganizerStep, "tasks::skip_with_pin"),
    (
        "save_order_retention",
        Action::OrderRetention,
        "orders::set_retention_with_pin",
    ),
    ("save_product", Action::EditProduct, "Action::EditProduct"),
    (
        "save_refill_fields",
        Action::EditProduct,
        "Action::EditProduct",
    ),
    ("save_refill_settings", Action::Settings, "Action::Settings"),
    (
        "set_product_archived",
        Action::RemoveProduct,
        "Action::RemoveProduct",
    ),
    (
        "remove_product",
        Action::RemoveProduct,
        "Action::RemoveProduct",
    ),
    (
        "import_catalog",
        Action::ImportCatalog,
        "Action::ImportCatalog",
    ),
    (
        "adjust_stock",
        Action::AdjustStock,
        "flows::adjust_with_pin",
    ),
    ("count_stock", Action::CountLoss, "flows::count_with_pin"),
    ("waste_stock", Action::WasteStock, "Action::WasteStock"),
    (
        "delete_task_template",
        Action::DeleteTemplate,
        "Action::DeleteTemplate",
    ),
    ("export_package", Action::Export, "export::export_with_pin"),
    (
        "clone_till",
        Action::CloneTill,
        "clone::clone_till_with_pin",
    ),
    (
        "merge_till_file",
        Action::MergeTill,
        "merge::merge_file_with_pin",
    ),
    (
        "enter_organizer_screen",
        Action::OrganizerScreen,
        "roles::open_screen",
    ),
    (
        "erase_task_signer_names",
        Action::EraseSignerNames,
        "tasks::erase_signer_names_with_pin",
    ),
    (
        "save_consent_wording",
        Action::ConsentWording,
        "consent::write_wording_with_pin",
    ),
    (
        "export_marketing",
        Action::MarketingExport,
        "mailing::export_with_pin",
    ),
    (
        "erase_contact",
        Action::EraseContact,
        "rights::erase_with_pin",
    ),
    (
        "save_contact_retention",
        Action::ContactRetention,
        "rights::set_retention_with_pin",
    ),
];

#[cfg(test)]
mod tests {
    use super::PRIVILEGED;
    use crate::command_names::COMMANDS;
    use popup_till_core::shop::roles::ROLES;

    /// The body of each command, from the commands' source.
    fn bodies() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/commands");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in source.split("#[tauri::command").skip(1) {
                let name = part
                    .split("pub fn ")
                    .nth(1)
                    .and_then(|rest| rest.split('(').next())
                    .unwrap()
                    .to_string();
                out.push((name, part.to_string()));
            }
        }
        out
    }

    #[test]
    fn every_command_is_walked_against_the_role_table() {
        let bodies = bodies();
        for name in COMMANDS {
            let (_, body) = bodies
                .iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("no handler for {name}"));
            match PRIVILEGED.iter().find(|(n, _, _)| n == name) {
                Some((_, action, call)) => {
                    assert!(
                        ROLES.iter().any(|p| p.action == *action),
                        "{name}: {action:?} is not in the role table"
                    );
                    assert!(
                        body.contains(call),
                        "{name} is privileged ({action:?}) but does not call {call}"
                    );
                    assert!(
                        body.contains("state.approval(approval)"),
                        "{name} must pass who is at the till with its approval"
                    );
                }
                None => assert!(
                    !body.contains("approval"),
                    "{name} takes an approval but is not in the role table"
                ),
            }
        }
        for (name, _, _) in PRIVILEGED {
            assert!(COMMANDS.contains(name), "{name} is not a command");
        }
        // Every action of the table has a command (or is the task steps').
        for p in ROLES {
            assert!(
                PRIVILEGED.iter().any(|(_, a, _)| *a == p.action)
                    || matches!(
                        p.action,
                        popup_till_core::shop::roles::Action::PracticeDuringLive
                    ),
                "{:?} has no command",
                p.action
            );
        }
    }
}
