import { Type } from '@sinclair/typebox'

/** An optional integer query parameter with bounds and a default (strings are coerced by Elysia). */
export const IntParam = (min: number, max: number | null, fallback: number, description: string) =>
  Type.Optional(
    Type.Integer({ minimum: min, ...(max === null ? {} : { maximum: max }), default: fallback, description }),
  )

/** A non-empty string query parameter. */
export const TextParam = (description: string) => Type.Optional(Type.String({ minLength: 1, description }))
