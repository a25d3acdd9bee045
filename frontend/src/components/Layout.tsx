import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";
import { useAuth, useSession } from "../auth/AuthContext";
import type { Role } from "../auth/session";
import { LanguageSwitcher } from "./LanguageSwitcher";

/** The screens each role works in; the services decide what each may see on them. */
function navigation(role: Role, teamId: string | null): { to: string; label: string }[] {
  const team = { to: teamId ? `/team/${encodeURIComponent(teamId)}` : "/team", label: "nav.team" };
  const feedback = { to: "/feedback", label: "nav.feedback" };
  const bonus = { to: "/bonus", label: "nav.bonus" };
  const reviews = { to: "/reviews", label: "nav.reviews" };
  const anonymous = { to: "/anonymous", label: "nav.anonymous" };
  const recognition = { to: "/recognition", label: "nav.recognition" };
  const trends = { to: "/trends", label: "nav.trends" };
  const checkins = { to: "/check-ins", label: "nav.checkins" };
  const meetings = { to: "/meetings", label: "nav.meetings" };
  const duties = { to: "/duties", label: "nav.duties" };
  if (role === "assistant") {
    const own = [{ to: "/my-week", label: "nav.myWeek" }, checkins, { to: "/set-goal", label: "nav.proposeGoal" }];
    return [...own, trends, reviews, duties, meetings, { to: "/training", label: "nav.myTraining" }, feedback, anonymous, recognition, bonus];
  }
  if (role === "manager") {
    const goals = [{ to: "/team-goals", label: "nav.teamGoals" }, { to: "/set-goal", label: "nav.setGoal" }];
    const oneOnOne = { to: "/one-on-one", label: "nav.oneOnOne" };
    return [team, trends, ...goals, checkins, reviews, duties, oneOnOne, meetings, feedback, anonymous, recognition, bonus];
  }
  const cycles = { to: "/reviews", label: "nav.cycles" };
  const templates = { to: "/review-templates", label: "nav.reviewTemplates" };
  const privacy = [
    { to: "/people", label: "nav.people" },
    { to: "/audit", label: "nav.audit" },
    { to: "/personal-data", label: "nav.personData" },
  ];
  if (role === "hr") {
    const plans = { to: "/bonus-plans", label: "nav.bonusPlans" };
    const promotions = { to: "/promotions", label: "nav.promotions" };
    const training = { to: "/training", label: "nav.training" };
    return [team, trends, cycles, templates, promotions, duties, meetings, training, feedback, anonymous, plans, bonus, ...privacy];
  }
  return [team, cycles, templates, ...privacy, { to: "/deliveries", label: "nav.deliveries" }];
}

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
          <ul>
            {[...navigation(person.role, person.team_id), { to: "/notifications", label: "nav.preferences" }].map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{t(item.label)}</NavLink>
              </li>
            ))}
          </ul>
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
