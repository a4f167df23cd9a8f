import fc from 'fast-check'
import { edgeNumber, hostileJson, hostileString } from './support'

/** One generated HTTP request, relative to the app's origin. */
export interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string | Uint8Array | null
}

/** The ids that exist in the fuzzed database, so generated paths and bodies reach real entities as well as missing ones. */
export interface KnownIds {
  sessions: string[]
  workspaces: string[]
  agents: string[]
  swarms: string[]
  runs: string[]
}

type Fields = Record<string, fc.Arbitrary<unknown>>

/**
 * A body that is valid for its route three times in four, and otherwise broken in one place: a field
 * set to any hostile value, a field dropped, or an unknown field added. Valid bodies reach the rules
 * behind validation (conflicts, state machines, the database); broken ones test the validation itself.
 */
export function validOrBroken(required: Fields, optional: Fields = {}): fc.Arbitrary<Record<string, unknown>> {
  const names = [...Object.keys(required), ...Object.keys(optional)]
  const valid = fc.record({ ...required, ...optional }, { requiredKeys: Object.keys(required) })
  const broken = fc
    .tuple(valid, fc.constantFrom(...names), fc.constantFrom('hostile', 'drop', 'extra'), hostileString(), hostileJson())
    .map(([object, name, how, key, value]) => {
      const copy: Record<string, unknown> = { ...object }
      if (how === 'hostile') copy[name] = value
      else if (how === 'drop') delete copy[name]
      else copy[key] = value
      return copy
    })
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: broken })
}

/** Any string of 1..256 characters (an id as the recording format allows it), often a known one. */
const idOf = (known: string[]) =>
  fc.oneof(fc.constantFrom(...known), hostileString().filter((s) => s.length >= 1 && s.length <= 256))

const text = () => hostileString()
const nullableText = () => fc.oneof(hostileString(), fc.constant(null))
const word = (...words: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...words) }, { weight: 1, arbitrary: hostileString() })

