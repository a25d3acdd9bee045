import { keepPreviousData, useQuery, type QueryKey } from "@tanstack/react-query";
import { useState } from "react";
import { usePlatform } from "../api/ApiContext";

/** What every paged list of the APIs answers: a page of items and the cursor of the next, null on the last. */
export interface CursorPage<T> {
  items: T[];
  next_cursor?: string | null;
}

/**
 * A list the API pages, one page shown at a time: the cursors of the pages seen are kept so "previous" goes back
 * without the API knowing pages, and the page shown is read again every few seconds like every screen.
 */
export function useCursorPages<T>(key: QueryKey, read: (cursor: string | undefined) => Promise<CursorPage<T>>, enabled = true) {
  const { config } = usePlatform();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const query = useQuery({
    queryKey: [...key, cursors[page]],
    queryFn: () => read(cursors[page]),
    enabled,
    refetchInterval: config.refetch_seconds * 1000,
    placeholderData: keepPreviousData,
  });
  const next = query.data?.next_cursor ?? null;
  const toPage = (wanted: number) => {
    if (wanted > page && next && cursors.length <= wanted) setCursors([...cursors, next]);
    setPage(wanted);
  };
  return { query, items: query.data?.items ?? [], page, hasNext: next !== null, toPage };
}
