//! One vocabulary: a figure the Z report and the event report both name is
//! the same number. Checked on the demo's finished market, sold on two
//! tills whose sessions were each closed with a Z report: every amount and
//! count the Z reports name adds up across the two to the event report's
//! figure of the same name, found by walking every name they expose (so a
//! figure added to both later is checked too).

use std::collections::BTreeMap;

use popup_till_core::reporting::{report, scope::Scope};
use popup_till_core::shop::events::{self, EventStatus};
use popup_till_core::{demo, till::z_report};
use serde_json::Value;

use crate::support::till;

/// Every scalar of a JSON value by its path: `total.minor`,
/// `cash.variance.text`, `payments[card].amount.minor`. Rows of a list are
/// keyed by their rate or method when they have one, so the order of a
/// list does not matter.
fn flatten(path: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let key = ["rate", "method"]
                    .iter()
                    .find_map(|k| item.get(k).and_then(Value::as_str))
                    .map_or_else(|| i.to_string(), str::to_string);
                flatten(&format!("{path}[{key}]"), item, out);
            }
        }
        scalar => {
            out.insert(path.to_string(), scalar.clone());
        }
    }
}

/// A flat map back into nested objects (`total.minor` → `{total: {minor}}`;
/// list rows stay keyed by their rate or method, as `flatten` names them).
fn unflatten(flat: &BTreeMap<String, Value>) -> Value {
    let mut root = serde_json::Map::new();
    for (path, value) in flat {
        let parts: Vec<&str> = path.split('.').collect();
        let mut node = &mut root;
        for part in &parts[..parts.len() - 1] {
            node = node
                .entry(part.to_string())
                .or_insert_with(|| Value::Object(serde_json::Map::new()))
                .as_object_mut()
                .unwrap();
        }
        node.insert(parts[parts.len() - 1].to_string(), value.clone());
    }
    Value::Object(root)
}

/// The names both expose, and those of them whose values differ.
fn shared_and_differing(a: &Value, b: &Value) -> (Vec<String>, Vec<String>) {
    let (mut fa, mut fb) = (BTreeMap::new(), BTreeMap::new());
    flatten("", a, &mut fa);
    flatten("", b, &mut fb);
    let shared: Vec<String> = fa.keys().filter(|k| fb.contains_key(*k)).cloned().collect();
    let differing = shared
        .iter()
        .filter(|k| fa[*k] != fb[*k])
        .map(|k| format!("{k}: Z {} ≠ report {}", fa[k], fb[k]))
        .collect();
    (shared, differing)
}

#[test]
fn every_figure_the_z_report_and_the_event_report_both_name_is_the_same_number() {
    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let conn = t.store.conn();
    let market = events::list(conn)
        .unwrap()
        .into_iter()
        .find(|e| e.status == EventStatus::Closed)
        .expect("the demo's finished market");
    let sessions = t.count(&format!(
        "SELECT count(*) FROM till_session WHERE event_id = '{}' AND closed_at IS NOT NULL",
        market.id
    ));
    assert_eq!(
        sessions, 2,
        "the market's day is two tills' closed sessions"
    );
    let zs: Vec<_> = z_report::z_reports(conn)
        .unwrap()
        .into_iter()
        .filter(|z| {
            !z.practice
                && t.count(&format!(
                    "SELECT count(*) FROM till_session WHERE id = '{}' AND event_id = '{}'",
                    z.session_id, market.id
                )) == 1
        })
        .collect();
    assert_eq!(zs.len(), 2);
    let z = zs
        .iter()
        .max_by_key(|z| z.figures.voids.count)
        .expect("the market's Z reports");
    // The amounts and counts of both Z reports, added up name by name (an
    // average, a rate or a text is no sum and is left out).
    let mut summed: BTreeMap<String, Value> = BTreeMap::new();
    for one in &zs {
        let mut flat = BTreeMap::new();
        flatten("", &serde_json::to_value(&one.figures).unwrap(), &mut flat);
        for (k, v) in flat {
            let additive =
                (k.ends_with(".minor") || k.ends_with("count")) && !k.starts_with("average_basket");
            if let (true, Some(n)) = (additive, v.as_i64()) {
                let sum = summed.get(&k).and_then(Value::as_i64).unwrap_or(0) + n;
                summed.insert(k, Value::from(sum));
            }
        }
    }
    let z_json = unflatten(&summed);
    let report = report::report(conn, &Scope::Event(market.id.clone()), false).unwrap();
    let report_json = serde_json::to_value(&report).unwrap();

    let (shared, differing) = shared_and_differing(&z_json, &report_json);
    // The walk must reach the figures both are about, not just a few.
    for name in [
        "sales_count",
        "total.minor",
        "net.minor",
        "tax.minor",
        "gross.minor",
        "discounts.minor",
        "rounding.minor",
        "voids.count",
        "voids.total.minor",
        "payments[cash].amount.minor",
        "cash.opening_float.minor",
        "cash.taken.minor",
        "cash.expected.minor",
        "cash.counted.minor",
        "cash.variance.minor",
    ] {
        assert!(shared.contains(&name.to_string()), "{name} is not in both");
    }
    assert!(
        shared.iter().any(|n| n.starts_with("tax_by_rate[")),
        "{shared:?}"
    );
    assert!(differing.is_empty(), "{differing:#?}");
    assert!(z.figures.voids.count > 0 && z.figures.sales_count > 0);

    // The check bites: a Z whose figure drifted is caught.
    let mut drifted = z_json.clone();
    drifted["total"]["minor"] = Value::from(report.sales.total.minor + 1);
    let (_, differing) = shared_and_differing(&drifted, &report_json);
    assert_eq!(differing.len(), 1, "{differing:?}");
    assert!(differing[0].starts_with("total.minor"), "{differing:?}");
}

#[test]
fn the_z_report_is_the_report_of_its_session_scope() {
    let mut t = till();
    demo::load(&mut t.store).unwrap();
    let conn = t.store.conn();
    let z = z_report::z_reports(conn).unwrap().remove(0);
    let report = report::report(conn, &Scope::Session(z.session_id.clone()), z.practice).unwrap();
    let (shared, differing) = shared_and_differing(
        &serde_json::to_value(&z.figures).unwrap(),
        &serde_json::to_value(&report).unwrap(),
    );
    assert!(shared.len() > 30, "{shared:?}");
    assert!(differing.is_empty(), "{differing:#?}");
    assert_eq!(report.cash.sessions, 1);
    assert!(report.event.is_none(), "a session is no event's whole day");
}
