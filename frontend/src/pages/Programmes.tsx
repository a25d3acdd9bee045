import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useSubmission } from "../components/useSubmission";
import { day } from "../format";

const CATEGORIES = ["onboarding", "product", "sales_skills", "company_policy", "time_management", "leadership"] as const;
type Category = (typeof CATEGORIES)[number];

function useCatalogue() {
  const { apis } = usePlatform();
  return useQuery({
    queryKey: ["training-catalogue"],
    queryFn: () => answer(apis.reviews.GET("/v1/training/catalogue")),
  });
}

function usePrograms() {
  const { apis } = usePlatform();
  return useQuery({
    queryKey: ["training-programmes"],
    queryFn: () => answer(apis.reviews.GET("/v1/training/programmes")),
  });
}

/** hr's catalogue: every course with its kind, length and pass mark, and a form that adds one or changes one. */
export function CatalogueEditor() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const catalogue = useCatalogue();
  const empty = { course_id: "", title: "", category: "product" as Category, duration: "60", pass_mark: "" };
  const [draft, setDraft] = useState(empty);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useSubmission(
    () =>
      answer(
        apis.reviews.PUT("/v1/training/courses/{course_id}", {
          params: { path: { course_id: draft.course_id } },
          body: {
            title: draft.title,
            category: draft.category,
            duration_minutes: Number(draft.duration),
            pass_mark: draft.pass_mark === "" ? null : Number(draft.pass_mark),
          },
        }),
      ),
    (course) => {
      setSaved(t("programmes.courseSaved", { course: course.title }));
      setDraft(empty);
      void queryClient.invalidateQueries({ queryKey: ["training-catalogue"] });
    },
  );
  const [retired, setRetired] = useState<string | null>(null);
  const retire = useMutation({
    mutationFn: ({ courseId, retired }: { courseId: string; retired: boolean }) =>
      answer(
        retired
          ? apis.reviews.POST("/v1/training/courses/{course_id}/retire", { params: { path: { course_id: courseId } } })
          : apis.reviews.POST("/v1/training/courses/{course_id}/restore", { params: { path: { course_id: courseId } } }),
      ),
    onSuccess: (course) => {
      setRetired(t(course.retired_at ? "programmes.courseRetired" : "programmes.courseRestored", { course: course.title }));
      void queryClient.invalidateQueries({ queryKey: ["training-catalogue"] });
    },
  });
  const edit = (next: Partial<typeof draft>) => {
    setSaved(null);
    save.reset();
    setDraft({ ...draft, ...next });
  };
  return (
    <section className="card" aria-labelledby="catalogue-title">
      <h2 id="catalogue-title">{t("programmes.catalogue")}</h2>
      {catalogue.error && <Failure error={catalogue.error} />}
      {retire.error && <Failure error={retire.error} />}
      {retired && <p role="status">{retired}</p>}
      {catalogue.data && (
        <table data-testid="catalogue">
          <thead>
            <tr>
              <th scope="col">{t("training.course")}</th>
              <th scope="col">{t("training.category")}</th>
              <th scope="col">{t("programmes.duration")}</th>
              <th scope="col">{t("programmes.passMark")}</th>
              <th scope="col">{t("programmes.status")}</th>
            </tr>
          </thead>
          <tbody>
            {catalogue.data.map((course) => (
              <tr key={course.course_id}>
                <th scope="row">{course.title}</th>
                <td>{t(`training.categories.${course.category}`)}</td>
                <td>{t("programmes.minutes", { count: course.duration_minutes })}</td>
                <td>{course.pass_mark ?? t("programmes.noAssessment")}</td>
                <td>
                  <RetiredBadge retired={Boolean(course.retired_at)} />{" "}
                  <button
                    type="button"
                    disabled={retire.isPending}
                    aria-label={t(course.retired_at ? "programmes.restoreCourse" : "programmes.retireCourse", {
                      course: course.title,
                    })}
                    onClick={() => {
                      setSaved(null);
                      retire.mutate({ courseId: course.course_id, retired: !course.retired_at });
                    }}
                  >
                    {course.retired_at ? t("programmes.restore") : t("programmes.retire")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form aria-labelledby="course-form-title" noValidate onSubmit={save.submit}>
        <h3 id="course-form-title">{t("programmes.courseForm")}</h3>
        {saved && <p role="status">{saved}</p>}
        <SubmissionErrors submission={save} />
        <div className="field">
          <label htmlFor="course-id">{t("programmes.courseId")}</label>
          <input
            id="course-id"
            value={draft.course_id}
            aria-describedby="course-id-hint"
            onChange={(e) => { edit({ course_id: e.target.value }); }}
          />
          <p id="course-id-hint" className="hint">{t("programmes.courseIdHint")}</p>
        </div>
        <div className="field">
          <label htmlFor="course-title">{t("programmes.courseTitle")}</label>
          <input
            id="course-title"
            value={draft.title}
            {...save.invalid("title", "course-title-error")}
            onChange={(e) => { edit({ title: e.target.value }); }}
          />
          <FieldError id="course-title-error" messages={save.errors.title} />
        </div>
        <div className="field">
          <label htmlFor="course-category">{t("training.category")}</label>
          <select
            id="course-category"
            value={draft.category}
            onChange={(e) => { edit({ category: e.target.value as Category }); }}
          >
            {CATEGORIES.map((category) => (
              <option key={category} value={category}>{t(`training.categories.${category}`)}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="course-duration">{t("programmes.durationMinutes")}</label>
          <input
            id="course-duration"
            type="number"
            min={1}
            value={draft.duration}
            {...save.invalid("duration_minutes", "course-duration-error")}
            onChange={(e) => { edit({ duration: e.target.value }); }}
          />
          <FieldError id="course-duration-error" messages={save.errors.duration_minutes} />
        </div>
        <div className="field">
          <label htmlFor="course-pass-mark">{t("programmes.passMarkOptional")}</label>
          <input
            id="course-pass-mark"
            type="number"
            min={0}
            max={100}
            value={draft.pass_mark}
            {...save.invalid("pass_mark", "course-pass-mark-error")}
            onChange={(e) => { edit({ pass_mark: e.target.value }); }}
          />
          <FieldError id="course-pass-mark-error" messages={save.errors.pass_mark} />
        </div>
        <button type="submit" disabled={save.pending || !draft.course_id}>{t("programmes.saveCourse")}</button>
      </form>
    </section>
  );
}

/** hr sets up a programme (courses in order, perhaps the onboarding one) and assigns one to a population. */
export function ProgrammeEditor() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const catalogue = useCatalogue();
  const programmes = usePrograms();
  const [title, setTitle] = useState("");
  const [courses, setCourses] = useState<string[]>([]);
  const [onboarding, setOnboarding] = useState(false);
  const [made, setMade] = useState<string | null>(null);
  const titles = new Map((catalogue.data ?? []).map((c) => [c.course_id, c.title]));
  const create = useSubmission(
    () =>
      answer(
        apis.reviews.POST("/v1/training/programmes", {
          body: { title, courses: courses.map((course_id) => ({ course_id, due_days: 14 })), onboarding },
        }),
      ),
    (programme) => {
      setMade(t("programmes.created", { title: programme.title }));
      setTitle("");
      setCourses([]);
      setOnboarding(false);
      void queryClient.invalidateQueries({ queryKey: ["training-programmes"] });
    },
  );
  const changed = () => {
    setMade(null);
    create.reset();
  };
  return (
    <>
      <form className="card" aria-labelledby="programme-form-title" noValidate onSubmit={create.submit}>
        <h2 id="programme-form-title">{t("programmes.setUp")}</h2>
        {made && <p role="status">{made}</p>}
        <SubmissionErrors submission={create} />
        <div className="field">
          <label htmlFor="programme-title">{t("programmes.programmeTitle")}</label>
          <input
            id="programme-title"
            value={title}
            {...create.invalid("title", "programme-title-error")}
            onChange={(e) => { changed(); setTitle(e.target.value); }}
          />
          <FieldError id="programme-title-error" messages={create.errors.title} />
        </div>
        <div className="field">
          <label htmlFor="programme-add-course">{t("programmes.addCourse")}</label>
          <select
            id="programme-add-course"
            value=""
            onChange={(e) => {
              changed();
              if (e.target.value) setCourses([...courses, e.target.value]);
            }}
          >
            <option value="">{t("training.chooseCourse")}</option>
            {(catalogue.data ?? [])
              .filter((c) => !c.retired_at && !courses.includes(c.course_id))
              .map((c) => (
                <option key={c.course_id} value={c.course_id}>{c.title}</option>
              ))}
          </select>
        </div>
        <ol aria-label={t("programmes.inOrder")} data-testid="programme-courses">
          {courses.map((courseId) => (
            <li key={courseId}>
              {titles.get(courseId) ?? courseId}{" "}
              <button
                type="button"
                aria-label={t("programmes.removeCourse", { course: titles.get(courseId) ?? courseId })}
                onClick={() => { changed(); setCourses(courses.filter((c) => c !== courseId)); }}
              >
                {t("programmes.remove")}
              </button>
            </li>
          ))}
        </ol>
        <FieldError id="programme-courses-error" messages={create.errors.courses} />
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={onboarding}
              onChange={(e) => { changed(); setOnboarding(e.target.checked); }}
            />{" "}
            {t("programmes.onboarding")}
          </label>
        </div>
        <button type="submit" disabled={create.pending}>{t("programmes.create")}</button>
      </form>
      <ProgrammeList programmes={programmes.data ?? []} />
      <EnrolPopulation programmes={(programmes.data ?? []).filter((p) => !p.retired_at)} />
    </>
  );
}

function RetiredBadge({ retired }: { retired: boolean }) {
  const { t } = useTranslation();
  return retired ? (
    <span className="badge badge-retired">{t("programmes.retired")}</span>
  ) : (
    <span className="badge badge-offered">{t("programmes.offered")}</span>
  );
}

interface ProgrammeRow {
  programme_id: string;
  title: string;
  onboarding: boolean;
  courses: unknown[];
  retired_at?: string | null;
}

/** hr's programmes, each offered or retired, with the action that retires or restores it. */
function ProgrammeList({ programmes }: { programmes: ProgrammeRow[] }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const [said, setSaid] = useState<string | null>(null);
  const retire = useMutation({
    mutationFn: ({ programmeId, retired }: { programmeId: string; retired: boolean }) =>
      answer(
        retired
          ? apis.reviews.POST("/v1/training/programmes/{programme_id}/retire", {
              params: { path: { programme_id: programmeId } },
            })
          : apis.reviews.POST("/v1/training/programmes/{programme_id}/restore", {
              params: { path: { programme_id: programmeId } },
            }),
      ),
    onSuccess: (programme) => {
      setSaid(
        t(programme.retired_at ? "programmes.programmeRetired" : "programmes.programmeRestored", {
          title: programme.title,
        }),
      );
      void queryClient.invalidateQueries({ queryKey: ["training-programmes"] });
    },
  });
  return (
    <section className="card" aria-labelledby="programme-list-title">
      <h2 id="programme-list-title">{t("programmes.list")}</h2>
      <p className="hint">{t("programmes.retiredOnboardingHint")}</p>
      {said && <p role="status">{said}</p>}
      {retire.error && <Failure error={retire.error} />}
      {programmes.length === 0 ? (
        <p>{t("programmes.noProgrammes")}</p>
      ) : (
        <table data-testid="programmes">
          <thead>
            <tr>
              <th scope="col">{t("programmes.programme")}</th>
              <th scope="col">{t("programmes.coursesHeader")}</th>
              <th scope="col">{t("programmes.status")}</th>
            </tr>
          </thead>
          <tbody>
            {programmes.map((programme) => (
              <tr key={programme.programme_id}>
                <th scope="row">
                  {programme.title}
                  {programme.onboarding && (
                    <>
                      {" "}
                      <span className="badge badge-active">{t("programmes.onboardingBadge")}</span>
                    </>
                  )}
                </th>
                <td>{t("programmes.courses", { count: programme.courses.length })}</td>
                <td>
                  <RetiredBadge retired={Boolean(programme.retired_at)} />{" "}
                  <button
                    type="button"
                    disabled={retire.isPending}
                    aria-label={t(programme.retired_at ? "programmes.restoreProgramme" : "programmes.retireProgramme", {
                      title: programme.title,
                    })}
                    onClick={() => {
                      setSaid(null);
                      retire.mutate({ programmeId: programme.programme_id, retired: !programme.retired_at });
                    }}
                  >
                    {programme.retired_at ? t("programmes.restore") : t("programmes.retire")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function EnrolPopulation({ programmes }: { programmes: { programme_id: string; title: string; onboarding: boolean }[] }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const [programmeId, setProgrammeId] = useState("");
  const [teamId, setTeamId] = useState("");
  const [role, setRole] = useState<"" | "assistant" | "manager">("assistant");
  const [personIds, setPersonIds] = useState("");
  const [outcome, setOutcome] = useState<string | null>(null);
  const enrol = useSubmission(
    () =>
      answer(
        apis.reviews.POST("/v1/training/programmes/{programme_id}/enrolments", {
          params: { path: { programme_id: programmeId } },
          body: {
            team_id: teamId || null,
            role: role || null,
            person_ids: personIds.split(",").map((id) => id.trim()).filter(Boolean),
          },
        }),
      ),
    (result) => {
      setOutcome(
        t("programmes.enrolled", { enrolled: result.enrolled.length, already: result.already_enrolled.length }),
      );
    },
  );
  const changed = () => {
    setOutcome(null);
    enrol.reset();
  };
  return (
    <form className="card" aria-labelledby="enrol-title" noValidate onSubmit={enrol.submit}>
      <h2 id="enrol-title">{t("programmes.assign")}</h2>
      {outcome && <p role="status">{outcome}</p>}
      <SubmissionErrors submission={enrol} />
      <div className="field">
        <label htmlFor="enrol-programme">{t("programmes.programme")}</label>
        <select id="enrol-programme" value={programmeId} onChange={(e) => { changed(); setProgrammeId(e.target.value); }}>
          <option value="">{t("programmes.chooseProgramme")}</option>
          {programmes.map((p) => (
            <option key={p.programme_id} value={p.programme_id}>
              {p.onboarding ? t("programmes.onboardingTitle", { title: p.title }) : p.title}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="enrol-team">{t("programmes.team")}</label>
        <input id="enrol-team" value={teamId} onChange={(e) => { changed(); setTeamId(e.target.value); }} />
      </div>
      <div className="field">
        <label htmlFor="enrol-role">{t("programmes.role")}</label>
        <select
          id="enrol-role"
          value={role}
          onChange={(e) => { changed(); setRole(e.target.value as typeof role); }}
        >
          <option value="">{t("programmes.anyRole")}</option>
          <option value="assistant">{t("programmes.assistants")}</option>
          <option value="manager">{t("programmes.managers")}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="enrol-people">{t("programmes.people")}</label>
        <input
          id="enrol-people"
          value={personIds}
          aria-describedby="enrol-people-hint"
          {...enrol.invalid("person_ids", "enrol-people-error")}
          onChange={(e) => { changed(); setPersonIds(e.target.value); }}
        />
        <p id="enrol-people-hint" className="hint">{t("programmes.peopleHint")}</p>
        <FieldError id="enrol-people-error" messages={enrol.errors.person_ids} />
      </div>
      <button type="submit" disabled={enrol.pending || !programmeId}>{t("programmes.assignButton")}</button>
    </form>
  );
}

/** A person's programmes: how far each is, and (for herself) the due course to complete, with a score if assessed. */
export function MyProgrammes({ personId, own }: { personId: string; own: boolean }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const [scores, setScores] = useState<Record<string, string>>({});
  const [said, setSaid] = useState<string | null>(null);
  const progress = useQuery({
    queryKey: ["programmes", personId],
    queryFn: () =>
      answer(apis.reviews.GET("/v1/training/enrolments", { params: { query: { person_id: personId } } })),
  });
  const complete = useMutation({
    mutationFn: ({ assignmentId, score }: { assignmentId: string; score: string | null }) =>
      answer(
        apis.reviews.POST("/v1/training/assignments/{assignment_id}/complete", {
          params: { path: { assignment_id: assignmentId } },
          body: score === null || score === "" ? {} : { score: Number(score) },
        }),
      ),
    onSuccess: (done) => {
      setSaid(
        done.completed_at
          ? t("training.completedNow", { course: done.course_title })
          : t("programmes.belowPassMark", {
              course: done.course_title,
              score: done.attempts.at(-1)?.score,
              mark: done.pass_mark,
            }),
      );
      void queryClient.invalidateQueries({ queryKey: ["programmes", personId] });
      void queryClient.invalidateQueries({ queryKey: ["training", personId] });
    },
  });
  const enrolments = progress.data ?? [];
  return (
    <section className="card" aria-labelledby="programmes-title">
      <h2 id="programmes-title">{own ? t("programmes.yours") : t("programmes.theirs")}</h2>
      {said && <p role="status">{said}</p>}
      {complete.error && <Failure error={complete.error} />}
      {progress.error && <Failure error={progress.error} />}
      {progress.isSuccess && enrolments.length === 0 && <p>{t("programmes.none")}</p>}
      {enrolments.map((enrolment) => (
        <article key={enrolment.enrolment_id} aria-labelledby={`programme-${enrolment.enrolment_id}`}>
          <h3 id={`programme-${enrolment.enrolment_id}`}>{enrolment.title}</h3>
          <p>
            {t("programmes.progress", { done: enrolment.completed_courses, count: enrolment.courses.length })}
            {enrolment.completed_at && ` ${t("programmes.completedOn", { at: day(enrolment.completed_at, i18n.language) })}`}
          </p>
          <ol data-testid="programme-progress">
            {enrolment.courses.map((step) => (
              <li key={step.course_id}>
                <strong>{step.course_title}</strong>{" "}
                {step.status === "completed" &&
                  (step.score
                    ? t("programmes.passedWith", { score: step.score })
                    : t("training.completedOn", { at: day(step.completed_at ?? "", i18n.language) }))}
                {step.status === "upcoming" && t("programmes.upcoming")}
                {step.status === "due" && t("programmes.dueBy", { at: day(step.due_at ?? "", i18n.language) })}
                {step.status === "due" && own && step.assignment_id && (
                  <span className="inline-form">
                    {step.pass_mark !== null && (
                      <>
                        {" "}
                        <label htmlFor={`score-${step.assignment_id}`}>
                          {t("programmes.score", { mark: step.pass_mark })}
                        </label>{" "}
                        <input
                          id={`score-${step.assignment_id}`}
                          type="number"
                          min={0}
                          max={100}
                          value={scores[step.assignment_id] ?? ""}
                          onChange={(e) => { setScores({ ...scores, [step.assignment_id ?? ""]: e.target.value }); }}
                        />
                      </>
                    )}{" "}
                    <button
                      type="button"
                      disabled={complete.isPending}
                      aria-label={t("training.complete", { course: step.course_title })}
                      onClick={() => {
                        setSaid(null);
                        const id = step.assignment_id ?? "";
                        complete.mutate({ assignmentId: id, score: step.pass_mark !== null ? (scores[id] ?? "") : null });
                      }}
                    >
                      {t("training.completeShort")}
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ol>
        </article>
      ))}
    </section>
  );
}
