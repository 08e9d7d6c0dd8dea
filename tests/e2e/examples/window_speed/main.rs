//! The speed a cashier feels, measured in the real window on a big till
//! file: 100,000 products and a season of 100 market days with 1,000,000
//! sale lines (built once through the core and kept under the build
//! folder, see `season.rs`). The app is driven through WebDriver; every
//! time is taken in the page with `performance.now()`, from the key press
//! (dispatched in the page) to the result on the page (a MutationObserver
//! sees it; "frame" is the animation frame after it, when it is painted).
//! Beside each, the same core calls timed inside Rust on the same file in
//! the same run (`core_side.rs`), so the share of the page and of the
//! bridge between them is visible.
//!
//! Run: `make bench` (under Xvfb, release build), or
//! `xvfb-run -a cargo run --release -p popup-till-e2e --example window_speed`
//! after `cargo build --release -p popup-till`. `TRIES` (default 200) sets
//! the tries of each interaction, `REPORT_TRIES` (default: `TRIES`) those
//! of the Reports screen, `LAUNCHES` (default 20) the launches,
//! `SEASON_LINES` (default 1,000,000) the sale lines of the season file;
//! `--season-only` builds the season file (no window) and stops.

mod core_side;
mod season;

use std::path::{Path, PathBuf};
use std::time::Duration;

use popup_till_e2e::fantoccini::Locator;
use popup_till_e2e::{memory, App};
use serde_json::{json, Value};

/// Median and 95th percentile of `ms`.
pub fn stats(ms: &[f64]) -> (f64, f64) {
    let mut v = ms.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).expect("a time"));
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let at = |q: f64| v[((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1];
    (at(0.5), at(0.95))
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The build folder this example runs from (target/), where the season
/// file is kept between runs.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the example's path");
    exe.ancestors()
        .nth(3)
        .expect("target/<profile>/examples/<example>")
        .to_path_buf()
}

/// The season file, built once (a few minutes) and kept.
fn season_file() -> PathBuf {
    let dir = target_dir().join("bench-season");
    std::fs::create_dir_all(&dir).expect("the season folder");
    let file = dir.join(format!(
        "season-schema{}-{}p-{}l.sqlite",
        popup_till_core::db::store::schema_version(),
        season::PRODUCTS,
        season::sale_lines()
    ));
    if !file.exists() {
        println!(
            "building the season file (kept for the next runs): {}",
            file.display()
        );
        let building = file.with_extension("building");
        let _ = std::fs::remove_file(&building);
        season::build(&building);
        std::fs::rename(&building, &file).expect("keep the season file");
    }
    file
}

/// The run's copy of the season file in an app's data folder: a hard link
/// to one copy made per run (the file is large; a launch only reads it, and
/// the selling session's writes stay in this run's copy).
fn link_season(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().expect("a folder")).expect("the data folder");
    std::fs::hard_link(from, to)
        .or_else(|_| std::fs::copy(from, to).map(|_| ()))
        .expect("the season file in the data folder");
}

/// One measured interaction as the page reports it.
#[derive(Default)]
struct Marks {
    dom: Vec<f64>,
    frame: Vec<f64>,
    /// Forced style + layout right after the change.
    layout: Vec<f64>,
    /// The calls into Rust as the page timed them: all of one try together,
    /// and each command's own.
    calls: Vec<f64>,
    by_command: std::collections::BTreeMap<String, Vec<f64>>,
}

impl Marks {
    fn add(&mut self, v: &Value, what: &str) {
        if let Some(err) = v.get("error") {
            panic!("{what}: {err}");
        }
        self.dom.push(v["dom"].as_f64().expect("dom time"));
        self.frame.push(v["frame"].as_f64().expect("frame time"));
        self.layout.push(v["layout"].as_f64().unwrap_or(f64::NAN));
        let mut sum = 0.0;
        for c in v["calls"].as_array().into_iter().flatten() {
            let (name, ms) = (c[0].as_str().unwrap_or("?"), c[1].as_f64().unwrap_or(0.0));
            sum += ms;
            self.by_command
                .entry(name.to_string())
                .or_default()
                .push(ms);
        }
        self.calls.push(sum);
    }

