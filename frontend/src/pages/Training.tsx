import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { useSession } from "../auth/AuthContext";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { PersonPicker } from "../components/PersonPicker";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";
import { day } from "../format";
import { CatalogueEditor, MyProgrammes, ProgrammeEditor } from "./Programmes";

const PAGE = 20;

/** An assistant's own training, completed here; hr assigns courses from the catalogue and follows each person's. */
export function Training() {
  const { t } = useTranslation();
  const { person } = useSession();
  const assigns = person.role === "hr" || person.role === "admin";
  const [chosen, setChosen] = useState("");
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{assigns ? t("training.title") : t("training.mine")}</h1>
      {assigns ? (
        <>
          <Assign personId={chosen} onPerson={setChosen} />
          {chosen && <Assignments personId={chosen} own={false} />}
          {chosen && <MyProgrammes personId={chosen} own={false} />}
          <ProgrammeEditor />
          <CatalogueEditor />
        </>
      ) : (
        <>
          <MyProgrammes personId={person.person_id} own />
          <Assignments personId={person.person_id} own />
        </>
      )}
    </section>
  );
}

/** The end of the chosen day where the browser is: a course due "on the 15th" is due all that day. */
function dueAt(dateText: string): string {
  return dateText ? new Date(`${dateText}T23:59:59`).toISOString() : "";
}

function Assign({ personId, onPerson }: { personId: string; onPerson: (personId: string) => void }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft, clearDraft] = useDraft(`training.${person.person_id}`, { course_id: "", due: "" });
  const [assigned, setAssigned] = useState<string | null>(null);
  const catalogue = useQuery({
    queryKey: ["training-catalogue"],
    queryFn: () => answer(apis.reviews.GET("/v1/training/catalogue")),
    staleTime: Infinity,
  });
  const assign = useSubmission(
    () =>
      answer(
        apis.reviews.POST("/v1/training/assignments", {
          body: { person_id: personId, course_id: draft.course_id, due_at: dueAt(draft.due) },
        }),
      ),
    (made) => {
      setAssigned(t("training.assigned", { course: made.course_title }));
      clearDraft();
      void queryClient.invalidateQueries({ queryKey: ["training", made.person_id] });
    },
  );
  const edit = (next: Partial<typeof draft>) => {
    setAssigned(null);
    assign.reset();
    setDraft({ ...draft, ...next });
  };
  return (
    <form className="card" aria-labelledby="assign-title" noValidate onSubmit={assign.submit}>
      <h2 id="assign-title">{t("training.assign")}</h2>
      {assigned && <p role="status">{assigned}</p>}
      {catalogue.error && <Failure error={catalogue.error} />}
      <SubmissionErrors submission={assign} />
      <PersonPicker
        id="training-person"
        label={t("training.person")}
        value={personId}
        onChange={(chosen) => {
          setAssigned(null);
          assign.reset();
          onPerson(chosen);
        }}
      />
      <FieldError id="training-person-error" messages={assign.errors.person_id} />
      <div className="field">
        <label htmlFor="training-course">{t("training.course")}</label>
        <select
          id="training-course"
          value={draft.course_id}
          {...assign.invalid("course_id", "training-course-error")}
          onChange={(e) => { edit({ course_id: e.target.value }); }}
        >
          <option value="">{t("training.chooseCourse")}</option>
          {(catalogue.data ?? []).filter((course) => !course.retired_at).map((course) => (
            <option key={course.course_id} value={course.course_id}>
              {course.title} — {t(`training.categories.${course.category}`)}
            </option>
          ))}
        </select>
        <FieldError id="training-course-error" messages={assign.errors.course_id} />
      </div>
      <div className="field">
        <label htmlFor="training-due">{t("training.due")}</label>
        <input
          id="training-due"
          type="date"
          value={draft.due}
          {...assign.invalid("due_at", "training-due-error")}
          onChange={(e) => { edit({ due: e.target.value }); }}
        />
        <FieldError id="training-due-error" messages={assign.errors.due_at} />
      </div>
      <button type="submit" disabled={assign.pending || !personId}>
        {t("training.assignButton")}
      </button>
    </form>
  );
}

function Assignments({ personId, own }: { personId: string; own: boolean }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const [completed, setCompleted] = useState<string | null>(null);
  const list = useInfiniteQuery({
    queryKey: ["training", personId],
    queryFn: ({ pageParam }) =>
      answer(
        apis.reviews.GET("/v1/training/assignments", {
          params: { query: { person_id: personId, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  // Each button says which assignment; nothing is typed, so a refusal (403, 409) is all there is to show.
  const complete = useMutation({
    mutationFn: (assignmentId: string) =>
      answer(
        apis.reviews.POST("/v1/training/assignments/{assignment_id}/complete", {
          params: { path: { assignment_id: assignmentId } },
        }),
      ),
    onSuccess: (done) => {
      setCompleted(t("training.completedNow", { course: done.course_title }));
      void queryClient.invalidateQueries({ queryKey: ["training", personId] });
    },
  });
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className="card" aria-labelledby="assignments-title">
      <h2 id="assignments-title">{own ? t("training.yours") : t("training.theirs")}</h2>
      {completed && <p role="status">{completed}</p>}
      {complete.error && <Failure error={complete.error} />}
      {list.error && <Failure error={list.error} />}
      {list.isPending && <p>{t("app.loading")}</p>}
      {list.isSuccess && items.length === 0 && <p>{t("training.none")}</p>}
      {items.length > 0 && (
        <table data-testid="training">
          <thead>
            <tr>
              <th scope="col">{t("training.course")}</th>
              <th scope="col">{t("training.category")}</th>
              <th scope="col">{t("training.due")}</th>
              <th scope="col">{t("training.status")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.assignment_id}>
                <th scope="row">{item.course_title}</th>
                <td>{t(`training.categories.${item.category}`)}</td>
                <td>{day(item.due_at, i18n.language)}</td>
                <td>
                  {item.completed_at ? (
                    t("training.completedOn", { at: day(item.completed_at, i18n.language) })
                  ) : own ? (
                    <button
                      type="button"
                      disabled={complete.isPending}
                      aria-label={t("training.complete", { course: item.course_title })}
                      onClick={() => {
                        setCompleted(null);
                        complete.mutate(item.assignment_id);
                      }}
                    >
                      {t("training.completeShort")}
                    </button>
                  ) : (
                    t("training.open")
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && (
        <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {t("training.more")}
        </button>
      )}
    </section>
  );
}
