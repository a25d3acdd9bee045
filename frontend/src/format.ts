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
