import type { ChatMessage, ToolSpec } from '../../../src/agency/models'

/** The three wire protocols the fake speaks. */
export type Protocol = 'openai' | 'anthropic' | 'gemini'

/** A scripted answer, rendered in the protocol of the request it answers. */
export interface ScriptedReply {
  text?: string
  toolCalls?: Array<{ id?: string; name: string; arguments: Record<string, unknown> }>
  usage?: { input: number; output: number }
  /** Answer with this HTTP status and the vendor's error body instead. */
  status?: number
  retryAfter?: string
  /** Answer only once this settles (a slow model); a client that disconnects meanwhile gets nothing. */
  hold?: Promise<unknown>
  /** Send this body as is (for malformed replies). */
  raw?: unknown
}

/** A request as the fake decoded it from the vendor's wire format (strictly: malformed requests get a 400). */
export interface ReceivedRequest {
  protocol: Protocol
  path: string
  model: string
  auth: string | null
  system: string | null
  messages: ChatMessage[]
  tools: ToolSpec[]
  temperature: number | null
  maxTokens: number | null
  body: Record<string, unknown>
}

export type Script = (request: ReceivedRequest) => ScriptedReply | Promise<ScriptedReply>

/** Replies per model name, taken in order; a model with none left answers 500 "script exhausted". */
export function scriptByModel(replies: Record<string, ScriptedReply[]>): Script {
  const queues = new Map(Object.entries(replies).map(([model, list]) => [model, [...list]]))
  return (request) => queues.get(request.model)?.shift() ?? { status: 500, text: `script exhausted for model ${request.model}` }
}

class WireError extends Error {}

const fail = (message: string): never => {
  throw new WireError(message)
}
const record = (value: unknown, where: string): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(`${where}: expected an object`)
const array = (value: unknown, where: string): unknown[] => (Array.isArray(value) ? value : fail(`${where}: expected an array`))
const string = (value: unknown, where: string): string => (typeof value === 'string' ? value : fail(`${where}: expected a string`))
const optionalNumber = (value: unknown, where: string): number | null =>
  value === undefined ? null : typeof value === 'number' ? value : fail(`${where}: expected a number`)

/** Finds the tool name of an earlier call by id (OpenAI and Anthropic results carry only the id). */
function nameOfCall(messages: ChatMessage[], id: string): string {
  for (const message of messages) {
    if (message.role !== 'assistant') continue
    const call = message.toolCalls.find((c) => c.id === id)
    if (call) return call.name
  }
  return fail(`tool result for unknown call id ${id}`)
}

function decodeOpenAi(body: Record<string, unknown>, auth: string | null, path: string): ReceivedRequest {
  const wire = array(body.messages, 'messages')
  let system: string | null = null
  const messages: ChatMessage[] = []
  wire.forEach((raw, i) => {
    const m = record(raw, `messages[${i}]`)
    switch (m.role) {
      case 'system':
        system = string(m.content, `messages[${i}].content`)
        break
      case 'user':
        messages.push({ role: 'user', content: string(m.content, `messages[${i}].content`) })
        break
      case 'assistant': {
        const calls = m.tool_calls === undefined ? [] : array(m.tool_calls, `messages[${i}].tool_calls`)
        if (calls.length === 0 && m.tool_calls !== undefined) fail(`messages[${i}].tool_calls must not be empty`)
        messages.push({
          role: 'assistant',
          content: m.content === null ? '' : string(m.content, `messages[${i}].content`),
          toolCalls: calls.map((rawCall, j) => {
            const call = record(rawCall, `tool_calls[${j}]`)
            if (call.type !== 'function') fail(`tool_calls[${j}].type must be "function"`)
            const fn = record(call.function, `tool_calls[${j}].function`)
            return { id: string(call.id, `tool_calls[${j}].id`), name: string(fn.name, 'name'), arguments: JSON.parse(string(fn.arguments, 'arguments')) }
          }),
        })
        break
      }
      case 'tool': {
        const callId = string(m.tool_call_id, `messages[${i}].tool_call_id`)
        messages.push({ role: 'tool', callId, name: nameOfCall(messages, callId), content: string(m.content, 'content'), isError: false })
        break
      }
      default:
        fail(`messages[${i}].role ${String(m.role)} is not a chat role`)
    }
  })
  const tools = body.tools === undefined ? [] : array(body.tools, 'tools').map((rawTool, i) => {
    const tool = record(rawTool, `tools[${i}]`)
    if (tool.type !== 'function') fail(`tools[${i}].type must be "function"`)
    const fn = record(tool.function, `tools[${i}].function`)
    return { name: string(fn.name, 'name'), description: string(fn.description, 'description'), parameters: record(fn.parameters, 'parameters') }
  })
  return {
    protocol: 'openai', path, model: string(body.model, 'model'), auth, system, messages, tools,
    temperature: optionalNumber(body.temperature, 'temperature'),
    maxTokens: optionalNumber(body.max_tokens ?? body.max_completion_tokens, 'max_tokens'),
    body,
  }
}

