// Times as the screens show them, in one format everywhere: the shop's
// locale setting (Settings → Locale) through Intl.DateTimeFormat. The core
// records an instant as UTC plus the till's offset at that moment (see
// src-tauri/core/src/db/clock.rs); a recorded time is shown in its
// recorded offset, so 14:03 at the stall reads 14:03 wherever and whenever
// it is looked at. Event times and due times are local wall-clock times
// ("2026-12-05T10:00") and are shown as they are. Only fields a person
// types into keep the typed form "YYYY-MM-DD HH:MM".

const pad = (n) => String(n).padStart(2, '0');

let locale = 'en-GB';
const formats = new Map();

/** Show dates and times in `code` from now on (the shell sets the shop's). */
export function setLocale(code) {
  if (code && code !== locale) {
    locale = code;
    formats.clear();
  }
}

/** The locale dates are shown in. */
export function currentLocale() {
  return locale;
}

function format(kind) {
  if (!formats.has(kind)) {
    const options = {
      datetime: { dateStyle: 'medium', timeStyle: 'short' },
      seconds: { dateStyle: 'medium', timeStyle: 'medium' },
      date: { dateStyle: 'medium' },
      time: { timeStyle: 'short' },
    }[kind];
    // The wall-clock time is built in UTC, so it is formatted in UTC.
    formats.set(kind, new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }));
  }
  return formats.get(kind);
}

/**
 * A recorded instant in its recorded offset (this computer's offset only
 * for a time recorded without one), e.g. "5 Dec 2026, 14:03" in en-GB.
 * `seconds` adds the seconds; `date: false` leaves only the time of day.
 */
export function localTime(utc, offsetMinutes, { seconds = false, date = true } = {}) {
  const instant = Date.parse(utc);
  if (Number.isNaN(instant)) return utc || '';
  const offset = offsetMinutes === undefined || offsetMinutes === null
    ? -new Date(instant).getTimezoneOffset()
    : Number(offsetMinutes);
  const wall = new Date(instant + offset * 60000);
  if (!date) return format('time').format(wall);
  return format(seconds ? 'seconds' : 'datetime').format(wall);
}

/** A local wall-clock time as the core keeps it ("2026-12-05T10:00" or
 * "2026-12-05 10:00"), or a day ("2026-12-05"), in the shop's format. */
export function wallTime(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(text || '');
  if (!m) return text || '';
  const [, y, mo, d, hh, mm] = m;
  const wall = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh || 0), Number(mm || 0)));
  return format(hh === undefined ? 'date' : 'datetime').format(wall);
}

/** A wall-clock day: the date part of `text` in the shop's format. */
export function wallDate(text) {
  return wallTime((text || '').slice(0, 10));
}

/** An event's span: "5 Dec 2026, 10:00 – 17:00" (the day once when both
 * ends are on it). */
export function eventSpan(ev) {
  const start = wallTime(ev.starts_at);
  if ((ev.starts_at || '').slice(0, 10) === (ev.ends_at || '').slice(0, 10)) {
    const m = /[T ](\d{2}):(\d{2})/.exec(ev.ends_at);
    if (m) {
      const end = format('time').format(new Date(Date.UTC(2000, 0, 1, Number(m[1]), Number(m[2]))));
      return `${start} – ${end}`;
    }
  }
  return `${start} – ${wallTime(ev.ends_at)}`;
}

/** This computer's calendar date `days` from today, "YYYY-MM-DD" (the
 * typed form of a date field). */
export function localDate(days = 0) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
