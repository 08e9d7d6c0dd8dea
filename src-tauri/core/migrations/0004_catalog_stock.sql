-- 0004 catalog and stock: fast search, edits, counts as documents.
--
-- Name search uses two FTS5 indexes over product.search_name (the folded,
-- lower-case name), kept in step with the product table by triggers:
--   product_name_trigram  substrings of 3 or more characters (trigram);
--   product_name_words    word prefixes of 1 or 2 characters (prefix index),
--                         which trigrams cannot answer.
-- A name that starts with a short prefix is found by a range scan on
-- product_by_search_name.
-- Neither index ranks results, so neither keeps column sizes; the word index
-- answers single-word prefix queries only, so it keeps no positions either
-- (detail = none): both make a 100,000-row import markedly faster.
CREATE VIRTUAL TABLE product_name_trigram USING fts5(
    search_name, content = 'product', content_rowid = 'rowid', tokenize = 'trigram',
    columnsize = 0
);
CREATE VIRTUAL TABLE product_name_words USING fts5(
    search_name, content = 'product', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2', detail = none, columnsize = 0
);
INSERT INTO product_name_trigram (product_name_trigram) VALUES ('rebuild');
INSERT INTO product_name_words (product_name_words) VALUES ('rebuild');

CREATE TRIGGER product_search_after_insert AFTER INSERT ON product
BEGIN
    INSERT INTO product_name_trigram (rowid, search_name) VALUES (new.rowid, new.search_name);
    INSERT INTO product_name_words (rowid, search_name) VALUES (new.rowid, new.search_name);
END;
CREATE TRIGGER product_search_after_delete AFTER DELETE ON product
BEGIN
    INSERT INTO product_name_trigram (product_name_trigram, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
    INSERT INTO product_name_words (product_name_words, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
END;
CREATE TRIGGER product_search_after_update AFTER UPDATE OF search_name ON product
BEGIN
    INSERT INTO product_name_trigram (product_name_trigram, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
    INSERT INTO product_name_words (product_name_words, rowid, search_name) VALUES ('delete', old.rowid, old.search_name);
    INSERT INTO product_name_trigram (rowid, search_name) VALUES (new.rowid, new.search_name);
    INSERT INTO product_name_words (rowid, search_name) VALUES (new.rowid, new.search_name);
END;

CREATE INDEX product_by_search_name ON product (active, search_name);

-- When a product was last edited (NULL: never since it was created).
ALTER TABLE product ADD COLUMN updated_at TEXT;

-- A stock count is a document: who counted where, and per product what was
-- expected and what was counted. The ledger holds the variance as a `count`
-- movement whose source_id is the count's id.
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
CREATE TABLE stock_count_line (
    count_id         TEXT NOT NULL REFERENCES stock_count (id),
    product_id       TEXT NOT NULL REFERENCES product (id),
    expected_milli   INTEGER NOT NULL,
    counted_milli    INTEGER NOT NULL CHECK (counted_milli >= 0),
    PRIMARY KEY (count_id, product_id)
) STRICT;
CREATE INDEX stock_count_by_event ON stock_count (event_id, location, at_utc);

CREATE TRIGGER stock_count_is_append_only_update BEFORE UPDATE ON stock_count
BEGIN SELECT RAISE(ABORT, 'stock_count is append-only'); END;
CREATE TRIGGER stock_count_is_append_only_delete BEFORE DELETE ON stock_count
BEGIN SELECT RAISE(ABORT, 'stock_count is append-only'); END;
CREATE TRIGGER stock_count_line_is_append_only_update BEFORE UPDATE ON stock_count_line
BEGIN SELECT RAISE(ABORT, 'stock_count_line is append-only'); END;
CREATE TRIGGER stock_count_line_is_append_only_delete BEFORE DELETE ON stock_count_line
BEGIN SELECT RAISE(ABORT, 'stock_count_line is append-only'); END;
