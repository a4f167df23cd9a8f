import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Provider, ProviderContext, SessionPart } from '../../src/harvest'
import { openTestDb } from '../support/db'
import { harvestHome } from '../support/harvest'
import { tempHome, type Tree } from '../support/temp'

const ROLES = new Set(['user', 'assistant', 'system', 'tool'])

/** Every file under `root` with its bytes' hash and mtime, to prove a harvest changed nothing. */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) {
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex')
        out[relative(root, path)] = `${hash}:${statSync(path).mtimeMs}`
      }
    }
  }
  walk(root)
  return out
}

const contextFor = (home: string): ProviderContext => ({ home, homeOverridden: true, platform: process.platform, env: {} })

async function readAll(provider: Provider, home: string): Promise<SessionPart[]> {
  const ctx = contextFor(home)
  const parts: SessionPart[] = []
  for await (const source of provider.discover(ctx)) for await (const part of provider.read(source, ctx)) parts.push(part)
  return parts
}

/**
 * The shared suite every provider passes: detection, read-only harvesting, stable ids, sane parts,
 * tolerance of garbage. `fixture` is a home tree with real-shaped data; `garbage` the same layout
 * with corrupt files (the provider must not throw and must report problems).
 */
export function providerContract(provider: Provider, fixtures: { fixture: Tree; garbage?: Tree }) {
  describe(`provider contract: ${provider.id}`, () => {
    test('an empty home detects nothing and discovers nothing', async () => {
      using home = tempHome({})
      expect(await provider.locate(contextFor(home.path))).toEqual([])
      expect(await readAll(provider, home.path)).toEqual([])
    })

    test('the fixture is detected and its paths are under the home', async () => {
      using home = tempHome(fixtures.fixture)
      const paths = await provider.locate(contextFor(home.path))
      expect(paths.length).toBeGreaterThan(0)
      for (const path of paths) expect(path.startsWith(home.path)).toBe(true)
    })

    if (provider.kind === 'detect-only') return

    test('parts are well-formed and session ids are stable across reads', async () => {
      using home = tempHome(fixtures.fixture)
      const first = await readAll(provider, home.path)
      const second = await readAll(provider, home.path)
      expect(second).toEqual(first)
      expect(first[0]?.kind).toBe('session')
      for (const part of first) {
        if (part.kind === 'message') {
          expect(ROLES.has(part.message.role)).toBe(true)
          expect(typeof part.message.content).toBe('string')
        }
      }
    })

    test('harvesting changes no byte or mtime and leaves no SQLite side files', async () => {
      using home = tempHome(fixtures.fixture)
      using db = openTestDb()
      const before = snapshotTree(home.path)
      await harvestHome(db, [provider], home.path)
      expect(snapshotTree(home.path)).toEqual(before)
    })

    if (fixtures.garbage) {
      const garbage = fixtures.garbage
      test('corrupt sources never throw and are reported as problems', async () => {
        using home = tempHome(garbage)
        using db = openTestDb()
        const summary = await harvestHome(db, [provider], home.path)
        expect(summary.providers[0]!.problems.length).toBeGreaterThan(0)
      })
    }
  })
}
