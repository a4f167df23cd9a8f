import type { ToolName } from '../model'
import type { ToolSpec } from '../models/client'
import { calculator } from './calculator'
import { codeSearch } from './code-search'
import { fileRead } from './file-read'
import { fileWrite } from './file-write'
import { httpRequest } from './http-request'
import { terminal } from './terminal'
import type { Tool } from './tool'

export { runTool, ToolError, type Tool, type ToolContext, type ToolOutcome } from './tool'
export { resolveInWorkspace } from './workspace'

/** Every tool, by name. */
export const TOOLS: Record<ToolName, Tool> = {
  file_read: fileRead,
  file_write: fileWrite,
  terminal,
  code_search: codeSearch,
  http_request: httpRequest,
  calculator,
}

/** The specs offered to a model for an agent's tool list. */
export const toolSpecs = (names: readonly ToolName[]): ToolSpec[] =>
  names.map((name) => {
    const tool = TOOLS[name]
    // JSON round trip: plain JSON Schema without TypeBox's symbol keys.
    return { name, description: tool.description, parameters: JSON.parse(JSON.stringify(tool.parameters)) as Record<string, unknown> }
  })

// Secrets the server holds that a child process (terminal tool) must never see.
const SECRET_VARIABLES = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'CHASM_API_TOKEN']

/** The environment for tool child processes: the server's, minus credentials. */
export const toolEnvironment = (env: Record<string, string | undefined>): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(env).filter(([name]) => !SECRET_VARIABLES.includes(name)))
