import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { Failure } from "../components/Failure";
import { usePeopleNames } from "../components/usePeopleNames";
import { day } from "../format";

/** hr's promotion recommendations: whom a rule recommends, and the evidence it cites (reviews, training, acting
 * leads), as the incentives service recorded it. */
export function Promotions() {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const promotions = useQuery({
    queryKey: ["promotions"],
    queryFn: () => answer(apis.incentives.GET("/v1/promotions")),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const found = promotions.data ?? [];
  const name = usePeopleNames();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("promotions.title")}</h1>
      <p className="hint">{t("promotions.intro")}</p>
      {promotions.error && <Failure error={promotions.error} />}
      {promotions.isPending && <p>{t("app.loading")}</p>}
      {promotions.isSuccess && found.length === 0 && <p>{t("promotions.empty")}</p>}
      {found.map((recommendation) => {
        const headingId = `promotion-${recommendation.recommendation_id.replace(/[^A-Za-z0-9-]/g, "-")}`;
        return (
          <article className="card" key={recommendation.recommendation_id} aria-labelledby={headingId} data-testid="promotion">
            <h2 id={headingId}>{name(recommendation.person_id)}</h2>
            <p>
              {t("promotions.recommended", {
                rule: recommendation.rule,
                at: day(recommendation.at, i18n.language),
              })}
            </p>
            <h3>{t("promotions.evidence")}</h3>
            <ul data-testid="promotion-evidence">
              {recommendation.evidence.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </article>
        );
      })}
    </section>
  );
}
