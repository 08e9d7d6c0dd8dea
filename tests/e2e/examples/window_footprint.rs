//! Measures the real window: time from launching the app (through
//! tauri-driver) to the first screen being on the page, and the memory of the
//! app and its WebKit processes (RSS, and PSS which counts shared pages once).
//!
//! Run under a display: `xvfb-run -a cargo run -p popup-till-e2e --example window_footprint`
//! (build the app first with `cargo build -p popup-till`).

use std::time::Instant;

use popup_till_e2e::{memory, App};

#[tokio::main]
async fn main() {
    // The window as shipped: without GPU compositing (see app.rs).
    if std::env::var_os("POPUP_TILL_GPU_COMPOSITING").is_none() {
        std::env::set_var("POPUP_TILL_GPU_COMPOSITING", "0");
    }
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
            let processes = memory::of_app(app.driver_pid());
            for p in &processes {
                println!(
                    "  {:<22} pid {:>7}  RSS {:>6.1} MiB  PSS {:>6.1} MiB",
                    p.name,
                    p.pid,
                    p.rss_kib as f64 / 1024.0,
                    p.pss_kib as f64 / 1024.0
                );
            }
            let (rss, pss) = memory::total(&processes);
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
