import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/goals/schema";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { Pager } from "../components/Pager";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";
import { number } from "../format";

type GoalOut = components["schemas"]["GoalOut"];

const PAGE_SIZE = 5;

/** The assistant's missed goals still waiting for why they were missed and the plan to recover. */
export function MissAnalyses() {
  const { t } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  const goals = useQuery({
    queryKey: ["my-misses", person.person_id, cursors[page]],
    queryFn: () =>
      answer(
        apis.goals.GET("/v1/goals", {
          params: { query: { owner_id: person.person_id, needs_miss_analysis: true, limit: PAGE_SIZE, cursor: cursors[page] } },
        }),
      ),
    refetchInterval: config.refetch_seconds * 1000,
    placeholderData: keepPreviousData,
  });
  const next = goals.data?.next_cursor ?? null;
  const toPage = (wanted: number) => {
    if (wanted > page && next && cursors.length <= wanted) setCursors([...cursors, next]);
    setPage(wanted);
  };
  if (!done && !goals.error && !goals.data?.items.length && page === 0) return null;
  return (
    <section className="card" aria-labelledby="misses-title">
      <h2 id="misses-title">{t("miss.title")}</h2>
      {done && <p role="status">{done}</p>}
      {goals.error && <Failure error={goals.error} />}
      {goals.data?.items.map((goal) => (
        <MissForm key={goal.goal_id} goal={goal} onDone={setDone} />
      ))}
      <Pager page={page} hasNext={next !== null} onPage={toPage} />
    </section>
  );
}

function MissForm({ goal, onDone }: { goal: GoalOut; onDone: (text: string) => void }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft, clearDraft] = useDraft(`miss.${person.person_id}.${goal.goal_id}`, { cause: "", action_plan: "" });
  const send = useSubmission(
    () =>
      answer(
        apis.goals.POST("/v1/goals/{goal_id}/miss-analysis", {
          params: { path: { goal_id: goal.goal_id } },
          body: draft,
        }),
      ),
    () => {
      clearDraft();
      onDone(t("miss.done", { title: goal.title }));
      void queryClient.invalidateQueries({ queryKey: ["my-misses"] });
    },
  );
  const id = (field: string) => `miss-${goal.goal_id}-${field}`;
  const locale = i18n.language;
  return (
    <form
      className="miss-form"
      aria-label={t("miss.form", { title: goal.title })}
      noValidate
      onSubmit={send.submit}
    >
      <h3>{goal.title}</h3>
      <p>
        {t("teamGoals.shortfall", {
          actual: number(goal.actual, locale),
          target: number(goal.target, locale),
          unit: goal.unit,
          shortfall: number(goal.shortfall, locale),
        })}
      </p>
      <SubmissionErrors submission={send} />
      <div className="field">
        <label htmlFor={id("cause")}>{t("miss.cause")}</label>
        <textarea
          id={id("cause")}
          rows={3}
          value={draft.cause}
          {...send.invalid("cause", id("cause-error"))}
          onChange={(e) => { setDraft({ ...draft, cause: e.target.value }); }}
        />
        <FieldError id={id("cause-error")} messages={send.errors.cause} />
      </div>
      <div className="field">
        <label htmlFor={id("action_plan")}>{t("miss.plan")}</label>
        <textarea
          id={id("action_plan")}
          rows={3}
          value={draft.action_plan}
          {...send.invalid("action_plan", id("action_plan-error"))}
          onChange={(e) => { setDraft({ ...draft, action_plan: e.target.value }); }}
        />
        <FieldError id={id("action_plan-error")} messages={send.errors.action_plan} />
      </div>
      <button type="submit" disabled={send.pending}>
        {t("miss.submit")}
      </button>
    </form>
  );
}
