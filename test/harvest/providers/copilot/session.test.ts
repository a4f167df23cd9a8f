import { describe, expect, test } from 'bun:test'
import type { SessionPart } from '../../../../src/harvest'
import { sessionParts, titleFromMessage, type SessionOrigin } from '../../../../src/harvest/providers/copilot/session'

describe('titleFromMessage', () => {
  test.each([
    ['fix the bug', 'fix the bug'],
    ['  first line  \nsecond line', 'first line'],
    // VS Code keeps the first 200 UTF-16 units of the first line (`ChatModel.getDefaultTitle`), no ellipsis.
    ['x'.repeat(200), 'x'.repeat(200)],
    ['x'.repeat(201), 'x'.repeat(200)],
    // An emoji is never cut in half.
    [`${'a'.repeat(199)}🚀🚀`, 'a'.repeat(199)],
    [`${'a'.repeat(198)}🚀🚀`, `${'a'.repeat(198)}🚀`],
    [`${'word '.repeat(60)}`, `${'word '.repeat(40).trimEnd()}`],
    ['   \n  ', null],
  ])('%p', (text, title) => {
    expect(titleFromMessage(text)).toBe(title)
  })
})

const origin: SessionOrigin = { fallbackId: 'from-file', workspace: null, incomplete: false, metadata: { format: 'json' } }
const messagesOf = (parts: SessionPart[]) => parts.flatMap((part) => (part.kind === 'message' ? [part.message] : []))
const headerOf = (parts: SessionPart[]) => parts.find((part) => part.kind === 'session')

