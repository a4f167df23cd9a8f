import { randomUUID } from 'node:crypto'
import { messagesOf, PAGE_SIZES, type ChasmDb, type Page, type SessionOrigin, type SessionSummary } from '../db'
import { notFound } from '../shared/errors'
import { silentLogger, type Logger } from '../shared/log'
import { systemClock, toIso, type Clock } from '../shared/time'
import { applyEvents, applyGroup, type GroupItem } from './group-commit'
import { parseEventsBody, parseSnapshot } from './events'
import { createHub, type EventListener } from './hub'
import type {
  ApplyResult,
  RecordedSessionDetail,
  RecordingSession,
  RecordingState,
  RecordingStateFilter,
  RecordingStatus,
  RecoveryEntry,
} from './model'
import { openConnection, type ConnectionTransport, type RecordingConnection } from './protocol'
import { applySnapshot } from './snapshot'
import { recordingStore, type RecordedRow, type StateQuery } from './store'

export * from './events'
export * from './model'
export { PROTOCOL_VERSION, HIGH_WATER, type ServerMessage, type RecordingConnection, type ConnectionTransport } from './protocol'
export type { EventListener } from './hub'

/** Seconds without events after which an active session is `idle` (`--recording-idle`). */
export const DEFAULT_IDLE_SECONDS = 300

export interface RecorderOptions {
  clock?: Clock
  idleSeconds?: number
  log?: Logger
}

/** Options of trusted, in-process callers only (never taken from the API). */
export interface ApplyOptions {
  /** Origin of sessions this request starts, e.g. `agency` for swarm runs; default `recording`. */
  origin?: SessionOrigin
}

export interface ListQuery {
  status?: RecordingStateFilter
  limit?: number
  offset?: number
}

/** The recording service: durable event application, reads, live subscriptions. */
export interface Recorder {
  /** Validates and commits one request (an event or `{events}`) now; returns its acks. Throws ChasmError if invalid. */
  apply(body: unknown, options?: ApplyOptions): ApplyResult
  /** Like `apply`, but commits together with every request queued in this tick (group commit); resolves after the commit. */
  submit(body: unknown, options?: ApplyOptions): Promise<ApplyResult>
  /** Stores a complete session (`POST /api/recording/snapshot`). */
  snapshot(body: unknown): SessionSummary
  listSessions(query?: ListQuery): Page<RecordingSession>
  getSession(id: string): RecordedSessionDetail
  recovery(): RecoveryEntry[]
  status(): RecordingStatus
  /** Live events of one session, each exactly once, in order, right after its commit. */
  subscribe(sessionId: string, listener: EventListener): () => void
  /** Opens the protocol side of a recording WebSocket; counted in `connectedClients` until closed. */
  connect(transport: ConnectionTransport): RecordingConnection
  /** At server start: every session still recording when the server stopped becomes `interrupted`. */
  markInterruptedOnStart(): number
  /** Commits every queued request now. */
  flush(): void
  /** Graceful shutdown: commits what is queued, lets its acks go out, then closes every recording WebSocket (1001). */
  shutdown(): Promise<void>
}

/** A request waiting for the group commit; `parsed` is null when it was refused before (its error waits in line). */
interface Queued {
  parsed: GroupItem | null
  error: unknown
  done: CommitCallback
}

/** Called once a queued request is committed (or refused), in the order requests were queued. */
type CommitCallback = (error: unknown, result?: ApplyResult) => void

const STATE_QUERIES: Record<RecordingStateFilter, StateQuery> = {
  active: 'active',
  idle: 'idle',
  interrupted: 'interrupted',
  ended: 'ended',
  all: 'all',
}

/**
 * Creates the recorder over an open database.
 * @example
 * const recorder = createRecorder(chasm, { idleSeconds: 300 })
 * recorder.markInterruptedOnStart()
 * recorder.apply({ session_id: 'abc123', event_type: 'message', data: { role: 'user', content: 'Hi' } })
 */
