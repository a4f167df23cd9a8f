import { findSecrets, redactionMarker, redactText, type SecretFinding } from '../redact'

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }
const ELLIPSIS = '…'
// Secrets that can sit this far from the snippet still reach into it (a long JWT or bearer token).
const MARGIN = 4096
// A private key block is longer: its BEGIN line is looked for this far back.
const KEY_BLOCK = 40_000

/** A search snippet (HTML-escaped, hits in `<mark>`) as plain text and the spans of its hits. */
function parseSnippet(html: string): { text: string; hits: [number, number][] } {
  let text = ''
  const hits: [number, number][] = []
  let open = -1
  for (const part of html.split(/(<mark>|<\/mark>|&(?:amp|lt|gt|quot|#39);)/)) {
    if (part === '<mark>') open = text.length
    else if (part === '</mark>') {
      if (open !== -1) hits.push([open, text.length])
      open = -1
    } else text += ENTITIES[part] ?? part
  }
  return { text, hits }
}

/** The secrets of `content` around `[from, to)`, read from a window (plus a private key's whole block). */
function secretsAround(content: string, from: number, to: number): SecretFinding[] {
  let start = Math.max(0, from - MARGIN)
  const keyStart = content.lastIndexOf('-----BEGIN', from)
  if (keyStart !== -1 && from - keyStart < KEY_BLOCK) start = Math.min(start, keyStart)
  const end = Math.min(content.length, to + MARGIN)
  return findSecrets(content.slice(start, end)).map((f) => ({ ...f, start: f.start + start, end: f.end + start }))
}

/** `text` with `[from, to)` spans replaced by markers and hits in `**bold**`, hits inside a secret dropped. */
function render(text: string, secrets: SecretFinding[], hits: [number, number][]): string {
  let out = ''
  let at = 0
  const marks = hits.filter(([a, b]) => !secrets.some((s) => a < s.end && b > s.start))
  const events = [
    ...secrets.map((s) => ({ at: s.start, end: s.end, text: redactionMarker(s.kind) })),
    ...marks.map(([a, b]) => ({ at: a, end: b, text: `**${text.slice(a, b)}**` })),
  ].sort((x, y) => x.at - y.at)
  for (const event of events) {
    if (event.at < at) continue
    out += text.slice(at, event.at) + event.text
    at = event.end
  }
  return out + text.slice(at)
}

/**
 * A search snippet for a model: plain text, hits in `**bold**`, and no secret, whole or in part.
 * A snippet can cut a secret in two (a key's tail, where the pattern no longer matches), so it is
 * placed in the message it came from and every secret found there that overlaps it is replaced.
 * Should the snippet not be found in `content`, its edges are masked when they could be such a tail.
 */
export function redactSnippet(html: string, content: string | null): string {
  const { text, hits } = parseSnippet(html)
  const lead = text.startsWith(ELLIPSIS) ? ELLIPSIS.length : 0
  const trail = text.endsWith(ELLIPSIS) && text.length > lead ? ELLIPSIS.length : 0
  const core = text.slice(lead, text.length - trail)
  const at = content === null ? -1 : content.indexOf(core)
  if (at === -1) return redactText(maskCutEdges(text, lead > 0, trail > 0))
  const secrets = secretsAround(content!, at, at + core.length)
    .filter((s) => s.start < at + core.length && s.end > at)
    .map((s) => ({ kind: s.kind, start: Math.max(s.start - at, 0) + lead, end: Math.min(s.end - at, core.length) + lead }))
  return render(text, secrets, hits)
}

/** Replaces a word-like token at a cut edge (a long run without spaces) with an ellipsis. */
function maskCutEdges(text: string, cutStart: boolean, cutEnd: boolean): string {
  let out = text
  if (cutStart) out = out.replace(/^…\S{8,}/, ELLIPSIS)
  if (cutEnd) out = out.replace(/\S{8,}…$/, ELLIPSIS)
  return out
}
