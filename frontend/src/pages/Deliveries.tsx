import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { Failure } from "../components/Failure";
import { Pager } from "../components/Pager";
import { PersonPicker } from "../components/PersonPicker";
import { useCursorPages } from "../components/useCursorPages";
import { day } from "../format";
import { type Delivery, FAILED, isFailed, lastMoment } from "./deliveries";

const PAGE = 20;

/** Admins read a person's notifications, newest first, and send a failed one again. */
export function Deliveries() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const chosen = params.get("person") ?? "";
  const failedOnly = params.get("failed") === "1";
  const show = (person: string, failed: boolean) => {
    setParams({ ...(person ? { person } : {}), ...(failed ? { failed: "1" } : {}) });
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("deliveries.title")}</h1>
      <p className="hint">{t("deliveries.intro")}</p>
      <PersonPicker
        id="deliveries-person"
        label={t("deliveries.pick")}
        value={chosen}
        onChange={(person) => { show(person, failedOnly); }}
      />
      <div className="field">
        <label>
          <input type="checkbox" checked={failedOnly} onChange={(e) => { show(chosen, e.target.checked); }} />{" "}
          {t("deliveries.failedOnly")}
        </label>
      </div>
      {chosen && <History key={`${chosen}:${failedOnly}`} personId={chosen} failedOnly={failedOnly} />}
    </section>
  );
}

function History({ personId, failedOnly }: { personId: string; failedOnly: boolean }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const [retried, setRetried] = useState<string | null>(null);
  const { query, items, page, hasNext, toPage } = useCursorPages(["deliveries", personId, failedOnly], (cursor) =>
    answer(
      apis.notifications.GET("/v1/deliveries", {
        params: {
          query: {
            person_id: personId,
            limit: PAGE,
            ...(failedOnly ? { status: [...FAILED] } : {}),
            ...(cursor ? { cursor } : {}),
          },
        },
      }),
    ),
  );
  const retry = useMutation({
    mutationFn: (id: string) =>
      answer(apis.notifications.POST("/v1/deliveries/{notification_id}/retry", { params: { path: { notification_id: id } } })),
    onSuccess: (delivery) => {
      setRetried(delivery.notification_id);
      void queryClient.invalidateQueries({ queryKey: ["deliveries", personId] });
    },
  });
  const label = (delivery: Delivery) =>
    t("deliveries.about", {
      type: t(`preferences.types.${delivery.event_type}`, delivery.event_type),
      channel: t(`preferences.channels.${delivery.channel}`, delivery.channel),
      at: day(lastMoment(delivery), i18n.language),
    });

  return (
    <>
      {query.error && <Failure error={query.error} />}
      {retry.error && <Failure error={retry.error} />}
      {retried && (
        <p role="status">{t("deliveries.retried")}</p>
      )}
      {query.isPending && <p>{t("app.loading")}</p>}
      {query.isSuccess && items.length === 0 && (
        <p>{failedOnly ? t("deliveries.noFailed") : t("deliveries.empty")}</p>
      )}
      {items.length > 0 && (
        <table data-testid="deliveries">
          <caption className="hint">{failedOnly ? t("deliveries.captionFailed") : t("deliveries.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("deliveries.at")}</th>
              <th scope="col">{t("deliveries.type")}</th>
              <th scope="col">{t("deliveries.channel")}</th>
              <th scope="col">{t("deliveries.status")}</th>
              <th scope="col" className="amount">{t("deliveries.attempts")}</th>
              <th scope="col">{t("deliveries.lastError")}</th>
              <th scope="col">{t("deliveries.action")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((delivery) => (
              <tr key={delivery.notification_id}>
                <td>{day(lastMoment(delivery), i18n.language)}</td>
                <td>{t(`preferences.types.${delivery.event_type}`, delivery.event_type)}</td>
                <td>{t(`preferences.channels.${delivery.channel}`, delivery.channel)}</td>
                <td>{t(`deliveries.statuses.${delivery.status}`, delivery.status)}</td>
                <td className="amount">{delivery.attempts.length}</td>
                <td>{delivery.last_error ?? "—"}</td>
                <td>
                  {isFailed(delivery) && (
                    <button
                      type="button"
                      aria-label={t("deliveries.retryLabel", { what: label(delivery) })}
                      disabled={retry.isPending}
                      onClick={() => { retry.mutate(delivery.notification_id); }}
                    >
                      {t("deliveries.retry")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} hasNext={hasNext} onPage={toPage} />
    </>
  );
}
