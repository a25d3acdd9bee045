import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { More } from "../components/More";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useMorePages } from "../components/useMorePages";
import { usePeopleNames } from "../components/usePeopleNames";
import { useSubmission } from "../components/useSubmission";
import type { components } from "../client/reviews/schema";
import { day } from "../format";

type Meeting = components["schemas"]["MeetingOut"];
type Agenda = components["schemas"]["AgendaOut"];
const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];
/** Meetings a page of the API holds: the newest first, "More" reads the next. */
const PAGE = 10;

/** Team meetings: the ones you attend or organize, each with its coming agenda; the team's manager (or hr)
 * schedules them and records the minutes with action items. */
export function Meetings() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const { query: meetings, items } = useMorePages(["meetings"], (cursor) =>
    answer(apis.reviews.GET("/v1/meetings", { params: { query: { status: "scheduled", limit: PAGE, cursor } } })),
  );
  const organizes = person.role === "manager" || person.role === "hr";
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("meetings.title")}</h1>
      <p className="hint">{t("meetings.intro")}</p>
      {organizes && <ScheduleForm />}
      {meetings.error && <Failure error={meetings.error} />}
      {meetings.isPending && <p>{t("app.loading")}</p>}
      {meetings.isSuccess && items.length === 0 && <p>{t("meetings.empty")}</p>}
      {items.map((meeting) => (
        <MeetingCard key={meeting.meeting_id} meeting={meeting} organizes={organizes} />
      ))}
      <More list={meetings} label={t("meetings.more")} />
    </section>
  );
}

