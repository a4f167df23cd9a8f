import { defaultMessageId, storedPromptTitle, workspaceIdFor, type MessageRole, type SessionOrigin, type WorkspaceInput } from '../db'
import { toEpochMs } from '../shared/time'
import { EventError, eventPath, joinPath, type ParsedEvents, type RecordingEvent } from './events'
import type { RecordedEvent } from './hub'
import type { ApplyResult, EventAck } from './model'
import type { RecordingStore, SessionRecord } from './store'

/** What one applied request produced: its result, and the events to push to live subscribers after the commit. */
export interface BatchOutcome {
  result: ApplyResult
  committed: RecordedEvent[]
}

/** A message while a request changes it; content and metadata are written back once at the end. */
export interface MessageState {
  pk: number
  id: string
  role: string
  content: string
  metadata: string | null
  contentDirty: boolean
  metadataDirty: boolean
  nextToolIndex: number | null
}

/** A session while a request changes it; written back once at the end of the request. */
export interface SessionState {
  pk: number
  id: string
  provider: string
  title: string | null
  titleDirty: boolean
  model: string | null
  storedWorkspaceId: string | null
  workspacePath: string | null
  metadata: string | null
  messageCount: number
  toolCount: number
  updatedAt: number | null
  status: 'active' | 'interrupted' | 'ended'
  lastActivity: number
  lastSeq: number
  lastEventId: string | null
  lastMessageId: string | null
  changed: boolean
  messages: Map<string, MessageState>
}

/** The provider of a session started without one. */
export const DEFAULT_PROVIDER = 'api'

const jsonText = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value))

/** A tool's output as stored: text as it is, any other JSON value as JSON text. */
export const outputText = (value: unknown): string | null => (typeof value === 'string' ? value : jsonText(value))

/** Stored metadata (JSON text) with `extras` added. */
export const mergeMetadata = (stored: string | null, extras: Record<string, unknown>): string =>
  JSON.stringify({ ...(stored === null ? {} : (JSON.parse(stored) as Record<string, unknown>)), ...extras })

/** The last segment of a path, POSIX or Windows, as a workspace name. */
const folderName = (path: string): string => path.split(/[\\/]/).filter(Boolean).at(-1) ?? path

/** The workspace of a recorded session: its folder, as the provider that recorded it sees it. */
export const workspaceInput = (provider: string, path: string): WorkspaceInput => ({ provider, key: path, name: folderName(path), path })

function stateFrom(record: SessionRecord, now: number): SessionState {
  return {
    pk: record.pk,
    id: record.id,
    provider: record.provider,
    title: record.title,
    titleDirty: false,
    model: record.model,
    storedWorkspaceId: record.workspace_id,
    workspacePath: record.workspace_path,
    metadata: record.metadata,
    messageCount: record.message_count,
    toolCount: record.tool_invocation_count,
    updatedAt: record.updated_at,
    status: record.status ?? 'active',
    lastActivity: record.last_activity ?? now,
    lastSeq: record.last_seq ?? 0,
    lastEventId: record.last_event_id,
    lastMessageId: record.last_message_id,
    changed: false,
    messages: new Map(),
  }
}

/** What one event does to its session (`handlers.ts` has one per event type). */
export type EventHandler = (applier: BatchApplier, state: SessionState, event: RecordingEvent, time: number) => void

/**
 * Applies requests' events in order, keeping each touched session in memory and writing it back once
 * in `finish()`. What each event type does is the `handle` it is given (`handlers.ts`); this keeps the
 * sessions, the log and the acks. The caller owns the transaction: a throw means the whole
 * transaction must roll back.
 */
export class BatchApplier {
  private readonly sessions = new Map<string, SessionState>()
  private acks: EventAck[] = []
  private committed: RecordedEvent[] = []
  private accepted = 0
  private origin: SessionOrigin = 'recording'
  private where = ''
  private eventId: string | null = null

  constructor(
    readonly store: RecordingStore,
    private readonly now: number,
    private readonly handle: EventHandler,
  ) {}

