import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js'
import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { redactDeep, redactText } from '../redact'
import { ChasmError } from '../shared/errors'
import type { Logger } from '../shared/log'
import { describeValueError } from '../shared/validation'
import { guarded, ProtocolError } from './errors'
import { MCP_INSTRUCTIONS } from './instructions'
import { listSessionResources, readSessionResource, SESSION_TEMPLATE } from './resources'
import { MCP_TOOLS, type McpContext, type McpTool } from './tools'

/** What an MCP server needs: the database to read and where to log (never stdout: that is the protocol's). */
export interface McpDeps extends McpContext {
  version: string
  log: Logger
}

/** A TypeBox schema as the plain JSON Schema object MCP publishes. */
const plainSchema = (schema: TSchema) => JSON.parse(JSON.stringify(schema)) as { type: 'object'; [key: string]: unknown }

// Every tool only reads the user's own history: it changes nothing and reaches no other system.
const ANNOTATIONS = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }

const TOOL_LIST = MCP_TOOLS.map((tool) => ({
  name: tool.name,
  title: tool.title,
  description: tool.description,
  inputSchema: plainSchema(tool.input),
  outputSchema: plainSchema(tool.output),
  annotations: { title: tool.title, ...ANNOTATIONS },
}))

const SESSION_RESOURCE = {
  uriTemplate: SESSION_TEMPLATE,
  name: 'session',
  title: 'A conversation as Markdown',
  description: 'One whole conversation (ids from search_sessions or list_sessions) as Markdown, secrets redacted',
  mimeType: 'text/markdown',
}

const toolError = (message: string): CallToolResult => ({ content: [{ type: 'text', text: redactText(message) }], isError: true })

/** The first problem with a tool's arguments, in one sentence naming the argument. */
function argumentProblem(tool: McpTool, args: unknown): string {
  const error = Value.Errors(tool.input, args).First()
  if (!error) return `Invalid arguments for ${tool.name}`
  const name = error.path.replace(/^\//, '').replaceAll('/', '.')
  if (!name) return `Invalid arguments for ${tool.name}: ${error.message.toLowerCase()}`
  const known = Object.hasOwn(tool.input.properties, name.split('.')[0]!)
  if (!known) return `Unknown argument '${name}' for ${tool.name} (arguments: ${Object.keys(tool.input.properties).join(', ') || 'none'})`
  if (error.value === undefined) return `Missing required argument '${name}' for ${tool.name}`
  return `Invalid argument '${name}': ${describeValueError(error)} (got ${JSON.stringify(error.value)?.slice(0, 80)})`
}

/** Runs a tool call: checks the arguments, answers with structured content, turns every failure into a tool error. */
function callTool(deps: McpDeps, name: string, rawArgs: unknown): CallToolResult {
  const tool = MCP_TOOLS.find((candidate) => candidate.name === name)
  if (!tool) throw new ProtocolError(ErrorCode.InvalidParams, `Unknown tool: ${name} (tools: ${MCP_TOOLS.map((t) => t.name).join(', ')})`)
  const args = Value.Default(tool.input, structuredClone(rawArgs ?? {}))
  if (!Value.Check(tool.input, args)) return toolError(argumentProblem(tool, args))
  try {
    // The one place every answer passes: whatever a tool returns is redacted here.
    const structured = redactDeep(tool.run(deps, args))
    return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured }
  } catch (error) {
    if (error instanceof ChasmError) return toolError(error.message)
    deps.log.error(`mcp: ${name} failed`, error)
    return toolError(`${name} failed with an internal error; the server log has the details`)
  }
}

/**
 * A chasm MCP server (not yet connected): the five read-only tools, the session resource template,
 * and the instructions. One per connection (stdio) or per request (stateless HTTP).
 */
export function createMcpServer(deps: McpDeps): Server {
  const server = new Server(
    { name: 'chasm', title: 'chasm: chat history of AI coding assistants', version: deps.version },
    { capabilities: { tools: {}, resources: {} }, instructions: MCP_INSTRUCTIONS },
  )
  const { log } = deps
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOL_LIST }))
  server.setRequestHandler(
    CallToolRequestSchema,
    guarded(log, 'tools/call', (request) => callTool(deps, request.params.name, request.params.arguments)),
  )
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [SESSION_RESOURCE] }))
  server.setRequestHandler(
    ListResourcesRequestSchema,
    guarded(log, 'resources/list', (request) => redactDeep(listSessionResources(deps, request.params?.cursor))),
  )
  // The document is rendered by the exporter with redaction on.
  server.setRequestHandler(
    ReadResourceRequestSchema,
    guarded(log, 'resources/read', (request) => readSessionResource(deps, request.params.uri)),
  )
  server.onerror = (error) => deps.log.warn(`mcp: ${error.message}`)
  return server
}
