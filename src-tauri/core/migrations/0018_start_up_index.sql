-- 0018 the start of the till reads only what it needs on a season's file.
--
-- The first-start checklist asks whether stock was ever brought to an
-- event. Without an index that question walked every stock movement of
-- the file when none was such a transfer (a till file with a season of
-- sales and no transfers took 100 ms at each start for it). This partial
-- index holds only those transfers, so the answer is one lookup.
CREATE INDEX stock_movement_brought_to_event ON stock_movement (event_id)
    WHERE kind = 'transfer' AND location = 'event' AND quantity_milli > 0;