function decodeAnthropic(body: Record<string, unknown>, auth: string | null, path: string): ReceivedRequest {
  const maxTokens = optionalNumber(body.max_tokens, 'max_tokens') ?? fail('max_tokens: Field required')
  const temperature = optionalNumber(body.temperature, 'temperature')
  if (temperature !== null && (temperature < 0 || temperature > 1)) fail('temperature: must be between 0 and 1')
  const messages: ChatMessage[] = []
  let previousRole: unknown = 'assistant'
  array(body.messages, 'messages').forEach((raw, i) => {
    const m = record(raw, `messages[${i}]`)
    if (m.role === previousRole) fail(`messages: roles must alternate (messages[${i}])`)
    previousRole = m.role
    if (m.role === 'user') {
      if (typeof m.content === 'string') return void messages.push({ role: 'user', content: m.content })
      for (const [j, rawBlock] of array(m.content, `messages[${i}].content`).entries()) {
        const block = record(rawBlock, `messages[${i}].content[${j}]`)
        if (block.type === 'text') messages.push({ role: 'user', content: string(block.text, 'text') })
        else if (block.type === 'tool_result') {
          const callId = string(block.tool_use_id, 'tool_use_id')
          messages.push({ role: 'tool', callId, name: nameOfCall(messages, callId), content: string(block.content, 'content'), isError: block.is_error === true })
        } else fail(`messages[${i}].content[${j}].type ${String(block.type)} not allowed in a user turn`)
      }
    } else if (m.role === 'assistant') {
      let content = ''
      const toolCalls: Array<{ id: string; name: string; arguments: unknown }> = []
      for (const [j, rawBlock] of array(m.content, `messages[${i}].content`).entries()) {
        const block = record(rawBlock, `messages[${i}].content[${j}]`)
        if (block.type === 'text') content += string(block.text, 'text')
        else if (block.type === 'tool_use') toolCalls.push({ id: string(block.id, 'id'), name: string(block.name, 'name'), arguments: record(block.input, 'input') })
        else fail(`messages[${i}].content[${j}].type ${String(block.type)} not allowed in an assistant turn`)
      }
      messages.push({ role: 'assistant', content, toolCalls })
    } else fail(`messages[${i}].role must be user or assistant`)
  })
  if (messages[0]?.role !== 'user' && messages[0]?.role !== 'tool') fail('messages: the first message must be a user turn')
  const tools = body.tools === undefined ? [] : array(body.tools, 'tools').map((rawTool, i) => {
    const tool = record(rawTool, `tools[${i}]`)
    return { name: string(tool.name, 'name'), description: string(tool.description, 'description'), parameters: record(tool.input_schema, 'input_schema') }
  })
  return {
    protocol: 'anthropic', path, model: string(body.model, 'model'), auth,
    system: body.system === undefined ? null : string(body.system, 'system'),
    messages, tools, temperature, maxTokens, body,
  }
}

const GEMINI_SCHEMA_KEYS = new Set(['type', 'format', 'description', 'nullable', 'enum', 'items', 'minItems', 'maxItems', 'properties', 'required', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'anyOf', 'default', 'title'])

function checkGeminiSchema(schema: unknown, where: string): void {
  const node = record(schema, where)
  for (const [key, value] of Object.entries(node)) {
    if (!GEMINI_SCHEMA_KEYS.has(key)) fail(`Invalid JSON payload received. Unknown name "${key}" at '${where}'`)
    if (key === 'properties') for (const [name, sub] of Object.entries(record(value, where))) checkGeminiSchema(sub, `${where}.properties.${name}`)
    if (key === 'items') checkGeminiSchema(value, `${where}.items`)
  }
}

