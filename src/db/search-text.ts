/**
 * The text the full-text index sees. FTS5's unicode61 tokenizer splits words at spaces and
 * punctuation, so a run of Chinese, Japanese, Thai, Lao, Khmer or Burmese — scripts written without
 * spaces — would be one long token and its words unfindable. Such runs are split into words with
 * `Intl.Segmenter` (ICU's dictionaries), the words joined by an invisible separator; queries are
 * split the same way. Latin text is untouched. See docs/search.md, "Every script".
 */

/** Joins the words of a segmented run: a format character (category Cf), so a separator to unicode61. */
export const WORD_BREAK = '\u2063'

/**
 * Appended to every indexed text as its last token: its position is the text's length in tokens,
 * which ranking needs for every hit (docs/search.md, "Document lengths"). A supplementary
 * private-use character, kept by unicode61 as a token of its own and never typed in practice.
 */
export const END_TOKEN = '\u{10FFFD}'

// Scripts written without spaces between words. Hangul is written with spaces and left alone.
const RANGES: [number, number][] = [
  [0x0e00, 0x0eff], // Thai, Lao
  [0x1000, 0x109f], // Myanmar
  [0x1780, 0x17ff], // Khmer
  [0x19e0, 0x19ff], // Khmer symbols
  [0x3005, 0x3007], // 々 〆 〇
  [0x3021, 0x3029], // Hangzhou numerals
  [0x3031, 0x3035], // kana repeat marks
  [0x3040, 0x30ff], // Hiragana, Katakana
  [0x31f0, 0x31ff], // Katakana phonetic extensions
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xff66, 0xff9f], // halfwidth Katakana
  [0x1b000, 0x1b16f], // Kana supplement and extensions
  [0x20000, 0x3134f], // CJK extensions B…H
]

const codePoint = (c: number) => (c > 0xffff ? `\\u{${c.toString(16)}}` : `\\u${c.toString(16).padStart(4, '0')}`)
const CLASS = RANGES.map(([from, to]) => `${codePoint(from)}-${codePoint(to)}`).join('')
const UNSPACED = new RegExp(`[${CLASS}]`, 'u')
const WORD_RUN = /[\p{L}\p{M}\p{N}]+/gu
// Created on first use: loading ICU's word-break data takes ~100 ms, which startup need not pay.
let segmenter: Intl.Segmenter | null = null

/**
 * The indexed form of `text` when it differs from the text itself: runs of letters that contain an
 * unspaced script are split into words joined by `WORD_BREAK`; null when nothing needs splitting.
 * A text that already contains `WORD_BREAK` is left whole, so removing every `WORD_BREAK` from a
 * snippet always gives back the original characters.
 * @example searchTextFor('幫我檢查一下') // '幫⁣我⁣檢查⁣一下' (with U+2063 between the words)
 */
export function searchTextFor(text: string | null): string | null {
  if (text === null || !UNSPACED.test(text) || text.includes(WORD_BREAK)) return null
  return text.replace(WORD_RUN, (run) => (UNSPACED.test(run) ? splitWords(run) : run))
}

function splitWords(run: string): string {
  segmenter ??= new Intl.Segmenter('und', { granularity: 'word' })
  let out = ''
  for (const { segment } of segmenter.segment(run)) out += out === '' ? segment : WORD_BREAK + segment
  return out
}

/** The GLOB pattern of texts that may need splitting (for finding rows written before segmentation existed). */
export const UNSPACED_GLOB = `*[${RANGES.map(([from, to]) => `${String.fromCodePoint(from)}-${String.fromCodePoint(to)}`).join('')}]*`
