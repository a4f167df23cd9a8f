import { signal } from '@preact/signals'
import type { CommittedEvent, ServerMessage } from '../../recording'
import { apiAdmitted } from './client'
import { storedToken } from './token'

/** Callbacks of one watcher of a session. */
export interface SessionWatcher {
  /** Called for each event recorded in the session. */
  event(event: CommittedEvent): void
  /** Called after the socket reconnected: events may have been missed, reload. */
  resumed(): void
}

/** Whether the live socket is connected (for the "live" badge). */
export const socketOpen = signal(false)

const watchers = new Map<string, Set<SessionWatcher>>()
let socket: WebSocket | null = null
let retryDelay = 500
let retryTimer: ReturnType<typeof setTimeout> | null = null
let everOpened = false

const socketUrl = () => {
  const token = storedToken()
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/ws/recording${token ? `?token=${encodeURIComponent(token)}` : ''}`
}

const send = (message: { type: 'subscribe' | 'unsubscribe'; session_id: string }) => {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
}

let admitted = false
void apiAdmitted.then(() => {
  admitted = true
  connect()
})

function connect(): void {
  // Not before the API has let us in: in token mode the token is asked for on the first refused request.
  if (socket || watchers.size === 0 || !admitted) return
  const opened = new WebSocket(socketUrl())
  socket = opened
  opened.onopen = () => {
    socketOpen.value = true
    retryDelay = 500
    for (const id of watchers.keys()) send({ type: 'subscribe', session_id: id })
    if (everOpened) for (const set of watchers.values()) for (const watcher of set) watcher.resumed()
    everOpened = true
  }
  opened.onmessage = (message) => {
    const parsed = JSON.parse(String(message.data)) as ServerMessage
    if (parsed.type !== 'event') return
    for (const watcher of watchers.get(parsed.event.session_id) ?? []) watcher.event(parsed.event)
  }
  opened.onclose = () => {
    socket = null
    socketOpen.value = false
    if (watchers.size === 0) return
    retryTimer = setTimeout(() => {
      retryTimer = null
      connect()
    }, retryDelay)
    retryDelay = Math.min(retryDelay * 2, 10_000)
  }
}

/** Streams a session's recorded events over `/ws/recording` until the returned function is called. */
export function watchSession(sessionId: string, watcher: SessionWatcher): () => void {
  let set = watchers.get(sessionId)
  if (!set) {
    set = new Set()
    watchers.set(sessionId, set)
    send({ type: 'subscribe', session_id: sessionId })
  }
  set.add(watcher)
  connect()
  return () => {
    set.delete(watcher)
    if (set.size > 0) return
    watchers.delete(sessionId)
    send({ type: 'unsubscribe', session_id: sessionId })
    if (watchers.size === 0) {
      if (retryTimer) clearTimeout(retryTimer)
      retryTimer = null
      socket?.close()
    }
  }
}
