//! The shop itself: its settings (`settings`), the team and the organizer's
//! PIN that yields an `Approval` (`people`), its events and their status
//! (`events`), and the till at a glance with first-run setup (`status`).

pub mod events;
pub mod people;
pub mod settings;
pub mod status;
