-- 0013 refill and reuse: containers with a tare, scale labels, deposits.
--
-- Weights and volumes are INTEGER grams or millilitres (the milli of a kg
-- or an l), never decimals: net = gross − tare exactly.

-- A product's scale item code: the digits a scale prints on a
-- variable-measure label (GS1 prefixes 02, 20–29) to name it.
ALTER TABLE product ADD COLUMN scale_item_code TEXT
    CHECK (scale_item_code IS NULL OR (length(scale_item_code) BETWEEN 1 AND 6 AND scale_item_code NOT GLOB '*[^0-9]*'));
CREATE UNIQUE INDEX product_by_scale_item_code ON product (scale_item_code) WHERE scale_item_code IS NOT NULL;
-- A shop container (a jar, a bottle): its empty weight in grams.
ALTER TABLE product ADD COLUMN tare_grams INTEGER
    CHECK (tare_grams IS NULL OR tare_grams BETWEEN 0 AND 100000);
-- The deposit product selling this product adds as a linked line.
ALTER TABLE product ADD COLUMN deposit_product_id TEXT REFERENCES product (id);

-- A weighed line: what the scale showed (gross), the container's empty
-- weight (tare) and whose container it was. quantity_milli is the net.
ALTER TABLE sale_line ADD COLUMN gross_milli INTEGER CHECK (gross_milli IS NULL OR gross_milli > 0);
ALTER TABLE sale_line ADD COLUMN tare_milli INTEGER CHECK (tare_milli IS NULL OR tare_milli >= 0);
-- 'own': the customer's container; 'shop': a shop container (a product)
ALTER TABLE sale_line ADD COLUMN container TEXT CHECK (container IS NULL OR container IN ('own', 'shop'));
-- A deposit line: the line number of the line it belongs to.
ALTER TABLE sale_line ADD COLUMN deposit_of_line INTEGER;
-- The scale label the line was scanned from (digits only).
ALTER TABLE sale_line ADD COLUMN scale_label TEXT;

-- A shop container brought back: the deposit paid out, in a sale (sale_id)
-- or on its own (cash from the drawer). Capped, per deposit product, by
-- what is outstanding: issued (deposit lines sold) minus returned, across
-- events.
CREATE TABLE deposit_return (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT NOT NULL REFERENCES event (id),
    session_id          TEXT NOT NULL REFERENCES till_session (id),
    sale_id             TEXT REFERENCES sale (id),
    product_id          TEXT NOT NULL REFERENCES product (id),
    quantity            INTEGER NOT NULL CHECK (quantity > 0),
    unit_price          TEXT NOT NULL,
    -- always positive: the deposit paid back
    amount_minor        INTEGER NOT NULL CHECK (amount_minor > 0),
    tax_rate            TEXT NOT NULL,
    tax_minor           INTEGER NOT NULL,
    method              TEXT NOT NULL CHECK (method IN ('cash', 'sale')),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
CREATE INDEX deposit_return_by_product ON deposit_return (product_id, quantity);
CREATE INDEX deposit_return_by_session ON deposit_return (session_id, method, amount_minor);
CREATE INDEX deposit_return_by_event ON deposit_return (event_id, product_id);
CREATE TRIGGER deposit_return_is_append_only_update BEFORE UPDATE ON deposit_return
BEGIN SELECT RAISE(ABORT, 'deposit_return is append-only'); END;
CREATE TRIGGER deposit_return_is_append_only_delete BEFORE DELETE ON deposit_return
BEGIN SELECT RAISE(ABORT, 'deposit_return is append-only'); END;

-- A step that repeats during the event (a refill station's hygiene check):
-- every repeat_minutes from its due time to the end, each repetition a task
-- of its own with its own sign-off. NULL: the step happens once.
ALTER TABLE task_template_step ADD COLUMN repeat_minutes INTEGER
    CHECK (repeat_minutes IS NULL OR repeat_minutes BETWEEN 15 AND 1440);
