//! The window's commands. Each converts its arguments, makes one call into
//! the core and maps the error to `{code, message, field}`; no SQL and no
//! rule lives here. This module holds the shared error shape and the
//! foundation's commands; each area adds a submodule (e.g. `commands/stock.rs`)
//! and lists its commands in `handler()`, `command_names.rs` and the
//! capability file.

use popup_till_core::catalog::{self, Product};
use popup_till_core::db::journal::{self, Entry, Verification};
use popup_till_core::demo::{self, DemoSummary};
use popup_till_core::shop::at_till;
use popup_till_core::shop::events::{self, Event, EventInput};
use popup_till_core::shop::people::{self, ApprovalRequest, Person, PersonInput};
use popup_till_core::shop::roles::{self, Action};
use popup_till_core::shop::settings::{self, Settings, SettingsInput};
use popup_till_core::shop::status::{self, ShopSetup, TillStatus};
use popup_till_core::Error;
use serde::Serialize;
use tauri::State;

use crate::app::AppState;

mod attendees;
mod loyalty;
pub mod reports;
pub mod returns;
mod stock;
pub mod tasks;
pub mod till;
mod tills;

/// An error as the window sees it: a stable code, a message for people, and
/// the field it is about when there is one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn internal() -> ApiError {
        ApiError {
            code: "internal",
            message: "the till hit an internal error; restart it".into(),
            field: None,
        }
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> ApiError {
        // SQLite's own words are for a developer's terminal, never the window.
        if let (true, Some(detail)) = (cfg!(debug_assertions), err.detail()) {
            eprintln!("popup-till: database: {detail}");
        }
        ApiError {
            code: err.code().as_str(),
            field: err.field().map(str::to_string),
            message: err.to_string(),
        }
    }
}

type Reply<T> = Result<T, ApiError>;

#[derive(Debug, Serialize)]
pub struct AppStatus {
    #[serde(flatten)]
    pub till: Option<TillStatus>,
    /// Set when the database cannot be used: the window shows it and sells nothing.
    pub store_error: Option<ApiError>,
    pub db_path: String,
    pub person_id: Option<String>,
}

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> Reply<AppStatus> {
    // A store that cannot be opened has nobody at the till; its error is
    // shown below.
    let person_id = state
        .at_till()
        .ok()
        .flatten()
        .map(|at| at.person_id().to_string());
    let db_path = state.db_path.display().to_string();
    match state.with_store_open(|store| status::till_status(store.conn())) {
        Ok(till) => Ok(AppStatus {
            till: Some(till),
            store_error: None,
            db_path,
            person_id,
        }),
        Err(err) => Ok(AppStatus {
            till: None,
            store_error: Some(err),
            db_path,
            person_id,
        }),
    }
}

/// Take the till: the person's own PIN.
#[tauri::command(async)]
pub fn choose_person(state: State<'_, AppState>, person_id: String, pin: String) -> Reply<Person> {
    let (at, person) =
        state.with_store_open(|store| at_till::take_till(store, &person_id, &pin))?;
    state.hand_till(Some(at))?;
    Ok(person)
}

/// Lock the till: nobody is at it until someone gives their PIN.
#[tauri::command(async)]
pub fn lock_till(state: State<'_, AppState>) -> Reply<()> {
    state.hand_till(None)
}

#[tauri::command(async)]
pub fn set_up_shop(state: State<'_, AppState>, input: ShopSetup) -> Reply<Person> {
    let (at, person) = state.with_store_open(|store| status::set_up_shop(store, &input))?;
    state.hand_till(Some(at))?;
    Ok(person)
}

#[tauri::command(async)]
pub fn list_events(state: State<'_, AppState>) -> Reply<Vec<Event>> {
    state.with_store(|store| events::list(store.conn()))
}

#[tauri::command(async)]
pub fn create_event(state: State<'_, AppState>, input: EventInput) -> Reply<Event> {
    state.write(|tx| events::create(tx, &input))
}

#[tauri::command(async)]
pub fn update_event(state: State<'_, AppState>, id: String, input: EventInput) -> Reply<Event> {
    state.write(|tx| events::update(tx, &id, &input))
}

#[tauri::command(async)]
pub fn open_event(state: State<'_, AppState>, id: String) -> Reply<Event> {
    state.write(|tx| events::open(tx, &id))
}

#[tauri::command(async)]
pub fn close_event(
    state: State<'_, AppState>,
    id: String,
    approval: Option<ApprovalRequest>,
) -> Reply<Event> {
    let (actor, approval) = (state.actor()?, state.approval(approval)?);
    state.with_store(|store| {
        roles::approved_write(store, &actor, Action::CloseEvent, &approval, |tx, ok| {
            events::close(tx, ok, &id)
        })
    })
}

