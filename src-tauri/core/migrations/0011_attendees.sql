-- 0011 attendees and consent: who signed up for or came to an event, who
-- agreed to be sent news (by email, by SMS) under which wording, and who
-- asked to stop.
--
-- Personal data lives in two tables only, both of which can be cleared:
-- `contact` (a name or nickname, and an address only while its channel's
-- consent is active) and `attendee` (which contact signed up for or came to
-- which event). Everything else holds ids, times and hashes: the consent
-- wording versions, the consent and withdrawal ledgers and the suppression
-- list are append-only, and stay whole when a contact is erased — they then
-- show that someone agreed and stopped, no longer who.

-- Someone the till knows: a name or a nickname (may be empty when only an
-- address was given at the till), an email and a phone kept only while
-- that channel's consent is active, and a short code printed on a receipt
-- that finds them. Erasing a contact (a request, or no activity for the
-- retention period) empties every personal field and keeps the row, so
-- the consent ledger still points somewhere.
CREATE TABLE contact (
    id              TEXT PRIMARY KEY NOT NULL,
    device_id       TEXT NOT NULL REFERENCES device (id),
    name            TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    -- 8 characters of Crockford base 32; NULL once erased
    code            TEXT UNIQUE,
    created_at      TEXT NOT NULL,
    -- the latest sign-up, check-in, consent or withdrawal: the start-up
    -- purge erases contacts inactive for longer than the retention period
    last_active_at  TEXT NOT NULL,
    erased_at       TEXT,
    -- 'request': an erasure asked for; 'inactive': purged at start-up
    erased_how      TEXT CHECK (erased_how IN ('request', 'inactive')),
    CHECK ((erased_at IS NULL) = (erased_how IS NULL)),
    CHECK (erased_at IS NULL OR (name = '' AND email = '' AND phone = '' AND code IS NULL))
) STRICT;
CREATE INDEX contact_by_activity ON contact (last_active_at) WHERE erased_at IS NULL;

-- An event's attendee list: signed up beforehand (typed or imported), and
-- checked in at the door. A walk-in has no sign-up time. Rows of an erased
-- contact are deleted.
CREATE TABLE attendee (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT NOT NULL REFERENCES event (id),
    contact_id          TEXT NOT NULL REFERENCES contact (id),
    source              TEXT NOT NULL CHECK (source IN ('typed', 'import', 'door')),
    signed_up_at        TEXT,
    signed_up_offset    INTEGER,
    signed_up_by        TEXT,
    checked_in_at       TEXT,
    checked_in_offset   INTEGER,
    checked_in_by       TEXT,
    UNIQUE (event_id, contact_id)
) STRICT;
CREATE INDEX attendee_by_contact ON attendee (contact_id);

-- The consent wording the organizer writes: each version kept, never
-- edited in place (a change is a new version). The current wording is the
-- highest version.
CREATE TABLE consent_wording (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    version             INTEGER NOT NULL UNIQUE CHECK (version >= 1),
    text                TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;

CREATE TRIGGER consent_wording_is_append_only_update BEFORE UPDATE ON consent_wording
BEGIN SELECT RAISE(ABORT, 'consent_wording is append-only'); END;
CREATE TRIGGER consent_wording_is_append_only_delete BEFORE DELETE ON consent_wording
BEGIN SELECT RAISE(ABORT, 'consent_wording is append-only'); END;

-- A consent given: which contact, which channel, under which wording
-- version (never without one), when, how and who recorded it; the sale it
-- followed, when given at the till.
CREATE TABLE consent (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    contact_id          TEXT NOT NULL REFERENCES contact (id),
    channel             TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    wording_id          TEXT NOT NULL REFERENCES consent_wording (id),
    how                 TEXT NOT NULL CHECK (how IN ('till', 'sign_up', 'check_in', 'attendee_list')),
    event_id            TEXT REFERENCES event (id),
    sale_id             TEXT REFERENCES sale (id),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
CREATE INDEX consent_by_contact ON consent (contact_id, channel, at_utc);
CREATE INDEX consent_by_sale ON consent (sale_id) WHERE sale_id IS NOT NULL;

CREATE TRIGGER consent_is_append_only_update BEFORE UPDATE ON consent
BEGIN SELECT RAISE(ABORT, 'consent is append-only'); END;
CREATE TRIGGER consent_is_append_only_delete BEFORE DELETE ON consent
BEGIN SELECT RAISE(ABORT, 'consent is append-only'); END;

-- A consent withdrawn: at most once each, how and by whom.
CREATE TABLE consent_withdrawal (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    consent_id          TEXT NOT NULL UNIQUE REFERENCES consent (id),
    how                 TEXT NOT NULL CHECK (how IN ('attendee_list', 'receipt_code', 'erasure', 'inactive')),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;

CREATE TRIGGER consent_withdrawal_is_append_only_update BEFORE UPDATE ON consent_withdrawal
BEGIN SELECT RAISE(ABORT, 'consent_withdrawal is append-only'); END;
CREATE TRIGGER consent_withdrawal_is_append_only_delete BEFORE DELETE ON consent_withdrawal
BEGIN SELECT RAISE(ABORT, 'consent_withdrawal is append-only'); END;

-- Addresses that asked to stop (a withdrawal, an erasure), as the SHA-256
-- of the address normalised (trimmed, lower case; a phone without spaces,
-- dots, dashes or brackets): no consent is recorded for them again and no
-- marketing export lists them, whatever a later import says.
CREATE TABLE suppressed_address (
    hash        TEXT PRIMARY KEY NOT NULL CHECK (length(hash) = 64),
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    at_utc      TEXT NOT NULL
) STRICT;

CREATE TRIGGER suppressed_address_is_append_only_update BEFORE UPDATE ON suppressed_address
BEGIN SELECT RAISE(ABORT, 'suppressed_address is append-only'); END;
CREATE TRIGGER suppressed_address_is_append_only_delete BEFORE DELETE ON suppressed_address
BEGIN SELECT RAISE(ABORT, 'suppressed_address is append-only'); END;
