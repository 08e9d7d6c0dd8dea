-- 0005 sales: till sessions, cash movements, sales with their lines and
-- payments, voids and Z reports.
--
-- Money that reports add up is INTEGER minor units of the shop currency
-- (cents for EUR), so SQL sums are exact. Unit prices and quantities keep
-- canonical decimal text (a price per kg can carry more decimals) and are
-- shown, never summed, by SQL; quantity_milli is the scaled integer twin
-- for sums.
--
-- Everything here is a ledger: rows are never deleted, and never updated
-- except a till session's one-time close (see the trigger below).

-- A till session: from the counted opening float to the blind count at
-- close. At most one session is open per device.
CREATE TABLE till_session (
    id                     TEXT PRIMARY KEY NOT NULL,
    device_id              TEXT NOT NULL REFERENCES device (id),
    event_id               TEXT NOT NULL REFERENCES event (id),
    -- a practice session sells into the practice series only
    practice               INTEGER NOT NULL DEFAULT 0 CHECK (practice IN (0, 1)),
    opened_by              TEXT NOT NULL REFERENCES person (id),
    opened_at              TEXT NOT NULL,
    opened_offset_minutes  INTEGER NOT NULL,
    opening_float_minor    INTEGER NOT NULL CHECK (opening_float_minor >= 0),
    -- optional JSON object of the counted float by denomination,
    -- e.g. {"20.00": 2, "0.50": 10}; the total is opening_float_minor
    opening_denominations  TEXT,
    -- the close: all NULL while the session is open, all set once closed
    closed_by              TEXT REFERENCES person (id),
    closed_at              TEXT,
    closed_offset_minutes  INTEGER,
    counted_minor          INTEGER,
    counted_denominations  TEXT,
    expected_minor         INTEGER,
    variance_minor         INTEGER,
    variance_reason        TEXT,
    CHECK ((closed_at IS NULL) = (counted_minor IS NULL)),
    CHECK (closed_at IS NULL OR (closed_by IS NOT NULL AND expected_minor IS NOT NULL
           AND variance_minor = counted_minor - expected_minor))
) STRICT;
CREATE UNIQUE INDEX till_session_one_open ON till_session (device_id) WHERE closed_at IS NULL;
CREATE INDEX till_session_by_event ON till_session (event_id, opened_at);

-- A session is closed exactly once and nothing of its opening changes.
CREATE TRIGGER till_session_closes_once BEFORE UPDATE ON till_session
WHEN OLD.closed_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.device_id IS NOT OLD.device_id
  OR NEW.event_id IS NOT OLD.event_id OR NEW.practice IS NOT OLD.practice
  OR NEW.opened_by IS NOT OLD.opened_by OR NEW.opened_at IS NOT OLD.opened_at
  OR NEW.opened_offset_minutes IS NOT OLD.opened_offset_minutes
  OR NEW.opening_float_minor IS NOT OLD.opening_float_minor
  OR NEW.opening_denominations IS NOT OLD.opening_denominations
BEGIN SELECT RAISE(ABORT, 'till_session is append-only: only an open session can be closed, once'); END;
CREATE TRIGGER till_session_is_append_only_delete BEFORE DELETE ON till_session
BEGIN SELECT RAISE(ABORT, 'till_session is append-only'); END;

-- Cash put into or taken out of the drawer outside a sale.
CREATE TABLE cash_movement (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    session_id          TEXT NOT NULL REFERENCES till_session (id),
    kind                TEXT NOT NULL CHECK (kind IN ('paid_in', 'paid_out', 'drop')),
    -- always positive; kind says the direction
    amount_minor        INTEGER NOT NULL CHECK (amount_minor > 0),
    reason              TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
CREATE INDEX cash_movement_by_session ON cash_movement (session_id, kind, amount_minor);

-- Stock at the event of one product, as every sale checks it before it
-- warns about negative stock: a covering index keeps that check short.
CREATE INDEX stock_movement_at_event ON stock_movement (product_id, event_id, location, quantity_milli);

-- Receipt numbers: the last number used per device and series. Bumped in
-- the sale's own transaction, so numbers are gapless (a rolled-back sale
-- gives its number back). Not a ledger: it is a counter.
CREATE TABLE receipt_counter (
    device_id   TEXT NOT NULL REFERENCES device (id),
    series      TEXT NOT NULL CHECK (series IN ('live', 'practice')),
    last_number INTEGER NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (device_id, series)
) STRICT;

