//! The export's tables: every CSV file's columns (name, how its values are
//! written, what they mean) and the query that reads its rows. The writer
//! and `datapackage.json` are both driven by these definitions, so a file
//! and its description cannot drift apart.

/// How a column's values are written and described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Text (ids, codes or what a person typed): made inert if need be.
    Text,
    Integer,
    /// INTEGER minor units written as a decimal amount.
    Money,
    /// Canonical decimal text (prices, quantities, rates).
    Decimal,
    /// INTEGER thousandths written as a decimal quantity.
    Milli,
    /// Two SQL columns, UTC text and offset minutes, written as one local
    /// ISO 8601 time with its offset.
    DateTime,
    /// The local date (`2026-12-05`) of the DateTime column just before:
    /// no SQL column of its own.
    LocalDate,
    /// The local wall-clock time (`10:00:41`) of the DateTime column just
    /// before: no SQL column of its own.
    LocalTime,
    Boolean,
}

pub(super) struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub description: &'static str,
}

const fn col(name: &'static str, kind: Kind, description: &'static str) -> Column {
    Column {
        name,
        kind,
        description,
    }
}

pub(super) struct Table {
    pub name: &'static str,
    pub title: &'static str,
    pub columns: &'static [Column],
    pub primary_key: &'static [&'static str],
    /// (column, resource, column) to join on.
    pub foreign_keys: &'static [(&'static str, &'static str, &'static str)],
}

use Kind::{
    Boolean, DateTime as Time, Decimal as Dec, Integer, LocalDate, LocalTime, Milli,
    Money as Amount, Text,
};

pub(super) const SALES: Table = Table {
    name: "sales",
    title: "Sales (voided ones flagged)",
    columns: &[
        col("id", Text, "Sale id"),
        col("receipt_number", Text, "Printed receipt number"),
        col("event_id", Text, "Event id"),
        col("session_id", Text, "Till session id (till_sessions.csv)"),
        col("device_id", Text, "Till (device) id"),
        col("cashier_id", Text, "Cashier's person id"),
        col("practice", Boolean, "A practice sale (not real takings)"),
        col(
            "voided",
            Boolean,
            "The sale was voided afterwards; it does not count",
        ),
        col("currency", Text, "ISO 4217 currency code"),
        col(
            "tax_mode",
            Text,
            "Prices include tax (inclusive) or not (exclusive)",
        ),
        col("subtotal", Amount, "Subtotal after discounts"),
        col("discount", Amount, "Line and whole-sale discounts"),
        col(
            "sale_discount",
            Amount,
            "Whole-sale discount (part of discount)",
        ),
        col("tax", Amount, "Tax"),
        col("rounding", Amount, "Cash rounding"),
        col(
            "total",
            Amount,
            "Total taken = sum of line gross + rounding",
        ),
        col(
            "approved_by",
            Text,
            "Organizer id who approved an override, if any",
        ),
        col("stock_warning", Boolean, "A line drove stock below zero"),
        col("at", Time, "Time of sale, local with offset"),
        col("date", LocalDate, "Time of sale: local date (YYYY-MM-DD)"),
        col(
            "time",
            LocalTime,
            "Time of sale: local time of day (HH:MM:SS)",
        ),
    ],
    primary_key: &["id"],
    foreign_keys: &[("session_id", "till_sessions", "id")],
};
pub(super) const SALES_SQL: &str = "SELECT s.id, s.receipt_number, s.event_id, s.session_id, s.device_id, s.cashier_id, s.practice,
        EXISTS (SELECT 1 FROM sale_void v WHERE v.sale_id = s.id), s.currency, s.tax_mode, s.subtotal_minor,
        s.discount_minor, s.sale_discount_minor, s.tax_minor, s.rounding_minor, s.total_minor, s.approved_by,
        s.stock_warning, s.at_utc, s.utc_offset_minutes
 FROM sale s WHERE {f} ORDER BY s.at_utc, s.id";

