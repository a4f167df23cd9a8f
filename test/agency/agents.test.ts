import { describe, expect, test } from 'bun:test'
import { agentFieldsAfterUpdate, agentFieldsFromCreate, cloneNames, inferProvider } from '../../src/agency/agents'

describe('inferProvider', () => {
  test('follows the documented model-name prefixes, case-insensitively', () => {
    const models = ['gemini-2.0-flash', 'gpt-4o', 'o1-mini', 'o3', 'o4-mini', 'claude-sonnet-4-5', 'ollama/llama3.2', 'openai-compatible/qwen', 'GPT-4.1', 'mistral-large', 'llama3']
    expect(models.map(inferProvider)).toEqual(['google', 'openai', 'openai', 'openai', 'openai', 'anthropic', 'ollama', 'openai-compatible', 'openai', null, null])
  })
})

describe('agent fields', () => {
  test('create applies the defaults; an explicit provider wins; an unknown model without one is a 400', () => {
    expect(agentFieldsFromCreate({ name: 'code-assistant', instruction: 'Help.', model: 'gemini-2.0-flash' })).toEqual({
      name: 'code-assistant',
      description: '',
      instruction: 'Help.',
      role: 'assistant',
      model: 'gemini-2.0-flash',
      provider: 'google',
      temperature: 0.7,
      maxTokens: null,
      tools: [],
    })
    expect(agentFieldsFromCreate({ name: 'm', instruction: 'x', model: 'mistral', provider: 'ollama' }).provider).toBe('ollama')
    expect(() => agentFieldsFromCreate({ name: 'm', instruction: 'x', model: 'mistral' })).toThrow(
      "Invalid parameter 'provider': cannot infer the provider of model 'mistral'; set 'provider' to one of openai, anthropic, google, ollama, openai-compatible",
    )
  })

  test('update changes only what it names; a new model re-infers the provider unless one is given or none is implied', () => {
    const current = agentFieldsFromCreate({ name: 'a', instruction: 'x', model: 'gpt-4o', maxTokens: 500, tools: ['calculator'] })
    expect([
      agentFieldsAfterUpdate(current, { temperature: 0.1 }),
      agentFieldsAfterUpdate(current, { model: 'claude-sonnet-4-5', maxTokens: null }),
      agentFieldsAfterUpdate(current, { model: 'claude-sonnet-4-5', provider: 'openai-compatible' }),
      agentFieldsAfterUpdate({ ...current, provider: 'ollama', model: 'ollama/llama3' }, { model: 'mistral' }),
    ]).toEqual([
      { ...current, temperature: 0.1 },
      { ...current, model: 'claude-sonnet-4-5', provider: 'anthropic', maxTokens: null },
      { ...current, model: 'claude-sonnet-4-5', provider: 'openai-compatible' },
      { ...current, model: 'mistral', provider: 'ollama' },
    ])
  })

  test('clone names count up and stay within 64 characters', () => {
    const names = cloneNames('tech-lead')
    expect([names.next().value, names.next().value, names.next().value]).toEqual(['tech-lead-copy', 'tech-lead-copy-2', 'tech-lead-copy-3'])
    const long = cloneNames('x'.repeat(64))
    expect([long.next().value, long.next().value]).toEqual([`${'x'.repeat(59)}-copy`, `${'x'.repeat(57)}-copy-2`])
  })
})
