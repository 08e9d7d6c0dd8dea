// The commands the window may call. build.rs generates a permission for each
// (allow-<name>) and capabilities/default.json grants exactly these; a test
// checks that the two lists agree.
pub const COMMANDS: &[&str] = &[
    "app_status",
    "choose_person",
    "set_up_shop",
    "list_events",
    "create_event",
    "update_event",
    "open_event",
    "close_event",
    "list_people",
    "add_person",
    "set_person_active",
    "save_settings",
    "load_demo",
    "verify_journal",
    "recent_journal",
    "list_products",
    "event_report",
    "compare_events",
    "event_visitors",
    "count_visitor",
    "enter_visitors",
    "export_package",
];
