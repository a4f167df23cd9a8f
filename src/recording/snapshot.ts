import { defaultMessageId, findSessionRow, replaceSession, summaryFromRow, type MessageInput, type SessionSummary } from '../db'
import { toEpochMs } from '../shared/time'
import { DEFAULT_PROVIDER, outputText, workspaceInput } from './applier'
import { EventError, extraFields, SnapshotMessage, type SnapshotBody } from './events'
import type { RecordingStore } from './store'

const SNAPSHOT_MESSAGE_FIELDS = new Set(Object.keys(SnapshotMessage.properties))

/** Stores a complete session, replacing its messages (same body twice → same session); returns its summary. */
export function applySnapshot(store: RecordingStore, body: SnapshotBody, now: number): SessionSummary {
  const { sqlite } = store
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
