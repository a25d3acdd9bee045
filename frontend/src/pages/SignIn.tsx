import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate } from "react-router";
import { useReturnTo } from "../auth/returnTo";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { fieldErrors, ApiError } from "../api/problem";
import { useAuth } from "../auth/AuthContext";
import { userManager } from "../auth/oidc";
import { Failure } from "../components/Failure";
import { LanguageSwitcher } from "../components/LanguageSwitcher";
import { Pager } from "../components/Pager";
import type { OidcSettings } from "../config";

const PAGE_SIZE = 20;

export function SignIn() {
  const { t } = useTranslation();
  const { config } = usePlatform();
  const { session, expired } = useAuth();
  const returnTo = useReturnTo();
  if (session) return <Navigate to={returnTo} replace />;
  return (
    <>
      <header className="shell">
        <span className="brand">{t("app.name")}</span>
        <div className="account">
          <LanguageSwitcher personId={null} />
        </div>
      </header>
      <main id="content" className="sign-in">
      <h1>{t("signIn.title")}</h1>
      {expired && (
        <p className="notice" role="status">
          {t("signIn.expired")}
        </p>
      )}
      {config.auth.mode === "local" ? <LocalSignIn returnTo={returnTo} /> : <OidcSignIn settings={config.auth} returnTo={returnTo} />}
      </main>
    </>
  );
}

function OidcSignIn({ settings, returnTo }: { settings: OidcSettings; returnTo: string }) {
  const { t } = useTranslation();
  return (
    <>
      <p>{t("signIn.oidcIntro")}</p>
      <button type="button" onClick={() => void userManager(settings).signinRedirect({ state: returnTo })}>
        {t("signIn.oidc")}
      </button>
    </>
  );
}

function LocalSignIn({ returnTo }: { returnTo: string }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const roster = useQuery({
    queryKey: ["local-roster", cursors[page]],
    queryFn: () =>
      answer(apis.goals.GET("/v1/local-sign-in/people", { params: { query: { limit: PAGE_SIZE, cursor: cursors[page] } } })),
    placeholderData: keepPreviousData,
  });
  const choose = useMutation({
    mutationFn: (personId: string) => answer(apis.goals.POST("/v1/local-sign-in", { body: { person_id: personId } })),
    onSuccess: (signedIn) => {
      signIn({ token: signedIn.access_token, expires_at: Date.now() + signedIn.expires_in * 1000, person: signedIn.person });
      void navigate(returnTo, { replace: true });
    },
  });
  const next = roster.data?.next_cursor ?? null;
  function toPage(wanted: number) {
    if (wanted > page && next && cursors.length <= wanted) setCursors([...cursors, next]);
    setPage(wanted);
  }
  const refused = choose.error instanceof ApiError ? fieldErrors(choose.error.problem, i18n.language) : {};
  return (
    <>
      <p>{t("signIn.localIntro")}</p>
      {roster.error && <Failure error={roster.error} />}
      {choose.error && (Object.keys(refused).length ? <p role="alert">{Object.values(refused).flat().join(" ")}</p> : <Failure error={choose.error} />)}
      {choose.isPending && <p role="status">{t("signIn.working")}</p>}
      {roster.data?.items.length === 0 && <p>{t("signIn.empty")}</p>}
      {roster.data && roster.data.items.length > 0 && (
        <table className="roster">
          <thead>
            <tr>
              <th scope="col">{t("signIn.name")}</th>
              <th scope="col">{t("signIn.role")}</th>
              <th scope="col">{t("signIn.team")}</th>
            </tr>
          </thead>
          <tbody>
            {roster.data.items.map((person) => (
              <tr key={person.person_id}>
                <th scope="row">
                  <button
                    type="button"
                    className="link-button"
                    aria-label={t("signIn.as", { name: person.display_name })}
                    disabled={choose.isPending}
                    onClick={() => { choose.mutate(person.person_id); }}
                  >
                    {person.display_name}
                  </button>
                </th>
                <td>{t(`roles.${person.role}`)}</td>
                <td>{person.team_id ?? t("signIn.noTeam")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} hasNext={next !== null} onPage={toPage} />
    </>
  );
}
