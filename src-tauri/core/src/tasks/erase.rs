//! Erasing signers' names: a signer's name is personal data, kept apart
//! from the append-only sign-off ledger in `task_signer_name` (migration
//! 0010) so that it can go. Once an event is closed an organizer erases the
//! names of everyone who signed, skipped or did the work of its steps; the
//! steps stay signed, the records keep their team ids, and the flow shows
//! each as signed by a team member whose name was erased. The journal
//! counts the names; it never held them.

use crate::db::store::{Actor, Tx};
use crate::shop::events::{self, Event, EventStatus};
use crate::shop::people::{Approval, ApprovalRequest};
use crate::shop::roles::{self, Action};
use crate::{Error, Result, Store};

/// Names are erased once the event is over.
fn must_be_closed(event: &Event) -> Result<()> {
    if event.status == EventStatus::Closed {
        return Ok(());
    }
    Err(Error::Conflict(format!(
        "'{}' is {}: signers' names are erased once the event is closed",
        event.name,
        event.status.as_str()
    )))
}

/// Erase the names of the signers of a closed event's steps, approved by an
/// organizer. Returns how many names were erased; none left to erase
/// writes nothing.
pub fn erase_signer_names(tx: &Tx, approval: &Approval, event_id: &str) -> Result<usize> {
    let event = events::get(tx, event_id)?;
    must_be_closed(&event)?;
    // secure_delete (see the store) overwrites the names in the file.
    let erased = tx.execute(
        "DELETE FROM task_signer_name WHERE signoff_id IN (
             SELECT s.id FROM task_signoff s JOIN task t ON t.id = s.task_id
             WHERE t.event_id = ?1)",
        [event_id],
    )?;
    if erased == 0 {
        tx.already_done();
        return Ok(0);
    }
    tx.journal(
        "task.signer_names_erased",
        "event",
        event_id,
        serde_json::json!({
            "names_erased": erased,
            "approved_by": approval.organizer_id(),
        }),
    )?;
    Ok(erased)
}

/// Erase a closed event's signers' names as the person at the till: an
/// event still open is refused before anyone is asked for a PIN; then an
/// organizer approves (the answer is `ApprovalNeeded` until one does, or
/// an organizer is at the till).
pub fn erase_signer_names_with_pin(
    store: &mut Store,
    actor: &Actor,
    request: &ApprovalRequest,
    event_id: &str,
) -> Result<usize> {
    must_be_closed(&events::get(store.conn(), event_id)?)?;
    let approval = roles::approve(store, Action::EraseSignerNames, request)?;
    store.write(actor, |tx| erase_signer_names(tx, &approval, event_id))
}
