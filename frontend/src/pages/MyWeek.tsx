import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import { Failure } from "../components/Failure";
import { Pager } from "../components/Pager";
import { GoalCard } from "./GoalCard";
import { MissAnalyses } from "./MissAnalyses";

const PAGE_SIZE = 10;

export function MyWeek() {
  const { t } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  // The API pages with cursors: the cursor of each page seen so far, so "previous" goes back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const goals = useQuery({
    queryKey: ["my-goals", person.person_id, cursors[page]],
    queryFn: () =>
      answer(
        apis.goals.GET("/v1/goals", {
          params: { query: { owner_id: person.person_id, status: "active", limit: PAGE_SIZE, cursor: cursors[page] } },
        }),
      ),
    refetchInterval: config.refetch_seconds * 1000,
    placeholderData: keepPreviousData,
  });
  const next = goals.data?.next_cursor ?? null;
  function toPage(wanted: number) {
    if (wanted > page && next && cursors.length <= wanted) setCursors([...cursors, next]);
    setPage(wanted);
  }
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("myWeek.title")}</h1>
      <p className="hint">{t("myWeek.live")}</p>
      <MissAnalyses />
      {goals.error && <Failure error={goals.error} />}
      {goals.isPending && <p>{t("app.loading")}</p>}
      {goals.data?.items.length === 0 && page === 0 && <p>{t("myWeek.empty")}</p>}
      <div className="goals">
        {goals.data?.items.map((goal) => <GoalCard key={goal.goal_id} goal={goal} />)}
      </div>
      <Pager page={page} hasNext={next !== null} onPage={toPage} />
    </section>
  );
}
