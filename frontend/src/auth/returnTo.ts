import { useLocation } from "react-router";

/** Where to go once signed in: back where the person was when the session ended, else home. */
export function useReturnTo(): string {
  const state: unknown = useLocation().state;
  const from = (state as { from?: { pathname?: string; search?: string } } | null)?.from;
  return from?.pathname ? `${from.pathname}${from.search ?? ""}` : "/";
}
