import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { ERROR_STATUS } from '../shared/errors'
import { PageMeta, type Page as DataPage } from '../db'

/** `{ success: true, data }` around a schema, for route response declarations. */
export const Ok = <T extends TSchema>(data: T) => Type.Object({ success: Type.Literal(true), data })

/** `{ success: true, data: [...], meta }` for paginated lists. */
export const Paged = <T extends TSchema>(item: T) =>
  Type.Object({ success: Type.Literal(true), data: Type.Array(item), meta: PageMeta })

/** The error envelope (docs/api.md, "Envelope"). */
export const ErrorBody = Type.Object({
  success: Type.Literal(false),
  error: Type.Object({
    code: Type.Union(Object.keys(ERROR_STATUS).map((code) => Type.Literal(code))),
    message: Type.String(),
  }),
})
export type ErrorBody = Static<typeof ErrorBody>

/** Wraps data in the success envelope. */
export const ok = <T>(data: T) => ({ success: true as const, data })

/** Wraps a page of items in the paginated success envelope. */
export const paged = <T>({ items, meta }: DataPage<T>) => ({ success: true as const, data: items, meta })

/** The error responses every route can produce, for OpenAPI. */
export const COMMON_ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody, 500: ErrorBody }
