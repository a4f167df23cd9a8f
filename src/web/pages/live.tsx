import { useEffect, useRef } from 'preact/hooks'
import { signal } from '@preact/signals'
import { api, call } from '../api/client'
import { useLoad } from '../components/load'
import { Empty, Status } from '../components/status'
import { useStaticList } from '../components/static-list'
import { formatAgo, formatCount } from '../render/format'
import { href } from '../router'
import { useTitle } from './title'

/** How often the list of recordings is refreshed while the page is open. */
const REFRESH_MS = 3000

const selection = signal(-1)

/** `/live`: recorded sessions that are not ended; opening one streams its messages. */
export function LivePage() {
  useTitle('Live')
  const list = useRef<HTMLUListElement>(null)
  useStaticList(list, selection)
  const sessions = useLoad(() => call(() => api.api.recording.sessions.get({ query: { limit: 200 } })), [])
  useEffect(() => {
    const timer = setInterval(sessions.reload, REFRESH_MS)
    return () => clearInterval(timer)
  }, [])
  return (
    <>
      <h1>Live recordings</h1>
      <p class="hint">
        Conversations being recorded through <code>/api/recording</code> or its WebSocket. Open one to watch new messages arrive.
      </p>
      <Status of={sessions} what="recordings">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>Nothing is being recorded right now. This list refreshes by itself.</Empty>
          ) : (
            <ul ref={list} class="plain-list" aria-label="Recordings, latest activity first">
              {data.map((s) => (
                <li key={s.id}>
                  <a class="item-row" data-nav href={href('/sessions', s.id)}>
                    <span class="item-title" dir="auto">
                      {s.title || 'Untitled session'}
                    </span>
                    <span class="item-meta">
                      <span class={`tag ${s.status === 'active' ? 'ok' : 'soft'}`}>{s.status}</span>
                      <span class="tag">{s.provider}</span>
                      <span>{formatCount(s.messageCount)} messages</span>
                      <span>last activity {formatAgo(s.lastActivity)}</span>
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </Status>
    </>
  )
}
