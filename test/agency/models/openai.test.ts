import { describe, expect, test } from 'bun:test'
import { createModelClient, DEFAULT_HTTP_POLICY, resolveEndpoint, type ModelAgent } from '../../../src/agency/models'
import { openAiClient } from '../../../src/agency/models/openai'
import { startFakeModels } from '../support/fake-models'
import { modelContract } from './model-contract'

const identity = (schema: Record<string, unknown>) => schema
const openAiWire = { protocol: 'openai', keepsCallIds: true, keepsToolErrorFlag: false, wireSchema: identity } as const

modelContract({ ...openAiWire, provider: 'openai', model: 'gpt-4o', wireModel: 'gpt-4o', auth: 'Bearer sk-test-openai' })
modelContract({ ...openAiWire, provider: 'ollama', model: 'ollama/llama3.2', wireModel: 'llama3.2', auth: null })
modelContract({ ...openAiWire, provider: 'openai-compatible', model: 'openai-compatible/qwen2.5-coder', wireModel: 'qwen2.5-coder', auth: 'Bearer sk-test-openai' })

describe('openai adapter specifics', () => {
  const settings = { model: 'o3-mini', system: 'Be brief.', temperature: 0.7, maxTokens: 100 }

  test("api.openai.com's reasoning models get max_completion_tokens and no temperature", async () => {
    using fake = startFakeModels(() => ({ text: 'ok' }))
    await openAiClient({ baseUrl: `${fake.url}/v1`, apiKey: 'k', official: true }, settings, DEFAULT_HTTP_POLICY).chat([{ role: 'user', content: 'Hi' }], [])
    const { body } = fake.requests[0]!
    expect({ temperature: body.temperature, max_tokens: body.max_tokens, max_completion_tokens: body.max_completion_tokens }).toEqual({
      temperature: undefined,
      max_tokens: undefined,
      max_completion_tokens: 100,
    })
  })

  test('compatible servers get max_tokens and the temperature; no limit means no field', async () => {
    using fake = startFakeModels(() => ({ text: 'ok' }))
    const endpoint = { baseUrl: `${fake.url}/v1/`, apiKey: null, official: false }
    await openAiClient(endpoint, settings, DEFAULT_HTTP_POLICY).chat([{ role: 'user', content: 'Hi' }], [])
    await openAiClient(endpoint, { ...settings, maxTokens: null }, DEFAULT_HTTP_POLICY).chat([{ role: 'user', content: 'Hi' }], [])
    expect(fake.requests.map(({ body }) => [body.temperature, body.max_tokens, 'max_completion_tokens' in body])).toEqual([
      [0.7, 100, false],
      [0.7, undefined, false],
    ])
  })

  test('tool arguments that are not JSON are kept as text, and content parts are joined', async () => {
    using fake = startFakeModels(() => ({
      raw: {
        choices: [{ message: { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], tool_calls: [{ type: 'function', function: { name: 'calculator', arguments: '{oops' } }] } }],
      },
    }))
    const reply = await openAiClient({ baseUrl: `${fake.url}/v1`, apiKey: null, official: false }, settings, DEFAULT_HTTP_POLICY).chat([{ role: 'user', content: 'Hi' }], [])
    expect(reply).toEqual({ text: 'ab', toolCalls: [{ id: 'call_0', name: 'calculator', arguments: '{oops' }], usage: null })
  })

  test('OLLAMA_HOST without a scheme still reaches the server, with no key sent', async () => {
    using fake = startFakeModels(() => ({ text: 'ok' }))
    const agent: ModelAgent = { name: 'a', model: 'ollama/llama3.2', provider: 'ollama', instruction: 'x', temperature: 0, maxTokens: null }
    const endpoint = resolveEndpoint(agent, { OLLAMA_HOST: fake.url.replace('http://', ''), OPENAI_API_KEY: 'must-not-leak' })
    await createModelClient(agent, endpoint).chat([{ role: 'user', content: 'Hi' }], [])
    expect([fake.requests[0]!.path, fake.requests[0]!.auth]).toEqual(['/v1/chat/completions', null])
  })
})
