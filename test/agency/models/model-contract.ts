import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { ModelProvider } from '../../../src/agency'
import {
  createModelClient,
  DEFAULT_HTTP_POLICY,
  ModelError,
  resolveEndpoint,
  type ChatMessage,
  type HttpPolicy,
  type ModelClient,
} from '../../../src/agency/models'
import type { ModelAgent } from '../../../src/agency/models'
import { toolSpecs } from '../../../src/agency/tools'
import { latch, startFakeModels, type FakeModels, type Protocol, type ScriptedReply } from '../support/fake-models'

/** How one provider's client looks on the wire, for the shared suite. */
export interface ModelSubject {
  provider: ModelProvider
  /** The model name the agent is configured with, and the one the server must receive. */
  model: string
  wireModel: string
  protocol: Protocol
  /** The credential header the server must see (null: none is sent). */
  auth: string | null
  /** What the protocol keeps: call ids on the way back (Gemini matches by name) and an error flag on tool results. */
  keepsCallIds: boolean
  keepsToolErrorFlag: boolean
  /** The tool parameter schema as it must arrive (Gemini accepts only a subset of JSON Schema). */
  wireSchema: (schema: Record<string, unknown>) => Record<string, unknown>
}

const fastPolicy = (overrides: Partial<HttpPolicy> = {}): HttpPolicy => ({ ...DEFAULT_HTTP_POLICY, baseDelayMs: 1, maxDelayMs: 5, ...overrides })

/**
 * The contract every model adapter passes against a loopback server speaking its vendor's real wire
 * format: system prompt, settings, tools and tool calls both ways, retries on 429/5xx only, abort, timeout.
 */
