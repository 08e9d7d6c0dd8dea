//! The walk over every privileged command, through the window's own IPC
//! (Tauri's mock runtime, the real commands, a real SQLite file): with a
//! cashier at the till and no PIN, each one answers `approval_needed` and
//! writes nothing; with the organizer at the till, none of them asks.

use std::path::Path;

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

use crate::app::AppState;
use crate::command_roles::PRIVILEGED;
use crate::commands;

const ORGANIZER_PIN: &str = "246810";
const CASHIER_PIN: &str = "1357";
const CHANNEL: &str = "__CHANNEL__:1";

struct Till {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl Till {
    fn open(db: &Path) -> Till {
        let app = mock_builder()
            .manage(AppState::open(db.to_path_buf()))
            .invoke_handler(commands::handler())
            .build(tauri::generate_context!())
            .expect("the mock app builds");
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("the mock window builds");
        Till { _app: app, window }
    }

    /// Call a command as the page does; the error is `{code, message, field}`.
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                // The window's own origin on Linux: the capability grants it.
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: tauri::test::INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

fn journal_len(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap()
}

fn product(sku: &str, name: &str) -> Value {
    json!({
        "sku": sku, "barcode": "", "name": name, "unit_price": "12.50",
        "tax_rate": "20", "unit": "each", "kind": "item", "category": "Shop",
        "low_stock_threshold": ""
    })
}

#[test]
fn every_privileged_command_asks_a_cashier_for_an_organizer_and_not_an_organizer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("till.sqlite");
    let till = Till::open(&db);

