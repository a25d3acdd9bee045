import { useTranslation } from "react-i18next";
import { Failure } from "./Failure";
import type { Submission } from "./useSubmission";

/** Above a form: that the service refused fields (with the reasons that name none or a field no input claims), or
 * why it refused otherwise. */
export function SubmissionErrors({ submission }: { submission: Submission<unknown> }) {
  const { t } = useTranslation();
  const { problem, errors, failure } = submission;
  if (failure) return <Failure error={failure} />;
  if (!problem) return null;
  return (
    <p className="field-error" role="alert">
      {t("errors.fields")} {[...(errors[""] ?? []), ...submission.unclaimed()].join(" ")}
      {!problem.errors?.length && ` ${problem.detail}`}
    </p>
  );
}