-- A completed sale. The totals are stored as the rules computed them:
--   subtotal = Σ line net (exclusive) or Σ line gross (inclusive), after all discounts
--   total    = Σ line gross + rounding_minor
--   Σ payment amount − Σ change = total
-- discount_minor is the total of line and sale discounts (for reports).
CREATE TABLE sale (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT NOT NULL REFERENCES event (id),
    session_id          TEXT NOT NULL REFERENCES till_session (id),
    cashier_id          TEXT NOT NULL REFERENCES person (id),
    -- printed number, e.g. T1-000042 (practice: T1-P-000007)
    receipt_number      TEXT NOT NULL,
    -- the sequence number within (device, practice)
    receipt_seq         INTEGER NOT NULL CHECK (receipt_seq > 0),
    practice            INTEGER NOT NULL DEFAULT 0 CHECK (practice IN (0, 1)),
    currency            TEXT NOT NULL,
    tax_mode            TEXT NOT NULL CHECK (tax_mode IN ('inclusive', 'exclusive')),
    subtotal_minor      INTEGER NOT NULL,
    discount_minor      INTEGER NOT NULL CHECK (discount_minor >= 0),
    -- the whole-sale discount alone (also inside discount_minor)
    sale_discount_minor INTEGER NOT NULL DEFAULT 0 CHECK (sale_discount_minor >= 0),
    tax_minor           INTEGER NOT NULL,
    rounding_minor      INTEGER NOT NULL DEFAULT 0,
    total_minor         INTEGER NOT NULL,
    -- who approved a discount over the limit or a price override, if anyone
    approved_by         TEXT REFERENCES person (id),
    -- set when a line drove stock below zero (the sale is allowed)
    stock_warning       INTEGER NOT NULL DEFAULT 0 CHECK (stock_warning IN (0, 1)),
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL,
    UNIQUE (device_id, practice, receipt_seq),
    UNIQUE (device_id, receipt_number)
) STRICT;
CREATE INDEX sale_by_event_time ON sale (event_id, practice, at_utc);
CREATE INDEX sale_by_session ON sale (session_id, practice);
CREATE INDEX sale_by_time ON sale (at_utc);

-- A line of a sale: a snapshot of what was sold at the price of the moment.
-- net + tax = gross; gross = round(unit_price × quantity) − line discount −
-- allocated sale discount (inclusive mode; exclusive: the same on net).
CREATE TABLE sale_line (
    id                      TEXT PRIMARY KEY NOT NULL,
    device_id               TEXT NOT NULL REFERENCES device (id),
    sale_id                 TEXT NOT NULL REFERENCES sale (id),
    line_no                 INTEGER NOT NULL CHECK (line_no > 0),
    product_id              TEXT NOT NULL REFERENCES product (id),
    sku                     TEXT NOT NULL,
    name                    TEXT NOT NULL,
    unit                    TEXT NOT NULL CHECK (unit IN ('each', 'kg', 'l')),
    -- canonical decimal text, as charged (after an override)
    unit_price              TEXT NOT NULL,
    -- the catalog price when the price was overridden, else NULL
    list_unit_price         TEXT,
    quantity                TEXT NOT NULL,
    quantity_milli          INTEGER NOT NULL CHECK (quantity_milli > 0),
    -- the line before discounts, rounded to the minor unit
    amount_minor            INTEGER NOT NULL CHECK (amount_minor >= 0),
    line_discount_minor     INTEGER NOT NULL DEFAULT 0 CHECK (line_discount_minor >= 0),
    -- this line's share of the whole-sale discount (largest remainder)
    sale_discount_minor     INTEGER NOT NULL DEFAULT 0 CHECK (sale_discount_minor >= 0),
    tax_rate                TEXT NOT NULL,
    net_minor               INTEGER NOT NULL,
    tax_minor               INTEGER NOT NULL,
    gross_minor             INTEGER NOT NULL,
    -- paid now, handed over later (pre-order): no stock movement at sale
    handover_later          INTEGER NOT NULL DEFAULT 0 CHECK (handover_later IN (0, 1)),
    CHECK (net_minor + tax_minor = gross_minor),
    UNIQUE (sale_id, line_no)
) STRICT;
CREATE INDEX sale_line_by_product ON sale_line (product_id, sale_id);

