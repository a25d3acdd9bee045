import { useQuery } from "@tanstack/react-query";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";

/** The roster's largest page: the names an hr screen shows beside ids, read once. */
const PAGE = 200;

/** Names of the roster's assistants for screens that list ids across teams (hr's); an id not found shows as itself. */
export function usePeopleNames(enabled = true): (personId: string) => string {
  const { apis } = usePlatform();
  const people = useQuery({
    queryKey: ["roster-names"],
    queryFn: () => answer(apis.goals.GET("/v1/people", { params: { query: { limit: PAGE, role: "assistant" } } })),
    enabled,
    staleTime: 60_000,
  });
  const names = new Map((people.data?.items ?? []).map((p) => [p.person_id, p.display_name]));
  return (personId) => names.get(personId) ?? personId;
}
