import { looksRandom } from './entropy'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** `value` in base62 (0-9, A-Z, a-z), left-padded with '0' to `width` characters. */
function base62(value: number, width: number): string {
  let out = ''
  let rest = value
  while (rest > 0) {
    out = BASE62[rest % 62]! + out
    rest = Math.floor(rest / 62)
  }
  return out.padStart(width, '0')
}

/**
 * GitHub's and npm's token format: a 4-character prefix, 30 random base62 characters, then the
 * CRC-32 of those 30 characters in base62 (6 characters). A string that fails it is no token.
 */
export function validCrc32Token(token: string): boolean {
  const body = token.slice(4, -6)
  return body.length === 30 && base62(Bun.hash.crc32(body), 6) === token.slice(-6)
}

/** base64url (or base64) text → its bytes as a Latin-1 string, or null when it does not decode. */
function decodeBase64(text: string): string | null {
  try {
    return atob(text.replaceAll('-', '+').replaceAll('_', '/').padEnd(Math.ceil(text.length / 4) * 4, '='))
  } catch {
    return null
  }
}

/** A JWT's header decodes to a JSON object naming its algorithm (`alg`). */
export function validJwt(token: string): boolean {
  const header = decodeBase64(token.slice(0, token.indexOf('.')))
  if (header === null) return false
  try {
    const parsed: unknown = JSON.parse(header)
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string'
  } catch {
    return false
  }
}

/** HTTP Basic credentials decode to printable `user:password`. */
export function validBasicCredentials(encoded: string): boolean {
  const decoded = decodeBase64(encoded)
  return decoded !== null && decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded)
}

/** Values that stand for a secret without being one: variables, templates, masks, type names, samples. */
const PLACEHOLDER = new RegExp(
  [
    String.raw`^[$%{<\\]`, // $VAR, ${x}, %s, {{x}}, <your-password>, escaped quotes
    String.raw`^[*x•.…_-]+$`, // masks and ellipses
    String.raw`\s`, // labels and sentences ("must be 8 characters"), not secrets
    String.raw`^[~^<>=]*\d+(?:\.\d+)+`, // versions ("pbkdf2-password": "1.2.1")
    String.raw`^(?:password|passwd|pass|pwd|secret|token|string|str|text|any|none|null|nil|undefined|true|false|empty|required|optional|hidden|redacted|changeme|example|sample|test|dummy|placeholder|xxx+)$`,
  ].join('|'),
  'i',
)
// `your_api_key`, `YOUR_TOKEN`, `mysecret`: one case throughout, unlike a random key that starts with "my".
const SAMPLE_NAME = /^(?:your|my)[_-]?[a-z_-]*$|^(?:YOUR|MY)[_-]?[A-Z_-]*$/

const isPlaceholder = (value: string) => PLACEHOLDER.test(value) || SAMPLE_NAME.test(value)

// Code, not a literal: member access, calls, indexing, generics, arrows.
const EXPRESSION = /^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+$|[()[\]<>`]|=>/
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/**
 * Whether the value of a `password=` / `password: "…"` pair is a literal password. Quoted: any
 * value that is no placeholder. Unquoted values are often code (`password: string`,
 * `password=db_password`), so they also need a digit or a symbol and no identifier shape.
 */
export function validPassword(value: string, quoted: boolean): boolean {
  if (value.length < 4 || isPlaceholder(value) || EXPRESSION.test(value)) return false
  if (quoted) return true
  if (value.length < 6) return false
  // Identifiers: snake_case, no digit at all, or camelCase whose digits only end it (`userPassword2`).
  if (IDENTIFIER.test(value) && (/[_$]/.test(value) || !/\d/.test(value) || (/[a-z][A-Z]/.test(value) && /^\D+\d+$/.test(value)))) return false
  return /[\d\W]/.test(value)
}

/** Whether the value of an `api_key=` / `token: "…"` pair is a machine-generated secret. */
export function validGenericSecret(value: string): boolean {
  return !isPlaceholder(value) && !EXPRESSION.test(value) && looksRandom(value, 16)
}

/** Whether the password part of `scheme://user:password@host` is a real one. */
export function validUrlPassword(value: string): boolean {
  return value.length > 0 && !isPlaceholder(value)
}
