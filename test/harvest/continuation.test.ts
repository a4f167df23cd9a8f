import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { ChasmDb } from '../../src/db'
import { PROVIDERS, type Provider } from '../../src/harvest'
import { openTestDb } from '../support/db'
import { dumpDb, harvestHome } from '../support/harvest'
import { fixtureTree, tempHome } from '../support/temp'
import { fuzzParams } from '../fuzz/support'

/** Split runs per file: each harvests the fixture home several times into two databases. */
const RUNS = Math.max(5, Math.round(Number(process.env.CHASM_FUZZ_RUNS ?? 25) / 3))

const FIXTURES = join(import.meta.dir, '..', 'fixtures')

/** Every JSONL source the provider discovers in its fixture home, as a path below the home. */
async function transcripts(provider: Provider): Promise<string[]> {
  const home = join(FIXTURES, provider.id, 'home')
  const files: string[] = []
  for await (const source of provider.discover({ home, homeOverridden: true, platform: process.platform, env: {} })) {
    if (source.path.endsWith('.jsonl')) files.push(relative(home, source.path))
  }
  return files.sort()
}

/** Counts how each read of the provider went: whole, continued, or asked to continue but read whole instead. */
function counting(provider: Provider) {
  const counts = { whole: 0, continued: 0, reread: 0 }
  const counted: Provider = {
    ...provider,
    read(source, ctx) {
      counts.whole += 1
      return provider.read(source, ctx)
    },
    async *resume(source, ctx, from) {
      let first = true
      for await (const part of provider.resume!(source, ctx, from)) {
        if (first) counts[part.kind === 'reread' ? 'reread' : 'continued'] += 1
        first = false
        yield part
      }
    },
  }
  return { provider: counted, counts }
}

/** What the harvest keeps about each source: problems, sessions and where its next read continues. */
const sourceRows = (db: ChasmDb, home: string) =>
  db.sqlite
    .query<{ key: string; session_ids: string; problems: string; read_offset: number | null; head_hash: string | null; resume_state: string | null }, []>(
      'SELECT key, session_ids, problems, read_offset, head_hash, resume_state FROM harvest_sources ORDER BY key',
    )
    .all()
    .map((row) => ({ ...row, key: relative(home, row.key), resume_state: row.resume_state === null ? null : JSON.parse(row.resume_state) }))

const CONTINUABLE = PROVIDERS.filter((provider) => provider.resume !== undefined)
const CASES = await Promise.all(CONTINUABLE.map(async (provider) => ({ provider, files: await transcripts(provider) })))

describe('continued reads equal whole reads (issue 12)', () => {
  test('the JSONL providers continue reads', () => {
    expect(CONTINUABLE.map((p) => p.id).sort()).toEqual(['claude-code', 'codex', 'copilot-cli', 'gemini-cli', 'pi', 'qwen-code'])
  })

  for (const { provider: base, files } of CASES) {
    for (const file of files) {
      const name = `${base.id}: ${file} harvested as it grows, cut anywhere, equals harvesting it whole`
      test(name, async () => {
        const content = new Uint8Array(readFileSync(join(FIXTURES, base.id, 'home', file)))
        await fc.assert(
          fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: content.length - 1 }), { minLength: 1, maxLength: 8 }), async (cuts) => {
            using home = tempHome(fixtureTree(base.id))
            using growing = openTestDb()
            using whole = openTestDb()
            const { provider, counts } = counting(base)
            const path = join(home.path, file)
            const points = [...cuts.sort((a, b) => a - b), content.length]
            const hasCursor = () => sourceRows(growing, home.path).find((row) => row.key === file)?.read_offset != null
            writeFileSync(path, content.subarray(0, points[0]))
            await harvestHome(growing, [provider], home.path)
            let offered = 0
            for (let i = 1; i < points.length; i++) {
              if (hasCursor()) offered += 1
              appendFileSync(path, content.subarray(points[i - 1], points[i]))
              await harvestHome(growing, [provider], home.path)
            }
            await harvestHome(whole, [base], home.path)
            expect(dumpDb(growing)).toEqual(dumpDb(whole))
            expect(sourceRows(growing, home.path)).toEqual(sourceRows(whole, home.path))
            growing.sqlite.run("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
            // Every growth of a file read with a checkpoint was offered to `resume` (which may read it whole instead).
            expect(counts.continued + counts.reread).toBe(offered)
          }),
          fuzzParams(name, RUNS, 'test/harvest/continuation.test.ts'),
        )
      }, RUNS * 2_000)
    }
  }
})
