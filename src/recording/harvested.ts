import type { Message } from '../db'
import { toEpochMs } from '../shared/time'
import type { RecordingEvent, ToolCallItem } from './events'
import type { RecordedEvent } from './hub'

/** A message a harvest wrote while its assistant was still writing: new, or an earlier one it completed. */
export interface HarvestedMessage {
  sessionId: string
  kind: 'message' | 'message_update'
  message: Pick<Message, 'id' | 'index' | 'role' | 'content' | 'timestamp' | 'model' | 'toolInvocations'>
}

/**
 * Harvested messages as the events a recorder would have sent for them, so live viewers of a session
 * need nothing new: `message` (with its tool calls) for a new one, `message_update` (its whole text)
 * for one the assistant completed. `seq` is the message's position in the session.
 */
export function harvestedEvents(messages: readonly HarvestedMessage[], now: number): RecordedEvent[] {
  return messages.map(({ sessionId, kind, message }) => {
    const event: RecordingEvent =
      kind === 'message'
        ? {
            session_id: sessionId,
            event_type: 'message',
            data: { message_id: message.id, role: message.role, content: message.content, model: message.model, tool_calls: message.toolInvocations.map(toolCall) },
          }
        : { session_id: sessionId, event_type: 'message_update', data: { message_id: message.id, content: message.content } }
    return { event, seq: message.index + 1, time: toEpochMs(message.timestamp) ?? now }
  })
}

const toolCall = (tool: Message['toolInvocations'][number]): ToolCallItem => ({
  call_id: tool.id,
  name: tool.name,
  input: tool.input,
  ...(tool.output === null ? {} : { output: tool.output }),
  ...(tool.status === null ? {} : { status: tool.status }),
})
