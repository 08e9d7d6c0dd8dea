-- index customer_order_by_event
CREATE INDEX customer_order_by_event ON customer_order (event_id, at_utc);
-- index device_one_local
CREATE UNIQUE INDEX device_one_local ON device (is_local) WHERE is_local = 1;
-- index event_one_open
CREATE UNIQUE INDEX event_one_open ON event (status) WHERE status = 'open';
-- index order_fulfilment_by_order
CREATE INDEX order_fulfilment_by_order ON order_fulfilment (order_id);
-- index pin_attempt_by_person
CREATE INDEX pin_attempt_by_person ON pin_attempt (person_id, at_utc);
-- index product_by_category
CREATE INDEX product_by_category ON product (category, search_name);
-- index stock_movement_by_event
CREATE INDEX stock_movement_by_event ON stock_movement (event_id, product_id, kind, quantity_milli);
-- index stock_movement_by_product
CREATE INDEX stock_movement_by_product ON stock_movement (product_id, at_utc);
-- index stock_movement_by_source
CREATE INDEX stock_movement_by_source ON stock_movement (source_type, source_id);
-- index task_by_event
CREATE INDEX task_by_event ON task (event_id, position);
-- index task_signoff_by_task
CREATE INDEX task_signoff_by_task ON task_signoff (task_id, at_utc);
-- table audit_log
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
-- table customer_order
CREATE TABLE customer_order (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT NOT NULL REFERENCES event (id),
    sale_id             TEXT,
    sale_line_id        TEXT,
    product_id          TEXT NOT NULL REFERENCES product (id),
    quantity_milli      INTEGER NOT NULL CHECK (quantity_milli > 0),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table device
CREATE TABLE device (
    id          TEXT PRIMARY KEY NOT NULL,
    till_code   TEXT NOT NULL CHECK (length(till_code) BETWEEN 1 AND 8),
    is_local    INTEGER NOT NULL DEFAULT 0 CHECK (is_local IN (0, 1)),
    created_at  TEXT NOT NULL
) STRICT;
-- table event
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
-- table order_contact
CREATE TABLE order_contact (
    order_id    TEXT PRIMARY KEY NOT NULL REFERENCES customer_order (id),
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT ''
) STRICT;
-- table order_fulfilment
CREATE TABLE order_fulfilment (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    order_id            TEXT NOT NULL REFERENCES customer_order (id),
    quantity_milli      INTEGER NOT NULL CHECK (quantity_milli > 0),
    movement_id         TEXT NOT NULL REFERENCES stock_movement (id),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table person
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
-- table pin_attempt
CREATE TABLE pin_attempt (
    id              TEXT PRIMARY KEY NOT NULL,
    device_id       TEXT NOT NULL REFERENCES device (id),
    person_id       TEXT NOT NULL REFERENCES person (id),
    at_utc          TEXT NOT NULL,
    ok              INTEGER NOT NULL CHECK (ok IN (0, 1))
) STRICT;
-- table product
CREATE TABLE product (
    id                   TEXT PRIMARY KEY NOT NULL,
    device_id            TEXT NOT NULL REFERENCES device (id),
    sku                  TEXT NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
    barcode              TEXT UNIQUE,
    name                 TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- lower-cased, accents removed: what name search matches against
    search_name          TEXT NOT NULL,
    unit_price           TEXT NOT NULL,
    tax_rate             TEXT NOT NULL,
    unit                 TEXT NOT NULL CHECK (unit IN ('each', 'kg', 'l')),
    kind                 TEXT NOT NULL CHECK (kind IN ('item', 'refill', 'deposit', 'service')),
    category             TEXT NOT NULL DEFAULT '',
    low_stock_threshold  TEXT,
    active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at           TEXT NOT NULL
) STRICT;
-- table setting
CREATE TABLE setting (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
) STRICT;
-- table stock_movement
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
-- table task
CREATE TABLE task (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT NOT NULL REFERENCES event (id),
    template_id         TEXT,
    position            INTEGER NOT NULL,
    key                 TEXT NOT NULL,
    phase               TEXT NOT NULL CHECK (phase IN ('before', 'during', 'after')),
    title               TEXT NOT NULL,
    notes               TEXT NOT NULL DEFAULT '',
    action              TEXT CHECK (action IN ('stock_count', 'load_out', 'load_in',
                            'open_till', 'sell', 'close_till', 'fulfil_orders', 'export')),
    due_anchor          TEXT CHECK (due_anchor IN ('start', 'end')),
    due_offset_minutes  INTEGER,
    signoff             TEXT NOT NULL CHECK (signoff IN ('one', 'two_people', 'organizer_pin')),
    -- JSON array of task ids of this event that must be done (or skipped) first
    requires            TEXT NOT NULL DEFAULT '[]',
    assignee            TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL,
    UNIQUE (event_id, key)
) STRICT;
-- table task_signoff
CREATE TABLE task_signoff (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    task_id             TEXT NOT NULL REFERENCES task (id),
    kind                TEXT NOT NULL CHECK (kind IN ('sign', 'work', 'skip')),
    signer_name         TEXT NOT NULL,
    signer_person_id    TEXT,
    approved_by         TEXT,
    reason              TEXT NOT NULL DEFAULT '',
    source_type         TEXT,
    source_id           TEXT,
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table task_template
CREATE TABLE task_template (
    id          TEXT PRIMARY KEY NOT NULL,
    device_id   TEXT NOT NULL REFERENCES device (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table task_template_step
CREATE TABLE task_template_step (
    id                  TEXT PRIMARY KEY NOT NULL,
    template_id         TEXT NOT NULL REFERENCES task_template (id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    key                 TEXT NOT NULL,
    phase               TEXT NOT NULL CHECK (phase IN ('before', 'during', 'after')),
    title               TEXT NOT NULL,
    notes               TEXT NOT NULL DEFAULT '',
    action              TEXT CHECK (action IN ('stock_count', 'load_out', 'load_in',
                            'open_till', 'sell', 'close_till', 'fulfil_orders', 'export')),
    due_anchor          TEXT CHECK (due_anchor IN ('start', 'end')),
    due_offset_minutes  INTEGER,
    signoff             TEXT NOT NULL CHECK (signoff IN ('one', 'two_people', 'organizer_pin')),
    requires            TEXT NOT NULL DEFAULT '[]',
    UNIQUE (template_id, key),
    UNIQUE (template_id, position)
) STRICT;
-- trigger audit_log_is_append_only_delete
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- trigger audit_log_is_append_only_update
CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- trigger customer_order_is_append_only_delete
CREATE TRIGGER customer_order_is_append_only_delete BEFORE DELETE ON customer_order
BEGIN SELECT RAISE(ABORT, 'customer_order is append-only'); END;
-- trigger customer_order_is_append_only_update
CREATE TRIGGER customer_order_is_append_only_update BEFORE UPDATE ON customer_order
BEGIN SELECT RAISE(ABORT, 'customer_order is append-only'); END;
-- trigger order_fulfilment_is_append_only_delete
CREATE TRIGGER order_fulfilment_is_append_only_delete BEFORE DELETE ON order_fulfilment
BEGIN SELECT RAISE(ABORT, 'order_fulfilment is append-only'); END;
-- trigger order_fulfilment_is_append_only_update
CREATE TRIGGER order_fulfilment_is_append_only_update BEFORE UPDATE ON order_fulfilment
BEGIN SELECT RAISE(ABORT, 'order_fulfilment is append-only'); END;
-- trigger pin_attempt_is_append_only_delete
CREATE TRIGGER pin_attempt_is_append_only_delete BEFORE DELETE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'pin_attempt is append-only'); END;
-- trigger pin_attempt_is_append_only_update
CREATE TRIGGER pin_attempt_is_append_only_update BEFORE UPDATE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'pin_attempt is append-only'); END;
-- trigger stock_movement_is_append_only_delete
CREATE TRIGGER stock_movement_is_append_only_delete BEFORE DELETE ON stock_movement
BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
-- trigger stock_movement_is_append_only_update
CREATE TRIGGER stock_movement_is_append_only_update BEFORE UPDATE ON stock_movement
BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
-- trigger task_signoff_is_append_only_delete
CREATE TRIGGER task_signoff_is_append_only_delete BEFORE DELETE ON task_signoff
BEGIN SELECT RAISE(ABORT, 'task_signoff is append-only'); END;
-- trigger task_signoff_is_append_only_update
CREATE TRIGGER task_signoff_is_append_only_update BEFORE UPDATE ON task_signoff
BEGIN SELECT RAISE(ABORT, 'task_signoff is append-only'); END;
