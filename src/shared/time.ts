/** A source of "now" in epoch milliseconds; injectable so tests control time. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

/** The largest distance from the epoch a Date can hold, in ms (ECMAScript: ±100,000,000 days). */
const MAX_DATE_MS = 8.64e15

const representable = (ms: number) => Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS

/** Epoch milliseconds → ISO-8601 UTC string; null, and times no Date can hold, become null. */
export const toIso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined || !representable(ms) ? null : new Date(ms).toISOString()

/**
 * Normalizes a provider timestamp to epoch milliseconds (docs/architecture.md, "Harvest rules"):
 * numbers < 1e11 are seconds, < 1e14 milliseconds, larger µs/ns; strings are ISO-8601 or numeric.
 * A time no Date can hold (e.g. 1e308 read as nanoseconds) is null, like any other unreadable one.
 */
export function toEpochMs(value: unknown): number | null {
  const ms = epochMs(value)
  return ms === null || !representable(ms) ? null : ms
}

function epochMs(value: unknown): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return null
    if (value < 1e11) return Math.round(value * 1000)
    if (value < 1e14) return Math.round(value)
    if (value < 1e17) return Math.round(value / 1000)
    return Math.round(value / 1e6)
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const trimmed = value.trim()
    if (/^\d+(\.\d+)?$/.test(trimmed)) return epochMs(Number(trimmed))
    const parsed = Date.parse(trimmed)
    return Number.isNaN(parsed) ? null : parsed
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime()
  return null
}