describe('sessionParts', () => {
  test('an object that is not a session is a problem', () => {
    expect(sessionParts([1, 2], origin)).toEqual([{ kind: 'problem', message: 'session is not a JSON object' }])
    expect(sessionParts({ requests: [] }, { ...origin, fallbackId: null })).toEqual([{ kind: 'problem', message: 'session has no sessionId' }])
  })

  test('a version 1 session: no id (the file stem is used), a plain-string response, no times', () => {
    const parts = sessionParts({ requests: [{ message: { text: 'hi' }, response: 'hello **there**' }] }, origin)
    expect(parts).toEqual([
      { kind: 'session', session: { id: 'from-file', title: 'hi', model: null, created: null, updated: null, workspace: null, incomplete: false, metadata: { format: 'json' } } },
      { kind: 'message', message: { id: null, role: 'user', content: 'hi', timestamp: null, model: null } },
      { kind: 'message', message: { id: null, role: 'assistant', content: 'hello **there**', timestamp: null, model: null, toolInvocations: [], state: 'complete', error: null, metadata: null } },
    ])
  })

  test('timestamps in seconds or ISO strings are normalized to epoch ms', () => {
    const parts = sessionParts(
      { sessionId: 's', creationDate: 1767610000, lastMessageDate: '2026-01-05T10:47:22Z', requests: [{ requestId: 'r', timestamp: 1767610001, message: { text: 'q' } }] },
      origin,
    )
    const header = headerOf(parts)
    expect(header?.kind === 'session' && [header.session.created, header.session.updated]).toEqual([1767610000000, 1767610042000])
    expect(messagesOf(parts).map((m) => m.timestamp)).toEqual([1767610001000])
  })

  test('markdown content parts, vulnerabilities and symbol references join into one text; unknown parts are skipped', () => {
    const parts = sessionParts(
      {
        sessionId: 's',
        requests: [
          {
            requestId: 'r',
            message: { text: 'q' },
            response: [
              { kind: 'markdownContent', content: { value: 'See ' } },
              { kind: 'inlineReference', inlineReference: { name: 'parseArgs', kind: 12, location: { uri: { scheme: 'file', path: '/a/cli.ts' } } } },
              { kind: 'codeblockUri', uri: { scheme: 'file', path: '/a/cli.ts' } },
              { kind: 'inlineReference', inlineReference: { uri: { scheme: 'file', path: '/a/cli.ts' }, range: {} } },
              { kind: 'inlineReference', name: 'the docs', inlineReference: { scheme: 'https', path: '/docs' } },
              { kind: 'markdownVuln', content: { value: ' and fix it.' }, vulnerabilities: [] },
              { kind: 'progressMessage', content: { value: 'Searching…' } },
              { kind: 'somethingNew', value: 'ignored' },
              42,
            ],
          },
        ],
      },
      origin,
    )
    expect(messagesOf(parts)[1]?.content).toBe('See parseArgscli.tsthe docs and fix it.')
  })

  test('tool statuses, inputs and outputs from every place VS Code and Copilot keep them', () => {
    const tool = (extra: Record<string, unknown>) => ({ kind: 'toolInvocationSerialized', toolId: 't', isComplete: true, isConfirmed: { type: 1 }, invocationMessage: 'Running', ...extra })
    const parts = sessionParts(
      {
        sessionId: 's',
        requests: [
          {
            requestId: 'r',
            message: { text: 'q' },
            result: {
              metadata: {
                toolCallRounds: [{ response: '', toolCalls: [{ id: 'c1', name: 'grep', arguments: '{"query":"TODO"}' }] }],
                toolCallResults: { c1: { content: [{ $mid: 20, value: 'src/a.ts:3: TODO' }] } },
              },
            },
            response: [
              tool({ toolCallId: 'c1', toolId: 'grep' }),
              tool({ toolCallId: 'c2', isConfirmed: { type: 5 } }),
              tool({ toolCallId: 'c3', isComplete: false }),
              tool({ toolCallId: 'c4', resultDetails: { input: 'not json', output: [{ type: 'embed', isText: true, value: 'boom' }], isError: true } }),
              tool({ toolCallId: 'c5', toolSpecificData: { kind: 'simpleToolInvocation', input: '{"a":1}', output: 'done' } }),
              tool({ toolCallId: 'c6', toolSpecificData: { kind: 'todoList', todoList: [{ id: '1', title: 'x', status: 'completed' }] }, pastTenseMessage: { value: 'Updated todos' } }),
              tool({ toolSpecificData: { kind: 'terminal', commandLine: { original: 'ls', userEdited: 'ls -la' }, language: 'sh', terminalCommandState: { exitCode: 0 } } }),
              tool({ toolId: 42, toolCallId: 'c8', isConfirmed: { type: 0 }, resultDetails: [{ scheme: 'file', path: '/a' }] }),
            ],
          },
        ],
      },
      origin,
    )
    expect(messagesOf(parts)[1]?.toolInvocations).toEqual([
      { id: 'c1', name: 'grep', input: { query: 'TODO' }, output: 'src/a.ts:3: TODO', status: 'completed' },
      { id: 'c2', name: 't', input: null, output: 'Running', status: 'skipped' },
      { id: 'c3', name: 't', input: null, output: 'Running', status: 'incomplete' },
      { id: 'c4', name: 't', input: 'not json', output: 'boom', status: 'error' },
      { id: 'c5', name: 't', input: { a: 1 }, output: 'done', status: 'completed' },
      { id: 'c6', name: 't', input: { todoList: [{ id: '1', title: 'x', status: 'completed' }] }, output: 'Updated todos', status: 'completed' },
      { id: null, name: 't', input: { command: 'ls -la', language: 'sh' }, output: 'Running', status: 'completed' },
      { id: 'c8', name: 'unknown', input: null, output: 'Running', status: 'denied' },
    ])
  })

  test('a failed request keeps its error; a cancelled one with no answer keeps its state in an empty answer', () => {
    const parts = sessionParts(
      {
        sessionId: 's',
        requests: [
          { requestId: 'r1', timestamp: 1000000000000, message: { text: 'a' }, response: [], result: { errorDetails: { message: 'Rate limited' } }, modelState: { value: 3 } },
          { requestId: 'r2', timestamp: 1000000001000, message: { text: 'b' }, response: [], modelState: { value: 2, completedAt: 1000000002000 } },
        ],
      },
      origin,
    )
    expect(messagesOf(parts)).toEqual([
      { id: 'r1', role: 'user', content: 'a', timestamp: 1000000000000, model: null },
      { id: 'r1:response', role: 'assistant', content: '', timestamp: 1000000000000, model: null, toolInvocations: [], state: 'failed', error: 'Rate limited', metadata: null },
      { id: 'r2', role: 'user', content: 'b', timestamp: 1000000001000, model: null },
      // VS Code shows the cancelled (empty) response; chasm keeps it so the turn's state is not lost.
      { id: 'r2:response', role: 'assistant', content: '', timestamp: 1000000002000, model: null, toolInvocations: [], state: 'cancelled', error: null, metadata: null },
    ])
  })

  test('a title falls back from customTitle to a v2 computedTitle to the first non-empty user message', () => {
    const title = (data: Record<string, unknown>) => {
      const header = headerOf(sessionParts({ sessionId: 's', requests: [{ message: { text: '' } }, { message: { text: 'second' } }], ...data }, origin))
      return header?.kind === 'session' ? header.session.title : undefined
    }
    expect([title({ customTitle: ' Mine ' }), title({ customTitle: '', computedTitle: 'Computed' }), title({})]).toEqual(['Mine', 'Computed', 'second'])
  })
})
