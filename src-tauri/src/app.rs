//! The desktop window: opens the store, keeps who is at the till, and hands
//! the window our commands. A store that cannot be opened safely is shown to
//! the person instead of letting them sell.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use popup_till_core::shop::at_till::{self, AtTill};
use popup_till_core::shop::people::ApprovalRequest;
use popup_till_core::shop::status;
use popup_till_core::till::cart::CartInput;
use popup_till_core::till::parked;
use popup_till_core::{Actor, Error, ErrorCode, Store};

use tauri::Manager;

use crate::commands::{self, ApiError};

/// Who is at the till and when the till was last used.
struct Holder {
    who: Option<AtTill>,
    last_used: Instant,
}

pub struct AppState {
    store: Mutex<Option<Store>>,
    /// Why the store could not be opened, if it could not.
    pub open_error: Option<ApiError>,
    pub db_path: PathBuf,
    /// The person who took the till with their PIN, if anyone.
    holder: Mutex<Holder>,
    /// The cart on the counter (the last one quoted, with who built it):
    /// parked if the window closes before it is sold, parked or cleared.
    counter: Mutex<Option<(Actor, CartInput)>>,
}

impl AppState {
    pub fn open(db_path: PathBuf) -> AppState {
        let (store, open_error) = match popup_till_core::open_till(&db_path) {
            Ok((store, chore)) => {
                if let Some(err) = chore {
                    // The till still sells; the purge is tried again next start.
                    eprintln!("popup-till: a start-up chore failed: {err}");
                }
                // Checkpoints stay off the sale path (see Store::configure).
                store.checkpoint_in_background(std::time::Duration::from_secs(60));
                (Some(store), None)
            }
            Err(err) => (None, Some(ApiError::from(err))),
        };
        AppState {
            store: Mutex::new(store),
            open_error,
            db_path,
            holder: Mutex::new(Holder {
                who: None,
                last_used: Instant::now(),
            }),
            counter: Mutex::new(None),
        }
    }

