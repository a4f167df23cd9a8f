import { describe, expect, test } from 'bun:test'
import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { runTool, TOOLS } from '../../../src/agency/tools'
import { SEARCH_LIMITS } from '../../../src/agency/tools/search/scan'
import { tempDir, writeTree } from '../../support/temp'
import { mkfifo, skipReason, unixSocket } from '../support/special-files'
import { toolContext } from '../support/tools'

const tree = {
  src: { 'auth.ts': 'export function login() {}\nexport function Logout() {}\n', 'util.ts': 'const x = 1\n' },
  node_modules: { dep: { 'index.js': 'function login() {}' } },
  'README.md': 'Login flow docs\n',
  'blob.bin': new Uint8Array([0, 1, 2, 108, 111, 103, 105, 110]),
}
const search = (args: Record<string, unknown>, ctx: ReturnType<typeof toolContext>) => runTool(TOOLS.code_search, args, ctx)

// A pattern that backtracks exponentially on a line of a's ending in b (the report's 504-byte file froze the
// server 5.6 s); twenty such lines keep a search busy far longer than any budget below.
const CATASTROPHIC = '^(a+)+$'
const EVIL_FILE = `${'a'.repeat(503)}b\n`.repeat(20)

describe('code_search', () => {
  test('finds literal text case-insensitively, skipping node_modules and binary files', async () => {
    using dir = tempDir()
    writeTree(dir.path, tree)
    expect(await search({ query: 'LOGIN' }, toolContext(dir.path))).toEqual({
      ok: true,
      output: 'README.md:1: Login flow docs\nsrc/auth.ts:1: export function login() {}',
    })
  })

  test('regex, case-sensitive, a sub-folder, a single file, a result limit, and no matches', async () => {
    using dir = tempDir()
    writeTree(dir.path, tree)
    const ctx = toolContext(dir.path)
    expect([
      await search({ query: 'function [A-Z]\\w+', regex: true, caseSensitive: true }, ctx),
      await search({ query: 'export', path: 'src', maxResults: 1 }, ctx),
      await search({ query: 'const', path: 'src/util.ts' }, ctx),
      await search({ query: 'nowhere to be found' }, ctx),
      await search({ query: '([', regex: true }, ctx),
      await search({ query: 'x', path: '../' }, ctx),
      await search({ query: 'x', path: 'missing' }, ctx),
    ]).toEqual([
      { ok: true, output: 'src/auth.ts:2: export function Logout() {}' },
      { ok: true, output: 'src/auth.ts:1: export function login() {}\n… [stopped at 1 matches]' },
      { ok: true, output: 'src/util.ts:1: const x = 1' },
      { ok: true, output: 'no matches' },
      { ok: false, output: 'invalid regular expression: Invalid regular expression: missing terminating ] for character class' },
      { ok: false, output: "'..' is not allowed in paths ('../'); use a path inside the workspace" },
      { ok: true, output: 'no such file or folder: missing' },
    ])
  })

  test('skips files over the size bound and cuts long lines', async () => {
    using dir = tempDir()
    writeTree(dir.path, { 'huge.txt': `needle ${'x'.repeat(SEARCH_LIMITS.maxFileBytes)}`, 'long.txt': `needle ${'y'.repeat(1000)}` })
    expect(await search({ query: 'needle' }, toolContext(dir.path))).toEqual({ ok: true, output: `long.txt:1: needle ${'y'.repeat(SEARCH_LIMITS.maxLineChars - 7)}…` })
  })

  test.skipIf(skipReason('symlink'))('never follows a symlink: not while walking, not as the path asked for', async () => {
    using dir = tempDir()
    using outside = tempDir()
    writeTree(outside.path, { 'secret.txt': 'password=login123' })
    writeTree(dir.path, { 'a.txt': 'nothing here' })
    symlinkSync(outside.path, join(dir.path, 'linked'))
    symlinkSync(join(outside.path, 'secret.txt'), join(dir.path, 'secret-link.txt'))
    const ctx = toolContext(dir.path)
    expect([
      await search({ query: 'password' }, ctx),
      await search({ query: 'password', path: 'linked' }, ctx),
      await search({ query: 'password', path: 'secret-link.txt' }, ctx),
      await search({ query: 'password', path: 'linked/secret.txt' }, ctx),
    ]).toEqual([
      { ok: true, output: 'no matches' },
      { ok: true, output: "'linked' is a symlink; only regular files and folders are searched" },
      { ok: true, output: "'secret-link.txt' is a symlink; only regular files and folders are searched" },
      { ok: false, output: "'linked' is a symlink; symlinks are not followed" },
    ])
  })

  test.skipIf(skipReason('fifo'))('skips FIFOs and sockets in the tree and refuses them as the path: nothing hangs', async () => {
    using dir = tempDir()
    writeTree(dir.path, { 'a.txt': 'findme' })
    mkfifo(join(dir.path, 'pipe'))
    using _socket = await unixSocket(join(dir.path, 'sock'))
    const ctx = toolContext(dir.path)
    expect([await search({ query: 'findme' }, ctx), await search({ query: 'findme', path: 'pipe' }, ctx)]).toEqual([
      { ok: true, output: 'a.txt:1: findme' },
      { ok: true, output: "'pipe' is a FIFO; only regular files and folders are searched" },
    ])
  })

  test('a catastrophic pattern hits the time budget: a tool error, while the event loop stays free', async () => {
    using dir = tempDir()
    writeTree(dir.path, { 'evil.txt': EVIL_FILE })
    const started = performance.now()
    // On this thread the pattern would hold the loop until the budget ends (the report: 5.6 s frozen).
    const timerFired = new Promise<number>((resolve) => setTimeout(() => resolve(performance.now() - started), 20))
    const outcome = await search({ query: CATASTROPHIC, regex: true }, toolContext(dir.path, { searchBudgetMs: 3_000 }))
    const elapsed = performance.now() - started
    const firedAfter = await timerFired
    console.log(`catastrophic search: budget 3000 ms, ended after ${elapsed.toFixed(0)} ms; a 20 ms timer fired after ${firedAfter.toFixed(0)} ms`)
    expect(outcome).toEqual({ ok: false, output: 'search timed out after 3 s; search a smaller folder or use a simpler pattern' })
    expect(firedAfter).toBeLessThan(elapsed - 1_500)
  })

  test('a stop of the run ends a running search at once and is not a tool error', async () => {
    using dir = tempDir()
    writeTree(dir.path, { 'evil.txt': EVIL_FILE })
    const controller = new AbortController()
    const started = performance.now()
    const pending = search({ query: CATASTROPHIC, regex: true }, toolContext(dir.path, { signal: controller.signal, searchBudgetMs: 60_000 })).catch((e) => e)
    setTimeout(() => controller.abort(new Error('stopped')), 200)
    expect(((await pending) as Error).message).toBe('stopped')
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
