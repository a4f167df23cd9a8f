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
export { CODE_SEARCH_BUDGET_MS } from './code-search'
export { childEnvironment, redactor, secretValues, withdrawSecrets } from './environment'
export { PUBLIC_DESTINATIONS, type Destinations, type ResolvedAddress } from './net/destinations'
export { refuseProcessInspection } from './process-guard'

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