function decodeGemini(body: Record<string, unknown>, auth: string | null, path: string): ReceivedRequest {
  const model = decodeURIComponent(/\/models\/([^/:]+):generateContent$/.exec(path)?.[1] ?? fail(`unknown path ${path}`))
  const systemParts = body.systemInstruction === undefined ? null : array(record(body.systemInstruction, 'systemInstruction').parts, 'systemInstruction.parts')
  const system = systemParts ? systemParts.map((p) => string(record(p, 'part').text, 'systemInstruction.parts.text')).join('') : null
  const messages: ChatMessage[] = []
  array(body.contents, 'contents').forEach((raw, i) => {
    const c = record(raw, `contents[${i}]`)
    const parts = array(c.parts, `contents[${i}].parts`).map((p, j) => record(p, `contents[${i}].parts[${j}]`))
    if (c.role === 'user') {
      for (const part of parts) {
        if (typeof part.text === 'string') messages.push({ role: 'user', content: part.text })
        else if (part.functionResponse) {
          const response = record(part.functionResponse, 'functionResponse')
          const payload = record(response.response, 'functionResponse.response')
          const isError = 'error' in payload
          messages.push({ role: 'tool', callId: '', name: string(response.name, 'functionResponse.name'), content: string(isError ? payload.error : payload.output, 'functionResponse.response'), isError })
        } else fail(`contents[${i}]: unsupported user part`)
      }
    } else if (c.role === 'model') {
      let content = ''
      const toolCalls: Array<{ id: string; name: string; arguments: unknown }> = []
      for (const part of parts) {
        if (typeof part.text === 'string') content += part.text
        else if (part.functionCall) {
          const call = record(part.functionCall, 'functionCall')
          toolCalls.push({ id: '', name: string(call.name, 'functionCall.name'), arguments: record(call.args, 'functionCall.args') })
        } else fail(`contents[${i}]: unsupported model part`)
      }
      messages.push({ role: 'assistant', content, toolCalls })
    } else fail(`contents[${i}].role must be user or model`)
  })
  const tools: ToolSpec[] = []
  if (body.tools !== undefined) {
    for (const group of array(body.tools, 'tools')) {
      for (const [i, rawDecl] of array(record(group, 'tools[]').functionDeclarations, 'functionDeclarations').entries()) {
        const decl = record(rawDecl, `functionDeclarations[${i}]`)
        checkGeminiSchema(decl.parameters, `tools.function_declarations[${i}].parameters`)
        tools.push({ name: string(decl.name, 'name'), description: string(decl.description, 'description'), parameters: record(decl.parameters, 'parameters') })
      }
    }
  }
  const config = body.generationConfig === undefined ? {} : record(body.generationConfig, 'generationConfig')
  return {
    protocol: 'gemini', path, model, auth, system, messages, tools,
    temperature: optionalNumber(config.temperature, 'temperature'),
    maxTokens: optionalNumber(config.maxOutputTokens, 'maxOutputTokens'),
    body,
  }
}

let counter = 0

function encodeReply(protocol: Protocol, model: string, reply: ScriptedReply): unknown {
  const text = reply.text ?? ''
  const calls = (reply.toolCalls ?? []).map((call) => ({ ...call, id: call.id ?? `call_${++counter}` }))
  const usage = reply.usage ?? { input: 10, output: 5 }
  switch (protocol) {
    case 'openai':
      return {
        id: `chatcmpl-${++counter}`, object: 'chat.completion', created: 1767873600, model,
        choices: [{
          index: 0,
          message: {
            role: 'assistant', content: text === '' && calls.length ? null : text,
            ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) } : {}),
          },
          finish_reason: calls.length ? 'tool_calls' : 'stop',
        }],
        usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
      }
    case 'anthropic':
      return {
        id: `msg_${++counter}`, type: 'message', role: 'assistant', model,
        content: [...(text ? [{ type: 'text', text }] : []), ...calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.arguments }))],
        stop_reason: calls.length ? 'tool_use' : 'end_turn', stop_sequence: null,
        usage: { input_tokens: usage.input, output_tokens: usage.output },
      }
    case 'gemini':
      return {
        candidates: [{
          content: { role: 'model', parts: [...(text ? [{ text }] : []), ...calls.map((c) => ({ functionCall: { name: c.name, args: c.arguments } }))] },
          finishReason: 'STOP', index: 0,
        }],
        usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output },
        modelVersion: model,
      }
  }
}

