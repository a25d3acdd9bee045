import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { Failure } from "../components/Failure";
import { Pager } from "../components/Pager";
import { useCursorPages } from "../components/useCursorPages";
import { useDebounced } from "../components/useDebounced";

const PAGE = 25;
const ROLES = ["assistant", "manager", "hr", "admin"] as const;
type Role = (typeof ROLES)[number];

/** hr and admins read the roster as the services know it, a page at a time, narrowed by team and role. */
export function People() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const [role, setRole] = useState<Role | "">("");
  const [team, setTeam] = useState("");
  const teamId = useDebounced(team.trim(), 300);
  const { query, items, page, hasNext, toPage } = useCursorPages(["people", role, teamId], (cursor) =>
    answer(
      apis.goals.GET("/v1/people", {
        params: {
          query: {
            limit: PAGE,
            ...(role ? { role } : {}),
            ...(teamId ? { team_id: teamId } : {}),
            ...(cursor ? { cursor } : {}),
          },
        },
      }),
    ),
  );

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("people.title")}</h1>
      <p className="hint">{t("people.intro")}</p>
      <div className="field-row" role="group" aria-label={t("people.filters")}>
        <div className="field">
          <label htmlFor="people-role">{t("people.role")}</label>
          <select id="people-role" value={role} onChange={(e) => { setRole(e.target.value as Role | ""); }}>
            <option value="">{t("picker.anyRole")}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="people-team">{t("people.team")}</label>
          <input id="people-team" value={team} onChange={(e) => { setTeam(e.target.value); }} />
        </div>
      </div>
      {query.error && <Failure error={query.error} />}
      {query.isPending && <p>{t("app.loading")}</p>}
      {query.isSuccess && items.length === 0 && <p>{t("people.empty")}</p>}
      {items.length > 0 && (
        <table data-testid="people">
          <caption className="hint">{t("people.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("people.name")}</th>
              <th scope="col">{t("people.role")}</th>
              <th scope="col">{t("people.team")}</th>
              <th scope="col">{t("people.manager")}</th>
              <th scope="col">{t("people.locale")}</th>
              <th scope="col">{t("people.timezone")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((person) => (
              <tr key={person.person_id}>
                <th scope="row">
                  <Link
                    to={`/personal-data?person=${encodeURIComponent(person.person_id)}`}
                    aria-label={t("people.dataOf", { name: person.display_name })}
                  >
                    {person.display_name}
                  </Link>
                  <div className="hint">{person.person_id}</div>
                </th>
                <td>{t(`roles.${person.role}`)}</td>
                <td>{person.team_id ?? "—"}</td>
                <td>{person.manager_id ?? "—"}</td>
                <td>{person.locale}</td>
                <td>{person.timezone}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} hasNext={hasNext} onPage={toPage} />
    </section>
  );
}
