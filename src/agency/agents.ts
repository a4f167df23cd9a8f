import { badRequest } from '../shared/errors'
import {
  DEFAULT_ROLE,
  DEFAULT_TEMPERATURE,
  type AgentCreate,
  type AgentRole,
  type AgentUpdate,
  type ModelProvider,
  type ToolName,
} from './model'

/** The stored fields of an agent, defaults applied (what `store.insertAgent` writes). */
export interface AgentFields {
  name: string
  description: string
  instruction: string
  role: AgentRole
  model: string
  provider: ModelProvider
  temperature: number
  maxTokens: number | null
  tools: ToolName[]
}

// Prefix → provider, checked in order. Matching is case-insensitive.
const PROVIDER_BY_PREFIX: ReadonlyArray<readonly [string, ModelProvider]> = [
  ['ollama/', 'ollama'],
  ['openai-compatible/', 'openai-compatible'],
  ['gemini', 'google'],
  ['gpt', 'openai'],
  ['o1', 'openai'],
  ['o3', 'openai'],
  ['o4', 'openai'],
  ['claude', 'anthropic'],
]

/** The provider a model name implies (`gpt-4o` → openai, `ollama/llama3.2` → ollama), or null when it implies none. */
export function inferProvider(model: string): ModelProvider | null {
  const lower = model.toLowerCase()
  return PROVIDER_BY_PREFIX.find(([prefix]) => lower.startsWith(prefix))?.[1] ?? null
}

/** The create body with every default applied; 400 when no provider is given and the model implies none. */
export function agentFieldsFromCreate(body: AgentCreate): AgentFields {
  const provider = body.provider ?? inferProvider(body.model)
  if (!provider) throw unknownProvider(body.model)
  return {
    name: body.name,
    description: body.description ?? '',
    instruction: body.instruction,
    role: body.role ?? DEFAULT_ROLE,
    model: body.model,
    provider,
    temperature: body.temperature ?? DEFAULT_TEMPERATURE,
    maxTokens: body.maxTokens ?? null,
    tools: body.tools ?? [],
  }
}

/**
 * An agent after a partial update. A new model without an explicit provider re-infers it; when the new
 * model implies none, the agent keeps its provider (e.g. `ollama` with a plain `mistral`).
 */
export function agentFieldsAfterUpdate(current: AgentFields, patch: AgentUpdate): AgentFields {
  const model = patch.model ?? current.model
  const provider = patch.provider ?? (patch.model === undefined ? current.provider : (inferProvider(model) ?? current.provider))
  return {
    name: patch.name ?? current.name,
    description: patch.description ?? current.description,
    instruction: patch.instruction ?? current.instruction,
    role: patch.role ?? current.role,
    model,
    provider,
    temperature: patch.temperature ?? current.temperature,
    maxTokens: patch.maxTokens === undefined ? current.maxTokens : patch.maxTokens,
    tools: patch.tools ?? current.tools,
  }
}

/** Candidate names for a clone of `name`: `<name>-copy`, `<name>-copy-2`, … each cut to the 64-character limit. */
export function* cloneNames(name: string): Generator<string> {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '-copy' : `-copy-${n}`
    yield name.slice(0, 64 - suffix.length) + suffix
  }
}

const unknownProvider = (model: string) =>
  badRequest(
    'provider',
    `cannot infer the provider of model '${model}'; set 'provider' to one of openai, anthropic, google, ollama, openai-compatible`,
  )
