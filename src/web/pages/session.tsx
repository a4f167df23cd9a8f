import { useEffect, useRef, useState } from 'preact/hooks'
import type { Message, SessionDetail } from '../../db'
import { api, ApiError, call, segment } from '../api/client'
import { socketOpen, watchSession } from '../api/socket'
import { CopyButton } from '../components/copy-button'
import { useLoad } from '../components/load'
import { MessageView } from '../components/message'
import { Status } from '../components/status'
import { VirtualList } from '../components/virtual-list'
import { applyEvent, sessionChanges } from '../live-events'
import { formatCount, formatDateTime } from '../render/format'
import { sessionMarkdown } from '../render/session-markdown'
import { href, place } from '../router'
import { useTitle } from './title'

/** Reloads caused by live events come at most this often. */
const RELOAD_GAP_MS = 1000

/** The message a `#m-<id>` address names, if any. */
const anchoredMessage = (hash: string): string | null => {
  if (!hash.startsWith('#m-')) return null
  try {
    return decodeURIComponent(hash.slice(3))
  } catch {
    return null
  }
}

/** `/sessions/:id`: the conversation, drawn as scrolled; new messages stream in while it is recorded. */
export function SessionPage({ id }: { id: string }) {
  const session = useLoad(() => call(() => api.api.sessions({ id: segment(id) }).get()), [id])
  const [live, setLive] = useState<{ messages: Message[]; header: Partial<SessionDetail> } | null>(null)
  const [streamed, setStreamed] = useState(0)
  const lastReload = useRef(0)
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const detail = session.data?.data

  useEffect(() => {
    if (detail) setLive({ messages: detail.messages, header: {} })
  }, [detail])

  useEffect(() => {
    const reload = () => {
      if (reloadTimer.current) return
      const wait = Math.max(0, lastReload.current + RELOAD_GAP_MS - Date.now())
      reloadTimer.current = setTimeout(() => {
        reloadTimer.current = null
        lastReload.current = Date.now()
        session.reload()
      }, wait)
    }
    const stop = watchSession(id, {
      event(event) {
        setStreamed((n) => n + 1)
        setLive((current) => {
          const next = current && applyEvent(current.messages, event)
          if (!current || !next) {
            reload()
            return current
          }
          return { messages: next, header: { ...current.header, ...sessionChanges(event) } }
        })
      },
      resumed: reload,
    })
    return () => {
      stop()
      if (reloadTimer.current) clearTimeout(reloadTimer.current)
    }
  }, [id])

  const messages = live?.messages ?? detail?.messages ?? []
  const header = { ...detail, ...live?.header }
  useTitle(header.title || 'Session')

  useEffect(() => {
    if (detail) requestAnimationFrame(() => setTimeout(() => performance.mark('chasm:session-painted')))
  }, [detail !== undefined])

  const anchored = anchoredMessage(place.value.hash)
  const reveal = anchored === null ? null : messages.findIndex((m) => m.id === anchored)

  if (session.error instanceof ApiError && session.error.status === 404 && !detail) {
    return (
      <>
        <h1>Session not found</h1>
        <p>
          There is no session <code>{id}</code> in this database. If it is being recorded right now, it appears here with its first message.
        </p>
      </>
    )
  }
  return (
    <Status of={session} what="the session">
      {() => (
        <>
          <div class="page-head">
            <h1 dir="auto">{header.title || 'Untitled session'}</h1>
            <div class="actions">
              <CopyButton label="Copy as Markdown" text={() => sessionMarkdown({ id, title: header.title ?? null, provider: header.provider ?? '' }, messages)} />
            </div>
          </div>
          <p class="item-meta session-meta">
            <span class="tag">{header.provider}</span>
            <span class="tag soft">{header.origin}</span>
            {header.model && <span class="model">{header.model}</span>}
            <span>{formatCount(messages.length)} messages</span>
            <span>
              {formatDateTime(header.created)} – {formatDateTime(header.updated)}
            </span>
            {header.workspaceId && <a href={href('/workspaces', header.workspaceId)}>workspace</a>}
            {header.sourceDeleted && <span class="tag soft">deleted by the assistant, kept here</span>}
            <span class={socketOpen.value ? 'live-dot on' : 'live-dot'} role="status">
              {socketOpen.value ? (streamed > 0 ? `live: ${streamed} new event${streamed === 1 ? '' : 's'}` : 'live: new messages appear here') : 'connecting for live updates…'}
            </span>
          </p>
          {reveal === -1 && <p class="note">Message {anchored} is not in this session.</p>}
          <VirtualList
            label="Messages"
            items={messages}
            estimateSize={180}
            itemKey={(m) => m.id}
            render={(m) => <MessageView message={m} />}
            reveal={reveal}
            onRevealed={(row) => {
              const article = row.querySelector('article')
              article?.classList.add('anchored')
              article?.focus({ preventScroll: true })
            }}
          />
        </>
      )}
    </Status>
  )
}
