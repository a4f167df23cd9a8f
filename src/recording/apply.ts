import type { Database } from 'bun:sqlite'
import {
  defaultMessageId,
  findSessionRow,
  refreshWorkspace,
  replaceSession,
  storedPromptTitle,
  summaryFromRow,
  upsertWorkspace,
  wellFormed,
  workspaceIdFor,
  type MessageInput,
  type MessageRole,
  type SessionOrigin,
  type SessionSummary,
  type WorkspaceInput,
} from '../db'
import { toEpochMs } from '../shared/time'
import {
  EventError,
  eventPath,
  extraFields,
  joinPath,
  KNOWN_DATA_FIELDS,
  type ParsedEvents,
  type RecordingEvent,
  type SnapshotBody,
  SnapshotMessage,
} from './events'
import type { RecordedEvent } from './hub'
import type { ApplyResult, EventAck } from './model'
import type { MessageRecord, RecordingStore, SessionRecord } from './store'

/** What one applied request produced: its result, and the events to push to live subscribers after the commit. */
export interface BatchOutcome {
  result: ApplyResult
  committed: RecordedEvent[]
}

/** One request waiting for a group commit. */
export interface GroupItem {
  parsed: ParsedEvents
  origin: SessionOrigin
}

/** Each request of a group commit either applied or failed alone (its savepoint rolled back). */
export type GroupOutcome = { ok: true; outcome: BatchOutcome } | { ok: false; error: unknown }

interface MessageState {
  pk: number
  role: string
  content: string
  metadata: string | null
  contentDirty: boolean
  metadataDirty: boolean
  nextToolIndex: number | null
}

/** A session while a request changes it; written back once at the end of the request. */
interface SessionState {
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

/** The provider of a session started without one (SPEC §6). */
const DEFAULT_PROVIDER = 'api'

const jsonText = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value))
const outputText = (value: unknown): string | null =>
  typeof value === 'string' ? wellFormed(value) : jsonText(value)

const mergeMetadata = (stored: string | null, extras: Record<string, unknown>): string =>
  JSON.stringify({ ...(stored === null ? {} : (JSON.parse(stored) as Record<string, unknown>)), ...extras })

/** The last segment of a path, POSIX or Windows, as a workspace name. */
const folderName = (path: string): string => path.split(/[\\/]/).filter(Boolean).at(-1) ?? path

const workspaceInput = (provider: string, path: string): WorkspaceInput => ({
  provider,
  key: path,
  name: folderName(path),
  path,
})

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

/**
 * Applies requests' events in order, keeping each touched session in memory and writing it back once
 * in `finish()`. The caller owns the transaction: a throw means the whole transaction must roll back.
 */
class BatchApplier {
  private readonly sessions = new Map<string, SessionState>()
  private acks: EventAck[] = []
  private committed: RecordedEvent[] = []
  private accepted = 0
  private origin: SessionOrigin = 'recording'
  private where = ''
  private eventId: string | null = null

