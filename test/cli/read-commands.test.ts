import { describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, replaceSession } from '../../src/db'
import { runChasm } from '../support/cli'
import { sampleSession } from '../support/sessions'
import { tempDir } from '../support/temp'

function seededDb(dir: string): string {
  const path = join(dir, 'chasm.db')
  const chasm = openDatabase(path)
  replaceSession(chasm.sqlite, sampleSession())
  replaceSession(chasm.sqlite, sampleSession({ id: 'sess-2', provider: 'codex', title: 'Codex chat about caching' }))
  chasm.close()
  return path
}

describe('read commands', () => {
  test('--version and --help', async () => {
    expect(await runChasm(['--version'])).toEqual({ code: 0, stdout: `${(await import('../../package.json')).version}\n`, stderr: '' })
    const help = await runChasm(['--help'])
    expect(help.code).toBe(0)
    for (const command of ['api serve', 'harvest run', 'harvest scan', 'harvest status', 'list workspaces', 'list sessions', 'show session', 'search', 'stats', 'providers']) {
      expect(help.stdout).toContain(`chasm ${command}`)
    }
    expect(help.stdout).not.toContain('\x1b[')
  })

  test('list, show, search and stats as tables and as JSON', async () => {
    using dir = tempDir()
    const db = seededDb(dir.path)
    const sessions = await runChasm(['list', 'sessions', '--db', db])
    expect(sessions.code).toBe(0)
    expect(sessions.stdout).toContain('Fix the login flow')
    expect(sessions.stdout).toContain('2 of 2 session(s)')
    const json = JSON.parse((await runChasm(['list', 'sessions', '--db', db, '--json', '--provider', 'codex'])).stdout)
    expect(json.meta).toEqual({ total: 1, limit: 50, offset: 0 })
    expect(json.data[0].id).toBe('sess-2')

    const workspaces = JSON.parse((await runChasm(['list', 'workspaces', '--json'], { CHASM_DB: db })).stdout)
    expect(workspaces.data.map((w: any) => w.provider).sort()).toEqual(['claude-code', 'codex'])

    const md = await runChasm(['show', 'session', 'sess-1', '--db', db])
    // The same Markdown as `chasm export session`, unredacted.
    expect(md.stdout).toStartWith('# Fix the login flow\n')
    expect(md.stdout).toContain('### User · 2026-01-08 10:00:00 UTC')
    expect(md.stdout).toContain('<summary>Tool call <code>Read</code> · ok</summary>')
    const full = JSON.parse((await runChasm(['show', 'session', 'sess-1', '--db', db, '--format', 'json'])).stdout)
    expect(full.data.messages).toHaveLength(2)

    const search = await runChasm(['search', 'caching', '--db', db])
    expect(search.stdout).toContain('Codex chat about caching')
    const searchJson = JSON.parse((await runChasm(['search', 'authenticate', '--db', db, '--json'])).stdout)
    expect(searchJson.data.map((r: any) => r.sessionId)).toEqual(['sess-1', 'sess-2'])
    expect((await runChasm(['search', '"', '--db', db])).stdout).toBe('No matches.\n')

    const stats = JSON.parse((await runChasm(['stats', '--db', db, '--json'])).stdout).data
    expect(stats).toMatchObject({ totalSessions: 2, totalMessages: 4, totalToolInvocations: 2 })
  })

  test('errors are one line on stderr with exit 1; usage errors exit 2', async () => {
    using dir = tempDir()
    const db = seededDb(dir.path)
    expect(await runChasm(['show', 'session', 'missing', '--db', db])).toEqual({ code: 1, stdout: '', stderr: 'chasm: Session not found: missing\n' })
    const badLimit = await runChasm(['list', 'sessions', '--db', db, '--limit', 'abc'])
    expect(badLimit.code).toBe(2)
    expect(badLimit.stderr).toStartWith('chasm: Invalid value for --limit')
    expect((await runChasm(['frobnicate'])).code).toBe(2)
    expect((await runChasm(['show', 'session', 'x', '--format', 'pdf', '--db', db])).code).toBe(2)
  })

  test('an unusable database path fails with one clear line', async () => {
    using dir = tempDir()
    const file = join(dir.path, 'file')
    await Bun.write(file, 'x')
    const result = await runChasm(['harvest', 'run', '--db', join(file, 'chasm.db'), '--home', dir.path])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^chasm: cannot open database .*file\/chasm\.db: .+\n$/)
  })

  test('issue 9: read commands refuse a database that does not exist, and create nothing', async () => {
    using dir = tempDir()
    const missing = join(dir.path, 'no', 'such', 'dir', 'x.db')
    for (const args of [['stats'], ['list', 'sessions'], ['list', 'workspaces'], ['search', 'x'], ['show', 'session', 'a'], ['harvest', 'status'], ['agents', 'list']]) {
      const result = await runChasm([...args, '--db', missing])
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 1, stderr: `chasm: no database at ${missing}; run \`chasm harvest run\` first (or pass --db)\n` })
    }
    // Looking around works on a fresh machine: an empty database in memory, nothing written.
    expect((await runChasm(['harvest', 'scan', '--db', missing, '--home', dir.path])).code).toBe(0)
    expect((await runChasm(['providers', '--db', missing, '--home', dir.path])).code).toBe(0)
    expect(existsSync(join(dir.path, 'no'))).toBe(false)
  })

  test('colours only on a terminal', async () => {
    using dir = tempDir()
    const db = seededDb(dir.path)
    expect((await runChasm(['search', 'caching', '--db', db], {}, true)).stdout).toContain('\x1b[')
    expect((await runChasm(['search', 'caching', '--db', db], {}, false)).stdout).not.toContain('\x1b[')
  })
})