    /// Run `work` with the store without asking who is at the till: only
    /// for what the window needs before anyone is (its status, taking the
    /// till, first setup, the demo).
    pub fn with_store_open<T>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, Error>,
    ) -> Result<T, ApiError> {
        let mut guard = self.store.lock().map_err(|_| ApiError::internal())?;
        match guard.as_mut() {
            Some(store) => work(store).map_err(ApiError::from),
            None => Err(self.open_error.clone().unwrap_or_else(ApiError::internal)),
        }
    }

    /// Run `work` with the store for the person at the till: refused when
    /// nobody is, when the till locked itself, or when that person has been
    /// deactivated (checked on every command).
    pub fn with_store<T>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, Error>,
    ) -> Result<T, ApiError> {
        self.actor()?;
        self.with_store_open(work)
    }

    /// The actor for changes made at the till now (see `at_till::check`).
    /// A refusal lets go of the till, so the window shows the picker.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        let mut holder = self.holder.lock().map_err(|_| ApiError::internal())?;
        let idle_for = holder.last_used.elapsed();
        let checked = self
            .with_store_open(|store| at_till::check(store.conn(), holder.who.as_ref(), idle_for));
        match checked {
            Ok(actor) => {
                holder.last_used = Instant::now();
                Ok(actor)
            }
            Err(err) => {
                if err.code == ErrorCode::NoOneAtTill.as_str() {
                    holder.who = None;
                }
                Err(err)
            }
        }
    }

    /// Who is at the till, when someone is and the till has not locked
    /// itself meanwhile.
    pub fn at_till(&self) -> Result<Option<AtTill>, ApiError> {
        match self.actor() {
            Ok(_) => Ok(self
                .holder
                .lock()
                .map_err(|_| ApiError::internal())?
                .who
                .clone()),
            Err(err) if err.code == ErrorCode::NoOneAtTill.as_str() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// The actor and who is at the till, checked once (for a command
    /// called on every scan); refused as `actor` refuses.
    pub fn at_till_checked(&self) -> Result<(Actor, Option<AtTill>), ApiError> {
        let actor = self.actor()?;
        let who = self
            .holder
            .lock()
            .map_err(|_| ApiError::internal())?
            .who
            .clone();
        Ok((actor, who))
    }

    /// Hand the till to a person who gave their PIN (or let go of it).
    pub fn hand_till(&self, who: Option<AtTill>) -> Result<(), ApiError> {
        let mut holder = self.holder.lock().map_err(|_| ApiError::internal())?;
        holder.who = who;
        holder.last_used = Instant::now();
        Ok(())
    }

    /// An approval request as made by the person at the till.
    /// The window may send none: then only an organizer at the till approves.
    pub fn approval(&self, request: Option<ApprovalRequest>) -> Result<ApprovalRequest, ApiError> {
        Ok(request.unwrap_or_default().from_till(self.at_till()?))
    }

    /// The actor for setup steps (see `status::setup_actor`).
    pub fn actor_or_setup(&self) -> Result<Actor, ApiError> {
        let at = self.at_till()?;
        self.with_store_open(|store| status::setup_actor(store.conn(), at.as_ref()))
    }

    /// Remember the cart on the counter (an empty cart is no cart).
    pub fn on_counter(&self, cart: Option<&CartInput>) -> Result<(), ApiError> {
        let kept = match cart {
            Some(cart) if !cart.lines.is_empty() => Some((self.actor()?, cart.clone())),
            _ => None,
        };
        *self.counter.lock().map_err(|_| ApiError::internal())? = kept;
        Ok(())
    }

    /// Remember a cart built by `actor` (already checked) on the counter.
    pub fn keep_on_counter(&self, actor: Actor, cart: &CartInput) -> Result<(), ApiError> {
        let kept = (!cart.lines.is_empty()).then(|| (actor, cart.clone()));
        *self.counter.lock().map_err(|_| ApiError::internal())? = kept;
        Ok(())
    }

    /// The window is closing: a cart still on the counter is parked, in
    /// the name of who built it, so it is offered back on the next start.
    pub fn park_counter(&self) {
        let Ok(mut counter) = self.counter.lock() else {
            return;
        };
        if let Some((actor, cart)) = counter.take() {
            let parked = self.with_store_open(|store| {
                store.write(&actor, |tx| parked::park(tx, &cart, "window closed"))
            });
            if let Err(err) = parked {
                eprintln!(
                    "popup-till: the cart on the counter could not be parked: {}",
                    err.message
                );
            }
        }
    }

    /// One write made by the person at the till.
    pub fn write<T>(
        &self,
        work: impl FnOnce(&popup_till_core::db::store::Tx) -> Result<T, Error>,
    ) -> Result<T, ApiError> {
        let actor = self.actor()?;
        self.with_store_open(|store| store.write(&actor, work))
    }
}

pub fn run(db_path: PathBuf) {
    // Before GTK or WebKit start, and before any other thread exists.
    leave_out_the_gpu_buffer_renderer();
    let state = AppState::open(db_path);
    let app = tauri::Builder::default()
        // The native folder chooser of the Export screen (capability: open only).
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(commands::handler())
        .setup(|app| {
            draw_without_gpu_compositing(app.handle());
            Ok(())
        })
        .on_window_event(|window, event| {
            // The window is closing (its close button, the window manager):
            // a cart still on the counter is parked before it goes.
            if let tauri::WindowEvent::CloseRequested { .. } | tauri::WindowEvent::Destroyed = event
            {
                window.state::<AppState>().park_counter();
            }
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            keep_the_counter_on_signals(app.handle().clone());
            app.run(|app, event| {
                // However the app ends, the cart on the counter is kept.
                if let tauri::RunEvent::Exit = event {
                    app.state::<AppState>().park_counter();
                }
            })
        }
        Err(err) => {
            eprintln!("popup-till: the window could not start: {err}");
            std::process::exit(1);
        }
    }
}

/// WebKitGTK composites each frame through GL by default; where there is no
/// GPU (or only a software one) that costs 65–95 ms after every change on
/// screen while style and layout take 2–3 ms (measured by the window
/// benchmark). A till's page is plain boxes and text: drawn without
/// compositing, the next frame comes within a few milliseconds.
/// `POPUP_TILL_GPU_COMPOSITING=1` keeps WebKit's own choice (to compare, or
/// on a machine where its GPU does better).
fn draw_without_gpu_compositing(handle: &tauri::AppHandle) {
    if std::env::var_os("POPUP_TILL_GPU_COMPOSITING").is_some_and(|v| v == "1") {
        return;
    }
    #[cfg(target_os = "linux")]
    if let Some(window) = handle.get_webview_window("main") {
        let _ = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = handle;
}

/// The window never composites on the GPU (`draw_without_gpu_compositing`),
/// yet WebKitGTK sets up its DMA-BUF renderer (GBM, EGL, the Mesa drivers)
/// as it starts, for the GPU buffers it would share with the web process.
/// Told not to, the window is on screen about 60–100 ms sooner (measured
/// by the window benchmark's launches). Left as it is when the GPU is
/// wanted (`POPUP_TILL_GPU_COMPOSITING=1`) or the variable is already set.
fn leave_out_the_gpu_buffer_renderer() {
    const RENDERER: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    let gpu_wanted = std::env::var_os("POPUP_TILL_GPU_COMPOSITING").is_some_and(|v| v == "1");
    if cfg!(target_os = "linux") && !gpu_wanted && std::env::var_os(RENDERER).is_none() {
        std::env::set_var(RENDERER, "1");
    }
}

/// A till asked to stop (SIGTERM when the laptop shuts down or the session
/// ends, SIGINT, SIGHUP) parks the cart on the counter, then exits.
fn keep_the_counter_on_signals(handle: tauri::AppHandle) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) else {
        eprintln!("popup-till: cannot listen for stop signals");
        return;
    };
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            handle.state::<AppState>().park_counter();
            handle.exit(0);
        }
    });
}
