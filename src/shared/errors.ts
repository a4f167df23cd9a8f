/** HTTP status of every error code the product can return (docs/api.md). One table for API, CLI and OpenAPI. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  PROVIDER_NOT_CONFIGURED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_ERROR: 500,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/** The one error type core code throws for anything a caller did or can act on. */
export class ChasmError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'ChasmError'
  }

  get status(): number {
    return ERROR_STATUS[this.code]
  }
}

/** Shorthand for a 404 about one entity, e.g. `notFound('Session', id)`. */
export const notFound = (entity: string, id: string) =>
  new ChasmError('NOT_FOUND', `${entity} not found: ${id}`)

/** Shorthand for a 400 that names the offending parameter. */
export const badRequest = (parameter: string, problem: string) =>
  new ChasmError('BAD_REQUEST', `Invalid parameter '${parameter}': ${problem}`)
