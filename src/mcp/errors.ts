import { ErrorCode } from '@modelcontextprotocol/sdk/types.js'
import { redactText } from '../redact'
import { ChasmError } from '../shared/errors'
import type { Logger } from '../shared/log'

/** MCP's code for a resource that does not exist. */
export const RESOURCE_NOT_FOUND = -32002

/**
 * A JSON-RPC error answer. The SDK sends an error's `code` and `message` as they are (its own
 * `McpError` would prefix the message, and clients prefix it again).
 */
export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message)
    this.name = 'ProtocolError'
  }
}

/**
 * A request handler that answers every failure with a proper JSON-RPC error: its own protocol
 * errors as they are, a caller's mistake as invalid params, anything else logged and answered
 * with a generic internal error (no path or stack leaves the server). Messages are redacted.
 */
export const guarded =
  <A extends unknown[], R>(log: Logger, what: string, handler: (...args: A) => R | Promise<R>) =>
  async (...args: A): Promise<R> => {
    try {
      return await handler(...args)
    } catch (error) {
      if (error instanceof ProtocolError) throw new ProtocolError(error.code, redactText(error.message), error.data)
      if (error instanceof ChasmError) throw new ProtocolError(ErrorCode.InvalidParams, redactText(error.message))
      log.error(`mcp: ${what} failed`, error)
      throw new ProtocolError(ErrorCode.InternalError, `${what} failed with an internal error; the server log has the details`)
    }
  }
