import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { loadSessionJson } from '../../../../src/harvest/providers/copilot/json'
import { tempHome, touch } from '../../../support/temp'

describe('loadSessionJson', () => {
  test('a BOM and the NUL padding of a crash-truncated rewrite are tolerated', async () => {
    using home = tempHome({ 'a.json': '\uFEFF{"sessionId":"s","requests":[]}\n\0\0\0' })
    expect(await loadSessionJson(join(home.path, 'a.json'))).toEqual({ state: { sessionId: 's', requests: [] }, problems: [] })
  })

  test('a recently written broken file is retried once, then reported', async () => {
    using home = tempHome({ 'a.json': '{"sessionId":' })
    expect(await loadSessionJson(join(home.path, 'a.json'), 1)).toEqual({
      state: undefined,
      problems: [expect.stringMatching(/^invalid JSON \(.+\)$/)],
    })
  })

  test('an old broken file is reported without waiting for a rewrite', async () => {
    using home = tempHome({ 'a.json': '' })
    touch(join(home.path, 'a.json'), new Date('2020-01-01T00:00:00Z'))
    // A retry would wait a minute and time the test out.
    expect(await loadSessionJson(join(home.path, 'a.json'), 60_000)).toEqual({ state: undefined, problems: ['empty file'] })
  })

  test('a missing file is reported', async () => {
    using home = tempHome({})
    expect(await loadSessionJson(join(home.path, 'gone.json'))).toEqual({
      state: undefined,
      problems: [expect.stringMatching(/^read failed: ENOENT/)],
    })
  })
})
