import { signal } from '@preact/signals'
import type { SearchResult, SearchSort } from '../search'
import { api, call } from './api/client'
import { href, navigate, place } from './router'

/** Wait after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 150

/** The orders results can come in, as the page names them; the keys are the API's `sort` values (checked by tsc). */
export const SORTS: Record<SearchSort, string> = { relevance: 'Best match', recent: 'Most recent' }

/** The order an address asks for (`sort=recent`); best match when it names none or one unknown. */
export function sortIn(params: URLSearchParams): SearchSort {
  const named = params.get('sort')
  return named !== null && Object.hasOwn(SORTS, named) ? (named as SearchSort) : 'relevance'
}

/** The search page's address for a query and an order (the default order is left out). */
export function searchAddress(text: string, order: SearchSort): string {
  const params = [text && `q=${encodeURIComponent(text)}`, order !== 'relevance' && `sort=${order}`].filter(Boolean)
  return params.length > 0 ? `/search?${params.join('&')}` : '/search'
}

const onSearchPage = place.value.path === '/search'

/** What the search box holds. */
export const query = signal(onSearchPage ? (place.value.query.get('q') ?? '') : '')

/** The order of results; kept while typing from another page. */
export const sort = signal<SearchSort>(onSearchPage ? sortIn(place.value.query) : 'relevance')

/** The latest answer: for which query and order, its results or its error. */
export const answer = signal<{ query: string; sort: SearchSort; results: SearchResult[]; error: string | null } | null>(null)

/** Whether the latest answer is for the box's text in the current order. */
const answered = () => answer.value?.query === query.value.trim() && answer.value.sort === sort.value

/** Index of the highlighted result (↓/↑ in the box, j/k elsewhere); Enter opens it. */
export const selected = signal(0)

let timer: ReturnType<typeof setTimeout> | null = null
let latest = 0

/** Searches `text` now in the current order; only the answer to the latest search is kept. Paint is marked for the benchmark. */
export async function search(text: string): Promise<void> {
  const mine = ++latest
  const q = text.trim()
  const order = sort.value
  if (!q) {
    answer.value = null
    return
  }
  performance.mark('chasm:search-sent')
  try {
    const found = await call(() => api.api.sessions.search.get({ query: { q, limit: 30, sort: order } }))
    if (mine !== latest) return
    answer.value = { query: q, sort: order, results: found.data, error: null }
  } catch (error) {
    if (mine !== latest) return
    answer.value = { query: q, sort: order, results: [], error: (error as Error).message }
  }
  selected.value = 0
  requestAnimationFrame(() => setTimeout(() => mine === latest && performance.mark('chasm:search-painted')))
}

/** The box changed: keep the address in step and search once typing pauses. */
export function typed(text: string): void {
  query.value = text
  navigate(searchAddress(text, sort.value), { replace: place.value.path === '/search' })
  if (timer) clearTimeout(timer)
  timer = setTimeout(() => {
    timer = null
    void search(text)
  }, SEARCH_DEBOUNCE_MS)
}

/**
 * The search page's address changed (a link, reload or Back, the order chosen, or typing): search for
 * what it names unless typing already does. It reads the address as it is now, not as it was when the
 * page asked: an older address would put back text typed since.
 */
export function follow(): void {
  const q = place.value.query.get('q') ?? ''
  const order = sortIn(place.value.query)
  if (q === query.value && order === sort.value && (timer !== null || answered())) return
  query.value = q
  sort.value = order
  void search(q)
}

/** Where a result leads: its session, scrolled to the first matching message. */
export function resultHref(result: SearchResult): string {
  const first = result.matches[0]
  return href('/sessions', result.sessionId) + (first ? `#m-${encodeURIComponent(first.messageId)}` : '')
}

/** Opens the highlighted result (the first by default); searches first if typing has not paused yet. */
export async function openSelected(): Promise<void> {
  if (!answered()) {
    if (timer) clearTimeout(timer)
    timer = null
    await search(query.value)
  }
  const results = answer.value?.results ?? []
  const result = results[Math.min(selected.value, results.length - 1)]
  if (result) navigate(resultHref(result))
}
