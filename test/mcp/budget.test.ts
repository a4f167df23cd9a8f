import { expect, test } from 'bun:test'
import type { Message } from '../../src/db'
import { charsFor, estimateTokens, shrinkMessage } from '../../src/mcp/budget'

const message: Message = {
  id: 'm1',
  index: 3,
  role: 'assistant',
  content: 'x'.repeat(20_000),
  timestamp: '2026-01-08T12:00:00.000Z',
  model: 'gpt-5',
  state: 'complete',
  error: null,
  hidden: false,
  usage: null,
  metadata: { attachments: ['y'.repeat(5_000)] },
  toolInvocations: [{ id: 't1', name: 'read_file', input: { path: 'src/a.ts', text: 'z'.repeat(10_000) }, output: 'o'.repeat(8_000), status: 'completed' }],
}

test('a shrunk message fits its budget and keeps what identifies it', () => {
  for (const chars of [2_000, 8_000, 30_000]) {
    const shrunk = shrinkMessage(message, chars)
    expect(JSON.stringify(shrunk).length).toBeLessThanOrEqual(chars)
    expect(shrunk).toMatchObject({ id: 'm1', index: 3, role: 'assistant', timestamp: message.timestamp, model: 'gpt-5', state: 'complete' })
    expect(shrunk.content).toMatch(/^x+… \[cut: \d+ more characters\]$/)
    expect(shrunk.toolInvocations[0]!.output).toMatch(/^o+… \[cut: \d+ more characters\]$/)
  }
})

test('a message that fits is returned as it was', () => {
  const small = { ...message, content: 'hi', metadata: null, toolInvocations: [] }
  expect(shrinkMessage(small, 10_000)).toEqual(small)
})

test('token estimates: about 3.5 characters of JSON per token', () => {
  expect(estimateTokens('a'.repeat(698))).toBe(200)
  expect(charsFor(1000)).toBe(3500)
})