  /** Applies one request's events; its acks and committed events are returned, its session changes kept for `finish()`. */
  apply({ events, batched }: ParsedEvents, origin: SessionOrigin): BatchOutcome {
    this.origin = origin
    this.acks = []
    this.committed = []
    this.accepted = 0
    events.forEach((event, index) => {
      this.where = eventPath(index, batched)
      this.eventId = event.event_id ?? null
      this.applyOne(event)
    })
    const duplicates = this.acks.length - this.accepted
    return { result: { accepted: this.accepted, duplicates, acks: this.acks }, committed: this.committed }
  }

  /** Writes every changed session back. */
  finish(): void {
    for (const state of this.sessions.values()) this.write(state)
  }

  private applyOne(event: RecordingEvent): void {
    const time = toEpochMs(event.timestamp) ?? this.now
    const state = this.session(event.session_id, time)
    const seq = state.lastSeq + 1
    if (!this.store.insertEvent(state.pk, seq, this.eventId, event.event_type, this.now)) {
      const original = this.store.eventSeq(state.pk, this.eventId!)
      this.acks.push({ event_id: this.eventId, session_id: state.id, status: 'duplicate', seq: original })
      return
    }
    this.handle(this, state, event, time)
    state.changed = true
    state.lastSeq = seq
    if (this.eventId !== null) state.lastEventId = this.eventId
    state.lastActivity = this.now
    state.status = event.event_type === 'session_end' ? 'ended' : 'active'
    // A heartbeat says the recorder is alive, not that the conversation changed.
    if (event.event_type !== 'heartbeat') state.updatedAt = Math.max(state.updatedAt ?? time, time)
    this.accepted++
    this.acks.push({ event_id: this.eventId, session_id: state.id, status: 'recorded', seq })
    this.committed.push({ event, seq, time })
  }

  /** The session an event belongs to, loaded once per request; an unknown id starts a session. */
  private session(id: string, time: number): SessionState {
    const known = this.sessions.get(id)
    if (known) return known
    const record = this.store.findSession(id)
    let state: SessionState
    if (!record) {
      const pk = this.store.writer.startSession(id, DEFAULT_PROVIDER, this.origin, time)
      this.store.insertState(pk, this.now)
      state = stateFrom(
        { pk, id, provider: DEFAULT_PROVIDER, title: null, model: null, workspace_id: null, workspace_path: null, message_count: 0,
          tool_invocation_count: 0, created_at: time, updated_at: time, origin: this.origin, metadata: null, status: 'active',
          started_at: this.now, last_activity: this.now, last_seq: 0, last_event_id: null, last_message_id: null },
        this.now,
      )
    } else {
      if (record.status === null) {
        if (record.origin === 'harvest') {
          throw this.conflict('session_id', `session '${id}' was harvested from ${record.provider}; only recorded sessions accept events`)
        }
        this.store.insertState(record.pk, this.now)
      }
      state = stateFrom(record, this.now)
    }
    this.sessions.set(id, state)
    return state
  }

  setTitle(state: SessionState, title: string | null): void {
    state.title = title
    state.titleDirty = true
  }

  /** A message of the session by id, loaded once per request; null when there is none. */
  message(state: SessionState, id: string): MessageState | null {
    const cached = state.messages.get(id)
    if (cached) return cached
    const record = this.store.findMessage(state.pk, id)
    if (!record) return null
    const message = { ...record, id, contentDirty: false, metadataDirty: false, nextToolIndex: null }
    state.messages.set(id, message)
    return message
  }

  requireMessage(state: SessionState, id: string): MessageState {
    const message = this.message(state, id)
    if (!message) throw this.invalid('data.message_id', `no message '${id}' in session '${state.id}'`)
    return message
  }

  /** `msg-<index>`, or with a suffix when a client already used that id for another message. */
  freeMessageId(state: SessionState): string {
    const base = defaultMessageId(state.messageCount)
    let id = base
    for (let n = 2; this.message(state, id); n++) id = `${base}-${n}`
    return id
  }

