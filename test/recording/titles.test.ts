import { describe, expect, test } from 'bun:test'
import { getSession } from '../../src/db'
import { searchSessions } from '../../src/search'
import { event, testRecorder } from './support'

describe('issue 15: recorded sessions follow the title rule', () => {
  test('the first user message gives the title unless session_start or session_update gave one', () => {
    using t = testRecorder()
    const title = (id: string) => getSession(t.db.sqlite, id).title
    t.recorder.apply({
      events: [event('a', 'message', { role: 'assistant', content: 'Hi, how can I help?' }), event('a', 'message', { role: 'user', content: '\n  Fix the flaky upload test\nIt fails on CI.' })],
    })
    expect(title('a')).toBe('Fix the flaky upload test')

    t.recorder.apply(event('b', 'session_start', { title: 'Named by the editor' }))
    t.recorder.apply(event('b', 'message', { role: 'user', content: 'Something else' }))
    expect(title('b')).toBe('Named by the editor')

    t.recorder.apply(event('a', 'session_update', { title: 'Renamed' }))
    expect(title('a')).toBe('Renamed')
    // Taking the explicit title back leaves the rule's own.
    t.recorder.apply(event('a', 'session_update', { title: null }))
    expect(title('a')).toBe('Fix the flaky upload test')

    t.recorder.apply(event('c', 'message', { role: 'assistant', content: 'No user yet' }))
    expect(title('c')).toBeNull()
    t.recorder.apply(event('c', 'message', { role: 'user', content: 'x'.repeat(100) }))
    expect(title('c')).toBe(`${'x'.repeat(79)}…`)
  })

  test('the derived title is what search finds and shows', () => {
    using t = testRecorder()
    t.recorder.apply(event('s', 'message', { role: 'user', content: 'Quarterly invoice export' }))
    const [hit] = searchSessions(t.db.sqlite, 'quarterly', { limit: 5 })
    expect(hit).toMatchObject({ sessionId: 's', title: 'Quarterly invoice export' })
  })
})
