import { measureElement, observeWindowOffset, observeWindowRect, Virtualizer, windowScroll } from '@tanstack/virtual-core'
import { Component, type ComponentChildren } from 'preact'
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks'
import { keyboardList } from '../keyboard'

interface Props<T> {
  items: readonly T[]
  /** Expected height of an item, px (items are measured once drawn). */
  estimateSize: number
  itemKey: (item: T) => string
  render: (item: T) => ComponentChildren
  /** Accessible name of the list. */
  label: string
  /** Told the last index drawn, so the caller can fetch the next page in time. */
  onDrawn?: (lastIndex: number) => void
  /** An index to bring into view and select, e.g. the message a `#m-` anchor names. */
  reveal?: number | null
  /** Called once the item `reveal` names is on screen. */
  onRevealed?: (element: HTMLElement) => void
}

/** One drawn item; drawn again only when the item itself changed (scrolling redraws the list often). */
class Item<T> extends Component<{ item: T; render: (item: T) => ComponentChildren }> {
  override shouldComponentUpdate(next: { item: T }): boolean {
    return next.item !== this.props.item
  }

  override render() {
    return this.props.render(this.props.item)
  }
}

const navTarget = (row: Element): HTMLElement | null => (row.querySelector('[data-nav]') as HTMLElement | null) ?? (row as HTMLElement)

/**
 * A window-scrolled list that draws only what is on screen (@tanstack/virtual-core), and the
 * page's `j`/`k` list: they select and focus items, Enter opens the selected one.
 */
export function VirtualList<T>({ items: all, estimateSize, itemKey, render, label, onDrawn, reveal, onRevealed }: Props<T>) {
  const count = all.length
  const container = useRef<HTMLDivElement>(null)
  const [, redraw] = useReducer((n: number) => n + 1, 0)
  const [selected, setSelected] = useState(-1)
  const selectedNow = useRef(-1)
  const select = (index: number) => {
    selectedNow.current = index
    setSelected(index)
  }
  const focusPending = useRef(false)
  const revealPending = useRef<number | null>(null)
  const options = {
    count,
    estimateSize: () => estimateSize,
    getItemKey: (index: number) => itemKey(all[index]!),
    getScrollElement: () => window,
    observeElementRect: observeWindowRect,
    observeElementOffset: observeWindowOffset,
    scrollToFn: windowScroll,
    measureElement,
    initialOffset: () => window.scrollY,
    overscan: 4,
    scrollMargin: container.current ? container.current.getBoundingClientRect().top + window.scrollY : 0,
    onChange: () => redraw(0),
  }
  const [virtualizer] = useState(() => new Virtualizer<Window, HTMLElement>(options))
  virtualizer.setOptions(options)
  useLayoutEffect(() => virtualizer._didMount(), [])
  useLayoutEffect(() => virtualizer._willUpdate())

  const items = virtualizer.getVirtualItems()
  const last = items.at(-1)?.index ?? -1
  useEffect(() => {
    if (last >= 0) onDrawn?.(last)
  }, [last, count])

  useEffect(() => {
    if (reveal === null || reveal === undefined || reveal < 0 || reveal >= count) return
    revealPending.current = reveal
    select(reveal)
    virtualizer.scrollToIndex(reveal, { align: 'start' })
  }, [reveal, count])

  // After each draw: focus the selected item once it exists; report a revealed item once it is placed.
  useEffect(() => {
    const row = (index: number) => container.current?.querySelector(`[data-index="${index}"]`) ?? null
    if (focusPending.current) {
      // The latest selection, not this render's: keys may have moved it again before this effect ran.
      const element = row(selectedNow.current)
      if (element) {
        focusPending.current = false
        navTarget(element)?.focus({ preventScroll: true })
      }
    }
    if (revealPending.current !== null) {
      const element = row(revealPending.current) as HTMLElement | null
      if (element && !virtualizer.isScrolling) {
        revealPending.current = null
        onRevealed?.(element)
      }
    }
  })

  // Registered before paint: a key pressed as soon as the list shows reaches it.
  useLayoutEffect(() => {
    const list = {
      move(delta: 1 | -1) {
        if (count === 0) return
        const current = selectedNow.current
        // Nothing selected yet: j starts at the first item on screen, k at the one before it.
        const first = virtualizer.getVirtualItems().find((item) => item.end > window.scrollY)?.index ?? 0
        const from = current < 0 ? (delta === 1 ? first - 1 : first) : current
        const next = Math.max(0, Math.min(count - 1, from + delta))
        virtualizer.scrollToIndex(next, { align: 'auto' })
        select(next)
        // Usually the item is already drawn (it is next to the one on screen); otherwise focus it once drawn.
        const drawn = container.current?.querySelector(`[data-index="${next}"]`)
        if (drawn) navTarget(drawn)?.focus({ preventScroll: true })
        else focusPending.current = true
      },
      open() {
        const element = container.current?.querySelector(`[data-index="${Math.max(selectedNow.current, 0)}"]`)
        if (element) navTarget(element)?.click()
      },
    }
    keyboardList.value = list
    return () => {
      if (keyboardList.value === list) keyboardList.value = null
    }
  }, [count])

  const margin = virtualizer.options.scrollMargin
  return (
    <div ref={container} class="virtual" role="list" aria-label={label} style={{ height: `${virtualizer.getTotalSize()}px` }}>
      {items.map((item) => (
        <div
          key={item.key}
          role="listitem"
          class={item.index === selected ? 'row selected' : 'row'}
          data-index={item.index}
          ref={virtualizer.measureElement}
          style={{ transform: `translateY(${item.start - margin}px)` }}
        >
          <Item item={all[item.index]!} render={render} />
        </div>
      ))}
    </div>
  )
}