/** A timestamp as recorders send them: ISO strings or epoch seconds/milliseconds, and the edges. */
const timestamp = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.date({ min: new Date('1971-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 4_102_444_800 }) },
    { weight: 2, arbitrary: fc.integer({ min: 100_000_000_000, max: 4_102_444_800_000 }) },
    { weight: 1, arbitrary: edgeNumber() },
    { weight: 1, arbitrary: hostileString() },
  )

const toolCallItem = () =>
  validOrBroken({ name: text().filter((s) => s.length >= 1 && s.length <= 256) }, { call_id: idOf(['c1', 'c2']), input: hostileJson(), output: hostileJson(), status: word('ok', 'error') })

/** Hostile extra `data` fields: the recording format keeps them as metadata. */
const extras = () => fc.dictionary(hostileString(), hostileJson(), { maxKeys: 2 })

const eventData: Record<string, () => fc.Arbitrary<Record<string, unknown>>> = {
  session_start: () => validOrBroken({}, { provider: word('api', 'claude-code'), title: nullableText(), workspace_path: nullableText(), model: nullableText() }),
  message: () =>
    validOrBroken(
      { role: fc.constantFrom('user', 'assistant', 'system', 'tool'), content: text() },
      { message_id: idOf(['m1', 'msg-0']), model: nullableText(), tool_calls: fc.array(toolCallItem(), { maxLength: 2 }) },
    ),
  message_delta: () => validOrBroken({ message_id: idOf(['m1', 'msg-0']), content: text() }),
  message_update: () => validOrBroken({ message_id: idOf(['m1', 'msg-0']), content: text() }),
  tool_call: () => validOrBroken({ call_id: idOf(['c1', 'c2']), name: word('Read', 'Bash'), input: hostileJson() }, { message_id: idOf(['m1']) }),
  tool_result: () => validOrBroken({ call_id: idOf(['c1', 'c2']), output: hostileJson() }, { status: word('ok', 'error') }),
  session_update: () => validOrBroken({}, { title: nullableText(), model: nullableText() }),
  heartbeat: () => fc.constant({}),
  session_end: () => fc.constant({}),
}

/** One recording event: a valid event of any type, or one broken in one place. */
export const recordingEvent = (sessions: string[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.constantFrom(...Object.keys(eventData)).chain((type) =>
    validOrBroken(
      {
        session_id: idOf([...sessions, 'fuzz-session']),
        event_type: fc.constant(type),
        data: fc.tuple(eventData[type]!(), fc.option(extras(), { freq: 4 })).map(([data, extra]) => (extra ? { ...extra, ...data } : data)),
      },
      { event_id: fc.oneof(idOf(['e1', 'e2']), fc.constant(null)), timestamp: timestamp() },
    ),
  )

/** `POST /api/recording/events` bodies (and WebSocket event messages): one event or a batch. */
export const recordingBody = (sessions: string[]) =>
  fc.oneof(recordingEvent(sessions), validOrBroken({ events: fc.array(recordingEvent(sessions), { minLength: 1, maxLength: 5 }) }))

const snapshotBody = (sessions: string[]) =>
  validOrBroken(
    {
      session_id: idOf([...sessions, 'fuzz-snapshot']),
      messages: fc.array(
        validOrBroken(
          { role: fc.constantFrom('user', 'assistant', 'system', 'tool'), content: text() },
          { message_id: idOf(['m1', 'm2']), timestamp: timestamp(), model: nullableText(), tool_calls: fc.array(toolCallItem(), { maxLength: 2 }) },
        ),
        { maxLength: 4 },
      ),
    },
    { provider: word('api', 'cursor'), title: nullableText(), workspace_path: nullableText(), model: nullableText() },
  )

const agentName = () => word('fuzz-agent', 'lead', 'dev', 'a.b_c-1', 'x'.repeat(64), 'x'.repeat(65))

// No provider that needs no credentials (ollama, openai-compatible): a run that starts would change
// the database in the background, after its request was answered.
const agentFields = (create: boolean) => {
  const fields = {
    name: agentName(),
    instruction: word('Be helpful.', ' '),
    model: word('gpt-4o', 'claude-sonnet-4-5', 'gemini-2.0-flash', 'mystery-model', 'has space'),
  }
  const optional = {
    description: text(),
    role: word('assistant', 'coder', 'coordinator'),
    provider: word('openai', 'anthropic', 'google'),
    temperature: fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), edgeNumber()),
    maxTokens: fc.oneof(fc.integer({ min: 1, max: 100_000 }), edgeNumber(), fc.constant(null)),
    tools: fc.array(word('file_read', 'terminal', 'calculator', 'code_search'), { maxLength: 3 }),
  }
  return create ? validOrBroken(fields, optional) : validOrBroken({}, { ...fields, ...optional })
}

const swarmFields = (agents: string[], create: boolean) => {
  const fields = {
    name: word('fuzz-swarm', 'team'),
    coordinator: word(...agents),
    workers: fc.array(word(...agents), { minLength: 1, maxLength: 3 }),
  }
  return create ? validOrBroken(fields, { description: text() }) : validOrBroken({}, { ...fields, description: text() })
}

const runStart = () => validOrBroken({ prompt: word('Build it', ' ') }, { workspace: word('/tmp', '/nonexistent', 'relative/dir', '/etc/passwd') })

const MCP_TOOLS = ['search_sessions', 'get_session', 'list_sessions', 'list_workspaces', 'get_stats']

/** Tool arguments a model might send: the real ones with sensible or hostile values, and strays. */
const toolArguments = (sessions: string[]) =>
  validOrBroken(
    {},
    {
      query: word('token', 'auth*', '"session cookie"', 'login flow'),
      id: word(...sessions),
      provider: word('claude-code', 'copilot'),
      workspace: text(),
      since: word('2026-01-01', '2026-01-08T12:00:00Z'),
      offset: fc.oneof(fc.integer({ min: 0, max: 5 }), edgeNumber()),
      limit: fc.oneof(fc.integer({ min: 1, max: 60 }), edgeNumber()),
      maxTokens: fc.oneof(fc.integer({ min: 500, max: 20_000 }), edgeNumber()),
    },
  )

/** A JSON-RPC message for `/mcp`: the calls a client makes, well-formed or broken in one place. */
const mcpMessage = (sessions: string[]) =>
  fc.oneof(
    validOrBroken(
      { jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.integer(), text()), method: fc.constant('initialize') },
      { params: fc.constant({ protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } }) },
    ),
    validOrBroken({ jsonrpc: fc.constant('2.0'), id: fc.integer(), method: word('tools/list', 'resources/templates/list', 'ping') }),
    validOrBroken({
      jsonrpc: fc.constant('2.0'),
      id: fc.integer(),
      method: fc.constant('tools/call'),
      params: validOrBroken({ name: word(...MCP_TOOLS) }, { arguments: toolArguments(sessions) }),
    }),
    validOrBroken({
      jsonrpc: fc.constant('2.0'),
      id: fc.integer(),
      method: word('resources/read', 'resources/list'),
      params: validOrBroken({}, { uri: word(...sessions.map((id) => `chasm://session/${encodeURIComponent(id)}`), 'chasm://session/', 'file:///etc/passwd'), cursor: text() }),
    }),
    validOrBroken({ jsonrpc: fc.constant('2.0'), method: word('notifications/initialized', 'notifications/cancelled') }),
  )