  insertMessage(
    state: SessionState, id: string, role: MessageRole, content: string, time: number, model: string | null,
    extras: Record<string, unknown> | null,
  ): MessageState {
    const metadata = extras ? JSON.stringify(extras) : null
    const pk = this.store.writer.appendMessage(state.pk, state.messageCount, id, { role, content, timestamp: time, model, metadata: extras })
    const message: MessageState = { pk, id, role, content, metadata, contentDirty: false, metadataDirty: false, nextToolIndex: 0 }
    state.messages.set(id, message)
    state.messageCount++
    state.lastMessageId = id
    return message
  }

  /** The message a tool call without `message_id` belongs to: the latest one if the assistant wrote it, else a new empty assistant message. */
  latestAssistantMessage(state: SessionState, time: number): MessageState {
    const latest = state.lastMessageId === null ? null : this.message(state, state.lastMessageId)
    if (latest?.role === 'assistant') return latest
    return this.insertMessage(state, this.freeMessageId(state), 'assistant', '', time, null, null)
  }

  insertToolCall(
    state: SessionState, message: MessageState, field: string,
    call: { callId: string; name: string; input: unknown; output: unknown; status: string | undefined },
  ): void {
    if (this.store.findTool(state.pk, call.callId)) {
      throw this.conflict(field, `tool call '${call.callId}' already exists in session '${state.id}'`)
    }
    message.nextToolIndex ??= this.store.nextToolIndex(message.pk)
    this.store.writer.appendToolCall(state.pk, message.pk, message.id, message.nextToolIndex++, {
      id: call.callId,
      name: call.name,
      input: call.input,
      output: outputText(call.output),
      status: call.status ?? (call.output === undefined ? 'pending' : 'completed'),
    })
    state.toolCount++
  }

  addMessageMetadata(message: MessageState, extras: Record<string, unknown> | null): void {
    if (!extras) return
    message.metadata = mergeMetadata(message.metadata, extras)
    message.metadataDirty = true
  }

  /** Writes a session's changed state back: one UPDATE per table, not one per event. */
  private write(state: SessionState): void {
    if (!state.changed) return
    const { writer } = this.store
    const path = state.workspacePath || null
    const workspaceId = path === null ? null : workspaceIdFor(state.provider, path)
    const moved = workspaceId !== state.storedWorkspaceId
    if (moved && path !== null) writer.upsertWorkspace(workspaceInput(state.provider, path))
    writer.changeSession(state.pk, {
      provider: state.provider,
      model: state.model,
      workspaceId,
      messageCount: state.messageCount,
      toolCount: state.toolCount,
      updatedAt: state.updatedAt,
      metadata: state.metadata,
    })
    if (state.titleDirty) writer.changeTitle(state.pk, state.title)
    this.store.updateState(state.pk, state)
    for (const message of state.messages.values()) {
      if (message.contentDirty) writer.changeContent(message.pk, message.content)
      if (message.metadataDirty) writer.changeMessageMetadata(message.pk, message.metadata!)
    }
    // No title from session_start or session_update: the first user message gives one (docs/cli.md, "Session titles").
    // Looked up only when this request touched a user message or the title, not on every assistant delta.
    if (state.title === null && (state.titleDirty || [...state.messages.values()].some((message) => message.role === 'user'))) {
      state.title = storedPromptTitle(this.store.sqlite, state.pk)
      if (state.title !== null) writer.changeTitle(state.pk, state.title)
    }
    if (moved) {
      if (workspaceId !== null) writer.refreshWorkspace(workspaceId)
      if (state.storedWorkspaceId !== null) writer.refreshWorkspace(state.storedWorkspaceId)
    } else if (workspaceId !== null && state.updatedAt !== null) {
      writer.bumpWorkspace(workspaceId, state.updatedAt)
    }
  }

  /** A BAD_REQUEST naming the field of the event being applied. */
  invalid(field: string, problem: string): EventError {
    return new EventError('BAD_REQUEST', `Invalid parameter '${joinPath(this.where, field)}': ${problem}`, this.eventId)
  }

  /** A CONFLICT naming the field of the event being applied. */
  conflict(field: string, problem: string): EventError {
    return new EventError('CONFLICT', `Conflict in '${joinPath(this.where, field)}': ${problem}`, this.eventId)
  }
}