    /// Where the time of one interaction goes, as medians.
    fn breakdown(&self, what: &str) {
        let (calls, _) = stats(&self.calls);
        let (dom, _) = stats(&self.dom);
        let (layout, _) = stats(&self.layout);
        let (frame, _) = stats(&self.frame);
        let commands: Vec<String> = self
            .by_command
            .iter()
            .map(|(name, ms)| {
                let (m, q) = stats(ms);
                format!("{name} {m:.1}/{q:.1} ({}x)", ms.len())
            })
            .collect();
        println!(
            "  {what:<34} calls into Rust {calls:6.1} | page JS + DOM {:6.1} | style+layout {layout:5.1} | to the frame {:6.1} | {}",
            dom - calls,
            frame - dom,
            commands.join(", ")
        );
    }
}

/// Shared by the in-page scripts: `finish(t0, done)` answers with the time
/// to now (the DOM changed) and to the next animation frame (painted).
const FINISH: &str = r#"
// Every call into Rust (the bridge and the core) as the page waits for it:
// the page's one door (`ui/js/api.js`) adds each to this list.
if (!Array.isArray(window.__tillCallTimes)) window.__tillCallTimes = [];
window.__benchCalls = window.__tillCallTimes;
window.__benchCalls.length = 0;
const finish = (t0, done, extra) => {
  const dom = performance.now() - t0;
  // Style and layout forced now: what the frame after it must do anyway.
  const l0 = performance.now();
  void document.body.offsetHeight;
  const layout = performance.now() - l0;
  const calls = window.__benchCalls.slice();
  const more = extra ? extra() : {};
  requestAnimationFrame(() => done(Object.assign({ dom, layout, calls, frame: performance.now() - t0 }, more)));
};
const watch = (el, ready, t0, done, extra) => {
  const obs = new MutationObserver(() => { if (ready()) { obs.disconnect(); finish(t0, done, extra); } });
  obs.observe(el, { childList: true, subtree: true, characterData: true, attributes: true });
  setTimeout(() => { obs.disconnect(); done({ error: 'nothing drawn within 10 s' }); }, 10000);
};
"#;

/// Scan `code` as a scanner does (each digit an input event, then Enter)
/// and wait for the new line in the cart.
const SCAN: &str = r#"
const [code, done] = [arguments[0], arguments[arguments.length - 1]];
const body = document.getElementById('till-cart-lines');
const scan = document.getElementById('till-scan');
const before = body.querySelectorAll('.cart-line').length;
scan.focus();
scan.value = '';
for (const ch of code) { scan.value += ch; scan.dispatchEvent(new Event('input', { bubbles: true })); }
const t0 = performance.now();
watch(body, () => body.querySelectorAll('.cart-line').length > before, t0, done);
scan.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
"#;

/// Type three letters (the third one timed) and wait for their results.
const SEARCH: &str = r#"
const [q, done] = [arguments[0], arguments[arguments.length - 1]];
const scan = document.getElementById('till-scan');
const results = document.getElementById('till-results');
scan.focus();
scan.value = q.slice(0, 1); scan.dispatchEvent(new Event('input', { bubbles: true }));
scan.value = q.slice(0, 2); scan.dispatchEvent(new Event('input', { bubbles: true }));
const t0 = performance.now();
watch(results, () => results.dataset.query === q && results.querySelector('.result'), t0, done,
  () => ({ found: results.querySelectorAll('.result').length }));
scan.value = q; scan.dispatchEvent(new Event('input', { bubbles: true }));
"#;

/// Clear the scan field (the results go) and wait for the page to settle.
const CLEAR_SEARCH: &str = r#"
const done = arguments[arguments.length - 1];
const scan = document.getElementById('till-scan');
scan.value = ''; scan.dispatchEvent(new Event('input', { bubbles: true }));
setTimeout(() => requestAnimationFrame(() => done(document.querySelectorAll('#till-results .result').length)), 30);
"#;

