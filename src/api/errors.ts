import { Elysia, ValidationError } from 'elysia'
import { storageProblem } from '../db'
import { ChasmError, ERROR_STATUS, type ErrorCode } from '../shared/errors'
import type { Logger } from '../shared/log'
import { expectation } from '../shared/validation'

/** The JSON response for an error envelope. */
export function errorResponse(code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ success: false, error: { code, message } }), {
    status: ERROR_STATUS[code],
    headers: { 'content-type': 'application/json', ...headers },
  })
}

const WHERE: Record<string, string> = { query: 'query parameter', params: 'path parameter', body: 'body field', headers: 'header' }

/** Turns a schema validation failure into one sentence naming the offending parameter. */
export function describeValidation(error: ValidationError): string {
  const first = error.valueError
  if (error.type === 'body' && (error.value === undefined || error.value === null || error.value === '')) {
    return 'Request body is required (JSON)'
  }
  if (!first) return `Invalid ${WHERE[error.type] ?? error.type}`
  const name = first.path.replace(/^\//, '').replaceAll('/', '.')
  const where = WHERE[error.type] ?? error.type
  // TypeBox reports an unknown property at its own path (`/extra`), with the property's value.
  if (first.type === 42 /* ObjectAdditionalProperties */ || /additional/i.test(first.message)) {
    return name ? `Unknown ${where} '${name}'` : `Invalid ${where === 'body field' ? 'request body' : where}: unknown field`
  }
  if (!name) return `Invalid ${where === 'body field' ? 'request body' : where}: ${first.message.toLowerCase()}`
  if (first.value === undefined) return `Missing required ${where} '${name}'`
  const expected = expectation(first.schema, first.value) ?? first.message.toLowerCase()
  return `Invalid ${where} '${name}': ${expected} (got ${JSON.stringify(first.value)?.slice(0, 80)})`
}

/**
 * The one error handler: ChasmError, validation and parse failures, unknown routes and wrong
 * methods become the error envelope (docs/api.md, "Errors"). A failure of the database file (disk full, locked, replaced,
 * damaged) is a 500 that says so; anything else is logged and answered with a generic 500.
 */
export const errorHandling = (log: Logger, methodsForPath: (path: string) => string[]) =>
  new Elysia({ name: 'chasm-errors' }).onError({ as: 'global' }, ({ error, code, request }) => {
    if (error instanceof ChasmError) return errorResponse(error.code, error.message)
    if (error instanceof ValidationError) return errorResponse('BAD_REQUEST', describeValidation(error))
    if (code === 'PARSE') {
      // Elysia wraps what the body parser threw (size and depth limits) in its own ParseError.
      const cause = (error as Error).cause
      return cause instanceof ChasmError ? errorResponse(cause.code, cause.message) : errorResponse('BAD_REQUEST', 'Malformed JSON in request body')
    }
    if (code === 'NOT_FOUND') {
      const path = new URL(request.url).pathname
      const allowed = methodsForPath(path)
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        return errorResponse('METHOD_NOT_ALLOWED', `Method ${request.method} not allowed on ${path}`, {
          allow: allowed.join(', '),
        })
      }
      return errorResponse('NOT_FOUND', `Route not found: ${request.method} ${path}`)
    }
    if (code === 'INVALID_COOKIE_SIGNATURE' || code === 'INVALID_FILE_TYPE') {
      return errorResponse('BAD_REQUEST', (error as Error).message)
    }
    const storage = storageProblem(error)
    if (storage) {
      log.error(`${request.method} ${request.url}: ${storage}`, error)
      return errorResponse('INTERNAL_ERROR', storage)
    }
    log.error(`unhandled error on ${request.method} ${request.url}`, error)
    return errorResponse('INTERNAL_ERROR', 'Internal server error')
  })
