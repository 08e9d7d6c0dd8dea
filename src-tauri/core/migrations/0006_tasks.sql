-- 0006 task flows and pre-orders.
--
-- A task template is the organizer's plan of a pop-up: steps in phases
-- before / during / after, each with an optional due time relative to the
-- event's start or end. Templates are documents the organizer edits: saving
-- one replaces its steps (journaled). The built-in starter flow lives in the
-- code, not here, so it can never be edited away.
CREATE TABLE task_template (
    id          TEXT PRIMARY KEY NOT NULL,
    device_id   TEXT NOT NULL REFERENCES device (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;

-- due_offset_minutes is signed: -2880 with anchor 'start' is "2 days before
-- the start". NULL anchor and offset: no due time. `requires` is a JSON array
-- of the keys of earlier steps of the same template.
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

-- An event's flow: a copy of the template's steps made when the event is
-- created, so later template edits do not change a running pop-up. The
-- assignee (a volunteer's name), notes and due time can be changed on the
-- step; its status is never stored: it is derived from task_signoff.
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
CREATE INDEX task_by_event ON task (event_id, position);

-- Sign-offs and skips, append-only. kind 'sign' is one person's signature
-- (a two-person step needs two of them by different people); 'work' is the
-- work itself completing the step (a till session opened, a count saved);
-- 'skip' carries the reason. signer_name is the volunteer's name as they
-- gave it; approved_by is the organizer whose PIN approved it.
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
CREATE INDEX task_signoff_by_task ON task_signoff (task_id, at_utc);

CREATE TRIGGER task_signoff_is_append_only_update BEFORE UPDATE ON task_signoff
BEGIN SELECT RAISE(ABORT, 'task_signoff is append-only'); END;
CREATE TRIGGER task_signoff_is_append_only_delete BEFORE DELETE ON task_signoff
BEGIN SELECT RAISE(ABORT, 'task_signoff is append-only'); END;

-- Pre-orders: items paid at the till and handed over later. One row per
-- ordered line; what is handed over is the sum of its fulfilments.
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
CREATE INDEX customer_order_by_event ON customer_order (event_id, at_utc);

CREATE TRIGGER customer_order_is_append_only_update BEFORE UPDATE ON customer_order
BEGIN SELECT RAISE(ABORT, 'customer_order is append-only'); END;
CREATE TRIGGER customer_order_is_append_only_delete BEFORE DELETE ON customer_order
BEGIN SELECT RAISE(ABORT, 'customer_order is append-only'); END;

-- The customer's contact, kept apart from the order and only for it: the
-- row is deleted once the order is fulfilled and the retention period
-- (setting order_contact_retention_days) has passed.
CREATE TABLE order_contact (
    order_id    TEXT PRIMARY KEY NOT NULL REFERENCES customer_order (id),
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT ''
) STRICT;

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
CREATE INDEX order_fulfilment_by_order ON order_fulfilment (order_id);

CREATE TRIGGER order_fulfilment_is_append_only_update BEFORE UPDATE ON order_fulfilment
BEGIN SELECT RAISE(ABORT, 'order_fulfilment is append-only'); END;
CREATE TRIGGER order_fulfilment_is_append_only_delete BEFORE DELETE ON order_fulfilment
BEGIN SELECT RAISE(ABORT, 'order_fulfilment is append-only'); END;
