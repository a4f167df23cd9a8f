import type { SQLiteTable } from 'drizzle-orm/sqlite-core'

/** A value as bun:sqlite returns it: SQLite stores booleans as 0 and 1. */
type Stored<V> = V extends boolean ? number : V

/**
 * A table's row as raw SQL returns it, derived from the drizzle schema (`$inferSelect`): the
 * schema's column names (`workspace_id`, not drizzle's `workspaceId`), booleans as 0/1. Queries
 * stay prepared bun:sqlite statements; only their row types come from here.
 */
export type StoredRow<T extends SQLiteTable> = {
  [K in keyof T['_']['columns'] & keyof T['$inferSelect'] as T['_']['columns'][K]['_']['name']]: Stored<T['$inferSelect'][K]>
}

/** The columns of a row read through a LEFT JOIN: each may be null when no row matched. */
export type Joined<Row> = { [K in keyof Row]: Row[K] | null }

/** A column list for SQL from the keys that also type its rows: `['pk', 'id']` → `'pk, id'`, with a table alias if given. */
export const columnList = (keys: readonly string[], alias?: string): string => keys.map((key) => (alias ? `${alias}.${key}` : key)).join(', ')
