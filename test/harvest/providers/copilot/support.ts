import { Database } from 'bun:sqlite'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtureTree, type Tree } from '../../../support/temp'

/**
 * A serialized `state.vscdb` holding the given `ItemTable` rows (TEXT or BLOB values). VS Code's
 * state databases cannot be hand-written text, so tests build them with bun:sqlite.
 */
export function stateDb(rows: Record<string, string | Uint8Array> | [string, string | Uint8Array][]): Uint8Array {
  const db = new Database(':memory:')
  db.run('CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)')
  const insert = db.prepare('INSERT INTO ItemTable (key, value) VALUES (?, ?)')
  for (const [key, value] of Array.isArray(rows) ? rows : Object.entries(rows)) insert.run(key, value)
  const bytes = db.serialize()
  db.close()
  return bytes
}

/** The rows of a `state.vscdb` kept as JSON in `test/fixtures/copilot/state/<name>.json` (each value stored as VS Code stores it: JSON text). */
export function stateDbFixture(name: string): Uint8Array {
  const rows = JSON.parse(readFileSync(join(import.meta.dir, '..', '..', '..', 'fixtures', 'copilot', 'state', `${name}.json`), 'utf8')) as Record<string, unknown>
  return stateDb(Object.fromEntries(Object.entries(rows).map(([key, value]) => [key, JSON.stringify(value)])))
}

/** Deep-merges trees (`b` wins on files). */
export function mergeTrees(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a }
  for (const [name, value] of Object.entries(b)) {
    const existing = out[name]
    const isDir = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !(v instanceof Uint8Array)
    out[name] = isDir(existing) && isDir(value) ? mergeTrees(existing, value) : value
  }
  return out
}

/** A tree holding one file at a slash-separated path. */
export const fileAt = (path: string, content: string | Uint8Array): Tree =>
  path
    .split('/')
    .reverse()
    .reduce<Tree | string | Uint8Array>((inner, name) => ({ [name]: inner }), content) as Tree

/** The workspace storage folder of the `versions` fixture home. */
export const VERSIONS_STORAGE = '.config/Code/User/workspaceStorage/4d5e6f708192a3b4c5d6e7f8091a2b3c'

/**
 * A home with sessions in the shapes each VS Code generation writes (`test/fixtures/copilot/versions`)
 * and the `state.vscdb` files beside them, built from `test/fixtures/copilot/state`.
 */
export const versionsHome = (): Tree =>
  [
    fileAt(`${VERSIONS_STORAGE}/state.vscdb`, stateDbFixture('workspace')),
    fileAt('.config/Code/User/globalStorage/state.vscdb', stateDbFixture('global')),
  ].reduce(mergeTrees, fixtureTree('copilot', 'versions'))
