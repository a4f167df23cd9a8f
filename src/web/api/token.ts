import { signal } from '@preact/signals'

const KEY = 'chasm-token'

/** The bearer token the user entered, kept for this tab only (sessionStorage). */
export const storedToken = (): string | null => sessionStorage.getItem(KEY)

/** What the token dialog shows: null when closed; `retry` after a refused token. */
export const tokenPrompt = signal<{ retry: boolean } | null>(null)

let waiting: Promise<void> | null = null
let answer: (() => void) | null = null

/**
 * Asks the user for the token once, however many requests were refused at the same time;
 * resolves when a new token is stored. A token that was refused is forgotten first.
 */
export function askForToken(refused: string | null): Promise<void> {
  if (refused !== null && refused === storedToken()) sessionStorage.removeItem(KEY)
  if (waiting) return waiting
  tokenPrompt.value = { retry: refused !== null }
  waiting = new Promise<void>((resolve) => (answer = resolve))
  return waiting
}

/** Stores the token the user typed and releases the requests waiting for it. */
export function submitToken(token: string): void {
  sessionStorage.setItem(KEY, token.trim())
  tokenPrompt.value = null
  const release = answer
  waiting = null
  answer = null
  release?.()
}
