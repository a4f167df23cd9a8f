import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { createMcpServer, type McpDeps } from './server'

/**
 * Answers one MCP request over Streamable HTTP, statelessly: a server and a transport per request,
 * plain JSON responses (no SSE stream), no session id. Authentication, Host and Origin checks
 * happen before this, in the HTTP app's security layer.
 */
export async function handleMcpRequest(deps: McpDeps, request: Request): Promise<Response> {
  const server = createMcpServer(deps)
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
  await server.connect(transport)
  try {
    return await transport.handleRequest(request)
  } finally {
    await server.close()
  }
}
