import type { ChatMessage, ChatReply, ModelClient, ModelSettings, ToolCall, ToolSpec } from './client'
import { ModelError } from './client'
import { postJson, type HttpPolicy } from './http'
import { argumentsObject, asArray, asRecord, tokenCount } from './wire'

/** Where an Anthropic Messages server lives. */
export interface AnthropicEndpoint {
  baseUrl: string
  apiKey: string
}

/** The `anthropic-version` header the Messages API requires. */
export const ANTHROPIC_VERSION = '2023-06-01'
// The Messages API requires max_tokens; this is used when the agent sets none.
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096

type Block = Record<string, unknown>
interface WireMessage {
  role: 'user' | 'assistant'
  content: string | Block[]
}

/** A ModelClient over the Anthropic Messages API (`POST /v1/messages`). */
export function anthropicClient(endpoint: AnthropicEndpoint, settings: ModelSettings, policy: HttpPolicy): ModelClient {
  const base = endpoint.baseUrl.replace(/\/+$/, '')
  const url = `${base.endsWith('/v1') ? base : `${base}/v1`}/messages`
  const headers = { 'x-api-key': endpoint.apiKey, 'anthropic-version': ANTHROPIC_VERSION }
  return {
    model: settings.model,
    async chat(messages, tools, options = {}) {
      const body: Record<string, unknown> = {
        model: settings.model,
        max_tokens: settings.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
        system: settings.system,
        messages: toWireMessages(messages),
        // Anthropic's temperature range is 0..1; an agent's is 0..2.
        temperature: Math.min(settings.temperature, 1),
      }
      if (tools.length > 0) body.tools = tools.map(toWireTool)
      return fromWireReply(await postJson('anthropic', url, headers, body, policy, options.signal))
    },
  }
}

/** Tool results travel as `tool_result` blocks of a user turn; consecutive same-role turns are merged. */
function toWireMessages(messages: ChatMessage[]): WireMessage[] {
  const wire: WireMessage[] = []
  for (const message of messages) {
    const next = toWireMessage(message)
    const last = wire.at(-1)
    if (last && last.role === next.role) last.content = [...blocks(last.content), ...blocks(next.content)]
    else wire.push(next)
  }
  return wire
}

function toWireMessage(message: ChatMessage): WireMessage {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content }
    case 'assistant': {
      const content: Block[] = message.content === '' ? [] : [{ type: 'text', text: message.content }]
      for (const call of message.toolCalls) {
        content.push({ type: 'tool_use', id: call.id, name: call.name, input: argumentsObject(call.arguments) })
      }
      return { role: 'assistant', content }
    }
    case 'tool':
      return {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: message.callId, content: message.content, is_error: message.isError }],
      }
  }
}

const blocks = (content: string | Block[]): Block[] => (typeof content === 'string' ? [{ type: 'text', text: content }] : content)

const toWireTool = (tool: ToolSpec) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters })

function fromWireReply(body: unknown): ChatReply {
  const content = asArray(asRecord(body)?.content)
  if (!content) throw new ModelError('anthropic: the reply has no content', null, false)
  let text = ''
  const toolCalls: ToolCall[] = []
  for (const raw of content) {
    const block = asRecord(raw)
    if (block?.type === 'text' && typeof block.text === 'string') text += block.text
    if (block?.type === 'tool_use' && typeof block.name === 'string') {
      toolCalls.push({ id: typeof block.id === 'string' ? block.id : `toolu_${toolCalls.length}`, name: block.name, arguments: block.input ?? {} })
    }
  }
  const usage = asRecord(asRecord(body)?.usage)
  return {
    text,
    toolCalls,
    usage: usage ? { input: tokenCount(usage.input_tokens), output: tokenCount(usage.output_tokens) } : null,
  }
}
