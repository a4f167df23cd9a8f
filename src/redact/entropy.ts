/** Shannon entropy of a string in bits per character (0 for the empty string). */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0
  const counts = new Map<string, number>()
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) {
    const p = count / text.length
    bits -= p * Math.log2(p)
  }
  return bits
}

const HEX = /^[0-9a-f]+$|^[0-9A-F]+$/
// Random base62 text rarely holds a run this long of lowercase letters; words and identifiers do.
const LONG_LOWERCASE_RUN = /[a-z]{15,}/

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0

/**
 * Whether a token reads as words run together (camelCase, PascalCase, lowercase names): its
 * lowercase runs are long and hold vowels at the rate of language (about 40 %), where random
 * text has short runs and vowels at chance (5 in 26).
 */
function wordy(token: string): boolean {
  const runs = token.match(/[a-z]+/g) ?? []
  const lower = runs.join('')
  if (runs.length === 0) return false
  const vowels = count(lower, /[aeiou]/g)
  return lower.length / runs.length >= 3 && vowels / lower.length >= 0.3
}

/**
 * Whether a token looks machine-generated rather than written by a person: long enough, no long
 * lowercase word inside and not words run together, letters mixed with digits or with both cases,
 * and a Shannon entropy near what its alphabet allows (hex carries at most 4 bits per character,
 * base62 and base64 about 6).
 */
export function looksRandom(token: string, minLength = 16): boolean {
  if (token.length < minLength || LONG_LOWERCASE_RUN.test(token)) return false
  const digits = count(token, /[0-9]/g)
  const letters = count(token, /[A-Za-z]/g)
  if (letters < 2) return false
  if (HEX.test(token)) return digits >= 2 && shannonEntropy(token) >= 3
  if (wordy(token)) return false
  if (digits < 2 && (count(token, /[A-Z]/g) < 2 || count(token, /[a-z]/g) < 2)) return false
  return shannonEntropy(token) >= 3.5
}
