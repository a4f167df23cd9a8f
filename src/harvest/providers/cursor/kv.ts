import type { Database } from 'bun:sqlite'
import { decodeValue } from '../../read/sqlite-source'

/** Values larger than this (Cursor bubbles reach tens of MB) are reported instead of loaded. */
const MAX_VALUE_BYTES = 256 * 1024 * 1024

/** One key of an `ItemTable`/`cursorDiskKV` table, parsed; `problem` says why it could not be. */
export type KvValue = { found: false } | { found: true; value: unknown } | { found: true; problem: string }

/** Reads single keys of a key/value table lazily: one value in memory at a time, size-checked before loading. */
export function kvReader(db: Database, table: 'ItemTable' | 'cursorDiskKV') {
  const get = db.query<{ value: unknown; bytes: number | null }, [string, number]>(
    `SELECT CASE WHEN octet_length(value) <= ?2 THEN value END AS value, octet_length(value) AS bytes FROM ${table} WHERE key = ?1`,
  )
  return (key: string): KvValue => {
    const row = get.get(key, MAX_VALUE_BYTES)
    if (!row) return { found: false }
    // Cursor leaves NULL values behind (e.g. the composerData of a tab that never got a message): nothing, not a problem.
    if (row.bytes === null) return { found: true, value: null }
    if (row.bytes > MAX_VALUE_BYTES) return { found: true, problem: `${key}: value of ${row.bytes} bytes skipped` }
    const text = decodeValue(row.value)
    if (text === null) return { found: true, problem: `${key}: not text` }
    try {
      return { found: true, value: JSON.parse(text) }
    } catch {
      return { found: true, problem: `${key}: invalid JSON` }
    }
  }
}

/** The bounds of a key prefix for an index range scan (`LIKE` cannot use the key index). */
export const prefixRange = (prefix: string): [string, string] => [prefix, prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)]
