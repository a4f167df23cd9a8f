const DAY_MS = 86_400_000

/** A YYYY-MM-DD date as days since 1970-01-01 (UTC), or null when it is not a real date (Date.parse rolls 2026-02-30 over to March). */
export function parseDay(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null
  const ms = Date.parse(`${date}T00:00:00Z`)
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date ? null : ms / DAY_MS
}