#[tauri::command(async)]
pub fn list_people(state: State<'_, AppState>) -> Reply<Vec<Person>> {
    state.with_store(|store| people::list(store.conn()))
}

#[tauri::command(async)]
pub fn add_person(
    state: State<'_, AppState>,
    input: PersonInput,
    approval: Option<ApprovalRequest>,
) -> Reply<Person> {
    let actor = state.actor_or_setup()?;
    let approval = state.approval(approval)?;
    state.with_store_open(|store| people::add_with_pin(store, &actor, &approval, &input))
}

#[tauri::command(async)]
pub fn set_person_active(
    state: State<'_, AppState>,
    person_id: String,
    active: bool,
    approval: Option<ApprovalRequest>,
) -> Reply<Person> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| {
        people::set_active_with_pin(store, &actor, &approval, &person_id, active)
    })
}

/// Change your own PIN (the old one first).
#[tauri::command(async)]
pub fn change_own_pin(state: State<'_, AppState>, old_pin: String, new_pin: String) -> Reply<()> {
    let actor = state.actor()?;
    state.with_store(|store| people::change_own_pin(store, &actor.id, &old_pin, &new_pin))
}

/// An organizer sets a new PIN for someone on the team.
#[tauri::command(async)]
pub fn reset_pin(
    state: State<'_, AppState>,
    person_id: String,
    pin: String,
    approval: Option<ApprovalRequest>,
) -> Reply<()> {
    let actor = state.actor()?;
    let approval = state.approval(approval)?;
    state.with_store(|store| people::reset_pin_with_pin(store, &actor, &approval, &person_id, &pin))
}

#[tauri::command(async)]
pub fn save_settings(
    state: State<'_, AppState>,
    input: SettingsInput,
    approval: Option<ApprovalRequest>,
) -> Reply<Settings> {
    let actor = state.actor_or_setup()?;
    let approval = state.approval(approval)?;
    state.with_store_open(|store| settings::save_with_pin(store, &actor, &approval, &input))
}

/// Opening the People, Settings or Export screen: the core answers
/// `approval_needed` for a cashier without an organizer's PIN.
#[tauri::command(async)]
pub fn enter_organizer_screen(
    state: State<'_, AppState>,
    screen: String,
    approval: Option<ApprovalRequest>,
) -> Reply<()> {
    let approval = state.approval(approval)?;
    state.with_store(|store| roles::open_screen(store, &screen, &approval))
}

#[tauri::command(async)]
pub fn load_demo(state: State<'_, AppState>) -> Reply<DemoSummary> {
    state.with_store_open(demo::load)
}

#[tauri::command(async)]
pub fn verify_journal(state: State<'_, AppState>) -> Reply<Verification> {
    state.with_store(|store| journal::verify(store.conn()))
}

#[tauri::command(async)]
pub fn recent_journal(state: State<'_, AppState>, limit: i64) -> Reply<Vec<Entry>> {
    state.with_store(|store| journal::recent(store.conn(), limit))
}

