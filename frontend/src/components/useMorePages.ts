import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import { usePlatform } from "../api/ApiContext";
import type { CursorPage } from "./useCursorPages";

/**
 * A list the API pages, read a page at a time and shown as one growing list: "More" asks the page after the last
 * one's cursor, and every page read so far is read again every few seconds like every screen.
 */
export function useMorePages<T>(key: QueryKey, read: (cursor: string | undefined) => Promise<CursorPage<T>>, enabled = true) {
  const { config } = usePlatform();
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => read(pageParam ?? undefined),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? null,
    enabled,
    refetchInterval: config.refetch_seconds * 1000,
  });
  return { query, items: query.data?.pages.flatMap((page) => page.items) ?? [] };
}
