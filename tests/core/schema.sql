-- index attendee_by_contact
CREATE INDEX attendee_by_contact ON attendee (contact_id);
-- index audit_log_by_device
CREATE UNIQUE INDEX audit_log_by_device ON audit_log (device_id, device_seq);
-- index audit_log_by_entity
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id, at_utc);
-- index card_link_by_card
CREATE INDEX card_link_by_card ON card_link (card, at_utc);
-- index card_link_by_contact
CREATE INDEX card_link_by_contact ON card_link (contact_id, at_utc);
-- index cash_count_reason_by_count
CREATE INDEX cash_count_reason_by_count ON cash_count_reason (count_id, at_utc);
-- index cash_movement_by_session
CREATE INDEX cash_movement_by_session ON cash_movement (session_id, kind, amount_minor);
-- index consent_by_contact
CREATE INDEX consent_by_contact ON consent (contact_id, channel, at_utc);
-- index consent_by_sale
CREATE INDEX consent_by_sale ON consent (sale_id) WHERE sale_id IS NOT NULL;
-- index contact_by_activity
CREATE INDEX contact_by_activity ON contact (last_active_at) WHERE erased_at IS NULL;
-- index customer_order_by_event
CREATE INDEX customer_order_by_event ON customer_order (event_id, at_utc);
-- index deposit_return_by_event
CREATE INDEX deposit_return_by_event ON deposit_return (event_id, product_id);
-- index deposit_return_by_product
CREATE INDEX deposit_return_by_product ON deposit_return (product_id, quantity);
-- index deposit_return_by_session
CREATE INDEX deposit_return_by_session ON deposit_return (session_id, method, amount_minor);
-- index device_one_local
CREATE UNIQUE INDEX device_one_local ON device (is_local) WHERE is_local = 1;
-- index event_one_open
CREATE UNIQUE INDEX event_one_open ON event (status) WHERE status = 'open';
-- index loyalty_entry_by_card
CREATE INDEX loyalty_entry_by_card ON loyalty_entry (card, at_utc);
-- index loyalty_entry_by_event
CREATE INDEX loyalty_entry_by_event ON loyalty_entry (event_id, card);
-- index loyalty_entry_by_sale
CREATE INDEX loyalty_entry_by_sale ON loyalty_entry (sale_id);
-- index loyalty_entry_one_redemption
CREATE UNIQUE INDEX loyalty_entry_one_redemption ON loyalty_entry (sale_line_id) WHERE kind = 'redeem';
-- index moment_by_event
CREATE INDEX moment_by_event ON moment (event_id, starts_at);
-- index order_fulfilment_by_order
CREATE INDEX order_fulfilment_by_order ON order_fulfilment (order_id);
-- index payment_by_method
CREATE INDEX payment_by_method ON payment (method, sale_id, amount_minor);
-- index payment_report_cover
CREATE INDEX payment_report_cover ON payment (sale_id, method, amount_minor);
-- index pin_attempt_by_person
CREATE INDEX pin_attempt_by_person ON pin_attempt (person_id, at_utc);
-- index product_by_category
CREATE INDEX product_by_category ON product (category, search_name);
-- index product_by_scale_item_code
CREATE UNIQUE INDEX product_by_scale_item_code ON product (scale_item_code) WHERE scale_item_code IS NOT NULL;
-- index product_by_search_name
CREATE INDEX product_by_search_name ON product (active, search_name);
-- index purpose_consent_by_contact
CREATE INDEX purpose_consent_by_contact ON purpose_consent (contact_id, purpose, at_utc);
-- index refund_by_event_time
CREATE INDEX refund_by_event_time ON refund (event_id, practice, at_utc);
-- index refund_by_sale
CREATE INDEX refund_by_sale ON refund (sale_id);
-- index refund_by_session
CREATE INDEX refund_by_session ON refund (session_id, practice);
-- index refund_by_time
CREATE INDEX refund_by_time ON refund (at_utc);
-- index refund_line_by_sale_line
CREATE INDEX refund_line_by_sale_line ON refund_line (sale_line_id, quantity_milli, gross_minor);
-- index refund_line_report_cover
CREATE INDEX refund_line_report_cover ON refund_line (
    refund_id, tax_rate, amount_minor, net_minor, tax_minor, gross_minor);
