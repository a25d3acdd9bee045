import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { type Language, pickLanguage } from "./language";
import { zhCN } from "./zh-CN";

export function startI18n(language: Language): typeof i18n {
  void i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
    lng: language,
    fallbackLng: "en",
    interpolation: { escapeValue: false }, // React escapes what it renders
    returnNull: false,
  });
  document.documentElement.lang = language;
  i18n.on("languageChanged", (lng) => {
    document.documentElement.lang = lng;
  });
  return i18n;
}

export function browserLanguage(): Language {
  return pickLanguage(null, null, navigator.languages);
}
