-- Signers' names kept where they can be erased. A volunteer's typed name is
-- personal data; the sign-off ledger (task_signoff) is append-only, so a
-- name written there could never be removed. The name moves to this side
-- table, keyed by the sign-off's id: the ledger row keeps only that id (and
-- the team member's id, if any), and erasing a person's name is deleting
-- their rows here (secure_delete overwrites the text in the file). A
-- sign-off whose name was erased reads as an empty name.
CREATE TABLE task_signer_name (
    signoff_id  TEXT PRIMARY KEY NOT NULL REFERENCES task_signoff (id),
    name        TEXT NOT NULL
) STRICT;

-- The names already signed move over, one row per sign-off ...
INSERT INTO task_signer_name (signoff_id, name)
SELECT id, signer_name FROM task_signoff;

-- ... and leave the ledger. Dropping a column rewrites the table as schema
-- work: the append-only triggers (UPDATE/DELETE of rows) do not fire, and
-- every other column of every row stays as it was.
ALTER TABLE task_signoff DROP COLUMN signer_name;
