import { Elysia } from 'elysia'
import type { AppDeps } from '../deps'

/**
 * `POST /mcp`: the MCP server over Streamable HTTP (stateless, JSON answers). The body arrives
 * parsed by the API's one JSON parser (size, depth and malformed JSON answered there) and is handed
 * to the MCP transport as it is. The SDK is loaded on the first request, so the server starts
 * without it. GET (a server-sent event stream) is not offered: 405.
 */
export const mcpRoutes = ({ chasm, version, log }: AppDeps) => {
  const deps = { sqlite: chasm.sqlite, dbPath: chasm.path, version, log }
  return new Elysia({ name: 'routes-mcp' }).post(
    '/mcp',
    async ({ request, body }) => {
      const { handleMcpRequest } = await import('../../mcp')
      return handleMcpRequest(deps, request, body)
    },
    { detail: { tags: ['MCP'], summary: 'Model Context Protocol (Streamable HTTP, stateless): JSON-RPC in, JSON-RPC out' } },
  )
}