    // The shop, set up through the window as an organizer would.
    let olga = till.ok(
        "set_up_shop",
        json!({"input": {"shop_name": "Quay", "currency": "EUR",
                          "organizer_name": "Olga", "pin": ORGANIZER_PIN}}),
    );
    let person = |name: &str| {
        till.ok(
            "add_person",
            json!({"input": {"name": name, "role": "cashier", "pin": CASHIER_PIN}}),
        )["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let carl = person("Carl");
    let dana = person("Dana");
    let event = |name: &str, day: &str| {
        till.ok(
            "create_event_with_flow",
            json!({"input": {"name": name, "venue": "", "starts_at": format!("{day}T10:00"),
                             "ends_at": format!("{day}T17:00"), "notes": ""},
                   "templateId": "builtin:starter"}),
        )["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let past = event("Last market", "2026-10-03");
    till.ok("open_event", json!({"id": past}));
    till.ok("close_event", json!({"id": past}));
    let market = event("Harbour Market", "2026-12-05");
    till.ok("open_event", json!({"id": market}));
    let mug = till.ok(
        "save_product",
        json!({"id": null, "input": product("MUG", "Stoneware mug")}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    till.ok(
        "receive_stock",
        json!({"input": {"lines": [{"product_id": mug, "quantity": "10"}], "lot_code": "", "note": ""}}),
    );
    let organizer_step: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT id FROM task WHERE event_id = ?1 AND signoff = 'organizer_pin' ORDER BY position LIMIT 1",
            [&market],
            |r| r.get(0),
        )
        .unwrap();

    // Carl takes the till with his own PIN; the organizer's is refused him.
    till.ok("lock_till", json!({}));
    let refused = till
        .call(
            "choose_person",
            json!({"personId": olga["id"], "pin": CASHIER_PIN}),
        )
        .unwrap_err();
    assert_eq!(refused["code"], "unauthorized", "{refused}");
    till.ok(
        "choose_person",
        json!({"personId": carl, "pin": CASHIER_PIN}),
    );

    let settings = till.ok("app_status", json!({}))["settings"].clone();
    let settings_input = json!({
        "shop_name": "Quay (winter)", "currency": settings["currency"]["code"],
        "tax_mode": settings["tax_mode"], "tax_rates": "0; 20",
        "cash_rounding": settings["cash_rounding"], "till_code": settings["till_code"],
    });
    let out = dir.path().join("export");
    // What each privileged command is called with: enough for the core to
    // reach its approval (a float over the limit, a loss, a price override…).
    // `refunds`: a sale above the refund limit, its line, and the small
    // sale's line.
    let walk = |sale_id: &str, refunds: &(String, String, String)| -> Vec<(&'static str, Value)> {
        let (big_sale, big_line, small_line) = refunds;
        vec![
            ("close_event", json!({"id": market})),
            (
                "add_person",
                json!({"input": {"name": "Eve", "role": "cashier", "pin": "2468"}}),
            ),
            (
                "set_person_active",
                json!({"personId": dana, "active": false}),
            ),
            ("reset_pin", json!({"personId": dana, "pin": "9999"})),
            ("save_settings", json!({"input": settings_input})),
            (
                "save_refill_settings",
                json!({"input": {"layouts": [{"prefix": "21", "measure": "grams", "item_digits": 5}], "deposit_tax": "outside_tax"}}),
            ),
            (
                "save_loyalty_program",
                json!({"program": {"visit_stamps": 1}}),
            ),
            (
                "update_moment",
                json!({"momentId": "some-moment", "input": {"name": "Drop", "starts_at": "15:00", "ends_at": "15:30"}}),
            ),
            ("remove_moment", json!({"momentId": "some-moment"})),
            ("enter_organizer_screen", json!({"screen": "settings"})),
            (
                "move_till_cash",
                json!({"kind": "paid_in", "amount": "500", "reason": "change"}),
            ),
            (
                "recount_till_session",
                json!({"sessionId": "none", "input": {"counted": "1"}}),
            ),
            (
                "complete_sale",
                json!({"cart": {"lines": [{"product_id": mug, "quantity": "1", "price_override": "1.00"}]},
                                     "payments": [{"method": "cash"}]}),
            ),
            (
                "complete_refund",
                json!({"input": {"sale_id": big_sale, "lines": [{"sale_line_id": big_line, "quantity": "9"}]}}),
            ),
            (
                "complete_refund",
                json!({"input": {"lines": [{"product_id": mug, "quantity": "1"}]}}),
            ),
            (
                "complete_refund",
                json!({"input": {"sale_id": sale_id, "lines": [{"sale_line_id": small_line, "quantity": "1"}],
                                 "tenders": [{"method": "card", "reference": "T-1"}]}}),
            ),
            (
                "complete_exchange",
                json!({"input": {"sale_id": sale_id, "lines": [{"sale_line_id": small_line, "quantity": "1"}],
                                 "tenders": [{"method": "card", "reference": "T-1"}]},
                       "cart": {"lines": [{"product_id": mug, "quantity": "1", "price_override": "1.00"}]},
                       "payments": []}),
            ),
            (
                "void_sale",
                json!({"saleId": sale_id, "reason": "rang up twice"}),
            ),
            (
                "sign_task",
                json!({"taskId": organizer_step, "input": {"signer_name": "Carl"}}),
            ),
            (
                "skip_task",
                json!({"taskId": organizer_step, "reason": "not needed"}),
            ),
            ("save_order_retention", json!({"days": "30"})),
            (
                "save_product",
                json!({"id": mug, "input": product("MUG", "Cheap mug")}),
            ),
            (
                "save_refill_fields",
                json!({"id": mug, "input": {"scale_item_code": "77", "tare_grams": 100}}),
            ),
            ("set_product_archived", json!({"id": mug, "archived": true})),
            ("remove_product", json!({"id": mug})),
            (
                "import_catalog",
                json!({"text": "sku,name,unit_price\nTEA,Tea,4.00\n", "onProgress": CHANNEL}),
            ),
            (
                "adjust_stock",
                json!({"input": {"product_id": mug, "location": null, "quantity": "-1", "reason": "damaged"}}),
            ),
            (
                "count_stock",
                json!({"input": {"location": null, "lines": [{"product_id": mug, "counted": "0"}]}}),
            ),
            (
                "waste_stock",
                json!({"input": {"product_id": mug, "location": null, "quantity": "1"}}),
            ),
            ("delete_task_template", json!({"id": "someone's template"})),
            (
                "export_package",
                json!({"input": {"event_id": market, "out": out}, "onProgress": CHANNEL}),
            ),
            ("erase_task_signer_names", json!({"eventId": past})),
            (
                "save_consent_wording",
                json!({"text": "Yes, send me news of the next market."}),
            ),
            (
                "export_marketing",
                json!({"channel": "email", "folder": dir.path()}),
            ),
            ("erase_contact", json!({"contactId": "someone"})),
            ("save_contact_retention", json!({"days": "365"})),
            (
                "clone_till",
                json!({"code": "T9", "file": dir.path().join("second-laptop.sqlite")}),
            ),
            (
                "merge_till_file",
                json!({"file": dir.path().join("no-such-till.sqlite")}),
            ),
        ]
    };

    // The float first (a session opens only once).
    let before = journal_len(&db);
    let err = till
        .call("open_till_session", json!({"input": {"float": "5000"}}))
        .unwrap_err();
    assert_eq!(err["code"], "approval_needed", "open_till_session: {err}");
    assert_eq!(journal_len(&db), before, "open_till_session wrote nothing");
    till.ok("open_till_session", json!({"input": {"float": "0"}}));
    let sale = till.ok(
        "complete_sale",
        json!({"cart": {"lines": [{"product_id": mug, "quantity": "1"}]}, "payments": [{"method": "cash"}]}),
    );
    let sale_id = sale["sale_id"].as_str().unwrap().to_string();
    let big = till.ok(
        "complete_sale",
        json!({"cart": {"lines": [{"product_id": mug, "quantity": "9"}]}, "payments": [{"method": "cash"}]}),
    );
    let line_of = |sale: &str| -> String {
        rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT id FROM sale_line WHERE sale_id = ?1", [sale], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let big_sale = big["sale_id"].as_str().unwrap().to_string();
    let refunds = (big_sale.clone(), line_of(&big_sale), line_of(&sale_id));

    let walked = walk(&sale_id, &refunds);
    for (name, _, _) in PRIVILEGED {
        assert!(
            *name == "open_till_session" || walked.iter().any(|(n, _)| n == name),
            "the walk leaves out {name}"
        );
    }
    for (cmd, args) in &walked {
        let before = journal_len(&db);
        let err = till
            .call(cmd, args.clone())
            .expect_err(&format!("{cmd} went ahead for a cashier without a PIN"));
        assert_eq!(err["code"], "approval_needed", "{cmd}: {err}");
        assert_eq!(journal_len(&db), before, "{cmd} wrote nothing");
    }

    // Olga at the till: none of them asks for a PIN (they may still be
    // refused for other reasons, e.g. the recount of a session that is not).
    till.ok(
        "choose_person",
        json!({"personId": olga["id"], "pin": ORGANIZER_PIN}),
    );
    for (cmd, args) in walk(&sale_id, &refunds) {
        if let Err(err) = till.call(cmd, args) {
            assert_ne!(
                err["code"], "approval_needed",
                "{cmd} asked an organizer: {err}"
            );
        }
    }
}
