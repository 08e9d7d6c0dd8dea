//! The desktop window: opens the store, keeps who is at the till, and hands
//! the window our commands. A store that cannot be opened safely is shown to
//! the person instead of letting them sell.

use std::path::PathBuf;
use std::sync::Mutex;

use popup_till_core::shop::status;
use popup_till_core::{Actor, Error, Store};

use crate::commands::{self, ApiError};

pub struct AppState {
    store: Mutex<Option<Store>>,
    /// Why the store could not be opened, if it could not.
    pub open_error: Option<ApiError>,
    pub db_path: PathBuf,
    /// The person at the till (a person id), chosen on start.
    pub person: Mutex<Option<String>>,
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
            person: Mutex::new(None),
        }
    }

    /// Run `work` with the store (reads, or writes that name their own actor).
    pub fn with_store<T>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, Error>,
    ) -> Result<T, ApiError> {
        let mut guard = self.store.lock().map_err(|_| ApiError::internal())?;
        match guard.as_mut() {
            Some(store) => work(store).map_err(ApiError::from),
            None => Err(self.open_error.clone().unwrap_or_else(ApiError::internal)),
        }
    }

    fn person_at_till(&self) -> Result<Option<String>, ApiError> {
        Ok(self
            .person
            .lock()
            .map_err(|_| ApiError::internal())?
            .clone())
    }

    /// The actor for changes made at the till now.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        Ok(status::actor_at_till(self.person_at_till()?.as_deref())?)
    }

    /// The actor for setup steps (see `status::setup_actor`).
    pub fn actor_or_setup(&self) -> Result<Actor, ApiError> {
        let person = self.person_at_till()?;
        self.with_store(|store| status::setup_actor(store.conn(), person.as_deref()))
    }

    /// One write made by the person at the till.
    pub fn write<T>(
        &self,
        work: impl FnOnce(&popup_till_core::db::store::Tx) -> Result<T, Error>,
    ) -> Result<T, ApiError> {
        let actor = self.actor()?;
        self.with_store(|store| store.write(&actor, work))
    }
}

pub fn run(db_path: PathBuf) {
    let state = AppState::open(db_path);
    let result = tauri::Builder::default()
        // The native folder chooser of the Export screen (capability: open only).
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("popup-till: the window could not start: {err}");
        std::process::exit(1);
    }
}
