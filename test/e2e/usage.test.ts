import { beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { compiledBinary, serveBinary } from '../support/binary'
import { allFixturesHome } from '../support/fixture-home'
import { tempDir } from '../support/temp'

let binary: string
beforeAll(async () => {
  binary = await compiledBinary()
}, 120_000)

describe('usage through the compiled binary', () => {
  test('harvest the fixtures of every assistant, then usage from the CLI and from the API with --prices', async () => {
    using dir = tempDir()
    using home = allFixturesHome()
    const db = join(dir.path, 'chasm.db')
    expect(Bun.spawnSync([binary, 'harvest', 'run', '--home', home.path, '--db', db]).exitCode).toBe(0)

    const cli = Bun.spawnSync([binary, 'usage', '--by', 'provider', '--db', db, '--json'])
    expect(cli.exitCode).toBe(0)
    const byProvider = Object.fromEntries((JSON.parse(cli.stdout.toString()).data as any[]).map((row) => [row.key, row]))
    expect(Object.keys(byProvider)).toEqual(expect.arrayContaining(['claude-code', 'cline', 'codex', 'copilot-cli', 'gemini-cli']))
    expect(byProvider.codex).toMatchObject({ sessions: 2, messages: 4, costUsd: expect.any(Number) })

    const prices = join(dir.path, 'prices.json')
    await Bun.write(prices, JSON.stringify({ asOf: '2026-12-01', models: [{ id: 'gpt-5-codex', input: 1000, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }] }))
    await using server = await serveBinary(binary, ['--db', db, '--no-harvest', '--prices', prices])
    const body = (await (await fetch(`${server.url}/api/usage?groupBy=model&provider=codex`)).json()) as any
    expect(body.data.find((row: any) => row.key === 'gpt-5-codex').costUsd).toBe(5.024)
    expect(body.data.find((row: any) => row.key === 'gpt-5.3-codex')).toMatchObject({ costUsd: null, unpricedModels: ['gpt-5.3-codex'] })
    const bad = await fetch(`${server.url}/api/usage?groupBy=week`)
    expect([bad.status, ((await bad.json()) as any).error.code]).toEqual([400, 'BAD_REQUEST'])

    const refused = Bun.spawnSync([binary, 'api', 'serve', '--db', db, '--port', '0', '--no-harvest', '--prices', join(dir.path, 'none.json')])
    expect([refused.exitCode, refused.stderr.toString()]).toEqual([2, `chasm: cannot read price file ${join(dir.path, 'none.json')}: ENOENT\n`])
  }, 60_000)
})
