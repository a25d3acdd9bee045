import { useQuery } from "@tanstack/react-query";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { useSession } from "../auth/AuthContext";

/** The roster's largest page: the names an hr or admin screen shows beside ids, read once. */
const PAGE = 200;

/**
 * Names for the ids a screen shows (an approver, an actor, whom an item concerns), from what the signed-in person may
 * read: the roster for hr and admins; for everyone else the people they work with (their manager, team mates,
 * reports). An id not found shows as itself.
 */
export function usePeopleNames(enabled = true): (personId: string) => string {
  const { apis } = usePlatform();
  const { person } = useSession();
  const readsRoster = person.role === "hr" || person.role === "admin";
  const roster = useQuery({
    queryKey: ["roster-names"],
    queryFn: () => answer(apis.goals.GET("/v1/people", { params: { query: { limit: PAGE } } })),
    enabled: enabled && readsRoster,
    staleTime: 60_000,
  });
  const near = useQuery({
    queryKey: ["feedback-recipients"],
    queryFn: () => answer(apis.feedback.GET("/v1/feedback/recipients")),
    enabled: enabled && !readsRoster,
    staleTime: 60_000,
  });
  const names = new Map([...(roster.data?.items ?? []), ...(near.data ?? [])].map((p) => [p.person_id, p.display_name]));
  names.set(person.person_id, person.display_name);
  return (personId) => names.get(personId) ?? personId;
}
