import { useEffect, useRef } from 'preact/hooks'
import { searchBox } from '../keyboard'
import { answer, openSelected, query, selected, typed } from '../search'

/** The header's search field: results while typing; ↓/↑ choose a result, Enter opens it. */
export function SearchBox() {
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    searchBox.value = input.current
  }, [])
  const count = answer.value?.results.length ?? 0
  return (
    <form class="search-box" role="search" onSubmit={(event) => event.preventDefault()}>
      <label for="search-input" class="visually-hidden">
        Search all conversations
      </label>
      <input
        id="search-input"
        ref={input}
        type="search"
        placeholder="Search  ( / )"
        autocomplete="off"
        spellcheck={false}
        aria-controls="search-results"
        value={query.value}
        onInput={(event) => typed(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault()
            if (count > 0) selected.value = Math.max(0, Math.min(count - 1, selected.value + (event.key === 'ArrowDown' ? 1 : -1)))
          } else if (event.key === 'Enter') {
            event.preventDefault()
            void openSelected()
          } else if (event.key === 'Escape') {
            event.currentTarget.blur()
          }
        }}
      />
    </form>
  )
}
