/** A form field's reasons from a 422, tied to the field for screen readers by `id`. */
export function FieldError({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {messages.join(" ")}
    </p>
  );
}
