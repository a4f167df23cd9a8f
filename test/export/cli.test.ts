import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, replaceSession } from '../../src/db'
import { runChasm } from '../support/cli'
import { tempDir } from '../support/temp'
import { exportFixture, PLANTED } from './fixture'

const GOLDEN = join(import.meta.dir, '..', 'fixtures', 'export')

function seeded() {
  const dir = tempDir()
  const db = join(dir.path, 'chasm.db')
  const chasm = openDatabase(db)
  replaceSession(chasm.sqlite, exportFixture())
  chasm.close()
  return { db, dir: dir.path, [Symbol.dispose]: () => dir[Symbol.dispose]() }
}

describe('chasm export session', () => {
  test('prints the redacted document; --out writes it; --no-redact keeps secrets', async () => {
    using s = seeded()
    const md = await runChasm(['export', 'session', 'export-fixture-0001', '--db', s.db])
    expect(md).toEqual({ code: 0, stdout: readFileSync(join(GOLDEN, 'session.md'), 'utf8'), stderr: '' })
    const out = join(s.dir, 'page.html')
    expect((await runChasm(['export', 'session', 'export-fixture-0001', '--format', 'html', '--out', out, '--db', s.db])).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(GOLDEN, 'session.html'), 'utf8'))
    const raw = await runChasm(['export', 'session', 'export-fixture-0001', '--format', 'json', '--no-redact', '--db', s.db])
    expect(JSON.parse(raw.stdout).messages[1].content).toContain(PLANTED.githubToken)
  })

  test('an unknown id fails with one line; a bad format is a usage error', async () => {
    using s = seeded()
    expect(await runChasm(['export', 'session', 'nope', '--db', s.db])).toEqual({ code: 1, stdout: '', stderr: 'chasm: Session not found: nope\n' })
    const format = await runChasm(['export', 'session', 'nope', '--format', 'pdf', '--db', s.db])
    expect(format.code).toBe(2)
    expect(format.stderr).toContain('--format')
  })
})

describe('chasm export --all', () => {
  test('writes the tree, then finds everything current', async () => {
    using s = seeded()
    const out = join(s.dir, 'tree')
    const first = await runChasm(['export', '--all', '--out', out, '--db', s.db, '--json'])
    expect(JSON.parse(first.stdout)).toEqual({ success: true, data: { out, sessions: 1, written: 1, unchanged: 0, removed: 0 } })
    const second = await runChasm(['export', '--all', '--out', out, '--db', s.db], { COLUMNS: '300' })
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(new RegExp(`^1 session\\(s\\): 0 written, 1 unchanged \\(\\d+\\.\\d s\\)\\ninto ${out}\\n$`))
  })

  test('usage errors: no --all, no --out, a date that is not one', async () => {
    using s = seeded()
    for (const args of [['export'], ['export', '--all'], ['export', '--all', '--out', s.dir, '--since', 'yesterday']]) {
      const result = await runChasm([...args, '--db', s.db])
      expect({ args, code: result.code, lines: result.stderr.trim().split('\n').length }).toEqual({ args, code: 2, lines: 1 })
    }
  })
})

describe('chasm secrets scan', () => {
  test('a table of kinds, places and masked previews, or JSON', async () => {
    using s = seeded()
    const human = await runChasm(['secrets', 'scan', '--db', s.db])
    expect(human.code).toBe(0)
    expect(human.stdout.split('\n')[0]).toMatch(/^KIND\s+SESSION\s+MESSAGE\s+WHERE\s+PREVIEW$/)
    expect(human.stdout).toContain('7 secret(s) in 1 session(s)')
    const json = JSON.parse((await runChasm(['secrets', 'scan', '--json', '--db', s.db])).stdout).data
    expect(json).toHaveLength(7)
    expect(json[0]).toEqual({ kind: 'url-password', sessionId: 'export-fixture-0001', messageId: 'm-user-1', where: 'content', preview: 'S… (13 chars)' })
    for (const secret of Object.values(PLANTED)) expect(human.stdout + JSON.stringify(json)).not.toContain(secret.split('\n')[1] ?? secret)
  })
})
