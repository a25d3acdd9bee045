import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/incentives/schema";
import { Failure } from "../components/Failure";
import { Pager } from "../components/Pager";
import { pageOf } from "../components/paging";
import { day } from "../format";

type StatementOut = components["schemas"]["StatementOut"];
type LineOut = components["schemas"]["LineOut"];

/** The newest statements the page reads at once (the API's largest page), shown five at a time. */
const READ = 500;
const PAGE_SIZE = 5;

/** Bonus statements line by line with their formulas: an assistant's own; a manager's team's, to approve. */
export function BonusStatements() {
  const { t } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  const [page, setPage] = useState(0);
  const manager = person.role === "manager";
  const statements = useQuery({
    queryKey: ["statements", person.person_id],
    queryFn: () =>
      answer(
        apis.incentives.GET("/v1/statements", {
          params: { query: { person_id: manager ? undefined : person.person_id, limit: READ } },
        }),
      ),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const teamId = person.team_id ?? "";
  const team = useQuery({
    queryKey: ["team-dashboard", teamId],
    queryFn: () => answer(apis.goals.GET("/v1/teams/{team_id}/dashboard", { params: { path: { team_id: teamId } } })),
    enabled: manager && teamId !== "",
  });
  const names = new Map((team.data?.members ?? []).map((m) => [m.person_id, m.display_name]));
  names.set(person.person_id, person.display_name);
  const shown = pageOf(statements.data ?? [], page, PAGE_SIZE);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{manager ? t("bonus.teamTitle") : t("bonus.title")}</h1>
      {statements.error && <Failure error={statements.error} />}
      {statements.isPending && <p>{t("app.loading")}</p>}
      {statements.data?.length === 0 && <p>{t("bonus.empty")}</p>}
      {shown.items.map((statement) => (
        <Statement
          key={statement.explanation.statement_id}
          statement={statement}
          name={names.get(statement.explanation.person_id) ?? statement.explanation.person_id}
          approvable={manager && statement.status === "calculated"}
        />
      ))}
      <Pager page={page} hasNext={shown.hasNext} onPage={setPage} />
    </section>
  );
}

function money(amount: string, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
}

function Statement({ statement, name, approvable }: { statement: StatementOut; name: string; approvable: boolean }) {
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
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["statements"] }),
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
            {t("bonus.approve")}
          </button>
        </div>
      )}
    </article>
  );
}
