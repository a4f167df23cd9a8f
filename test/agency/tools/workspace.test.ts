import { describe, expect, test } from 'bun:test'
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { resolveInWorkspace } from '../../../src/agency/tools'
import { tempDir, writeTree } from '../../support/temp'

const refusal = (workspace: string, path: string): string => {
  try {
    return `allowed: ${resolveInWorkspace(workspace, path)}`
  } catch (error) {
    return (error as Error).message
  }
}

describe('resolveInWorkspace', () => {
  test('relative paths inside the workspace resolve, existing or not', () => {
    using dir = tempDir()
    const ws = realpathSync(dir.path)
    writeTree(ws, { src: { 'a.ts': 'x' } })
    expect([
      resolveInWorkspace(ws, 'src/a.ts'),
      resolveInWorkspace(ws, './src/../src/a.ts'),
      resolveInWorkspace(ws, 'new/deep/file.txt'),
      resolveInWorkspace(ws, '.'),
    ]).toEqual([join(ws, 'src', 'a.ts'), join(ws, 'src', 'a.ts'), join(ws, 'new', 'deep', 'file.txt'), ws])
  })

  test('.., absolute paths and NUL bytes are refused', () => {
    using dir = tempDir()
    const ws = realpathSync(dir.path)
    expect([
      refusal(ws, '../outside.txt'),
      refusal(ws, 'src/../../outside.txt'),
      refusal(ws, '..'),
      refusal(ws, '/etc/passwd'),
      refusal(ws, join(ws, 'inside-but-absolute.txt')),
      refusal(ws, 'C:\\Windows\\win.ini'),
      refusal(ws, 'a\0b'),
    ]).toEqual([
      "path '../outside.txt' leaves the workspace",
      "path 'src/../../outside.txt' leaves the workspace",
      "path '..' leaves the workspace",
      "absolute paths are not allowed ('/etc/passwd'); use a path relative to the workspace",
      `absolute paths are not allowed ('${join(ws, 'inside-but-absolute.txt')}'); use a path relative to the workspace`,
      "absolute paths are not allowed ('C:\\Windows\\win.ini'); use a path relative to the workspace",
      'path contains a NUL character',
    ])
  })

  test.skipIf(process.platform === 'win32')('symlinks pointing out are refused (files, folders, and paths below them); symlinks inside are fine', () => {
    using dir = tempDir()
    using outside = tempDir()
    const ws = realpathSync(dir.path)
    writeTree(outside.path, { 'secret.txt': 'top secret' })
    writeTree(ws, { 'real.txt': 'ok' })
    mkdirSync(join(ws, 'sub'))
    symlinkSync(join(outside.path, 'secret.txt'), join(ws, 'leak.txt'))
    symlinkSync(outside.path, join(ws, 'sub', 'out'))
    symlinkSync(join(ws, 'real.txt'), join(ws, 'alias.txt'))
    expect([
      refusal(ws, 'leak.txt'),
      refusal(ws, 'sub/out'),
      refusal(ws, 'sub/out/secret.txt'),
      refusal(ws, 'sub/out/new-file.txt'),
      refusal(ws, 'alias.txt'),
    ]).toEqual([
      "path 'leak.txt' resolves (through a symlink) outside the workspace",
      "path 'sub/out' resolves (through a symlink) outside the workspace",
      "path 'sub/out/secret.txt' resolves (through a symlink) outside the workspace",
      "path 'sub/out/new-file.txt' resolves (through a symlink) outside the workspace",
      `allowed: ${join(ws, 'real.txt')}`,
    ])
  })
})
