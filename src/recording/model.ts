import { Type, type Static } from '@sinclair/typebox'
import { IsoTime, literalUnion, Message, Nullable, type RECORDING_STATUSES, SessionOrigin } from '../db'

const Count = Type.Integer({ minimum: 0 })

/** Where a recorded session stands: its stored status, or `idle`: `active` without events for the idle time (`--recording-idle`). */
export const RECORDING_STATES = ['active', 'idle', 'interrupted', 'ended'] as const satisfies readonly ((typeof RECORDING_STATUSES)[number] | 'idle')[]
export const RecordingState = literalUnion(RECORDING_STATES)
export type RecordingState = Static<typeof RecordingState>

/** `?status=` of the session list: one state, or `all`; the default lists every session not ended. */
export const RecordingStateFilter = literalUnion([...RECORDING_STATES, 'all'])
export type RecordingStateFilter = Static<typeof RecordingStateFilter>

/** The acknowledgement of one event: sent only after the event is committed. */
export const EventAck = Type.Object({
  event_id: Nullable(Type.String()),
  session_id: Type.String(),
  status: Type.Union([Type.Literal('recorded'), Type.Literal('duplicate')]),
  seq: Type.Integer({ minimum: 1, description: "the event's position in its session's log" }),
})
export type EventAck = Static<typeof EventAck>

/** What `POST /api/recording/events` returns. */
export const ApplyResult = Type.Object({
  accepted: Type.Integer({ minimum: 0, description: 'events recorded now' }),
  duplicates: Type.Integer({ minimum: 0, description: 'events already recorded earlier (same event_id)' }),
  acks: Type.Array(EventAck),
})
export type ApplyResult = Static<typeof ApplyResult>

/** A recorded session in the recording list (docs/api.md, "Recording"). */
export const RecordingSession = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  title: Nullable(Type.String()),
  workspacePath: Nullable(Type.String()),
  messageCount: Count,
  startedAt: IsoTime,
  lastActivity: IsoTime,
  status: RecordingState,
})
export type RecordingSession = Static<typeof RecordingSession>

/** One recorded session with its messages and what a recorder needs to resume it. */
export const RecordedSessionDetail = Type.Composite([
  RecordingSession,
  Type.Object({
    origin: SessionOrigin,
    model: Nullable(Type.String()),
    workspaceId: Nullable(Type.String()),
    lastSeq: Count,
    lastEventId: Nullable(Type.String()),
    lastMessageId: Nullable(Type.String()),
    messages: Type.Array(Message),
  }),
])
export type RecordedSessionDetail = Static<typeof RecordedSessionDetail>

/** A session that was not ended when the server stopped: where to resume it. */
export const RecoveryEntry = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  title: Nullable(Type.String()),
  messageCount: Count,
  lastEventId: Nullable(Type.String({ description: 'the latest recorded event_id of the session' })),
  lastMessageId: Nullable(Type.String()),
  lastSeq: Count,
  lastActivity: IsoTime,
})
export type RecoveryEntry = Static<typeof RecoveryEntry>

/** Health and counters of the recording service. */
export const RecordingStatus = Type.Object({
  status: Type.Literal('healthy'),
  activeSessions: Count,
  idleSessions: Count,
  interruptedSessions: Count,
  totalRecordedSessions: Count,
  eventsReceived: Type.Integer({ minimum: 0, description: 'events acknowledged since the server started' }),
  connectedClients: Type.Integer({ minimum: 0, description: 'open recording WebSockets' }),
  uptimeSeconds: Type.Integer({ minimum: 0 }),
})
export type RecordingStatus = Static<typeof RecordingStatus>

/** An event as live subscribers receive it: as sent, plus its `seq` and its time. */
export const CommittedEvent = Type.Object({
  session_id: Type.String(),
  event_type: Type.String(),
  event_id: Nullable(Type.String()),
  seq: Type.Integer({ minimum: 1 }),
  timestamp: IsoTime,
  data: Type.Record(Type.String(), Type.Unknown()),
})
export type CommittedEvent = Static<typeof CommittedEvent>
