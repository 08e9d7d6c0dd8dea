//! Two-person steps: signed by two different people of the team. The first
//! is the person at the till (who took the till with their own PIN); the
//! second is another active team member, chosen by id, who types their own
//! PIN here and now (`confirm`, with the lockout). When the work did the
//! step, whoever did it has signed once and one more person signs. A
//! free-typed name, the same person twice, an inactive person or a wrong
//! PIN sign nothing. The records keep team ids; names go where they can be
//! erased; the journal holds ids, never a name or a PIN.

use super::flow::{signatures, SignoffRecord, Step};
use super::signoff::{insert_record, ready_to_sign, step_now, team_member, Record};
use super::Signoff;
use crate::db::store::{Actor, Tx};
use crate::shop::people::{self, Approval, Person};
use crate::text::fold_for_search;
use crate::{Error, Result, Store};

/// A second team member who confirmed a two-person step with their own PIN
/// just now. Only `sign_with_pin` makes one (through `confirm`), so a
/// second signature cannot be written without that PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosigner {
    person: Person,
}

impl Cosigner {
    pub fn person(&self) -> &Person {
        &self.person
    }
}

/// Names compared as people mean them: case, accents and spacing aside
/// (for signatures written before they carried a team id).
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        fold_for_search(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

fn has_signed(earlier: &[&SignoffRecord], person: &Person) -> bool {
    earlier.iter().any(|r| match r.signer_person_id.as_deref() {
        Some(id) => id == person.id,
        None => !r.name_erased && same_name(&r.signer_name, &person.name),
    })
}

/// The answer to a second person chosen for a step that is not signed by
/// two people.
pub(super) fn not_asked(step: &Step) -> Error {
    Error::validation(
        "second_person_id",
        format!(
            "'{}' is signed by one person; no second person is asked",
            step.title
        ),
    )
}

/// Who signs now, in order: the person at the till (unless they signed
/// already), then the second person when one more signature is needed.
fn signers<'a>(step: &Step, me: &'a Person, second: Option<&'a Person>) -> Result<Vec<&'a Person>> {
    let earlier: Vec<&SignoffRecord> = signatures(&step.records).collect();
    let needed = 2usize.saturating_sub(earlier.len());
    let mut now = Vec::new();
    if !has_signed(&earlier, me) {
        now.push(me);
    }
    match second {
        Some(p) if p.id == me.id => {
            return Err(Error::validation(
                "second_person_id",
                format!(
                "{} is at the till and signs first; the second signature is a different person's",
                me.name
            ),
            ))
        }
        Some(p) if has_signed(&earlier, p) => {
            return Err(Error::validation(
                "second_person_id",
                format!(
                    "{} already signed '{}'; a second, different person must sign",
                    p.name, step.title
                ),
            ))
        }
        Some(_) if now.len() >= needed => {
            return Err(Error::validation(
                "second_person_id",
                format!(
                    "'{}' needs one more signature, {}'s own; no second person is asked",
                    step.title, me.name
                ),
            ))
        }
        Some(p) => now.push(p),
        None if now.len() < needed => {
            let message = if now.is_empty() {
                format!(
                    "{} already signed '{}'; a second, different person must sign: choose them from the team, they type their own PIN",
                    me.name, step.title
                )
            } else {
                format!(
                    "'{}' needs two different people: choose the second person from the team, they type their own PIN",
                    step.title
                )
            };
            return Err(Error::validation("second_person_id", message));
        }
        None => {}
    }
    Ok(now)
}

/// The person at the till, who signs first: a team member.
fn at_till(conn: &rusqlite::Connection, actor: &Actor) -> Result<Person> {
    team_member(conn, actor)?.ok_or_else(|| {
        Error::NoOneAtTill(
            "a two-person step is signed by the person at the till and a second team member; choose who is at the till first"
                .into(),
        )
    })
}

/// The second person confirms with their own PIN: checked after the step,
/// the person chosen and the person at the till are found fit (so a
/// refusal for those costs no PIN try), with the lockout, the try journaled
/// under the person at the till.
pub(super) fn confirm(
    store: &mut Store,
    actor: &Actor,
    task_id: &str,
    person_id: &str,
    pin: &str,
) -> Result<Cosigner> {
    let step = step_now(store, task_id)?;
    ready_to_sign(&step)?;
    if step.signoff != Signoff::TwoPeople {
        return Err(not_asked(&step));
    }
    let me = at_till(store.conn(), actor)?;
    let second = match people::get(store.conn(), person_id) {
        Ok(p) => p,
        Err(Error::NotFound { .. }) => {
            return Err(Error::validation(
                "second_person_id",
                "choose the second person from the team",
            ))
        }
        Err(e) => return Err(e),
    };
    if !second.active {
        return Err(Error::validation(
            "second_person_id",
            format!("{} is no longer active on the team", second.name),
        ));
    }
    signers(&step, &me, Some(&second))?;
    if pin.trim().is_empty() {
        return Err(Error::validation(
            "second_pin",
            format!("{} types their own PIN", second.name),
        ));
    }
    let person = people::verify_pin(store, &second.id, pin, actor)?;
    Ok(Cosigner { person })
}

/// Write the signatures a two-person step takes now (see `signers`), one
/// record and one journal entry each: who signed (ids), as the person at
/// the till or as the second person with their PIN, who approved.
pub(super) fn sign(
    tx: &Tx,
    step: &Step,
    second: Option<&Cosigner>,
    approval: Option<&Approval>,
) -> Result<()> {
    let me = at_till(tx, tx.actor)?;
    let second = second.map(Cosigner::person);
    let already = signatures(&step.records).count();
    for (i, person) in signers(step, &me, second)?.into_iter().enumerate() {
        let record_id = insert_record(
            tx,
            &step.id,
            &Record {
                kind: "sign",
                signer_name: &person.name,
                signer_person_id: Some(&person.id),
                approved_by: approval.map(|a| a.organizer_id()),
                reason: "",
                source: (None, None),
            },
        )?;
        tx.journal(
            "task.signed",
            "task",
            &step.id,
            serde_json::json!({
                "event_id": step.event_id,
                "signoff_id": record_id,
                "signature": already + i + 1,
                "signer_person_id": person.id,
                // The person at the till gave their PIN to take it; the
                // second person typed theirs for this signature.
                "signed_as": if person.id == me.id { "at_till" } else { "second_with_pin" },
                "approved_by": approval.map(|a| a.organizer_id()),
            }),
        )?;
    }
    Ok(())
}
