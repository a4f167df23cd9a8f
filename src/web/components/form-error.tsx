/** The API's refusal of a form, in words. */
export const FormError = ({ error }: { error: string | null }) =>
  error ? (
    <p class="note error" role="alert">
      {error}
    </p>
  ) : null

/** The end of a form: its refusal if any, and its submit button (off while the form is being sent). */
export const FormEnd = ({ error, busy, label }: { error: string | null; busy: boolean; label: string }) => (
  <>
    <FormError error={error} />
    <div class="actions">
      <button type="submit" class="primary" disabled={busy}>
        {label}
      </button>
    </div>
  </>
)
