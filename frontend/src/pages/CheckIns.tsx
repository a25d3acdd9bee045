import { teamDashboardKey } from "./dashboardQuery";
import { useQuery, useQueryClient } from "@tanstack/react-query";
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
import { useCursorPages } from "../components/useCursorPages";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";
import { date } from "../format";

type CheckInOut = components["schemas"]["CheckInOut"];

/** The API's largest page: unanswered check-ins are at most a few per report. */
const UNANSWERED = 200;
const PAGE_SIZE = 5;
const CONFIDENCE = [1, 2, 3, 4, 5];

/** Weekly check-ins: the assistant answers the week's; a manager reads what their reports answered. */
export function CheckIns() {
  const { t } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  const [done, setDone] = useState<string | null>(null);
  // What still waits for an answer is read at once (a week's check-ins of one's reports); the answers a page at a time.
  const checkins = useQuery({
    queryKey: ["checkins", person.person_id, "unanswered"],
    queryFn: () =>
      answer(apis.goals.GET("/v1/checkins", { params: { query: { status: ["due", "overdue"], limit: UNANSWERED } } })),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const answers = useCursorPages(["checkins", person.person_id, "recorded"], (cursor) =>
    answer(apis.goals.GET("/v1/checkins", { params: { query: { status: ["recorded"], limit: PAGE_SIZE, cursor } } })),
  );
  const all = checkins.data?.items ?? [];
  const open = all.filter((c) => c.owner_id === person.person_id);
  const answered = answers.items;
  const waiting = all.filter((c) => c.owner_id !== person.person_id);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("checkins.title")}</h1>
      <p className="hint">{t("checkins.intro")}</p>
      {done && <p role="status">{done}</p>}
      {checkins.error && <Failure error={checkins.error} />}
      {checkins.isPending && <p>{t("app.loading")}</p>}
      {open.map((checkin) => (
        <CheckInForm key={checkin.checkin_id} checkin={checkin} onDone={setDone} />
      ))}
      {checkins.data && open.length === 0 && person.role === "assistant" && <p>{t("checkins.nothingDue")}</p>}
      {person.role === "manager" && person.team_id && <AskForm teamId={person.team_id} />}
      {waiting.length > 0 && (
        <section className="card" aria-labelledby="waiting-title">
          <h2 id="waiting-title">{t("checkins.waiting")}</h2>
          <ul data-testid="checkins-waiting">
            {waiting.map((c) => (
              <li key={c.checkin_id}>
                <WaitingLine checkin={c} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {answers.query.error && <Failure error={answers.query.error} />}
      {(answered.length > 0 || answers.page > 0) && (
        <section className="card" aria-labelledby="answered-title">
          <h2 id="answered-title">{t("checkins.answered")}</h2>
          {answered.map((c) => (
            <Answered key={c.checkin_id} checkin={c} />
          ))}
          <Pager page={answers.page} hasNext={answers.hasNext} onPage={answers.toPage} />
        </section>
      )}
    </section>
  );
}

/** A manager who wants the update before a 1:1 asks a report for a check-in now, on top of the weekly one. */
function AskForm({ teamId }: { teamId: string }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [owner, setOwner] = useState("");
  const team = useQuery({
    queryKey: teamDashboardKey(teamId),
    queryFn: () => answer(apis.goals.GET("/v1/teams/{team_id}/dashboard", { params: { path: { team_id: teamId } } })),
  });
  const request = useSubmission(
    () => answer(apis.goals.POST("/v1/checkins", { body: { owner_id: owner } })),
    () => void queryClient.invalidateQueries({ queryKey: ["checkins", person.person_id] }),
  );
  const members = team.data?.members ?? [];
  return (
    <form aria-label={t("checkins.ask")} noValidate onSubmit={request.submit} className="card">
      <h2>{t("checkins.ask")}</h2>
      <SubmissionErrors submission={request} />
      {request.data && <p role="status">{t("checkins.asked", { who: request.data.owner_name })}</p>}
      <div className="field">
        <label htmlFor="ask-owner">{t("checkins.askWhom")}</label>
        <select
          id="ask-owner"
          value={owner}
          {...request.invalid("owner_id", "ask-owner-error")}
          onChange={(e) => { setOwner(e.target.value); request.reset(); }}
        >
          <option value="">{t("checkins.chooseWhom")}</option>
          {members.map((member) => (
            <option key={member.person_id} value={member.person_id}>{member.display_name}</option>
          ))}
        </select>
        <FieldError id="ask-owner-error" messages={request.errors.owner_id} />
      </div>
      <div className="actions">
        <button type="submit" disabled={request.pending || !owner}>{t("checkins.askSubmit")}</button>
      </div>
    </form>
  );
}

function WaitingLine({ checkin }: { checkin: CheckInOut }) {
  const { t, i18n } = useTranslation();
  const due = date(checkin.due_at, i18n.language);
  return <>{t(checkin.status === "overdue" ? "checkins.overdueLine" : "checkins.dueLine", { who: checkin.owner_name, due })}</>;
}

function Answered({ checkin }: { checkin: CheckInOut }) {
  const { t, i18n } = useTranslation();
  return (
    <article className="checkin" data-testid="checkin-answer" aria-label={t("checkins.answerOf", { who: checkin.owner_name })}>
      <h3>
        {t("checkins.answerHeading", {
          who: checkin.owner_name,
          when: date(checkin.recorded_at ?? checkin.due_at, i18n.language),
          confidence: checkin.confidence ?? "",
        })}
      </h3>
      <ul>
        {checkin.goals.map((goal) => (
          <li key={goal.goal_id}>
            <strong>{goal.title}</strong>: {goal.progress_note || t("checkins.noNote")}
          </li>
        ))}
      </ul>
      <p>
        <strong>{t("checkins.obstacles")}</strong>: {checkin.obstacles || t("checkins.none")}
      </p>
      <p>
        <strong>{t("checkins.helpNeeded")}</strong>: {checkin.help_needed || t("checkins.none")}
      </p>
    </article>
  );
}

interface Draft {
  notes: Record<string, string>;
  obstacles: string;
  help_needed: string;
  confidence: number | null;
}

function CheckInForm({ checkin, onDone }: { checkin: CheckInOut; onDone: (text: string) => void }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const empty: Draft = { notes: {}, obstacles: "", help_needed: "", confidence: null };
  const [draft, setDraft, clearDraft] = useDraft(`checkin.${person.person_id}.${checkin.checkin_id}`, empty);
  const send = useSubmission(
    () =>
      answer(
        apis.goals.POST("/v1/checkins/{checkin_id}/answer", {
          params: { path: { checkin_id: checkin.checkin_id } },
          body: {
            goals: checkin.goals.map((g) => ({ goal_id: g.goal_id, progress_note: draft.notes[g.goal_id] ?? "" })),
            obstacles: draft.obstacles,
            help_needed: draft.help_needed,
            // Left unchosen, the service names the missing field; the form does not guess a confidence.
            confidence: draft.confidence as number,
          },
        }),
      ),
    () => {
      clearDraft();
      onDone(t("checkins.done"));
      void queryClient.invalidateQueries({ queryKey: ["checkins"] });
    },
  );
  const id = (field: string) => `checkin-${checkin.checkin_id}-${field}`;
  return (
    <form className="card checkin-form" aria-label={t("checkins.form")} noValidate onSubmit={send.submit}>
      <h2>{t("checkins.weekOf", { due: date(checkin.due_at, i18n.language) })}</h2>
      {checkin.status === "overdue" && <p className="notice">{t("checkins.overdue")}</p>}
      <SubmissionErrors submission={send} />
      {checkin.goals.map((goal) => (
        <div className="field" key={goal.goal_id}>
          <label htmlFor={id(goal.goal_id)}>{t("checkins.progressOn", { title: goal.title })}</label>
          <textarea
            id={id(goal.goal_id)}
            rows={2}
            value={draft.notes[goal.goal_id] ?? ""}
            onChange={(e) => { setDraft({ ...draft, notes: { ...draft.notes, [goal.goal_id]: e.target.value } }); }}
          />
        </div>
      ))}
      <div className="field">
        <label htmlFor={id("obstacles")}>{t("checkins.obstacles")}</label>
        <textarea
          id={id("obstacles")}
          rows={2}
          value={draft.obstacles}
          {...send.invalid("obstacles", id("obstacles-error"))}
          onChange={(e) => { setDraft({ ...draft, obstacles: e.target.value }); }}
        />
        <FieldError id={id("obstacles-error")} messages={send.errors.obstacles} />
      </div>
      <div className="field">
        <label htmlFor={id("help")}>{t("checkins.helpNeeded")}</label>
        <textarea
          id={id("help")}
          rows={2}
          value={draft.help_needed}
          {...send.invalid("help_needed", id("help-error"))}
          onChange={(e) => { setDraft({ ...draft, help_needed: e.target.value }); }}
        />
        <FieldError id={id("help-error")} messages={send.errors.help_needed} />
      </div>
      <fieldset className="field" {...send.invalid("confidence", id("confidence-error"))}>
        <legend>{t("checkins.confidence")}</legend>
        {CONFIDENCE.map((level) => (
          <label key={level} className="inline">
            <input
              type="radio"
              name={id("confidence")}
              value={level}
              checked={draft.confidence === level}
              onChange={() => { setDraft({ ...draft, confidence: level }); }}
            />
            {t(`checkins.level${level}`)}
          </label>
        ))}
        <FieldError id={id("confidence-error")} messages={send.errors.confidence} />
      </fieldset>
      <button type="submit" disabled={send.pending}>
        {t("checkins.submit")}
      </button>
    </form>
  );
}