-- index refund_payment_report_cover
CREATE INDEX refund_payment_report_cover ON refund_payment (refund_id, method, amount_minor);
-- index sale_by_cart
CREATE UNIQUE INDEX sale_by_cart ON sale (cart_id) WHERE cart_id IS NOT NULL;
-- index sale_by_event_time
CREATE INDEX sale_by_event_time ON sale (event_id, practice, at_utc);
-- index sale_by_session
CREATE INDEX sale_by_session ON sale (session_id, practice);
-- index sale_by_time
CREATE INDEX sale_by_time ON sale (at_utc);
-- index sale_line_by_product
CREATE INDEX sale_line_by_product ON sale_line (product_id, sale_id);
-- index sale_line_report_cover
CREATE INDEX sale_line_report_cover ON sale_line (
    sale_id, product_id, tax_rate, unit, quantity_milli,
    amount_minor, net_minor, tax_minor, gross_minor);
-- index sale_report_cover
CREATE INDEX sale_report_cover ON sale (
    event_id, practice, id, at_utc, utc_offset_minutes,
    total_minor, discount_minor, tax_minor, rounding_minor);
-- index sale_void_by_session
CREATE INDEX sale_void_by_session ON sale_void (session_id);
-- index stock_count_by_event
CREATE INDEX stock_count_by_event ON stock_count (event_id, location, at_utc);
-- index stock_movement_at_event
CREATE INDEX stock_movement_at_event ON stock_movement (product_id, event_id, location, quantity_milli);
-- index stock_movement_brought_to_event
CREATE INDEX stock_movement_brought_to_event ON stock_movement (event_id)
    WHERE kind = 'transfer' AND location = 'event' AND quantity_milli > 0;
-- index stock_movement_by_event
CREATE INDEX stock_movement_by_event ON stock_movement (event_id, product_id, kind, quantity_milli);
-- index stock_movement_by_product
CREATE INDEX stock_movement_by_product ON stock_movement (product_id, at_utc);
-- index stock_movement_by_source
CREATE INDEX stock_movement_by_source ON stock_movement (source_type, source_id);
-- index stock_movement_report_cover
CREATE INDEX stock_movement_report_cover ON stock_movement (
    event_id, location, product_id, kind, quantity_milli);
