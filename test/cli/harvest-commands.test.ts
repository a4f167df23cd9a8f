import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { runChasm } from '../support/cli'
import { allFixturesHome } from '../support/fixture-home'
import { tempDir } from '../support/temp'

describe('chasm harvest scan|run|status', () => {
  test('scan, run, re-run and status over every fixture home', async () => {
    using home = allFixturesHome()
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    const args = ['--home', home.path, '--db', db, '--json']

    const json = async (argv: string[]) => JSON.parse((await runChasm(argv)).stdout).data
    const scan = (await json(['harvest', 'scan', ...args])) as any[]
    const byId = Object.fromEntries(scan.map((e) => [e.provider, e]))
    expect(byId['claude-code']).toMatchObject({ detected: true, sources: 7, new: 7, changed: 0, unchanged: 0 })
    expect(byId.windsurf).toMatchObject({ kind: 'detect-only', detected: true, sources: 0 })

    const run = await runChasm(['harvest', 'run', ...args])
    expect(run.code).toBe(0)
    const summary = JSON.parse(run.stdout).data
    // Issue 15: the API's ISO times, not epoch milliseconds.
    expect([summary.startedAt, summary.endedAt].every((time: unknown) => typeof time === 'string' && new Date(time).toISOString() === time)).toBe(true)
    const sessions = summary.providers.reduce((n: number, p: any) => n + p.sessions, 0)
    expect(sessions).toBeGreaterThanOrEqual(40)
    expect(summary.providers.every((p: any) => p.skipped === 0)).toBe(true)

    const again = await json(['harvest', 'run', ...args])
    expect(again.providers.every((p: any) => p.harvested === 0 && p.skipped === p.sources)).toBe(true)
    // Issue 15: a re-run reads nothing, and still says what the database holds.
    expect(again.providers.map((p: any) => p.database.sessions)).toEqual(summary.providers.map((p: any) => p.database.sessions))
    expect(again.providers.find((p: any) => p.provider === 'claude-code')).toMatchObject({ detected: true, harvested: 0, database: { sessions: expect.any(Number) } })

    const rescan = (await json(['harvest', 'scan', ...args])) as any[]
    expect(rescan.every((e) => e.new === 0 && e.changed === 0)).toBe(true)

    const status = await json(['harvest', 'status', ...args])
    expect(status.runs).toHaveLength(2)
    expect(status.runs[0]).toMatchObject({ status: 'completed', problems: 0, error: null })
    expect(status.providers.map((p: any) => p.provider)).toContain('claude-code')

    const stats = await json(['stats', '--db', db, '--json'])
    expect(stats.totalSessions).toBe(sessions)
    expect(stats.lastHarvestAt).not.toBeNull()

    const table = await runChasm(['harvest', 'run', '--home', home.path, '--db', db])
    expect(table.stdout).toContain('PROVIDER')
    expect(table.stdout).toContain('Harvest completed')
    expect(table.stdout).toMatch(/\nthis run: +0 of \d+ source\(s\) read, \d+ unchanged; 0 session\(s\) written\n/)
    expect(table.stdout).toContain(`in the database:  ${sessions} session(s)`)
  })

  test('--provider limits the run; an unknown provider is a usage error', async () => {
    using home = allFixturesHome()
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    const only = JSON.parse((await runChasm(['harvest', 'run', '--home', home.path, '--db', db, '--json', '--provider', 'codex', '--provider', 'aider'])).stdout).data
    expect(only.providers.map((p: any) => p.provider)).toEqual(['codex', 'aider'])
    const bad = await runChasm(['harvest', 'run', '--home', home.path, '--db', db, '--provider', 'nope'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toStartWith('chasm: unknown provider nope (known: copilot, claude-code')
  })

  test('a progress bar on a terminal, none when piped', async () => {
    using home = allFixturesHome()
    using dir = tempDir()
    const tty = await runChasm(['harvest', 'run', '--home', home.path, '--db', join(dir.path, 'a.db')], {}, true)
    expect(tty.stderr).toContain('#')
    expect(tty.stderr).toMatch(/claude-code\s+\[#+\] 7\/7/)
    const piped = await runChasm(['harvest', 'run', '--home', home.path, '--db', join(dir.path, 'b.db')])
    expect(piped.stderr).toBe('')
  })

  test('an unreadable home or unusable database exits 1 with one line', async () => {
    using dir = tempDir()
    const missing = await runChasm(['harvest', 'run', '--home', join(dir.path, 'no-such-home'), '--db', join(dir.path, 'c.db')])
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `chasm: cannot read home directory ${join(dir.path, 'no-such-home')}\n` })
  })
})
