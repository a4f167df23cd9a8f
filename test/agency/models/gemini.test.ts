import { describe, expect, test } from 'bun:test'
import { DEFAULT_HTTP_POLICY, ModelError } from '../../../src/agency/models'
import { geminiClient, toGeminiSchema } from '../../../src/agency/models/gemini'
import { startFakeModels } from '../support/fake-models'
import { modelContract } from './model-contract'

modelContract({
  provider: 'google',
  model: 'gemini-2.0-flash',
  wireModel: 'gemini-2.0-flash',
  protocol: 'gemini',
  auth: 'test-gemini',
  keepsCallIds: false,
  keepsToolErrorFlag: true,
  wireSchema: (schema) => toGeminiSchema(schema) as Record<string, unknown>,
})

describe('gemini adapter specifics', () => {
  const settings = { model: 'models/gemini-2.5-pro', system: 'Be brief.', temperature: 0.2, maxTokens: null }

  test('strips a models/ prefix and leaves maxOutputTokens out when unset', async () => {
    using fake = startFakeModels(() => ({ text: 'ok' }))
    await geminiClient({ baseUrl: fake.url, apiKey: 'k' }, settings, DEFAULT_HTTP_POLICY).chat([{ role: 'user', content: 'Hi' }], [])
    expect([fake.requests[0]!.path, fake.requests[0]!.body.generationConfig]).toEqual([
      '/v1beta/models/gemini-2.5-pro:generateContent',
      { temperature: 0.2 },
    ])
  })

  test('reduces JSON Schema to the subset Gemini accepts', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        additionalProperties: false,
        properties: { path: { type: 'string', minLength: 1, $id: 'x' }, list: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 } } },
        required: ['path'],
      }),
    ).toEqual({ type: 'object', properties: { path: { type: 'string', minLength: 1 }, list: { type: 'array', items: { type: 'number' } } }, required: ['path'] })
  })

  test('skips thought parts and reports a blocked prompt', async () => {
    const replies: unknown[] = [
      { candidates: [{ content: { role: 'model', parts: [{ text: 'thinking…', thought: true }, { text: 'answer' }] } }] },
      { promptFeedback: { blockReason: 'SAFETY' } },
    ]
    using fake = startFakeModels(() => ({ raw: replies.shift() }))
    const client = geminiClient({ baseUrl: fake.url, apiKey: 'k' }, settings, DEFAULT_HTTP_POLICY)
    expect(await client.chat([{ role: 'user', content: 'Hi' }], [])).toEqual({ text: 'answer', toolCalls: [], usage: null })
    const error = await client.chat([{ role: 'user', content: 'Hi' }], []).catch((e) => e)
    expect([error instanceof ModelError, error.message]).toEqual([true, 'gemini: no candidates (prompt blocked: SAFETY)'])
  })
})