/** The body generator for a route; any JSON for routes that take none. */
function structuredBody(method: string, path: string, ids: KnownIds): fc.Arbitrary<unknown> {
  switch (`${method} ${path}`) {
    case 'POST /api/recording/events':
      return recordingBody(ids.sessions)
    case 'POST /api/recording/snapshot':
      return snapshotBody(ids.sessions)
    case 'POST /api/v1/agents':
      return agentFields(true)
    case 'PUT /api/v1/agents/:id':
      return agentFields(false)
    case 'POST /api/v1/agents/:id/clone':
      return validOrBroken({}, { name: agentName() })
    case 'POST /api/v1/swarms':
      return swarmFields(ids.agents, true)
    case 'PUT /api/v1/swarms/:id':
      return swarmFields(ids.agents, false)
    case 'POST /api/v1/swarms/:id/start':
      return runStart()
    case 'POST /mcp':
      return mcpMessage(ids.sessions)
    default:
      return hostileJson()
  }
}

const body = (method: string, path: string, ids: KnownIds): fc.Arbitrary<string | Uint8Array | null> =>
  fc.oneof(
    { weight: 8, arbitrary: structuredBody(method, path, ids).map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 1, arbitrary: hostileJson().map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 1, arbitrary: hostileString() },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[1,', '{"events": [', '\u0000', '{"session_id": "s"}}', 'nul', '1e999', '{"__proto__": {"polluted": 1}}') },
    { weight: 1, arbitrary: fc.constant(null) },
  )

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']

/** Encodes any string as one path segment or query value (lone surrogates become U+FFFD first). */
const encode = (value: string) => encodeURIComponent(value.toWellFormed())

const segment = (known: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known).map(encode) },
    { weight: 2, arbitrary: hostileString().map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%ff', '%00', '..', '.', '%2F', '%2e%2e', '%252F', 'a%20b', '%E2%82') },
  )

/** Query parameters: the ones routes read, with sensible values most of the time, and hostile keys and values; `q` usually present where required. */
const queryString = (ids: KnownIds, path: string) => {
  const sensible: Fields = {
    limit: fc.integer({ min: 1, max: 60 }).map(String),
    offset: fc.integer({ min: 0, max: 5 }).map(String),
    q: word('token', 'auth*', '"session cookie"', 'login flow', 'quoted', 'α'),
    provider: word('claude-code', 'copilot', 'api'),
    workspace: word(...ids.workspaces),
    status: word('active', 'idle', 'interrupted', 'ended', 'all'),
    format: word('md', 'json', 'html'),
    redact: word('true', 'false'),
  }
  const pair = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...Object.keys(sensible)).chain((key) => sensible[key]!.map((value) => [key, value as string] as const)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(sensible), 'token', 'id'), fc.oneof(hostileString(), edgeNumber().map(String))) },
    { weight: 1, arbitrary: fc.tuple(hostileString(), hostileString()) },
  )
  const required = path.endsWith('/search') ? fc.option(sensible.q!.map((q) => [['q', q as string] as const]), { freq: 8, nil: [] }) : fc.constant([])
  return fc
    .tuple(required, fc.array(pair, { maxLength: 3 }))
    .map(([first, rest]) => [...first, ...rest])
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&')}`))
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=latin1',
  '',
  'application/*',
]

