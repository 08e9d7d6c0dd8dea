-- 0017 a loyalty card linked to an attendee, only with their consent.
--
-- A card stays anonymous unless its holder agrees to have it linked to
-- their contact. That agreement is a consent of its own purpose (not news:
-- no address is involved), with the exact words shown, kept and withdrawn
-- like the consents to news (`consent`, `consent_withdrawal`). The link
-- itself is a ledger: linking and unlinking are new rows, never edits; a
-- card is linked while its latest row is a link. Withdrawing the consent,
-- erasing the contact or purging it ends every link of theirs. No table
-- here holds a name or an address: the person is the contact's id.

-- A consent to a purpose other than news. 'card_link': a loyalty card may
-- be linked to the contact, so its stamps and visits are theirs.
CREATE TABLE purpose_consent (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    contact_id          TEXT NOT NULL REFERENCES contact (id),
    purpose             TEXT NOT NULL CHECK (purpose IN ('card_link')),
    -- the exact words the person agreed to
    wording             TEXT NOT NULL CHECK (length(wording) BETWEEN 1 AND 1000),
    how                 TEXT NOT NULL CHECK (how IN ('till', 'sign_up', 'check_in', 'attendee_list')),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
CREATE INDEX purpose_consent_by_contact ON purpose_consent (contact_id, purpose, at_utc);

CREATE TRIGGER purpose_consent_is_append_only_update BEFORE UPDATE ON purpose_consent
BEGIN SELECT RAISE(ABORT, 'purpose_consent is append-only'); END;
CREATE TRIGGER purpose_consent_is_append_only_delete BEFORE DELETE ON purpose_consent
BEGIN SELECT RAISE(ABORT, 'purpose_consent is append-only'); END;

-- A purpose consent withdrawn: at most once each, how and by whom.
CREATE TABLE purpose_consent_withdrawal (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    consent_id          TEXT NOT NULL UNIQUE REFERENCES purpose_consent (id),
    how                 TEXT NOT NULL CHECK (how IN ('attendee_list', 'receipt_code', 'erasure', 'inactive')),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;

CREATE TRIGGER purpose_consent_withdrawal_is_append_only_update BEFORE UPDATE ON purpose_consent_withdrawal
BEGIN SELECT RAISE(ABORT, 'purpose_consent_withdrawal is append-only'); END;
CREATE TRIGGER purpose_consent_withdrawal_is_append_only_delete BEFORE DELETE ON purpose_consent_withdrawal
BEGIN SELECT RAISE(ABORT, 'purpose_consent_withdrawal is append-only'); END;

-- The link ledger: a card linked to a contact (under which consent), and
-- unlinked (why). A card is linked while its latest row is a link.
CREATE TABLE card_link (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    card                TEXT NOT NULL CHECK (length(card) = 8 AND card NOT GLOB '*[^0-9A-HJKMNP-TV-Z]*'),
    contact_id          TEXT NOT NULL REFERENCES contact (id),
    kind                TEXT NOT NULL CHECK (kind IN ('link', 'unlink')),
    -- the consent a link rests on
    consent_id          TEXT REFERENCES purpose_consent (id),
    -- why a link ended: asked for, the consent withdrawn, the contact
    -- erased or purged
    reason              TEXT CHECK (reason IN ('unlinked', 'consent_withdrawn', 'erasure', 'inactive')),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL,
    CHECK ((kind = 'link') = (consent_id IS NOT NULL)),
    CHECK ((kind = 'unlink') = (reason IS NOT NULL))
) STRICT;
CREATE INDEX card_link_by_card ON card_link (card, at_utc);
CREATE INDEX card_link_by_contact ON card_link (contact_id, at_utc);

CREATE TRIGGER card_link_is_append_only_update BEFORE UPDATE ON card_link
BEGIN SELECT RAISE(ABORT, 'card_link is append-only'); END;
CREATE TRIGGER card_link_is_append_only_delete BEFORE DELETE ON card_link
BEGIN SELECT RAISE(ABORT, 'card_link is append-only'); END;

-- Moments change: an edit is journaled with what it was before, and a
-- removed moment is kept, marked, so the journal's ids still point to a
-- row; reports leave it out.
ALTER TABLE moment ADD COLUMN removed_at TEXT;
