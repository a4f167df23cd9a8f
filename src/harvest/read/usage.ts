import type { MessageUsage } from '../provider'

/** A token count as recorded: a non-negative integer, else null (absent, negative, fractional or not a number). */
export const tokenCount = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null

/**
 * Token counts a provider recorded → the usage of one message, or null when it recorded none.
 * `inputTokens` means input not read from the prompt cache (cache reads are counted apart), so a
 * provider whose prompt count includes cache reads subtracts them before calling this;
 * `cacheWrite5mTokens` also holds cache writes whose duration is not recorded.
 */
export function tokenUsage(counts: { [K in keyof MessageUsage]?: unknown }): MessageUsage | null {
  const usage: MessageUsage = {
    inputTokens: tokenCount(counts.inputTokens),
    outputTokens: tokenCount(counts.outputTokens),
    cacheReadTokens: tokenCount(counts.cacheReadTokens),
    cacheWrite5mTokens: tokenCount(counts.cacheWrite5mTokens),
    cacheWrite1hTokens: tokenCount(counts.cacheWrite1hTokens),
  }
  return Object.values(usage).some((value) => value !== null) ? usage : null
}

/** `a - b` for two recorded counts (a prompt count less its cache reads); the first when the second is missing. */
export function withoutCached(total: unknown, cached: unknown): number | null {
  const whole = tokenCount(total)
  if (whole === null) return null
  const part = tokenCount(cached) ?? 0
  return whole >= part ? whole - part : null
}

/** The sum of recorded counts (output plus reasoning tokens); null when none is recorded. */
export function sumCounts(...values: unknown[]): number | null {
  const counts = values.map(tokenCount).filter((value): value is number => value !== null)
  return counts.length > 0 ? counts.reduce((a, b) => a + b, 0) : null
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

/** What is left of a recorded total once a part of it is counted elsewhere (a run's total less its messages'); never below 0. */
export const remainder = (total: number | null, part: number | null): number | null =>
  total === null ? null : Math.max(0, total - (part ?? 0))
