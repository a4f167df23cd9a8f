import { Type, type Static } from '@sinclair/typebox'

/** Pagination request after validation. */
export interface PageRequest {
  limit: number
  offset: number
}

/** How a list pages: the page size when none is asked for, and the largest one allowed. */
export interface PageSize {
  default: number
  max: number
}

/** The page sizes of every list, for the API's `limit` and the CLI's `--limit` alike (docs/api.md "Paging"). */
export const PAGE_SIZES = {
  sessions: { default: 50, max: 500 },
  workspaces: { default: 100, max: 1000 },
  recordedSessions: { default: 100, max: 1000 },
  agents: { default: 50, max: 500 },
  swarms: { default: 50, max: 500 },
  runs: { default: 50, max: 500 },
  /** Search returns one page of best results, without an offset. */
  search: { default: 20, max: 100 },
  /** Usage rows: a year of days, every model, or the first sessions by tokens. */
  usage: { default: 1000, max: 10_000 },
} as const satisfies Record<string, PageSize>

/** `meta` of every paginated list. */
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
