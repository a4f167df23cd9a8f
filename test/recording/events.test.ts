import { describe, expect, test } from 'bun:test'
import { EventError, extraFields, KNOWN_DATA_FIELDS, MAX_EVENTS_PER_BATCH, parseEventsBody, parseSnapshot } from '../../src/recording'

// Overrides set to undefined remove the field, as it would be absent from JSON.
const message = (overrides: Record<string, unknown> = {}) =>
  JSON.parse(JSON.stringify({ session_id: 's1', event_type: 'message', data: { role: 'user', content: 'hello' }, ...overrides }))

/** The error a body is refused with, as plain data. */
function refusal(body: unknown, parse: (body: unknown) => unknown = parseEventsBody) {
  try {
    parse(body)
  } catch (error) {
    expect(error).toBeInstanceOf(EventError)
    const { code, message, eventId } = error as EventError
    return { code, message, eventId }
  }
  throw new Error('expected the body to be refused')
}

describe('parseEventsBody', () => {
  test('accepts the seed example and a batch, keeping extra data fields', () => {
    const seed = {
      session_id: 'abc123',
      event_type: 'message',
      data: { role: 'user', content: 'How do I implement auth?' },
    }
    expect<unknown>(parseEventsBody(seed)).toEqual({ events: [seed], batched: false })
    const batch = {
      events: [
        { session_id: 's', event_type: 'session_start', event_id: 'e1', timestamp: '2026-01-08T12:00:00Z', data: { title: 't', editor: 'vim' } },
        { session_id: 's', event_type: 'heartbeat', event_id: null, timestamp: 1767873600, data: {} },
        { session_id: 's', event_type: 'tool_result', data: { call_id: 'c', output: { lines: 3 } } },
      ],
    }
    expect<unknown>(parseEventsBody(batch)).toEqual({ events: batch.events, batched: true })
  })

  test('names the offending field precisely', () => {
    const cases: [unknown, string][] = [
      [message({ event_type: 'chat' }), `Invalid parameter 'event_type': must be one of "session_start", "message", "message_delta", "message_update", "tool_call", "tool_result", "session_update", "heartbeat", "session_end"`],
      [{ session_id: 's', event_type: 'messag' }, `Invalid parameter 'event_type': must be one of "session_start", "message", "message_delta", "message_update", "tool_call", "tool_result", "session_update", "heartbeat", "session_end"`],
      [message({ session_id: undefined }), "Invalid parameter 'session_id': is required"],
      [message({ session_id: '' }), "Invalid parameter 'session_id': must not be empty"],
      [message({ session_id: 7 }), "Invalid parameter 'session_id': expected string"],
      [message({ data: undefined }), "Invalid parameter 'data': is required"],
      [message({ data: [] }), "Invalid parameter 'data': expected object"],
      [message({ data: { role: 'bot', content: 'x' } }), `Invalid parameter 'data.role': must be one of "user", "assistant", "system", "tool"`],
      [message({ data: { role: 'user' } }), "Invalid parameter 'data.content': is required"],
      [message({ data: { role: 'user', content: 1 } }), "Invalid parameter 'data.content': expected string"],
      [message({ data: { role: 'user', content: '', tool_calls: [{ call_id: 'c' }] } }), "Invalid parameter 'data.tool_calls[0].name': is required"],
      [message({ event_id: 5 }), "Invalid parameter 'event_id': expected string or null"],
      [message({ timestamp: 'yesterday' }), "Invalid parameter 'timestamp': expected an ISO-8601 time or epoch seconds/milliseconds"],
      [message({ sessionId: 's1' }), "Invalid parameter 'sessionId': is not a known field"],
      [{ session_id: 's', event_type: 'message_delta', data: { content: 'x' } }, "Invalid parameter 'data.message_id': is required"],
      [{ session_id: 's', event_type: 'tool_call', data: { call_id: 'c', name: 'n' } }, "Invalid parameter 'data.input': is required"],
      [{ session_id: 's', event_type: 'tool_result', data: { call_id: 'c' } }, "Invalid parameter 'data.output': is required"],
      [{ events: [message(), message({ data: { role: 'user' } })] }, "Invalid parameter 'events[1].data.content': is required"],
      [{ events: [message(), 'text'] }, "Invalid parameter 'events[1]': an event must be a JSON object"],
      [{ events: [] }, "Invalid parameter 'events': expected at least one event"],
      [{ events: {} }, "Invalid parameter 'events': expected an array of events"],
      [{ events: [message()], extra: 1 }, `Invalid parameter 'extra': is not a known field (a batch is {"events": [...]})`],
      [[message()], 'Invalid body: expected a recording event object or {"events": [...]}'],
      ['text', 'Invalid body: expected a recording event object or {"events": [...]}'],
    ]
    for (const [body, expected] of cases) expect(refusal(body).message).toBe(expected)
  })

  test('errors carry the event_id of the offending event', () => {
    expect(refusal({ events: [message({ event_id: 'ok' }), message({ event_id: 'bad', data: {} })] })).toEqual({
      code: 'BAD_REQUEST',
      message: "Invalid parameter 'events[1].data.role': is required",
      eventId: 'bad',
    })
  })

  test(`refuses more than ${MAX_EVENTS_PER_BATCH} events per request`, () => {
    const events = Array.from({ length: 2000 }, (_, i) => message({ event_id: `e${i}` }))
    expect(refusal({ events }).message).toBe("Invalid parameter 'events': at most 1000 events per request (got 2000)")
    expect(parseEventsBody({ events: events.slice(0, MAX_EVENTS_PER_BATCH) }).events).toHaveLength(MAX_EVENTS_PER_BATCH)
  })
})

describe('extraFields', () => {
  test('returns only the fields the schema does not name', () => {
    expect(extraFields({ role: 'user', content: 'x', tokens: 3, agent: { name: 'a' } }, KNOWN_DATA_FIELDS.message)).toEqual({
      tokens: 3,
      agent: { name: 'a' },
    })
    expect(extraFields({ role: 'user', content: 'x' }, KNOWN_DATA_FIELDS.message)).toBeNull()
  })
})

describe('parseSnapshot', () => {
  test('accepts a complete session and refuses duplicate or bad messages', () => {
    const body = { session_id: 's', title: 't', messages: [{ role: 'user', content: 'hi', timestamp: '2026-01-08T12:00:00Z' }] }
    expect<unknown>(parseSnapshot(body)).toEqual(body)
    expect(refusal({ session_id: 's' }, parseSnapshot).message).toBe("Invalid parameter 'messages': is required")
    expect(refusal({ session_id: 's', messages: [], name: 'x' }, parseSnapshot).message).toBe("Invalid parameter 'name': is not a known field")
    expect(
      refusal({ session_id: 's', messages: [{ role: 'user', content: 'a' }, { message_id: 'msg-0', role: 'user', content: 'b' }] }, parseSnapshot)
        .message,
    ).toBe("Invalid parameter 'messages[1].message_id': 'msg-0' is also the id of messages[0]")
    expect(refusal({ session_id: 's', messages: [{ role: 'user', content: 'a', timestamp: 'soon' }] }, parseSnapshot).message).toBe(
      "Invalid parameter 'messages[0].timestamp': expected an ISO-8601 time or epoch seconds/milliseconds",
    )
  })
})
