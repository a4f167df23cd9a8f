import type { MessageUsage } from '../provider'

const FIELDS = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens'] as const

/** A token count as a provider recorded it: a non-negative integer, else null (not recorded). */
export const tokenCount = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null

/**
 * A message's usage from the counts a provider recorded (`inputTokens` is input NOT read from
 * the cache; `cacheWrite5mTokens` also holds writes of unrecorded duration); null when none is recorded.
 */
export function usageOf(counts: Partial<MessageUsage>): MessageUsage | null {
  const usage: MessageUsage = {
    inputTokens: counts.inputTokens ?? null,
    outputTokens: counts.outputTokens ?? null,
    cacheReadTokens: counts.cacheReadTokens ?? null,
    cacheWrite5mTokens: counts.cacheWrite5mTokens ?? null,
    cacheWrite1hTokens: counts.cacheWrite1hTokens ?? null,
  }
  return FIELDS.some((field) => usage[field] !== null) ? usage : null
}

/** The sum of two usages, field by field (a field is null only when both are). */
export function addUsage(a: MessageUsage | null, b: MessageUsage | null): MessageUsage | null {
  if (a === null) return b
  if (b === null) return a
  const sum = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : x + y)
  return {
    inputTokens: sum(a.inputTokens, b.inputTokens),
    outputTokens: sum(a.outputTokens, b.outputTokens),
    cacheReadTokens: sum(a.cacheReadTokens, b.cacheReadTokens),
    cacheWrite5mTokens: sum(a.cacheWrite5mTokens, b.cacheWrite5mTokens),
    cacheWrite1hTokens: sum(a.cacheWrite1hTokens, b.cacheWrite1hTokens),
  }
}

/** `total − part` for counts that include a part recorded apart (e.g. input including cache reads); never below 0. */
export const without = (total: number | null, part: number | null): number | null =>
  total === null ? null : Math.max(0, total - (part ?? 0))
