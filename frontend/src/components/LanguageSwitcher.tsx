import type { ChangeEvent } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, type Language, rememberLanguage } from "../i18n/language";

const LANGUAGE_NAMES: Record<Language, string> = { en: "English", "zh-CN": "简体中文" };

/** The person's own choice of language, remembered for them (or for this browser before anyone signed in). */
export function LanguageSwitcher({ personId }: { personId: string | null }) {
  const { t, i18n } = useTranslation();
  function switchLanguage(event: ChangeEvent<HTMLSelectElement>) {
    const language = event.target.value as Language;
    rememberLanguage(personId, language);
    void i18n.changeLanguage(language);
  }
  return (
    <>
      <label htmlFor="language">{t("nav.language")}</label>
      <select id="language" value={i18n.language} onChange={switchLanguage}>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
    </>
  );
}
