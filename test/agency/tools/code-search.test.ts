import { describe, expect, test } from 'bun:test'
import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { runTool, TOOLS } from '../../../src/agency/tools'
import { tempDir, writeTree } from '../../support/temp'
import { toolContext } from '../support/tools'

const tree = {
  src: { 'auth.ts': 'export function login() {}\nexport function Logout() {}\n', 'util.ts': 'const x = 1\n' },
  node_modules: { dep: { 'index.js': 'function login() {}' } },
  'README.md': 'Login flow docs\n',
  'blob.bin': new Uint8Array([0, 1, 2, 108, 111, 103, 105, 110]),
}

describe('code_search', () => {
  test('finds literal text case-insensitively, skipping node_modules and binary files', async () => {
    using dir = tempDir()
    writeTree(dir.path, tree)
    expect(await runTool(TOOLS.code_search, { query: 'LOGIN' }, toolContext(dir.path))).toEqual({
      ok: true,
      output: 'README.md:1: Login flow docs\nsrc/auth.ts:1: export function login() {}',
    })
  })

  test('regex, case-sensitive, a sub-folder, a result limit, and no matches', async () => {
    using dir = tempDir()
    writeTree(dir.path, tree)
    const ctx = toolContext(dir.path)
    expect([
      await runTool(TOOLS.code_search, { query: 'function [A-Z]\\w+', regex: true, caseSensitive: true }, ctx),
      await runTool(TOOLS.code_search, { query: 'export', path: 'src', maxResults: 1 }, ctx),
      await runTool(TOOLS.code_search, { query: 'nowhere to be found' }, ctx),
      await runTool(TOOLS.code_search, { query: '([', regex: true }, ctx),
      await runTool(TOOLS.code_search, { query: 'x', path: '../' }, ctx),
    ]).toEqual([
      { ok: true, output: 'src/auth.ts:2: export function Logout() {}' },
      { ok: true, output: 'src/auth.ts:1: export function login() {}\n… [stopped at 1 matches]' },
      { ok: true, output: 'no matches' },
      { ok: false, output: 'invalid regular expression: Invalid regular expression: missing terminating ] for character class' },
      { ok: false, output: "path '../' leaves the workspace" },
    ])
  })

  test.skipIf(process.platform === 'win32')('does not follow symlinks out of the workspace', async () => {
    using dir = tempDir()
    using outside = tempDir()
    writeTree(outside.path, { 'secret.txt': 'password=login123' })
    writeTree(dir.path, { 'a.txt': 'nothing here' })
    symlinkSync(outside.path, join(dir.path, 'linked'))
    symlinkSync(join(outside.path, 'secret.txt'), join(dir.path, 'secret-link.txt'))
    const ctx = toolContext(dir.path)
    expect([
      await runTool(TOOLS.code_search, { query: 'password' }, ctx),
      await runTool(TOOLS.code_search, { query: 'password', path: 'linked' }, ctx),
    ]).toEqual([
      { ok: true, output: 'no matches' },
      { ok: false, output: "path 'linked' resolves (through a symlink) outside the workspace" },
    ])
  })
})
