// How the Trends page names periods and what it asks for by default; the numbers are the analytics service's.

export type Granularity = "day" | "week" | "month";

/** A period by its first day: the day, the week starting that Monday, or the calendar month. */
export function periodLabel(start: string, granularity: Granularity, locale: string): string {
  const at = new Date(`${start}T00:00:00Z`);
  if (granularity === "month") {
    return new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", timeZone: "UTC" }).format(at);
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(at);
}

/** An ISO day (YYYY-MM-DD) of the reader's own calendar. */
export function isoDay(at: Date): string {
  const month = String(at.getMonth() + 1).padStart(2, "0");
  return `${at.getFullYear()}-${month}-${String(at.getDate()).padStart(2, "0")}`;
}

/** The last twelve weeks up to today, the current month, and the month before for a report. */
export function defaults(today: Date): { from: string; to: string; month: string; report: string } {
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 83);
  const before = new Date(today.getFullYear(), today.getMonth() - 1, 1);
  return { from: isoDay(from), to: isoDay(today), month: isoDay(today).slice(0, 7), report: isoDay(before).slice(0, 7) };
}

/** A report period as the API names it: a month (2026-11) or a quarter (2026-Q4). */
export function isReportPeriod(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/.test(value);
}

/** The quarter a day of the reader's calendar is in, as the API names it (2026-Q4). */
export function quarterOf(today: Date): string {
  return `${today.getFullYear()}-Q${Math.floor(today.getMonth() / 3) + 1}`;
}
