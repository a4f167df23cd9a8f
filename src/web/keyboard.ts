import { signal } from '@preact/signals'

/** The list `j`/`k` move through on the current page (results, sessions, messages), if any. */
export interface KeyboardList {
  move(delta: 1 | -1): void
  /** Opens the selected item (when focus is not already on it). */
  open(): void
}

/** The current page's `j`/`k` list (set by the list while it is shown). */
export const keyboardList = signal<KeyboardList | null>(null)

/** The header's search box, focused by `/`. */
export const searchBox = signal<HTMLInputElement | null>(null)

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))

document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return
  if (document.querySelector('dialog[open]')) return
  const list = keyboardList.value
  if (event.key === '/') {
    event.preventDefault()
    searchBox.value?.focus()
    searchBox.value?.select()
  } else if ((event.key === 'j' || event.key === 'k') && list) {
    event.preventDefault()
    list.move(event.key === 'j' ? 1 : -1)
  } else if (event.key === 'Enter' && list && !(event.target instanceof HTMLAnchorElement || event.target instanceof HTMLButtonElement)) {
    event.preventDefault()
    list.open()
  }
})
