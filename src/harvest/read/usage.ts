import type { MessageUsage } from '../provider'

/** A token count as recorded: a non-negative integer, else null (absent, negative, fractional or not a number). */
const count = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null

/**
 * Token counts a provider recorded → the usage of one message, or null when it recorded none.
 * `inputTokens` means input not read from the prompt cache (cache reads are counted apart), so a
 * provider whose prompt count includes cache reads subtracts them before calling this.
 */
export function tokenUsage(counts: { [K in keyof MessageUsage]?: unknown }): MessageUsage | null {
  const usage: MessageUsage = {
    inputTokens: count(counts.inputTokens),
    outputTokens: count(counts.outputTokens),
    cacheReadTokens: count(counts.cacheReadTokens),
    cacheWrite5mTokens: count(counts.cacheWrite5mTokens),
    cacheWrite1hTokens: count(counts.cacheWrite1hTokens),
  }
  return Object.values(usage).some((value) => value !== null) ? usage : null
}

/** `a - b` for two recorded counts (a prompt count less its cache reads); the first when the second is missing. */
export function withoutCached(total: unknown, cached: unknown): number | null {
  const whole = count(total)
  if (whole === null) return null
  const part = count(cached) ?? 0
  return whole >= part ? whole - part : null
}

/** The sum of recorded counts (output plus reasoning tokens); null when none is recorded. */
export function sumCounts(...values: unknown[]): number | null {
  const counts = values.map(count).filter((value): value is number => value !== null)
  return counts.length > 0 ? counts.reduce((a, b) => a + b, 0) : null
}
