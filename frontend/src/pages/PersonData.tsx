import { useQueries, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { download, shared } from "../api/everyService";
import { Failure } from "../components/Failure";
import { PersonPicker } from "../components/PersonPicker";
import { SERVICES } from "../config";
import { day } from "../format";

/** hr exports everything Pacer holds that names a person: each service's part (the connectors' too), and all seven
 * as one document. */
export function PersonData() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const chosen = params.get("person") ?? "";
  const [typed, setTyped] = useState(chosen);
  const choose = (event: { preventDefault: () => void }) => {
    event.preventDefault();
    const person = typed.trim();
    setParams(person ? { person } : {});
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("personData.title")}</h1>
      <p className="hint">{t("personData.intro")}</p>
      <div className="notice" role="note" data-testid="erasure-note">
        <p>{t("personData.erasure")}</p>
        <p>
          <code>pacer people erase {chosen || t("personData.placeholder")}</code>
        </p>
      </div>
      <PersonPicker
        id="person-pick"
        label={t("personData.pick")}
        value={chosen}
        onChange={(person) => {
          setTyped(person);
          setParams(person ? { person } : {});
        }}
      />
      <p className="hint">{t("personData.orType")}</p>
      <form className="inline-form" aria-label={t("personData.choose")} onSubmit={choose}>
        <label htmlFor="person-id">{t("personData.person")}</label>
        <input id="person-id" value={typed} onChange={(e) => { setTyped(e.target.value); }} />
        <button type="submit">{t("personData.show")}</button>
      </form>
      {chosen && <Holdings key={chosen} personId={chosen} />}
    </section>
  );
}

function Holdings({ personId }: { personId: string }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  // Whom the id names, as the roster says; an erased person is no longer in it, and their export still runs.
  const person = useQuery({
    queryKey: ["person", personId],
    queryFn: () => answer(apis.goals.GET("/v1/people/{person_id}", { params: { path: { person_id: personId } } })),
  });
  const exports = useQueries({
    queries: SERVICES.map((service) => ({
      queryKey: ["personal-data", service, personId],
      queryFn: () =>
        answer(shared(apis, service).GET("/v1/people/{person_id}/export", { params: { path: { person_id: personId } } })),
      staleTime: Infinity, // each read is audited: read once per visit, not on every focus
    })),
  });
  // useQueries answers in the order asked: each service beside its own export.
  const parts = SERVICES.map((service, i) => ({ service, part: exports[i] as (typeof exports)[number] }));
  const failed = parts.filter(({ part }) => part.isError).map(({ service }) => service);
  const complete = parts.every(({ part }) => part.isSuccess);
  const exportedAt = parts[0]?.part.data?.exported_at;
  const name = typeof person.data?.display_name === "string" ? person.data.display_name : null;

  const save = () => {
    // The shape `pacer people export` prints, so either way of exporting gives the person the same document.
    const document = {
      person_id: personId,
      exported_at: new Date().toISOString(),
      services: Object.fromEntries(parts.map(({ service, part }) => [service, part.data?.holdings ?? {}])),
    };
    const text = JSON.stringify(document, null, 2);
    download(new Blob([text], { type: "application/json" }), `personal-data-${personId}.json`);
  };

  return (
    <>
      <h2>{name ? t("personData.of", { name, id: personId }) : t("personData.ofId", { id: personId })}</h2>
      {person.isError && <p className="hint">{t("personData.notInRoster")}</p>}
      <table data-testid="personal-data">
        <caption className="hint">{t("personData.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("personData.service")}</th>
            <th scope="col">{t("personData.holdings")}</th>
            <th scope="col" className="amount">{t("personData.documents")}</th>
          </tr>
        </thead>
        <tbody>
          {parts.map(({ service, part }) => {
            const holdings = Object.entries(part.data?.holdings ?? {}).filter(([, documents]) => documents.length > 0);
            const total = holdings.reduce((sum, [, documents]) => sum + documents.length, 0);
            return (
              <tr key={service}>
                <th scope="row">{t(`services.${service}`)}</th>
                <td>
                  {part.isPending && t("app.loading")}
                  {part.error && <Failure error={part.error} />}
                  {part.isSuccess && holdings.length === 0 && t("personData.nothing")}
                  {holdings.length > 0 && (
                    <ul className="plain-list">
                      {holdings.map(([collection, documents]) => (
                        <li key={collection}>
                          {t("personData.collection", { collection, count: documents.length })}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="amount">{part.isSuccess ? total : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {failed.length > 0 && (
        <p role="alert">
          {t("personData.incomplete", { services: failed.map((s) => t(`services.${s}`)).join(", ") })}
        </p>
      )}
      {complete && exportedAt && (
        <p className="hint">{t("personData.exportedAt", { at: day(exportedAt, i18n.language) })}</p>
      )}
      <button type="button" disabled={!complete} onClick={save}>
        {t("personData.download")}
      </button>
    </>
  );
}
