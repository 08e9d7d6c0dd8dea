//! Time as the ledger records it: a UTC instant plus the device's UTC offset
//! at that moment, so reports can group by the event's local hour.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

/// A moment as written to the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-25T20:03:35.123Z`.
    pub utc: String,
    /// The device's offset from UTC in minutes at that moment.
    pub offset_minutes: i32,
}

impl Stamp {
    pub fn from_local(now: DateTime<FixedOffset>) -> Stamp {
        Stamp {
            utc: now
                .with_timezone(&Utc)
                .to_rfc3339_opts(SecondsFormat::Millis, true),
            offset_minutes: now.offset().local_minus_utc() / 60,
        }
    }
}

/// Where the store gets "now" from: the system clock, or a fixed or shifted
/// clock that tests set.
pub type ClockFn = Box<dyn Fn() -> DateTime<FixedOffset> + Send + Sync>;

pub fn system_clock() -> ClockFn {
    Box::new(|| chrono::Local::now().fixed_offset())
}

/// Parse a stored UTC stamp back into an instant.
pub fn parse_utc(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
