// Numbers and times as the reader's language writes them; values arrive from the APIs as decimal strings.

// A formatter is built once per language and options and reused: building one costs far more than formatting with it,
// and the team dashboard formats a few numbers per row on its first render (bench/PERFORMANCE.md, the console).
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = JSON.stringify([locale, options]);
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify([locale, options]);
  let format = dateFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(key, format);
  }
  return format;
}

export function number(value: string | number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 2 }).format(Number(value));
}

export function percent(fraction: string | number | null | undefined, locale: string): string {
  if (fraction === null || fraction === undefined) return "—";
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(Number(fraction));
}

export function day(iso: string, locale: string, timeZone?: string): string {
  return dateFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

/** A calendar day (an ISO date, or a day's first instant in UTC), without a time. */
export function date(iso: string, locale: string): string {
  return dateFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
}

/** A period named by its plain calendar days (ISO dates, the last inclusive), as the person whose period it is. */
export function days(firstDay: string, lastDay: string, locale: string): { start: string; end: string } {
  return { start: date(firstDay, locale), end: date(lastDay, locale) };
}

const HOUR = 3_600_000;

/**
 * A goal baseline's first and last day. Its bounds are midnights in the owner's own zone, which the API does not
 * name; each lies within twelve hours of the UTC midnight of its day in the zones the roster uses
 * (UTC−12 to UTC+12), so noon UTC after the first bound and before the last falls on the right days.
 */
export function periodDays(start: string, end: string): { first: string; last: string } {
  const first = new Date(new Date(start).getTime() + 12 * HOUR);
  const last = new Date(new Date(end).getTime() - 12 * HOUR);
  return { first: first.toISOString(), last: last.toISOString() };
}
