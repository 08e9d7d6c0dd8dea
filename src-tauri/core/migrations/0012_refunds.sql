-- 0012 refunds: returns, refunds and exchanges as their own append-only
-- ledgers. A refund pays back lines of a sale (or, without a receipt, goods
-- at today's price) in the till session that pays it out, whatever the
-- sale's day; its lines carry exactly what they pay back, its payments the
-- tenders they were paid to. Nothing of the sale changes.
--
-- An exchange is a refund and a sale written in one transaction: the part
-- of the refund that pays for the new sale is a payment of the method
-- 'exchange' on both sides, so each side still adds up on its own
-- (Σ payments = total) and the credit nets to zero by method.

-- payment: rebuilt once so its method may be 'exchange'. Nothing refers to
-- a payment row; its rows are copied as they are.
CREATE TABLE payment_rebuilt (
    id              TEXT PRIMARY KEY NOT NULL,
    device_id       TEXT NOT NULL REFERENCES device (id),
    sale_id         TEXT NOT NULL REFERENCES sale (id),
    seq             INTEGER NOT NULL CHECK (seq > 0),
    -- 'exchange': paid with the credit of goods returned in the same exchange
    method          TEXT NOT NULL CHECK (method IN ('cash', 'card', 'mobile', 'other', 'exchange')),
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
INSERT INTO payment_rebuilt (id, device_id, sale_id, seq, method, amount_minor, tendered_minor, change_minor,
                             card_last_four, auth_code, reference)
SELECT id, device_id, sale_id, seq, method, amount_minor, tendered_minor, change_minor,
       card_last_four, auth_code, reference
FROM payment;
DROP TABLE payment;
ALTER TABLE payment_rebuilt RENAME TO payment;
CREATE INDEX payment_by_method ON payment (method, sale_id, amount_minor);
CREATE INDEX payment_report_cover ON payment (sale_id, method, amount_minor);
CREATE TRIGGER payment_is_append_only_update BEFORE UPDATE ON payment
BEGIN SELECT RAISE(ABORT, 'payment is append-only'); END;
CREATE TRIGGER payment_is_append_only_delete BEFORE DELETE ON payment
BEGIN SELECT RAISE(ABORT, 'payment is append-only'); END;

-- Refund receipt numbers: their own gapless series per device, live
-- (T1-R-000001) and practice (T1-PR-000001). Bumped in the refund's own
-- transaction. Not a ledger: it is a counter.
CREATE TABLE refund_counter (
    device_id   TEXT NOT NULL REFERENCES device (id),
    practice    INTEGER NOT NULL CHECK (practice IN (0, 1)),
    last_number INTEGER NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (device_id, practice)
) STRICT;

-- A refund: what was paid back, when, in which session, for which sale.
--   gross = Σ line gross; net + tax = gross;
--   total = gross + rounding (cash rounding of the cash part) = Σ refund_payment
CREATE TABLE refund (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    -- the event and session that paid it out (not the sale's)
    event_id            TEXT NOT NULL REFERENCES event (id),
    session_id          TEXT NOT NULL REFERENCES till_session (id),
    actor_id            TEXT NOT NULL REFERENCES person (id),
    receipt_number      TEXT NOT NULL,
    receipt_seq         INTEGER NOT NULL CHECK (receipt_seq > 0),
    practice            INTEGER NOT NULL DEFAULT 0 CHECK (practice IN (0, 1)),
    -- the sale refunded; NULL for a refund without a receipt
    sale_id             TEXT REFERENCES sale (id),
    -- its receipt number, printed on the refund receipt
    sale_receipt_number TEXT,
    without_receipt     INTEGER NOT NULL DEFAULT 0 CHECK (without_receipt IN (0, 1)),
    currency            TEXT NOT NULL,
    tax_mode            TEXT NOT NULL CHECK (tax_mode IN ('inclusive', 'exclusive')),
    -- Σ line amounts before discounts, and the discounts that come off them
    amount_minor        INTEGER NOT NULL CHECK (amount_minor >= 0),
    discount_minor      INTEGER NOT NULL CHECK (discount_minor >= 0),
    net_minor           INTEGER NOT NULL,
    tax_minor           INTEGER NOT NULL,
    gross_minor         INTEGER NOT NULL CHECK (gross_minor >= 0),
    rounding_minor      INTEGER NOT NULL DEFAULT 0,
    total_minor         INTEGER NOT NULL CHECK (total_minor >= 0),
    reason              TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
    -- who approved a refund above the limit, without a receipt or to
    -- another tender, if anyone
    approved_by         TEXT REFERENCES person (id),
    -- the sale of an exchange, written in the same transaction
    exchange_sale_id    TEXT UNIQUE REFERENCES sale (id),
    -- made by the core when the refund is asked for: the same key completed
    -- again answers with the first refund and writes nothing
    refund_key          TEXT UNIQUE CHECK (refund_key IS NULL OR length(refund_key) BETWEEN 1 AND 64),
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL,
    CHECK ((sale_id IS NULL) = (without_receipt = 1)),
    CHECK (net_minor + tax_minor = gross_minor),
    CHECK (gross_minor + rounding_minor = total_minor),
    UNIQUE (device_id, practice, receipt_seq),
    UNIQUE (device_id, receipt_number)
) STRICT;
CREATE INDEX refund_by_sale ON refund (sale_id);
CREATE INDEX refund_by_session ON refund (session_id, practice);
CREATE INDEX refund_by_event_time ON refund (event_id, practice, at_utc);
CREATE INDEX refund_by_time ON refund (at_utc);

-- A line of a refund: a sale line's quantity coming back, and exactly the
-- share of what was paid for it (its amount, line discount, share of the
-- sale discount, net, tax and gross), or goods at today's price without a
-- receipt. Restocked at the event, or written off as damaged with a reason.
CREATE TABLE refund_line (
    id                      TEXT PRIMARY KEY NOT NULL,
    device_id               TEXT NOT NULL REFERENCES device (id),
    refund_id               TEXT NOT NULL REFERENCES refund (id),
    line_no                 INTEGER NOT NULL CHECK (line_no > 0),
    -- the sale line it comes from; NULL without a receipt
    sale_line_id            TEXT REFERENCES sale_line (id),
    product_id              TEXT NOT NULL REFERENCES product (id),
    sku                     TEXT NOT NULL,
    name                    TEXT NOT NULL,
    unit                    TEXT NOT NULL CHECK (unit IN ('each', 'kg', 'l')),
    unit_price              TEXT NOT NULL,
    quantity                TEXT NOT NULL,
    quantity_milli          INTEGER NOT NULL CHECK (quantity_milli > 0),
    amount_minor            INTEGER NOT NULL CHECK (amount_minor >= 0),
    line_discount_minor     INTEGER NOT NULL DEFAULT 0 CHECK (line_discount_minor >= 0),
    sale_discount_minor     INTEGER NOT NULL DEFAULT 0 CHECK (sale_discount_minor >= 0),
    tax_rate                TEXT NOT NULL,
    net_minor               INTEGER NOT NULL,
    tax_minor               INTEGER NOT NULL,
    gross_minor             INTEGER NOT NULL CHECK (gross_minor >= 0),
    -- 1: back to stock at the event; 0: written off as damaged
    restock                 INTEGER NOT NULL DEFAULT 1 CHECK (restock IN (0, 1)),
    damage_reason           TEXT NOT NULL DEFAULT '' CHECK (length(damage_reason) <= 200),
    CHECK (restock = 1 OR length(damage_reason) > 0),
    CHECK (net_minor + tax_minor = gross_minor),
    UNIQUE (refund_id, line_no)
) STRICT;
CREATE INDEX refund_line_by_sale_line ON refund_line (sale_line_id, quantity_milli, gross_minor);
CREATE INDEX refund_line_report_cover ON refund_line (
    refund_id, tax_rate, amount_minor, net_minor, tax_minor, gross_minor);

-- The rule in the file itself: a sale line never gives back more than was
-- sold on it (quantity and gross), and only to a refund of its own sale.
CREATE TRIGGER refund_line_within_its_sale_line BEFORE INSERT ON refund_line
WHEN NEW.sale_line_id IS NOT NULL AND (
       (SELECT sale_id FROM sale_line WHERE id = NEW.sale_line_id)
         IS NOT (SELECT sale_id FROM refund WHERE id = NEW.refund_id)
    OR (SELECT coalesce(sum(quantity_milli), 0) FROM refund_line WHERE sale_line_id = NEW.sale_line_id)
         + NEW.quantity_milli > (SELECT quantity_milli FROM sale_line WHERE id = NEW.sale_line_id)
    OR (SELECT coalesce(sum(gross_minor), 0) FROM refund_line WHERE sale_line_id = NEW.sale_line_id)
         + NEW.gross_minor > (SELECT gross_minor FROM sale_line WHERE id = NEW.sale_line_id))
BEGIN SELECT RAISE(ABORT, 'refund_line: more than was sold on the line'); END;

-- A tender a refund was paid to. Card (and mobile) refunds keep the
-- terminal's reference; the till does not talk to the terminal.
CREATE TABLE refund_payment (
    id              TEXT PRIMARY KEY NOT NULL,
    device_id       TEXT NOT NULL REFERENCES device (id),
    refund_id       TEXT NOT NULL REFERENCES refund (id),
    seq             INTEGER NOT NULL CHECK (seq > 0),
    method          TEXT NOT NULL CHECK (method IN ('cash', 'card', 'mobile', 'other', 'exchange')),
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    reference       TEXT CHECK (reference IS NULL OR length(reference) BETWEEN 1 AND 80),
    UNIQUE (refund_id, seq)
) STRICT;
CREATE INDEX refund_payment_report_cover ON refund_payment (refund_id, method, amount_minor);

CREATE TRIGGER refund_is_append_only_update BEFORE UPDATE ON refund
BEGIN SELECT RAISE(ABORT, 'refund is append-only'); END;
CREATE TRIGGER refund_is_append_only_delete BEFORE DELETE ON refund
BEGIN SELECT RAISE(ABORT, 'refund is append-only'); END;
CREATE TRIGGER refund_line_is_append_only_update BEFORE UPDATE ON refund_line
BEGIN SELECT RAISE(ABORT, 'refund_line is append-only'); END;
CREATE TRIGGER refund_line_is_append_only_delete BEFORE DELETE ON refund_line
BEGIN SELECT RAISE(ABORT, 'refund_line is append-only'); END;
CREATE TRIGGER refund_payment_is_append_only_update BEFORE UPDATE ON refund_payment
BEGIN SELECT RAISE(ABORT, 'refund_payment is append-only'); END;
CREATE TRIGGER refund_payment_is_append_only_delete BEFORE DELETE ON refund_payment
BEGIN SELECT RAISE(ABORT, 'refund_payment is append-only'); END;
