import { Type, type TLiteral, type TUnion } from '@sinclair/typebox'

/**
 * Every closed set of values stored in the database, declared once: the drizzle columns
 * (`src/db/schema.ts`) and the TypeBox API schemas (`src/db/queries/*`, `src/recording/model.ts`,
 * `src/agency/model.ts`) are both built from these.
 */

/** Who wrote a message. */
export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'tool'] as const

/** How a message's turn ended: `pending` was still being written when the source was read. */
export const MESSAGE_STATES = ['complete', 'cancelled', 'failed', 'pending'] as const

/** Where a session came from. */
export const SESSION_ORIGINS = ['harvest', 'recording', 'agency'] as const

/** How a harvest run stands: `running` until it ends (or its process is found gone: `failed`). */
export const HARVEST_RUN_STATUSES = ['running', 'completed', 'failed'] as const

/** A recorded session's stored state; `idle` is derived from `active` and the time of its last event. */
export const RECORDING_STATUSES = ['active', 'interrupted', 'ended'] as const

/** The roles an agent may have; `assistant` is the default. */
export const AGENT_ROLES = ['assistant', 'coordinator', 'coder', 'reviewer', 'tester', 'researcher', 'writer', 'analyst', 'executor'] as const

/** Where an agent's model is served ("model provider", not a harvest provider); `openai-compatible` is the `CHASM_OPENAI_BASE_URL` server. */
export const MODEL_PROVIDERS = ['openai', 'anthropic', 'google', 'ollama', 'openai-compatible'] as const

/** Every status of a swarm: `idle` until its first run, then its latest run's status. */
export const SWARM_STATUSES = ['idle', 'running', 'paused', 'completed', 'failed', 'stopped'] as const

/** Every status of a run: a swarm's statuses without `idle`. */
export const RUN_STATUSES = ['running', 'paused', 'completed', 'failed', 'stopped'] as const satisfies readonly (typeof SWARM_STATUSES)[number][]

/** Kinds of run steps: the coordinator's plan and synthesis, a worker's model call, a tool call. */
export const STEP_KINDS = ['plan', 'work', 'tool', 'synthesis'] as const

/** How a step stands: running, or how it ended. */
export const STEP_STATUSES = ['running', 'completed', 'failed', 'stopped'] as const

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> }

/** The TypeBox union of one of the sets above, so API schemas are built from the same declaration. */
export const literalUnion = <const T extends readonly [string, ...string[]]>(values: T, options?: { description?: string }): TUnion<Literals<T>> =>
  // `Array.map` widens each literal to string; the declared tuple type restores them.
  Type.Union(values.map((value) => Type.Literal(value)), options) as TUnion<Literals<T>>
