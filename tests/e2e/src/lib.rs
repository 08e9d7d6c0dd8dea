//! End-to-end harness: launches the real built `popup-till` binary through
//! tauri-driver (WebKitWebDriver) on a scratch data folder, and gives tests a
//! small vocabulary to drive it: find, click, type, read text, wait.
//!
//! Needs a display (run under `xvfb-run`), `tauri-driver` on PATH, the app
//! built (`cargo build -p popup-till`) and axe-core installed (`npm ci`, which
//! `make test` runs). Without them the tests fail, never skip.
//!
//! `App::assert_accessible` runs axe-core inside the real window (the page's
//! CSP allows no script from anywhere else, so the test hands axe's own text
//! to the page through WebDriver) with the WCAG 2.2 AA rules, and fails with
//! every violation listed.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tempfile::TempDir;

pub use fantoccini;

/// The built app next to this test binary (target/<profile>/popup-till), so
/// a test never drives a stale binary from another target folder.
pub fn app_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let app = profile_dir.join("popup-till");
    assert!(
        app.exists(),
        "{} is missing: build the app first (cargo build -p popup-till)",
        app.display()
    );
    app
}

/// axe-core as `npm ci` installs it at the top of the repository.
pub fn axe_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/axe-core/axe.min.js")
}

async fn text_of(el: &Element) -> String {
    el.prop("textContent")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// A running app with its own data folder.
pub struct App {
    pub client: Client,
    driver: Driver,
    pub data_home: TempDir,
    artifacts: PathBuf,
}

impl App {
    /// Where the app keeps its database under this run's data folder.
    pub fn db_path_in(data_home: &Path) -> PathBuf {
        data_home.join("org.popuptill.app").join("till.sqlite")
    }

    pub fn db_path(&self) -> PathBuf {
        Self::db_path_in(self.data_home.path())
    }

    /// Run the organizer's command line on a database (no window).
    pub fn cli(db: &Path, args: &[&str]) -> Output {
        Command::new(app_binary())
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .expect("run popup-till")
    }

    /// The journal of a database still verifies, checked by the command
    /// line as an organizer would.
    pub fn assert_journal_holds(db: &Path) {
        let out = Self::cli(db, &["verify"]);
        assert!(
            out.status.success(),
            "the journal does not verify: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Launch on a fresh, empty data folder.
    pub async fn launch() -> App {
        Self::launch_prepared(|_| {}).await
    }

    /// Launch after `prepare` has set up the data folder (e.g. loaded the
    /// demo through the command line).
    pub async fn launch_prepared(prepare: impl FnOnce(&Path)) -> App {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "end-to-end tests need a display: run them under xvfb-run (they do not skip)"
        );
        let data_home = tempfile::tempdir().expect("scratch data folder");
        prepare(&Self::db_path_in(data_home.path()));
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("XDG_DATA_HOME", data_home.path())
            // WebKit's own compositing for the tests: with the app's default
            // (none), WebKitWebDriver's screenshot now and then never
            // answered. The window benchmark measures the default.
            .env(
                "POPUP_TILL_GPU_COMPOSITING",
                std::env::var_os("POPUP_TILL_GPU_COMPOSITING").unwrap_or_else(|| "1".into()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(Driver)
            .expect("start tauri-driver (install it with `cargo install tauri-driver --locked`)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app_binary() }),
        );
        let mut last_error = None;
        let mut client = None;
        for _ in 0..20 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(e) => {
                    last_error = Some(e.to_string());
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            }
        }
        let client = client.unwrap_or_else(|| panic!("WebDriver session: {last_error:?}"));
        let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts");
        std::fs::create_dir_all(&artifacts).ok();
        App {
            client,
            driver,
            data_home,
            artifacts,
        }
    }

    /// The tauri-driver process id (the app runs below it).
    pub fn driver_pid(&self) -> u32 {
        self.driver.id()
    }

    /// Wait for an element matching `css` (up to 10 s).
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Click, retrying while the screen redraws under the pointer (a freshly
    /// rendered element replaces the one found a moment ago).
    pub async fn click_settled(&self, css: &str) {
        let mut last = String::new();
        for _ in 0..20 {
            let el = self.find(css).await;
            match el.click().await {
                Ok(_) => return,
                Err(e) => last = e.to_string(),
            }
            // An element inside a scrolled screen part is brought to view.
            let _ = self
                .client
                .execute(
                    "const el = document.querySelector(arguments[0]); if (el) el.scrollIntoView({ block: 'center' });",
                    vec![serde_json::json!(css)],
                )
                .await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let shot = self.screenshot("failure").await;
        panic!("could not click {css}: {last} (screen: {})", shot.display());
    }

    /// Click `css` (brought into view first when it sits outside the
    /// scrolled part of the screen).
    pub async fn click(&self, css: &str) {
        self.click_settled(css).await;
    }

    /// Clear a field and type `text` into it, as a person (or a scanner) would.
    /// The field is found again while the screen redraws it (a freshly
    /// rendered field replaces the one found a moment ago).
    pub async fn type_into(&self, css: &str, text: &str) {
        let mut tries = 0;
        let el = loop {
            let el = self.find(css).await;
            match el.clear().await {
                Ok(_) => break el,
                Err(e) if tries >= 20 => panic!("clear {css}: {e}"),
                Err(_) => tries += 1,
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// The element's text (its DOM textContent: WebKitWebDriver's own
    /// "visible text" comes back empty for some styled elements).
    pub async fn text(&self, css: &str) -> String {
        text_of(&self.find(css).await).await
    }

    /// Wait until a field's value is `expected` (up to 10 s).
    pub async fn wait_for_value(&self, css: &str, expected: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let value = self.find(css).await.prop("value").await.unwrap();
            if value.as_deref() == Some(expected) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{css} holds {value:?}, not {expected:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Wait until the element's text contains `needle` (up to 10 s); returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(Some(text)) = el.prop("textContent").await {
                    if text.contains(needle) {
                        return text;
                    }
                    if Instant::now() > deadline {
                        let shot = self.screenshot("failure").await;
                        panic!(
                            "{css} never showed {needle:?}; it shows {text:?} (screen: {})",
                            shot.display()
                        );
                    }
                }
            }
            if Instant::now() > deadline {
                panic!("{css} never showed {needle:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Wait until no element matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self
            .client
            .find(Locator::Css(css))
            .await
            .map(|_| true)
            .unwrap_or(false)
        {
            assert!(Instant::now() < deadline, "{css} is still there");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Save a screenshot under tests/e2e/artifacts/ (kept out of git).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = self.artifacts.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Run axe-core on the page as it is now (every screen part and any open
    /// dialog) with the WCAG 2.0, 2.1 and 2.2 A and AA rules, and fail with
    /// a readable list when anything violates them. `what` names the state
    /// checked in the message.
    pub async fn assert_accessible(&self, what: &str) {
        let violations = self.axe_violations().await;
        if !violations.is_empty() {
            let shot = self
                .screenshot(&format!("axe-{}", what.replace(' ', "-")))
                .await;
            panic!(
                "axe-core finds {} WCAG 2.2 AA violation(s) on {what} (screen: {}):
{}",
                violations.len(),
                shot.display(),
                violations.join("\n")
            );
        }
    }

    /// The WCAG 2.2 AA violations axe-core finds on the page now, one line
    /// per rule and element: `rule (impact): help — element: what fails`.
    pub async fn axe_violations(&self) -> Vec<String> {
        let loaded = self
            .client
            .execute("return typeof window.axe === 'object';", vec![])
            .await
            .expect("ask whether axe is loaded");
        if loaded != serde_json::Value::Bool(true) {
            let source = std::fs::read_to_string(axe_path()).unwrap_or_else(|e| {
                panic!(
                    "{} cannot be read ({e}): install the test tools with `npm ci` (make deps does)",
                    axe_path().display()
                )
            });
            self.client
                .execute(&source, vec![])
                .await
                .expect("load axe-core into the page");
        }
        let answer = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                 window.axe.run(document, {
                   runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
                   resultTypes: ['violations'],
                 }).then((r) => done(r.violations.flatMap((v) => v.nodes.map((n) =>
                   `${v.id} (${v.impact}): ${v.help} — ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ')}`))),
                   (e) => done(['axe could not run: ' + e]));"#,
                vec![],
            )
            .await
            .expect("run axe-core");
        answer
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_else(|| vec![format!("axe answered {answer}")])
    }

    /// Press keys as a person at the keyboard would, wherever the focus is.
    pub async fn keys(&self, keys: &str) {
        let focused = self
            .client
            .active_element()
            .await
            .expect("the focused element");
        focused
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
    }

    /// The id of the element that has the focus (empty when it has none).
    pub async fn focused_id(&self) -> String {
        self.client
            .execute(
                "return document.activeElement ? document.activeElement.id : '';",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Take the till on the start dialog as `name`, with the fixture PIN
    /// of their role (the demo's and the fixtures' PINs are the same).
    pub async fn choose_person(&self, name: &str) {
        let role = self.pick_person(name).await;
        let pin = if role.contains("organizer") {
            fixtures::PIN
        } else {
            fixtures::CASHIER_PIN
        };
        self.type_into("#picker-pin", pin).await;
        self.click("#person-picker-ok").await;
        self.wait_gone("#person-picker").await;
    }

    /// Click `name` on the person picker; returns the role shown with it.
    pub async fn pick_person(&self, name: &str) -> String {
        self.find("#person-picker").await;
        let buttons = self
            .client
            .find_all(Locator::Css("#person-picker .person-button"))
            .await
            .expect("person buttons");
        for b in buttons {
            let text = text_of(&b).await;
            if text.contains(name) {
                b.click().await.expect("choose person");
                return text;
            }
        }
        panic!("nobody called {name} on the start dialog");
    }

    /// Answer the organizer PIN dialog.
    pub async fn enter_pin(&self, pin: &str) {
        self.type_into("#pin-input", pin).await;
        self.click("#pin-ok").await;
    }

    /// The till's own process (a descendant of the driver), from /proc.
    pub fn till_pid(&self) -> Option<u32> {
        let parent_of = |pid: u32| -> Option<u32> {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (comm) state ppid ...": the comm may hold spaces.
            stat.rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        };
        let driver = self.driver.id();
        std::fs::read_dir("/proc")
            .ok()?
            .flatten()
            .find_map(|entry| {
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
                if comm.trim() != "popup-till" {
                    return None;
                }
                let mut up = parent_of(pid);
                while let Some(p) = up {
                    if p == driver {
                        return Some(pid);
                    }
                    up = parent_of(p).filter(|&q| q != p && q > 1);
                }
                None
            })
    }

    /// End the session and stop the driver with SIGTERM (a killed driver
    /// leaves WebKitWebDriver running on its port).
    pub async fn close(mut self) -> TempDir {
        let _ = self.client.clone().close().await;
        self.driver.stop();
        // Hand the data folder back so the test can inspect the database.
        let App { data_home, .. } = self;
        data_home
    }
}

/// The tauri-driver process. It is stopped when dropped too, so a test that
/// fails half-way leaves no driver (nor the WebKitWebDriver and app below
/// it) running after the test run.
struct Driver(Child);

impl Driver {
    fn id(&self) -> u32 {
        self.0.id()
    }

    /// Stop with SIGTERM (a killed driver leaves WebKitWebDriver running on
    /// its port), then kill it if it has not ended within 5 seconds.
    fn stop(&mut self) {
        if !matches!(self.0.try_wait(), Ok(None)) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.0.try_wait(), Ok(None)) {
            if Instant::now() > deadline {
                let _ = self.0.kill();
                let _ = self.0.wait();
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Databases prepared before the app starts, through the core itself.
pub mod fixtures {
    use std::path::Path;

    use popup_till_core::catalog::{self, ProductInput};
    use popup_till_core::shop::events::{self, EventInput};
    use popup_till_core::shop::people::{self, ApprovalRequest, PersonInput};
    use popup_till_core::shop::settings;
    use popup_till_core::shop::status::{self, ShopSetup};
    use popup_till_core::{Actor, Store};

    /// The organizer PIN of every fixture shop (and of the demo's Maya).
    pub const PIN: &str = "246810";
    /// The cashier PIN of every fixture shop (and of the demo's cashiers).
    pub const CASHIER_PIN: &str = "1357";

    /// A product: sku, barcode, name, unit price, tax rate, unit.
    pub type Item<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str);

    /// "Harbour Stall": an organizer, a cashier, `items` and the open event
    /// "Harbour Market".
    pub fn harbour_shop(db: &Path, organizer: &str, cashier: &str, items: &[Item]) {
        let mut store = Store::open(db).unwrap();
        let (_, organizer) = status::set_up_shop(
            &mut store,
            &ShopSetup {
                shop_name: "Harbour Stall".into(),
                currency: "EUR".into(),
                organizer_name: organizer.into(),
                pin: PIN.into(),
            },
        )
        .unwrap();
        people::add_with_pin(
            &mut store,
            &Actor::person(&organizer.id),
            &ApprovalRequest::new(&organizer.id, PIN),
            &PersonInput {
                name: cashier.into(),
                role: "cashier".into(),
                pin: Some(CASHIER_PIN.into()),
            },
        )
        .unwrap();
        store
            .write(&Actor::system("test"), |tx| {
                let s = settings::load(tx)?;
                for (sku, barcode, name, price, rate, unit) in items {
                    catalog::create(
                        tx,
                        &s,
                        &ProductInput {
                            sku: sku.to_string(),
                            barcode: barcode.to_string(),
                            name: name.to_string(),
                            unit_price: price.to_string(),
                            tax_rate: rate.to_string(),
                            unit: unit.to_string(),
                            kind: if *unit == "each" { "item" } else { "refill" }.into(),
                            category: "Shop".into(),
                            low_stock_threshold: String::new(),
                        },
                    )?;
                }
                let ev = events::create(
                    tx,
                    &EventInput {
                        name: "Harbour Market".into(),
                        venue: "Quay".into(),
                        starts_at: "2026-12-05T10:00".into(),
                        ends_at: "2026-12-05T17:00".into(),
                        notes: String::new(),
                    },
                )?;
                events::open(tx, &ev.id)?;
                Ok(())
            })
            .unwrap();
    }
}

/// The memory of the app and its WebKit processes, from /proc: RSS, and
/// PSS (`smaps_rollup`), which counts pages shared between them once.
pub mod memory {
    use std::collections::HashMap;

    /// One process below the driver: the app or one of WebKit's.
    pub struct Process {
        pub pid: u32,
        pub name: String,
        pub rss_kib: u64,
        pub pss_kib: u64,
    }

    fn children_map() -> HashMap<u32, Vec<u32>> {
        let mut map: HashMap<u32, Vec<u32>> = HashMap::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // ppid is the second field after the ")" that ends the command name
            let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
                continue;
            };
            if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
                map.entry(ppid).or_default().push(pid);
            }
        }
        map
    }

    fn descendants(root: u32) -> Vec<u32> {
        let map = children_map();
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(pid) = stack.pop() {
            for child in map.get(&pid).into_iter().flatten() {
                out.push(*child);
                stack.push(*child);
            }
        }
        out
    }

    fn kib(pid: u32, file: &str, key: &str) -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/{file}"))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    fn comm(pid: u32) -> String {
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// The app and its WebKit processes below the driver (`App::driver_pid`);
    /// WebKit's WebDriver itself is left out.
    pub fn of_app(driver_pid: u32) -> Vec<Process> {
        descendants(driver_pid)
            .into_iter()
            .filter_map(|pid| {
                let name = comm(pid);
                let ours = name.starts_with("popup-till")
                    || name.starts_with("WebKit") && !name.starts_with("WebKitWebDriver");
                ours.then(|| Process {
                    pid,
                    rss_kib: kib(pid, "status", "VmRSS:"),
                    pss_kib: kib(pid, "smaps_rollup", "Pss:"),
                    name,
                })
            })
            .collect()
    }

    /// RSS and PSS of `processes` together, in KiB.
    pub fn total(processes: &[Process]) -> (u64, u64) {
        processes
            .iter()
            .fold((0, 0), |(r, p), x| (r + x.rss_kib, p + x.pss_kib))
    }
}
