-- 0007 reports: the footfall tally, and the covering indexes the event
-- report and the export read through.
--
-- The footfall tally is a ledger of counts: a "+1 visitor" tap is a row of
-- +1, a manual entry is a row of its count, and a correction is a new row
-- with a negative delta. Visitors of an event = Σ delta; never updated.
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
-- Covers the per-event total and the per-hour grouping without the table.
CREATE INDEX visitor_tally_by_event ON visitor_tally (event_id, at_utc, utc_offset_minutes, delta);

CREATE TRIGGER visitor_tally_is_append_only_update BEFORE UPDATE ON visitor_tally
BEGIN SELECT RAISE(ABORT, 'visitor_tally is append-only'); END;
CREATE TRIGGER visitor_tally_is_append_only_delete BEFORE DELETE ON visitor_tally
BEGIN SELECT RAISE(ABORT, 'visitor_tally is append-only'); END;

-- The report sums a event's sales in one pass over this index alone
-- (totals, counts, local hour), never touching the sale rows.
CREATE INDEX sale_report_cover ON sale (
    event_id, practice, id, at_utc, utc_offset_minutes,
    total_minor, discount_minor, tax_minor, rounding_minor);
-- A sale's lines with every figure the report sums (tax by rate, items,
-- top products), so the join reads the index and not the table.
CREATE INDEX sale_line_report_cover ON sale_line (
    sale_id, product_id, tax_rate, unit, quantity_milli,
    amount_minor, net_minor, tax_minor, gross_minor);
-- A sale's payments by method, for the payment mix.
CREATE INDEX payment_report_cover ON payment (sale_id, method, amount_minor);
-- The stock brought / sold / remaining of an event at its location.
CREATE INDEX stock_movement_report_cover ON stock_movement (
    event_id, location, product_id, kind, quantity_milli);
