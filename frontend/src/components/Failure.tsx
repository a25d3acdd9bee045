import { useTranslation } from "react-i18next";
import { ApiError, problemText } from "../api/problem";
import { useAuth } from "../auth/AuthContext";

/** What went wrong with a request, in words: a 403 says what the role may not do and the service's reason. */
export function Failure({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  const { session } = useAuth();
  if (error instanceof ApiError && error.status === 403) {
    const role = session ? t(`roles.${session.person.role}`) : "";
    return (
      <div className="notice notice-forbidden" role="alert">
        <p>{t("errors.forbidden", { role })}</p>
        {error.problem && <p>{t("errors.forbiddenWhy", { detail: error.problem.detail })}</p>}
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 404) {
    return <div className="notice" role="alert">{t("errors.notFound")}</div>;
  }
  if (error instanceof ApiError && error.status === 409 && error.problem) {
    return <div className="notice" role="alert">{t("errors.conflict", { detail: problemText(error.problem, i18n.language) })}</div>;
  }
  if (error instanceof ApiError) {
    return <div className="notice" role="alert">{t("errors.generic", { detail: error.message })}</div>;
  }
  return <div className="notice" role="alert">{t("errors.network")}</div>;
}
