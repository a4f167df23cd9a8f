import { useEffect, useRef } from 'preact/hooks'
import { Empty } from '../components/status'
import { useStaticList } from '../components/static-list'
import { formatDateTime } from '../render/format'
import { Snippet } from '../render/snippet'
import type { SearchSort } from '../../search'
import { navigate, place } from '../router'
import { answer, follow, resultHref, searchAddress, selected, sortIn, SORTS } from '../search'
import { useTitle } from './title'

/** `/search?q=&sort=`: results while typing (the box is in the banner), best match or most recent first; ↓/↑ or j/k choose, Enter opens. */
export function SearchPage() {
  useTitle('Search')
  const list = useRef<HTMLOListElement>(null)
  useStaticList(list, selected)
  const q = place.value.query.get('q') ?? ''
  const order = sortIn(place.value.query)
  useEffect(follow, [q, order])
  const current = answer.value
  const results = current?.results ?? []
  return (
    <>
      <h1>Search</h1>
      <p class="hint">
        Type in the search box above (<kbd>/</kbd> jumps there): all words must match, <code>"exact phrase"</code>, <code>prefix*</code>. <kbd>↓</kbd>/<kbd>↑</kbd> or{' '}
        <kbd>j</kbd>/<kbd>k</kbd> choose a result, <kbd>Enter</kbd> opens it at the matching message.
      </p>
      <div class="filters" role="group" aria-label="Order results">
        <label>
          Order
          <select value={order} onChange={(event) => navigate(searchAddress(q, event.currentTarget.value as SearchSort), { replace: true })}>
            {Object.entries(SORTS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {current?.error && (
        <p class="note error" role="alert">
          {current.error}
        </p>
      )}
      <p class="count" role="status">
        {!q.trim() ? '' : !current ? 'Searching…' : `${results.length} session${results.length === 1 ? '' : 's'} for “${current.query}”`}
      </p>
      {current && !current.error && results.length === 0 && q.trim() && <Empty>No conversation matches “{current.query}”.</Empty>}
      <ol id="search-results" ref={list} class="plain-list results" aria-label="Search results">
        {results.map((result, i) => (
          <li key={result.sessionId} id={`result-${i}`} class={i === selected.value ? 'result selected' : 'result'} aria-current={i === selected.value ? 'true' : undefined}>
            <a class="item-row" data-nav href={resultHref(result)} onFocus={() => (selected.value = i)}>
              <span class="item-title" dir="auto">
                {result.title || 'Untitled session'}
              </span>
              <span class="item-meta">
                <span class="tag">{result.provider}</span>
                <time dateTime={result.updated ?? undefined}>{formatDateTime(result.updated)}</time>
              </span>
            </a>
            <ul class="matches">
              {result.matches.map((match) => (
                <li key={match.messageId}>
                  <a href={`${resultHref({ ...result, matches: [match] })}`}>
                    <span class="role">{match.role}</span> <Snippet html={match.snippet} />
                  </a>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </>
  )
}