  constructor(
    private readonly sqlite: Database,
    private readonly store: RecordingStore,
    private readonly now: number,
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
    this.change(state, event, time)
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

  private change(state: SessionState, event: RecordingEvent, time: number): void {
    switch (event.event_type) {
      case 'session_start': {
        const { provider, title, workspace_path, model } = event.data
        if (provider !== undefined) state.provider = provider
        if (title !== undefined) this.setTitle(state, title)
        if (workspace_path !== undefined) state.workspacePath = workspace_path
        if (model !== undefined) state.model = model
        break
      }
      case 'message': {
        const data = event.data
        const id = data.message_id ?? this.freeMessageId(state)
        if (data.message_id !== undefined && this.message(state, id)) {
          throw this.conflict('data.message_id', `message '${id}' already exists in session '${state.id}'`)
        }
        const message = this.insertMessage(state, id, data.role, data.content, time, data.model ?? null, extraFields(data, KNOWN_DATA_FIELDS.message))
        data.tool_calls?.forEach((call, index) => {
          this.insertToolCall(state, message, `data.tool_calls[${index}].call_id`, {
            callId: call.call_id ?? `${id}#${index}`,
            name: call.name,
            input: call.input,
            output: call.output,
            status: call.status,
          })
        })
        if (state.model === null && data.model) state.model = data.model
        return
      }
      case 'message_delta':
      case 'message_update': {
        const message = this.requireMessage(state, event.data.message_id)
        message.content = event.event_type === 'message_delta' ? message.content + event.data.content : event.data.content
        message.contentDirty = true
        this.addMessageMetadata(message, extraFields(event.data, KNOWN_DATA_FIELDS[event.event_type]))
        return
      }
      case 'tool_call': {
        const data = event.data
        const message = data.message_id === undefined ? this.latestAssistantMessage(state, time) : this.requireMessage(state, data.message_id)
        this.insertToolCall(state, message, 'data.call_id', { callId: data.call_id, name: data.name, input: data.input, output: undefined, status: undefined })
        this.addMessageMetadata(message, extraFields(data, KNOWN_DATA_FIELDS.tool_call))
        return
      }
      case 'tool_result': {
        const data = event.data
        const tool = this.store.findTool(state.pk, data.call_id)
        if (!tool) throw this.invalid('data.call_id', `no tool call '${data.call_id}' in session '${state.id}'`)
        this.store.updateToolResult(tool.pk, outputText(data.output), data.status ?? 'completed')
        const extras = extraFields(data, KNOWN_DATA_FIELDS.tool_result)
        if (extras) this.addMessageMetadata(this.message(state, tool.message_id)!, extras)
        return
      }
      case 'session_update': {
        const { title, model } = event.data
        if (title !== undefined) this.setTitle(state, title)
        if (model !== undefined) state.model = model
        break
      }
      case 'heartbeat':
      case 'session_end':
        break
    }
    // Session-level events: extra data fields become session metadata.
    const extras = extraFields(event.data, KNOWN_DATA_FIELDS[event.event_type])
    if (extras) state.metadata = mergeMetadata(state.metadata, extras)
  }

  /** The session an event belongs to, loaded once per request; an unknown id starts a session. */
  private session(id: string, time: number): SessionState {
    const known = this.sessions.get(id)
    if (known) return known
    const record = this.store.findSession(id)
    let state: SessionState
    if (!record) {
      const pk = this.store.insertSession(id, DEFAULT_PROVIDER, this.origin, time)
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

  private setTitle(state: SessionState, title: string | null): void {
    state.title = title === null ? null : wellFormed(title)
    state.titleDirty = true
  }

  private message(state: SessionState, id: string): MessageState | null {
    const cached = state.messages.get(id)
    if (cached) return cached
    const record: MessageRecord | null = this.store.findMessage(state.pk, id)
    if (!record) return null
    const message = { ...record, contentDirty: false, metadataDirty: false, nextToolIndex: null }
    state.messages.set(id, message)
    return message
  }

  private requireMessage(state: SessionState, id: string): MessageState {
    const message = this.message(state, id)
    if (!message) throw this.invalid('data.message_id', `no message '${id}' in session '${state.id}'`)
    return message
  }

  /** `msg-<index>`, or with a suffix when a client already used that id for another message. */
  private freeMessageId(state: SessionState): string {
    const base = defaultMessageId(state.messageCount)
    let id = base
    for (let n = 2; this.message(state, id); n++) id = `${base}-${n}`
    return id
  }

  private insertMessage(
    state: SessionState, id: string, role: string, content: string, time: number, model: string | null,
    extras: Record<string, unknown> | null,
  ): MessageState {
    const metadata = extras ? JSON.stringify(extras) : null
    const pk = this.store.insertMessage(state.pk, state.messageCount, id, { role: role as MessageRole, content, timestamp: time, model, metadata: extras })
    const message: MessageState = { pk, role, content, metadata, contentDirty: false, metadataDirty: false, nextToolIndex: 0 }
    state.messages.set(id, message)
    state.messageCount++
    state.lastMessageId = id
    return message
  }

  /** The message a tool call without `message_id` belongs to: the latest one if the assistant wrote it, else a new empty assistant message. */
  private latestAssistantMessage(state: SessionState, time: number): MessageState {
    const latest = state.lastMessageId === null ? null : this.message(state, state.lastMessageId)
    if (latest?.role === 'assistant') return latest
    return this.insertMessage(state, this.freeMessageId(state), 'assistant', '', time, null, null)
  }

  private insertToolCall(
    state: SessionState, message: MessageState, field: string,
    call: { callId: string; name: string; input: unknown; output: unknown; status: string | undefined },
  ): void {
    if (this.store.findTool(state.pk, call.callId)) {
      throw this.conflict(field, `tool call '${call.callId}' already exists in session '${state.id}'`)
    }
    message.nextToolIndex ??= this.store.nextToolIndex(message.pk)
    this.store.insertTool(state.pk, message.pk, {
      idx: message.nextToolIndex++,
      callId: call.callId,
      name: call.name,
      input: jsonText(call.input),
      output: outputText(call.output),
      status: call.status ?? (call.output === undefined ? 'pending' : 'completed'),
    })
    state.toolCount++
  }

  private addMessageMetadata(message: MessageState, extras: Record<string, unknown> | null): void {
    if (!extras) return
    message.metadata = mergeMetadata(message.metadata, extras)
    message.metadataDirty = true
  }

  /** Writes a session's changed state back: one UPDATE per table, not one per event. */
  private write(state: SessionState): void {
    if (!state.changed) return
    const path = state.workspacePath || null
    const workspaceId = path === null ? null : workspaceIdFor(state.provider, path)
    const moved = workspaceId !== state.storedWorkspaceId
    if (moved && path !== null) upsertWorkspace(this.sqlite, workspaceInput(state.provider, path))
    this.store.updateSession(state.pk, {
      provider: state.provider,
      model: state.model,
      workspaceId,
      messageCount: state.messageCount,
      toolCount: state.toolCount,
      updatedAt: state.updatedAt,
      metadata: state.metadata,
    })
    if (state.titleDirty) this.store.updateTitle(state.pk, state.title)
    this.store.updateState(state.pk, state)
    for (const message of state.messages.values()) {
      if (message.contentDirty) this.store.updateContent(message.pk, wellFormed(message.content))
      if (message.metadataDirty) this.store.updateMessageMetadata(message.pk, message.metadata!)
    }
    // No title from session_start or session_update: the first user message gives one (docs/cli.md, "Session titles").
    // Looked up only when this request touched a user message or the title, not on every assistant delta.
    if (state.title === null && (state.titleDirty || [...state.messages.values()].some((message) => message.role === 'user'))) {
      state.title = storedPromptTitle(this.sqlite, state.pk)
      if (state.title !== null) this.store.updateTitle(state.pk, state.title)
    }
    if (moved) {
      if (workspaceId !== null) refreshWorkspace(this.sqlite, workspaceId)
      if (state.storedWorkspaceId !== null) refreshWorkspace(this.sqlite, state.storedWorkspaceId)
    } else if (workspaceId !== null && state.updatedAt !== null) {
      this.store.bumpWorkspace(workspaceId, state.updatedAt)
    }
  }

  private invalid(field: string, problem: string): EventError {
    return new EventError('BAD_REQUEST', `Invalid parameter '${joinPath(this.where, field)}': ${problem}`, this.eventId)
  }

  private conflict(field: string, problem: string): EventError {
    return new EventError('CONFLICT', `Conflict in '${joinPath(this.where, field)}': ${problem}`, this.eventId)
  }
}

/** Applies one request's validated events in one transaction: all or nothing, idempotent by (session, event_id). */
export function applyEvents(sqlite: Database, store: RecordingStore, parsed: ParsedEvents, origin: SessionOrigin, now: number): BatchOutcome {
  return store.transaction(() => {
    const applier = new BatchApplier(sqlite, store, now)
    const outcome = applier.apply(parsed, origin)
    applier.finish()
    return outcome
  })
}

/**
 * Applies several requests in ONE transaction (one commit, each session written back once). If any
 * request fails, nothing of that attempt is kept and the requests are applied again one savepoint
 * each, so only the failing ones fail. Throws only if a commit itself fails.
 */
export function applyGroup(sqlite: Database, store: RecordingStore, items: GroupItem[], now: number): GroupOutcome[] {
  try {
    return store.transaction(() => {
      const applier = new BatchApplier(sqlite, store, now)
      const outcomes = items.map((item): GroupOutcome => ({ ok: true, outcome: applier.apply(item.parsed, item.origin) }))
      applier.finish()
      return outcomes
    })
  } catch (error) {
    if (items.length === 1) return [{ ok: false, error }]
  }
  return store.transaction(() =>
    items.map((item): GroupOutcome => {
      try {
        return { ok: true, outcome: applyEvents(sqlite, store, item.parsed, item.origin, now) }
      } catch (error) {
        return { ok: false, error }
      }
    }),
  )
}

const SNAPSHOT_MESSAGE_FIELDS = new Set(Object.keys(SnapshotMessage.properties))

/** Stores a complete session, replacing its messages (same body twice → same session); returns its summary. */
export function applySnapshot(sqlite: Database, store: RecordingStore, body: SnapshotBody, now: number): SessionSummary {
  return store.transaction(() => {
    const record = store.findSession(body.session_id)
    if (record && record.status === null && record.origin === 'harvest') {
      throw new EventError(
        'CONFLICT',
        `Conflict in 'session_id': session '${body.session_id}' was harvested from ${record.provider}; only recorded sessions accept snapshots`,
        null,
      )
    }
    const provider = body.provider ?? record?.provider ?? DEFAULT_PROVIDER
    const path = (body.workspace_path === undefined ? record?.workspace_path : body.workspace_path) || null
    const messages: MessageInput[] = body.messages.map((message) => ({
      id: message.message_id ?? null,
      role: message.role,
      content: message.content,
      timestamp: toEpochMs(message.timestamp),
      model: message.model ?? null,
      metadata: extraFields(message, SNAPSHOT_MESSAGE_FIELDS),
      toolInvocations: message.tool_calls?.map((call) => ({
        id: call.call_id ?? null,
        name: call.name,
        input: call.input ?? null,
        output: outputText(call.output),
        status: call.status ?? (call.output === undefined ? 'pending' : 'completed'),
      })),
    }))
    const pk = replaceSession(sqlite, {
      id: body.session_id,
      provider,
      origin: record?.origin ?? 'recording',
      title: body.title === undefined ? (record?.title ?? null) : body.title,
      model: body.model === undefined ? (record?.model ?? null) : body.model,
      created: record?.created_at ?? now,
      updated: now,
      workspace: path === null ? null : workspaceInput(provider, path),
      metadata: record?.metadata ? (JSON.parse(record.metadata) as Record<string, unknown>) : null,
      messages,
    })
    const last = body.messages.length === 0 ? null : (body.messages.at(-1)!.message_id ?? defaultMessageId(body.messages.length - 1))
    store.touchState(pk, now, last)
    return summaryFromRow(findSessionRow(sqlite, body.session_id)!)
  })
}
