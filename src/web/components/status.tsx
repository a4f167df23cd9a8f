import type { ComponentChildren } from 'preact'
import type { Loaded } from './load'

/** Shows a loading line, the error, or the content once data is there. */
export function Status<T>({ of, children, what }: { of: Loaded<T>; what: string; children: (data: T) => ComponentChildren }) {
  if (of.error && of.data === undefined) {
    return (
      <p class="note error" role="alert">
        Could not load {what}: {of.error.message}{' '}
        <button type="button" onClick={of.reload}>
          Try again
        </button>
      </p>
    )
  }
  if (of.data === undefined) return <p class="note" role="status">Loading {what}…</p>
  return <>{children(of.data)}</>
}

/** A sentence shown in place of an empty list. */
export const Empty = ({ children }: { children: ComponentChildren }) => <p class="note empty">{children}</p>
