//! How long the Event and Tasks screens wait for an event's flow: `flow_at`
//! on a flow of 100 steps with 150 sign-offs (statuses, prerequisites and
//! overdue derived from the append-only records), against a raw rusqlite
//! baseline that only reads the same rows, measured in the same run.
//!
//! Run: `cargo bench -p popup-till-core --bench task_flow`

use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use popup_till_core::shop::events::EventInput;
use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
use popup_till_core::shop::status::{self, ShopSetup};
use popup_till_core::tasks::{self, DueInput, SignInput, StepInput, TemplateInput};
use popup_till_core::{Actor, Store};

const RUNS: usize = 300;

/// One task row joined with one of its sign-offs, as the baseline reads it.
type RawRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn measure(mut work: impl FnMut()) -> Vec<Duration> {
    for _ in 0..20 {
        work();
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            work();
            t.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite");
    let mut store = Store::open(&path).expect("open");
    let actor = Actor::system("bench");
    let steps: Vec<StepInput> = (0..100)
        .map(|i| StepInput {
            key: format!("s{i}"),
            phase: ["before", "during", "after"][i * 3 / 100].into(),
            title: format!("Step {i}"),
            due: Some(DueInput::Text(
                [
                    "1 day before start",
                    "1 hour after start",
                    "1 day after end",
                ][i * 3 / 100]
                    .into(),
            )),
            signoff: if i % 2 == 0 { "two_people" } else { "one" }.into(),
            requires: if i > 0 && i % 3 != 0 {
                vec![format!("s{}", i - 1)]
            } else {
                vec![]
            },
            ..Default::default()
        })
        .collect();
    let event_id = store
        .write(&actor, |tx| {
            let t = tasks::create_template(
                tx,
                &TemplateInput {
                    name: "Bench".into(),
                    description: String::new(),
                    steps,
                },
            )?;
            let ev = tasks::create_event_with_flow(
                tx,
                &EventInput {
                    name: "Bench fair".into(),
                    venue: String::new(),
                    starts_at: "2026-12-05T10:00".into(),
                    ends_at: "2026-12-05T17:00".into(),
                    notes: String::new(),
                },
                Some(&t.id),
            )?;
            Ok(ev.id)
        })
        .expect("set up");
    // Two-person steps are signed by Riley at the till and Sam with their
    // own PIN; the others by a volunteer's name.
    let (_, organizer) = status::set_up_shop(
        &mut store,
        &ShopSetup {
            shop_name: "Bench".into(),
            currency: "EUR".into(),
            organizer_name: "Maya".into(),
            pin: "246810".into(),
        },
    )
    .expect("set up the shop");
    let mut cashier = |name: &str| {
        people::add_with_pin(
            &mut store,
            &Actor::person(&organizer.id),
            &ApprovalRequest::new(&organizer.id, "246810"),
            &PersonInput {
                name: name.into(),
                role: "cashier".into(),
                pin: Some("1357".into()),
            },
        )
        .expect("a cashier")
    };
    let riley = Actor::person(cashier("Riley").id);
    let sam = cashier("Sam");
    let flow = tasks::flow(&store, &event_id).expect("flow");
    for step in &flow.steps {
        let input = if step.signoff == tasks::Signoff::TwoPeople {
            SignInput {
                second_person_id: Some(sam.id.clone()),
                second_pin: Some("1357".into()),
                ..SignInput::default()
            }
        } else {
            SignInput {
                signer_name: "Riley".into(),
                ..SignInput::default()
            }
        };
        tasks::sign_with_pin(
            &mut store,
            &riley,
            &step.id,
            &input,
            &ApprovalRequest::none(),
        )
        .expect("sign");
    }
    let now = NaiveDateTime::parse_from_str("2026-12-05T12:00", "%Y-%m-%dT%H:%M").expect("time");

    let ours = measure(|| {
        let f = tasks::flow_at(store.conn(), &event_id, now).expect("flow");
        assert_eq!(f.done, 100);
    });
    let raw = rusqlite::Connection::open(&path).expect("raw open");
    let baseline = measure(|| {
        let mut stmt = raw
            .prepare_cached(
                "SELECT t.id, t.phase, t.title, t.requires, t.due_anchor, t.due_offset_minutes, s.kind, n.name, s.at_utc
                 FROM task t LEFT JOIN task_signoff s ON s.task_id = t.id
                 LEFT JOIN task_signer_name n ON n.signoff_id = s.id
                 WHERE t.event_id = ?1 ORDER BY t.position, s.at_utc",
            )
            .expect("prepare");
        let rows: Vec<RawRow> = stmt
            .query_map([&event_id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(rows.len(), 150);
    });
    let (m, p) = (percentile(&ours, 0.5), percentile(&ours, 0.99));
    let (bm, bp) = (percentile(&baseline, 0.5), percentile(&baseline, 0.99));
    println!("task flow of 100 steps, 150 sign-offs, {RUNS} runs");
    println!("  flow_at:          median {m:?}  p99 {p:?}");
    println!("  raw rusqlite read: median {bm:?}  p99 {bp:?}");
    println!(
        "  ratio (flow_at / raw): median {:.1}x  p99 {:.1}x",
        m.as_secs_f64() / bm.as_secs_f64(),
        p.as_secs_f64() / bp.as_secs_f64()
    );
}
