import { describe, expect, test } from 'bun:test'
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { runTool, TOOLS } from '../../../src/agency/tools'
import { FILE_READ_LIMIT } from '../../../src/agency/tools/file-read'
import { tempDir, writeTree } from '../../support/temp'
import { mkfifo, mknodNull, skipReason, unixSocket } from '../support/special-files'
import { toolContext } from '../support/tools'

const read = (path: string, ctx: ReturnType<typeof toolContext>) => runTool(TOOLS.file_read, { path }, ctx)
const write = (path: string, content: string, ctx: ReturnType<typeof toolContext>, append?: boolean) =>
  runTool(TOOLS.file_write, append === undefined ? { path, content } : { path, content, append }, ctx)

describe('file_read', () => {
  test('reads a text file, lists a folder, and reports missing or binary files as tool errors', async () => {
    using dir = tempDir()
    writeTree(dir.path, { 'notes.md': '# Notes\nhello', src: { 'a.ts': '', lib: {} }, 'image.bin': new Uint8Array([137, 80, 0, 1]) })
    const ctx = toolContext(dir.path)
    expect([
      await read('notes.md', ctx),
      await read('./src/', ctx),
      await read('src\\lib', ctx),
      await read('.', ctx),
      await read('missing.md', ctx),
      await read('missing/deeper.md', ctx),
      await read('notes.md/x', ctx),
      await read('image.bin', ctx),
      await read('../etc/passwd', ctx),
      await read('src/../notes.md', ctx),
      await read('/etc/passwd', ctx),
      await runTool(TOOLS.file_read, { file: 'notes.md' }, ctx),
    ]).toEqual([
      { ok: true, output: '# Notes\nhello' },
      { ok: true, output: 'a.ts\nlib/' },
      { ok: true, output: '(empty directory)' },
      { ok: true, output: 'image.bin\nnotes.md\nsrc/' },
      { ok: false, output: 'no such file: missing.md' },
      { ok: false, output: 'no such folder: missing' },
      { ok: false, output: "'notes.md' is not a folder" },
      { ok: false, output: 'binary file (4 bytes): image.bin' },
      { ok: false, output: "'..' is not allowed in paths ('../etc/passwd'); use a path inside the workspace" },
      { ok: false, output: "'..' is not allowed in paths ('src/../notes.md'); use a path inside the workspace" },
      { ok: false, output: "absolute paths are not allowed ('/etc/passwd'); use a path relative to the workspace" },
      { ok: false, output: "invalid argument 'path' for file_read: is required" },
    ])
  })

  test('cuts a large file and says so', async () => {
    using dir = tempDir()
    writeTree(dir.path, { 'big.txt': 'x'.repeat(FILE_READ_LIMIT + 10) })
    expect(await read('big.txt', toolContext(dir.path))).toEqual({
      ok: true,
      output: `${'x'.repeat(FILE_READ_LIMIT)}\n… [the file has ${FILE_READ_LIMIT + 10} bytes; only the first ${FILE_READ_LIMIT} are shown]`,
    })
  })

  test.skipIf(skipReason('symlink'))('refuses a symlink anywhere on the path: to a file or folder outside, inside, or dangling', async () => {
    using dir = tempDir()
    using outside = tempDir()
    writeTree(outside.path, { 'secret.txt': 'TOP SECRET', nested: { 'deep.txt': 'TOP SECRET' } })
    writeTree(dir.path, { 'real.txt': 'ok', sub: {} })
    symlinkSync(join(outside.path, 'secret.txt'), join(dir.path, 'leak.txt'))
    symlinkSync(outside.path, join(dir.path, 'sub', 'out'))
    symlinkSync(join(dir.path, 'real.txt'), join(dir.path, 'alias.txt'))
    symlinkSync(join(outside.path, 'nothing-yet.txt'), join(dir.path, 'dangling.txt'))
    const ctx = toolContext(dir.path)
    expect([
      await read('leak.txt', ctx),
      await read('sub/out', ctx),
      await read('sub/out/secret.txt', ctx),
      await read('sub/out/nested/deep.txt', ctx),
      await read('alias.txt', ctx),
      await read('dangling.txt', ctx),
      await read('sub', ctx),
    ]).toEqual([
      { ok: false, output: "'leak.txt' is a symlink; symlinks are not followed" },
      { ok: false, output: "'sub/out' is a symlink; symlinks are not followed" },
      { ok: false, output: "'sub/out' is a symlink; symlinks are not followed" },
      { ok: false, output: "'sub/out' is a symlink; symlinks are not followed" },
      { ok: false, output: "'alias.txt' is a symlink; symlinks are not followed" },
      { ok: false, output: "'dangling.txt' is a symlink; symlinks are not followed" },
      { ok: true, output: 'out (symlink)' },
    ])
  })

  test.skipIf(skipReason('fifo'))('never opens a FIFO or a socket: refused at once, nothing hangs', async () => {
    using dir = tempDir()
    mkfifo(join(dir.path, 'pipe'))
    using _socket = await unixSocket(join(dir.path, 'sock'))
    const ctx = toolContext(dir.path)
    expect([await read('pipe', ctx), await read('sock', ctx), await read('.', ctx)]).toEqual([
      { ok: false, output: "'pipe' is a FIFO; only regular files and folders are opened" },
      { ok: false, output: "'sock' is a socket; only regular files and folders are opened" },
      { ok: true, output: 'pipe (FIFO)\nsock (socket)' },
    ])
  })

  test.skipIf(skipReason('device'))('never opens a device', async () => {
    using dir = tempDir()
    mknodNull(join(dir.path, 'null'))
    expect(await read('null', toolContext(dir.path))).toEqual({ ok: false, output: "'null' is a device; only regular files and folders are opened" })
  })
})

