import { storageProblem } from '../db'
import { ChasmError, type ErrorCode } from '../shared/errors'
import type { Logger } from '../shared/log'
import { checkJsonDepth } from '../shared/json'
import type { Clock } from '../shared/time'
import { EventError, invalid } from './events'
import type { EventListener } from './hub'
import type { ApplyResult, CommittedEvent, EventAck } from './model'

/** Version of the WebSocket message protocol, sent in `connected`. */
export const PROTOCOL_VERSION = 1

/** Everything the server sends over the recording WebSocket (docs/api.md, "Recording"). */
export type ServerMessage =
  | { type: 'connected'; clientId: string; version: typeof PROTOCOL_VERSION }
  | ({ type: 'ack' } & EventAck)
  | { type: 'error'; code: ErrorCode; message: string; event_id: string | null }
  | { type: 'subscribed' | 'unsubscribed'; session_id: string }
  | { type: 'event'; event: CommittedEvent }
  | { type: 'pong'; serverTime: string }

/** What a connection needs from the recorder. */
export interface ConnectionDeps {
  /** Queues events for the next group commit; `done` runs after it, in queue order. */
  submit(body: unknown, done: (error: unknown, result?: ApplyResult) => void): void
  subscribe(sessionId: string, listener: EventListener): () => void
  clock: Clock
  log: Logger
  /** Called once when the connection closes. */
  closed(): void
}

/** How a connection talks to its socket. */
export interface ConnectionTransport {
  send(message: ServerMessage): void
  /** Called with true when too many replies are outstanding (stop reading the socket), false once they drained. */
  pressure?(high: boolean): void
  /** Runs `fn`, whose sends may be written to the socket together (one syscall). */
  cork?(fn: () => void): void
  /** Closes the socket (server shutdown). */
  close?(code: number, reason: string): void
}

/** One open recording WebSocket: feed it the client's messages; it replies in the order they were sent. */
export interface RecordingConnection {
  readonly clientId: string
  /** Outstanding replies (events not yet committed, or replies queued behind them). */
  readonly pending: number
  /** Handles one text message from the client. */
  receiveText(text: string): void
  /** Handles one already-parsed message from the client. */
  receive(message: unknown): void
  /** Answers a message the transport refused (binary, too large) with an error, in order. */
  reject(code: ErrorCode, message: string): void
  /** Stops live pushes; replies still in flight are dropped, their events still commit. */
  close(): void
  /** Closes the socket itself with 1001 "going away" (server shutdown). */
  disconnect(reason: string): void
}

/** Outstanding replies above which a connection asks its transport to stop reading; it resumes at a quarter of it. */
export const HIGH_WATER = 4096

interface Slot {
  messages: ServerMessage[] | null
}

const errorMessage = (error: unknown, log: Logger): ServerMessage => {
  if (error instanceof ChasmError) {
    return { type: 'error', code: error.code, message: error.message, event_id: error instanceof EventError ? error.eventId : null }
  }
  const storage = storageProblem(error)
  log.error(`recording WebSocket message failed${storage ? `: ${storage}` : ''}`, error)
  return { type: 'error', code: 'INTERNAL_ERROR', message: storage ?? 'Internal error while recording; the events were not recorded', event_id: null }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const CONTROL_TYPES = ['subscribe', 'unsubscribe', 'ping'] as const

/** Sessions one socket may watch at once: each subscription holds memory until the socket closes. */
export const MAX_SUBSCRIPTIONS = 256

/** A control message (`subscribe`, `unsubscribe`, `ping`), validated; null when the message is events. */
function parseControl(message: unknown): { type: 'ping' } | { type: 'subscribe' | 'unsubscribe'; sessionId: string } | null {
  if (!isObject(message) || !('type' in message)) return null
  const { type } = message
  if (!CONTROL_TYPES.includes(type as (typeof CONTROL_TYPES)[number])) {
    throw invalid('type', `must be one of ${CONTROL_TYPES.map((t) => JSON.stringify(t)).join(', ')} (an event has no "type")`, null)
  }
  const allowed = type === 'ping' ? ['type'] : ['type', 'session_id']
  const unknown = Object.keys(message).find((key) => !allowed.includes(key))
  if (unknown !== undefined) throw invalid(unknown, 'is not a known field', null)
  if (type === 'ping') return { type }
  const sessionId = message.session_id
  if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 256) {
    throw invalid('session_id', 'expected a session id (1..256 characters)', null)
  }
  return { type: type as 'subscribe' | 'unsubscribe', sessionId }
}

