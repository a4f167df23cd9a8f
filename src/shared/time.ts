/** A source of "now" in epoch milliseconds; injectable so tests control time. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

/** Epoch milliseconds → ISO-8601 UTC string; null stays null. */
export const toIso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString()

/**
 * Normalizes a provider timestamp to epoch milliseconds (provider-formats §1.3):
 * numbers < 1e11 are seconds, < 1e14 milliseconds, larger µs/ns; strings are ISO-8601 or numeric.
 */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return null
    if (value < 1e11) return Math.round(value * 1000)
    if (value < 1e14) return Math.round(value)
    if (value < 1e17) return Math.round(value / 1000)
    return Math.round(value / 1e6)
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const trimmed = value.trim()
    if (/^\d+(\.\d+)?$/.test(trimmed)) return toEpochMs(Number(trimmed))
    const parsed = Date.parse(trimmed)
    return Number.isNaN(parsed) ? null : parsed
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime()
  return null
}
