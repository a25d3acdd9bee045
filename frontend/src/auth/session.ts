// Who is signed in: the bearer token the APIs verify and what the console shows about its holder.
import type { components } from "../client/goals/schema";

export type Role = components["schemas"]["RosterPerson"]["role"];
export const PERSON_ROLES: readonly Role[] = ["assistant", "manager", "hr", "admin"];

export interface Person {
  person_id: string;
  display_name: string;
  role: Role;
  team_id: string | null;
  locale: string;
}

export interface Session {
  token: string;
  /** Milliseconds since the epoch; past it the APIs answer 401 and the person signs in again. */
  expires_at: number;
  person: Person;
}

const KEY = "pacer.session";

export function loadSession(storage: Storage = sessionStorage): Session | null {
  const raw = storage.getItem(KEY);
  if (raw === null) return null;
  try {
    const session = JSON.parse(raw) as Session;
    return session.expires_at > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null, storage: Storage = sessionStorage): void {
  if (session === null) storage.removeItem(KEY);
  else storage.setItem(KEY, JSON.stringify(session));
}

export interface TokenClaims {
  sub: string;
  exp: number;
  roles: Role[];
}

/**
 * What the console needs to know from an access token: who, until when, which roles (to choose its screens;
 * the services check the token themselves). The role claim holds one role or a list, as the services read it.
 */
export function readClaims(token: string, roleClaim = "role"): TokenClaims {
  const payload = token.split(".")[1];
  if (payload === undefined) throw new Error("not a JWT");
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  const claims = JSON.parse(json) as Record<string, unknown>;
  const raw = claims[roleClaim];
  const names = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw : [];
  const roles = PERSON_ROLES.filter((role) => names.includes(role));
  if (typeof claims.sub !== "string" || typeof claims.exp !== "number") throw new Error("token lacks sub or exp");
  return { sub: claims.sub, exp: claims.exp, roles };
}

/** The role whose screens a person sees first, when a token carries several. */
export function mainRole(roles: readonly Role[]): Role | null {
  for (const role of ["admin", "hr", "manager", "assistant"] as const) if (roles.includes(role)) return role;
  return null;
}
