export { createMcpServer, type McpDeps } from './server'
export { serveStdio } from './stdio'
export { handleMcpRequest } from './http'
