import { useLayoutEffect, useRef, useState } from 'preact/hooks'

/** One page of a list as the API returns it. */
export interface PageAnswer<T> {
  data: T[]
  meta: { total: number }
}

/** What `usePaged` gives a list: the items so far, the total, and `more()` to call when the end is near. */
export interface Paged<T> {
  items: T[]
  total: number | null
  error: Error | null
  loading: boolean
  /** Fetches the next page unless one is on its way or everything is here. */
  more(): void
}

/**
 * A list read page by page with limit/offset (infinite paging). `key` names the query: when it
 * changes the list starts over and answers to the old query are dropped. `painted` is marked
 * (User Timing) once the first page is on screen.
 */
export function usePaged<T>(key: string, fetchPage: (offset: number, limit: number) => Promise<PageAnswer<T>>, pageSize = 100, painted?: string): Paged<T> {
  const [state, setState] = useState<{ key: string; items: T[]; total: number | null; error: Error | null; loading: boolean }>({
    key,
    items: [],
    total: null,
    error: null,
    loading: false,
  })
  const inFlight = useRef<string | null>(null)
  const current = state.key === key ? state : { key, items: [], total: null, error: null, loading: false }

  const more = () => {
    const { items, total } = current
    if (inFlight.current === key || (total !== null && items.length >= total)) return
    inFlight.current = key
    setState({ ...current, loading: true })
    fetchPage(items.length, pageSize).then(
      (page) => {
        if (inFlight.current === key) inFlight.current = null
        setState((s) => (s.key !== key ? s : { key, items: [...s.items, ...page.data], total: page.meta.total, error: null, loading: false }))
        if (painted && items.length === 0) requestAnimationFrame(() => setTimeout(() => performance.mark(painted)))
      },
      (error: unknown) => {
        if (inFlight.current === key) inFlight.current = null
        setState((s) => (s.key !== key ? s : { ...s, error: error as Error, loading: false }))
      },
    )
  }

  // Before paint, not after: the request leaves a frame earlier.
  useLayoutEffect(() => {
    if (current.items.length === 0 && current.total === null) more()
  }, [key])

  return { items: current.items, total: current.total, error: current.error, loading: current.loading || current.total === null, more }
}