export function modelContract(subject: ModelSubject): void {
  describe(`ModelClient contract: ${subject.provider} (${subject.protocol} wire format)`, () => {
    let replies: ScriptedReply[] = []
    let fake: FakeModels
    beforeAll(() => {
      fake = startFakeModels(() => replies.shift() ?? { status: 500, text: 'script exhausted' })
    })
    afterAll(() => fake.stop())

    const agent: ModelAgent = {
      name: 'contract-agent',
      model: subject.model,
      provider: subject.provider,
      instruction: 'You are terse.',
      temperature: 0.3,
      maxTokens: 256,
    }
    const client = (policy = fastPolicy(), overrides: Partial<ModelAgent> = {}): ModelClient => {
      const configured = { ...agent, ...overrides }
      return createModelClient(configured, resolveEndpoint(configured, fake.env()), policy)
    }
    const script = (...list: ScriptedReply[]) => {
      replies = list
      fake.requests.length = 0
    }

    test('sends the instruction as system prompt with the settings, and returns text and usage', async () => {
      script({ text: 'Hello there.', usage: { input: 12, output: 3 } })
      const reply = await client().chat([{ role: 'user', content: 'Hi' }], [])
      expect(reply).toEqual({ text: 'Hello there.', toolCalls: [], usage: { input: 12, output: 3 } })
      const { body: _body, path: _path, ...received } = fake.requests[0]!
      expect(received).toEqual({
        protocol: subject.protocol,
        model: subject.wireModel,
        auth: subject.auth,
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'Hi' }],
        tools: [],
        temperature: 0.3,
        maxTokens: 256,
      })
    })

    test("offers tools in the vendor's format and reads the tool calls it answers with", async () => {
      script({
        text: 'Let me check.',
        toolCalls: [
          { id: 'call_calc', name: 'calculator', arguments: { expression: '6*7' } },
          { id: 'call_read', name: 'file_read', arguments: { path: 'README.md' } },
        ],
      })
      const specs = toolSpecs(['calculator', 'file_read'])
      const reply = await client().chat([{ role: 'user', content: 'What is 6*7? Also read the readme.' }], specs)
      expect(reply).toEqual({
        text: 'Let me check.',
        toolCalls: [
          { id: subject.keepsCallIds ? 'call_calc' : 'call_0', name: 'calculator', arguments: { expression: '6*7' } },
          { id: subject.keepsCallIds ? 'call_read' : 'call_1', name: 'file_read', arguments: { path: 'README.md' } },
        ],
        usage: { input: 10, output: 5 },
      })
      expect(fake.requests[0]!.tools).toEqual(specs.map((spec) => ({ ...spec, parameters: subject.wireSchema(spec.parameters) })))
    })

    test('sends a whole tool conversation back: calls, results and tool errors', async () => {
      script({ text: 'It is 42; the readme is missing.' })
      const conversation: ChatMessage[] = [
        { role: 'user', content: 'What is 6*7? Also read the readme.' },
        {
          role: 'assistant',
          content: 'Let me check.',
          toolCalls: [
            { id: 'call_calc', name: 'calculator', arguments: { expression: '6*7' } },
            { id: 'call_read', name: 'file_read', arguments: { path: 'README.md' } },
          ],
        },
        { role: 'tool', callId: 'call_calc', name: 'calculator', content: '42', isError: false },
        { role: 'tool', callId: 'call_read', name: 'file_read', content: 'no such file: README.md', isError: true },
        { role: 'user', content: 'Answer now.' },
      ]
      const reply = await client().chat(conversation, toolSpecs(['calculator', 'file_read']))
      expect(reply.text).toBe('It is 42; the readme is missing.')
      const onTheWire = conversation.map((message): ChatMessage => {
        if (message.role === 'assistant' && !subject.keepsCallIds) return { ...message, toolCalls: message.toolCalls.map((c) => ({ ...c, id: '' })) }
        if (message.role === 'tool') {
          return { ...message, callId: subject.keepsCallIds ? message.callId : '', isError: subject.keepsToolErrorFlag ? message.isError : false }
        }
        return message
      })
      expect(fake.requests[0]!.messages).toEqual(onTheWire)
    })

    test('retries 500 and 429 (honouring retry-after), then succeeds', async () => {
      script({ status: 500, text: 'boom' }, { status: 429, retryAfter: '0', text: 'slow down' }, { text: 'ok' })
      const reply = await client().chat([{ role: 'user', content: 'Hi' }], [])
      expect(reply.text).toBe('ok')
      expect(fake.requests.length).toBe(3)
    })

    test('gives up after its retries with the status and the vendor message', async () => {
      script(...Array.from({ length: 5 }, () => ({ status: 503, text: 'overloaded' })))
      const error = await client(fastPolicy({ retries: 2 })).chat([{ role: 'user', content: 'Hi' }], []).catch((e) => e)
      expect(error).toBeInstanceOf(ModelError)
      expect({ status: error.status, message: error.message }).toEqual({ status: 503, message: `${subject.protocol}: HTTP 503: overloaded` })
      expect(fake.requests.length).toBe(3)
    })

    test('does not retry a client error', async () => {
      script({ status: 401, text: 'invalid api key' }, { text: 'never sent' })
      const error = await client().chat([{ role: 'user', content: 'Hi' }], []).catch((e) => e)
      expect({ status: error.status, retryable: error.retryable, message: error.message }).toEqual({
        status: 401,
        retryable: false,
        message: `${subject.protocol}: HTTP 401: invalid api key`,
      })
      expect(fake.requests.length).toBe(1)
    })

    test('aborts an in-flight call at once, with the caller’s reason', async () => {
      const never = latch()
      script({ text: 'too late', hold: never.promise })
      const controller = new AbortController()
      const pending = client().chat([{ role: 'user', content: 'Hi' }], [], { signal: controller.signal }).catch((e) => e)
      await fake.received(1)
      const reason = new Error('user stopped the run')
      controller.abort(reason)
      expect(await pending).toBe(reason)
      never.release()
    })

    test('fails after its timeout without retrying', async () => {
      const never = latch()
      script({ text: 'too late', hold: never.promise }, { text: 'never sent' })
      const error = await client(fastPolicy({ timeoutMs: 50 })).chat([{ role: 'user', content: 'Hi' }], []).catch((e) => e)
      expect({ message: error.message, retryable: error.retryable }).toEqual({ message: `${subject.protocol}: no answer within 50 ms`, retryable: false })
      expect(fake.requests.length).toBe(1)
      never.release()
    })

    test('rejects a reply that is not in the vendor format', async () => {
      script({ raw: { unexpected: true } })
      const error = await client().chat([{ role: 'user', content: 'Hi' }], []).catch((e) => e)
      expect(error).toBeInstanceOf(ModelError)
      expect(error.retryable).toBe(false)
    })
  })
}
