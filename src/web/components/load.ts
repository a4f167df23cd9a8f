import { useLayoutEffect, useState } from 'preact/hooks'

/** The state of something loaded from the API. */
export interface Loaded<T> {
  data: T | undefined
  error: Error | null
  loading: boolean
  /** Loads again (keeps showing the current data meanwhile). */
  reload(): void
}

/** Loads when `deps` change; answers to an older request than the latest are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | null; loading: boolean }>({ data: undefined, error: null, loading: true })
  const [round, setRound] = useState(0)
  // Before paint, not after: the request leaves a frame earlier.
  useLayoutEffect(() => {
    let current = true
    setState((s) => ({ ...s, loading: true }))
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false })),
    )
    return () => {
      current = false
    }
  }, [...deps, round])
  return { ...state, reload: () => setRound((r) => r + 1) }
}
