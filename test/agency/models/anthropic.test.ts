import { describe, expect, test } from 'bun:test'
import { DEFAULT_HTTP_POLICY } from '../../../src/agency/models'
import { ANTHROPIC_DEFAULT_MAX_TOKENS, ANTHROPIC_VERSION, anthropicClient } from '../../../src/agency/models/anthropic'
import { startFakeModels } from '../support/fake-models'
import { modelContract } from './model-contract'

modelContract({
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  wireModel: 'claude-sonnet-4-5',
  protocol: 'anthropic',
  auth: 'sk-test-anthropic',
  keepsCallIds: true,
  keepsToolErrorFlag: true,
  wireSchema: (schema) => schema,
})

describe('anthropic adapter specifics', () => {
  test('caps temperature at 1, always sends max_tokens and the API version, and accepts a base URL ending in /v1', async () => {
    let version: string | null = null
    using fake = startFakeModels(() => ({ text: 'ok' }))
    const fetchSpy: typeof DEFAULT_HTTP_POLICY.fetch = (input, init) => {
      version = new Headers(init?.headers).get('anthropic-version')
      return fetch(input, init)
    }
    const settings = { model: 'claude-haiku-4-5', system: 'Be brief.', temperature: 1.6, maxTokens: null }
    await anthropicClient({ baseUrl: `${fake.url}/v1`, apiKey: 'k' }, settings, { ...DEFAULT_HTTP_POLICY, fetch: fetchSpy }).chat([{ role: 'user', content: 'Hi' }], [])
    expect([fake.requests[0]!.path, fake.requests[0]!.temperature, fake.requests[0]!.maxTokens, version]).toEqual([
      '/v1/messages',
      1,
      ANTHROPIC_DEFAULT_MAX_TOKENS,
      ANTHROPIC_VERSION,
    ])
  })
})
