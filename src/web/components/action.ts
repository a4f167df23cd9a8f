import { useState } from 'preact/hooks'

/** A user action that calls the API (a form, a button): whether one is running, and its failure in words. */
export function useAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  /** Runs `action`; true when it succeeded (its failure is kept in `error`). */
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true)
    try {
      await action()
      setError(null)
      return true
    } catch (failure) {
      setError((failure as Error).message)
      return false
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, run, refuse: setError }
}
