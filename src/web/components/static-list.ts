import type { Signal } from '@preact/signals'
import type { RefObject } from 'preact'
import { useLayoutEffect } from 'preact/hooks'
import { keyboardList } from '../keyboard'

/** Makes the `[data-nav]` links inside `container` the page's `j`/`k` list; `selection` holds the selected index (-1: none). */
export function useStaticList(container: RefObject<HTMLElement | null>, selection: Signal<number>): void {
  useLayoutEffect(() => {
    const items = () => [...(container.current?.querySelectorAll<HTMLElement>('[data-nav]') ?? [])]
    const list = {
      move(delta: 1 | -1) {
        const all = items()
        if (all.length === 0) return
        // From outside the list the first key focuses the selected item; then keys move from it.
        const at = all.indexOf(document.activeElement as HTMLElement)
        const next = Math.max(0, Math.min(all.length - 1, at < 0 ? selection.value : at + delta))
        selection.value = next
        all[next]!.focus()
      },
      open() {
        items()[Math.max(0, selection.value)]?.click()
      },
    }
    keyboardList.value = list
    return () => {
      if (keyboardList.value === list) keyboardList.value = null
    }
  }, [])
}
