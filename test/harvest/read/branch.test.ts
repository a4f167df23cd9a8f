import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { activeBranch } from '../../../src/harvest/read/branch'
import { tempDir } from '../../support/temp'

async function branchOf(lines: unknown[]): Promise<string[] | null> {
  using dir = tempDir()
  const path = join(dir.path, 'tree.jsonl')
  await Bun.write(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`)
  const branch = await activeBranch(path, 'id', 'parent')
  return branch === null ? null : [...branch].sort()
}

describe('activeBranch', () => {
  test('the path from the last record to the root; abandoned branches are left out', async () => {
    expect(await branchOf([{ id: 'a', parent: null }, { id: 'b', parent: 'a' }, { id: 'c', parent: 'b' }, { id: 'd', parent: 'a' }])).toEqual(['a', 'd'])
  })

  test('a file without parent fields is linear: null, every record counts', async () => {
    expect(await branchOf([{ id: 'a' }, { id: 'b' }])).toBeNull()
  })

  test('a cycle or a parent that is not in the file ends the walk', async () => {
    expect(await branchOf([{ id: 'a', parent: 'c' }, { id: 'b', parent: 'a' }, { id: 'c', parent: 'b' }])).toEqual(['a', 'b', 'c'])
    expect(await branchOf([{ id: 'x', parent: 'gone' }])).toEqual(['x'])
  })

  test('the first record of a repeated id keeps its parent; bad lines are passed over', async () => {
    using dir = tempDir()
    const path = join(dir.path, 'tree.jsonl')
    await Bun.write(path, '{"id":"a","parent":null}\nnot json\n{"id":"b","parent":"a"}\n{"id":"a","parent":"b"}\n')
    expect([...(await activeBranch(path, 'id', 'parent'))!].sort()).toEqual(['a'])
  })
})
