-- index device_one_local
CREATE UNIQUE INDEX device_one_local ON device (is_local) WHERE is_local = 1;
-- index event_one_open
CREATE UNIQUE INDEX event_one_open ON event (status) WHERE status = 'open';
-- index pin_attempt_by_person
CREATE INDEX pin_attempt_by_person ON pin_attempt (person_id, at_utc);
-- index product_by_category
CREATE INDEX product_by_category ON product (category, search_name);
-- index product_by_search_name
CREATE INDEX product_by_search_name ON product (active, search_name);
-- index stock_count_by_event
CREATE INDEX stock_count_by_event ON stock_count (event_id, location, at_utc);
-- index stock_movement_by_event
CREATE INDEX stock_movement_by_event ON stock_movement (event_id, product_id, kind, quantity_milli);
-- index stock_movement_by_product
CREATE INDEX stock_movement_by_product ON stock_movement (product_id, at_utc);
-- index stock_movement_by_source
CREATE INDEX stock_movement_by_source ON stock_movement (source_type, source_id);
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
, updated_at TEXT) STRICT;
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
-- table setting
CREATE TABLE setting (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
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
-- trigger audit_log_is_append_only_delete
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- trigger audit_log_is_append_only_update
CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
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
