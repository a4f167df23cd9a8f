import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { applyMutation, replayMutationLog } from '../../../../src/harvest/providers/copilot/jsonl'
import { tempHome } from '../../../support/temp'

/** Applies entries in order, collecting rejected ones. */
function replay(entries: unknown[], start?: unknown): { state: unknown; errors: string[] } {
  let state = start
  const errors: string[] = []
  for (const entry of entries) {
    const result = applyMutation(state, entry)
    if ('error' in result) errors.push(result.error)
    else state = result.state
  }
  return { state, errors }
}

const request = (id: string, response: unknown[] = []) => ({ requestId: id, message: { text: id }, response })

describe('applyMutation: the mutation log of VS Code ≥ 1.109', () => {
  test('initial, set, push, splice, truncate and delete replay to the exact state', () => {
    const { state, errors } = replay([
      { kind: 0, v: { sessionId: 's', customTitle: 'draft', requests: [] } },
      { kind: 2, k: ['requests'], v: [request('r1')] },
      // A push addressed to a response appends response parts; it never touches the request list.
      { kind: 2, k: ['requests', 0, 'response'], v: [{ value: 'Hel' }] },
      { kind: 2, k: ['requests', 0, 'response'], v: [{ value: 'lo' }, { kind: 'toolInvocationSerialized', toolCallId: 'c1' }] },
      { kind: 1, k: ['requests', 0, 'modelState'], v: { value: 1, completedAt: 5 } },
      { kind: 2, k: ['requests'], v: [request('r2'), request('r3')] },
      // r2 changed identity: VS Code truncates to its index and pushes the rest again.
      { kind: 2, k: ['requests'], i: 1, v: [request('r2b'), request('r3')] },
      // A push with `i` and no `v` only truncates (a retried request removed).
      { kind: 2, k: ['requests'], i: 2 },
      { kind: 3, k: ['customTitle'] },
      { kind: 1, k: ['requests', 1, 'message', 'text'], v: 'edited' },
      // A missing array is created by a push.
      { kind: 2, k: ['requests', 1, 'editedFileEvents'], v: [{ eventKind: 1 }] },
    ])
    expect(errors).toEqual([])
    expect(state).toEqual({
      sessionId: 's',
      requests: [
        { ...request('r1', [{ value: 'Hel' }, { value: 'lo' }, { kind: 'toolInvocationSerialized', toolCallId: 'c1' }]), modelState: { value: 1, completedAt: 5 } },
        { requestId: 'r2b', message: { text: 'edited' }, response: [], editedFileEvents: [{ eventKind: 1 }] },
      ],
    })
    expect((state as { customTitle?: string }).customTitle).toBeUndefined()
  })

  test('a later initial entry (compaction) replaces everything before it', () => {
    const { state } = replay([
      { kind: 0, v: { sessionId: 's', requests: [request('old')] } },
      { kind: 2, k: ['requests'], v: [request('older')] },
      { kind: 0, v: { sessionId: 's', requests: [request('compacted')] } },
      { kind: 1, k: ['customTitle'], v: 'after' },
    ])
    expect(state).toEqual({ sessionId: 's', customTitle: 'after', requests: [request('compacted')] })
  })

  test('a set at the empty path is ignored, as VS Code ignores it', () => {
    expect(replay([{ kind: 0, v: { a: 1 } }, { kind: 1, k: [], v: { b: 2 } }])).toEqual({ state: { a: 1 }, errors: [] })
  })

  test('entries VS Code could not apply are rejected with a reason and change nothing', () => {
    const start = { sessionId: 's', customTitle: 't', requests: [request('r1')] }
    const { state, errors } = replay(
      [
        'not an object',
        { kind: 7, k: ['requests'] },
        { kind: 1, v: 'no path' },
        { kind: 1, k: 'customTitle', v: 'path is not an array' },
        { kind: 1, k: ['requests', 1.5], v: 'fractional index' },
        { kind: 1, k: ['__proto__', 'polluted'], v: true },
        { kind: 1, k: ['requests', 4, 'response'], v: [] },
        { kind: 2, k: ['customTitle'], v: ['x'] },
        { kind: 2, k: ['requests'], i: 9, v: [] },
        { kind: 2, k: ['requests'], i: -1 },
        { kind: 2, k: ['requests'], v: 'not an array' },
        { kind: 2, k: [], v: [] },
        { kind: 0 },
      ],
      structuredClone(start),
    )
    expect(errors).toEqual([
      'entry is not a JSON object',
      'unknown entry kind 7',
      'entry has no valid key path',
      'entry has no valid key path',
      'entry has no valid key path',
      'entry has no valid key path',
      'path .requests[4].response does not exist',
      'path .customTitle is not an array',
      'push at .requests has an invalid start index',
      'push at .requests has an invalid start index',
      'push at .requests has no item array',
      'push at the root',
      'initial entry has no value',
    ])
    expect(state).toEqual(start)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('set, push and delete before any initial entry are rejected', () => {
    expect(replay([{ kind: 1, k: ['a'], v: 1 }, { kind: 2, k: ['a'], v: [] }, { kind: 3, k: ['a'] }]).errors).toEqual([
      'entry before the initial state',
      'entry before the initial state',
      'entry before the initial state',
    ])
  })
})

describe('replayMutationLog: streaming a .jsonl file', () => {
  const initial = JSON.stringify({ kind: 0, v: { sessionId: 's', requests: [] } })
  const push = JSON.stringify({ kind: 2, k: ['requests'], v: [request('r1')] })

  test('BOM, CRLF and blank lines are tolerated', async () => {
    using home = tempHome({ 'a.jsonl': `\uFEFF${initial}\r\n\r\n${push}\r\n` })
    expect(await replayMutationLog(join(home.path, 'a.jsonl'))).toEqual({
      state: { sessionId: 's', requests: [request('r1')] },
      problems: [],
      incomplete: false,
    })
  })

  test('a cut-off last line is dropped and marks the log incomplete', async () => {
    using home = tempHome({ 'a.jsonl': `${initial}\n${push}\n{"kind":1,"k":["cust` })
    expect(await replayMutationLog(join(home.path, 'a.jsonl'))).toEqual({
      state: { sessionId: 's', requests: [request('r1')] },
      problems: ['line 3: incomplete last line dropped'],
      incomplete: true,
    })
  })

  test('a complete last line without a newline is applied', async () => {
    using home = tempHome({ 'a.jsonl': `${initial}\n${push}` })
    expect((await replayMutationLog(join(home.path, 'a.jsonl'))).state).toEqual({ sessionId: 's', requests: [request('r1')] })
  })

  test('a file of bad lines yields a capped problem list', async () => {
    using home = tempHome({ 'a.jsonl': `${initial}\n${'{bad\n'.repeat(30)}` })
    const { state, problems } = await replayMutationLog(join(home.path, 'a.jsonl'))
    expect(state).toEqual({ sessionId: 's', requests: [] })
    expect(problems).toHaveLength(21)
    expect(problems[0]).toStartWith('line 2: invalid JSON (')
    expect(problems[20]).toBe('…and 10 more problems')
  })

  test('an empty file, a log without an initial entry and a missing file are reported', async () => {
    using home = tempHome({ 'empty.jsonl': '\n\n', 'headless.jsonl': `${push}\n` })
    expect(await replayMutationLog(join(home.path, 'empty.jsonl'))).toEqual({ state: undefined, problems: ['empty file'], incomplete: false })
    expect(await replayMutationLog(join(home.path, 'headless.jsonl'))).toEqual({
      state: undefined,
      problems: ['line 1: entry before the initial state', 'no initial state'],
      incomplete: false,
    })
    const missing = await replayMutationLog(join(home.path, 'missing.jsonl'))
    expect(missing.problems).toEqual([expect.stringMatching(/^read failed: /)])
  })
})
