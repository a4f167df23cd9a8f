import { Database } from 'bun:sqlite'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Tree } from './temp'

/** A readable fixture file kept beside a provider's fixture home (`test/fixtures/<provider>/<name>`). */
export const fixtureText = (provider: string, name: string): string =>
  readFileSync(join(import.meta.dir, '..', 'fixtures', provider, name), 'utf8')

/** The bytes of a SQLite database built in memory from SQL (to place in a `Tree`). */
export function sqliteBytes(sql: string): Uint8Array {
  const db = new Database(':memory:')
  try {
    db.exec(sql)
    return new Uint8Array(db.serialize())
  } finally {
    db.close()
  }
}

/**
 * The bytes of a VS Code-style key/value database (`state.vscdb`): one
 * `(key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)` table per entry of `tables`. A string value
 * is stored as TEXT exactly as given (so a fixture can hold broken JSON); any other value is stored
 * as UTF-8 JSON in a BLOB, as the editors do. Rows are inserted in the order given.
 */
export function kvStoreBytes(tables: Record<string, Record<string, unknown>>): Uint8Array {
  const db = new Database(':memory:')
  try {
    for (const [table, rows] of Object.entries(tables)) {
      db.run(`CREATE TABLE ${table} (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)`)
      const insert = db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?)`)
      for (const [key, value] of Object.entries(rows)) {
        insert.run(key, typeof value === 'string' ? value : new TextEncoder().encode(JSON.stringify(value)))
      }
    }
    return new Uint8Array(db.serialize())
  } finally {
    db.close()
  }
}

/** A copy of `tree` with files added at `/`-separated paths (e.g. built databases). */
export function withFiles(tree: Tree, files: Record<string, string | Uint8Array>): Tree {
  const copy: Tree = structuredClone(tree)
  for (const [path, content] of Object.entries(files)) {
    const parts = path.split('/')
    let dir = copy
    for (const part of parts.slice(0, -1)) {
      const next = dir[part]
      if (next === undefined || typeof next === 'string' || next instanceof Uint8Array) dir[part] = {}
      dir = dir[part] as Tree
    }
    dir[parts.at(-1)!] = content
  }
  return copy
}
