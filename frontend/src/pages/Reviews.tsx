import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import { Failure } from "../components/Failure";
import { Pager } from "../components/Pager";
import { useCursorPages } from "../components/useCursorPages";
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
  const { apis } = usePlatform();
  const { person } = useSession();
  const manager = person.role === "manager";
  // A manager's own reviews are her manager's to write: this page is the reviews she writes, newest period first.
  const who = manager ? { manager_id: person.person_id } : { person_id: person.person_id };
  const reviews = useCursorPages(["reviews", person.person_id], (cursor) =>
    answer(apis.reviews.GET("/v1/reviews", { params: { query: { ...who, limit: PAGE_SIZE, cursor } } })),
  );
  // Whom a manager may give feedback to are her reports, whatever team each is in: their names, by id.
  const people = useQuery({
    queryKey: ["feedback-recipients"],
    queryFn: () => answer(apis.feedback.GET("/v1/feedback/recipients")),
    enabled: manager,
  });
  const names = new Map((people.data ?? []).map((p) => [p.person_id, p.display_name]));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{manager ? t("reviews.teamTitle") : t("reviews.title")}</h1>
      <p className="hint">{manager ? t("reviews.teamIntro") : t("reviews.intro")}</p>
      {reviews.query.error && <Failure error={reviews.query.error} />}
      {reviews.query.isPending && <p>{t("app.loading")}</p>}
      {reviews.query.data && reviews.items.length === 0 && reviews.page === 0 && <p>{t("reviews.empty")}</p>}
      {reviews.items.map((review) => (
        <ReviewCard key={review.review_id} review={review} name={names.get(review.person_id) ?? review.person_id} />
      ))}
      <Pager page={reviews.page} hasNext={reviews.hasNext} onPage={reviews.toPage} />
    </section>
  );
}
