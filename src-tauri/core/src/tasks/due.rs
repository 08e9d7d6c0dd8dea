//! When a step is due: a time relative to the event's start or end, read
//! from the words a person writes ("2 days before start") and checked
//! against the step's phase.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::Phase;
use crate::shop::events::Event;
use crate::{Error, Result};

/// Due times further than this from the event make no sense for a pop-up.
pub const MAX_DUE_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    Start,
    End,
}

impl Anchor {
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::End => "end",
        }
    }
    pub(super) fn parse(field: &str, text: &str) -> Result<Anchor> {
        match text.trim() {
            "start" => Ok(Anchor::Start),
            "end" => Ok(Anchor::End),
            other => Err(Error::validation(
                field,
                format!("'{other}' is not an anchor (start or end of the event)"),
            )),
        }
    }
}

/// A due time relative to the event: `offset_minutes` after (positive) or
/// before (negative) its start or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub anchor: Anchor,
    pub offset_minutes: i64,
}

impl Due {
    /// "2 days before start", "at end", "90 minutes after start".
    pub fn describe(&self) -> String {
        let m = self.offset_minutes.abs();
        if m == 0 {
            return format!("at {}", self.anchor.as_str());
        }
        let (n, unit) = if m % 1440 == 0 {
            (m / 1440, "day")
        } else if m % 60 == 0 {
            (m / 60, "hour")
        } else {
            (m, "minute")
        };
        format!(
            "{n} {unit}{} {} {}",
            if n == 1 { "" } else { "s" },
            if self.offset_minutes < 0 {
                "before"
            } else {
                "after"
            },
            self.anchor.as_str()
        )
    }

    /// The local wall-clock time this falls on for an event.
    pub fn at(&self, event: &Event) -> Option<NaiveDateTime> {
        let base = match self.anchor {
            Anchor::Start => &event.starts_at,
            Anchor::End => &event.ends_at,
        };
        NaiveDateTime::parse_from_str(base, "%Y-%m-%dT%H:%M")
            .ok()
            .map(|t| t + Duration::minutes(self.offset_minutes))
    }
}

/// Parse a due time as a person writes it: "2 days before start",
/// "1 hour after end", "at start", "30 min before end"; empty means none.
pub fn parse_due(field: &str, text: &str) -> Result<Option<Due>> {
    let t = text.trim().to_lowercase();
    if t.is_empty() || t == "none" {
        return Ok(None);
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let example = "write it like '2 days before start', '1 hour after end' or 'at start'";
    let (minutes, direction, anchor) = match words.as_slice() {
        ["at", anchor] => (0, "after", *anchor),
        ["at", "the", anchor] => (0, "after", *anchor),
        [n, unit, direction, anchor] | [n, unit, direction, "the", anchor] => {
            let n: i64 = n.parse().map_err(|_| {
                Error::validation(field, format!("'{n}' is not a whole number; {example}"))
            })?;
            if n < 0 {
                return Err(Error::validation(
                    field,
                    format!("'{n}' is negative; say 'before' or 'after' instead"),
                ));
            }
            let per = match unit.trim_end_matches('s') {
                "minute" | "min" | "m" => 1,
                "hour" | "h" | "hr" => 60,
                "day" | "d" => 1440,
                "week" | "w" => 7 * 1440,
                other => {
                    return Err(Error::validation(
                        field,
                        format!("'{other}' is not a unit (minutes, hours, days or weeks)"),
                    ))
                }
            };
            let minutes = n.checked_mul(per).unwrap_or(i64::MAX);
            (minutes, *direction, *anchor)
        }
        _ => {
            return Err(Error::validation(
                field,
                format!("'{}' is not a due time; {example}", text.trim()),
            ))
        }
    };
    if minutes > MAX_DUE_DAYS * 1440 {
        return Err(Error::validation(
            field,
            format!("'{}' is more than {MAX_DUE_DAYS} days from the event; that makes no sense for a pop-up", text.trim()),
        ));
    }
    let sign = match direction {
        "before" => -1,
        "after" => 1,
        other => {
            return Err(Error::validation(
                field,
                format!("'{other}' should be 'before' or 'after'; {example}"),
            ))
        }
    };
    let anchor = match anchor {
        "start" | "opening" => Anchor::Start,
        "end" | "closing" => Anchor::End,
        other => {
            return Err(Error::validation(
                field,
                format!("'{other}' should be 'start' or 'end' (of the event); {example}"),
            ))
        }
    };
    Ok(Some(Due {
        anchor,
        offset_minutes: sign * minutes,
    }))
}

/// Refuse a due time that contradicts the step's phase: a step before the
/// event cannot be due after it starts, and so on.
pub(super) fn check_due_fits_phase(field: &str, phase: Phase, due: &Due) -> Result<()> {
    if due.offset_minutes.abs() > MAX_DUE_DAYS * 1440 {
        return Err(Error::validation(
            field,
            format!(
                "is more than {MAX_DUE_DAYS} days from the event; that makes no sense for a pop-up"
            ),
        ));
    }
    let fits = match (phase, due.anchor) {
        (Phase::Before, Anchor::Start) => due.offset_minutes <= 0,
        (Phase::Before, Anchor::End) => false,
        (Phase::During, Anchor::Start) => due.offset_minutes >= 0,
        (Phase::During, Anchor::End) => due.offset_minutes <= 0,
        (Phase::After, Anchor::End) => due.offset_minutes >= 0,
        (Phase::After, Anchor::Start) => false,
    };
    if fits {
        return Ok(());
    }
    let hint = match phase {
        Phase::Before => {
            "a step before the event is due at or before its start, e.g. '2 days before start'"
        }
        Phase::During => {
            "a step during the event is due between its start and end, e.g. '2 hours after start'"
        }
        Phase::After => "a step after the event is due at or after its end, e.g. '1 day after end'",
    };
    Err(Error::validation(
        field,
        format!(
            "'{}' does not fit the {} phase: {hint}",
            due.describe(),
            phase.as_str()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times_read_as_people_write_them() {
        let d = parse_due("due", "2 days before start").unwrap().unwrap();
        assert_eq!(
            d,
            Due {
                anchor: Anchor::Start,
                offset_minutes: -2880
            }
        );
        assert_eq!(d.describe(), "2 days before start");
        let d = parse_due("due", "90 min after the end").unwrap().unwrap();
        assert_eq!(d.describe(), "90 minutes after end");
        assert_eq!(
            parse_due("due", "at start").unwrap().unwrap().describe(),
            "at start"
        );
        assert_eq!(parse_due("due", "").unwrap(), None);
        assert!(parse_due("due", "-2 days before start").is_err());
        assert!(parse_due("due", "2 fortnights before start").is_err());
        assert!(parse_due("due", "400 days before start").is_err());
        assert!(parse_due("due", "soon").is_err());
    }
}
