import type { Database } from 'bun:sqlite'
import type { Static, TObject } from '@sinclair/typebox'

/** What the MCP server reads from: the database, and its file path (for the size in `get_stats`). */
export interface McpContext {
  sqlite: Database
  dbPath: string
}

/**
 * One read-only MCP tool: its name and descriptions for the model, TypeBox schemas for its
 * arguments and its structured result (published as JSON Schema; arguments are checked against
 * the first), and the function that answers. It throws `ChasmError` for anything the caller can fix.
 */
export interface McpTool<I extends TObject = TObject, O extends TObject = TObject> {
  name: string
  title: string
  description: string
  input: I
  output: O
  run(context: McpContext, args: Static<I>): Static<O>
}

/**
 * Declares a tool, its argument and result types tied to its schemas. The server keeps tools in one
 * list and calls `run` only with arguments checked against that tool's own `input`, which is what
 * makes widening the argument type here sound.
 */
export const defineTool = <I extends TObject, O extends TObject>(tool: McpTool<I, O>): McpTool => tool as unknown as McpTool
