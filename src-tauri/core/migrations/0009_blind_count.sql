-- 0009 blind count: the drawer's count at close is a ledger row of its own,
-- recorded as entered; a recount (approved by an organizer) is another row,
-- and the reason for a variance is given after the count, as its own row.
-- The session's close keeps the first count, the expectation and their
-- variance (frozen with the Z report); the latest count is the last row here.
CREATE TABLE cash_count (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    session_id          TEXT NOT NULL REFERENCES till_session (id),
    -- 1 for the count at close, 2, 3, … for recounts
    number              INTEGER NOT NULL CHECK (number > 0),
    counted_minor       INTEGER NOT NULL CHECK (counted_minor >= 0),
    -- optional JSON object of the count by denomination
    counted_denominations TEXT,
    -- the expected cash frozen at close, repeated so a row explains itself
    expected_minor      INTEGER NOT NULL,
    actor_id            TEXT NOT NULL,
    -- the organizer who approved a recount; NULL for the count at close
    approved_by         TEXT,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL,
    UNIQUE (session_id, number),
    CHECK ((number = 1) = (approved_by IS NULL))
) STRICT;

-- Why a count differs from what was expected, given once the count is in.
CREATE TABLE cash_count_reason (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    count_id            TEXT NOT NULL REFERENCES cash_count (id),
    reason              TEXT NOT NULL CHECK (length(reason) > 0),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
CREATE INDEX cash_count_reason_by_count ON cash_count_reason (count_id, at_utc);

CREATE TRIGGER cash_count_is_append_only_update BEFORE UPDATE ON cash_count
BEGIN SELECT RAISE(ABORT, 'cash_count is append-only'); END;
CREATE TRIGGER cash_count_is_append_only_delete BEFORE DELETE ON cash_count
BEGIN SELECT RAISE(ABORT, 'cash_count is append-only'); END;
CREATE TRIGGER cash_count_reason_is_append_only_update BEFORE UPDATE ON cash_count_reason
BEGIN SELECT RAISE(ABORT, 'cash_count_reason is append-only'); END;
CREATE TRIGGER cash_count_reason_is_append_only_delete BEFORE DELETE ON cash_count_reason
BEGIN SELECT RAISE(ABORT, 'cash_count_reason is append-only'); END;

-- Sessions closed before this version: their count at close, and the reason
-- they gave with it, become the first rows of the ledgers.
INSERT INTO cash_count (id, device_id, session_id, number, counted_minor, counted_denominations,
                        expected_minor, actor_id, approved_by, at_utc, utc_offset_minutes)
SELECT 'count-' || id, device_id, id, 1, counted_minor, counted_denominations, expected_minor,
       closed_by, NULL, closed_at, closed_offset_minutes
FROM till_session WHERE closed_at IS NOT NULL;
INSERT INTO cash_count_reason (id, device_id, count_id, reason, actor_id, at_utc, utc_offset_minutes)
SELECT 'reason-' || id, device_id, 'count-' || id, variance_reason, closed_by, closed_at, closed_offset_minutes
FROM till_session WHERE closed_at IS NOT NULL AND coalesce(variance_reason, '') <> '';

-- The latest count of each closed session: what the cash figures sum.
CREATE VIEW latest_cash_count AS
SELECT c.session_id, c.id AS count_id, c.number, c.counted_minor, c.expected_minor,
       c.counted_minor - c.expected_minor AS variance_minor
FROM cash_count c
WHERE c.number = (SELECT max(n.number) FROM cash_count n WHERE n.session_id = c.session_id);