export function createRecorder(chasm: ChasmDb, options: RecorderOptions = {}): Recorder {
  const { sqlite } = chasm
  const clock = options.clock ?? systemClock
  const idleMs = (options.idleSeconds ?? DEFAULT_IDLE_SECONDS) * 1000
  const log = options.log ?? silentLogger
  const store = recordingStore(sqlite)
  const hub = createHub(log)
  const startedAt = clock()
  const connections = new Set<RecordingConnection>()
  let eventsReceived = 0
  let queue: Queued[] = []
  let scheduled = false

  const stateOf = (row: RecordedRow, now: number): RecordingState =>
    row.status === 'active' && row.last_activity < now - idleMs ? 'idle' : row.status

  const toSession = (row: RecordedRow, now: number): RecordingSession => ({
    id: row.id,
    provider: row.provider,
    title: row.title,
    workspacePath: row.workspace_path,
    messageCount: row.message_count,
    startedAt: toIso(row.started_at)!,
    lastActivity: toIso(row.last_activity)!,
    status: stateOf(row, now),
  })

  /** Reports a request's outcome; one failing callback must not keep the others from theirs. */
  const settle = (item: Queued, error: unknown, result?: ApplyResult) => {
    try {
      item.done(error, result)
    } catch (failure) {
      log.error('recording reply failed', failure)
    }
  }

  const flushQueue = () => {
    scheduled = false
    if (queue.length === 0) return
    const items = queue
    queue = []
    const valid = items.flatMap((item) => (item.parsed ? [item.parsed] : []))
    let outcomes
    try {
      outcomes = valid.length === 0 ? [] : applyGroup(store, valid, clock())
      // Checked after the commit: a file replaced before or during it means these events went to a file
      // nobody will open again, so they must not be acknowledged.
      if (valid.length > 0) chasm.checkFile()
    } catch (error) {
      log.error('recording commit failed', error)
      for (const item of items) settle(item, item.parsed ? error : item.error)
      return
    }
    let next = 0
    for (const item of items) {
      if (!item.parsed) {
        settle(item, item.error)
        continue
      }
      const outcome = outcomes[next++]!
      if (!outcome.ok) {
        settle(item, outcome.error)
        continue
      }
      eventsReceived += outcome.outcome.result.acks.length
      hub.publish(outcome.outcome.committed)
      settle(item, null, outcome.outcome.result)
    }
  }

  /** Queues a request for the next group commit; invalid input is refused without touching the database, but in line. */
  const enqueue = (body: unknown, applyOptions: ApplyOptions, done: CommitCallback) => {
    try {
      queue.push({ parsed: { parsed: parseEventsBody(body), origin: applyOptions.origin ?? 'recording' }, error: null, done })
    } catch (error) {
      queue.push({ parsed: null, error, done })
    }
    if (!scheduled) {
      scheduled = true
      setImmediate(flushQueue)
    }
  }

  const recorder: Recorder = {
    apply(body, applyOptions = {}) {
      flushQueue()
      const parsed = parseEventsBody(body)
      const { result, committed } = applyEvents(store, parsed, applyOptions.origin ?? 'recording', clock())
      chasm.checkFile()
      eventsReceived += result.acks.length
      hub.publish(committed)
      return result
    },
    submit(body, applyOptions = {}) {
      return new Promise<ApplyResult>((resolve, reject) =>
        enqueue(body, applyOptions, (error, result) => (result ? resolve(result) : reject(error))),
      )
    },
    snapshot(body) {
      flushQueue()
      const summary = applySnapshot(store, parseSnapshot(body), clock())
      chasm.checkFile()
      return summary
    },
    // The API validated the query (its schema); in-process callers are held to the same types.
    listSessions({ status, limit = PAGE_SIZES.recordedSessions.default, offset = 0 } = {}) {
      const state = status === undefined ? 'open' : STATE_QUERIES[status]
      const now = clock()
      const { rows, total } = store.listRecorded(state, now - idleMs, limit, offset)
      return { items: rows.map((row) => toSession(row, now)), meta: { total, limit, offset } }
    },
    getSession(id) {
      const row = store.findRecorded(id)
      if (!row) throw notFound('Recorded session', id)
      return {
        ...toSession(row, clock()),
        origin: row.origin,
        model: row.model,
        workspaceId: row.workspace_id,
        lastSeq: row.last_seq,
        lastEventId: row.last_event_id,
        lastMessageId: row.last_message_id,
        messages: messagesOf(sqlite, row.pk),
      }
    },
    recovery() {
      return store.listRecorded('interrupted', 0, -1, 0).rows.map((row) => ({
        id: row.id,
        provider: row.provider,
        title: row.title,
        messageCount: row.message_count,
        lastEventId: row.last_event_id,
        lastMessageId: row.last_message_id,
        lastSeq: row.last_seq,
        lastActivity: toIso(row.last_activity)!,
      }))
    },
    status() {
      const now = clock()
      const counts = store.counts(now - idleMs)
      return {
        status: 'healthy',
        activeSessions: counts.active,
        idleSessions: counts.idle,
        interruptedSessions: counts.interrupted,
        totalRecordedSessions: counts.total,
        eventsReceived,
        connectedClients: connections.size,
        uptimeSeconds: Math.max(0, Math.floor((now - startedAt) / 1000)),
      }
    },
    subscribe: (sessionId, listener) => hub.subscribe(sessionId, listener),
    connect(transport) {
      const connection = openConnection(
        {
          submit: (body, done) => enqueue(body, {}, done),
          subscribe: hub.subscribe,
          clock,
          log,
          closed: () => connections.delete(connection),
        },
        transport,
        randomUUID(),
      )
      connections.add(connection)
      return connection
    },
    markInterruptedOnStart: () => store.markInterrupted(),
    flush: flushQueue,
    async shutdown() {
      flushQueue()
      // REST callers are answered through promise callbacks: let them run before the sockets close.
      await new Promise((resolve) => setImmediate(resolve))
      for (const connection of [...connections]) connection.disconnect('server shutting down')
    },
  }
  return recorder
}
