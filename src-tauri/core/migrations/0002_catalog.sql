-- 0002 catalog: the products the shop sells.
--
-- Prices and thresholds are canonical decimal text (they can carry more
-- decimals than the currency: a price per gram) and are never summed by SQL.
-- A product that was ever sold or moved is archived (active = 0), never deleted.
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
CREATE INDEX product_by_category ON product (category, search_name);
