import { QueryClient, QueryClientProvider, type QueryKey } from "@tanstack/react-query";
import { Suspense, useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from "react-router";
import { PlatformContext } from "./api/ApiContext";
import { createApis } from "./api/clients";
import { ApiError } from "./api/problem";
import { type Auth, AuthContext, useAuth } from "./auth/AuthContext";
import { loadSession, type Role, saveSession, type Session } from "./auth/session";
import { Layout } from "./components/Layout";
import type { ConsoleConfig } from "./config";
import { chosenLanguage, pickLanguage } from "./i18n/language";
import {
  AnonymousFeedback,
  AssistantTrends,
  AuditTrail,
  AuthCallback,
  BonusPlans,
  BonusStatements,
  CheckIns,
  Deliveries,
  Duties,
  Meetings,
  MyFeedback,
  MyWeek,
  NotificationPreferences,
  OneOnOne,
  People,
  PersonData,
  Promotions,
  Recognition,
  Reviews,
  ReviewTemplates,
  SetGoal,
  SignIn,
  TeamDashboard,
  TeamGoals,
  Training,
  TeamTrends,
  TrendsHome,
} from "./pages";

/** The token requests carry, read when each is sent: a session that changes needs no new clients. */
class CurrentToken {
  constructor(private token: string | null) {}
  get(): string | null {
    return this.token;
  }
  set(token: string | null): void {
    this.token = token;
  }
}

function retry(failures: number, error: Error): boolean {
  // A refusal (4xx) will be refused again; a service still starting or a dropped connection may answer next time.
  if (error instanceof ApiError && error.status < 500) return false;
  return failures < 3;
}

/** A query's key and the data it starts with (an answer index.html already has: main.tsx). */
export type Seed = readonly [QueryKey, unknown];

export function App({ config, seeds = [] }: { config: ConsoleConfig; seeds?: readonly Seed[] }) {
  const { i18n } = useTranslation();
  const [session, setSession] = useState<Session | null>(loadSession);
  const [expired, setExpired] = useState(false);
  const [signedOut, setSignedOut] = useState(false);
  const [current] = useState(() => new CurrentToken(session?.token ?? null)); // what the API clients send
  const [queryClient] = useState(() => {
    const client = new QueryClient({ defaultOptions: { queries: { retry } } });
    // Shown on the first render; still stale, so the query asks again as it mounts (and takes over the request the
    // answer came from).
    for (const [key, data] of seeds) client.setQueryData(key, data);
    return client;
  });

  const change = useCallback(
    (next: Session | null, ended: "expired" | "signed-out" | null) => {
      current.set(next?.token ?? null);
      saveSession(next);
      setSession(next);
      setExpired(ended === "expired");
      setSignedOut(ended === "signed-out");
      queryClient.clear(); // nothing one person saw is shown to the next
    },
    [queryClient, current],
  );
  const apis = useMemo(
    () => createApis(config, { token: () => current.get(), expired: () => { change(null, "expired"); } }),
    [config, change, current],
  );
  const auth = useMemo<Auth>(
    () => ({
      session,
      expired,
      signedOut,
      signIn: (next) => {
        change(next, null);
        const person = next.person;
        void i18n.changeLanguage(pickLanguage(chosenLanguage(person.person_id), person.locale, navigator.languages));
      },
      signOut: () => {
        change(null, "signed-out");
        const settings = config.auth;
        // The identity provider's client is loaded only where it is used: local mode never needs it.
        if (settings.mode === "oidc") void import("./auth/oidc").then((oidc) => oidc.userManager(settings).signoutRedirect());
      },
    }),
    [session, expired, signedOut, change, i18n, config],
  );
  const platform = useMemo(() => ({ config, apis }), [config, apis]);

  return (
    <PlatformContext.Provider value={platform}>
      <AuthContext.Provider value={auth}>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <Suspense fallback={null}>
              <Routes>
                <Route path="/sign-in" element={<SignIn />} />
                <Route path="/auth/callback" element={<AuthCallback />} />
                <Route element={<SignedIn />}>
                  <Route element={<Layout />}>
                    <Route index element={<Home />} />
                    <Route path="my-week" element={<MyWeek />} />
                    <Route path="check-ins" element={<CheckIns />} />
                    <Route path="team" element={<TeamDashboard />} />
                    <Route path="team/:teamId" element={<TeamDashboard />} />
                    <Route path="team-goals" element={<TeamGoals />} />
                    <Route path="team-goals/:teamId" element={<TeamGoals />} />
                    <Route path="set-goal" element={<SetGoal />} />
                    <Route path="feedback" element={<MyFeedback />} />
                    <Route path="bonus" element={<BonusStatements />} />
                    <Route path="reviews" element={<Reviews />} />
                    <Route path="meetings" element={<Meetings />} />
                    <Route path="anonymous" element={<AnonymousFeedback />} />
                    <Route path="recognition" element={<Recognition />} />
                    <Route path="trends" element={<TrendsHome />} />
                    <Route path="trends/team/:teamId" element={<TeamTrends />} />
                    <Route path="trends/assistant/:assistantId" element={<AssistantTrends />} />
                    <Route path="notifications" element={<NotificationPreferences />} />
                    <Route path="training" element={<Training />} />
                    <Route path="duties" element={<Duties />} />
                    <Route element={<Only roles={["manager"]} />}>
                      <Route path="one-on-one" element={<OneOnOne />} />
                    </Route>
                    <Route element={<Only roles={["hr"]} />}>
                      <Route path="bonus-plans" element={<BonusPlans />} />
                      <Route path="promotions" element={<Promotions />} />
                    </Route>
                    <Route element={<Only roles={["hr", "admin"]} />}>
                      <Route path="review-templates" element={<ReviewTemplates />} />
                      <Route path="audit" element={<AuditTrail />} />
                      <Route path="personal-data" element={<PersonData />} />
                      <Route path="people" element={<People />} />
                    </Route>
                    <Route element={<Only roles={["admin"]} />}>
                      <Route path="deliveries" element={<Deliveries />} />
                    </Route>
                    <Route path="*" element={<NotFound />} />
                  </Route>
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </QueryClientProvider>
      </AuthContext.Provider>
    </PlatformContext.Provider>
  );
}

/** Signed-in screens; without a session, sign-in, which leads back here. */
function SignedIn() {
  const { session, signedOut } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/sign-in" replace state={signedOut ? null : { from: location }} />;
  return <Outlet />;
}

/** Screens only some roles work in: the others are told so, not shown an empty page the services would refuse. */
function Only({ roles }: { roles: Role[] }) {
  const { t } = useTranslation();
  const { session } = useAuth();
  const role = session?.person.role;
  if (role && roles.includes(role)) return <Outlet />;
  return (
    <div className="notice notice-forbidden" role="alert">
      <p>{t("errors.forbidden", { role: role ? t(`roles.${role}`) : "" })}</p>
    </div>
  );
}

function Home() {
  const { session } = useAuth();
  if (session?.person.role === "assistant") return <Navigate to="/my-week" replace />;
  const team = session?.person.team_id;
  return <Navigate to={team ? `/team/${encodeURIComponent(team)}` : "/team"} replace />;
}

function NotFound() {
  const { t } = useTranslation();
  return <p>{t("errors.notFound")}</p>;
}
