import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck, type ValueError } from '@sinclair/typebox/compiler'
import { defaultMessageId, MessageRole, Nullable } from '../db'
import { ChasmError, type ErrorCode } from '../shared/errors'
import { toEpochMs } from '../shared/time'
import { describeValueError, fieldPath } from '../shared/validation'

/** Most events one request (or one WebSocket message) may carry. */
export const MAX_EVENTS_PER_BATCH = 1000

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 256, description })
const NullableText = Nullable(Type.String())
const Provider = Type.String({ minLength: 1, maxLength: 64, description: 'provider label, default "api"' })
const Timestamp = Type.Union([Type.String(), Type.Number(), Type.Null()], {
  description: 'when it happened: ISO-8601, or epoch seconds/milliseconds; default: when the server received it',
})

/** One tool call listed inside a `message` event (or a snapshot message). */
export const ToolCallItem = Type.Object({
  call_id: Type.Optional(Id('unique within the session; default <message_id>#<index>')),
  name: Type.String({ minLength: 1, maxLength: 256 }),
  input: Type.Optional(Type.Unknown()),
  output: Type.Optional(Type.Unknown({ description: 'text, or any JSON value (stored as JSON text)' })),
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
})
export type ToolCallItem = Static<typeof ToolCallItem>

// Every `data` schema allows extra fields: recorders evolve faster than servers, extras become metadata.
export const SessionStartData = Type.Object({
  provider: Type.Optional(Provider),
  title: Type.Optional(NullableText),
  workspace_path: Type.Optional(NullableText),
  model: Type.Optional(NullableText),
})
export const MessageData = Type.Object({
  message_id: Type.Optional(Id('unique within the session; default msg-<index>')),
  role: MessageRole,
  content: Type.String(),
  model: Type.Optional(NullableText),
  tool_calls: Type.Optional(Type.Array(ToolCallItem)),
})
export const MessageDeltaData = Type.Object({
  message_id: Id('the message to append to'),
  content: Type.String({ description: 'text appended to the message' }),
})
export const MessageUpdateData = Type.Object({
  message_id: Id('the message to replace'),
  content: Type.String({ description: "the message's new text" }),
})
export const ToolCallData = Type.Object({
  message_id: Type.Optional(Id('the assistant message making the call; default the latest one')),
  call_id: Id('unique within the session'),
  name: Type.String({ minLength: 1, maxLength: 256 }),
  input: Type.Unknown(),
})
export const ToolResultData = Type.Object({
  call_id: Id('the call this result answers'),
  output: Type.Unknown({ description: 'text, or any JSON value (stored as JSON text)' }),
  status: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'default "completed"' })),
})
export const SessionUpdateData = Type.Object({ title: Type.Optional(NullableText), model: Type.Optional(NullableText) })
export const EmptyData = Type.Object({})

/** The `data` schema of every event type (docs/api.md, "Recording"). */
export const EVENT_DATA = {
  session_start: SessionStartData,
  message: MessageData,
  message_delta: MessageDeltaData,
  message_update: MessageUpdateData,
  tool_call: ToolCallData,
  tool_result: ToolResultData,
  session_update: SessionUpdateData,
  heartbeat: EmptyData,
  session_end: EmptyData,
} as const
export type EventType = keyof typeof EVENT_DATA
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[]

const SessionId = Id('the recorded session; an unknown id starts a new session')
const EventId = Type.Union([Id('client-chosen, unique within the session: re-sends are acknowledged as duplicates'), Type.Null()])

const eventOf = <K extends EventType>(eventType: K) =>
  Type.Object(
    {
      session_id: SessionId,
      event_type: Type.Literal(eventType),
      data: EVENT_DATA[eventType],
      event_id: Type.Optional(EventId),
      timestamp: Type.Optional(Timestamp),
    },
    { additionalProperties: false, title: `${eventType} event` },
  )

/** One recording event in the seed's snake_case format. */
export const RecordingEvent = Type.Union([
  eventOf('session_start'),
  eventOf('message'),
  eventOf('message_delta'),
  eventOf('message_update'),
  eventOf('tool_call'),
  eventOf('tool_result'),
  eventOf('session_update'),
  eventOf('heartbeat'),
  eventOf('session_end'),
])
export type RecordingEvent = Static<typeof RecordingEvent>

