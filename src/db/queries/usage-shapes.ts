/** The shapes of usage reports, shared by the report queries (usage.ts and the files it uses). */
import { Type, type Static } from '@sinclair/typebox'
import { literalUnion } from '../enums'

/** What usage rows can be grouped by (docs/usage.md). */
export const USAGE_GROUPS = ['day', 'model', 'provider', 'workspace', 'session'] as const
export const UsageGroup = literalUnion(USAGE_GROUPS)
export type UsageGroup = Static<typeof UsageGroup>

/**
 * Prompt-size bands of `usage_rollup.prompt_band`: a message whose prompt (input + cache reads +
 * cache writes) exceeds `PROMPT_BANDS[i]` tokens is in band i + 1. Vendors bill some models at
 * other rates above these sizes (e.g. Anthropic and Google above 200k).
 */
export const PROMPT_BANDS = [100_000, 200_000, 272_000] as const

/** A model name as stored and what one million tokens of each kind cost, for one period and one range of prompt bands. */
export interface ModelRate {
  model: string
  /** First and last UTC day (days since 1970-01-01) this rate applies to, both inclusive; null = unbounded. */
  fromDay: number | null
  untilDay: number | null
  /** Lowest and highest prompt band this rate applies to. */
  minBand: number
  maxBand: number
  input: number
  output: number
  cacheRead: number
  cacheWrite5m: number
  cacheWrite1h: number
}

/** One row of a usage report (docs/usage.md). */
export const UsageRow = Type.Object({
  key: Type.Union([Type.String(), Type.Null()], {
    description: 'the day (YYYY-MM-DD, UTC), model, provider, workspace id or session id; null = not recorded (no model, no workspace, no time)',
  }),
  label: Type.Union([Type.String(), Type.Null()], { description: "the workspace's name or the session's title, for people" }),
  sessions: Type.Integer({ minimum: 0 }),
  messages: Type.Integer({ minimum: 0, description: 'messages that record token usage' }),
  inputTokens: Type.Integer({ minimum: 0, description: 'input tokens not read from a cache' }),
  outputTokens: Type.Integer({ minimum: 0, description: 'output tokens, reasoning included' }),
  cacheReadTokens: Type.Integer({ minimum: 0 }),
  cacheWriteTokens: Type.Integer({ minimum: 0, description: 'prompt-cache writes, 5-minute and 1-hour together' }),
  costUsd: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description: 'null when any tokens of the row are by a model the price table does not price (see unpricedModels)',
  }),
  unpricedModels: Type.Array(Type.String(), { description: 'models of the row without a price; "" = usage with no model recorded' }),
})
export type UsageRow = Static<typeof UsageRow>

export interface UsageFilter {
  groupBy: UsageGroup
  /** First and last UTC day (days since 1970-01-01), both inclusive. */
  fromDay?: number | null
  untilDay?: number | null
  provider?: string | null
  workspace?: string | null
}
