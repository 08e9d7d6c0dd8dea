//! The hand signatures of the demo's past market: the steps of its task
//! flow that nobody's work completes, signed by the team on the days they
//! fell due, and the second signatures of its two-person steps
//! (`past_market` signs them as its day goes by).

use super::run_up::HandSignature;

/// The market's steps nobody's work completes, signed by the team on the
/// days they fell due (days from the market's day). Opening the till, the
/// first sale, the mid-day count and closing the till complete theirs.
pub(super) const RUN_UP: &[HandSignature] = &[
    HandSignature {
        key: "venue",
        day: -16,
        at: (18, 30),
        by: "Maya",
    },
    HandSignature {
        key: "catalog",
        day: -8,
        at: (19, 0),
        by: "Aïcha",
    },
    HandSignature {
        key: "receive",
        day: -4,
        at: (16, 0),
        by: "Jonas",
    },
    HandSignature {
        key: "load-out",
        day: -2,
        at: (17, 0),
        by: "Tom",
    },
    HandSignature {
        key: "float",
        day: -1,
        at: (9, 0),
        by: "Maya",
    },
];

/// The refill station set up and sanitised before the market opens.
pub(super) const REFILL_SET_UP: &[HandSignature] = &[HandSignature {
    key: "refill-setup",
    day: 0,
    at: (8, 50),
    by: "Aïcha",
}];

/// A hygiene check of the refill station, signed when the day reaches
/// `minute` (from the opening).
pub(super) struct HygieneCheck {
    pub(super) minute: i64,
    pub(super) signature: HandSignature,
}

pub(super) const HYGIENE_CHECKS: [HygieneCheck; 3] = [
    HygieneCheck {
        minute: 55,
        signature: HandSignature {
            key: "refill-hygiene-1",
            day: 0,
            at: (10, 55),
            by: "Aïcha",
        },
    },
    HygieneCheck {
        minute: 175,
        signature: HandSignature {
            key: "refill-hygiene-2",
            day: 0,
            at: (12, 55),
            by: "Tom",
        },
    },
    HygieneCheck {
        minute: 295,
        signature: HandSignature {
            key: "refill-hygiene-3",
            day: 0,
            at: (14, 55),
            by: "Aïcha",
        },
    },
];

/// Opening and closing the till are two-person steps: the cashier's work
/// signs once, and the organizer, who watched the float and the cash being
/// counted, signs second.
pub(super) const TILL_OPENED: &[HandSignature] = &[HandSignature {
    key: "open-till",
    day: 0,
    at: (9, 45),
    by: "Maya",
}];

pub(super) const TILL_CLOSED: &[HandSignature] = &[
    HandSignature {
        key: "close-till",
        day: 0,
        at: (17, 20),
        by: "Maya",
    },
    HandSignature {
        key: "refill-clean-down",
        day: 0,
        at: (17, 22),
        by: "Aïcha",
    },
];

pub(super) const AFTER_THE_DAY: &[HandSignature] = &[HandSignature {
    key: "wrap-up",
    day: 1,
    at: (11, 0),
    by: "Maya",
}];
