import { realpathSync } from 'node:fs'
import { CODE_SEARCH_BUDGET_MS, PUBLIC_DESTINATIONS, type ToolContext } from '../../../src/agency/tools'

/** A tool context on `workspace` (made real, as the engine does) with everything refused unless overridden. */
export const toolContext = (workspace: string, overrides: Partial<ToolContext> = {}): ToolContext => ({
  workspace: realpathSync(workspace),
  signal: new AbortController().signal,
  allowTerminal: false,
  allowHttp: false,
  env: { PATH: process.env.PATH ?? '' },
  destinations: PUBLIC_DESTINATIONS,
  searchBudgetMs: CODE_SEARCH_BUDGET_MS,
  redact: (text) => text,
  ...overrides,
})
