// Numbers and times as the reader's language writes them; values arrive from the APIs as decimal strings.

export function number(value: string | number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(Number(value));
}

export function percent(fraction: string | number | null | undefined, locale: string): string {
  if (fraction === null || fraction === undefined) return "—";
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(Number(fraction));
}

export function day(iso: string, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

/** A calendar day (an ISO date, or a day's first instant in UTC), without a time. */
export function date(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
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
