import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError, fieldErrors, type Problem } from "../api/problem";

export interface Submission<T> {
  /** The form's onSubmit: the service's rules decide, so the browser's own validation is left out (noValidate). */
  submit: (event: { preventDefault: () => void }) => void;
  /** Send without a form event (a button outside the form, a second action). */
  send: () => void;
  pending: boolean;
  /** What the service answered, once it accepted. */
  data: T | undefined;
  /** A refusal other than a 422 (403, 409, a network failure), for <Failure>. */
  failure: Error | null;
  /** The 422 problem, if the service refused the input. */
  problem: Problem | null;
  /** The 422's reasons by form field (`""`: reasons that name no field). */
  errors: Record<string, string[]>;
  /** A field's accessibility attributes: invalid, and described by its reasons, while the 422 names it. Calling it
   * claims the field: its reasons are shown beside it. */
  invalid: (field: string, errorId: string) => { "aria-invalid"?: true; "aria-describedby"?: string };
  /** The reasons of fields no input on the form claimed (a rule about several inputs, a field the form does not
   * show), so <SubmissionErrors> shows them rather than point at a field that is not marked. */
  unclaimed: () => string[];
  /** Forget the last answer: the form changed since. */
  reset: () => void;
}

/** A form sent to one of the APIs: the request, its 422 reasons by field, and any other refusal. */
export function useSubmission<T>(send: () => Promise<T>, onSuccess?: (answer: T) => void): Submission<T> {
  const { i18n } = useTranslation();
  const mutation = useMutation({ mutationFn: send, onSuccess });
  const problem = mutation.error instanceof ApiError && mutation.error.status === 422 ? mutation.error.problem : null;
  const errors = fieldErrors(problem, i18n.language);
  // Filled while the form renders its inputs, before <SubmissionErrors> (a child) renders and reads it.
  const claimed = new Set<string>();
  return {
    submit: (event) => {
      event.preventDefault();
      mutation.mutate();
    },
    send: () => { mutation.mutate(); },
    pending: mutation.isPending,
    data: mutation.data,
    failure: mutation.error && !problem ? mutation.error : null,
    problem,
    errors,
    invalid: (field, errorId) => {
      claimed.add(field);
      return errors[field] ? { "aria-invalid": true, "aria-describedby": errorId } : {};
    },
    unclaimed: () =>
      Object.entries(errors).flatMap(([field, messages]) => (field === "" || claimed.has(field) ? [] : messages)),
    reset: () => { mutation.reset(); },
  };
}
