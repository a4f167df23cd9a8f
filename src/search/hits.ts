import { END_TOKEN } from '../db'
import { readPrefix, readSegments, readToken, readTotals, termKey, type IndexSource, type Postings, type ReadCost, type Segment } from './fts5-index'
import type { ScoredHits } from './store'

/** A query phrase as index tokens; the last one is a prefix when `prefix`. */
export interface TokenPhrase {
  tokens: string[]
  prefix: boolean
}

/** Where an index comes from, and how to get the lengths of a few of its rows without reading them all. */
export interface IndexAccess {
  source: IndexSource
  /** The structure record (changes on every write to the index), to know when cached lengths are stale. */
  structure(): Uint8Array | null
  /** Exact lengths in tokens of the given rows (FTS5's `%_docsize`). */
  lengths(rowids: ArrayLike<number>): Map<number, number>
}

// FTS5's bm25() constants (ext/fts5 of SQLite): k1 = 1.2, b = 0.75, IDF clamped to 1e-6.
const K1 = 1.2
const B = 0.75

/** The IDF of a phrase found in `hits` of `rows` rows, exactly as FTS5's bm25() computes it. */
export function idf(rows: number, hits: number): number {
  const value = Math.log((rows - hits + 0.5) / (hits + 0.5))
  return value <= 0 ? 1e-6 : value
}

/** Rows up to this many get their lengths from `%_docsize` one by one; more read the end tokens of the whole index. */
const DOCSIZE_LOOKUPS = 2_000
const END_KEY = termKey(END_TOKEN)

interface LengthTable {
  structure: Uint8Array
  rowids: Float64Array
  lengths: Uint32Array
  length: number
}
const lengthTables = new WeakMap<IndexSource, LengthTable>()

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i])

/**
 * Every row's length in tokens: the position of its end token (the last token of every indexed text)
 * plus one. Read once per index state and kept until the index changes.
 */
function lengthTable(access: IndexAccess, segments: Segment[], cost: ReadCost): LengthTable {
  const structure = access.structure() ?? new Uint8Array(0)
  const cached = lengthTables.get(access.source)
  if (cached && sameBytes(cached.structure, structure)) return cached
  const ends = readToken(access.source, segments, END_KEY, 'end', cost)
  const table = { structure, rowids: ends.rowids, lengths: ends.counts, length: ends.length }
  lengthTables.set(access.source, table)
  return table
}

/** Lengths of `rowids` (ascending). */
function lengthsOf(access: IndexAccess, segments: Segment[], rowids: Float64Array, n: number, cost: ReadCost): Float64Array {
  const out = new Float64Array(n)
  if (n <= DOCSIZE_LOOKUPS) {
    const found = access.lengths(rowids.subarray(0, n))
    for (let i = 0; i < n; i++) out[i] = found.get(rowids[i]!) ?? 0
    return out
  }
  const table = lengthTable(access, segments, cost)
  let j = 0
  for (let i = 0; i < n; i++) {
    const rowid = rowids[i]!
    while (j < table.length && table.rowids[j]! < rowid) j++
    out[i] = j < table.length && table.rowids[j] === rowid ? table.lengths[j]! : 0
  }
  return out
}

/** Rows where the tokens of a multi-token phrase stand next to each other, and how many times. */
function phraseMatches(parts: Postings[]): Postings {
  const rowids: number[] = []
  const counts: number[] = []
  const cursor = new Array<number>(parts.length).fill(0)
  const first = parts[0]!
  outer: for (let r = 0; r < first.length; r++) {
    const rowid = first.rowids[r]!
    const at: number[] = [r]
    for (let p = 1; p < parts.length; p++) {
      const part = parts[p]!
      let c = cursor[p]!
      while (c < part.length && part.rowids[c]! < rowid) c++
      cursor[p] = c
      if (c >= part.length) break outer
      if (part.rowids[c] !== rowid) continue outer
      at.push(c)
    }
    // Count start offsets o where part p has offset o + p, for every part.
    let count = 0
    const next = at.map((row, p) => parts[p]!.starts![row]!)
    const end = at.map((row, p) => parts[p]!.starts![row + 1]!)
    for (let o = next[0]!; o < end[0]!; o++) {
      const start = first.offsets![o]!
      let all = true
      for (let p = 1; p < parts.length && all; p++) {
        const offsets = parts[p]!.offsets!
        while (next[p]! < end[p]! && offsets[next[p]!]! < start + p) next[p]!++
        all = next[p]! < end[p]! && offsets[next[p]!] === start + p
      }
      if (all) count++
    }
    if (count > 0) {
      rowids.push(rowid)
      counts.push(count)
    }
  }
  return { rowids: Float64Array.from(rowids), counts: Uint32Array.from(counts), length: rowids.length }
}

