import { describe, expect, test } from 'bun:test'
import { DEFAULT_BASE_URLS, resolveEndpoint, type ModelAgent } from '../../../src/agency/models'
import type { ModelProvider } from '../../../src/agency'

const agent = (provider: ModelProvider, model: string): ModelAgent => ({ name: 'dev', model, provider, instruction: 'x', temperature: 0.7, maxTokens: null })
const errorOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message }
  }
  throw new Error('expected an error')
}

describe('resolveEndpoint', () => {
  test("each provider's vendor endpoint by default, with its key from the environment", () => {
    const env = { OPENAI_API_KEY: 'o', ANTHROPIC_API_KEY: 'a', GOOGLE_API_KEY: 'g' }
    expect([
      resolveEndpoint(agent('openai', 'gpt-4o'), env),
      resolveEndpoint(agent('anthropic', 'claude-sonnet-4-5'), env),
      resolveEndpoint(agent('google', 'gemini-2.0-flash'), env),
      resolveEndpoint(agent('ollama', 'ollama/llama3.2'), {}),
    ]).toEqual([
      { protocol: 'openai', baseUrl: DEFAULT_BASE_URLS.openai, apiKey: 'o', official: true, model: 'gpt-4o' },
      { protocol: 'anthropic', baseUrl: DEFAULT_BASE_URLS.anthropic, apiKey: 'a', model: 'claude-sonnet-4-5' },
      { protocol: 'gemini', baseUrl: DEFAULT_BASE_URLS.gemini, apiKey: 'g', model: 'gemini-2.0-flash' },
      { protocol: 'openai', baseUrl: `${DEFAULT_BASE_URLS.ollama}/v1`, apiKey: null, official: false, model: 'llama3.2' },
    ])
  })

  test('base URLs come from CHASM_*_BASE_URL and OLLAMA_HOST; GEMINI_API_KEY wins over GOOGLE_API_KEY', () => {
    const env = {
      OPENAI_API_KEY: 'o', GEMINI_API_KEY: 'gem', GOOGLE_API_KEY: 'goo', ANTHROPIC_API_KEY: 'a',
      CHASM_OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1', CHASM_ANTHROPIC_BASE_URL: 'http://proxy:9', CHASM_GEMINI_BASE_URL: 'http://gem:8',
      OLLAMA_HOST: 'https://gpu-box:11434/',
    }
    expect([
      resolveEndpoint(agent('openai', 'gpt-4o'), env),
      resolveEndpoint(agent('openai-compatible', 'openai-compatible/qwen'), env),
      resolveEndpoint(agent('anthropic', 'claude-x'), env),
      resolveEndpoint(agent('google', 'gemini-x'), env),
      resolveEndpoint(agent('ollama', 'mistral'), env),
    ]).toEqual([
      { protocol: 'openai', baseUrl: 'http://127.0.0.1:1234/v1', apiKey: 'o', official: false, model: 'gpt-4o' },
      { protocol: 'openai', baseUrl: 'http://127.0.0.1:1234/v1', apiKey: 'o', official: false, model: 'qwen' },
      { protocol: 'anthropic', baseUrl: 'http://proxy:9', apiKey: 'a', model: 'claude-x' },
      { protocol: 'gemini', baseUrl: 'http://gem:8', apiKey: 'gem', model: 'gemini-x' },
      { protocol: 'openai', baseUrl: 'https://gpu-box:11434/v1', apiKey: null, official: false, model: 'mistral' },
    ])
  })

  test('a missing credential is PROVIDER_NOT_CONFIGURED naming the agent and the variable; blank counts as missing', () => {
    expect([
      errorOf(() => resolveEndpoint(agent('openai', 'gpt-4o'), { OPENAI_API_KEY: '  ' })),
      errorOf(() => resolveEndpoint(agent('anthropic', 'claude-sonnet-4-5'), {})),
      errorOf(() => resolveEndpoint(agent('google', 'gemini-2.0-flash'), {})),
      errorOf(() => resolveEndpoint(agent('openai-compatible', 'openai-compatible/x'), { OPENAI_API_KEY: 'o' })),
    ]).toEqual([
      { code: 'PROVIDER_NOT_CONFIGURED', message: "agent 'dev' uses openai model 'gpt-4o', but OPENAI_API_KEY is not set in the server's environment" },
      { code: 'PROVIDER_NOT_CONFIGURED', message: "agent 'dev' uses anthropic model 'claude-sonnet-4-5', but ANTHROPIC_API_KEY is not set in the server's environment" },
      { code: 'PROVIDER_NOT_CONFIGURED', message: "agent 'dev' uses google model 'gemini-2.0-flash', but GEMINI_API_KEY (or GOOGLE_API_KEY) is not set in the server's environment" },
      { code: 'PROVIDER_NOT_CONFIGURED', message: "agent 'dev' uses openai-compatible model 'openai-compatible/x', but CHASM_OPENAI_BASE_URL is not set in the server's environment" },
    ])
  })
})
