/** The API's refusal of a form, in words. */
export const FormError = ({ error }: { error: string | null }) =>
  error ? (
    <p class="note error" role="alert">
      {error}
    </p>
  ) : null
