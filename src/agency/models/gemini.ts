import type { ChatMessage, ChatReply, ModelClient, ModelSettings, ToolCall, ToolSpec } from './client'
import { ModelError } from './client'
import { postJson, type HttpPolicy } from './http'
import { argumentsObject, asArray, asRecord, tokenCount } from './wire'

/** Where a Gemini API server lives. */
export interface GeminiEndpoint {
  baseUrl: string
  apiKey: string
}

type Part = Record<string, unknown>
interface WireContent {
  role: 'user' | 'model'
  parts: Part[]
}

/** A ModelClient over Gemini `models/{model}:generateContent` (v1beta, which has function calling). */
export function geminiClient(endpoint: GeminiEndpoint, settings: ModelSettings, policy: HttpPolicy): ModelClient {
  const base = endpoint.baseUrl.replace(/\/+$/, '')
  const versioned = /\/v1(beta|alpha)?\d*$/.test(base) ? base : `${base}/v1beta`
  const model = settings.model.replace(/^models\//, '')
  const url = `${versioned}/models/${encodeURIComponent(model)}:generateContent`
  const headers = { 'x-goog-api-key': endpoint.apiKey }
  return {
    model: settings.model,
    async chat(messages, tools, options = {}) {
      const generationConfig: Record<string, unknown> = { temperature: settings.temperature }
      if (settings.maxTokens !== null) generationConfig.maxOutputTokens = settings.maxTokens
      const body: Record<string, unknown> = {
        systemInstruction: { parts: [{ text: settings.system }] },
        contents: toWireContents(messages),
        generationConfig,
      }
      if (tools.length > 0) body.tools = [{ functionDeclarations: tools.map(toWireTool) }]
      return fromWireReply(await postJson('gemini', url, headers, body, policy, options.signal))
    },
  }
}

/** Function responses travel as parts of a user turn; consecutive same-role turns are merged. */
function toWireContents(messages: ChatMessage[]): WireContent[] {
  const wire: WireContent[] = []
  for (const message of messages) {
    const next = toWireContent(message)
    const last = wire.at(-1)
    if (last && last.role === next.role) last.parts.push(...next.parts)
    else wire.push(next)
  }
  return wire
}

function toWireContent(message: ChatMessage): WireContent {
  switch (message.role) {
    case 'user':
      return { role: 'user', parts: [{ text: message.content }] }
    case 'assistant': {
      const parts: Part[] = message.content === '' ? [] : [{ text: message.content }]
      for (const call of message.toolCalls) parts.push({ functionCall: { name: call.name, args: argumentsObject(call.arguments) } })
      return { role: 'model', parts }
    }
    case 'tool':
      return {
        role: 'user',
        parts: [{ functionResponse: { name: message.name, response: message.isError ? { error: message.content } : { output: message.content } } }],
      }
  }
}

const toWireTool = (tool: ToolSpec) => ({ name: tool.name, description: tool.description, parameters: toGeminiSchema(tool.parameters) })

// Gemini accepts an OpenAPI 3.0 subset of JSON Schema; other keywords (additionalProperties, $schema…) are rejected.
const GEMINI_SCHEMA_KEYS = new Set([
  'type', 'format', 'description', 'nullable', 'enum', 'items', 'minItems', 'maxItems', 'properties', 'required',
  'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'anyOf', 'default', 'title',
])

/** A JSON Schema reduced to the keywords Gemini's function declarations accept. */
export function toGeminiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toGeminiSchema)
  const record = asRecord(schema)
  if (!record) return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) {
    if (!GEMINI_SCHEMA_KEYS.has(key)) continue
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(asRecord(value) ?? {}).map(([name, sub]) => [name, toGeminiSchema(sub)]))
    } else if (key === 'items' || key === 'anyOf') out[key] = toGeminiSchema(value)
    else out[key] = value
  }
  return out
}

function fromWireReply(body: unknown): ChatReply {
  const record = asRecord(body)
  const candidate = asRecord(asArray(record?.candidates)?.[0])
  if (!candidate) {
    const reason = asRecord(record?.promptFeedback)?.blockReason
    throw new ModelError(`gemini: no candidates${typeof reason === 'string' ? ` (prompt blocked: ${reason})` : ''}`, null, false)
  }
  let text = ''
  const toolCalls: ToolCall[] = []
  for (const raw of asArray(asRecord(candidate.content)?.parts) ?? []) {
    const part = asRecord(raw)
    if (!part || part.thought === true) continue
    if (typeof part.text === 'string') text += part.text
    const call = asRecord(part.functionCall)
    if (call && typeof call.name === 'string') {
      // Gemini matches responses to calls by name and order; ids are optional on its side.
      toolCalls.push({ id: typeof call.id === 'string' ? call.id : `call_${toolCalls.length}`, name: call.name, arguments: call.args ?? {} })
    }
  }
  const usage = asRecord(record?.usageMetadata)
  return {
    text,
    toolCalls,
    usage: usage ? { input: tokenCount(usage.promptTokenCount), output: tokenCount(usage.candidatesTokenCount) } : null,
  }
}