/** Several events applied in order, all or nothing. */
export const EventBatch = Type.Object(
  { events: Type.Array(RecordingEvent, { minItems: 1, maxItems: MAX_EVENTS_PER_BATCH }) },
  { additionalProperties: false },
)

/** Body of `POST /api/recording/events` and of an event message over the WebSocket. */
export const RecordingEventsBody = Type.Union([RecordingEvent, EventBatch])

/** A message of a snapshot: like a `message` event's data, plus its time. */
export const SnapshotMessage = Type.Object({
  message_id: Type.Optional(Id('unique within the snapshot; default msg-<index>')),
  role: MessageRole,
  content: Type.String(),
  timestamp: Type.Optional(Timestamp),
  model: Type.Optional(NullableText),
  tool_calls: Type.Optional(Type.Array(ToolCallItem)),
})
export type SnapshotMessage = Static<typeof SnapshotMessage>

/** Body of `POST /api/recording/snapshot`: the complete session, replacing its messages. */
export const SnapshotBody = Type.Object(
  {
    session_id: SessionId,
    provider: Type.Optional(Provider),
    title: Type.Optional(NullableText),
    workspace_path: Type.Optional(NullableText),
    model: Type.Optional(NullableText),
    messages: Type.Array(SnapshotMessage),
  },
  { additionalProperties: false },
)
export type SnapshotBody = Static<typeof SnapshotBody>

/** An event the recorder refused: the error plus which event (by `event_id`, when it had one) caused it. */
export class EventError extends ChasmError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly eventId: string | null,
  ) {
    super(code, message)
    this.name = 'EventError'
  }
}

/** Field names of each event type's `data`; anything else in `data` is metadata. */
export const KNOWN_DATA_FIELDS: Readonly<Record<EventType, ReadonlySet<string>>> = {
  session_start: new Set(Object.keys(SessionStartData.properties)),
  message: new Set(Object.keys(MessageData.properties)),
  message_delta: new Set(Object.keys(MessageDeltaData.properties)),
  message_update: new Set(Object.keys(MessageUpdateData.properties)),
  tool_call: new Set(Object.keys(ToolCallData.properties)),
  tool_result: new Set(Object.keys(ToolResultData.properties)),
  session_update: new Set(Object.keys(SessionUpdateData.properties)),
  heartbeat: new Set(),
  session_end: new Set(),
}

/** The fields of `data` that its schema does not name, or null when there are none. */
export function extraFields(data: object, known: ReadonlySet<string>): Record<string, unknown> | null {
  let extras: Record<string, unknown> | null = null
  for (const key in data) {
    if (known.has(key)) continue
    extras ??= {}
    extras[key] = (data as Record<string, unknown>)[key]
  }
  return extras
}

/** The position of an event in a request, as error messages name it. */
export const eventPath = (index: number, batched: boolean): string => (batched ? `events[${index}]` : '')

