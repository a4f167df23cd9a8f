import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { runTool, TOOLS } from '../../../src/agency/tools'
import { FILE_READ_LIMIT } from '../../../src/agency/tools/file-read'
import { tempDir, writeTree } from '../../support/temp'
import { toolContext } from '../support/tools'

describe('file_read', () => {
  test('reads a text file, lists a folder, and reports missing or binary files as tool errors', async () => {
    using dir = tempDir()
    writeTree(dir.path, { 'notes.md': '# Notes\nhello', src: { 'a.ts': '', lib: {} }, 'image.bin': new Uint8Array([137, 80, 0, 1]) })
    const ctx = toolContext(dir.path)
    expect([
      await runTool(TOOLS.file_read, { path: 'notes.md' }, ctx),
      await runTool(TOOLS.file_read, { path: 'src' }, ctx),
      await runTool(TOOLS.file_read, { path: 'src/lib' }, ctx),
      await runTool(TOOLS.file_read, { path: 'missing.md' }, ctx),
      await runTool(TOOLS.file_read, { path: 'image.bin' }, ctx),
      await runTool(TOOLS.file_read, { path: '../etc/passwd' }, ctx),
      await runTool(TOOLS.file_read, { file: 'notes.md' }, ctx),
    ]).toEqual([
      { ok: true, output: '# Notes\nhello' },
      { ok: true, output: 'a.ts\nlib/' },
      { ok: true, output: '(empty directory)' },
      { ok: false, output: 'no such file: missing.md' },
      { ok: false, output: 'binary file (4 bytes): image.bin' },
      { ok: false, output: "path '../etc/passwd' leaves the workspace" },
      { ok: false, output: "invalid arguments for file_read: 'path' is required" },
    ])
  })

  test('cuts a large file and says so', async () => {
    using dir = tempDir()
    writeTree(dir.path, { 'big.txt': 'x'.repeat(FILE_READ_LIMIT + 10) })
    expect(await runTool(TOOLS.file_read, { path: 'big.txt' }, toolContext(dir.path))).toEqual({
      ok: true,
      output: `${'x'.repeat(FILE_READ_LIMIT)}\n… [the file has ${FILE_READ_LIMIT + 10} bytes; only the first ${FILE_READ_LIMIT} are shown]`,
    })
  })
})

describe('file_write', () => {
  test('writes and appends, creating folders', async () => {
    using dir = tempDir()
    const ctx = toolContext(dir.path)
    expect([
      await runTool(TOOLS.file_write, { path: 'src/app/main.ts', content: 'let a = 1\n' }, ctx),
      await runTool(TOOLS.file_write, { path: 'src/app/main.ts', content: 'let b = 2\n', append: true }, ctx),
    ]).toEqual([
      { ok: true, output: 'wrote 10 bytes to src/app/main.ts' },
      { ok: true, output: 'appended 10 bytes to src/app/main.ts' },
    ])
    expect(readFileSync(join(dir.path, 'src/app/main.ts'), 'utf8')).toBe('let a = 1\nlet b = 2\n')
  })

  test.skipIf(process.platform === 'win32')('refuses to write outside: .., absolute, through a symlinked folder or file', async () => {
    using dir = tempDir()
    using outside = tempDir()
    writeTree(outside.path, { 'victim.txt': 'original' })
    symlinkSync(outside.path, join(dir.path, 'out'))
    symlinkSync(join(outside.path, 'victim.txt'), join(dir.path, 'victim-link.txt'))
    const ctx = toolContext(dir.path)
    const outcomes = [
      await runTool(TOOLS.file_write, { path: '../escape.txt', content: 'x' }, ctx),
      await runTool(TOOLS.file_write, { path: join(outside.path, 'abs.txt'), content: 'x' }, ctx),
      await runTool(TOOLS.file_write, { path: 'out/victim.txt', content: 'pwned' }, ctx),
      await runTool(TOOLS.file_write, { path: 'out/new/dir/file.txt', content: 'x' }, ctx),
      await runTool(TOOLS.file_write, { path: 'victim-link.txt', content: 'pwned' }, ctx),
      await runTool(TOOLS.file_write, { path: '.', content: 'x' }, ctx),
    ]
    expect(outcomes.map((o) => o.ok)).toEqual([false, false, false, false, false, false])
    expect(readFileSync(join(outside.path, 'victim.txt'), 'utf8')).toBe('original')
    expect(readdirSync(outside.path)).toEqual(['victim.txt'])
  })
})
