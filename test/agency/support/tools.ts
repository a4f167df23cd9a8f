import { realpathSync } from 'node:fs'
import type { ToolContext } from '../../../src/agency/tools'

/** A tool context on `workspace` (made real, as the engine does) with everything refused unless overridden. */
export const toolContext = (workspace: string, overrides: Partial<ToolContext> = {}): ToolContext => ({
  workspace: realpathSync(workspace),
  signal: new AbortController().signal,
  allowTerminal: false,
  allowHttp: false,
  env: { PATH: process.env.PATH },
  fetch: (input, init) => fetch(input, init),
  ...overrides,
})