describe('file_write', () => {
  test('writes, overwrites and appends, creating folders', async () => {
    using dir = tempDir()
    const ctx = toolContext(dir.path)
    expect([
      await write('src/app/main.ts', 'let a = 1\n', ctx),
      await write('src/app/main.ts', 'let b = 2\n', ctx, true),
      await write('notes.txt', 'a long first version', ctx),
      await write('notes.txt', 'short', ctx),
    ]).toEqual([
      { ok: true, output: 'wrote 10 bytes to src/app/main.ts' },
      { ok: true, output: 'appended 10 bytes to src/app/main.ts' },
      { ok: true, output: 'wrote 20 bytes to notes.txt' },
      { ok: true, output: 'wrote 5 bytes to notes.txt' },
    ])
    expect([readFileSync(join(dir.path, 'src/app/main.ts'), 'utf8'), readFileSync(join(dir.path, 'notes.txt'), 'utf8')]).toEqual(['let a = 1\nlet b = 2\n', 'short'])
  })

  test.skipIf(skipReason('symlink'))('refuses to write outside: .., absolute, through a symlinked folder, a symlinked file or a dangling symlink', async () => {
    using dir = tempDir()
    using outside = tempDir()
    writeTree(outside.path, { 'victim.txt': 'original' })
    writeTree(dir.path, { 'inside.txt': 'inside' })
    symlinkSync(outside.path, join(dir.path, 'out'))
    symlinkSync(join(outside.path, 'victim.txt'), join(dir.path, 'victim-link.txt'))
    // The reported escape: a dangling symlink whose target does not exist yet.
    symlinkSync(join(outside.path, 'created-through-link.txt'), join(dir.path, 'dangling.txt'))
    symlinkSync(join(dir.path, 'inside.txt'), join(dir.path, 'inside-link.txt'))
    const ctx = toolContext(dir.path)
    expect([
      await write('../escape.txt', 'x', ctx),
      await write(join(outside.path, 'abs.txt'), 'x', ctx),
      await write('C:\\Windows\\win.ini', 'x', ctx),
      await write('out/victim.txt', 'pwned', ctx),
      await write('out/new/dir/file.txt', 'x', ctx),
      await write('victim-link.txt', 'pwned', ctx),
      await write('victim-link.txt', 'pwned', ctx, true),
      await write('dangling.txt', 'pwned', ctx),
      await write('inside-link.txt', 'x', ctx),
      await write('.', 'x', ctx),
      await write('a\0b', 'x', ctx),
    ]).toEqual([
      { ok: false, output: "'..' is not allowed in paths ('../escape.txt'); use a path inside the workspace" },
      { ok: false, output: `absolute paths are not allowed ('${join(outside.path, 'abs.txt')}'); use a path relative to the workspace` },
      { ok: false, output: "absolute paths are not allowed ('C:\\Windows\\win.ini'); use a path relative to the workspace" },
      { ok: false, output: "'out' is a symlink; symlinks are not followed" },
      { ok: false, output: "'out' is a symlink; symlinks are not followed" },
      { ok: false, output: "'victim-link.txt' is a symlink; symlinks are not followed" },
      { ok: false, output: "'victim-link.txt' is a symlink; symlinks are not followed" },
      { ok: false, output: "'dangling.txt' is a symlink; symlinks are not followed" },
      { ok: false, output: "'inside-link.txt' is a symlink; symlinks are not followed" },
      { ok: false, output: 'cannot write to the workspace directory itself' },
      { ok: false, output: 'path contains a NUL character' },
    ])
    expect(readFileSync(join(outside.path, 'victim.txt'), 'utf8')).toBe('original')
    expect(readdirSync(outside.path)).toEqual(['victim.txt'])
    expect(readFileSync(join(dir.path, 'inside.txt'), 'utf8')).toBe('inside')
  })

  test('refuses a file with another hard link (its other name may be outside) and a folder as target', async () => {
    using dir = tempDir()
    using outside = tempDir()
    writeTree(outside.path, { 'authorized_keys': 'original' })
    writeTree(dir.path, { folder: {} })
    linkSync(join(outside.path, 'authorized_keys'), join(dir.path, 'keys'))
    const ctx = toolContext(dir.path)
    expect([await write('keys', 'attacker key', ctx), await write('keys', 'attacker key', ctx, true), await write('folder', 'x', ctx)]).toEqual([
      { ok: false, output: "'keys' has other hard links (one could be outside the workspace); it is not written" },
      { ok: false, output: "'keys' has other hard links (one could be outside the workspace); it is not written" },
      { ok: false, output: "'folder' is a folder" },
    ])
    expect(readFileSync(join(outside.path, 'authorized_keys'), 'utf8')).toBe('original')
  })

  test.skipIf(skipReason('fifo'))('never opens a FIFO: refused at once, nothing hangs', async () => {
    using dir = tempDir()
    mkfifo(join(dir.path, 'pipe'))
    expect(await write('pipe', 'x', toolContext(dir.path))).toEqual({ ok: false, output: "'pipe' is a FIFO; only regular files and folders are opened" })
  })

  test.skipIf(process.platform === 'win32')('new files follow the umask; folders it creates are plain folders', async () => {
    using dir = tempDir()
    await write('a/b.txt', 'x', toolContext(dir.path))
    const umask = process.umask()
    expect([statSync(join(dir.path, 'a/b.txt')).mode & 0o777, statSync(join(dir.path, 'a')).mode & 0o777]).toEqual([0o666 & ~umask, 0o777 & ~umask])
  })
})

