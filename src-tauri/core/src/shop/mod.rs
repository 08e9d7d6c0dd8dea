//! The shop itself: its settings (`settings`), the team with their PINs and
//! the organizer's `Approval` (`people`), who is at the till (`at_till`),
//! what each role may do (`roles`), its events and their status (`events`),
//! moments inside an event (`moments`) and the till at a glance with
//! first-run setup (`status`).

pub mod at_till;
pub mod events;
pub mod moments;
pub mod people;
pub mod retention;
pub mod roles;
pub mod settings;
pub mod status;