/** Joins a path prefix and a field name: `events[2]` + `data.role` → `events[2].data.role`. */
export const joinPath = (prefix: string, field: string): string =>
  prefix === '' ? field : field === '' ? prefix : field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`

// --- validation -----------------------------------------------------------------------------------

const Envelope = Type.Object(
  {
    session_id: SessionId,
    event_type: Type.Union(EVENT_TYPES.map((type) => Type.Literal(type))),
    data: Type.Object({}),
    event_id: Type.Optional(EventId),
    timestamp: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
)

// Compiled on first use, so a server that never records pays nothing at startup.
const compiled = new Map<TSchema, TypeCheck<TSchema>>()
function checkerFor<T extends TSchema>(schema: T): TypeCheck<T> {
  let check = compiled.get(schema)
  if (!check) {
    check = TypeCompiler.Compile(schema)
    compiled.set(schema, check)
  }
  return check as TypeCheck<T>
}

/** Errors about earlier fields of the schema first (`event_type` before `data`), unknown fields last. */
function firstError(check: TypeCheck<TSchema>, value: unknown): ValueError | undefined {
  const order = Object.keys((check.Schema() as { properties?: object }).properties ?? {})
  const rank = (error: ValueError) => {
    const index = order.indexOf(error.path.split('/')[1] ?? '')
    return index === -1 ? order.length : index
  }
  let best: ValueError | undefined
  for (const error of check.Errors(value)) if (best === undefined || rank(error) < rank(best)) best = error
  return best
}

/** The error for a value that failed `schema`, naming the first offending field under `prefix`. */
function schemaError(check: TypeCheck<TSchema>, value: unknown, prefix: string, eventId: string | null): EventError {
  const first = firstError(check, value)
  const field = first ? joinPath(prefix, fieldPath(first.path)) : prefix
  const problem = first ? describeValueError(first) : 'is invalid'
  return invalid(field, problem, eventId)
}

/** A BAD_REQUEST naming the field, e.g. `Invalid parameter 'events[3].data.role': is required`. */
export function invalid(field: string, problem: string, eventId: string | null): EventError {
  return new EventError('BAD_REQUEST', field === '' ? `Invalid event: ${problem}` : `Invalid parameter '${field}': ${problem}`, eventId)
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const eventIdOf = (value: unknown): string | null =>
  isObject(value) && typeof value.event_id === 'string' ? value.event_id : null

/** `.` and `..` are dot segments in a URL path: a session with such an id could never be read back by id. */
function checkAddressable(sessionId: string, field: string, eventId: string | null): void {
  if (sessionId === '.' || sessionId === '..') throw invalid(field, `'${sessionId}' cannot be used as an id in a URL path; choose another id`, eventId)
}

/** Validates one event; `prefix` is its path in the request (for error messages). */
export function parseEvent(value: unknown, prefix: string): RecordingEvent {
  const eventId = eventIdOf(value)
  if (!isObject(value)) throw invalid(prefix, 'an event must be a JSON object', eventId)
  const envelope = checkerFor(Envelope)
  if (!envelope.Check(value)) throw schemaError(envelope, value, prefix, eventId)
  checkAddressable(value.session_id, joinPath(prefix, 'session_id'), eventId)
  const data = checkerFor(EVENT_DATA[value.event_type])
  if (!data.Check(value.data)) throw schemaError(data, value.data, joinPath(prefix, 'data'), eventId)
  if (value.timestamp !== undefined && value.timestamp !== null && toEpochMs(value.timestamp) === null) {
    throw invalid(joinPath(prefix, 'timestamp'), 'expected an ISO-8601 time or epoch seconds/milliseconds', eventId)
  }
  return value as RecordingEvent
}

/** Events of one request, validated, and whether they came as `{events: [...]}` (error paths differ). */
export interface ParsedEvents {
  events: RecordingEvent[]
  batched: boolean
}

/** Validates a request body: one event, or `{events: [...]}` with 1..1000 events. Nothing is applied on error. */
export function parseEventsBody(body: unknown): ParsedEvents {
  if (!isObject(body)) {
    throw new EventError('BAD_REQUEST', 'Invalid body: expected a recording event object or {"events": [...]}', null)
  }
  if (!('events' in body)) return { events: [parseEvent(body, '')], batched: false }
  for (const key of Object.keys(body)) {
    if (key !== 'events') throw invalid(key, 'is not a known field (a batch is {"events": [...]})', null)
  }
  const list = body.events
  if (!Array.isArray(list)) throw invalid('events', 'expected an array of events', null)
  if (list.length === 0) throw invalid('events', 'expected at least one event', null)
  if (list.length > MAX_EVENTS_PER_BATCH) {
    throw invalid('events', `at most ${MAX_EVENTS_PER_BATCH} events per request (got ${list.length})`, null)
  }
  return { events: list.map((event, index) => parseEvent(event, eventPath(index, true))), batched: true }
}

/** Validates a snapshot body; message ids (given or the default msg-<index>) must be unique within it. */
export function parseSnapshot(body: unknown): SnapshotBody {
  if (!isObject(body)) throw new EventError('BAD_REQUEST', 'Invalid body: expected a snapshot object', null)
  const check = checkerFor(SnapshotBody)
  if (!check.Check(body)) throw schemaError(check, body, '', null)
  checkAddressable(body.session_id, 'session_id', null)
  const seen = new Map<string, number>()
  body.messages.forEach((message, index) => {
    const field = `messages[${index}]`
    if (message.timestamp !== undefined && message.timestamp !== null && toEpochMs(message.timestamp) === null) {
      throw invalid(`${field}.timestamp`, 'expected an ISO-8601 time or epoch seconds/milliseconds', null)
    }
    const id = message.message_id ?? defaultMessageId(index)
    const earlier = seen.get(id)
    if (earlier !== undefined) throw invalid(`${field}.message_id`, `'${id}' is also the id of messages[${earlier}]`, null)
    seen.set(id, index)
  })
  return body
}
