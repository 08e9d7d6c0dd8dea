//! Measures the real window: time from launching the app (through
//! tauri-driver) to the first screen being on the page, and the memory of the
//! app and its WebKit processes (RSS, and PSS which counts shared pages once).
//!
//! Run under a display: `xvfb-run -a cargo run -p popup-till-e2e --example window_footprint`
//! (build the app first with `cargo build -p popup-till`).

use std::collections::HashMap;
use std::time::Instant;

use popup_till_e2e::App;

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

#[tokio::main]
async fn main() {
    let runs = 5;
    let mut times = Vec::new();
    for i in 0..runs {
        let started = Instant::now();
        let app = App::launch().await;
        app.find("#welcome").await;
        let elapsed = started.elapsed();
        times.push(elapsed.as_secs_f64() * 1000.0);
        if i == runs - 1 {
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            let (mut rss, mut pss) = (0, 0);
            for pid in descendants(app.driver_pid()) {
                let name = comm(pid);
                if name.starts_with("popup-till")
                    || name.starts_with("WebKit") && !name.starts_with("WebKitWebDriver")
                {
                    let (r, p) = (
                        kib(pid, "status", "VmRSS:"),
                        kib(pid, "smaps_rollup", "Pss:"),
                    );
                    println!(
                        "  {name:<22} pid {pid:>7}  RSS {:>6.1} MiB  PSS {:>6.1} MiB",
                        r as f64 / 1024.0,
                        p as f64 / 1024.0
                    );
                    rss += r;
                    pss += p;
                }
            }
            println!(
                "memory (app + WebKit processes): RSS {:.0} MiB, PSS {:.0} MiB",
                rss as f64 / 1024.0,
                pss as f64 / 1024.0
            );
        }
        app.close().await;
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "launch to first screen (WebDriver session + app start + page): median {:.0} ms, min {:.0} ms, max {:.0} ms over {runs} runs",
        times[runs / 2], times[0], times[runs - 1]
    );
}
