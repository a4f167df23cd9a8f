import { SECRET_KINDS } from './kinds'

/** One secret found in a text: its kind and where it sits (`text.slice(start, end)`). */
export interface SecretFinding {
  kind: string
  start: number
  end: number
}

// No kind's pattern matches fewer characters than this.
const SHORTEST_SECRET = 8
// Every kind's hint at once: most texts hold none and are done after one scan.
const ANY_HINT = new RegExp(SECRET_KINDS.map((secretKind) => secretKind.hint.source).join('|'), 'i')

/**
 * Every secret in `text`, in order, without overlaps. Where two findings overlap, the earlier
 * (then the longer, then the more specific) one names the secret and grows to cover both, so no
 * part of either is left in the clear.
 */
export function findSecrets(text: string): SecretFinding[] {
  if (text.length < SHORTEST_SECRET || !ANY_HINT.test(text)) return []
  const found: (SecretFinding & { rank: number })[] = []
  SECRET_KINDS.forEach((secretKind, rank) => {
    if (!secretKind.hint.test(text)) return
    for (const match of text.matchAll(secretKind.pattern)) {
      let [start, end] = match.indices![0]!
      let group: string | null = null
      for (const name of secretKind.groups ?? []) {
        const span = match.indices!.groups?.[name]
        if (span) {
          ;[start, end] = span
          group = name
          break
        }
      }
      if (end <= start) continue
      const secret = text.slice(start, end)
      if (secretKind.valid && !secretKind.valid(secret, group)) continue
      found.push({ kind: secretKind.kind, start, end, rank })
    }
  })
  if (found.length === 0) return []
  found.sort((a, b) => a.start - b.start || b.end - a.end || a.rank - b.rank)
  const merged: SecretFinding[] = []
  for (const { kind, start, end } of found) {
    const last = merged.at(-1)
    if (last && start < last.end) last.end = Math.max(last.end, end)
    else merged.push({ kind, start, end })
  }
  return merged
}

/** The marker that replaces a secret of `kind`. */
export const redactionMarker = (kind: string) => `[REDACTED:${kind}]`

/** `text` with every secret replaced by `[REDACTED:<kind>]`; the same string when it holds none. */
export function redactText(text: string): string {
  const findings = findSecrets(text)
  if (findings.length === 0) return text
  let out = ''
  let at = 0
  for (const { kind, start, end } of findings) {
    out += text.slice(at, start) + redactionMarker(kind)
    at = end
  }
  return out + text.slice(at)
}

/** A JSON-like value with every string in it (object keys included) redacted. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T
  if (Array.isArray(value)) return value.map(redactDeep) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[redactText(key)] = redactDeep(item)
    return out as T
  }
  return value
}

/**
 * A preview that identifies a secret without revealing it: a few leading characters (more for
 * long keys, whose first characters are their public prefix), an ellipsis and the length.
 */
export function maskSecret(secret: string): string {
  const shown = secret.length >= 32 ? 6 : secret.length >= 16 ? 3 : 1
  return `${secret.slice(0, shown)}… (${secret.length} chars)`
}
