import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A nested description of files: a string or bytes is a file's content, an object a directory. */
export interface Tree {
  [name: string]: string | Uint8Array | Tree
}

/** A temporary directory removed on dispose (`using dir = tempDir()`). */
export function tempDir(prefix = 'chasm-test-'): { path: string; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) }
}

/** Writes `tree` under `root`. */
export function writeTree(root: string, tree: Tree): void {
  for (const [name, value] of Object.entries(tree)) {
    const path = join(root, name)
    if (typeof value === 'string' || value instanceof Uint8Array) {
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, value)
    } else {
      mkdirSync(path, { recursive: true })
      writeTree(path, value)
    }
  }
}

/** A temporary home built from `tree`, removed on dispose. */
export function tempHome(tree: Tree = {}) {
  const dir = tempDir('chasm-home-')
  writeTree(dir.path, tree)
  return dir
}

/** Sets a file's mtime (seconds or Date), for fingerprint tests. */
export const touch = (path: string, time: Date) => utimesSync(path, time, time)

/** Reads a directory (e.g. a fixture home under `test/fixtures/`) into a `Tree`. */
export function readTree(root: string): Tree {
  const tree: Tree = {}
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name)
    tree[entry.name] = entry.isDirectory() ? readTree(path) : new Uint8Array(readFileSync(path))
  }
  return tree
}

/** The fixture home of a provider, `test/fixtures/<provider>/home`, as a `Tree`. */
export const fixtureTree = (provider: string, name = 'home'): Tree =>
  readTree(join(import.meta.dir, '..', 'fixtures', provider, name))
