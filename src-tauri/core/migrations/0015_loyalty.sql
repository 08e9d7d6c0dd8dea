-- 0015 loyalty: anonymous cards and their stamps.
--
-- A card is only a code (see `loyalty::code`): nothing about a person. Its
-- id is the code's serial (8 Crockford base32 characters); the code's
-- authentication is made with the shop's key, kept in the file so every
-- till cloned from it checks codes offline. The key never leaves the file:
-- no export or journal entry carries it.
INSERT OR IGNORE INTO setting (key, value) VALUES ('loyalty_key', lower(hex(randomblob(32))));

-- The card ledger: stamps earned (+) and spent or taken back (−). A card's
-- balance is the sum of its entries; nothing stores a running total. A sale
-- with a card writes a 'visit' entry even when it earns no visit stamp, so
-- a card is seen at every event it was used at.
CREATE TABLE loyalty_entry (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    card                TEXT NOT NULL CHECK (length(card) = 8 AND card NOT GLOB '*[^0-9A-HJKMNP-TV-Z]*'),
    event_id            TEXT NOT NULL REFERENCES event (id),
    -- visit: the visit stamp (0 when the card had one that day);
    -- spend: per amount spent; category: per line of a category or
    -- into an own container; redeem: a reward's cost; take_back: what a
    -- refund takes back of what its sale earned; void: a voided sale's
    -- stamps undone (what it earned less what it spent)
    kind                TEXT NOT NULL CHECK (kind IN ('visit', 'spend', 'category', 'redeem', 'take_back', 'void')),
    stamps              INTEGER NOT NULL CHECK (stamps BETWEEN -100000 AND 100000),
    sale_id             TEXT NOT NULL REFERENCES sale (id),
    -- the line a category stamp or a reward is for
    sale_line_id        TEXT REFERENCES sale_line (id),
    refund_id           TEXT REFERENCES refund (id),
    -- the reward redeemed (its id in the loyalty programme)
    reward_id           TEXT CHECK (reward_id IS NULL OR length(reward_id) BETWEEN 1 AND 40),
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL,
    CHECK ((kind = 'redeem') = (reward_id IS NOT NULL)),
    CHECK (kind <> 'redeem' OR (stamps < 0 AND sale_line_id IS NOT NULL)),
    CHECK ((kind = 'take_back') = (refund_id IS NOT NULL)),
    CHECK (kind IN ('visit', 'take_back') OR stamps <> 0)
) STRICT;
CREATE INDEX loyalty_entry_by_card ON loyalty_entry (card, at_utc);
CREATE INDEX loyalty_entry_by_sale ON loyalty_entry (sale_id);
CREATE INDEX loyalty_entry_by_event ON loyalty_entry (event_id, card);
-- A reward is redeemed once: one redemption per sale line.
CREATE UNIQUE INDEX loyalty_entry_one_redemption ON loyalty_entry (sale_line_id) WHERE kind = 'redeem';

CREATE TRIGGER loyalty_entry_is_append_only_update BEFORE UPDATE ON loyalty_entry
BEGIN SELECT RAISE(ABORT, 'loyalty_entry is append-only'); END;
CREATE TRIGGER loyalty_entry_is_append_only_delete BEFORE DELETE ON loyalty_entry
BEGIN SELECT RAISE(ABORT, 'loyalty_entry is append-only'); END;

-- Moments inside an event (a 15:00 capsule drop, a workshop): a name and a
-- time window, counted in the event's report. Changeable, like an event.
CREATE TABLE moment (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT NOT NULL REFERENCES event (id),
    name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    -- local times of the event's day, HH:MM, start before end
    starts_at           TEXT NOT NULL CHECK (starts_at GLOB '[0-2][0-9]:[0-5][0-9]'),
    ends_at             TEXT NOT NULL CHECK (ends_at GLOB '[0-2][0-9]:[0-5][0-9]'),
    CHECK (starts_at < ends_at)
) STRICT;
CREATE INDEX moment_by_event ON moment (event_id, starts_at);
