import { describe, expect, test } from 'bun:test'
import { closeSync, constants, readFileSync, realpathSync, renameSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { ConfinedDir, FD_ANCHORED } from '../../../../src/agency/tools/fs/confined'
import { tempDir, writeTree } from '../../../support/temp'
import { skipReason } from '../../support/special-files'

const outcome = (fn: () => unknown): string => {
  try {
    const value = fn()
    return value instanceof ConfinedDir ? `opened ${value.rel()}` : `ok ${String(value)}`
  } catch (error) {
    return (error as Error).message
  }
}

// Both ways of walking run here: fd-anchored (Linux) and the re-checking walk every other OS uses.
const strategies = [...(FD_ANCHORED ? [true] : []), false]

describe.each(strategies)('ConfinedDir (fd-anchored: %p)', (anchored) => {
  test.skipIf(skipReason('symlink'))('walks folders and refuses a symlink at any depth', () => {
    using dir = tempDir()
    using outside = tempDir()
    const ws = realpathSync(dir.path)
    writeTree(ws, { a: { b: { 'f.txt': 'x' } } })
    symlinkSync(outside.path, join(ws, 'a', 'link'))
    expect([
      outcome(() => ConfinedDir.open(ws, ['a', 'b'], false, anchored)),
      outcome(() => ConfinedDir.open(ws, ['a', 'link'], false, anchored)),
      outcome(() => ConfinedDir.open(ws, ['a', 'link', 'deeper'], true, anchored)),
      outcome(() => ConfinedDir.open(ws, ['a', 'b', 'f.txt'], false, anchored)),
      outcome(() => ConfinedDir.open(ws, ['a', 'new', 'deep'], true, anchored)),
    ]).toEqual([
      'opened a/b',
      "'a/link' is a symlink; symlinks are not followed",
      "'a/link' is a symlink; symlinks are not followed",
      "'a/b/f.txt' is not a folder",
      'opened a/new/deep',
    ])
  })

  test.skipIf(skipReason('symlink'))('a folder swapped for a symlink after it was opened: the open file is refused or still inside', () => {
    using dir = tempDir()
    using outside = tempDir()
    const ws = realpathSync(dir.path)
    writeTree(ws, { d: { 'f.txt': 'inside' } })
    writeTree(outside.path, { 'f.txt': 'outside' })
    using opened = ConfinedDir.open(ws, ['d'], false, anchored)
    renameSync(join(ws, 'd'), join(ws, 'd.moved'))
    symlinkSync(outside.path, join(ws, 'd'))
    const result = outcome(() => {
      const { fd } = opened.openFile('f.txt', constants.O_RDONLY)
      const text = readFileSync(fd, 'utf8')
      closeSync(fd)
      return text
    })
    // Anchored: the descriptor still names the folder first opened; otherwise the re-check notices the swap.
    expect(result).toBe(anchored ? 'ok inside' : "'d' changed while it was used (replaced or turned into a symlink); try again")
  })

  test.skipIf(skipReason('symlink'))('a workspace replaced by a symlink or a file is refused', () => {
    using dir = tempDir()
    const ws = realpathSync(dir.path)
    writeTree(ws, { real: {}, file: 'x' })
    symlinkSync(join(ws, 'real'), join(ws, 'link'))
    expect([outcome(() => ConfinedDir.root(join(ws, 'real'), anchored)), outcome(() => ConfinedDir.root(join(ws, 'link'), anchored)), outcome(() => ConfinedDir.root(join(ws, 'file'), anchored))]).toEqual([
      'opened .',
      "'.' is a symlink; symlinks are not followed",
      "'.' is not a folder",
    ])
  })
})
