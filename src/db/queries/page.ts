import { Type, type Static } from '@sinclair/typebox'

/** Pagination request after validation. */
export interface PageRequest {
  limit: number
  offset: number
}

/** `meta` of every paginated list (SPEC §3). */
export const PageMeta = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  limit: Type.Integer({ minimum: 1 }),
  offset: Type.Integer({ minimum: 0 }),
})
export type PageMeta = Static<typeof PageMeta>

/** A page of items plus its meta. */
export interface Page<T> {
  items: T[]
  meta: PageMeta
}

/** Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`. */
export const likeContains = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
