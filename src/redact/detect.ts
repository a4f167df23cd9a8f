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

/** `text` with the given findings replaced by their markers. */
function replaceFindings(text: string, findings: SecretFinding[]): string {
  if (findings.length === 0) return text
  let out = ''
  let at = 0
  for (const { kind, start, end } of findings) {
    out += text.slice(at, start) + redactionMarker(kind)
    at = end
  }
  return out + text.slice(at)
}

/** `text` with every secret replaced by `[REDACTED:<kind>]`; the same string when it holds none. */
export const redactText = (text: string): string => replaceFindings(text, findSecrets(text))

// Object keys that name a secret: their string values are checked as `key: "value"` assignments too.
const SECRET_NAME = /pass|secret|token|key|auth|credential/i

/**
 * The secrets in a string that is the value of object key `key` (or of none): those in the string
 * itself, else the whole string when `key: "value"` reads as a secret assignment.
 */
function findInEntry(key: string | null, value: string): SecretFinding[] {
  const findings = findSecrets(value)
  if (findings.length > 0 || key === null || !SECRET_NAME.test(key)) return findings
  const hit = findSecrets(`${key}: ${JSON.stringify(value)}`).find((finding) => finding.end > key.length + 2)
  return hit ? [{ kind: hit.kind, start: 0, end: value.length }] : []
}

/**
 * A JSON-like value with every string in it redacted, object keys included. A string under a key
 * that names a secret (a `password` field) is judged with its key, as it would be in text.
 */
export function redactDeep<T>(value: T, key: string | null = null): T {
  if (typeof value === 'string') return replaceFindings(value, findInEntry(key, value)) as T
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [name, item] of Object.entries(value)) out[redactText(name)] = redactDeep(item, name)
    return out as T
  }
  return value
}

/** Every secret in a JSON-like value (strings, object keys, nested values), judged as `redactDeep` does. */
export function* secretsIn(value: unknown, key: string | null = null): Generator<{ kind: string; secret: string }> {
  if (typeof value === 'string') {
    for (const { kind, start, end } of findInEntry(key, value)) yield { kind, secret: value.slice(start, end) }
  } else if (Array.isArray(value)) {
    for (const item of value) yield* secretsIn(item)
  } else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      yield* secretsIn(name)
      yield* secretsIn(item, name)
    }
  }
}

/**
 * A preview that identifies a secret without revealing it: a few leading characters (more for
 * long keys, whose first characters are their public prefix), an ellipsis and the length.
 */
export function maskSecret(secret: string): string {
  const shown = secret.length >= 32 ? 6 : secret.length >= 16 ? 3 : 1
  return `${secret.slice(0, shown)}… (${secret.length} chars)`
}
