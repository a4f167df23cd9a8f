import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { describeValueError, fieldPath } from '../../shared/validation'
import type { ToolName } from '../model'
import type { Destinations } from './net/destinations'
import { ToolError } from './tool-error'

export { ToolError }

/** What a tool may touch during one run: the workspace, the run's abort signal, and what the server allows. */
export interface ToolContext {
  /** The run's workspace, a real (symlink-free) absolute path. */
  workspace: string
  signal: AbortSignal
  allowTerminal: boolean
  allowHttp: boolean
  /** Environment for child processes: the allowlist of ./environment.ts, nothing secret. */
  env: Record<string, string>
  /** Where `http_request` may connect (public addresses only, unless a test says otherwise). */
  destinations: Destinations
  /** How long one `code_search` may run. */
  searchBudgetMs: number
  /** Masks the server's secrets in a tool's output before the model, the run steps or the recording see it. */
  redact: (text: string) => string
}

/** The contract of every tool: a name, a description and TypeBox parameters for the model, and `run`. */
export interface Tool<P extends TSchema = TSchema> {
  readonly name: ToolName
  readonly description: string
  readonly parameters: P
  /** Returns the text handed back to the model; throws ToolError for a refusal or failure the model should see. */
  run(args: Static<P>, context: ToolContext): Promise<string>
}

/** The outcome of one tool call as the model will see it. */
export interface ToolOutcome {
  ok: boolean
  output: string
}

/** Defines a tool with its parameter types inferred from the schema. */
export const defineTool = <P extends TSchema>(tool: Tool<P>): Tool => tool as unknown as Tool

/** Validates the model's arguments and runs the tool; any refusal or error becomes `{ok: false}` with the reason. */
export async function runTool(tool: Tool, args: unknown, context: ToolContext): Promise<ToolOutcome> {
  if (!Value.Check(tool.parameters, args)) {
    const first = Value.Errors(tool.parameters, args).First()
    const field = first ? fieldPath(first.path) : ''
    const problem = first ? describeValueError(first) : 'does not match the schema'
    return { ok: false, output: field ? `invalid argument '${field}' for ${tool.name}: ${problem}` : `invalid arguments for ${tool.name}: ${problem}` }
  }
  try {
    return { ok: true, output: context.redact(await tool.run(args, context)) }
  } catch (error) {
    // An abort of the run is not a tool error: let the engine see it.
    if (context.signal.aborted) throw context.signal.reason
    return { ok: false, output: context.redact(error instanceof Error ? error.message : String(error)) }
  }
}
