// Which language the console speaks: the person's own choice, else their roster locale, else the browser's.

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

/** The supported language closest to a locale tag (`zh`, `zh-Hans-CN`, `en-GB`), or null. */
export function supported(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (lower.startsWith("zh")) return "zh-CN";
  if (lower.startsWith("en")) return "en";
  return null;
}

export function pickLanguage(
  chosen: string | null,
  rosterLocale: string | null,
  browser: readonly string[],
): Language {
  for (const candidate of [chosen, rosterLocale, ...browser]) {
    const language = supported(candidate);
    if (language) return language;
  }
  return "en";
}

const CHOICE = "pacer.language";

/** A language picked with the switcher, remembered per person (and before anyone signed in). */
export function chosenLanguage(personId: string | null, storage: Storage = localStorage): string | null {
  return storage.getItem(personId ? `${CHOICE}.${personId}` : CHOICE);
}

export function rememberLanguage(personId: string | null, language: Language, storage: Storage = localStorage): void {
  storage.setItem(personId ? `${CHOICE}.${personId}` : CHOICE, language);
}