-- A payment of a sale. amount is what counts toward the sale: for cash,
-- tendered − change; tendered and change are kept for the receipt and the
-- drawer. Card details are only the last four digits and the terminal's
-- authorisation code.
CREATE TABLE payment (
    id              TEXT PRIMARY KEY NOT NULL,
    device_id       TEXT NOT NULL REFERENCES device (id),
    sale_id         TEXT NOT NULL REFERENCES sale (id),
    seq             INTEGER NOT NULL CHECK (seq > 0),
    method          TEXT NOT NULL CHECK (method IN ('cash', 'card', 'mobile', 'other')),
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    tendered_minor  INTEGER NOT NULL,
    change_minor    INTEGER NOT NULL DEFAULT 0 CHECK (change_minor >= 0),
    card_last_four  TEXT CHECK (card_last_four IS NULL OR (length(card_last_four) = 4 AND card_last_four NOT GLOB '*[^0-9]*')),
    auth_code       TEXT CHECK (auth_code IS NULL OR length(auth_code) BETWEEN 1 AND 32),
    reference       TEXT,
    CHECK (tendered_minor - change_minor = amount_minor),
    CHECK (method = 'cash' OR change_minor = 0),
    UNIQUE (sale_id, seq)
) STRICT;
CREATE INDEX payment_by_method ON payment (method, sale_id, amount_minor);

-- A void of a completed sale: a new record; the sale stays as it was.
CREATE TABLE sale_void (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    sale_id             TEXT NOT NULL UNIQUE REFERENCES sale (id),
    session_id          TEXT NOT NULL REFERENCES till_session (id),
    reason              TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    approved_by         TEXT NOT NULL REFERENCES person (id),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
CREATE INDEX sale_void_by_session ON sale_void (session_id);

-- The Z report of a closed session: numbered per device, its figures frozen
-- as JSON (by method, tax by rate, discounts, voids, counts, receipts, cash).
CREATE TABLE z_report (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    session_id          TEXT NOT NULL UNIQUE REFERENCES till_session (id),
    number              INTEGER NOT NULL CHECK (number > 0),
    practice            INTEGER NOT NULL DEFAULT 0 CHECK (practice IN (0, 1)),
    sales_count         INTEGER NOT NULL,
    total_minor         INTEGER NOT NULL,
    expected_cash_minor INTEGER NOT NULL,
    counted_cash_minor  INTEGER NOT NULL,
    variance_minor      INTEGER NOT NULL,
    figures             TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL,
    UNIQUE (device_id, practice, number)
) STRICT;

-- Carts a cashier parked to serve someone else. Not a ledger: a parked cart
-- is resumed (deleted here) or cancelled; only completed sales count.
CREATE TABLE parked_cart (
    id          TEXT PRIMARY KEY NOT NULL,
    device_id   TEXT NOT NULL REFERENCES device (id),
    session_id  TEXT NOT NULL REFERENCES till_session (id),
    label       TEXT NOT NULL DEFAULT '',
    cart        TEXT NOT NULL,
    parked_by   TEXT NOT NULL,
    parked_at   TEXT NOT NULL
) STRICT;

CREATE TRIGGER cash_movement_is_append_only_update BEFORE UPDATE ON cash_movement
BEGIN SELECT RAISE(ABORT, 'cash_movement is append-only'); END;
CREATE TRIGGER cash_movement_is_append_only_delete BEFORE DELETE ON cash_movement
BEGIN SELECT RAISE(ABORT, 'cash_movement is append-only'); END;
CREATE TRIGGER sale_is_append_only_update BEFORE UPDATE ON sale
BEGIN SELECT RAISE(ABORT, 'sale is append-only'); END;
CREATE TRIGGER sale_is_append_only_delete BEFORE DELETE ON sale
BEGIN SELECT RAISE(ABORT, 'sale is append-only'); END;
CREATE TRIGGER sale_line_is_append_only_update BEFORE UPDATE ON sale_line
BEGIN SELECT RAISE(ABORT, 'sale_line is append-only'); END;
CREATE TRIGGER sale_line_is_append_only_delete BEFORE DELETE ON sale_line
BEGIN SELECT RAISE(ABORT, 'sale_line is append-only'); END;
CREATE TRIGGER payment_is_append_only_update BEFORE UPDATE ON payment
BEGIN SELECT RAISE(ABORT, 'payment is append-only'); END;
CREATE TRIGGER payment_is_append_only_delete BEFORE DELETE ON payment
BEGIN SELECT RAISE(ABORT, 'payment is append-only'); END;
CREATE TRIGGER sale_void_is_append_only_update BEFORE UPDATE ON sale_void
BEGIN SELECT RAISE(ABORT, 'sale_void is append-only'); END;
CREATE TRIGGER sale_void_is_append_only_delete BEFORE DELETE ON sale_void
BEGIN SELECT RAISE(ABORT, 'sale_void is append-only'); END;
CREATE TRIGGER z_report_is_append_only_update BEFORE UPDATE ON z_report
BEGIN SELECT RAISE(ABORT, 'z_report is append-only'); END;
CREATE TRIGGER z_report_is_append_only_delete BEFORE DELETE ON z_report
BEGIN SELECT RAISE(ABORT, 'z_report is append-only'); END;
