-- 0003 stock ledger: every unit that comes, goes or is counted is a movement.
-- Stock on hand is the sum of movements; nothing stores a running total.
--
-- quantity_milli is the signed quantity in thousandths of the product's unit
-- (1 item = 1000, 250 g of a kg product = 250), so SQL sums are exact integers.
-- Positive moves stock into `location`, negative takes it out. A transfer
-- between storage and the event is two rows sharing source_id.
CREATE TABLE stock_movement (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    product_id          TEXT NOT NULL REFERENCES product (id),
    event_id            TEXT REFERENCES event (id),
    location            TEXT NOT NULL CHECK (location IN ('storage', 'event')),
    kind                TEXT NOT NULL CHECK (kind IN (
                            'receive', 'transfer', 'sale', 'return', 'void',
                            'adjust', 'count', 'waste', 'refill', 'fulfil')),
    quantity_milli      INTEGER NOT NULL,
    reason              TEXT NOT NULL DEFAULT '',
    note                TEXT NOT NULL DEFAULT '',
    lot_code            TEXT,
    -- the document it came from: sale, refund, void, count, transfer, task, order, manual
    source_type         TEXT NOT NULL,
    source_id           TEXT,
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
CREATE INDEX stock_movement_by_product ON stock_movement (product_id, at_utc);
CREATE INDEX stock_movement_by_event ON stock_movement (event_id, product_id, kind, quantity_milli);
CREATE INDEX stock_movement_by_source ON stock_movement (source_type, source_id);

CREATE TRIGGER stock_movement_is_append_only_update BEFORE UPDATE ON stock_movement
BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
CREATE TRIGGER stock_movement_is_append_only_delete BEFORE DELETE ON stock_movement
BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
