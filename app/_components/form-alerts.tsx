/**
 * A form's errors as screen readers and people meet them: the form-wide message as a visible alert, and the
 * field errors (shown next to their fields) once more as one hidden alert, so they are announced on submit.
 */
export function FormAlerts({ formError, fieldErrors }: { formError: string | undefined; fieldErrors: Readonly<Record<string, string | undefined>> }) {
  const fields = Object.values(fieldErrors).filter(Boolean);
  return (
    <>
      {formError && (
        <p role="alert" className="alert alert-error">
          {formError}
        </p>
      )}
      {fields.length > 0 && (
        <p role="alert" className="visually-hidden">
          {fields.join(" ")}
        </p>
      )}
    </>
  );
}
