import { signal } from '@preact/signals'

/** The part of the address the app routes on. */
export interface Place {
  path: string
  query: URLSearchParams
  hash: string
}

const current = (): Place => ({ path: location.pathname, query: new URLSearchParams(location.search), hash: location.hash })

/** Where the app is; pages re-render when it changes. */
export const place = signal<Place>(current())

/** Goes to an in-app address (history API); `replace` for changes that should not add a Back step. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const before = place.value.path
  history[options.replace ? 'replaceState' : 'pushState'](null, '', to)
  place.value = current()
  if (place.value.path !== before && !place.value.hash) window.scrollTo(0, 0)
}

addEventListener('popstate', () => (place.value = current()))
addEventListener('hashchange', () => (place.value = current()))

// Same-origin links navigate inside the app; modified clicks, new tabs and downloads stay the browser's.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  const anchor = (event.target as Element | null)?.closest?.('a')
  // In-page anchors (`#main`, `#m-<id>`) are the browser's own; `hashchange` below keeps `place` in step.
  if (!anchor || anchor.target || anchor.hasAttribute('download') || !anchor.href || anchor.getAttribute('href')!.startsWith('#')) return
  const url = new URL(anchor.href)
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/swagger')) return
  event.preventDefault()
  navigate(url.pathname + url.search + url.hash)
})

/** Matches a path against a pattern like `/sessions/:id`; the decoded parameters, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/')
  const got = path.split('/')
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!
    if (part.startsWith(':')) {
      if (!got[i]) return null
      try {
        params[part.slice(1)] = decodeURIComponent(got[i]!)
      } catch {
        return null
      }
    } else if (part !== got[i]) return null
  }
  return params
}

/** An in-app address with its path segments encoded, e.g. `href('/sessions', id)`. */
export const href = (base: string, ...segments: string[]): string => [base, ...segments.map(encodeURIComponent)].join('/')