pub(super) const SALE_LINES: Table = Table {
    name: "sale_lines",
    title: "Lines of the sales",
    columns: &[
        col("id", Text, "Line id"),
        col("sale_id", Text, "Sale id (sales.csv)"),
        col("line_no", Integer, "Line number on the receipt"),
        col("product_id", Text, "Product id"),
        col("sku", Text, "Product code at the time of sale"),
        col("name", Text, "Product name at the time of sale"),
        col("unit", Text, "each, kg or l"),
        col("unit_price", Dec, "Unit price charged"),
        col(
            "list_unit_price",
            Dec,
            "Catalog price when the price was overridden",
        ),
        col("quantity", Dec, "Quantity sold"),
        col("amount", Amount, "Line amount before discounts"),
        col("line_discount", Amount, "Discount on this line"),
        col(
            "sale_discount",
            Amount,
            "This line's share of the whole-sale discount",
        ),
        col("tax_rate", Dec, "Tax rate in percent"),
        col("net", Amount, "Net (without tax) after discounts"),
        col("tax", Amount, "Tax"),
        col("gross", Amount, "Gross = net + tax"),
        col("handover_later", Boolean, "Paid now, handed over later"),
        col(
            "gross_quantity",
            Milli,
            "A weighed refill: the gross weighed (kg or l), container included",
        ),
        col(
            "tare_quantity",
            Milli,
            "A weighed refill: the container's tare (kg or l); quantity = gross - tare",
        ),
        col(
            "container",
            Text,
            "A weighed refill: own (the customer's container) or shop",
        ),
        col(
            "scale_label",
            Text,
            "The scale label the line was scanned from",
        ),
        col(
            "deposit_of_line",
            Integer,
            "A deposit line: the line number it belongs to",
        ),
    ],
    primary_key: &["id"],
    foreign_keys: &[("sale_id", "sales", "id")],
};
pub(super) const SALE_LINES_SQL: &str = "SELECT l.id, l.sale_id, l.line_no, l.product_id, l.sku, l.name, l.unit, l.unit_price,
        l.list_unit_price, l.quantity, l.amount_minor, l.line_discount_minor, l.sale_discount_minor, l.tax_rate,
        l.net_minor, l.tax_minor, l.gross_minor, l.handover_later, l.gross_milli, l.tare_milli, l.container,
        l.scale_label, l.deposit_of_line
 FROM sale s JOIN sale_line l ON l.sale_id = s.id WHERE {f} ORDER BY s.at_utc, s.id, l.line_no";