-- index task_by_event
CREATE INDEX task_by_event ON task (event_id, position);
-- index task_signoff_by_task
CREATE INDEX task_signoff_by_task ON task_signoff (task_id, at_utc);
-- index till_session_by_event
CREATE INDEX till_session_by_event ON till_session (event_id, opened_at);
-- index till_session_one_open
CREATE UNIQUE INDEX till_session_one_open ON till_session (device_id) WHERE closed_at IS NULL;
-- index visitor_tally_by_event
CREATE INDEX visitor_tally_by_event ON visitor_tally (event_id, at_utc, utc_offset_minutes, delta);
-- table attendee
CREATE TABLE attendee (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT NOT NULL REFERENCES event (id),
    contact_id          TEXT NOT NULL REFERENCES contact (id),
    source              TEXT NOT NULL CHECK (source IN ('typed', 'import', 'door')),
    signed_up_at        TEXT,
    signed_up_offset    INTEGER,
    signed_up_by        TEXT,
    checked_in_at       TEXT,
    checked_in_offset   INTEGER,
    checked_in_by       TEXT,
    UNIQUE (event_id, contact_id)
) STRICT;
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
, device_seq INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 1 CHECK (version IN (1, 2))) STRICT;
-- table card_link
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
-- table cash_count
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
-- table cash_count_reason
CREATE TABLE cash_count_reason (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    count_id            TEXT NOT NULL REFERENCES cash_count (id),
    reason              TEXT NOT NULL CHECK (length(reason) > 0),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table cash_movement
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
-- table consent
CREATE TABLE consent (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    contact_id          TEXT NOT NULL REFERENCES contact (id),
    channel             TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    wording_id          TEXT NOT NULL REFERENCES consent_wording (id),
    how                 TEXT NOT NULL CHECK (how IN ('till', 'sign_up', 'check_in', 'attendee_list')),
    event_id            TEXT REFERENCES event (id),
    sale_id             TEXT REFERENCES sale (id),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table consent_withdrawal
CREATE TABLE consent_withdrawal (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    consent_id          TEXT NOT NULL UNIQUE REFERENCES consent (id),
    how                 TEXT NOT NULL CHECK (how IN ('attendee_list', 'receipt_code', 'erasure', 'inactive')),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table consent_wording
CREATE TABLE consent_wording (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    version             INTEGER NOT NULL UNIQUE CHECK (version >= 1),
    text                TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table contact
CREATE TABLE contact (
    id              TEXT PRIMARY KEY NOT NULL,
    device_id       TEXT NOT NULL REFERENCES device (id),
    name            TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    -- 8 characters of Crockford base 32; NULL once erased
    code            TEXT UNIQUE,
    created_at      TEXT NOT NULL,
    -- the latest sign-up, check-in, consent or withdrawal: the start-up
    -- purge erases contacts inactive for longer than the retention period
    last_active_at  TEXT NOT NULL,
    erased_at       TEXT,
    -- 'request': an erasure asked for; 'inactive': purged at start-up
    erased_how      TEXT CHECK (erased_how IN ('request', 'inactive')),
    CHECK ((erased_at IS NULL) = (erased_how IS NULL)),
    CHECK (erased_at IS NULL OR (name = '' AND email = '' AND phone = '' AND code IS NULL))
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
-- table deposit_return
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
-- table loyalty_entry
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
-- table moment
CREATE TABLE moment (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT NOT NULL REFERENCES event (id),
    name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    -- local times of the event's day, HH:MM, start before end
    starts_at           TEXT NOT NULL CHECK (starts_at GLOB '[0-2][0-9]:[0-5][0-9]'),
    ends_at             TEXT NOT NULL CHECK (ends_at GLOB '[0-2][0-9]:[0-5][0-9]'), removed_at TEXT,
    CHECK (starts_at < ends_at)
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
-- table parked_cart
CREATE TABLE parked_cart (
    id          TEXT PRIMARY KEY NOT NULL,
    device_id   TEXT NOT NULL REFERENCES device (id),
    session_id  TEXT NOT NULL REFERENCES till_session (id),
    label       TEXT NOT NULL DEFAULT '',
    cart        TEXT NOT NULL,
    parked_by   TEXT NOT NULL,
    parked_at   TEXT NOT NULL
) STRICT;
-- table payment
CREATE TABLE "payment" (
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
, updated_at TEXT, scale_item_code TEXT
    CHECK (scale_item_code IS NULL OR (length(scale_item_code) BETWEEN 1 AND 6 AND scale_item_code NOT GLOB '*[^0-9]*')), tare_grams INTEGER
    CHECK (tare_grams IS NULL OR tare_grams BETWEEN 0 AND 100000), deposit_product_id TEXT REFERENCES product (id)) STRICT;
-- table product_name_trigram
CREATE VIRTUAL TABLE product_name_trigram USING fts5(
    search_name, content = 'product', content_rowid = 'rowid', tokenize = 'trigram',
    columnsize = 0
);
-- table product_name_trigram_config
CREATE TABLE 'product_name_trigram_config'(k PRIMARY KEY, v) WITHOUT ROWID;
-- table product_name_trigram_data
CREATE TABLE 'product_name_trigram_data'(id INTEGER PRIMARY KEY, block BLOB);
-- table product_name_trigram_idx
CREATE TABLE 'product_name_trigram_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
-- table product_name_words
CREATE VIRTUAL TABLE product_name_words USING fts5(
    search_name, content = 'product', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2', detail = none, columnsize = 0
);
-- table product_name_words_config
CREATE TABLE 'product_name_words_config'(k PRIMARY KEY, v) WITHOUT ROWID;
-- table product_name_words_data
CREATE TABLE 'product_name_words_data'(id INTEGER PRIMARY KEY, block BLOB);
-- table product_name_words_idx
CREATE TABLE 'product_name_words_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
-- table purpose_consent
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
-- table purpose_consent_withdrawal
CREATE TABLE purpose_consent_withdrawal (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    consent_id          TEXT NOT NULL UNIQUE REFERENCES purpose_consent (id),
    how                 TEXT NOT NULL CHECK (how IN ('attendee_list', 'receipt_code', 'erasure', 'inactive')),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table receipt_counter
CREATE TABLE receipt_counter (
    device_id   TEXT NOT NULL REFERENCES device (id),
    series      TEXT NOT NULL CHECK (series IN ('live', 'practice')),
    last_number INTEGER NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (device_id, series)
) STRICT;
-- table refund
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
-- table refund_counter
CREATE TABLE refund_counter (
    device_id   TEXT NOT NULL REFERENCES device (id),
    practice    INTEGER NOT NULL CHECK (practice IN (0, 1)),
    last_number INTEGER NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (device_id, practice)
) STRICT;
-- table refund_line
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
-- table refund_payment
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
-- table sale
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
    utc_offset_minutes  INTEGER NOT NULL, cart_id TEXT CHECK (cart_id IS NULL OR length(cart_id) BETWEEN 1 AND 64),
    UNIQUE (device_id, practice, receipt_seq),
    UNIQUE (device_id, receipt_number)
) STRICT;
-- table sale_line
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
    handover_later          INTEGER NOT NULL DEFAULT 0 CHECK (handover_later IN (0, 1)), gross_milli INTEGER CHECK (gross_milli IS NULL OR gross_milli > 0), tare_milli INTEGER CHECK (tare_milli IS NULL OR tare_milli >= 0), container TEXT CHECK (container IS NULL OR container IN ('own', 'shop')), deposit_of_line INTEGER, scale_label TEXT,
    CHECK (net_minor + tax_minor = gross_minor),
    UNIQUE (sale_id, line_no)
) STRICT;
-- table sale_void
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
-- table setting
CREATE TABLE setting (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
) STRICT;
-- table shop
CREATE TABLE shop (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
    one         INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (one = 1)
) STRICT;
-- table stock_count
CREATE TABLE stock_count (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT REFERENCES event (id),
    location            TEXT NOT NULL CHECK (location IN ('storage', 'event')),
    note                TEXT NOT NULL DEFAULT '',
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table stock_count_line
CREATE TABLE stock_count_line (
    count_id         TEXT NOT NULL REFERENCES stock_count (id),
    product_id       TEXT NOT NULL REFERENCES product (id),
    expected_milli   INTEGER NOT NULL,
    counted_milli    INTEGER NOT NULL CHECK (counted_milli >= 0),
    PRIMARY KEY (count_id, product_id)
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
-- table suppressed_address
CREATE TABLE suppressed_address (
    hash        TEXT PRIMARY KEY NOT NULL CHECK (length(hash) = 64),
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    at_utc      TEXT NOT NULL
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
-- table task_signer_name
CREATE TABLE task_signer_name (
    signoff_id  TEXT PRIMARY KEY NOT NULL REFERENCES task_signoff (id),
    name        TEXT NOT NULL
) STRICT;
-- table task_signoff
CREATE TABLE task_signoff (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    task_id             TEXT NOT NULL REFERENCES task (id),
    kind                TEXT NOT NULL CHECK (kind IN ('sign', 'work', 'skip')),
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
    requires            TEXT NOT NULL DEFAULT '[]', repeat_minutes INTEGER
    CHECK (repeat_minutes IS NULL OR repeat_minutes BETWEEN 15 AND 1440),
    UNIQUE (template_id, key),
    UNIQUE (template_id, position)
) STRICT;
-- table till_session
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
-- table visitor_tally
CREATE TABLE visitor_tally (
    id                  TEXT PRIMARY KEY NOT NULL,
    device_id           TEXT NOT NULL REFERENCES device (id),
    event_id            TEXT NOT NULL REFERENCES event (id),
    delta               INTEGER NOT NULL CHECK (delta <> 0 AND delta BETWEEN -100000 AND 100000),
    -- 'tap' for the +1 button, 'manual' for an entered count or correction
    source              TEXT NOT NULL CHECK (source IN ('tap', 'manual')),
    actor_id            TEXT NOT NULL,
    at_utc              TEXT NOT NULL,
    utc_offset_minutes  INTEGER NOT NULL
) STRICT;
-- table z_report
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
-- trigger audit_log_is_append_only_delete
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- trigger audit_log_is_append_only_update
CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- trigger card_link_is_append_only_delete
CREATE TRIGGER card_link_is_append_only_delete BEFORE DELETE ON card_link
BEGIN SELECT RAISE(ABORT, 'card_link is append-only'); END;
-- trigger card_link_is_append_only_update
CREATE TRIGGER card_link_is_append_only_update BEFORE UPDATE ON card_link
BEGIN SELECT RAISE(ABORT, 'card_link is append-only'); END;
-- trigger cash_count_is_append_only_delete
CREATE TRIGGER cash_count_is_append_only_delete BEFORE DELETE ON cash_count
BEGIN SELECT RAISE(ABORT, 'cash_count is append-only'); END;
-- trigger cash_count_is_append_only_update
CREATE TRIGGER cash_count_is_append_only_update BEFORE UPDATE ON cash_count
BEGIN SELECT RAISE(ABORT, 'cash_count is append-only'); END;
-- trigger cash_count_reason_is_append_only_delete
CREATE TRIGGER cash_count_reason_is_append_only_delete BEFORE DELETE ON cash_count_reason
BEGIN SELECT RAISE(ABORT, 'cash_count_reason is append-only'); END;
-- trigger cash_count_reason_is_append_only_update
CREATE TRIGGER cash_count_reason_is_append_only_update BEFORE UPDATE ON cash_count_reason
BEGIN SELECT RAISE(ABORT, 'cash_count_reason is append-only'); END;
-- trigger cash_movement_is_append_only_delete
CREATE TRIGGER cash_movement_is_append_only_delete BEFORE DELETE ON cash_movement
BEGIN SELECT RAISE(ABORT, 'cash_movement is append-only'); END;
-- trigger cash_movement_is_append_only_update
CREATE TRIGGER cash_movement_is_append_only_update BEFORE UPDATE ON cash_movement
BEGIN SELECT RAISE(ABORT, 'cash_movement is append-only'); END;
-- trigger consent_is_append_only_delete
CREATE TRIGGER consent_is_append_only_delete BEFORE DELETE ON consent
BEGIN SELECT RAISE(ABORT, 'consent is append-only'); END;
-- trigger consent_is_append_only_update
CREATE TRIGGER consent_is_append_only_update BEFORE UPDATE ON consent
BEGIN SELECT RAISE(ABORT, 'consent is append-only'); END;
-- trigger consent_withdrawal_is_append_only_delete
CREATE TRIGGER consent_withdrawal_is_append_only_delete BEFORE DELETE ON consent_withdrawal
BEGIN SELECT RAISE(ABORT, 'consent_withdrawal is append-only'); END;
-- trigger consent_withdrawal_is_append_only_update
CREATE TRIGGER consent_withdrawal_is_append_only_update BEFORE UPDATE ON consent_withdrawal
BEGIN SELECT RAISE(ABORT, 'consent_withdrawal is append-only'); END;
-- trigger consent_wording_is_append_only_delete
CREATE TRIGGER consent_wording_is_append_only_delete BEFORE DELETE ON consent_wording
BEGIN SELECT RAISE(ABORT, 'consent_wording is append-only'); END;
-- trigger consent_wording_is_append_only_update
CREATE TRIGGER consent_wording_is_append_only_update BEFORE UPDATE ON consent_wording
BEGIN SELECT RAISE(ABORT, 'consent_wording is append-only'); END;
-- trigger customer_order_is_append_only_delete
CREATE TRIGGER customer_order_is_append_only_delete BEFORE DELETE ON customer_order
BEGIN SELECT RAISE(ABORT, 'customer_order is append-only'); END;
-- trigger customer_order_is_append_only_update
CREATE TRIGGER customer_order_is_append_only_update BEFORE UPDATE ON customer_order
BEGIN SELECT RAISE(ABORT, 'customer_order is append-only'); END;
-- trigger deposit_return_is_append_only_delete
CREATE TRIGGER deposit_return_is_append_only_delete BEFORE DELETE ON deposit_return
BEGIN SELECT RAISE(ABORT, 'deposit_return is append-only'); END;
-- trigger deposit_return_is_append_only_update
CREATE TRIGGER deposit_return_is_append_only_update BEFORE UPDATE ON deposit_return
BEGIN SELECT RAISE(ABORT, 'deposit_return is append-only'); END;
-- trigger loyalty_entry_is_append_only_delete
CREATE TRIGGER loyalty_entry_is_append_only_delete BEFORE DELETE ON loyalty_entry
BEGIN SELECT RAISE(ABORT, 'loyalty_entry is append-only'); END;
-- trigger loyalty_entry_is_append_only_update
CREATE TRIGGER loyalty_entry_is_append_only_update BEFORE UPDATE ON loyalty_entry
BEGIN SELECT RAISE(ABORT, 'loyalty_entry is append-only'); END;
-- trigger order_fulfilment_is_append_only_delete
CREATE TRIGGER order_fulfilment_is_append_only_delete BEFORE DELETE ON order_fulfilment
BEGIN SELECT RAISE(ABORT, 'order_fulfilment is append-only'); END;
-- trigger order_fulfilment_is_append_only_update
CREATE TRIGGER order_fulfilment_is_append_only_update BEFORE UPDATE ON order_fulfilment
BEGIN SELECT RAISE(ABORT, 'order_fulfilment is append-only'); END;
-- trigger payment_is_append_only_delete
CREATE TRIGGER payment_is_append_only_delete BEFORE DELETE ON payment
BEGIN SELECT RAISE(ABORT, 'payment is append-only'); END;
-- trigger payment_is_append_only_update
CREATE TRIGGER payment_is_append_only_update BEFORE UPDATE ON payment
BEGIN SELECT RAISE(ABORT, 'payment is append-only'); END;
-- trigger pin_attempt_is_append_only_delete
CREATE TRIGGER pin_attempt_is_append_only_delete BEFORE DELETE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'pin_attempt is append-only'); END;
-- trigger pin_attempt_is_append_only_update
CREATE TRIGGER pin_attempt_is_append_only_update BEFORE UPDATE ON pin_attempt
BEGIN SELECT RAISE(ABORT, 'pin_attempt is append-only'); END;
-- trigger product_search_after_delete
CREATE TRIGGER product_search_after_delete AFTER DELETE ON product
BEGIN
    INSERT INTO product_name_trigram (product_name_trigram, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
    INSERT INTO product_name_words (product_name_words, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
END;
-- trigger product_search_after_insert
CREATE TRIGGER product_search_after_insert AFTER INSERT ON product
BEGIN
    INSERT INTO product_name_trigram (rowid, search_name) VALUES (new.rowid, new.search_name);
    INSERT INTO product_name_words (rowid, search_name) VALUES (new.rowid, new.search_name);
END;
-- trigger product_search_after_update
CREATE TRIGGER product_search_after_update AFTER UPDATE OF search_name ON product
BEGIN
    INSERT INTO product_name_trigram (product_name_trigram, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
    INSERT INTO product_name_words (product_name_words, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
    INSERT INTO product_name_trigram (rowid, search_name) VALUES (new.rowid, new.search_name);
    INSERT INTO product_name_words (rowid, search_name) VALUES (new.rowid, new.search_name);
END;
-- trigger purpose_consent_is_append_only_delete
CREATE TRIGGER purpose_consent_is_append_only_delete BEFORE DELETE ON purpose_consent
BEGIN SELECT RAISE(ABORT, 'purpose_consent is append-only'); END;
-- trigger purpose_consent_is_append_only_update
CREATE TRIGGER purpose_consent_is_append_only_update BEFORE UPDATE ON purpose_consent
BEGIN SELECT RAISE(ABORT, 'purpose_consent is append-only'); END;
-- trigger purpose_consent_withdrawal_is_append_only_delete
CREATE TRIGGER purpose_consent_withdrawal_is_append_only_delete BEFORE DELETE ON purpose_consent_withdrawal
BEGIN SELECT RAISE(ABORT, 'purpose_consent_withdrawal is append-only'); END;
-- trigger purpose_consent_withdrawal_is_append_only_update
CREATE TRIGGER purpose_consent_withdrawal_is_append_only_update BEFORE UPDATE ON purpose_consent_withdrawal
BEGIN SELECT RAISE(ABORT, 'purpose_consent_withdrawal is append-only'); END;
-- trigger refund_is_append_only_delete
CREATE TRIGGER refund_is_append_only_delete BEFORE DELETE ON refund
BEGIN SELECT RAISE(ABORT, 'refund is append-only'); END;
-- trigger refund_is_append_only_update
CREATE TRIGGER refund_is_append_only_update BEFORE UPDATE ON refund
BEGIN SELECT RAISE(ABORT, 'refund is append-only'); END;
-- trigger refund_line_is_append_only_delete
CREATE TRIGGER refund_line_is_append_only_delete BEFORE DELETE ON refund_line
BEGIN SELECT RAISE(ABORT, 'refund_line is append-only'); END;
-- trigger refund_line_is_append_only_update
CREATE TRIGGER refund_line_is_append_only_update BEFORE UPDATE ON refund_line
BEGIN SELECT RAISE(ABORT, 'refund_line is append-only'); END;
-- trigger refund_line_within_its_sale_line
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
-- trigger refund_payment_is_append_only_delete
CREATE TRIGGER refund_payment_is_append_only_delete BEFORE DELETE ON refund_payment
BEGIN SELECT RAISE(ABORT, 'refund_payment is append-only'); END;
-- trigger refund_payment_is_append_only_update
CREATE TRIGGER refund_payment_is_append_only_update BEFORE UPDATE ON refund_payment
BEGIN SELECT RAISE(ABORT, 'refund_payment is append-only'); END;
-- trigger sale_is_append_only_delete
CREATE TRIGGER sale_is_append_only_delete BEFORE DELETE ON sale
BEGIN SELECT RAISE(ABORT, 'sale is append-only'); END;
-- trigger sale_is_append_only_update
CREATE TRIGGER sale_is_append_only_update BEFORE UPDATE ON sale
BEGIN SELECT RAISE(ABORT, 'sale is append-only'); END;
-- trigger sale_line_is_append_only_delete
CREATE TRIGGER sale_line_is_append_only_delete BEFORE DELETE ON sale_line
BEGIN SELECT RAISE(ABORT, 'sale_line is append-only'); END;
-- trigger sale_line_is_append_only_update
CREATE TRIGGER sale_line_is_append_only_update BEFORE UPDATE ON sale_line
BEGIN SELECT RAISE(ABORT, 'sale_line is append-only'); END;
-- trigger sale_void_is_append_only_delete
CREATE TRIGGER sale_void_is_append_only_delete BEFORE DELETE ON sale_void
BEGIN SELECT RAISE(ABORT, 'sale_void is append-only'); END;
-- trigger sale_void_is_append_only_update
CREATE TRIGGER sale_void_is_append_only_update BEFORE UPDATE ON sale_void
BEGIN SELECT RAISE(ABORT, 'sale_void is append-only'); END;
-- trigger stock_count_is_append_only_delete
CREATE TRIGGER stock_count_is_append_only_delete BEFORE DELETE ON stock_count
BEGIN SELECT RAISE(ABORT, 'stock_count is append-only'); END;
-- trigger stock_count_is_append_only_update
CREATE TRIGGER stock_count_is_append_only_update BEFORE UPDATE ON stock_count
BEGIN SELECT RAISE(ABORT, 'stock_count is append-only'); END;
-- trigger stock_count_line_is_append_only_delete
CREATE TRIGGER stock_count_line_is_append_only_delete BEFORE DELETE ON stock_count_line
BEGIN SELECT RAISE(ABORT, 'stock_count_line is append-only'); END;
-- trigger stock_count_line_is_append_only_update
CREATE TRIGGER stock_count_line_is_append_only_update BEFORE UPDATE ON stock_count_line
BEGIN SELECT RAISE(ABORT, 'stock_count_line is append-only'); END;
-- trigger stock_movement_is_append_only_delete
CREATE TRIGGER stock_movement_is_append_only_delete BEFORE DELETE ON stock_movement
BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
-- trigger stock_movement_is_append_only_update
CREATE TRIGGER stock_movement_is_append_only_update BEFORE UPDATE ON stock_movement
BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
-- trigger suppressed_address_is_append_only_delete
CREATE TRIGGER suppressed_address_is_append_only_delete BEFORE DELETE ON suppressed_address
BEGIN SELECT RAISE(ABORT, 'suppressed_address is append-only'); END;
-- trigger suppressed_address_is_append_only_update
CREATE TRIGGER suppressed_address_is_append_only_update BEFORE UPDATE ON suppressed_address
BEGIN SELECT RAISE(ABORT, 'suppressed_address is append-only'); END;
-- trigger task_signoff_is_append_only_delete
CREATE TRIGGER task_signoff_is_append_only_delete BEFORE DELETE ON task_signoff
BEGIN SELECT RAISE(ABORT, 'task_signoff is append-only'); END;
-- trigger task_signoff_is_append_only_update
CREATE TRIGGER task_signoff_is_append_only_update BEFORE UPDATE ON task_signoff
BEGIN SELECT RAISE(ABORT, 'task_signoff is append-only'); END;
-- trigger till_session_closes_once
CREATE TRIGGER till_session_closes_once BEFORE UPDATE ON till_session
WHEN OLD.closed_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.device_id IS NOT OLD.device_id
  OR NEW.event_id IS NOT OLD.event_id OR NEW.practice IS NOT OLD.practice
  OR NEW.opened_by IS NOT OLD.opened_by OR NEW.opened_at IS NOT OLD.opened_at
  OR NEW.opened_offset_minutes IS NOT OLD.opened_offset_minutes
  OR NEW.opening_float_minor IS NOT OLD.opening_float_minor
  OR NEW.opening_denominations IS NOT OLD.opening_denominations
BEGIN SELECT RAISE(ABORT, 'till_session is append-only: only an open session can be closed, once'); END;
-- trigger till_session_is_append_only_delete
CREATE TRIGGER till_session_is_append_only_delete BEFORE DELETE ON till_session
BEGIN SELECT RAISE(ABORT, 'till_session is append-only'); END;
-- trigger visitor_tally_is_append_only_delete
CREATE TRIGGER visitor_tally_is_append_only_delete BEFORE DELETE ON visitor_tally
BEGIN SELECT RAISE(ABORT, 'visitor_tally is append-only'); END;
-- trigger visitor_tally_is_append_only_update
CREATE TRIGGER visitor_tally_is_append_only_update BEFORE UPDATE ON visitor_tally
BEGIN SELECT RAISE(ABORT, 'visitor_tally is append-only'); END;
-- trigger z_report_is_append_only_delete
CREATE TRIGGER z_report_is_append_only_delete BEFORE DELETE ON z_report
BEGIN SELECT RAISE(ABORT, 'z_report is append-only'); END;
-- trigger z_report_is_append_only_update
CREATE TRIGGER z_report_is_append_only_update BEFORE UPDATE ON z_report
BEGIN SELECT RAISE(ABORT, 'z_report is append-only'); END;
-- view latest_cash_count
CREATE VIEW latest_cash_count AS
SELECT c.session_id, c.id AS count_id, c.number, c.counted_minor, c.expected_minor,
       c.counted_minor - c.expected_minor AS variance_minor
FROM cash_count c
WHERE c.number = (SELECT max(n.number) FROM cash_count n WHERE n.session_id = c.session_id);
