import { createContext, useContext } from "react";
import type { Session } from "./session";

export interface Auth {
  session: Session | null;
  /** Set when the last session ended by itself (expired, refused): sign-in says so and leads back. */
  expired: boolean;
  /** Set once the person signed out: signing in again starts afresh instead of returning to their last page. */
  signedOut: boolean;
  signIn: (session: Session) => void;
  signOut: () => void;
}

export const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (auth === null) throw new Error("useAuth outside AuthContext");
  return auth;
}

export function useSession(): Session {
  const { session } = useAuth();
  if (session === null) throw new Error("useSession outside a signed-in route");
  return session;
}