#[tauri::command(async)]
pub fn list_products(state: State<'_, AppState>) -> Reply<Vec<Product>> {
    state.with_store(|store| catalog::list(store.conn()))
}

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app_status,
        choose_person,
        lock_till,
        set_up_shop,
        list_events,
        create_event,
        update_event,
        open_event,
        close_event,
        list_people,
        add_person,
        set_person_active,
        change_own_pin,
        reset_pin,
        save_settings,
        enter_organizer_screen,
        load_demo,
        verify_journal,
        recent_journal,
        list_products,
        tills::list_tills,
        tills::clone_till,
        tills::merge_till_file,
        tills::merge_flags,
        till::till_overview,
        till::open_till_session,
        till::move_till_cash,
        till::close_till_session,
        till::give_till_count_reason,
        till::recount_till_session,
        till::z_report,
        till::till_search,
        till::till_scan,
        till::till_containers,
        till::deposit_returnable,
        till::return_deposit,
        till::quote_cart,
        till::cart_add,
        till::cart_scan,
        till::tender_face,
        till::complete_sale,
        till::void_sale,
        till::sale_receipt,
        till::park_cart,
        till::resume_parked_cart,
        till::cancel_parked_cart,
        returns::find_sales,
        returns::refundable_sale,
        returns::quote_refund,
        returns::complete_refund,
        returns::quote_exchange,
        returns::complete_exchange,
        returns::refund_receipt,
        tasks::list_task_templates,
        tasks::create_task_template,
        tasks::save_task_template,
        tasks::duplicate_task_template,
        tasks::delete_task_template,
        tasks::export_task_template,
        tasks::import_task_template,
        tasks::check_task_template_file_size,
        tasks::create_event_with_flow,
        tasks::create_task_flow,
        tasks::task_flow,
        tasks::sign_task,
        tasks::skip_task,
        tasks::edit_task,
        tasks::erase_task_signer_names,
        tasks::list_orders,
        tasks::fulfil_order,
        tasks::order_retention_days,
        tasks::save_order_retention,
        tasks::purge_order_contacts,
        stock::stock_list,
        stock::stock_product,
        stock::catalog_search,
        stock::catalog_lookup_code,
        stock::save_product,
        stock::refill_fields,
        stock::save_refill_fields,
        stock::refill_settings,
        stock::save_refill_settings,
        stock::set_product_archived,
        stock::remove_product,
        stock::read_catalog_file,
        stock::preview_catalog_import,
        stock::import_catalog,
        stock::export_catalog,
        stock::receive_stock,
        stock::transfer_stock,
        stock::adjust_stock,
        stock::count_stock,
        stock::count_tally,
        stock::preview_stock_count,
        stock::waste_stock,
        stock::adjust_reasons,
        stock::product_history,
        stock::stock_document,
        stock::event_stock_picture,
        reports::event_report,
        reports::event_report_head,
        reports::compare_events,
        reports::event_visitors,
        reports::count_visitor,
        reports::enter_visitors,
        reports::suggest_export_folder,
        reports::export_package,
        attendees::attendee_list,
        loyalty::loyalty_card,
        loyalty::loyalty_program,
        loyalty::save_loyalty_program,
        loyalty::loyalty_cards_sheet,
        loyalty::loyalty_cohorts,
        loyalty::list_moments,
        loyalty::add_moment,
        loyalty::update_moment,
        loyalty::remove_moment,
        loyalty::link_card,
        loyalty::unlink_card,
        loyalty::withdraw_card_consent,
        tills::reward_flags,
        attendees::sign_up_attendee,
        attendees::check_in_attendee,
        attendees::check_in_walk_in,
        attendees::preview_attendee_import,
        attendees::import_attendees,
        attendees::list_contacts,
        attendees::contact_page,
        attendees::find_contact_by_code,
        attendees::consent_wordings,
        attendees::save_consent_wording,
        attendees::give_consent_at_till,
        attendees::give_consent,
        attendees::withdraw_consent,
        attendees::save_contact_data,
        attendees::erase_contact,
        attendees::export_marketing,
        attendees::contact_retention_days,
        attendees::save_contact_retention,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command_names::COMMANDS;

    #[test]
    fn errors_cross_to_the_window_as_code_message_and_field() {
        let err = ApiError::from(Error::validation(
            "ends_at",
            "the event ends before it starts",
        ));
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "validation",
                "message": "Ends: the event ends before it starts",
                "field": "ends_at"
            })
        );
        // The path travels as the field; the message names it in words.
        let err = ApiError::from(Error::validation("steps[2].due", "is not a due time"));
        assert_eq!(err.message, "Step 2, due: is not a due time");
        assert_eq!(err.field.as_deref(), Some("steps[2].due"));
        let err = ApiError::from(Error::not_found("event", "x"));
        assert_eq!(err.code, "not_found");
    }

    #[test]
    fn a_database_failure_reaches_the_window_as_a_sentence_without_sqlites_text() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE person (name TEXT UNIQUE); INSERT INTO person VALUES ('Maya');",
        )
        .unwrap();
        let sqlite = conn
            .execute("INSERT INTO person VALUES ('Maya')", [])
            .unwrap_err();
        let err = ApiError::from(Error::from(sqlite));
        assert_eq!(err.code, "conflict");
        assert_eq!(err.field, None);
        assert!(
            err.message.starts_with("The till could not save this"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("UNIQUE") && !err.message.contains("person.name"));
    }

    #[test]
    fn the_capability_grants_exactly_our_commands() {
        let text = include_str!("../../capabilities/default.json");
        let cap: serde_json::Value = serde_json::from_str(text).unwrap();
        let all: Vec<String> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        // Of the plugins, only the dialog's folder chooser is granted.
        let plugins: Vec<&String> = all.iter().filter(|p| p.contains(':')).collect();
        assert_eq!(plugins, ["dialog:allow-open"]);
        let mut granted: Vec<String> = all.iter().filter(|p| !p.contains(':')).cloned().collect();
        granted.sort();
        let mut expected: Vec<String> = COMMANDS
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        expected.sort();
        assert_eq!(granted, expected);
    }

    #[test]
    fn every_declared_command_is_handled() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/commands");
        let mut source = String::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            source.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
        for name in COMMANDS {
            assert!(
                source.contains(&format!("pub fn {name}(")),
                "command {name} is declared but has no handler"
            );
        }
    }
}