function errorBody(protocol: Protocol, status: number, message: string): unknown {
  switch (protocol) {
    case 'openai':
      return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null } }
    case 'anthropic':
      return { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } }
    case 'gemini':
      return { error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } }
  }
}

/** Which protocol a path belongs to, and the credential header it must carry. */
function route(path: string, headers: Headers): { protocol: Protocol; auth: string | null } | null {
  if (path.endsWith('/chat/completions')) return { protocol: 'openai', auth: headers.get('authorization') }
  if (path.endsWith('/v1/messages')) return { protocol: 'anthropic', auth: headers.get('x-api-key') }
  if (path.endsWith(':generateContent')) return { protocol: 'gemini', auth: headers.get('x-goog-api-key') }
  return null
}

/**
 * A loopback model server speaking OpenAI Chat Completions, Anthropic Messages and Gemini
 * generateContent, answering from `script`. It decodes each request strictly (a malformed one gets
 * a 400, as the real APIs would) and keeps it in `requests`.
 */
export function startFakeModels(script: Script) {
  const requests: ReceivedRequest[] = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 60,
    async fetch(req) {
      const path = new URL(req.url).pathname
      const target = route(path, req.headers)
      if (!target) return Response.json({ error: { message: `no route ${path}` } }, { status: 404 })
      const { protocol, auth } = target
      if (protocol === 'anthropic' && req.headers.get('anthropic-version') === null) {
        return Response.json(errorBody(protocol, 400, 'anthropic-version header is required'), { status: 400 })
      }
      let request: ReceivedRequest
      try {
        const body = record(await req.json(), 'body')
        request = protocol === 'openai' ? decodeOpenAi(body, auth, path) : protocol === 'anthropic' ? decodeAnthropic(body, auth, path) : decodeGemini(body, auth, path)
      } catch (error) {
        return Response.json(errorBody(protocol, 400, (error as Error).message), { status: 400 })
      }
      requests.push(request)
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
      const reply = await script(request)
      if (reply.hold) {
        const disconnected = new Promise<'gone'>((resolve) => req.signal.addEventListener('abort', () => resolve('gone'), { once: true }))
        if ((await Promise.race([reply.hold, disconnected])) === 'gone') return new Response(null, { status: 499 })
      }
      if (reply.raw !== undefined) return Response.json(reply.raw)
      if (reply.status !== undefined && reply.status >= 400) {
        const headers: Record<string, string> = reply.retryAfter ? { 'retry-after': reply.retryAfter } : {}
        return Response.json(errorBody(protocol, reply.status, reply.text ?? 'scripted failure'), { status: reply.status, headers })
      }
      return Response.json(encodeReply(protocol, request.model, reply))
    },
  })
  const url = `http://127.0.0.1:${server.port}`
  return {
    url,
    requests,
    /** Resolves once `count` requests have arrived in total. */
    received(count: number): Promise<void> {
      if (requests.length >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    /** Environment pointing every provider at this server, with test credentials. */
    env(): Record<string, string> {
      return {
        OPENAI_API_KEY: 'sk-test-openai',
        ANTHROPIC_API_KEY: 'sk-test-anthropic',
        GEMINI_API_KEY: 'test-gemini',
        CHASM_OPENAI_BASE_URL: `${url}/v1`,
        CHASM_ANTHROPIC_BASE_URL: url,
        CHASM_GEMINI_BASE_URL: url,
        OLLAMA_HOST: url,
      }
    },
    stop: () => server.stop(true),
    [Symbol.dispose]: () => server.stop(true),
  }
}

export type FakeModels = ReturnType<typeof startFakeModels>

/** A promise with its resolve function, for holding a scripted reply until the test releases it. */
export function latch(): { promise: Promise<void>; release: () => void } {
  let release!: () => void
  const promise = new Promise<void>((resolve) => (release = resolve))
  return { promise, release }
}
