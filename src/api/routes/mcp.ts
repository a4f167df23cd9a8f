import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import type { AppDeps } from '../deps'

/** A JSON-RPC 2.0 answer, as MCP sends them (for the OpenAPI document; the MCP SDK writes it). */
const JsonRpcAnswer = Type.Object(
  {
    jsonrpc: Type.Literal('2.0'),
    id: Type.Union([Type.String(), Type.Number(), Type.Null()]),
    result: Type.Optional(Type.Unknown()),
    error: Type.Optional(Type.Object({ code: Type.Integer(), message: Type.String(), data: Type.Optional(Type.Unknown()) })),
  },
  { description: 'a JSON-RPC 2.0 response (or 202 with no body for a notification)' },
)

/**
 * `POST /mcp`: the MCP server over Streamable HTTP (stateless, JSON answers). The body arrives
 * parsed by the API's one JSON parser (size, depth and malformed JSON answered there) and is handed
 * to the MCP transport as it is. The SDK is loaded on the first request, so the server starts
 * without it. GET (a server-sent event stream) is not offered: 405.
 */
export const mcpRoutes = ({ chasm, version, log }: AppDeps) => {
  const deps = { sqlite: chasm.sqlite, dbPath: chasm.path, version, log }
  return new Elysia({ name: 'routes-mcp', detail: { tags: ['MCP'] } }).post(
    '/mcp',
    async ({ request, body }) => {
      const { handleMcpRequest } = await import('../../mcp')
      return handleMcpRequest(deps, request, body)
    },
    {
      response: { 200: JsonRpcAnswer },
      detail: { summary: 'Model Context Protocol over Streamable HTTP (stateless): a JSON-RPC message in, its answer out' },
    },
  )
}
