import { ChasmError } from '../../shared/errors'
import type { ModelProvider } from '../model'
import { anthropicClient } from './anthropic'
import type { ModelClient } from './client'
import { geminiClient } from './gemini'
import { DEFAULT_HTTP_POLICY, type HttpPolicy } from './http'
import { openAiClient } from './openai'

export type { ChatMessage, ChatReply, ModelClient, ModelSettings, ToolCall, ToolSpec } from './client'
export { ModelError } from './client'
export { DEFAULT_HTTP_POLICY, type HttpPolicy } from './http'

/** The part of an agent a model client needs. */
export interface ModelAgent {
  name: string
  model: string
  provider: ModelProvider
  instruction: string
  temperature: number
  maxTokens: number | null
}

/** How to reach one agent's model, resolved from the environment at run start (never stored). */
export type ModelEndpoint =
  | { protocol: 'openai'; baseUrl: string; apiKey: string | null; official: boolean; model: string }
  | { protocol: 'anthropic'; baseUrl: string; apiKey: string; model: string }
  | { protocol: 'gemini'; baseUrl: string; apiKey: string; model: string }

type Env = Record<string, string | undefined>

/** Each vendor's public endpoint, used when no base URL variable is set. */
export const DEFAULT_BASE_URLS = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  ollama: 'http://127.0.0.1:11434',
} as const

const value = (env: Env, name: string): string | null => {
  const text = env[name]?.trim()
  return text ? text : null
}

const notConfigured = (agent: ModelAgent, missing: string) =>
  new ChasmError(
    'PROVIDER_NOT_CONFIGURED',
    `agent '${agent.name}' uses ${agent.provider} model '${agent.model}', but ${missing} is not set in the server's environment`,
  )

/** `OLLAMA_HOST` may be `host:port` without a scheme, as the Ollama CLI accepts. */
const ollamaBaseUrl = (env: Env): string => {
  const host = value(env, 'OLLAMA_HOST') ?? DEFAULT_BASE_URLS.ollama
  const withScheme = /^https?:\/\//i.test(host) ? host : `http://${host}`
  return `${withScheme.replace(/\/+$/, '')}/v1`
}

const withoutPrefix = (model: string, prefix: string) => (model.toLowerCase().startsWith(prefix) ? model.slice(prefix.length) : model)

/** The endpoint of an agent's model, from credentials and base URLs in `env`; PROVIDER_NOT_CONFIGURED when a key is missing. */
export function resolveEndpoint(agent: ModelAgent, env: Env): ModelEndpoint {
  switch (agent.provider) {
    case 'openai': {
      const apiKey = value(env, 'OPENAI_API_KEY')
      if (!apiKey) throw notConfigured(agent, 'OPENAI_API_KEY')
      const baseUrl = value(env, 'CHASM_OPENAI_BASE_URL') ?? DEFAULT_BASE_URLS.openai
      return { protocol: 'openai', baseUrl, apiKey, official: baseUrl === DEFAULT_BASE_URLS.openai, model: agent.model }
    }
    case 'openai-compatible': {
      const baseUrl = value(env, 'CHASM_OPENAI_BASE_URL')
      if (!baseUrl) throw notConfigured(agent, 'CHASM_OPENAI_BASE_URL')
      return { protocol: 'openai', baseUrl, apiKey: value(env, 'OPENAI_API_KEY'), official: false, model: withoutPrefix(agent.model, 'openai-compatible/') }
    }
    case 'ollama':
      return { protocol: 'openai', baseUrl: ollamaBaseUrl(env), apiKey: null, official: false, model: withoutPrefix(agent.model, 'ollama/') }
    case 'anthropic': {
      const apiKey = value(env, 'ANTHROPIC_API_KEY')
      if (!apiKey) throw notConfigured(agent, 'ANTHROPIC_API_KEY')
      return { protocol: 'anthropic', baseUrl: value(env, 'CHASM_ANTHROPIC_BASE_URL') ?? DEFAULT_BASE_URLS.anthropic, apiKey, model: agent.model }
    }
    case 'google': {
      const apiKey = value(env, 'GEMINI_API_KEY') ?? value(env, 'GOOGLE_API_KEY')
      if (!apiKey) throw notConfigured(agent, 'GEMINI_API_KEY (or GOOGLE_API_KEY)')
      return { protocol: 'gemini', baseUrl: value(env, 'CHASM_GEMINI_BASE_URL') ?? DEFAULT_BASE_URLS.gemini, apiKey, model: agent.model }
    }
  }
}

/** A model client for one agent: its instruction as the system prompt, its temperature and token limit. */
export function createModelClient(agent: ModelAgent, endpoint: ModelEndpoint, policy: HttpPolicy = DEFAULT_HTTP_POLICY): ModelClient {
  const settings = { model: endpoint.model, system: agent.instruction, temperature: agent.temperature, maxTokens: agent.maxTokens }
  switch (endpoint.protocol) {
    case 'openai':
      return openAiClient(endpoint, settings, policy)
    case 'anthropic':
      return anthropicClient(endpoint, settings, policy)
    case 'gemini':
      return geminiClient(endpoint, settings, policy)
  }
}