/** The rows of one phrase and its frequency in each. */
function readPhrase(source: IndexSource, segments: Segment[], phrase: TokenPhrase, cost: ReadCost): Postings {
  const detail = phrase.tokens.length > 1 ? 'offsets' : 'count'
  const parts = phrase.tokens.map((token, i) => {
    const key = termKey(token)
    return phrase.prefix && i === phrase.tokens.length - 1
      ? readPrefix(source, segments, key, detail, cost)
      : readToken(source, segments, key, detail, cost)
  })
  return detail === 'offsets' ? phraseMatches(parts) : parts[0]!
}

/**
 * The first index ≥ `from` whose row id is ≥ `rowid`: galloping then bisecting, so a short list
 * walks a long one in O(short × log long).
 */
export function seek(rowids: Float64Array, length: number, from: number, rowid: number): number {
  if (from >= length || rowids[from]! >= rowid) return from
  let step = 1
  while (from + step < length && rowids[from + step]! < rowid) step *= 2
  let lo = from + (step >> 1) + 1 // rowids[lo - 1] < rowid
  let hi = Math.min(from + step, length)
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (rowids[mid]! < rowid) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Rows present in every list (ascending), and for each list the index of each such row in it. */
function intersect(lists: Postings[]): { rowids: Float64Array; at: Uint32Array[]; length: number } {
  const order = lists.map((_, i) => i).sort((a, b) => lists[a]!.length - lists[b]!.length)
  const smallest = lists[order[0]!]!
  const rowids = new Float64Array(smallest.length)
  const at = lists.map(() => new Uint32Array(smallest.length))
  const cursor = new Array<number>(lists.length).fill(0)
  let n = 0
  outer: for (let r = 0; r < smallest.length; r++) {
    const rowid = smallest.rowids[r]!
    for (const l of order) {
      const list = lists[l]!
      const c = seek(list.rowids, list.length, cursor[l]!, rowid)
      cursor[l] = c
      if (c >= list.length) break outer
      if (list.rowids[c] !== rowid) continue outer
    }
    rowids[n] = rowid
    for (let l = 0; l < lists.length; l++) at[l]![n] = cursor[l]!
    n++
  }
  return { rowids, at, length: n }
}

/**
 * Every row matching all phrases, scored with FTS5's bm25() formula: for each phrase its IDF over
 * the whole index times the saturated, length-normalised frequency in the row, summed (docs/search.md).
 */
export function scoreHits(access: IndexAccess, phrases: TokenPhrase[], cost: ReadCost): ScoredHits {
  const live = phrases.filter((phrase) => phrase.tokens.length > 0)
  if (live.length === 0) return { rowids: new Float64Array(0), scores: new Float64Array(0), length: 0 }
  const segments = readSegments(access.source)
  const totals = readTotals(access.source)
  const lists = live.map((phrase) => readPhrase(access.source, segments, phrase, cost))
  const idfs = lists.map((list) => idf(totals.rows, list.length))
  const hits = intersect(lists)
  const lengths = lengthsOf(access, segments, hits.rowids, hits.length, cost)
  const average = totals.tokens / totals.rows
  const scores = new Float64Array(hits.length)
  for (let i = 0; i < hits.length; i++) {
    const norm = K1 * (1 - B + (B * lengths[i]!) / average)
    let score = 0
    for (let p = 0; p < lists.length; p++) {
      const frequency = lists[p]!.counts[hits.at[p]![i]!]!
      score += idfs[p]! * ((frequency * (K1 + 1)) / (frequency + norm))
    }
    scores[i] = score
  }
  return { rowids: hits.rowids, scores, length: hits.length }
}
