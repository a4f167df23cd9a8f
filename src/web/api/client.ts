import { treaty } from '@elysiajs/eden'
import type { App } from '../../api'
import { askForToken, storedToken } from './token'

/** The API, typed by the server's own routes: a changed route breaks the build, not the page. */
export const api = treaty<App>(location.origin, {
  // Eden would turn every date-like string into a Date, message text included; the types say string.
  parseDate: false,
  // Eden parses JSON through a reviver, about 20× slower than plain parsing on a 5,000-message
  // session; successful answers are parsed plainly here (errors still go through Eden's path).
  onResponse: (response) => (response.ok && response.headers.get('content-type')?.startsWith('application/json') ? response.json() : undefined),
  headers: (): Record<string, string> => {
    const token = storedToken()
    return token ? { authorization: `Bearer ${token}` } : {}
  },
})

/** A refused request: the API's error code and message (or the HTTP status when the body is not the envelope). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** What an Eden call resolves to, reduced to the parts used here. */
interface Answer<T> {
  data: T | null
  error: { value: unknown } | null
  status: number
}

const envelopeError = (status: number, value: unknown): ApiError => {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error
  return typeof error?.code === 'string' && typeof error.message === 'string'
    ? new ApiError(status, error.code, error.message)
    : new ApiError(status, 'HTTP_' + status, `The server answered ${status}`)
}

let admitted: () => void
/** Resolves once the API has answered a request: from then on the token (if one is needed) is known. */
export const apiAdmitted = new Promise<void>((resolve) => (admitted = resolve))

/** Sends a request; on 401 asks for the token and sends it again. Anything else but success throws `ApiError`. */
export async function call<T>(send: () => Promise<Answer<T>>): Promise<T> {
  for (;;) {
    const sentWith = storedToken()
    const answer = await send()
    if (answer.error === null && answer.data !== null) {
      admitted()
      return answer.data
    }
    if (answer.status === 401) {
      await askForToken(sentWith)
      continue
    }
    throw envelopeError(answer.status, answer.error?.value ?? null)
  }
}

/** A plain GET for a route the server may not have yet (answers `null` on 404); same token handling as `call`. */
export async function getOptional<T>(path: string): Promise<T | null> {
  for (;;) {
    const token = storedToken()
    const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} })
    if (response.status === 401) {
      await askForToken(token)
      continue
    }
    if (response.status === 404) return null
    const body: unknown = await response.json().catch(() => null)
    if (!response.ok) throw envelopeError(response.status, body)
    return body as T
  }
}

/** A path parameter for an Eden call: Eden joins parameters into the path as they are, so ids are encoded here. */
export const segment = (value: string): string => encodeURIComponent(value)
