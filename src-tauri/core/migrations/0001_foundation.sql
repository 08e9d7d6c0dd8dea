-- 0001 foundation: the till itself, its settings, people, events and the
-- hash-chained audit journal.
--
-- Conventions for every table in this schema:
--   * ids are UUID v7 as text (time-ordered, unique across tills);
--   * device_id names the till that wrote the row, so that the files of two
--     tills can be merged by union;
--   * times are UTC RFC 3339 text ("2026-11-25T20:03:35.123Z") plus the writing
--     device's UTC offset in minutes at that moment;
--   * ledger tables (append-only) refuse UPDATE and DELETE with triggers.

-- This till and any till whose data was merged in. Exactly one row is local.
CREATE TABLE device (
    id          TEXT PRIMARY KEY NOT NULL,
    till_code   TEXT NOT NULL CHECK (length(till_code) BETWEEN 1 AND 8),
    is_local    INTEGER NOT NULL DEFAULT 0 CHECK (is_local IN (0, 1)),
    created_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX device_one_local ON device (is_local) WHERE is_local = 1;

-- Shop settings as key/value text; every change is journaled.
CREATE TABLE setting (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
) STRICT;

-- Named cashiers and organizers. Organizers carry an Argon2id PIN hash (PHC
-- string). People are never deleted (the journal names them); they are
-- deactivated.
CREATE TABLE person (
    id          TEXT PRIMARY KEY NOT NULL,
    device_id   TEXT NOT NULL REFERENCES device (id),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    role        TEXT NOT NULL CHECK (role IN ('cashier', 'organizer')),
    pin_hash    TEXT,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    CHECK (role = 'cashier' OR pin_hash IS NOT NULL)
) STRICT;

-- Every organizer-PIN try, kept so that a lockout survives a restart.
-- Ledger: append-only.
CREATE TABLE pin_attempt (
    id              TEXT PRIMARY KEY NOT NULL,
    device_id       TEXT NOT NULL REFERENCES device (id),
    person_id       TEXT NOT NULL REFERENCES person (id),
    at_utc          TEXT NOT NULL,
    ok              INTEGER NOT NULL CHECK (ok IN (0, 1))
) STRICT;
CREATE INDEX pin_attempt_by_person ON pin_attempt (person_id, at_utc);

-- A pop-up. starts_at/ends_at are the event's local wall-clock times
-- ("2026-12-05T10:00"), as the organizer planned them.
CREATE TABLE event (
    id          TEXT PRIMARY KEY NOT NULL,
    device_id   TEXT NOT NULL REFERENCES device (id),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    venue       TEXT NOT NULL DEFAULT '',
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'open', 'closed')),
    created_at  TEXT NOT NULL,
    CHECK (ends_at > starts_at)
) STRICT;
-- At most one event is open: it is the scope of what the till does.
CREATE UNIQUE INDEX event_one_open ON event (status) WHERE status = 'open';

-- The audit journal: one entry per state change, written in the same
-- transaction as the change. seq is gapless from 1; hash chains each entry to
-- the one before (docs/journal.md gives the exact encoding).
-- details is canonical JSON that holds ids and figures, never personal data.
CREATE TABLE audit_log (
    seq                 INTEGER PRIMARY KEY NOT NULL,
    id                  TEXT NOT NULL UNIQUE,
    device_id           TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL,
    actor_id            TEXT NOT NULL,
    action              TEXT NOT NULL,
    entity              TEXT NOT NULL,
    entity_id           TEXT NOT NULL,
    details             TEXT NOT NULL,
    prev_hash           TEXT NOT NULL,
    hash                TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER pin_attempt_is_append_only_update BEFORE UPDATE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'pin_attempt is append-only'); END;
CREATE TRIGGER pin_attempt_is_append_only_delete BEFORE DELETE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'pin_attempt is append-only'); END;
