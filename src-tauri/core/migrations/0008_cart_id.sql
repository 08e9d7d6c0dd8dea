-- 0008 cart id: a sale is never charged twice.
--
-- A cart carries an id (a UUID made by the core when its first item is
-- added, kept while it is edited, parked and resumed). The sale made from it
-- records that id, and completing the same cart again answers with that sale
-- instead of writing a second one. The core checks the id first, inside the
-- sale's IMMEDIATE transaction; this index makes the rule hold in the file
-- itself, whatever the code does.
--
-- Sales written before this migration have no cart id (NULL); the index
-- covers only the sales that have one. The sale table stays append-only:
-- adding a column changes no row.
ALTER TABLE sale ADD COLUMN cart_id TEXT CHECK (cart_id IS NULL OR length(cart_id) BETWEEN 1 AND 64);
CREATE UNIQUE INDEX sale_by_cart ON sale (cart_id) WHERE cart_id IS NOT NULL;
