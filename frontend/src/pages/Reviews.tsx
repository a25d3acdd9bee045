import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import { Failure } from "../components/Failure";
import { Pager } from "../components/Pager";
import { pageOf } from "../components/paging";
import { ReviewCard } from "./ReviewCard";
import { ReviewCycles } from "./ReviewCycles";

const PAGE_SIZE = 5;

/** Reviews by role: an assistant's own, the reviews a manager writes for the team, the cycles hr follows. */
export function Reviews() {
  const { person } = useSession();
  if (person.role === "hr" || person.role === "admin") return <ReviewCycles />;
  return <ReviewList />;
}

function ReviewList() {
  const { t } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  const [page, setPage] = useState(0);
  const manager = person.role === "manager";
  const reviews = useQuery({
    queryKey: ["reviews", person.person_id],
    // A manager's list holds her own reviews too (her manager writes those): this page is her team's.
    queryFn: () =>
      answer(apis.reviews.GET("/v1/reviews", { params: { query: { person_id: manager ? undefined : person.person_id } } })),
    refetchInterval: config.refetch_seconds * 1000,
  });
  // Whom a manager may give feedback to are her reports, whatever team each is in: their names, by id.
  const people = useQuery({
    queryKey: ["feedback-recipients"],
    queryFn: () => answer(apis.feedback.GET("/v1/feedback/recipients")),
    enabled: manager,
  });
  const names = new Map((people.data ?? []).map((p) => [p.person_id, p.display_name]));
  const mine = (reviews.data ?? []).filter((r) => (manager ? r.person_id !== person.person_id : true));
  // What waits for the reader comes first; then the newest period.
  const waiting = (status: string) => (manager ? status === "scheduled" || status === "self_submitted" : status !== "acknowledged");
  const ordered = [...mine].sort((a, b) => Number(waiting(b.status)) - Number(waiting(a.status)));
  const shown = pageOf(ordered, page, PAGE_SIZE);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{manager ? t("reviews.teamTitle") : t("reviews.title")}</h1>
      <p className="hint">{manager ? t("reviews.teamIntro") : t("reviews.intro")}</p>
      {reviews.error && <Failure error={reviews.error} />}
      {reviews.isPending && <p>{t("app.loading")}</p>}
      {reviews.data && mine.length === 0 && <p>{t("reviews.empty")}</p>}
      {shown.items.map((review) => (
        <ReviewCard key={review.review_id} review={review} name={names.get(review.person_id) ?? review.person_id} />
      ))}
      <Pager page={page} hasNext={shown.hasNext} onPage={setPage} />
    </section>
  );
}
