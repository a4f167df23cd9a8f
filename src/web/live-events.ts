import type { Static } from '@sinclair/typebox'
import type { Message, ToolInvocation } from '../db'
import type { CommittedEvent, MessageData, MessageDeltaData, SessionUpdateData, ToolCallData, ToolResultData } from '../recording'

/** A recorded tool output as stored: text as is, any other JSON value as JSON text. */
const outputText = (output: unknown): string | null => (output === undefined ? null : typeof output === 'string' ? output : JSON.stringify(output))

const withTool = (message: Message, tool: ToolInvocation): Message => ({ ...message, toolInvocations: [...message.toolInvocations, tool] })

/**
 * The conversation after one live event, or null when the event cannot be placed from what the page
 * holds (a message without id, an unknown message or tool call, an unknown event type): reload then.
 * The server validated the event, so its data has the shape of its schema.
 */
export function applyEvent(messages: Message[], event: CommittedEvent): Message[] | null {
  switch (event.event_type) {
    case 'message': {
      const data = event.data as Static<typeof MessageData>
      const id = data.message_id
      if (id === undefined || messages.some((m) => m.id === id)) return null
      const tools = (data.tool_calls ?? []).map((call, i) => ({
        id: call.call_id ?? `${id}#${i}`,
        name: call.name,
        input: call.input ?? null,
        output: outputText(call.output),
        status: call.status ?? null,
      }))
      // Extra data fields become the message's metadata on the server; the next reload shows them.
      const message: Message = {
        id,
        index: messages.length,
        role: data.role,
        content: data.content,
        timestamp: event.timestamp,
        model: data.model ?? null,
        state: 'complete',
        error: null,
        hidden: false,
        usage: null,
        metadata: null,
        toolInvocations: tools,
      }
      return [...messages, message]
    }
    case 'message_delta':
    case 'message_update': {
      const data = event.data as Static<typeof MessageDeltaData>
      const at = messages.findIndex((m) => m.id === data.message_id)
      if (at < 0) return null
      const message = messages[at]!
      const content = event.event_type === 'message_delta' ? message.content + data.content : data.content
      return messages.with(at, { ...message, content })
    }
    case 'tool_call': {
      const data = event.data as Static<typeof ToolCallData>
      const at = data.message_id === undefined ? messages.findLastIndex((m) => m.role === 'assistant') : messages.findIndex((m) => m.id === data.message_id)
      if (at < 0) return null
      return messages.with(at, withTool(messages[at]!, { id: data.call_id, name: data.name, input: data.input ?? null, output: null, status: null }))
    }
    case 'tool_result': {
      const data = event.data as Static<typeof ToolResultData>
      const at = messages.findIndex((m) => m.toolInvocations.some((t) => t.id === data.call_id))
      if (at < 0) return null
      const message = messages[at]!
      const toolInvocations = message.toolInvocations.map((t) => (t.id === data.call_id ? { ...t, output: outputText(data.output), status: data.status ?? 'completed' } : t))
      return messages.with(at, { ...message, toolInvocations })
    }
    case 'session_start':
    case 'session_update':
    case 'heartbeat':
    case 'session_end':
      return messages
    default:
      return null
  }
}

/** The title and model a `session_start`/`session_update` event sets, if any. */
export function sessionChanges(event: CommittedEvent): { title?: string | null; model?: string | null } {
  if (event.event_type !== 'session_update' && event.event_type !== 'session_start') return {}
  const { title, model } = event.data as Static<typeof SessionUpdateData>
  return { ...(title !== undefined ? { title } : {}), ...(model !== undefined ? { model } : {}) }
}
