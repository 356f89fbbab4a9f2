/**
 * Pip.Services' value converters (pip-services3-commons-node 3.x), as the
 * real service applies them to get_sessions' filter and paging: FilterParams
 * keeps every value as a string, then reads it as a boolean or a date;
 * PagingParams reads numbers rounded up. The twin converts the same way so
 * that the same request selects the same sessions.
 */

/** StringConverter.toNullableString: strings as they are, anything else through JavaScript's String(). */
export function toNullableString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    // An object whose own `toString` member is not a function (`{"toString": 1}`).
    return '[object Object]';
  }
}

const TRUE_WORDS = new Set(['1', 'true', 't', 'yes', 'y']);
const FALSE_WORDS = new Set(['0', 'false', 'f', 'no', 'n']);

/** BooleanConverter.toNullableBoolean: booleans, numbers (non-zero is true) and the words it knows, in any case. */
export function toNullableBoolean(value: unknown): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  const word = (toNullableString(value) ?? '').toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

/** LongConverter.toNullableLong: numbers rounded up, booleans 1 or 0, strings through parseFloat. */
export function toNullableLong(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Math.ceil(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  const parsed = Number.parseFloat(toNullableString(value) ?? '');
  return Number.isNaN(parsed) ? null : Math.ceil(parsed);
}

/** DateTimeConverter.toNullableDateTime on a FilterParams string: JavaScript's Date.parse, null when it cannot read it. */
export function toNullableDateTime(value: string | null): Date | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** An own member of a JSON object (FilterParams and AnyValueMap keys are case-sensitive); undefined for anything else. */
export function memberOf(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * An argument as Pip.Services' AnyValueMap and StringValueMap read it
 * (`this[key] || null`): every falsy value (`""`, `0`, `false`, `null`) is
 * read as null, so `open_session` with `"user_name": ""` or `"data": false`
 * stores `null`.
 */
export function argument<T>(value: T | null | undefined): T | null {
  return value || null;
}
