import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { PersonPicker } from "../components/PersonPicker";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useSubmission } from "../components/useSubmission";

const CADENCES = ["weekly", "monthly", "quarterly", "custom"] as const;
type Cadence = (typeof CADENCES)[number];
/** Whom a cycle reviews: the API takes one of a team, a list of people, or everyone in a role. */
type Who = "team" | "people" | "role";

/** The templates a cycle may be opened on, each in its newest version (the first 200 names: a company has a few). */
function useLatestTemplates() {
  const { apis } = usePlatform();
  return useQuery({
    queryKey: ["review-templates", "all"],
    queryFn: () => answer(apis.reviews.GET("/v1/templates", { params: { query: { limit: 200 } } })),
  });
}

/** hr opens a review cycle: its name, cadence and period, the template it asks, and whom it reviews. */
export function OpenCycle() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const templates = useLatestTemplates();
  const [name, setName] = useState("");
  const [cadence, setCadence] = useState<Cadence>("monthly");
  const [templateName, setTemplateName] = useState("");
  const [periodStart, setPeriodStart] = useState("");
  const [periodEnd, setPeriodEnd] = useState("");
  const [who, setWho] = useState<Who>("team");
  const [teamId, setTeamId] = useState("");
  const [role, setRole] = useState<"assistant" | "manager">("assistant");
  const [people, setPeople] = useState<string[]>([]);
  const [picked, setPicked] = useState("");
  const [recurring, setRecurring] = useState(false);
  const [opened, setOpened] = useState<string | null>(null);
  const open = useSubmission(
    () =>
      answer(
        apis.reviews.POST("/v1/cycles", {
          body: {
            name,
            cadence,
            template_name: templateName,
            period_start: periodStart,
            period_end: cadence === "custom" && periodEnd ? periodEnd : null,
            ...(who === "team" ? { team_id: teamId } : {}),
            ...(who === "people" ? { person_ids: people } : {}),
            ...(who === "role" ? { role } : {}),
            recurring: cadence !== "custom" && recurring,
          },
        }),
      ),
    (cycle) => {
      setOpened(t("openCycle.opened", { name: cycle.name }));
      setName("");
      void queryClient.invalidateQueries({ queryKey: ["review-cycles"] });
    },
  );
  const changed = () => {
    setOpened(null);
    open.reset();
  };
  const { errors } = open;
  return (
    <form className="card" aria-labelledby="open-cycle-title" noValidate onSubmit={open.submit}>
      <h2 id="open-cycle-title">{t("openCycle.title")}</h2>
      {opened && <p role="status">{opened}</p>}
      <SubmissionErrors submission={open} />
      <div className="field">
        <label htmlFor="cycle-name">{t("openCycle.name")}</label>
        <input
          id="cycle-name"
          value={name}
          aria-describedby="cycle-name-hint"
          {...open.invalid("name", "cycle-name-error")}
          onChange={(e) => { changed(); setName(e.target.value); }}
        />
        <p id="cycle-name-hint" className="hint">{t("openCycle.nameHint")}</p>
        <FieldError id="cycle-name-error" messages={errors.name} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="cycle-cadence">{t("openCycle.cadence")}</label>
          <select
            id="cycle-cadence"
            value={cadence}
            {...open.invalid("cadence", "cycle-cadence-error")}
            onChange={(e) => { changed(); setCadence(e.target.value as Cadence); }}
          >
            {CADENCES.map((c) => (
              <option key={c} value={c}>{t(`cycles.cadence.${c}`)}</option>
            ))}
          </select>
          <FieldError id="cycle-cadence-error" messages={errors.cadence} />
        </div>
        <div className="field">
          <label htmlFor="cycle-template">{t("openCycle.template")}</label>
          <select
            id="cycle-template"
            value={templateName}
            {...open.invalid("template_name", "cycle-template-error")}
            onChange={(e) => { changed(); setTemplateName(e.target.value); }}
          >
            <option value="">{templates.isPending ? t("app.loading") : t("openCycle.chooseTemplate")}</option>
            {(templates.data?.items ?? []).map((template) => (
              <option key={template.name} value={template.name}>
                {t("openCycle.templateOption", { title: template.title, version: template.version })}
              </option>
            ))}
          </select>
          <FieldError id="cycle-template-error" messages={errors.template_name} />
          {templates.error && <Failure error={templates.error} />}
        </div>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="cycle-start">{t("openCycle.periodStart")}</label>
          <input
            id="cycle-start"
            type="date"
            value={periodStart}
            aria-describedby="cycle-start-hint"
            {...open.invalid("period_start", "cycle-start-error")}
            onChange={(e) => { changed(); setPeriodStart(e.target.value); }}
          />
          <p id="cycle-start-hint" className="hint">{t("openCycle.periodStartHint")}</p>
          <FieldError id="cycle-start-error" messages={errors.period_start} />
        </div>
        {cadence === "custom" && (
          <div className="field">
            <label htmlFor="cycle-end">{t("openCycle.periodEnd")}</label>
            <input
              id="cycle-end"
              type="date"
              value={periodEnd}
              {...open.invalid("period_end", "cycle-end-error")}
              onChange={(e) => { changed(); setPeriodEnd(e.target.value); }}
            />
            <FieldError id="cycle-end-error" messages={errors.period_end} />
          </div>
        )}
      </div>
      <fieldset className="choice">
        <legend>{t("openCycle.who")}</legend>
        {(["team", "people", "role"] as const).map((choice) => (
          <label key={choice}>
            <input
              type="radio"
              name="cycle-who"
              value={choice}
              checked={who === choice}
              onChange={() => { changed(); setWho(choice); }}
            />{" "}
            {t(`openCycle.whoChoice.${choice}`)}
          </label>
        ))}
      </fieldset>
      <div>
        {who === "team" && (
          <div className="field">
            <label htmlFor="cycle-team">{t("openCycle.team")}</label>
            <input
              id="cycle-team"
              value={teamId}
              {...open.invalid("team_id", "cycle-team-error")}
              onChange={(e) => { changed(); setTeamId(e.target.value); }}
            />
            <FieldError id="cycle-team-error" messages={errors.team_id} />
          </div>
        )}
        {who === "role" && (
          <div className="field">
            <label htmlFor="cycle-role">{t("openCycle.role")}</label>
            <select
              id="cycle-role"
              value={role}
              {...open.invalid("role", "cycle-role-error")}
              onChange={(e) => { changed(); setRole(e.target.value as typeof role); }}
            >
              <option value="assistant">{t("openCycle.everyAssistant")}</option>
              <option value="manager">{t("openCycle.everyManager")}</option>
            </select>
            <FieldError id="cycle-role-error" messages={errors.role} />
          </div>
        )}
        {who === "people" && (
          <>
            <PersonPicker id="cycle-person" label={t("openCycle.addPerson")} value={picked} onChange={setPicked} />
            <button
              type="button"
              disabled={!picked || people.includes(picked)}
              onClick={() => { changed(); setPeople([...people, picked]); setPicked(""); }}
            >
              {t("openCycle.add")}
            </button>
            <ul aria-label={t("openCycle.chosen")} data-testid="cycle-people">
              {people.map((personId) => (
                <li key={personId}>
                  {personId}{" "}
                  <button
                    type="button"
                    aria-label={t("openCycle.remove", { person: personId })}
                    onClick={() => { changed(); setPeople(people.filter((p) => p !== personId)); }}
                  >
                    {t("openCycle.removeShort")}
                  </button>
                </li>
              ))}
            </ul>
            <FieldError id="cycle-people-error" messages={errors.person_ids} />
          </>
        )}
      </div>
      {cadence !== "custom" && (
        <div className="field">
          <label>
            <input type="checkbox" checked={recurring} onChange={(e) => { changed(); setRecurring(e.target.checked); }} />{" "}
            {t("openCycle.recurring")}
          </label>
        </div>
      )}
      <button type="submit" disabled={open.pending}>{t("openCycle.submit")}</button>
    </form>
  );
}