/// F2 (cash exact) and wait for the sale's receipt panel.
const PAY: &str = r#"
const done = arguments[arguments.length - 1];
const message = document.getElementById('till-message');
const panel = () => document.getElementById('till-change-panel');
const before = panel() ? panel().textContent : null;
const t0 = performance.now();
watch(message, () => panel() && panel().textContent !== before, t0, done);
document.getElementById('till-scan').dispatchEvent(new KeyboardEvent('keydown', { key: 'F2', bubbles: true, cancelable: true }));
"#;

/// Wait until a payment is over (the pay keys work again) and the side
/// lists are drawn.
const SETTLE: &str = r#"
const done = arguments[arguments.length - 1];
const started = performance.now();
const check = () => {
  const key = document.getElementById('pay-cash-exact');
  if ((key && !key.disabled) || performance.now() - started > 10000) {
    setTimeout(() => requestAnimationFrame(() => done(true)), 20);
  } else setTimeout(check, 5);
};
check();
"#;

/// Open the Reports screen (the open event, the biggest) and wait for
/// its chart, then for the whole report (its takings table), then for the
/// comparison of all events under it.
const REPORTS: &str = r#"
const done = arguments[arguments.length - 1];
const screen = document.getElementById('screen');
const t0 = performance.now();
let chart = null;
let whole = null;
const obs = new MutationObserver(() => {
  if (whole === null && document.querySelector('#report-body #report-money')) {
    whole = performance.now() - t0;
  }
  if (chart === null && document.querySelector('#report-body #sales-chart .chart-bar')) {
    chart = performance.now() - t0;
    const calls = window.__benchCalls.slice();
    const l0 = performance.now();
    void document.body.offsetHeight;
    const layout = performance.now() - l0;
    requestAnimationFrame(() => { chart = { dom: chart, frame: performance.now() - t0, calls, layout }; });
  }
  if (document.querySelector('#compare-table tbody tr')) {
    obs.disconnect();
    const all = performance.now() - t0;
    requestAnimationFrame(() => requestAnimationFrame(() => done({ dom: chart.dom, frame: chart.frame, calls: chart.calls, layout: chart.layout, whole, all })));
  }
});
obs.observe(screen, { childList: true, subtree: true });
setTimeout(() => { obs.disconnect(); done({ error: 'no chart within 20 s' }); }, 20000);
document.getElementById('nav-reports').click();
"#;

/// Nothing changes: how long until the next frame anyway.
const IDLE: &str = r#"
const done = arguments[arguments.length - 1];
finish(performance.now(), done);
"#;

/// Back to the Till screen, ready to scan.
const TO_TILL: &str = r#"
const done = arguments[arguments.length - 1];
document.getElementById('nav-till').click();
const check = () => {
  const scan = document.getElementById('till-scan');
  if (scan && document.querySelector('#till-cart-lines') && document.activeElement === scan) {
    setTimeout(() => done(true), 50);
  } else setTimeout(check, 10);
};
check();
"#;

async fn run(app: &App, script: &str, args: Vec<Value>) -> Value {
    app.client
        .execute_async(&format!("{FINISH}\n{script}"), args)
        .await
        .unwrap_or_else(|e| panic!("in-page script: {e}"))
}

