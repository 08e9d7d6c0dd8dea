//! The built-in starter flow for a one-day pop-up: thirteen steps from
//! permits to the day's export, the refill station's set-up, hygiene
//! checks (repeating every two hours, each signed off) and clean-down
//! among them. It lives in the code, so it cannot be edited or
//! lost; organizers duplicate it to make it theirs.

use super::templates::{validate_template, DueInput, StepInput, Template, TemplateInput};
use super::{Action, Phase, Signoff};
use crate::Result;

/// The id under which the built-in starter flow is offered. It lives in the
/// code, so it cannot be edited or lost; duplicate it to change it.
pub const STARTER_ID: &str = "builtin:starter";

fn starter_step(
    key: &str,
    phase: Phase,
    title: &str,
    action: Option<Action>,
    due: &str,
    signoff: Signoff,
    requires: &[&str],
) -> StepInput {
    StepInput {
        key: key.into(),
        phase: phase.as_str().into(),
        title: title.into(),
        notes: String::new(),
        action: action.map(|a| a.as_str().to_string()),
        due: Some(DueInput::Text(due.into())),
        signoff: signoff.as_str().into(),
        requires: requires.iter().map(|r| r.to_string()).collect(),
        repeat: String::new(),
    }
}

/// The built-in starter flow for a one-day pop-up: thirteen steps.
pub fn starter() -> TemplateInput {
    TemplateInput {
        name: "One-day pop-up (starter)".into(),
        description: "Thirteen steps from permits to the day's export, the refill station's hygiene included. Duplicate it to make it yours."
            .into(),
        steps: vec![
            starter_step(
                "venue",
                Phase::Before,
                "Confirm venue and permits",
                None,
                "14 days before start",
                Signoff::OrganizerPin,
                &[],
            ),
            starter_step(
                "catalog",
                Phase::Before,
                "Prepare catalog and prices",
                None,
                "7 days before start",
                Signoff::One,
                &[],
            ),
            starter_step(
                "receive",
                Phase::Before,
                "Receive and count stock",
                Some(Action::StockCount),
                "3 days before start",
                Signoff::One,
                &["catalog"],
            ),
            starter_step(
                "load-out",
                Phase::Before,
                "Pack and load out",
                Some(Action::LoadOut),
                "1 day before start",
                Signoff::One,
                &["receive"],
            ),
            starter_step(
                "float",
                Phase::Before,
                "Prepare the float",
                None,
                "1 day before start",
                Signoff::One,
                &[],
            ),
            StepInput {
                notes: "Wash and sanitise the dispensers, scoops and funnels; tare and check the scale; put out the shop jars.".into(),
                ..starter_step(
                    "refill-setup",
                    Phase::Before,
                    "Set up and sanitise the refill station",
                    None,
                    "1 hour before start",
                    Signoff::One,
                    &["load-out"],
                )
            },
            starter_step(
                "open-till",
                Phase::During,
                "Open the till with the float",
                Some(Action::OpenTill),
                "at start",
                Signoff::TwoPeople,
                &["float"],
            ),
            starter_step(
                "sell",
                Phase::During,
                "Sell",
                Some(Action::Sell),
                "at start",
                Signoff::One,
                &["open-till"],
            ),
            starter_step(
                "mid-count",
                Phase::During,
                "Mid-event stock check",
                Some(Action::StockCount),
                "3 hours after start",
                Signoff::One,
                &["open-till"],
            ),
            StepInput {
                notes: "Wipe the dispensers and scoops, check the bins are clean and closed, log the check.".into(),
                repeat: "every 2 hours".into(),
                ..starter_step(
                    "refill-hygiene",
                    Phase::During,
                    "Refill station hygiene check",
                    None,
                    "1 hour after start",
                    Signoff::One,
                    &["refill-setup"],
                )
            },
            starter_step(
                "close-till",
                Phase::After,
                "Close the till and count cash",
                Some(Action::CloseTill),
                "at end",
                Signoff::TwoPeople,
                &["open-till"],
            ),
            StepInput {
                notes: "Empty and wash the dispensers, seal the bulk bins, take the returned jars to be washed.".into(),
                ..starter_step(
                    "refill-clean-down",
                    Phase::After,
                    "Clean down the refill station",
                    None,
                    "30 minutes after end",
                    Signoff::One,
                    &["refill-setup"],
                )
            },
            starter_step(
                "wrap-up",
                Phase::After,
                "Load-in count, fulfil pre-orders and export the day",
                Some(Action::FulfilOrders),
                "1 day after end",
                Signoff::One,
                &["close-till"],
            ),
        ],
    }
}

pub(super) fn builtin_template() -> Result<Template> {
    let (name, description, steps) = validate_template(&starter())?;
    Ok(Template {
        id: STARTER_ID.into(),
        name,
        description,
        builtin: true,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_flow_has_thirteen_valid_steps_one_repeating() {
        let (_, _, steps) = validate_template(&starter()).unwrap();
        assert_eq!(steps.len(), 13);
        assert_eq!(steps[6].signoff, Signoff::TwoPeople);
        assert_eq!(steps[6].action, Some(Action::OpenTill));
        let hygiene = steps.iter().find(|s| s.key == "refill-hygiene").unwrap();
        assert_eq!(hygiene.repeat_minutes, Some(120));
        assert_eq!(hygiene.repeat_text, "every 2 hours");
    }
}