describe.skipIf(skipReason('symlink'))('a symlink swapped in during the call (a racing process flips it thousands of times)', () => {
  /** Runs `loop` in another process until disposed; it gets the workspace and the outside folder as arguments. */
  function racer(script: string, workspace: string, outside: string) {
    const proc = Bun.spawn([process.execPath, '-e', script, workspace, outside], { stdout: 'ignore', stderr: 'pipe' })
    return { proc, [Symbol.dispose]: () => proc.kill('SIGKILL') }
  }
  // Flips `d` between a real folder and a symlink to the outside folder, and `d/f.txt` between a file and a symlink to the secret.
  const FLIP = `
    const fs = require('node:fs'); const path = require('node:path')
    const [ws, out] = process.argv.slice(-2)
    const d = path.join(ws, 'd'), real = path.join(ws, 'd.real')
    for (;;) {
      try { fs.renameSync(d, real); fs.symlinkSync(out, d); fs.unlinkSync(d); fs.renameSync(real, d) } catch {}
      try { const f = path.join(d, 'f.txt'); fs.renameSync(f, f + '.real'); fs.symlinkSync(path.join(out, 'secret.txt'), f); fs.unlinkSync(f); fs.renameSync(f + '.real', f) } catch {}
    }`

  test('reads never show the outside, writes never land there', async () => {
    using dir = tempDir()
    using outside = tempDir()
    writeTree(outside.path, { 'secret.txt': 'TOP SECRET' })
    mkdirSync(join(dir.path, 'd'))
    writeTree(join(dir.path, 'd'), { 'f.txt': 'inside' })
    const ctx = toolContext(dir.path)
    using race = racer(FLIP, dir.path, outside.path)
    const seen = { readOk: 0, readRefused: 0, writeOk: 0, writeRefused: 0 }
    // Until both outcomes were seen for both tools: the race really ran both ways.
    for (let i = 0; i < 20_000 && !(seen.readOk && seen.readRefused && seen.writeOk && seen.writeRefused && i > 2000); i++) {
      const r = await read(i % 2 ? 'd/f.txt' : 'd/secret.txt', ctx)
      expect(r.output).not.toContain('TOP SECRET')
      if (r.ok) seen.readOk++
      else seen.readRefused++
      const w = await write(i % 2 ? 'd/f.txt' : `d/new-${i}.txt`, 'written by the tool', ctx)
      if (w.ok) seen.writeOk++
      else seen.writeRefused++
    }
    race.proc.kill('SIGKILL')
    await race.proc.exited
    expect(readdirSync(outside.path)).toEqual(['secret.txt'])
    expect(readFileSync(join(outside.path, 'secret.txt'), 'utf8')).toBe('TOP SECRET')
    expect(Object.values(seen).every((n) => n > 0)).toBe(true)
    expect(existsSync(join(dir.path, 'd'))).toBe(true)
  }, 60_000)
})
