import { ModelError } from './client'

/** The part of `fetch` chasm uses; injectable so tests can count or fail requests. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** How model calls wait and retry. */
export interface HttpPolicy {
  /** Per attempt; the call fails with a ModelError after this long without a complete answer. */
  timeoutMs: number
  /** Retries after the first attempt, on 429, 5xx and network errors. */
  retries: number
  /** First backoff delay; it doubles each retry (with jitter), capped by `maxDelayMs`. */
  baseDelayMs: number
  maxDelayMs: number
  fetch: Fetch
}

/** Two minutes per attempt, three retries starting at 0.5 s, the global fetch. */
export const DEFAULT_HTTP_POLICY: HttpPolicy = {
  timeoutMs: 120_000,
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  fetch: (input, init) => fetch(input, init),
}

/** A JSON POST to a model API with timeout, retry with backoff on 429/5xx, and immediate abort. Returns the parsed body. */
export async function postJson(
  vendor: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  policy: HttpPolicy,
  signal?: AbortSignal,
): Promise<unknown> {
  const payload = JSON.stringify(body)
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted()
    const outcome = await attemptOnce(vendor, url, headers, payload, policy, signal)
    if (outcome.ok) return outcome.body
    const { error, retryAfterMs } = outcome
    if (!error.retryable || attempt >= policy.retries) throw error
    await delay(backoff(attempt, policy, retryAfterMs), signal)
  }
}

type Attempt = { ok: true; body: unknown } | { ok: false; error: ModelError; retryAfterMs: number | null }

async function attemptOnce(
  vendor: string,
  url: string,
  headers: Record<string, string>,
  payload: string,
  policy: HttpPolicy,
  signal?: AbortSignal,
): Promise<Attempt> {
  const timeout = AbortSignal.timeout(policy.timeoutMs)
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
  try {
    const response = await policy.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: payload,
      signal: combined,
    })
    const text = await response.text()
    if (!response.ok) {
      const retryable = response.status === 429 || response.status >= 500
      const message = `${vendor}: HTTP ${response.status}: ${errorMessage(text) ?? response.statusText}`
      return { ok: false, error: new ModelError(message, response.status, retryable), retryAfterMs: retryAfter(response) }
    }
    try {
      return { ok: true, body: JSON.parse(text) }
    } catch (cause) {
      return { ok: false, error: new ModelError(`${vendor}: the reply is not JSON`, response.status, false, { cause }), retryAfterMs: null }
    }
  } catch (cause) {
    // The caller's abort wins over everything: rethrow it as is so the run sees a stop, not a failure.
    if (signal?.aborted) throw signal.reason
    if (timeout.aborted) {
      return { ok: false, error: new ModelError(`${vendor}: no answer within ${policy.timeoutMs} ms`, null, false, { cause }), retryAfterMs: null }
    }
    return { ok: false, error: new ModelError(`${vendor}: ${(cause as Error).message}`, null, true, { cause }), retryAfterMs: null }
  }
}

/** The message vendors put in an error body (`{error: {message}}`, `{error: "…"}`, `{message}`), else the text cut short. */
function errorMessage(text: string): string | null {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown }
    if (typeof body.error === 'string') return body.error
    if (typeof body.error?.message === 'string') return body.error.message
    if (typeof body.message === 'string') return body.message
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const trimmed = text.trim()
  return trimmed === '' ? null : trimmed.slice(0, 500)
}

function retryAfter(response: Response): number | null {
  const header = response.headers.get('retry-after')
  if (header === null) return null
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now())
}

function backoff(attempt: number, policy: HttpPolicy, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, policy.maxDelayMs)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  // Half fixed, half random: spreads concurrent workers that hit the same rate limit.
  return ceiling / 2 + Math.random() * (ceiling / 2)
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
