import { createRecorder, type Recorder, type RecorderOptions } from '../../src/recording'
import { openTestDb } from '../support/db'

/** A settable clock starting at 2026-01-08T12:00:00Z. */
export function testClock(start = Date.parse('2026-01-08T12:00:00.000Z')) {
  let now = start
  const clock = () => now
  return Object.assign(clock, {
    advance(ms: number) {
      now += ms
    },
  })
}

/** A recorder over a fresh temp database, with a controllable clock; disposed with the database. */
export function testRecorder(options: Omit<RecorderOptions, 'clock'> = {}) {
  const db = openTestDb()
  const clock = testClock()
  const recorder: Recorder = createRecorder(db, { ...options, clock })
  return { db, clock, recorder, [Symbol.dispose]: () => db[Symbol.dispose]() }
}

/** Events in the seed's format, for brevity in tests. */
export const event = (
  session_id: string,
  event_type: string,
  data: Record<string, unknown> = {},
  extra: { event_id?: string; timestamp?: string | number } = {},
) => ({ session_id, event_type, data, ...extra })

/** Every row the recorder may touch, to prove that a refused request changed nothing. */
export function dumpTables(sqlite: import('bun:sqlite').Database) {
  const all = (table: string) => sqlite.query(`SELECT * FROM ${table} ORDER BY rowid`).all()
  return {
    sessions: all('sessions'),
    messages: all('messages'),
    tools: all('tool_invocations'),
    workspaces: all('workspaces'),
    events: all('recording_events'),
    states: all('recording_sessions'),
  }
}
