import { formatCount } from '../render/format'
import type { Paged } from './paged'

/** The line above a paged list: how many items match (or that they are loading), and a failure if any. */
export function ListCount({ list, noun }: { list: Paged<unknown>; noun: string }) {
  return (
    <>
      <p class="count" role="status">
        {list.total === null ? `Loading ${noun}s…` : `${formatCount(list.total)} ${noun}${list.total === 1 ? '' : 's'}`}
      </p>
      {list.error && (
        <p class="note error" role="alert">
          Could not load {noun}s: {list.error.message}
        </p>
      )}
    </>
  )
}
