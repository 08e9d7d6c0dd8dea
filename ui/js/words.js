// Words the screens share: a count with its noun in the right number
// ("1 visitor", "2 visitors") and the one minus sign every screen shows
// before an amount taken off (the same "-" the core writes in its figures).
// Amounts themselves are always the core's text.

/** The one minus sign. */
export const MINUS = '-';

/** "1 visitor", "0 visitors", "3 products"; `many` when the plural is not
 * the noun plus "s". */
export function plural(count, one, many = `${one}s`) {
  const n = Number(count);
  return `${count} ${n === 1 ? one : many}`;
}

/** The noun alone, in the number `count` asks for. */
export function noun(count, one, many = `${one}s`) {
  return Number(count) === 1 ? one : many;
}