const headerValue = fc.oneof(fc.constantFrom('Bearer x', 'Bearer ', 'Basic YTpi', 'bearer  x', 'gzip', 'websocket', 'null', '*', ''), fc.string({ unit: 'grapheme-ascii', maxLength: 30 }))

/** Request headers: usually just JSON, sometimes odd content types, tokens, origins, upgrades and encodings. */
const headers = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ 'content-type': 'application/json' }) },
  {
    weight: 2,
    arbitrary: fc
      .record(
        {
          'content-type': fc.constantFrom(...CONTENT_TYPES),
          authorization: headerValue,
          origin: fc.constantFrom('http://evil.example', 'null', 'http://localhost:3000'),
          accept: fc.constantFrom('*/*', 'text/html', 'application/xml'),
          'content-encoding': fc.constantFrom('gzip', 'br', 'identity'),
          upgrade: fc.constantFrom('websocket', 'h2c'),
          'x-forwarded-for': fc.constantFrom('10.0.0.1', '::1', 'garbage'),
          'access-control-request-method': fc.constantFrom('POST', 'DELETE'),
          host: fc.constantFrom('localhost', '127.0.0.1:8787', '[::1]:1', 'evil.example', 'localhost.evil.example', 'localhost', 'localhost'),
          expect: fc.constantFrom('100-continue'),
        },
        { requiredKeys: [] },
      )
      // Header values must be printable ASCII for a Request to be built at all.
      .map((set) => Object.fromEntries(Object.entries(set).filter(([, value]) => /^[\t\x20-\x7e]*$/.test(value)))),
  },
)

const paramIds = (name: string, path: string, ids: KnownIds): string[] => {
  if (name === 'runId') return ids.runs
  if (path.includes('/agents')) return ids.agents
  if (path.includes('/swarms')) return ids.swarms
  if (path.includes('/workspaces')) return ids.workspaces
  return ids.sessions
}

/** A request aimed at one route (its method most of the time), with hostile path ids, query, headers and body. */
export function requestFor(route: { method: string; path: string }, ids: KnownIds): fc.Arbitrary<FuzzRequest> {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]!)
  return fc
    .record({
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      params: fc.tuple(...names.map((name) => segment(paramIds(name, route.path, ids)))),
      query: queryString(ids, route.path),
      headers,
      body: body(route.method, route.path, ids),
      trailingSlash: fc.constantFrom(false, false, false, false, false, false, true),
    })
    .map(({ method, params, query, headers, body, trailingSlash }) => {
      let index = 0
      const path = route.path.replace(/:\w+/g, () => params[index++] as string) + (trailingSlash ? '/' : '')
      const withBody = method !== 'GET' && method !== 'HEAD'
      const sent: Record<string, string> = { ...headers }
      // An MCP client accepts both answers a Streamable HTTP server may give; without that, 406.
      if (route.path === '/mcp' && sent.accept === undefined) sent.accept = 'application/json, text/event-stream'
      return { method, path: path + query, headers: sent, body: withBody ? body : null }
    })
}
