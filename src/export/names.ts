import { createHash } from 'node:crypto'

const MAX_SLUG_CHARS = 60
const MAX_SLUG_BYTES = 120
// Names Windows refuses for a file or folder, whatever the extension.
const RESERVED = /^(?:con|prn|aux|nul|com\d|lpt\d)$/i
const NON_ASCII = /[^\x00-\x7f]/
const NOT_ASCII_WORD = /[^a-z0-9]+/g
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/gu
const EDGE_DASHES = /^-+|-+$/g

/**
 * A file-name-safe slug that keeps Unicode readable: letters, marks and digits of any script,
 * lowercased, everything else folded to single dashes; at most 60 characters and 120 UTF-8 bytes.
 * It never contains a path separator, a dot or a control character, so a hostile title or
 * workspace name (`../../etc`, `C:\x`, `\u0000`) cannot leave the export folder.
 */
export function slug(text: string | null, fallback: string): string {
  const ascii = !NON_ASCII.test(text ?? '')
  const folded = (ascii ? (text ?? '') : (text ?? '').normalize('NFKC'))
    .toLowerCase()
    .replace(ascii ? NOT_ASCII_WORD : NOT_WORD, '-')
    .replace(EDGE_DASHES, '')
  let out = folded.slice(0, MAX_SLUG_CHARS)
  if (!ascii) {
    out = ''
    let bytes = 0
    for (const char of folded) {
      const size = Buffer.byteLength(char)
      if (out.length >= MAX_SLUG_CHARS || bytes + size > MAX_SLUG_BYTES) break
      out += char
      bytes += size
    }
  }
  out = out.replace(EDGE_DASHES, '')
  if (out === '') return fallback
  return RESERVED.test(out) ? `${out}-` : out
}

/**
 * Eight characters that identify a session in a file name: the start of its id when that is
 * plain letters and digits (UUIDs, provider ids), else the start of the id's SHA-256.
 */
export function id8(id: string): string {
  return /^[A-Za-z0-9]{8}/.test(id) ? id.slice(0, 8).toLowerCase() : createHash('sha256').update(id).digest('hex').slice(0, 8)
}

/** The export's file name without extension: `<yyyy-mm-dd>-<title-slug>-<id8>`. */
export function exportBaseName(session: { id: string; title: string | null; created: string | null; updated: string | null }): string {
  const date = (session.created ?? session.updated)?.slice(0, 10) ?? 'undated'
  return `${date}-${slug(session.title, 'untitled')}-${id8(session.id)}`
}

/** A `Content-Disposition: attachment` value: an ASCII file name plus the UTF-8 one (RFC 6266/5987). */
export function attachment(fileName: string): string {
  const ascii = fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '') || 'session'
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}
