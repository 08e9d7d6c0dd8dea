// Times as the screens show them. The core records an instant as UTC plus
// the till's offset at that moment (see src-tauri/core/src/db/clock.rs);
// a recorded time is shown in its recorded offset, so 14:03 at the stall
// reads 14:03 wherever and whenever it is looked at.

const pad = (n) => String(n).padStart(2, '0');

/**
 * A recorded instant as "YYYY-MM-DD HH:MM" in its recorded offset (this
 * computer's offset only for a time recorded without one). `seconds` adds
 * ":SS"; `date: false` leaves only the time of day.
 */
export function localTime(utc, offsetMinutes, { seconds = false, date = true } = {}) {
  const instant = Date.parse(utc);
  if (Number.isNaN(instant)) return utc || '';
  const offset = offsetMinutes === undefined || offsetMinutes === null
    ? -new Date(instant).getTimezoneOffset()
    : Number(offsetMinutes);
  const wall = new Date(instant + offset * 60000);
  const day = `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}${seconds ? `:${pad(wall.getUTCSeconds())}` : ''}`;
  return date ? `${day} ${time}` : time;
}

/** This computer's calendar date `days` from today, "YYYY-MM-DD". */
export function localDate(days = 0) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
