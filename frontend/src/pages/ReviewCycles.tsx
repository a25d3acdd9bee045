import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { Failure } from "../components/Failure";
import { Pager } from "../components/Pager";
import { useCursorPages } from "../components/useCursorPages";
import { date } from "../format";
import { OpenCycle } from "./OpenCycle";

const PAGE_SIZE = 10;
const DAY = 86_400_000;

/** hr opens review cycles and follows them: how many reviews each holds, how far they are, which steps ran late. */
export function ReviewCycles() {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const cycles = useCursorPages(["review-cycles"], (cursor) =>
    answer(apis.reviews.GET("/v1/cycles", { params: { query: { limit: PAGE_SIZE, cursor } } })),
  );
  const locale = i18n.language;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("cycles.title")}</h1>
      <p className="hint">{t("cycles.intro")}</p>
      <OpenCycle />
      {cycles.query.error && <Failure error={cycles.query.error} />}
      {cycles.query.isPending && <p>{t("app.loading")}</p>}
      {cycles.query.data && cycles.items.length === 0 && cycles.page === 0 && <p>{t("cycles.empty")}</p>}
      {cycles.items.length > 0 && (
        <table data-testid="cycles">
          <caption className="hint">{t("cycles.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("cycles.cycle")}</th>
              <th scope="col">{t("cycles.period")}</th>
              <th scope="col" className="amount">{t("cycles.reviews")}</th>
              <th scope="col">{t("cycles.progress")}</th>
              <th scope="col">{t("cycles.overdue")}</th>
            </tr>
          </thead>
          <tbody>
            {cycles.items.map((cycle) => {
              const { progress } = cycle;
              const count = (status: string) => progress.by_status[status] ?? 0;
              const done = count("completed") + count("acknowledged");
              // period_end is the day after the last: the last day shown is the one before it.
              const last = new Date(new Date(cycle.period_end).getTime() - DAY).toISOString();
              return (
                <tr key={cycle.cycle_id}>
                  <th scope="row">
                    {cycle.name}
                    <div className="hint">
                      {t(`cycles.cadence.${cycle.cadence}`)} · {cycle.template_id}
                    </div>
                  </th>
                  <td>{t("goal.period", { start: date(cycle.period_start, locale), end: date(last, locale) })}</td>
                  <td className="amount">{progress.reviews}</td>
                  <td>
                    <progress
                      max={progress.reviews}
                      value={done}
                      aria-label={t("cycles.progressOf", { name: cycle.name })}
                    />{" "}
                    {t("cycles.completedOf", { done, total: progress.reviews })}
                    <div className="hint">
                      {t("cycles.steps", {
                        scheduled: count("scheduled"),
                        submitted: count("self_submitted"),
                        acknowledged: count("acknowledged"),
                      })}
                    </div>
                  </td>
                  <td>
                    {t("cycles.overdueSteps", {
                      self: progress.overdue.self ?? 0,
                      manager: progress.overdue.manager ?? 0,
                    })}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager page={cycles.page} hasNext={cycles.hasNext} onPage={cycles.toPage} />
    </section>
  );
}
