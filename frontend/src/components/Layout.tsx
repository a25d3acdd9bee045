import type { ChangeEvent } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";
import { useAuth, useSession } from "../auth/AuthContext";
import type { Role } from "../auth/session";
import { LANGUAGES, type Language, rememberLanguage } from "../i18n/language";

const LANGUAGE_NAMES: Record<Language, string> = { en: "English", "zh-CN": "简体中文" };

/** The screens each role works in; the services decide what each may see on them. */
function navigation(role: Role, teamId: string | null): { to: string; label: string }[] {
  const team = { to: teamId ? `/team/${encodeURIComponent(teamId)}` : "/team", label: "nav.team" };
  if (role === "assistant") return [{ to: "/my-week", label: "nav.myWeek" }];
  return [team];
}

export function Layout() {
  const { t, i18n } = useTranslation();
  const { signOut } = useAuth();
  const { person } = useSession();

  function switchLanguage(event: ChangeEvent<HTMLSelectElement>) {
    const language = event.target.value as Language;
    rememberLanguage(person.person_id, language);
    void i18n.changeLanguage(language);
  }

  return (
    <>
      <a className="skip" href="#content">
        {t("app.skip")}
      </a>
      <header className="shell">
        <span className="brand">{t("app.name")}</span>
        <nav aria-label={t("nav.label")}>
          <ul>
            {navigation(person.role, person.team_id).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{t(item.label)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <label htmlFor="language">{t("nav.language")}</label>
          <select id="language" value={i18n.language} onChange={switchLanguage}>
            {LANGUAGES.map((language) => (
              <option key={language} value={language} lang={language}>
                {LANGUAGE_NAMES[language]}
              </option>
            ))}
          </select>
          <span data-testid="signed-in-as">
            {t("nav.signedInAs", { name: person.display_name, role: t(`roles.${person.role}`) })}
          </span>
          <button type="button" onClick={signOut}>
            {t("nav.signOut")}
          </button>
        </div>
      </header>
      <main id="content">
        <Outlet />
      </main>
    </>
  );
}
