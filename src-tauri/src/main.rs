//! Popup Till's executable: with no subcommand it opens the till window; with
//! one it is the organizer's command line (`popup-till --help`). Both use the
//! same core and the same database path rules.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod cli;
// The list is read by build.rs (permissions) and by the capability test.
#[cfg_attr(not(test), allow(dead_code))]
mod command_names;
#[cfg(test)]
mod command_roles;
#[cfg(test)]
mod command_walk;
mod commands;

use clap::Parser;

fn main() {
    let args = cli::Args::parse();
    let db = args.db.clone().unwrap_or_else(cli::default_db_path);
    match args.command {
        None => app::run(db),
        Some(command) => std::process::exit(cli::run(&db, command)),
    }
}
