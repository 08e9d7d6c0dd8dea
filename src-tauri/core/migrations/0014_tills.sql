-- 0014 tills: several tills of one shop, merged by file.
--
-- The journal becomes one chain per device. `seq` stays the order of
-- entries in this file (what the till and `verify` name an entry by); the
-- new `device_seq` is the entry's number in its own device's chain (1, 2,
-- 3, … per device) and is what the hash covers, so a till's entries keep
-- their hashes when they are merged into another file at other positions.
-- `version` names the encoding: 1 for entries written before this
-- migration (their device_seq is their seq: a file then held one chain),
-- 2 after (docs/journal.md).
DROP TRIGGER audit_log_is_append_only_update;
ALTER TABLE audit_log ADD COLUMN device_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version IN (1, 2));
UPDATE audit_log SET device_seq = seq;
CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE UNIQUE INDEX audit_log_by_device ON audit_log (device_id, device_seq);
-- Latest change of a record, for a merge's latest-change-wins.
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, at_utc);

-- The shop a till file belongs to: made once with the first file, copied
-- to each till cloned from it. A merge refuses a file of another shop.
CREATE TABLE shop (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
    one         INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (one = 1)
) STRICT;
INSERT INTO shop (id) VALUES (lower(hex(randomblob(16))));

-- A sale line never gives back more than was sold on it: checked by the
-- till that pays the refund (the local device). Refunds another till paid
-- are taken in by a merge as they were written, even when both tills
-- refunded the same line; the event's home flags what went beyond.
DROP TRIGGER refund_line_within_its_sale_line;
CREATE TRIGGER refund_line_within_its_sale_line BEFORE INSERT ON refund_line
WHEN NEW.sale_line_id IS NOT NULL
 AND NEW.device_id IS (SELECT id FROM device WHERE is_local = 1) AND (
       (SELECT sale_id FROM sale_line WHERE id = NEW.sale_line_id)
         IS NOT (SELECT sale_id FROM refund WHERE id = NEW.refund_id)
    OR (SELECT coalesce(sum(quantity_milli), 0) FROM refund_line WHERE sale_line_id = NEW.sale_line_id)
         + NEW.quantity_milli > (SELECT quantity_milli FROM sale_line WHERE id = NEW.sale_line_id)
    OR (SELECT coalesce(sum(gross_minor), 0) FROM refund_line WHERE sale_line_id = NEW.sale_line_id)
         + NEW.gross_minor > (SELECT gross_minor FROM sale_line WHERE id = NEW.sale_line_id))
BEGIN SELECT RAISE(ABORT, 'refund_line: more than was sold on the line'); END;
