import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { createMcpServer, type McpDeps } from './server'

/**
 * Answers one MCP request over Streamable HTTP, statelessly: a server and a transport per request,
 * plain JSON responses (no SSE stream), no session id. `body` is the request's JSON, already read
 * (the request's own body is then not read again). Authentication, Host and Origin checks happen
 * before this, in the HTTP app's security layer.
 */
export async function handleMcpRequest(deps: McpDeps, request: Request, body: unknown): Promise<Response> {
  const server = createMcpServer(deps)
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
  await server.connect(transport)
  try {
    return await transport.handleRequest(request, { parsedBody: body })
  } finally {
    await server.close()
  }
}
