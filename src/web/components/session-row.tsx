import type { SessionSummary } from '../../db'
import { formatCount, formatDateTime } from '../render/format'
import { href } from '../router'

/** One session in a list: title, provider, size and last update; the whole row links to it. */
export function SessionRow({ session }: { session: Pick<SessionSummary, 'id' | 'title' | 'provider' | 'messageCount' | 'updated' | 'origin' | 'model'> }) {
  return (
    <a class="item-row" data-nav href={href('/sessions', session.id)}>
      <span class="item-title" dir="auto">
        {session.title || 'Untitled session'}
      </span>
      <span class="item-meta">
        <span class="tag">{session.provider}</span>
        {session.origin !== 'harvest' && <span class="tag soft">{session.origin}</span>}
        <span>{formatCount(session.messageCount)} messages</span>
        {session.model && <span class="model">{session.model}</span>}
        <time dateTime={session.updated ?? undefined}>{formatDateTime(session.updated)}</time>
      </span>
    </a>
  )
}
