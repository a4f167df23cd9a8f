import { Type, type TNull, type TSchema, type TUnion } from '@sinclair/typebox'

/** A time in the API: an ISO-8601 UTC string (`2026-01-08T12:00:00.000Z`); `Nullable(IsoTime)` where it may be unknown. */
export const IsoTime = Type.String({ format: 'date-time' })

/** `schema` or null: a value the source may not have recorded (never omitted). */
export const Nullable = <T extends TSchema>(schema: T, options?: { description?: string }): TUnion<[T, TNull]> => Type.Union([schema, Type.Null()], options)