pub(super) const PAYMENTS: Table = Table {
    name: "payments",
    title: "Payments of the sales",
    columns: &[
        col("id", Text, "Payment id"),
        col("sale_id", Text, "Sale id (sales.csv)"),
        col("seq", Integer, "Payment number within the sale"),
        col(
            "method",
            Text,
            "cash, card, mobile, other, or exchange (paid with goods returned in the exchange)",
        ),
        col(
            "amount",
            Amount,
            "Amount counted toward the sale (tendered - change)",
        ),
        col("tendered", Amount, "Amount handed over"),
        col("change", Amount, "Change given"),
        col("auth_code", Text, "Card terminal authorisation code"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("sale_id", "sales", "id")],
};
pub(super) const PAYMENTS_SQL: &str = "SELECT p.id, p.sale_id, p.seq, p.method, p.amount_minor, p.tendered_minor, p.change_minor, p.auth_code
 FROM sale s JOIN payment p ON p.sale_id = s.id WHERE {f} ORDER BY s.at_utc, s.id, p.seq";

pub(super) const REFUNDS: Table = Table {
    name: "refunds",
    title: "Refunds, in the till session that paid them out",
    columns: &[
        col("id", Text, "Refund id"),
        col("receipt_number", Text, "Printed refund receipt number"),
        col(
            "sale_id",
            Text,
            "Sale refunded (empty without a receipt; it may be of another event or day)",
        ),
        col(
            "sale_receipt_number",
            Text,
            "Receipt number of the sale refunded",
        ),
        col(
            "without_receipt",
            Boolean,
            "No receipt: priced at the price of the day",
        ),
        col(
            "exchange_sale_id",
            Text,
            "The new sale of an exchange (sales.csv), if any",
        ),
        col("event_id", Text, "Event whose till paid it out"),
        col(
            "session_id",
            Text,
            "Till session that paid it out (till_sessions.csv)",
        ),
        col("device_id", Text, "Till (device) id"),
        col("actor_id", Text, "Person id who made it"),
        col("practice", Boolean, "A practice refund (not real)"),
        col("currency", Text, "ISO 4217 currency code"),
        col(
            "tax_mode",
            Text,
            "Prices include tax (inclusive) or not (exclusive)",
        ),
        col(
            "before_discounts",
            Amount,
            "Sum of the line amounts before discounts",
        ),
        col(
            "discount",
            Amount,
            "Line and whole-sale discounts that came off",
        ),
        col("net", Amount, "Net (without tax) paid back"),
        col("tax", Amount, "Tax paid back"),
        col("gross", Amount, "Gross = net + tax"),
        col("rounding", Amount, "Cash rounding of the cash part"),
        col("total", Amount, "Paid back = gross + rounding"),
        col(
            "approved_by",
            Text,
            "Organizer id who approved it, if it needed one",
        ),
        col("at", Time, "Time of the refund, local with offset"),
        col(
            "date",
            LocalDate,
            "Time of the refund: local date (YYYY-MM-DD)",
        ),
        col(
            "time",
            LocalTime,
            "Time of the refund: local time of day (HH:MM:SS)",
        ),
    ],
    primary_key: &["id"],
    foreign_keys: &[("session_id", "till_sessions", "id")],
};
pub(super) const REFUNDS_SQL: &str = "SELECT r.id, r.receipt_number, r.sale_id, r.sale_receipt_number, r.without_receipt, r.exchange_sale_id,
        r.event_id, r.session_id, r.device_id, r.actor_id, r.practice, r.currency, r.tax_mode,
        (SELECT coalesce(sum(l.amount_minor), 0) FROM refund_line l WHERE l.refund_id = r.id),
        r.discount_minor, r.net_minor, r.tax_minor, r.gross_minor, r.rounding_minor, r.total_minor,
        r.approved_by, r.at_utc, r.utc_offset_minutes
 FROM refund r WHERE {f} ORDER BY r.at_utc, r.id";

pub(super) const REFUND_LINES: Table = Table {
    name: "refund_lines",
    title: "Lines of the refunds",
    columns: &[
        col("id", Text, "Refund line id"),
        col("refund_id", Text, "Refund id (refunds.csv)"),
        col("line_no", Integer, "Line number on the refund receipt"),
        col(
            "sale_line_id",
            Text,
            "Sale line it comes from (empty without a receipt)",
        ),
        col("product_id", Text, "Product id"),
        col("sku", Text, "Product code as sold"),
        col("name", Text, "Product name as sold"),
        col("unit", Text, "each, kg or l"),
        col("unit_price", Dec, "Unit price as charged"),
        col("quantity", Dec, "Quantity that came back"),
        col("amount", Amount, "Its amount before discounts"),
        col("line_discount", Amount, "Its share of the line discount"),
        col(
            "sale_discount",
            Amount,
            "Its share of the whole-sale discount",
        ),
        col("tax_rate", Dec, "Tax rate in percent"),
        col("net", Amount, "Net paid back"),
        col("tax", Amount, "Tax paid back"),
        col("gross", Amount, "Gross = net + tax"),
        col(
            "restocked",
            Boolean,
            "Back to stock at the event (false: written off as damaged)",
        ),
        col("damage_reason", Text, "Why it was written off"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("refund_id", "refunds", "id")],
};
pub(super) const REFUND_LINES_SQL: &str = "SELECT l.id, l.refund_id, l.line_no, l.sale_line_id, l.product_id, l.sku, l.name, l.unit, l.unit_price,
        l.quantity, l.amount_minor, l.line_discount_minor, l.sale_discount_minor, l.tax_rate,
        l.net_minor, l.tax_minor, l.gross_minor, l.restock, l.damage_reason
 FROM refund r JOIN refund_line l ON l.refund_id = r.id WHERE {f} ORDER BY r.at_utc, r.id, l.line_no";

pub(super) const REFUND_PAYMENTS: Table = Table {
    name: "refund_payments",
    title: "Tenders the refunds were paid to",
    columns: &[
        col("id", Text, "Refund payment id"),
        col("refund_id", Text, "Refund id (refunds.csv)"),
        col("seq", Integer, "Payment number within the refund"),
        col(
            "method",
            Text,
            "cash, card, mobile, other, or exchange (credit to an exchange's new sale)",
        ),
        col("amount", Amount, "Amount paid back"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("refund_id", "refunds", "id")],
};
pub(super) const REFUND_PAYMENTS_SQL: &str = "SELECT p.id, p.refund_id, p.seq, p.method, p.amount_minor
 FROM refund r JOIN refund_payment p ON p.refund_id = r.id WHERE {f} ORDER BY r.at_utc, r.id, p.seq";

pub(super) const TILL_SESSIONS: Table = Table {
    name: "till_sessions",
    title: "Till sessions: float, count and variance",
    columns: &[
        col("id", Text, "Session id"),
        col("device_id", Text, "Till (device) id"),
        col("event_id", Text, "Event id"),
        col("practice", Boolean, "A practice session"),
        col("opened_by", Text, "Person id who opened it"),
        col("opened_at", Time, "Opened, local with offset"),
        col("opened_date", LocalDate, "Opened: local date (YYYY-MM-DD)"),
        col(
            "opened_time",
            LocalTime,
            "Opened: local time of day (HH:MM:SS)",
        ),
        col("opening_float", Amount, "Counted opening float"),
        col("closed_by", Text, "Person id who closed it"),
        col("closed_at", Time, "Closed, local with offset"),
        col("closed_date", LocalDate, "Closed: local date (YYYY-MM-DD)"),
        col(
            "closed_time",
            LocalTime,
            "Closed: local time of day (HH:MM:SS)",
        ),
        col(
            "counted",
            Amount,
            "Cash counted at close (the latest recount, if any)",
        ),
        col("expected", Amount, "Cash expected at close"),
        col("variance", Amount, "counted - expected"),
        col(
            "variance_reason",
            Text,
            "Reason given for the latest count's variance",
        ),
    ],
    primary_key: &["id"],
    foreign_keys: &[],
};
pub(super) const TILL_SESSIONS_SQL: &str = "SELECT t.id, t.device_id, t.event_id, t.practice, t.opened_by, t.opened_at, t.opened_offset_minutes,
        t.opening_float_minor, t.closed_by, t.closed_at, t.closed_offset_minutes,
        coalesce(l.counted_minor, t.counted_minor), t.expected_minor, coalesce(l.variance_minor, t.variance_minor),
        coalesce((SELECT r.reason FROM cash_count_reason r WHERE r.count_id = l.count_id
                  ORDER BY r.at_utc DESC, r.rowid DESC LIMIT 1), t.variance_reason)
 FROM till_session t LEFT JOIN latest_cash_count l ON l.session_id = t.id WHERE {f} ORDER BY t.opened_at, t.id";

pub(super) const CASH_MOVEMENTS: Table = Table {
    name: "cash_movements",
    title: "Cash paid in, paid out or dropped outside a sale",
    columns: &[
        col("id", Text, "Movement id"),
        col("session_id", Text, "Till session id (till_sessions.csv)"),
        col("kind", Text, "paid_in, paid_out or drop"),
        col(
            "amount",
            Amount,
            "Amount (always positive; kind gives the direction)",
        ),
        col("reason", Text, "Reason given"),
        col("actor_id", Text, "Person id"),
        col("at", Time, "Time, local with offset"),
        col("date", LocalDate, "Time: local date (YYYY-MM-DD)"),
        col("time", LocalTime, "Time: local time of day (HH:MM:SS)"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("session_id", "till_sessions", "id")],
};
pub(super) const CASH_MOVEMENTS_SQL: &str = "SELECT c.id, c.session_id, c.kind, c.amount_minor, c.reason, c.actor_id, c.at_utc, c.utc_offset_minutes
 FROM till_session t JOIN cash_movement c ON c.session_id = t.id WHERE {f} ORDER BY c.at_utc, c.id";

pub(super) const DEPOSITS: Table = Table {
    name: "deposits",
    title: "Shop containers issued with a deposit and brought back",
    columns: &[
        col(
            "id",
            Text,
            "Sale line id (issued) or deposit return id (returned)",
        ),
        col(
            "kind",
            Text,
            "issued (sold with a sale) or returned (deposit paid back)",
        ),
        col("event_id", Text, "Event id"),
        col(
            "sale_id",
            Text,
            "Sale id (issued; returned inside a sale; sales.csv)",
        ),
        col("session_id", Text, "Till session id (till_sessions.csv)"),
        col("product_id", Text, "Deposit product id"),
        col("sku", Text, "Deposit product code"),
        col("name", Text, "Deposit product name"),
        col("containers", Integer, "Containers issued or brought back"),
        col(
            "amount",
            Amount,
            "Deposit charged (issued) or paid back (returned), always positive",
        ),
        col("at", Time, "Time, local with offset"),
        col("date", LocalDate, "Time: local date (YYYY-MM-DD)"),
        col("time", LocalTime, "Time: local time of day (HH:MM:SS)"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("session_id", "till_sessions", "id")],
};
/// `{f}`: the counted sales (alias `s`); `{g}`: the deposit returns in
/// scope (alias `d`).
pub(super) const DEPOSITS_SQL: &str = "SELECT id, kind, event_id, sale_id, session_id, product_id, sku, name, containers, amount, at_utc, utc_offset_minutes FROM (
   SELECT l.id, 'issued' AS kind, s.event_id, s.id AS sale_id, s.session_id, l.product_id, l.sku, l.name,
          l.quantity_milli / 1000 AS containers, l.gross_minor AS amount, s.at_utc, s.utc_offset_minutes
   FROM sale s JOIN sale_line l ON l.sale_id = s.id JOIN product p ON p.id = l.product_id AND p.kind = 'deposit'
   WHERE {f}
   UNION ALL
   SELECT d.id, 'returned', d.event_id, d.sale_id, d.session_id, d.product_id, p.sku, p.name,
          d.quantity, d.amount_minor, d.at_utc, d.utc_offset_minutes
   FROM deposit_return d JOIN product p ON p.id = d.product_id
   WHERE {g})
 ORDER BY at_utc, id";

pub(super) const LOYALTY: Table = Table {
    name: "loyalty",
    title:
        "Loyalty card ledger: stamps earned, rewards redeemed, stamps taken back (card ids only)",
    columns: &[
        col("id", Text, "Card ledger entry id"),
        col(
            "card",
            Text,
            "Card id (the 8-character serial of its code; no personal data)",
        ),
        col(
            "kind",
            Text,
            "visit, spend, category (stamps earned), redeem (a reward) or take_back (by a refund)",
        ),
        col(
            "stamps",
            Integer,
            "Stamps: positive earned, negative spent or taken back",
        ),
        col("event_id", Text, "Event id"),
        col("sale_id", Text, "Sale id (sales.csv)"),
        col(
            "sale_line_id",
            Text,
            "Sale line of a category stamp or a reward (sale_lines.csv)",
        ),
        col(
            "refund_id",
            Text,
            "Refund that took stamps back (refunds.csv)",
        ),
        col(
            "reward_id",
            Text,
            "Reward redeemed (its id in the programme)",
        ),
        col("at", Time, "Time, local with offset"),
        col("date", LocalDate, "Time: local date (YYYY-MM-DD)"),
        col("time", LocalTime, "Time: local time of day (HH:MM:SS)"),
    ],
    primary_key: &["id"],
    foreign_keys: &[("sale_id", "sales", "id")],
};
/// `{f}`: the counted sales (alias `s`); `{g}`: the refunds in scope
/// (alias `r`).
pub(super) const LOYALTY_SQL: &str = "SELECT id, card, kind, stamps, event_id, sale_id, sale_line_id, refund_id, reward_id, at_utc, utc_offset_minutes FROM (
   SELECT y.* FROM sale s JOIN loyalty_entry y ON y.sale_id = s.id
   WHERE y.kind IN ('visit', 'spend', 'category', 'redeem') AND {f}
   UNION ALL
   SELECT y.* FROM refund r JOIN loyalty_entry y ON y.refund_id = r.id
   WHERE y.kind = 'take_back' AND {g})
 ORDER BY at_utc, id";

pub(super) const STOCK_MOVEMENTS: Table = Table {
    name: "stock_movements",
    title: "Stock ledger: every move of a product",
    columns: &[
        col("id", Text, "Movement id"),
        col("product_id", Text, "Product id"),
        col("event_id", Text, "Event id"),
        col("location", Text, "storage or event"),
        col(
            "kind",
            Text,
            "receive, transfer, sale, return, void, adjust, count, waste, refill or fulfil",
        ),
        col(
            "quantity",
            Milli,
            "Signed quantity: positive into the location",
        ),
        col("reason", Text, "Reason given"),
        col("note", Text, "Note"),
        col("lot_code", Text, "Lot code"),
        col("source_type", Text, "Document the move came from"),
        col("source_id", Text, "Id of that document (e.g. a sale id)"),
        col("actor_id", Text, "Person id"),
        col("at", Time, "Time, local with offset"),
        col("date", LocalDate, "Time: local date (YYYY-MM-DD)"),
        col("time", LocalTime, "Time: local time of day (HH:MM:SS)"),
    ],
    primary_key: &["id"],
    foreign_keys: &[],
};
pub(super) const STOCK_MOVEMENTS_SQL: &str = "SELECT m.id, m.product_id, m.event_id, m.location, m.kind, m.quantity_milli, m.reason, m.note, m.lot_code,
        m.source_type, m.source_id, m.actor_id, m.at_utc, m.utc_offset_minutes
 FROM stock_movement m WHERE {f} ORDER BY m.at_utc, m.id";

pub(super) const VISITORS: Table = Table {
    name: "visitors",
    title: "Footfall tally: +1 taps, manual counts and corrections",
    columns: &[
        col("id", Text, "Tally id"),
        col("event_id", Text, "Event id"),
        col("delta", Integer, "Visitors added (negative: a correction)"),
        col("source", Text, "tap or manual"),
        col("actor_id", Text, "Person id"),
        col("at", Time, "Time, local with offset"),
        col("date", LocalDate, "Time: local date (YYYY-MM-DD)"),
        col("time", LocalTime, "Time: local time of day (HH:MM:SS)"),
    ],
    primary_key: &["id"],
    foreign_keys: &[],
};
pub(super) const VISITORS_SQL: &str =
    "SELECT t.id, t.event_id, t.delta, t.source, t.actor_id, t.at_utc, t.utc_offset_minutes
 FROM visitor_tally t WHERE {f} ORDER BY t.at_utc, t.id";

pub(super) const JOURNAL: Table = Table {
    name: "journal",
    title: "Audit journal entries of the period, contiguous by seq (hash-chained)",
    columns: &[
        col("seq", Integer, "Entry number"),
        col("id", Text, "Entry id"),
        col("device_id", Text, "Till (device) id"),
        col("at_utc", Text, "Time exactly as hashed (UTC)"),
        col(
            "utc_offset_minutes",
            Integer,
            "Device offset from UTC in minutes, as hashed",
        ),
        col("actor_id", Text, "Person id or system actor"),
        col("action", Text, "What was done"),
        col("entity", Text, "Kind of record changed"),
        col("entity_id", Text, "Id of the record changed"),
        col("details", Text, "Canonical JSON of ids and figures"),
        col("prev_hash", Text, "Hash of the entry before"),
        col(
            "hash",
            Text,
            "SHA-256 of this entry (see the journal format)",
        ),
        col(
            "device_seq",
            Integer,
            "Entry number in its own till's chain, as hashed",
        ),
        col(
            "version",
            Integer,
            "Journal encoding version (1 or 2, see the journal format)",
        ),
    ],
    primary_key: &["seq"],
    foreign_keys: &[],
};
pub(super) const JOURNAL_SQL: &str = "SELECT j.seq, j.id, j.device_id, j.at_utc, j.utc_offset_minutes, j.actor_id, j.action, j.entity,
        j.entity_id, j.details, j.prev_hash, j.hash, j.device_seq, j.version
 FROM audit_log j WHERE j.seq BETWEEN ? AND ? ORDER BY j.seq";

pub(super) const SUMMARY: Table = Table {
    name: "summary",
    title: "The report's totals, exactly as the Reports screen shows them",
    columns: &[
        col("metric", Text, "Figure of the report"),
        col(
            "key",
            Text,
            "Payment method or tax rate the figure is about",
        ),
        col("value", Dec, "The figure"),
        col("unit", Text, "Currency code, count, quantity or percent"),
    ],
    primary_key: &[],
    foreign_keys: &[],
};

/// The event flows' steps. Volunteers' names stay out of the day's export
/// (no personal data): the organizer's own `tasks-csv` command has them.
pub(super) const TASKS: Table = Table {
    name: "tasks",
    title: "Steps of the events' task flows, their status and sign-off times",
    columns: &[
        col("step_id", Text, "Step id"),
        col("event_id", Text, "Event id"),
        col("position", Integer, "Order of the step in its flow"),
        col("phase", Text, "before, during or after the event"),
        col("title", Text, "What the step is"),
        col("action", Text, "The work that completes it, if any"),
        col("due_at", Text, "Due time, the event's local wall clock"),
        col("status", Text, "open, done or skipped"),
        col("signoffs", Integer, "Number of sign-offs recorded"),
        col(
            "signed_at_utc",
            Text,
            "Times of the sign-offs (UTC), separated by ;",
        ),
        col(
            "done_by",
            Text,
            "The document whose work completed it (type:id)",
        ),
        col("skip_reason", Text, "Why it was skipped"),
    ],
    primary_key: &["step_id"],
    foreign_keys: &[],
};

/// The Frictionless field type of a column kind.
pub(super) fn field_type(kind: Kind) -> &'static str {
    match kind {
        Text => "string",
        Integer => "integer",
        Amount | Dec | Milli => "number",
        Time => "datetime",
        LocalDate => "date",
        LocalTime => "time",
        Boolean => "boolean",
    }
}
