import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { useSession } from "../auth/AuthContext";
import { Chart } from "../charts/Chart";
import { dutyTrendOption, recentQuarters } from "../charts/duties";
import type { components } from "../client/reviews/schema";
import { Failure } from "../components/Failure";
import { PersonPicker } from "../components/PersonPicker";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useSubmission } from "../components/useSubmission";

type RoleProfile = components["schemas"]["RoleProfileOut"];
type DutyTrend = components["schemas"]["DutyTrend"];

/** Duties of the role: hr keeps the role profiles, a manager scores each duty per quarter, everyone sees the trend. */
export function Duties() {
  const { t } = useTranslation();
  const { person } = useSession();
  const [chosen, setChosen] = useState("");
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("duties.title")}</h1>
      <p className="hint">{t("duties.intro")}</p>
      {person.role === "assistant" && <Trend personId={person.person_id} own />}
      {person.role === "manager" && <ScoreDuties />}
      {(person.role === "hr" || person.role === "admin") && (
        <>
          <RoleProfiles />
          <section className="card" aria-labelledby="whose-title">
            <h2 id="whose-title">{t("duties.whoseTrend")}</h2>
            <PersonPicker id="duties-person" label={t("duties.person")} value={chosen} onChange={setChosen} />
          </section>
          {chosen && <Trend personId={chosen} own={false} />}
        </>
      )}
    </section>
  );
}

function RoleProfiles() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const profiles = useQuery({
    queryKey: ["role-profiles"],
    queryFn: () => answer(apis.reviews.GET("/v1/role-profiles")),
  });
  return (
    <>
      {profiles.error && <Failure error={profiles.error} />}
      {profiles.isPending && <p>{t("app.loading")}</p>}
      {(profiles.data ?? []).map((profile) => (
        <Profile key={profile.profile_id} profile={profile} />
      ))}
    </>
  );
}

