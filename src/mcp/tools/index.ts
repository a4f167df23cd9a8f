import { getSessionTool } from './get-session'
import { getStatsTool } from './get-stats'
import { listSessionsTool } from './list-sessions'
import { listWorkspacesTool } from './list-workspaces'
import { searchSessionsTool } from './search-sessions'
import type { McpTool } from './tool'

export type { McpContext, McpTool } from './tool'

/** Every tool the MCP server offers, in the order it lists them. */
export const MCP_TOOLS: readonly McpTool[] = [searchSessionsTool, getSessionTool, listSessionsTool, listWorkspacesTool, getStatsTool]
