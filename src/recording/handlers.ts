import { defaultToolCallId } from '../db'
import { extraFields, KNOWN_DATA_FIELDS, type EventType, type RecordingEvent } from './events'
import { mergeMetadata, outputText, type BatchApplier, type SessionState } from './applier'

/** The event of one type, with its `data` typed. */
type EventOf<T extends EventType> = Extract<RecordingEvent, { event_type: T }>

/** What one event type does to its session (and messages), given the event's time. */
type Handler<T extends EventType> = (applier: BatchApplier, state: SessionState, event: EventOf<T>, time: number) => void

/** Session-level events: `data` fields their schema does not name become session metadata. */
function keepSessionExtras(_: BatchApplier, state: SessionState, event: RecordingEvent): void {
  const extras = extraFields(event.data, KNOWN_DATA_FIELDS[event.event_type])
  if (extras) state.metadata = mergeMetadata(state.metadata, extras)
}

/** `message_delta` appends to a message's text, `message_update` replaces it. */
function changeContent(applier: BatchApplier, state: SessionState, event: EventOf<'message_delta'> | EventOf<'message_update'>): void {
  const message = applier.requireMessage(state, event.data.message_id)
  message.content = event.event_type === 'message_delta' ? message.content + event.data.content : event.data.content
  message.contentDirty = true
  applier.addMessageMetadata(message, extraFields(event.data, KNOWN_DATA_FIELDS[event.event_type]))
}

/** Every event type's handler; the type makes the table complete and each handler's event exact. */
const HANDLERS: { [T in EventType]: Handler<T> } = {
  session_start(applier, state, event) {
    const { provider, title, workspace_path, model } = event.data
    if (provider !== undefined) state.provider = provider
    if (title !== undefined) applier.setTitle(state, title)
    if (workspace_path !== undefined) state.workspacePath = workspace_path
    if (model !== undefined) state.model = model
    keepSessionExtras(applier, state, event)
  },

  message(applier, state, event, time) {
    const data = event.data
    const id = data.message_id ?? applier.freeMessageId(state)
    if (data.message_id !== undefined && applier.message(state, id)) {
      throw applier.conflict('data.message_id', `message '${id}' already exists in session '${state.id}'`)
    }
    const message = applier.insertMessage(state, id, data.role, data.content, time, data.model ?? null, extraFields(data, KNOWN_DATA_FIELDS.message))
    data.tool_calls?.forEach((call, index) => {
      applier.insertToolCall(state, message, `data.tool_calls[${index}].call_id`, {
        callId: call.call_id ?? defaultToolCallId(id, index),
        name: call.name,
        input: call.input,
        output: call.output,
        status: call.status,
      })
    })
    if (state.model === null && data.model) state.model = data.model
  },

  message_delta: changeContent,
  message_update: changeContent,

  tool_call(applier, state, event, time) {
    const data = event.data
    const message = data.message_id === undefined ? applier.latestAssistantMessage(state, time) : applier.requireMessage(state, data.message_id)
    applier.insertToolCall(state, message, 'data.call_id', { callId: data.call_id, name: data.name, input: data.input, output: undefined, status: undefined })
    applier.addMessageMetadata(message, extraFields(data, KNOWN_DATA_FIELDS.tool_call))
  },

  tool_result(applier, state, event) {
    const data = event.data
    const tool = applier.store.findTool(state.pk, data.call_id)
    if (!tool) throw applier.invalid('data.call_id', `no tool call '${data.call_id}' in session '${state.id}'`)
    applier.store.writer.changeToolResult(tool.pk, outputText(data.output), data.status ?? 'completed')
    const extras = extraFields(data, KNOWN_DATA_FIELDS.tool_result)
    if (extras) applier.addMessageMetadata(applier.message(state, tool.message_id)!, extras)
  },

  session_update(applier, state, event) {
    const { title, model } = event.data
    if (title !== undefined) applier.setTitle(state, title)
    if (model !== undefined) state.model = model
    keepSessionExtras(applier, state, event)
  },

  heartbeat: keepSessionExtras,
  session_end: keepSessionExtras,
}

/** Applies one event to its session with the handler of its type. */
export function handleEvent(applier: BatchApplier, state: SessionState, event: RecordingEvent, time: number): void {
  // One handler per type: the table's mapped type guarantees the pairing TypeScript cannot follow through a lookup.
  ;(HANDLERS[event.event_type] as Handler<EventType>)(applier, state, event as EventOf<EventType>, time)
}
