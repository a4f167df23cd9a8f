import { Type, type TLiteral, type TUnion } from '@sinclair/typebox'

/**
 * Every closed set of values stored in the database, declared once: the drizzle columns
 * (`src/db/schema.ts`) and the TypeBox API schemas (`src/db/queries/*`) are both built from these.
 */

/** Who wrote a message. */
export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'tool'] as const

/** How a message's turn ended: `pending` was still being written when the source was read. */
export const MESSAGE_STATES = ['complete', 'cancelled', 'failed', 'pending'] as const

/** Where a session came from. */
export const SESSION_ORIGINS = ['harvest', 'recording', 'agency'] as const

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> }

/** The TypeBox union of one of the sets above, so API schemas are built from the same declaration. */
export const literalUnion = <const T extends readonly [string, ...string[]]>(values: T, options?: { description?: string }): TUnion<Literals<T>> =>
  // `Array.map` widens each literal to string; the declared tuple type restores them.
  Type.Union(values.map((value) => Type.Literal(value)), options) as TUnion<Literals<T>>
