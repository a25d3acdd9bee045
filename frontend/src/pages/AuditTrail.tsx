import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { download, shared } from "../api/everyService";
import { ApiError } from "../api/problem";
import { Failure } from "../components/Failure";
import { PersonPicker } from "../components/PersonPicker";
import { usePeopleNames } from "../components/usePeopleNames";
import { SERVICES, type ServiceName } from "../config";
import { day } from "../format";

const PAGE = 50;

interface Filters {
  actor: string;
  action: string;
  resource: string;
}

const NONE: Filters = { actor: "", action: "", resource: "" };

/** Only the filters given: an empty field filters nothing. */
function query(filters: Filters): Partial<Filters> {
  const given = Object.entries(filters).map(([name, value]: [string, string]) => [name, value.trim()] as const);
  return Object.fromEntries(given.filter(([, value]) => value !== ""));
}

/** hr and admins read one service's audit trail, newest first, filtered by who, what and which. */
export function AuditTrail() {
  const { t, i18n } = useTranslation();
  const names = usePeopleNames();
  const { apis } = usePlatform();
  const [service, setService] = useState<ServiceName>("goals");
  const [typed, setTyped] = useState<Filters>(NONE);
  const [applied, setApplied] = useState<Filters>(NONE);
  const trail = useInfiniteQuery({
    queryKey: ["audit", service, applied],
    queryFn: ({ pageParam }) =>
      answer(
        shared(apis, service).GET("/v1/audit", {
          params: { query: { ...query(applied), limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const csv = useMutation({
    mutationFn: async () => {
      const { data, response } = await shared(apis, service).GET("/v1/audit/export.csv", {
        params: { query: query(applied) },
        parseAs: "blob",
      });
      if (!response.ok || !data) throw new ApiError(response.status, null);
      download(data, `audit-${service}.csv`);
    },
  });
  const records = trail.data?.pages.flatMap((page) => page.items) ?? [];
  const apply = (event: { preventDefault: () => void }) => {
    event.preventDefault();
    setApplied(typed);
  };
  const field = (name: keyof Filters) => (
    <div className="field">
      <label htmlFor={`audit-${name}`}>{t(`audit.${name}`)}</label>
      <input
        id={`audit-${name}`}
        value={typed[name]}
        onChange={(e) => { setTyped({ ...typed, [name]: e.target.value }); }}
      />
    </div>
  );

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("audit.title")}</h1>
      <p className="hint">{t("audit.intro")}</p>
      <form aria-label={t("audit.filters")} onSubmit={apply}>
        <div className="field">
          <label htmlFor="audit-service">{t("audit.service")}</label>
          <select
            id="audit-service"
            value={service}
            onChange={(e) => { setService(e.target.value as ServiceName); }}
          >
            {SERVICES.map((name) => (
              <option key={name} value={name}>
                {t(`services.${name}`)}
              </option>
            ))}
          </select>
        </div>
        <PersonPicker
          id="audit-actor-pick"
          label={t("audit.pickActor")}
          value={typed.actor}
          onChange={(actor) => { setTyped({ ...typed, actor }); }}
        />
        {field("actor")}
        {field("action")}
        {field("resource")}
        <div className="actions">
          <button type="submit">{t("audit.apply")}</button>
          <button type="button" className="secondary" disabled={csv.isPending} onClick={() => { csv.mutate(); }}>
            {t("audit.csv", { service: t(`services.${service}`) })}
          </button>
        </div>
      </form>
      {csv.error && <Failure error={csv.error} />}
      {trail.error && <Failure error={trail.error} />}
      {trail.isPending && <p>{t("app.loading")}</p>}
      {trail.isSuccess && records.length === 0 && <p>{t("audit.empty")}</p>}
      {records.length > 0 && (
        <table data-testid="audit-records">
          <caption className="hint">{t("audit.caption", { service: t(`services.${service}`) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("audit.at")}</th>
              <th scope="col">{t("audit.actor")}</th>
              <th scope="col">{t("audit.action")}</th>
              <th scope="col">{t("audit.resource")}</th>
              <th scope="col">{t("audit.client")}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((record) => (
              <tr key={record.record_id}>
                <td>{day(record.at, i18n.language)}</td>
                <td>
                  {names(record.actor)}
                  <div className="hint">
                    {[...(names(record.actor) === record.actor ? [] : [record.actor]), ...record.roles.map((role) => t(`roles.${role}`, role))].join(", ")}
                  </div>
                </td>
                <td>{record.action}</td>
                <td>{record.resource}</td>
                <td>{record.client ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {trail.hasNextPage && (
        <button type="button" disabled={trail.isFetchingNextPage} onClick={() => void trail.fetchNextPage()}>
          {t("audit.more")}
        </button>
      )}
    </section>
  );
}