function ScheduleForm() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState({
    team_id: person.team_id ?? "",
    cadence: "weekly" as "weekly" | "monthly" | "quarterly",
    weekday: "0",
    hour: "10",
    duration_minutes: "45",
  });
  const request = useSubmission(
    () =>
      answer(
        apis.reviews.POST("/v1/meetings", {
          body: {
            team_id: draft.team_id,
            cadence: draft.cadence,
            weekday: Number(draft.weekday),
            hour: Number(draft.hour),
            minute: 0,
            duration_minutes: Number(draft.duration_minutes),
          },
        }),
      ),
    () => void queryClient.invalidateQueries({ queryKey: ["meetings"] }),
  );
  return (
    <form aria-label={t("meetings.schedule")} noValidate onSubmit={request.submit} className="card">
      <h2>{t("meetings.schedule")}</h2>
      <SubmissionErrors submission={request} />
      {person.role === "hr" && (
        <div className="field">
          <label htmlFor="meeting-team">{t("meetings.team")}</label>
          <input
            id="meeting-team"
            value={draft.team_id}
            {...request.invalid("team_id", "meeting-team-error")}
            onChange={(e) => { setDraft({ ...draft, team_id: e.target.value }); }}
          />
          <FieldError id="meeting-team-error" messages={request.errors.team_id} />
        </div>
      )}
      <div className="field">
        <label htmlFor="meeting-cadence">{t("meetings.cadence")}</label>
        <select
          id="meeting-cadence"
          value={draft.cadence}
          onChange={(e) => { setDraft({ ...draft, cadence: e.target.value as typeof draft.cadence }); }}
        >
          {(["weekly", "monthly", "quarterly"] as const).map((c) => (
            <option key={c} value={c}>{t(`meetings.cadences.${c}`)}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="meeting-weekday">{t("meetings.weekday")}</label>
        <select id="meeting-weekday" value={draft.weekday} onChange={(e) => { setDraft({ ...draft, weekday: e.target.value }); }}>
          {WEEKDAYS.map((d) => (
            <option key={d} value={String(d)}>{t(`meetings.weekdays.${d}`)}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="meeting-hour">{t("meetings.hour")}</label>
        <input
          id="meeting-hour"
          inputMode="numeric"
          value={draft.hour}
          {...request.invalid("hour", "meeting-hour-error")}
          onChange={(e) => { setDraft({ ...draft, hour: e.target.value }); }}
        />
        <FieldError id="meeting-hour-error" messages={request.errors.hour} />
      </div>
      <div className="field">
        <label htmlFor="meeting-duration">{t("meetings.duration")}</label>
        <input
          id="meeting-duration"
          inputMode="numeric"
          value={draft.duration_minutes}
          {...request.invalid("duration_minutes", "meeting-duration-error")}
          onChange={(e) => { setDraft({ ...draft, duration_minutes: e.target.value }); }}
        />
        <FieldError id="meeting-duration-error" messages={request.errors.duration_minutes} />
      </div>
      <div className="actions">
        <button type="submit" disabled={request.pending}>{t("meetings.scheduleSubmit")}</button>
      </div>
    </form>
  );
}

function MeetingCard({ meeting, organizes }: { meeting: Meeting; organizes: boolean }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const locale = i18n.language;
  // The talking points come worded in the language the console shows.
  const agenda = useQuery({
    queryKey: ["meeting-agenda", meeting.meeting_id, locale],
    queryFn: () =>
      answer(
        apis.reviews.GET("/v1/meetings/{meeting_id}/agenda", {
          params: { path: { meeting_id: meeting.meeting_id }, query: { locale } },
        }),
      ),
  });
  const time = `${String(meeting.hour).padStart(2, "0")}:${String(meeting.minute).padStart(2, "0")}`;
  return (
    <article className="card" data-testid="meeting" aria-labelledby={`meeting-${meeting.meeting_id}`}>
      <h2 id={`meeting-${meeting.meeting_id}`}>{meeting.title}</h2>
      <p>
        {t("meetings.when", {
          cadence: t(`meetings.cadences.${meeting.cadence}`),
          weekday: t(`meetings.weekdays.${meeting.weekday}`),
          time,
          zone: meeting.timezone,
          minutes: meeting.duration_minutes,
        })}
      </p>
      {meeting.next_occurrence && (
        <p>{t("meetings.next", { when: day(meeting.next_occurrence.start, locale) })}</p>
      )}
      <h3>{agenda.data?.status === "sent" ? t("meetings.agendaSent") : t("meetings.agendaPreview")}</h3>
      {agenda.error && <Failure error={agenda.error} />}
      {agenda.data && (
        <ul data-testid="agenda">
          {agenda.data.talking_points.length === 0 && <li>{t("meetings.nothing")}</li>}
          {agenda.data.talking_points.map((point) => (
            <li key={point}>{point}</li>
          ))}
        </ul>
      )}
      {agenda.data?.quarter?.results && <QuarterResults quarter={agenda.data.quarter} />}
      <ActionItems meeting={meeting} organizes={organizes} />
      {organizes && <MinutesForm meeting={meeting} />}
      {organizes && <ChangeForm meeting={meeting} />}
    </article>
  );
}

/** Last quarter's review results and promotion recommendations: the API sends them to the organizer, the team's
 * manager and hr only, so their presence is what decides whether they show. */
function QuarterResults({ quarter }: { quarter: NonNullable<Agenda["quarter"]> }) {
  const { t } = useTranslation();
  return (
    <section aria-label={t("meetings.quarterResults", { quarter: quarter.quarter })} data-testid="quarter">
      <h3>{t("meetings.quarterResults", { quarter: quarter.quarter })}</h3>
      <p className="hint">{t("meetings.privateHint")}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("meetings.person")}</th>
            <th scope="col">{t("meetings.reviewStatus")}</th>
            <th scope="col">{t("meetings.score")}</th>
          </tr>
        </thead>
        <tbody>
          {(quarter.results ?? []).map((result) => (
            <tr key={result.person_id}>
              <th scope="row">{result.name}</th>
              <td>{t(`meetings.statuses.${result.status}`, { defaultValue: result.status })}</td>
              <td>{result.score ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(quarter.promotions ?? []).length > 0 && (
        <>
          <h4>{t("meetings.promotions")}</h4>
          <ul>
            {(quarter.promotions ?? []).map((promotion) => (
              <li key={`${promotion.person_id}-${promotion.rule}`}>
                {promotion.name}: {promotion.rule} ({promotion.evidence.join("; ")})
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The meeting's open action items, read from its minutes (an agenda already sent keeps the items open when it
 * went); their owner, the team's manager or hr marks one done. */
function ActionItems({ meeting, organizes }: { meeting: Meeting; organizes: boolean }) {
  const { t, i18n } = useTranslation();
  const names = usePeopleNames();
  const { apis } = usePlatform();
  const { person } = useSession();
  const minutes = useQuery({
    queryKey: ["meeting-minutes", meeting.meeting_id],
    queryFn: () =>
      answer(apis.reviews.GET("/v1/meetings/{meeting_id}/minutes", { params: { path: { meeting_id: meeting.meeting_id } } })),
  });
  const items = (minutes.data ?? [])
    .flatMap((recorded) => recorded.action_items)
    .filter((item) => item.status === "open" && (organizes || item.owner_id === person.person_id));
  if (items.length === 0) return null;
  return (
    <section aria-label={t("meetings.openItems", { title: meeting.title })}>
      <h3>{t("meetings.openItems", { title: meeting.title })}</h3>
      <ul>
        {items.map((item) => (
          <li key={item.item_id} data-testid="action-item">
            {item.text} ({names(item.owner_id)}, {t("meetings.dueOn", { day: day(item.due_at, i18n.language) })}){" "}
            <DoneButton meeting={meeting} itemId={item.item_id} text={item.text} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function DoneButton({ meeting, itemId, text }: { meeting: Meeting; itemId: string; text: string }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const request = useSubmission(
    () => answer(apis.reviews.POST("/v1/action-items/{item_id}/done", { params: { path: { item_id: itemId } } })),
    () => {
      // A read begun before the item was done (the agenda in a language just chosen) would answer it still open: it
      // is dropped, and the agenda and minutes read again.
      for (const queryKey of [["meeting-minutes", meeting.meeting_id], ["meeting-agenda", meeting.meeting_id]]) {
        void queryClient.cancelQueries({ queryKey }).then(() => queryClient.invalidateQueries({ queryKey }));
      }
    },
  );
  return (
    <>
      <button type="button" onClick={request.send} disabled={request.pending} aria-label={t("meetings.markDone", { text })}>
        {t("meetings.done")}
      </button>
      {request.failure && <Failure error={request.failure} />}
    </>
  );
}

/** The organizer moves, retitles or cancels the meeting; every attendee's calendar follows the new invitation. */
function ChangeForm({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const id = (field: string) => `change-${meeting.meeting_id}-${field}`;
  const [draft, setDraft] = useState({
    title: meeting.title,
    weekday: String(meeting.weekday),
    hour: String(meeting.hour),
    duration_minutes: String(meeting.duration_minutes),
    reason: "",
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["meetings"] });
  const change = useSubmission(
    () =>
      answer(
        apis.reviews.PATCH("/v1/meetings/{meeting_id}", {
          params: { path: { meeting_id: meeting.meeting_id } },
          body: {
            title: draft.title,
            weekday: Number(draft.weekday),
            hour: Number(draft.hour),
            duration_minutes: Number(draft.duration_minutes),
          },
        }),
      ),
    refresh,
  );
  const cancel = useSubmission(
    () =>
      answer(
        apis.reviews.POST("/v1/meetings/{meeting_id}/cancel", {
          params: { path: { meeting_id: meeting.meeting_id } },
          body: { reason: draft.reason || null },
        }),
      ),
    refresh,
  );
  return (
    <details>
      <summary>{t("meetings.change", { title: meeting.title })}</summary>
      <form aria-label={t("meetings.change", { title: meeting.title })} noValidate onSubmit={change.submit}>
        <SubmissionErrors submission={change} />
        <div className="field">
          <label htmlFor={id("title")}>{t("meetings.meetingTitle")}</label>
          <input
            id={id("title")}
            value={draft.title}
            {...change.invalid("title", id("title-error"))}
            onChange={(e) => { setDraft({ ...draft, title: e.target.value }); }}
          />
          <FieldError id={id("title-error")} messages={change.errors.title} />
        </div>
        <div className="field">
          <label htmlFor={id("weekday")}>{t("meetings.weekday")}</label>
          <select id={id("weekday")} value={draft.weekday} onChange={(e) => { setDraft({ ...draft, weekday: e.target.value }); }}>
            {WEEKDAYS.map((d) => (
              <option key={d} value={String(d)}>{t(`meetings.weekdays.${d}`)}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={id("hour")}>{t("meetings.hour")}</label>
          <input
            id={id("hour")}
            inputMode="numeric"
            value={draft.hour}
            {...change.invalid("hour", id("hour-error"))}
            onChange={(e) => { setDraft({ ...draft, hour: e.target.value }); }}
          />
          <FieldError id={id("hour-error")} messages={change.errors.hour} />
        </div>
        <div className="field">
          <label htmlFor={id("duration")}>{t("meetings.duration")}</label>
          <input
            id={id("duration")}
            inputMode="numeric"
            value={draft.duration_minutes}
            {...change.invalid("duration_minutes", id("duration-error"))}
            onChange={(e) => { setDraft({ ...draft, duration_minutes: e.target.value }); }}
          />
          <FieldError id={id("duration-error")} messages={change.errors.duration_minutes} />
        </div>
        <div className="actions">
          <button type="submit" disabled={change.pending}>{t("meetings.changeSubmit")}</button>
        </div>
        <div className="field">
          <label htmlFor={id("reason")}>{t("meetings.reason")}</label>
          <input id={id("reason")} value={draft.reason} onChange={(e) => { setDraft({ ...draft, reason: e.target.value }); }} />
        </div>
        {cancel.failure && <Failure error={cancel.failure} />}
        <div className="actions">
          <button type="button" className="danger" onClick={cancel.send} disabled={cancel.pending}>
            {t("meetings.cancelSubmit")}
          </button>
        </div>
      </form>
    </details>
  );
}

function MinutesForm({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const names = usePeopleNames();
  const [draft, setDraft] = useState({ notes: "", decisions: "", item: "", owner: meeting.attendee_ids[0] ?? "", due: "" });
  const id = (field: string) => `minutes-${meeting.meeting_id}-${field}`;
  const request = useSubmission(
    () =>
      answer(
        apis.reviews.POST("/v1/meetings/{meeting_id}/minutes", {
          params: { path: { meeting_id: meeting.meeting_id } },
          body: {
            notes: draft.notes,
            decisions: draft.decisions.split("\n").map((line) => line.trim()).filter(Boolean),
            action_items: draft.item
              ? [{ text: draft.item, owner_id: draft.owner, due_at: new Date(`${draft.due}T17:00`).toISOString() }]
              : [],
          },
        }),
      ),
    () => {
      void queryClient.invalidateQueries({ queryKey: ["meeting-agenda", meeting.meeting_id] });
      void queryClient.invalidateQueries({ queryKey: ["meeting-minutes", meeting.meeting_id] });
    },
  );
  if (request.data) return <p role="status">{t("meetings.minutesRecorded")}</p>;
  return (
    <form aria-label={t("meetings.minutes", { title: meeting.title })} noValidate onSubmit={request.submit}>
      <h3>{t("meetings.minutes", { title: meeting.title })}</h3>
      <SubmissionErrors submission={request} />
      <div className="field">
        <label htmlFor={id("notes")}>{t("meetings.notes")}</label>
        <textarea id={id("notes")} rows={2} value={draft.notes} onChange={(e) => { setDraft({ ...draft, notes: e.target.value }); }} />
      </div>
      <div className="field">
        <label htmlFor={id("decisions")}>{t("meetings.decisions")}</label>
        <textarea
          id={id("decisions")}
          rows={2}
          value={draft.decisions}
          onChange={(e) => { setDraft({ ...draft, decisions: e.target.value }); }}
        />
      </div>
      <fieldset>
        <legend>{t("meetings.actionItem")}</legend>
        <div className="field">
          <label htmlFor={id("item")}>{t("meetings.itemText")}</label>
          <input id={id("item")} value={draft.item} onChange={(e) => { setDraft({ ...draft, item: e.target.value }); }} />
        </div>
        <div className="field">
          <label htmlFor={id("owner")}>{t("meetings.owner")}</label>
          <select id={id("owner")} value={draft.owner} onChange={(e) => { setDraft({ ...draft, owner: e.target.value }); }}>
            {meeting.attendee_ids.map((attendee) => (
              <option key={attendee} value={attendee}>{names(attendee)}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={id("due")}>{t("meetings.due")}</label>
          <input id={id("due")} type="date" value={draft.due} onChange={(e) => { setDraft({ ...draft, due: e.target.value }); }} />
        </div>
      </fieldset>
      <FieldError id={id("error")} messages={request.errors[""]} />
      <div className="actions">
        <button type="submit" disabled={request.pending}>{t("meetings.record")}</button>
      </div>
    </form>
  );
}
