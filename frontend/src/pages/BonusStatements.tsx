import { teamDashboardKey } from "./dashboardQuery";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/incentives/schema";
import { Failure } from "../components/Failure";
import { More } from "../components/More";
import { useMorePages } from "../components/useMorePages";
import { usePeopleNames } from "../components/usePeopleNames";
import { day } from "../format";

type StatementOut = components["schemas"]["StatementOut"];
type LineOut = components["schemas"]["LineOut"];

/** Statements a page of the API holds: the newest first, "More" reads the next. */
const PAGE = 5;

/** Which statements hr reads: the ones waiting for its approval, or every one. */
type HrView = "manager_approved" | "all";

/** Bonus statements line by line with their formulas: an assistant's own; a manager's team's, to approve first;
 * everyone's for hr, whose approval comes second and freezes the statement. */
export function BonusStatements() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const [view, setView] = useState<HrView>("manager_approved");
  const [approved, setApproved] = useState<string | null>(null);
  const manager = person.role === "manager";
  const hr = person.role === "hr";
  const { query: statements, items } = useMorePages(["statements", person.person_id, hr ? view : null], (cursor) =>
    answer(
      apis.incentives.GET("/v1/statements", {
        params: {
          query: {
            person_id: manager || hr ? undefined : person.person_id,
            status: hr && view !== "all" ? view : undefined,
            limit: PAGE,
            cursor,
          },
        },
      }),
    ),
  );
  const rosterName = usePeopleNames();
  const teamId = person.team_id ?? "";
  const team = useQuery({
    queryKey: teamDashboardKey(teamId),
    queryFn: () => answer(apis.goals.GET("/v1/teams/{team_id}/dashboard", { params: { path: { team_id: teamId } } })),
    enabled: manager && teamId !== "",
  });
  const names = new Map((team.data?.members ?? []).map((m) => [m.person_id, m.display_name]));
  names.set(person.person_id, person.display_name);
  const nameOf = (personId: string) => names.get(personId) ?? rosterName(personId);
  let title = t("bonus.title");
  if (manager) title = t("bonus.teamTitle");
  if (hr) title = t("bonus.hrTitle");
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      {hr && (
        <div className="field">
          <label htmlFor="statements-view">{t("bonus.show")}</label>
          <select
            id="statements-view"
            value={view}
            onChange={(event) => { setView(event.target.value as HrView); setApproved(null); }}
          >
            <option value="manager_approved">{t("bonus.views.manager_approved")}</option>
            <option value="all">{t("bonus.views.all")}</option>
          </select>
        </div>
      )}
      {approved && (
        <p className="notice notice-done" role="status">
          {t("bonus.approvedNotice", { name: approved })}
        </p>
      )}
      {statements.error && <Failure error={statements.error} />}
      {statements.isPending && <p>{t("app.loading")}</p>}
      {statements.isSuccess && items.length === 0 && <p>{hr && view !== "all" ? t("bonus.noneWaiting") : t("bonus.empty")}</p>}
      {items.map((statement) => (
        <Statement
          key={statement.explanation.statement_id}
          statement={statement}
          name={nameOf(statement.explanation.person_id)}
          nameOf={nameOf}
          approvable={
            (manager && statement.status === "calculated") ||
            (hr && statement.status === "manager_approved" && !approvedBy(statement, person.person_id))
          }
          onApproved={(done) => { if (done.status === "approved") setApproved(nameOf(done.explanation.person_id)); }}
        />
      ))}
      <More list={statements} label={t("bonus.more")} />
    </section>
  );
}

/** Whoever took the first step does not take the second: the service refuses it, so the button is not offered. */
function approvedBy(statement: StatementOut, personId: string): boolean {
  return statement.approvals.some((approval) => approval.by === personId);
}

function money(amount: string, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
}

function Statement({
  statement,
  name,
  nameOf,
  approvable,
  onApproved,
}: {
  statement: StatementOut;
  name: string;
  nameOf: (personId: string) => string;
  approvable: boolean;
  onApproved: (statement: StatementOut) => void;
}) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const locale = i18n.language;
  const { explanation } = statement;
  const headingId = `statement-${explanation.statement_id}`;
  const approve = useMutation({
    mutationFn: () =>
      answer(
        apis.incentives.POST("/v1/statements/{statement_id}/approve", {
          params: { path: { statement_id: explanation.statement_id } },
        }),
      ),
    onSuccess: (done) => {
      onApproved(done);
      void queryClient.invalidateQueries({ queryKey: ["statements"] });
    },
  });
  const lines: LineOut[] = [...explanation.lines, ...explanation.adjustments];
  return (
    <article className="card" aria-labelledby={headingId} data-testid="statement">
      <header className="goal-header">
        <h2 id={headingId}>
          {t("bonus.heading", {
            name,
            start: day(explanation.period_start, locale),
            end: day(explanation.period_end, locale),
          })}
        </h2>
        <span className={`badge badge-statement-${statement.status}`}>{t(`bonus.status.${statement.status}`, { defaultValue: statement.status })}</span>
      </header>
      <p className="hint">{t("bonus.plan", { plan: explanation.plan_id, version: explanation.plan_version })}</p>
      {statement.approvals.length > 0 && (
        <p className="hint" data-testid="statement-approvals">
          {statement.approvals
            .map((approval) => t("bonus.approvedStep", { by: approval.by_name ?? nameOf(approval.by), role: t(`roles.${approval.role}`, { defaultValue: approval.role }), at: day(approval.at, locale) }))
            .join(" · ")}
        </p>
      )}
      <table>
        <caption className="hint">{t("bonus.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("bonus.line")}</th>
            <th scope="col">{t("bonus.formula")}</th>
            <th scope="col" className="amount">{t("bonus.amount")}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line, i) => (
            <tr key={`${line.kind}-${i}`}>
              <th scope="row">{line.label}</th>
              <td>
                <code>{line.formula}</code>
              </td>
              <td className="amount">{money(line.amount, explanation.currency, locale)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t("bonus.total")}
            </th>
            <td className="amount" data-testid="statement-total">
              <strong>{money(explanation.total, explanation.currency, locale)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      {approve.error && <Failure error={approve.error} />}
      {approvable && (
        <div className="actions">
          <button type="button" disabled={approve.isPending} onClick={() => { approve.mutate(); }}>
            {statement.status === "manager_approved" ? t("bonus.approveSecond") : t("bonus.approve")}
          </button>
        </div>
      )}
    </article>
  );
}
