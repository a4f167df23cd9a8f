import { useTitle } from './title'

/** Any path the app does not know. */
export function NotFoundPage() {
  useTitle('Not found')
  return (
    <>
      <h1>Nothing here</h1>
      <p>
        This address is not a page of chasm. Try the <a href="/">overview</a> or <a href="/sessions">all sessions</a>.
      </p>
    </>
  )
}
