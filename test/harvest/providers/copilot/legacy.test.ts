import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { LEGACY_KEY, readLegacySessions } from '../../../../src/harvest/providers/copilot/legacy'
import { probeStateDb } from '../../../../src/harvest/providers/copilot/state-db'
import { tempHome } from '../../../support/temp'
import { stateDb } from './support'

const sessions = JSON.stringify([{ sessionId: 'a', requests: [] }])

describe('legacy interactive.sessions', () => {
  test('probe: the key row fingerprints the value; no key, or no database, is told apart', () => {
    using home = tempHome({
      with: stateDb([['other', 'x'], [LEGACY_KEY, sessions]]),
      without: stateDb([['other', 'x']]),
      garbage: 'not a database at all, just text that is long enough',
    })
    const probe = (name: string) => probeStateDb(join(home.path, name)).legacy
    expect(probe('with')).toEqual({ kind: 'present', fingerprint: `rowid:2/${sessions.length}` })
    expect(probe('without')).toEqual({ kind: 'absent' })
    expect(probe('garbage')).toEqual({ kind: 'unreadable', reason: 'file is not a database' })
  })

  test('a value stored as a UTF-8 BLOB reads like TEXT', async () => {
    using home = tempHome({ 'state.vscdb': stateDb([[LEGACY_KEY, new TextEncoder().encode(sessions)]]) })
    expect(await readLegacySessions(join(home.path, 'state.vscdb'))).toEqual({ sessions: [{ sessionId: 'a', requests: [] }], problems: [] })
  })

  test('an unusable state.vscdb falls back to state.vscdb.backup, and says so', async () => {
    using home = tempHome({ 'state.vscdb': 'garbage bytes, not SQLite', 'state.vscdb.backup': stateDb([[LEGACY_KEY, sessions]]) })
    const path = join(home.path, 'state.vscdb')
    expect(await readLegacySessions(path)).toEqual({
      sessions: [{ sessionId: 'a', requests: [] }],
      problems: [`cannot read ${path}: file is not a database`],
    })
  })

  test('a value that is not a JSON array is reported', async () => {
    using home = tempHome({ object: stateDb([[LEGACY_KEY, '{"sessionId":"a"}']]), broken: stateDb([[LEGACY_KEY, '[{']]) })
    expect(await readLegacySessions(join(home.path, 'object'))).toEqual({ sessions: [], problems: [`${LEGACY_KEY} is not an array`] })
    expect(await readLegacySessions(join(home.path, 'broken'))).toEqual({
      sessions: [],
      problems: [expect.stringMatching(/^interactive\.sessions is not valid JSON \(.+\)$/)],
    })
  })
})
