import type { ChatMessage, ChatReply, ModelClient, ModelSettings, ToolCall, ToolSpec } from './client'
import { ModelError } from './client'
import { postJson, type HttpPolicy } from './http'
import { asArray, asRecord, parseArguments, tokenCount } from './wire'

/** Where an OpenAI Chat Completions server lives; `official` selects api.openai.com's parameter names. */
export interface OpenAiEndpoint {
  baseUrl: string
  apiKey: string | null
  official: boolean
}

// OpenAI's reasoning models reject `temperature` and `max_tokens`.
const REASONING_MODEL = /^(o\d|gpt-5)/i

/** A ModelClient over OpenAI Chat Completions, also used for Ollama, LM Studio, vLLM, llama.cpp and other compatible servers. */
export function openAiClient(endpoint: OpenAiEndpoint, settings: ModelSettings, policy: HttpPolicy): ModelClient {
  const url = `${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`
  const headers: Record<string, string> = endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}
  const reasoning = endpoint.official && REASONING_MODEL.test(settings.model)
  return {
    model: settings.model,
    async chat(messages, tools, options = {}) {
      const body: Record<string, unknown> = {
        model: settings.model,
        messages: [{ role: 'system', content: settings.system }, ...messages.map(toWireMessage)],
      }
      if (tools.length > 0) body.tools = tools.map(toWireTool)
      if (!reasoning) body.temperature = settings.temperature
      if (settings.maxTokens !== null) body[endpoint.official ? 'max_completion_tokens' : 'max_tokens'] = settings.maxTokens
      return fromWireReply(await postJson('openai', url, headers, body, policy, options.signal))
    },
  }
}

function toWireMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content }
    case 'assistant':
      return message.toolCalls.length === 0
        ? { role: 'assistant', content: message.content }
        : {
            role: 'assistant',
            content: message.content === '' ? null : message.content,
            tool_calls: message.toolCalls.map((call) => ({
              id: call.id,
              type: 'function',
              function: {
                name: call.name,
                arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
              },
            })),
          }
    case 'tool':
      // Chat Completions has no error flag on tool results: the content says it.
      return { role: 'tool', tool_call_id: message.callId, content: message.content }
  }
}

const toWireTool = (tool: ToolSpec) => ({
  type: 'function',
  function: { name: tool.name, description: tool.description, parameters: tool.parameters },
})

function fromWireReply(body: unknown): ChatReply {
  const choice = asRecord(asArray(asRecord(body)?.choices)?.[0])
  const message = asRecord(choice?.message)
  if (!message) throw new ModelError('openai: the reply has no choices[0].message', null, false)
  const toolCalls: ToolCall[] = (asArray(message.tool_calls) ?? []).flatMap((raw, index) => {
    const call = asRecord(raw)
    const fn = asRecord(call?.function)
    if (typeof fn?.name !== 'string') return []
    return [{ id: typeof call?.id === 'string' && call.id !== '' ? call.id : `call_${index}`, name: fn.name, arguments: parseArguments(fn.arguments) }]
  })
  const usage = asRecord(asRecord(body)?.usage)
  return {
    text: contentText(message.content),
    toolCalls,
    usage: usage ? { input: tokenCount(usage.prompt_tokens), output: tokenCount(usage.completion_tokens) } : null,
  }
}

/** `content` is a string, null, or (some servers) an array of `{type: "text", text}` parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  return (asArray(content) ?? [])
    .map((part) => asRecord(part))
    .filter((part) => part?.type === 'text' && typeof part.text === 'string')
    .map((part) => part!.text as string)
    .join('')
}