/** Opens the protocol side of one WebSocket (docs/api.md, "Recording"): events → acks after commit, subscriptions, ping. */
export function openConnection(deps: ConnectionDeps, transport: ConnectionTransport, clientId: string): RecordingConnection {
  const subscriptions = new Map<string, () => void>()
  // Replies leave in the order their messages arrived: a slot waits until its events are committed.
  let slots: Slot[] = []
  let head = 0
  let closed = false
  let pressed = false

  const sendReady = () => {
    while (head < slots.length) {
      const slot = slots[head]!
      if (slot.messages === null) break
      head++
      if (!closed) for (const message of slot.messages) transport.send(message)
    }
  }

  const drain = () => {
    if (transport.cork) transport.cork(sendReady)
    else sendReady()
    if (head === slots.length) {
      slots = []
      head = 0
    }
    if (pressed && slots.length - head <= HIGH_WATER / 4) {
      pressed = false
      transport.pressure?.(false)
    }
  }

  const reply = (messages: ServerMessage[]) => {
    if (head === slots.length) {
      if (!closed) for (const message of messages) transport.send(message)
      return
    }
    slots.push({ messages })
  }

  const submit = (message: unknown) => {
    const slot: Slot = { messages: null }
    slots.push(slot)
    deps.submit(message, (error, result) => {
      slot.messages = result
        ? result.acks.map((ack): ServerMessage => ({ type: 'ack', ...ack }))
        : [errorMessage(error, deps.log)]
      drain()
    })
    if (!pressed && slots.length - head > HIGH_WATER) {
      pressed = true
      transport.pressure?.(true)
    }
  }

  const push: EventListener = (event) => reply([{ type: 'event', event }])

  const connection: RecordingConnection = {
    clientId,
    get pending() {
      return slots.length - head
    },
    receiveText(text) {
      let message: unknown
      try {
        checkJsonDepth(text)
        message = JSON.parse(text)
      } catch (error) {
        connection.reject('BAD_REQUEST', error instanceof ChasmError ? error.message : `Invalid JSON: ${(error as Error).message}`)
        return
      }
      connection.receive(message)
    },
    receive(message) {
      let control: ReturnType<typeof parseControl>
      try {
        control = parseControl(message)
      } catch (error) {
        reply([errorMessage(error, deps.log)])
        return
      }
      if (control === null) {
        submit(message)
        return
      }
      switch (control.type) {
        case 'ping':
          reply([{ type: 'pong', serverTime: new Date(deps.clock()).toISOString() }])
          return
        case 'subscribe':
          if (!subscriptions.has(control.sessionId)) {
            if (subscriptions.size >= MAX_SUBSCRIPTIONS) {
              reply([{ type: 'error', code: 'BAD_REQUEST', message: `At most ${MAX_SUBSCRIPTIONS} subscriptions per socket: unsubscribe from one first, or open another socket`, event_id: null }])
              return
            }
            subscriptions.set(control.sessionId, deps.subscribe(control.sessionId, push))
          }
          reply([{ type: 'subscribed', session_id: control.sessionId }])
          return
        case 'unsubscribe':
          subscriptions.get(control.sessionId)?.()
          subscriptions.delete(control.sessionId)
          reply([{ type: 'unsubscribed', session_id: control.sessionId }])
          return
      }
    },
    reject(code, message) {
      reply([{ type: 'error', code, message, event_id: null }])
    },
    disconnect(reason) {
      transport.close?.(1001, reason)
      connection.close()
    },
    close() {
      if (closed) return
      closed = true
      deps.closed()
      for (const unsubscribe of subscriptions.values()) unsubscribe()
      subscriptions.clear()
    },
  }
  transport.send({ type: 'connected', clientId, version: PROTOCOL_VERSION })
  return connection
}
