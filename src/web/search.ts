import { signal } from '@preact/signals'
import type { SearchResult } from '../search'
import { api, call } from './api/client'
import { href, navigate, place } from './router'

/** Wait after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 150

/** What the search box holds. */
export const query = signal(place.value.path === '/search' ? (place.value.query.get('q') ?? '') : '')

/** The latest answer: for which query, its results or its error. */
export const answer = signal<{ query: string; results: SearchResult[]; error: string | null } | null>(null)

/** Index of the highlighted result (↓/↑ in the box, j/k elsewhere); Enter opens it. */
export const selected = signal(0)

let timer: ReturnType<typeof setTimeout> | null = null
let latest = 0

/** Searches `text` now; only the answer to the latest search is kept. Paint is marked for the benchmark. */
export async function search(text: string): Promise<void> {
  const mine = ++latest
  const q = text.trim()
  if (!q) {
    answer.value = null
    return
  }
  performance.mark('chasm:search-sent')
  try {
    const found = await call(() => api.api.sessions.search.get({ query: { q, limit: 30 } }))
    if (mine !== latest) return
    answer.value = { query: q, results: found.data, error: null }
  } catch (error) {
    if (mine !== latest) return
    answer.value = { query: q, results: [], error: (error as Error).message }
  }
  selected.value = 0
  requestAnimationFrame(() => setTimeout(() => mine === latest && performance.mark('chasm:search-painted')))
}

/** The box changed: keep the address in step and search once typing pauses. */
export function typed(text: string): void {
  query.value = text
  const to = text ? `/search?q=${encodeURIComponent(text)}` : '/search'
  navigate(to, { replace: place.value.path === '/search' })
  if (timer) clearTimeout(timer)
  timer = setTimeout(() => {
    timer = null
    void search(text)
  }, SEARCH_DEBOUNCE_MS)
}

/** The address names `q` (opened from a link, reload or Back): search for it unless typing already does. */
export function follow(q: string): void {
  if (q === query.value && (timer !== null || answer.value?.query === q.trim())) return
  query.value = q
  void search(q)
}

/** Where a result leads: its session, scrolled to the first matching message. */
export function resultHref(result: SearchResult): string {
  const first = result.matches[0]
  return href('/sessions', result.sessionId) + (first ? `#m-${encodeURIComponent(first.messageId)}` : '')
}

/** Opens the highlighted result (the first by default); searches first if typing has not paused yet. */
export async function openSelected(): Promise<void> {
  if (answer.value?.query !== query.value.trim()) {
    if (timer) clearTimeout(timer)
    timer = null
    await search(query.value)
  }
  const results = answer.value?.results ?? []
  const result = results[Math.min(selected.value, results.length - 1)]
  if (result) navigate(resultHref(result))
}
