import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";
import { useAuth, useSession } from "../auth/AuthContext";
import { LanguageSwitcher } from "./LanguageSwitcher";
import { navigationGroups } from "./navigation";

export function Layout() {
  const { t } = useTranslation();
  const { signOut } = useAuth();
  const { person } = useSession();

  return (
    <>
      <a className="skip" href="#content">
        {t("app.skip")}
      </a>
      <header className="shell">
        <span className="brand">{t("app.name")}</span>
        <nav aria-label={t("nav.label")}>
          {navigationGroups(person.role, person.team_id).map((group) => {
            const labelId = `nav-group-${group.key}`;
            return (
              <div key={group.key} className={group.label ? "nav-group" : undefined}>
                {group.label && (
                  <span className="nav-group-label" id={labelId}>
                    {t(group.label)}
                  </span>
                )}
                <ul {...(group.label ? { "aria-labelledby": labelId } : {})}>
                  {group.items.map((item) => (
                    <li key={item.to}>
                      <NavLink to={item.to}>{t(item.label)}</NavLink>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <div className="account">
          <LanguageSwitcher personId={person.person_id} />
          <span data-testid="signed-in-as">
            {t("nav.signedInAs", { name: person.display_name, role: t(`roles.${person.role}`) })}
          </span>
          <button type="button" onClick={signOut}>
            {t("nav.signOut")}
          </button>
        </div>
      </header>
      <main id="content">
        <Suspense fallback={<p>{t("app.loading")}</p>}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}
