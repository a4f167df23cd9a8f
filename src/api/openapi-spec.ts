import type { TSchema } from '@sinclair/typebox'
import type { DocumentDecoration } from 'elysia'
import { ErrorBody } from './envelope'

/** The parts of an OpenAPI document this module reads and completes. */
interface Operation {
  security?: Record<string, string[]>[]
  responses?: Record<string, unknown>
  [key: string]: unknown
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>
  components?: Record<string, unknown>
  [key: string]: unknown
}

/** Paths anyone may call, token or not (docs/security.md, "Public paths"). */
const PUBLIC_OPERATIONS = new Set(['get /api/health'])

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } })

// Every operation can answer these, whatever its own schemas say: the guard runs before any route.
const GUARD_RESPONSES: Record<string, string> = {
  '400': 'Bad request: a malformed target, Host header or parameter (the message names it)',
  '401': 'Missing or invalid bearer token',
  '403': 'Origin, Sec-Fetch-Site or Host not allowed',
  '500': 'Internal error (logged on the server; the message is generic)',
}

const OTHER_ERRORS: Record<string, string> = {
  '404': 'Not found: unknown id or route',
  '409': 'Conflict: a duplicate name, an illegal state change, or an entity in use',
  '413': 'Request body over 10 MiB',
  '415': 'Request body is not JSON',
}

/**
 * Completes the generated document (Elysia already names each operation) so tools accept it: the
 * security each one needs (bearer, or none on loopback; none for the public health check), the
 * error envelope as a named schema on every operation's 4xx/5xx answers, and the server it came from.
 */
export function completeSpec(spec: OpenApiDocument, serverUrl: string): OpenApiDocument {
  const paths: NonNullable<OpenApiDocument['paths']> = {}
  for (const [path, operations] of Object.entries(spec.paths ?? {})) {
    paths[path] = {}
    for (const [method, operation] of Object.entries(operations)) {
      const responses = { ...operation.responses }
      for (const [status, description] of Object.entries(GUARD_RESPONSES)) {
        responses[status] = status in responses && !isErrorBody(responses[status]) ? responses[status] : errorResponse(description)
      }
      for (const status of Object.keys(responses).filter((code) => /^[45]/.test(code) && !(code in GUARD_RESPONSES))) {
        responses[status] = errorResponse(OTHER_ERRORS[status] ?? `Error (${status})`)
      }
      const isPublic = PUBLIC_OPERATIONS.has(`${method} ${path}`)
      paths[path]![method] = {
        ...operation,
        ...(isPublic ? { security: [] } : {}),
        responses,
      }
    }
  }
  return {
    ...spec,
    servers: [{ url: serverUrl, description: 'this chasm server' }],
    security: [{ bearer: [] }, {}],
    paths,
    components: { ...spec.components, schemas: { ...(spec.components?.schemas as object), ErrorBody } },
  }
}

/** True for a response whose body is the error envelope (inline as generated, or already a reference). */
function isErrorBody(response: unknown): boolean {
  const schema = (response as { content?: Record<string, { schema?: { properties?: { error?: unknown }; $ref?: string } }> })?.content?.['application/json']?.schema
  return schema?.$ref === '#/components/schemas/ErrorBody' || (schema?.properties?.error !== undefined && schema.properties !== undefined)
}

type ResponseObject = NonNullable<DocumentDecoration['responses']>[string]

/**
 * An OpenAPI response with a JSON body of `schema`, for a route that documents its answer without
 * validating it per request. TypeBox writes JSON Schema 2020-12, which OpenAPI 3.1 uses; Elysia's
 * types describe OpenAPI 3.0 schema objects, hence the one conversion here.
 */
export const jsonResponse = (schema: TSchema, description: string): ResponseObject =>
  ({ description, content: { 'application/json': { schema } } }) as unknown as ResponseObject