/// Launch on a copy of the season file; answers the app and the launch
/// times: app process start → picker usable, and the page's own
/// navigation start → picker usable.
async fn launch(season: &Path) -> (App, f64, f64) {
    let app = App::launch_prepared(|db| link_season(season, db)).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let marked = loop {
        let v = app
            .client
            .execute(
                "const m = performance.getEntriesByName('person-picker-usable')[0];
                 return m && document.querySelector('#person-picker .person-button')
                   ? { at: performance.timeOrigin + m.startTime, page: m.startTime } : null;",
                vec![],
            )
            .await
            .expect("ask for the picker");
        if !v.is_null() {
            break v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the person picker never came"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let started = app
        .till_pid()
        .and_then(process_start_epoch_ms)
        .expect("the app's start time");
    let at = marked["at"].as_f64().expect("mark time");
    (
        app,
        at - started,
        marked["page"].as_f64().expect("page time"),
    )
}

/// When process `pid` started, in ms since the epoch (10 ms steps).
fn process_start_epoch_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let ticks: f64 = stat
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(19)?
        .parse()
        .ok()?;
    // The boot's instant from the clock now less the time since boot (to
    // 10 ms). Not `btime` of /proc/stat: it is whole seconds, so every
    // launch read late by the boot's fraction of a second (0.34 s on the
    // machine where this was found).
    let since_boot: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    // USER_HZ is 100 on Linux.
    Some((now - since_boot + ticks / 100.0) * 1000.0)
}

fn row(what: &str, page: Option<&[f64]>, frame: &[f64], rust: Option<&[f64]>, target: &str) {
    let (fm, fp) = stats(frame);
    let page = page
        .map(|p| {
            let (m, q) = stats(p);
            format!("DOM {m:6.1} / {q:6.1}")
        })
        .unwrap_or_else(|| " ".repeat(20));
    let rust = rust
        .map(|r| {
            let (m, q) = stats(r);
            format!("core {m:7.2} / {q:7.2}")
        })
        .unwrap_or_default();
    let met = if let Some(limit) = target.strip_prefix("p95<=") {
        if fp <= limit.parse::<f64>().unwrap_or(0.0) {
            "met"
        } else {
            "MISSED"
        }
    } else {
        ""
    };
    println!(
        "  {what:<34} on screen {fm:7.1} / {fp:7.1} ms | {page} | {rust} | target {target} {met}",
    );
}

#[tokio::main]
async fn main() {
    // The app as shipped (no GPU compositing) unless asked otherwise; the
    // end-to-end harness would keep WebKit's own.
    if std::env::var_os("POPUP_TILL_GPU_COMPOSITING").is_none() {
        std::env::set_var("POPUP_TILL_GPU_COMPOSITING", "0");
    }
    let tries = env_number("TRIES", 200);
    let launches = env_number("LAUNCHES", 20);
    let report_tries = env_number("REPORT_TRIES", tries);
    let cached = season_file();
    if std::env::args().any(|a| a == "--season-only") {
        println!("season file ready: {}", cached.display());
        return;
    }
    let season = cached.with_file_name("this-run.sqlite");
    for end in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{end}", season.display()));
    }
    std::fs::copy(&cached, &season).expect("this run's copy of the season file");
    let size = std::fs::metadata(&season).map(|m| m.len()).unwrap_or(0);
    println!(
        "till file: {} products, {} market days, {} sale lines ({:.0} MB)",
        season::PRODUCTS,
        season::EVENTS,
        season::sale_lines(),
        size as f64 / 1e6
    );

    // Launches: the run's copy of the file (warm in the page cache).
    let mut launch_ms = Vec::new();
    let mut page_ms = Vec::new();
    for _ in 0..launches {
        let (app, total, page) = launch(&season).await;
        launch_ms.push(total);
        page_ms.push(page);
        app.close().await;
    }

    // A selling session: the cashier takes the till and sells.
    let (app, _, _) = launch(&season).await;
    app.choose_person(season::CASHIER).await;
    app.find("#till-scan").await;
    run(&app, TO_TILL, vec![]).await;
    let mut scan = Marks::default();
    let mut search = Marks::default();
    let mut pay = Marks::default();
    let mut found = 0u64;
    let range = season::day_range(season::EVENTS - 1);
    let mut memory_after_100 = None;
    let mut k = 0usize;
    for i in 0..tries.max(100) {
        for _ in 0..3 {
            let code = season::barcode(range[(k * 37) % range.len()]);
            k += 1;
            if scan.dom.len() < tries {
                let v = run(&app, SCAN, vec![json!(code)]).await;
                scan.add(&v, "scan");
            } else {
                // Past the tries: the cart still gets its three lines.
                run(&app, SCAN, vec![json!(code)]).await;
            }
        }
        if search.dom.len() < tries {
            let q = season::SEARCHES[i % season::SEARCHES.len()];
            let v = run(&app, SEARCH, vec![json!(q)]).await;
            found += v["found"].as_u64().unwrap_or(0);
            search.add(&v, "search");
            run(&app, CLEAR_SEARCH, vec![]).await;
        }
        let v = run(&app, PAY, vec![]).await;
        pay.add(&v, "F2");
        run(&app, SETTLE, vec![]).await;
        if i + 1 == 100 {
            tokio::time::sleep(Duration::from_secs(2)).await;
            memory_after_100 = Some(memory::of_app(app.driver_pid()));
        }
    }
    app.screenshot("bench-till").await;
    let mut idle = Marks::default();
    for _ in 0..20 {
        let v = run(&app, IDLE, vec![]).await;
        idle.add(&v, "idle frame");
    }
    let mut reports = Marks::default();
    let mut reports_whole = Vec::new();
    let mut reports_all = Vec::new();
    for _ in 0..report_tries {
        let v = run(&app, REPORTS, vec![]).await;
        reports.add(&v, "reports");
        reports_whole.push(v["whole"].as_f64().unwrap_or(f64::NAN));
        reports_all.push(v["all"].as_f64().unwrap_or(f64::NAN));
        run(&app, TO_TILL, vec![]).await;
    }
    run(&app, REPORTS, vec![]).await;
    app.screenshot("bench-reports").await;
    let _ = app.client.find(Locator::Css("#sales-chart")).await;
    let data_home = app.close().await;

    // The same calls inside Rust, on the file the window just used.
    let db = App::db_path_in(data_home.path());
    let core = core_side::measure(&db, tries);
    App::assert_journal_holds(&db);

    println!(
        "median / p95 in ms over {tries} tries each (Reports: {report_tries}; launch: {launches} launches)"
    );
    println!("  on screen: from the key press (dispatched in the page) to the next animation frame after the result is in the DOM");
    println!("  DOM: to the MutationObserver seeing the result; core: the same core calls timed inside Rust on the same file");
    row(
        "scan + Enter -> line drawn",
        Some(&scan.dom),
        &scan.frame,
        Some(&core.scan),
        "p95<=30",
    );
    row(
        "3 letters -> results drawn",
        Some(&search.dom),
        &search.frame,
        Some(&core.search),
        "p95<=30",
    );
    row(
        "F2 (3 lines) -> receipt on screen",
        Some(&pay.dom),
        &pay.frame,
        Some(&core.pay),
        "p95<=60",
    );
    row(
        "Reports (biggest day) -> chart",
        Some(&reports.dom),
        &reports.frame,
        Some(&core.report_head),
        "p95<=150",
    );
    row(
        "  ... and the whole report",
        None,
        &reports_whole,
        Some(&core.report),
        "",
    );
    row(
        "  ... and the season comparison",
        None,
        &reports_all,
        Some(&core.compare),
        "",
    );
    row(
        "launch (process start) -> picker",
        Some(&page_ms),
        &launch_ms,
        Some(&core.open),
        "p95<=1000",
    );
    println!("where the time goes (medians, ms; per command: median/p95 of its calls):");
    scan.breakdown("scan + Enter");
    search.breakdown("3 letters");
    pay.breakdown("F2");
    reports.breakdown("Reports chart");
    idle.breakdown("an idle frame (nothing changed)");
    let (m, q) = stats(&core.at_till);
    println!(
        "  who is at the till (checked by every command, up to 3 times a scan): core {m:.3} / {q:.3} ms"
    );
    println!(
        "  search found {:.1} products on average (at most 8 shown)",
        found as f64 / search.dom.len().max(1) as f64
    );
    if let Some(processes) = memory_after_100 {
        for p in &processes {
            println!(
                "    {:<22} pid {:>7}  RSS {:>6.1} MiB  PSS {:>6.1} MiB",
                p.name,
                p.pid,
                p.rss_kib as f64 / 1024.0,
                p.pss_kib as f64 / 1024.0
            );
        }
        let (rss, pss) = memory::total(&processes);
        println!(
            "  memory after 100 sales (app + WebKit): PSS {:.0} MiB, RSS {:.0} MiB | target PSS <= 300 MiB {}",
            pss as f64 / 1024.0,
            rss as f64 / 1024.0,
            if pss <= 300 * 1024 { "met" } else { "MISSED" }
        );
    }
    println!(
        "  core in-process memory with the file open: RSS {:.0} MiB",
        core.rss_kib as f64 / 1024.0
    );
}
