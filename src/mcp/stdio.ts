import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { Readable, Writable } from 'node:stream'
import { createMcpServer, type McpDeps } from './server'

/**
 * Serves MCP over a pair of streams (the process's stdin and stdout) until the input ends or
 * `stop` is aborted. Nothing but protocol messages is written to `output`.
 */
export async function serveStdio(deps: McpDeps, input: Readable, output: Writable, stop: AbortSignal): Promise<void> {
  const server = createMcpServer(deps)
  const ended = new Promise<void>((resolve) => {
    input.once('end', resolve)
    input.once('close', resolve)
    if (stop.aborted) resolve()
    else stop.addEventListener('abort', () => resolve(), { once: true })
  })
  await server.connect(new StdioServerTransport(input, output))
  await ended
  await server.close()
}
