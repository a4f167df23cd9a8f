import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { runChasm } from '../support/cli'
import { fixtureTree, tempDir, tempHome } from '../support/temp'

async function harvested(dir: string) {
  using home = tempHome({ ...fixtureTree('claude-code'), ...fixtureTree('codex') })
  const db = join(dir, 'chasm.db')
  expect((await runChasm(['harvest', 'run', '--home', home.path, '--db', db])).code).toBe(0)
  return db
}

describe('chasm usage', () => {
  test('a table per day with a total, other groupings, filters and JSON', async () => {
    using dir = tempDir()
    const db = await harvested(dir.path)
    const days = await runChasm(['usage', '--db', db])
    expect(days.code).toBe(0)
    expect(days.stdout.split('\n')[0]).toMatch(/^DAY +SESSIONS +MESSAGES +INPUT +OUTPUT +CACHE READ +CACHE WRITE +COST$/)
    expect(days.stdout).toMatch(/\ntotal +\d+ +\d+ +\d+ +\d+ +\d+ +\$\d+\.\d\d\n/)
    const json = JSON.parse((await runChasm(['usage', '--db', db, '--by', 'provider', '--json'])).stdout).data
    expect(json.map((row: any) => row.key).sort()).toEqual(['claude-code', 'codex'])
    const codex = JSON.parse((await runChasm(['usage', '--db', db, '--by', 'session', '--provider', 'codex', '--since', '2026-02-01', '--until', '2026-02-28', '--json'])).stdout).data
    expect(codex.map((row: any) => [row.key, row.label])).toEqual([['01952f3a-7b6c-7d8e-9f01-23456789abcd', 'Healthcheck route']])
    const sessions = await runChasm(['usage', '--db', db, '--by', 'session'], { COLUMNS: '200' })
    expect(sessions.stdout).toContain('Healthcheck route (01952f3a-7b6c-7d8e-9f01-23456789abcd)')
  })

  test('--prices replaces the table; a model it does not price shows no cost and is named', async () => {
    using dir = tempDir()
    const db = await harvested(dir.path)
    const prices = join(dir.path, 'prices.json')
    await Bun.write(prices, JSON.stringify({ asOf: '2026-12-01', models: [{ id: 'gpt-5-codex', input: 1000, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }] }))
    const rows = JSON.parse((await runChasm(['usage', '--db', db, '--by', 'model', '--prices', prices, '--json'])).stdout).data
    // 4,420 + 604 uncached input tokens at $1,000 per million.
    expect(rows.find((row: any) => row.key === 'gpt-5-codex').costUsd).toBe(5.024)
    expect(rows.find((row: any) => row.key === 'gpt-5.3-codex')).toMatchObject({ costUsd: null, unpricedModels: ['gpt-5.3-codex'] })
    const table = await runChasm(['usage', '--db', db, '--by', 'model', '--prices', prices])
    expect(table.stdout).toContain('No price for: ')
    expect(table.stdout).toContain('gpt-5.3-codex')
  })

  test('a bad price file, date or grouping is one line on stderr and exit 2', async () => {
    using dir = tempDir()
    const db = await harvested(dir.path)
    await Bun.write(join(dir.path, 'bad.json'), '{"asOf":"2026-12-01","models":[{"id":"x"}]}')
    const cases: [string[], RegExp][] = [
      [['--prices', join(dir.path, 'missing.json')], /^chasm: cannot read price file .*missing\.json: ENOENT\n$/],
      [['--prices', join(dir.path, 'bad.json')], /^chasm: price file .*bad\.json is not a price table: \/models\/0\/input: .+\n$/],
      [['--since', '2026-13-01'], /^chasm: Invalid parameter '--since': must be a date as YYYY-MM-DD \(got "2026-13-01"\)\n$/],
      [['--since', '2026-03-01', '--until', '2026-02-01'], /^chasm: Invalid parameter '--since': 2026-03-01 is after --until 2026-02-01\n$/],
    ]
    for (const [args, message] of cases) {
      const run = await runChasm(['usage', '--db', db, ...args])
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 2, stderr: expect.stringMatching(message) })
    }
    const grouping = await runChasm(['usage', '--db', db, '--by', 'week'])
    expect(grouping.code).toBe(2)
    const serve = await runChasm(['api', 'serve', '--db', db, '--port', '0', '--no-harvest', '--prices', join(dir.path, 'bad.json')])
    expect([serve.code, serve.stderr.split('\n').length]).toEqual([2, 2])
    expect(serve.stderr).toStartWith('chasm: price file ')
  })
})
