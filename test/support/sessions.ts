import type { Message, SessionInput } from '../../src/db'

/** A small realistic session for read-side tests; override any field. */
export function sampleSession(overrides: Partial<SessionInput> = {}): SessionInput {
  const id = overrides.id ?? 'sess-1'
  return {
    id,
    provider: 'claude-code',
    origin: 'harvest',
    title: 'Fix the login flow',
    model: 'claude-sonnet-4-5',
    created: Date.parse('2026-01-08T10:00:00Z'),
    updated: Date.parse('2026-01-08T12:00:00Z'),
    workspace: { provider: overrides.provider ?? 'claude-code', key: '/home/me/app', name: 'app', path: '/home/me/app' },
    messages: [
      { role: 'user', content: 'How do I implement authentication?', timestamp: Date.parse('2026-01-08T10:00:00Z'), model: null },
      {
        id: `${id}-a1`,
        role: 'assistant',
        content: 'Use a session cookie and rotate the refresh token.',
        timestamp: Date.parse('2026-01-08T12:00:00Z'),
        model: 'claude-sonnet-4-5',
        toolInvocations: [{ id: `${id}-call-1`, name: 'Read', input: { path: 'src/auth.ts' }, output: 'export {}', status: 'ok' }],
      },
    ],
    ...overrides,
  }
}

/** The fields of an API message that most sources leave at their defaults. */
export const MESSAGE_DEFAULTS = { state: 'complete', error: null, hidden: false, usage: null, metadata: null } as const satisfies Partial<Message>

/** A message's token usage with the counts given and the others not recorded. */
export const usage = (counts: Partial<NonNullable<Message['usage']>>): NonNullable<Message['usage']> => ({
  inputTokens: null,
  outputTokens: null,
  cacheReadTokens: null,
  cacheWrite5mTokens: null,
  cacheWrite1hTokens: null,
  ...counts,
})