function Profile({ profile }: { profile: RoleProfile }) {
  const { t } = useTranslation();
  const headingId = `profile-${profile.name}`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t("duties.profileTitle", { title: profile.title, version: profile.version, role: t(`roles.${profile.role}`) })}
      </h2>
      <table data-testid={`profile-${profile.name}`}>
        <caption>{t("duties.dutiesCaption", { title: profile.title })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("duties.duty")}</th>
            <th scope="col">{t("duties.expectations")}</th>
            <th scope="col">{t("duties.skills")}</th>
          </tr>
        </thead>
        <tbody>
          {profile.duties.map((duty) => (
            <tr key={duty.key}>
              <th scope="row">{duty.name}</th>
              <td>
                <ul>
                  {duty.expectations.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </td>
              <td>{duty.skills.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddDuty profile={profile} />
    </section>
  );
}

const NEW_DUTY = { key: "", name: "", expectations: "", skills: "" };

/** Saving the profile with one more duty makes its next version; the versions before it stay as they were. */
function AddDuty({ profile }: { profile: RoleProfile }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(NEW_DUTY);
  const [saved, setSaved] = useState<string | null>(null);
  const id = (field: string) => `add-duty-${profile.name}-${field}`;
  const lines = (text: string, separator: string | RegExp) =>
    text.split(separator).map((s) => s.trim()).filter(Boolean);
  const save = useSubmission(
    () =>
      answer(
        apis.reviews.POST("/v1/role-profiles", {
          body: {
            name: profile.name,
            title: profile.title,
            role: profile.role,
            duties: [
              ...profile.duties,
              {
                key: draft.key.trim(),
                name: draft.name.trim(),
                expectations: lines(draft.expectations, "\n"),
                skills: lines(draft.skills, ","),
              },
            ],
          },
        }),
      ),
    (made) => {
      setSaved(t("duties.saved", { profile: made.profile_id }));
      setDraft(NEW_DUTY);
      void queryClient.invalidateQueries({ queryKey: ["role-profiles"] });
    },
  );
  const edit = (next: Partial<typeof draft>) => {
    setSaved(null);
    save.reset();
    setDraft({ ...draft, ...next });
  };
  return (
    <form aria-label={t("duties.addDuty", { title: profile.title })} noValidate onSubmit={save.submit}>
      <h3>{t("duties.addDuty", { title: profile.title })}</h3>
      {saved && <p role="status">{saved}</p>}
      <SubmissionErrors submission={save} />
      <div className="field">
        <label htmlFor={id("key")}>{t("duties.key")}</label>
        <input id={id("key")} value={draft.key} onChange={(e) => { edit({ key: e.target.value }); }} />
        <p className="hint">{t("duties.keyHint")}</p>
      </div>
      <div className="field">
        <label htmlFor={id("name")}>{t("duties.name")}</label>
        <input id={id("name")} value={draft.name} onChange={(e) => { edit({ name: e.target.value }); }} />
      </div>
      <div className="field">
        <label htmlFor={id("expectations")}>{t("duties.expectationsField")}</label>
        <textarea
          id={id("expectations")}
          rows={3}
          value={draft.expectations}
          onChange={(e) => { edit({ expectations: e.target.value }); }}
        />
      </div>
      <div className="field">
        <label htmlFor={id("skills")}>{t("duties.skillsField")}</label>
        <input id={id("skills")} value={draft.skills} onChange={(e) => { edit({ skills: e.target.value }); }} />
      </div>
      <button type="submit" disabled={save.pending}>
        {t("duties.saveVersion")}
      </button>
    </form>
  );
}

function useTrend(personId: string) {
  const { apis } = usePlatform();
  return useQuery({
    queryKey: ["duty-trend", personId],
    queryFn: () =>
      answer(apis.reviews.GET("/v1/duty-evaluations/{person_id}", { params: { path: { person_id: personId } } })),
    enabled: personId !== "",
  });
}

/** A manager picks a report and a quarter and scores every duty of the report's role profile. */
function ScoreDuties() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const people = useQuery({
    queryKey: ["feedback-recipients"],
    queryFn: () => answer(apis.feedback.GET("/v1/feedback/recipients")),
  });
  const reports = (people.data ?? []).filter((p) => p.direction === "downward");
  const [personId, setPersonId] = useState("");
  const chosen = personId || reports[0]?.person_id || "";
  return (
    <>
      {people.error && <Failure error={people.error} />}
      {people.isSuccess && reports.length === 0 && <p>{t("duties.noReports")}</p>}
      {reports.length > 0 && (
        <div className="field">
          <label htmlFor="duties-report">{t("duties.report")}</label>
          <select id="duties-report" value={chosen} onChange={(e) => { setPersonId(e.target.value); }}>
            {reports.map((p) => (
              <option key={p.person_id} value={p.person_id}>
                {p.display_name}
              </option>
            ))}
          </select>
        </div>
      )}
      {chosen && <ScoreForm key={chosen} personId={chosen} />}
      {chosen && <Trend personId={chosen} own={false} />}
    </>
  );
}

function ScoreForm({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const trend = useTrend(personId);
  const quarters = recentQuarters(new Date());
  const [quarter, setQuarter] = useState(quarters[1] ?? "");
  const [scores, setScores] = useState<Record<string, number>>({});
  const [comment, setComment] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const send = useSubmission(
    () =>
      answer(
        apis.reviews.PUT("/v1/duty-evaluations/{person_id}/{quarter}", {
          params: { path: { person_id: personId, quarter } },
          body: { scores, comment },
        }),
      ),
    (made) => {
      setSaved(t("duties.scored", { quarter: made.quarter, average: made.average }));
      void queryClient.invalidateQueries({ queryKey: ["duty-trend", personId] });
    },
  );
  const edit = (change: () => void) => {
    setSaved(null);
    send.reset();
    change();
  };
  const duties = trend.data?.duties ?? [];
  return (
    <form className="card" aria-labelledby="score-title" noValidate onSubmit={send.submit}>
      <h2 id="score-title">{t("duties.scoreTitle")}</h2>
      {saved && <p role="status">{saved}</p>}
      {trend.error && <Failure error={trend.error} />}
      <SubmissionErrors submission={send} />
      <div className="field">
        <label htmlFor="duties-quarter">{t("duties.quarter")}</label>
        <select id="duties-quarter" value={quarter} onChange={(e) => { edit(() => { setQuarter(e.target.value); }); }}>
          {quarters.map((q) => (
            <option key={q} value={q}>
              {q}
            </option>
          ))}
        </select>
      </div>
      {duties.map((duty) => (
        <div className="field" key={duty.key}>
          <label htmlFor={`duty-score-${duty.key}`}>{duty.name}</label>
          <select
            id={`duty-score-${duty.key}`}
            value={scores[duty.key] ?? ""}
            onChange={(e) => {
              const value = e.target.value;
              edit(() => {
                const others = Object.entries(scores).filter(([key]) => key !== duty.key);
                setScores(Object.fromEntries(value ? [...others, [duty.key, Number(value)]] : others));
              });
            }}
          >
            <option value="">{t("duties.chooseScore")}</option>
            {[1, 2, 3, 4, 5].map((n) => (
              <option key={n} value={n}>
                {t(`duties.scale.${n}`)}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div className="field">
        <label htmlFor="duties-comment">{t("duties.comment")}</label>
        <textarea id="duties-comment" rows={2} value={comment} onChange={(e) => { edit(() => { setComment(e.target.value); }); }} />
      </div>
      <button type="submit" disabled={send.pending || duties.length === 0}>
        {t("duties.saveScores")}
      </button>
    </form>
  );
}

/** The quarters scored so far, as lines (ECharts) and as a table with the same numbers. */
function Trend({ personId, own }: { personId: string; own: boolean }) {
  const { t } = useTranslation();
  const trend = useTrend(personId);
  return (
    <section className="card" aria-labelledby="trend-title">
      <h2 id="trend-title">{own ? t("duties.yourTrend") : t("duties.theirTrend")}</h2>
      {trend.error && <Failure error={trend.error} />}
      {trend.isPending && <p>{t("app.loading")}</p>}
      {trend.data && trend.data.quarters.length === 0 && <p>{t("duties.noneYet")}</p>}
      {trend.data && trend.data.quarters.length > 0 && <TrendShown trend={trend.data} />}
    </section>
  );
}

function TrendShown({ trend }: { trend: DutyTrend }) {
  const { t } = useTranslation();
  const summary = trend.quarters.map((q) => t("duties.averageOf", { quarter: q.quarter, average: q.average })).join("; ");
  return (
    <>
      <Chart option={dutyTrendOption(trend)} label={t("duties.chartLabel", { summary })} height={260} testId="duty-chart" />
      <table data-testid="duty-trend">
        <caption>{t("duties.trendCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("duties.duty")}</th>
            {trend.quarters.map((q) => (
              <th scope="col" key={q.quarter}>
                {q.quarter}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {trend.duties.map((duty) => (
            <tr key={duty.key}>
              <th scope="row">{duty.name}</th>
              {(trend.series[duty.key] ?? []).map((point) => (
                <td key={point.quarter}>{point.score ?? t("duties.notScored")}</td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">{t("duties.average")}</th>
            {trend.quarters.map((q) => (
              <td key={q.quarter}>{q.average}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </>
  );
}
