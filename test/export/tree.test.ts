import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { replaceSession } from '../../src/db'
import { exportTree } from '../../src/export'
import { openTestDb } from '../support/db'
import { sampleSession } from '../support/sessions'
import { tempDir } from '../support/temp'
import { exportFixture, PLANTED } from './fixture'

/** Every file under `root`, as sorted paths relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort()
}

const seeded = () => {
  const db = openTestDb()
  replaceSession(db.sqlite, exportFixture())
  replaceSession(db.sqlite, sampleSession({ id: '6f1c2d3e-aaaa-bbbb-cccc-1234567890ab', title: 'Grüße: Köln/Bonn' }))
  replaceSession(
    db.sqlite,
    sampleSession({
      id: 'c0ffee00-1111-2222-3333-444455556666',
      provider: 'copilot',
      title: '../../../../tmp/escape',
      created: Date.parse('2025-12-31T23:59:00Z'),
      updated: Date.parse('2026-01-02T00:00:00Z'),
      workspace: { provider: 'copilot', key: '/x/../../etc', name: '../../etc', path: '/x/../../etc' },
    }),
  )
  return db
}

describe('exportTree', () => {
  test('one Markdown file per session at <provider>/<workspace>/<date>-<title>-<id8>.md, all inside the folder', () => {
    using db = seeded()
    using out = tempDir()
    const report = exportTree(db.sqlite, { out: out.path, redact: true })
    expect(report).toEqual({ out: out.path, sessions: 3, written: 3, unchanged: 0, removed: 0 })
    expect(filesUnder(out.path)).toEqual([
      'claude-code/app/2026-01-08-grüße-köln-bonn-6f1c2d3e.md',
      'claude-code/shop/2026-01-08-fix-script-alert-1-script-login-quotes-ticks-etc-e5ca4b55.md',
      'copilot/etc/2025-12-31-tmp-escape-c0ffee00.md',
    ])
    const fixture = readFileSync(join(out.path, 'claude-code/shop/2026-01-08-fix-script-alert-1-script-login-quotes-ticks-etc-e5ca4b55.md'), 'utf8')
    expect(fixture).toStartWith('<!-- chasm-export session="export-fixture-0001" fingerprint="')
    expect(fixture).toContain('\n# Fix &lt;script&gt;')
    for (const secret of Object.values(PLANTED)) expect(fixture).not.toContain(secret.split('\n')[1] ?? secret)
  })

  test('an unchanged session is not rewritten: same file, same inode, same time', () => {
    using db = seeded()
    using out = tempDir()
    exportTree(db.sqlite, { out: out.path, redact: true })
    const before = filesUnder(out.path).map((file) => ({ file, ...pick(statSync(join(out.path, file))) }))
    expect(exportTree(db.sqlite, { out: out.path, redact: true })).toEqual({ out: out.path, sessions: 3, written: 0, unchanged: 3, removed: 0 })
    expect(filesUnder(out.path).map((file) => ({ file, ...pick(statSync(join(out.path, file))) }))).toEqual(before)
  })

  test('a changed session is rewritten in place; the others are left alone', () => {
    using db = seeded()
    using out = tempDir()
    exportTree(db.sqlite, { out: out.path, redact: true })
    const session = sampleSession({ id: '6f1c2d3e-aaaa-bbbb-cccc-1234567890ab', title: 'Grüße: Köln/Bonn' })
    session.messages[0]!.content = 'How do I implement authentication with passkeys?'
    replaceSession(db.sqlite, session)
    expect(exportTree(db.sqlite, { out: out.path, redact: true })).toEqual({ out: out.path, sessions: 3, written: 1, unchanged: 2, removed: 0 })
    expect(readFileSync(join(out.path, 'claude-code/app/2026-01-08-grüße-köln-bonn-6f1c2d3e.md'), 'utf8')).toContain('with passkeys?')
  })

  test('a file a run left half-written (its fingerprint not yet sealed) is written again', () => {
    using db = seeded()
    using out = tempDir()
    exportTree(db.sqlite, { out: out.path, redact: true })
    const file = join(out.path, 'claude-code/app/2026-01-08-grüße-köln-bonn-6f1c2d3e.md')
    const whole = readFileSync(file, 'utf8')
    writeFileSync(file, whole.replace(/fingerprint="[0-9a-f]+"/, `fingerprint="${'-'.repeat(16)}"`).slice(0, 200))
    expect(exportTree(db.sqlite, { out: out.path, redact: true })).toEqual({ out: out.path, sessions: 3, written: 1, unchanged: 2, removed: 0 })
    expect(readFileSync(file, 'utf8')).toBe(whole)
  })

  test('a retitled session moves to its new name and its old file goes', () => {
    using db = seeded()
    using out = tempDir()
    exportTree(db.sqlite, { out: out.path, redact: true })
    writeFileSync(join(out.path, 'claude-code/app/notes-6f1c2d3e.md'), 'my own file that happens to share the id start\n')
    replaceSession(db.sqlite, sampleSession({ id: '6f1c2d3e-aaaa-bbbb-cccc-1234567890ab', title: 'Passkeys instead' }))
    expect(exportTree(db.sqlite, { out: out.path, redact: true })).toEqual({ out: out.path, sessions: 3, written: 1, unchanged: 2, removed: 1 })
    expect(filesUnder(join(out.path, 'claude-code/app'))).toEqual(['2026-01-08-passkeys-instead-6f1c2d3e.md', 'notes-6f1c2d3e.md'])
  })

  test('turning redaction off (or --force) rewrites every file', () => {
    using db = seeded()
    using out = tempDir()
    exportTree(db.sqlite, { out: out.path, redact: true })
    expect(exportTree(db.sqlite, { out: out.path, redact: false })).toMatchObject({ written: 3, unchanged: 0 })
    const fixture = readFileSync(join(out.path, 'claude-code/shop/2026-01-08-fix-script-alert-1-script-login-quotes-ticks-etc-e5ca4b55.md'), 'utf8')
    expect(fixture).toContain(PLANTED.githubToken)
    expect(exportTree(db.sqlite, { out: out.path, redact: false, force: true })).toMatchObject({ written: 3, unchanged: 0 })
  })

  test('filters: provider, workspace, since', () => {
    using db = seeded()
    using out = tempDir()
    expect(exportTree(db.sqlite, { out: out.path, redact: true, provider: 'copilot' }).sessions).toBe(1)
    const workspace = db.sqlite.query<{ id: string }, []>("SELECT id FROM workspaces WHERE name = 'shop'").get()!.id
    expect(exportTree(db.sqlite, { out: out.path, redact: true, workspace }).sessions).toBe(1)
    expect(exportTree(db.sqlite, { out: out.path, redact: true, since: Date.parse('2026-01-05T00:00:00Z') }).sessions).toBe(2)
  })

  test('two sessions that would share a file name get one each', () => {
    using db = openTestDb()
    using out = tempDir()
    for (const id of ['abcdefgh-one', 'abcdefgh-two']) replaceSession(db.sqlite, sampleSession({ id, title: 'Same title' }))
    expect(exportTree(db.sqlite, { out: out.path, redact: true })).toMatchObject({ written: 2 })
    const files = filesUnder(out.path)
    expect(files).toHaveLength(2)
    expect(files).toContain('claude-code/app/2026-01-08-same-title-abcdefgh.md')
    expect(files.find((file) => !file.endsWith('abcdefgh.md'))).toMatch(/^claude-code\/app\/2026-01-08-same-title-abcdefgh-[0-9a-f]+\.md$/)
    expect(exportTree(db.sqlite, { out: out.path, redact: true })).toMatchObject({ written: 0, unchanged: 2 })
  })
})

const pick = (stat: { ino: number; mtimeMs: number; size: number }) => ({ ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size })
