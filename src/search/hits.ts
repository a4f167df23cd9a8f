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
  /** A stamp of the database's content (equal stamps, unchanged index): what was read before stays valid. */
  version(): string
  /** Exact lengths in tokens of the given rows (FTS5's `%_docsize`). */
  lengths(rowids: ArrayLike<number>): Map<number, number>
}

// FTS5's bm25() constants: k1 = 1.2, b = 0.75, IDF clamped to 1e-6 (docs/search.md, "Scoring").
const K1 = 1.2
const B = 0.75

/** The IDF of a phrase found in `hits` of `rows` rows, exactly as FTS5's bm25() computes it. */
function idf(rows: number, hits: number): number {
  const value = Math.log((rows - hits + 0.5) / (hits + 0.5))
  return value <= 0 ? 1e-6 : value
}

/** Rows up to this many get their lengths from `%_docsize` one by one; more read the end tokens of the whole index. */
const DOCSIZE_LOOKUPS = 2_000
const END_KEY = termKey(END_TOKEN)

/** Every row's length: indexed by row id when row ids are dense enough (no search per hit), else as sorted pairs. */
type LengthTable = { byRowid: Uint32Array } | { rowids: Float64Array; lengths: Uint32Array; length: number }

/** What one connection keeps of an index between searches while the database does not change. */
interface IndexCache {
  version: string
  lengths: LengthTable | null
  /** Lengths looked up one by one so far, by row id (0: not yet known; a length is at least 1, the end token). */
  looked: Uint32Array
  /** Postings of recent phrases, least recently used first. */
  phrases: Map<string, Postings>
  bytes: number
}
const caches = new WeakMap<IndexSource, IndexCache>()
/** Bytes of phrase postings kept per index and connection (12 bytes a row). */
const PHRASE_CACHE_BYTES = 48 * 1024 * 1024

function cacheOf(access: IndexAccess): IndexCache {
  const version = access.version()
  let cache = caches.get(access.source)
  if (!cache || cache.version !== version) {
    caches.set(access.source, (cache = { version, lengths: null, looked: new Uint32Array(0), phrases: new Map(), bytes: 0 }))
  }
  return cache
}

/**
 * Every row's length in tokens: the position of its end token (the last token of every indexed text)
 * plus one. Read once per database state and kept until something changes.
 */
function lengthTable(access: IndexAccess, cache: IndexCache, segments: Segment[], cost: ReadCost): LengthTable {
  if (cache.lengths) return cache.lengths
  const ends = readToken(access.source, segments, END_KEY, 'end', cost)
  const last = ends.length > 0 ? ends.rowids[ends.length - 1]! : 0
  if (last > ends.length * 4 + 1024) return (cache.lengths = { rowids: ends.rowids, lengths: ends.counts, length: ends.length })
  const byRowid = new Uint32Array(last + 1)
  for (let i = 0; i < ends.length; i++) byRowid[ends.rowids[i]!] = ends.counts[i]!
  return (cache.lengths = { byRowid })
}

/** bm25()'s length normalisation of each of `rowids` (ascending): k1 · (1 − b + b · length / average). */
function normsOf(access: IndexAccess, cache: IndexCache, segments: Segment[], rowids: Float64Array, n: number, average: number, cost: ReadCost): Float64Array {
  const out = new Float64Array(n)
  const norm = (length: number) => K1 * (1 - B + (B * length) / average)
  if (n <= DOCSIZE_LOOKUPS && !cache.lengths) {
    const last = n > 0 ? rowids[n - 1]! : 0
    if (cache.looked.length <= last) {
      const grown = new Uint32Array(Math.max(last + 1, cache.looked.length * 2))
      grown.set(cache.looked)
      cache.looked = grown
    }
    const looked = cache.looked
    const unknown: number[] = []
    for (let i = 0; i < n; i++) if (looked[rowids[i]!] === 0) unknown.push(rowids[i]!)
    if (unknown.length > 0) for (const [rowid, length] of access.lengths(unknown)) looked[rowid] = length
    for (let i = 0; i < n; i++) out[i] = norm(looked[rowids[i]!]!)
    return out
  }
  const table = lengthTable(access, cache, segments, cost)
  if ('byRowid' in table) {
    const byRowid = table.byRowid
    for (let i = 0; i < n; i++) out[i] = K1 * (1 - B + (B * (byRowid[rowids[i]!] ?? 0)) / average)
    return out
  }
  const tableRowids = table.rowids
  const tableLengths = table.lengths
  const end = table.length
  let j = 0
  for (let i = 0; i < n; i++) {
    const rowid = rowids[i]!
    while (j < end && tableRowids[j]! < rowid) j++
    out[i] = norm(j < end && tableRowids[j] === rowid ? tableLengths[j]! : 0)
  }
  return out
}

/** Rows where the tokens of a multi-token phrase stand next to each other, and how many times. */
function phraseMatches(parts: Postings[]): Postings {
  // Rows holding every token, then per row the start offsets o with token p at o + p for every p.
  const rows = intersect(parts)
  const rowids = new Float64Array(rows.length)
  const counts = new Uint32Array(rows.length)
  const next = new Int32Array(parts.length)
  const end = new Int32Array(parts.length)
  let n = 0
  const first = parts[0]!
  const firstOffsets = first.offsets!
  for (let r = 0; r < rows.length; r++) {
    for (let p = 0; p < parts.length; p++) {
      const row = rows.at[p]![r]!
      next[p] = parts[p]!.starts![row]!
      end[p] = parts[p]!.starts![row + 1]!
    }
    let count = 0
    for (let o = next[0]!; o < end[0]!; o++) {
      const start = firstOffsets[o]!
      let all = true
      for (let p = 1; p < parts.length && all; p++) {
        const offsets = parts[p]!.offsets!
        let i = next[p]!
        while (i < end[p]! && offsets[i]! < start + p) i++
        next[p] = i
        all = i < end[p]! && offsets[i] === start + p
      }
      if (all) count++
    }
    if (count > 0) {
      rowids[n] = rows.rowids[r]!
      counts[n++] = count
    }
  }
  return { rowids, counts, length: n }
}

/** The rows of one phrase and its frequency in each, from the cache or the index. */
function readPhrase(source: IndexSource, cache: IndexCache, segments: Segment[], phrase: TokenPhrase, cost: ReadCost): Postings {
  const key = `${phrase.prefix ? '*' : ' '}${phrase.tokens.join(' ')}`
  const cached = cache.phrases.get(key)
  if (cached) {
    cache.phrases.delete(key)
    cache.phrases.set(key, cached)
    return cached
  }
  const postings = decodePhrase(source, segments, phrase, cost)
  const bytes = postings.length * 12
  if (bytes <= PHRASE_CACHE_BYTES) {
    for (const [old, list] of cache.phrases) {
      if (cache.bytes + bytes <= PHRASE_CACHE_BYTES) break
      cache.phrases.delete(old)
      cache.bytes -= list.length * 12
    }
    cache.phrases.set(key, { rowids: postings.rowids, counts: postings.counts, length: postings.length })
    cache.bytes += bytes
  }
  return postings
}

function decodePhrase(source: IndexSource, segments: Segment[], phrase: TokenPhrase, cost: ReadCost): Postings {
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
  // The shortest list drives; each further list narrows the rows down.
  const order = lists.map((_, i) => i).sort((a, b) => lists[a]!.length - lists[b]!.length)
  const first = lists[order[0]!]!
  const at = new Array<Uint32Array>(lists.length)
  let rows = { rowids: first.rowids, length: first.length }
  for (let k = 1; k < order.length; k++) {
    const next = intersectTwo(rows.rowids, rows.length, lists[order[k]!]!)
    // Positions in the lists already intersected follow the surviving rows.
    at[order[0]!] = k === 1 ? next.left : pick(at[order[0]!]!, next.left, next.length)
    for (let j = 1; j < k; j++) at[order[j]!] = pick(at[order[j]!]!, next.left, next.length)
    at[order[k]!] = next.right
    rows = next
  }
  return { rowids: rows.rowids, at, length: rows.length }
}

const pick = (values: Uint32Array, indices: Uint32Array, n: number) => {
  const out = new Uint32Array(n)
  for (let i = 0; i < n; i++) out[i] = values[indices[i]!]!
  return out
}

/**
 * Rows in both a sorted row list and a list, with the index of each in either: a plain merge when
 * the lengths are alike, galloping through the longer one when it is much longer.
 */
function intersectTwo(rowids: Float64Array, length: number, list: Postings) {
  const out = new Float64Array(Math.min(length, list.length))
  const left = new Uint32Array(out.length)
  const right = new Uint32Array(out.length)
  const other = list.rowids
  const otherLength = list.length
  let n = 0
  let i = 0
  let j = 0
  const gallop = otherLength > length * 8
  while (i < length && j < otherLength) {
    const a = rowids[i]!
    const b = other[j]!
    if (a < b) i++
    else if (a > b) j = gallop ? seek(other, otherLength, j, a) : j + 1
    else {
      out[n] = a
      left[n] = i++
      right[n++] = j++
    }
  }
  return { rowids: out, left, right, length: n }
}

/** Adds one phrase's term of the bm25() sum to every hit's score. */
function addScores(scores: Float64Array, counts: Uint32Array, at: Uint32Array | null, norms: Float64Array, weight: number, n: number): void {
  const k1 = K1 + 1
  if (at) {
    for (let i = 0; i < n; i++) {
      const frequency = counts[at[i]!]!
      scores[i]! += weight * ((frequency * k1) / (frequency + norms[i]!))
    }
  } else {
    for (let i = 0; i < n; i++) {
      const frequency = counts[i]!
      scores[i]! += weight * ((frequency * k1) / (frequency + norms[i]!))
    }
  }
}

/** One phrase's hits over a dense length table, in one pass (the arithmetic of `normsOf` and `addScores`). */
function scoreOne(list: Postings, weight: number, byRowid: Uint32Array, average: number): ScoredHits {
  const scores = new Float64Array(list.length)
  const k1 = K1 + 1
  const rowids = list.rowids
  const counts = list.counts
  for (let i = 0; i < list.length; i++) {
    const norm = K1 * (1 - B + (B * (byRowid[rowids[i]!] ?? 0)) / average)
    const frequency = counts[i]!
    let score = 0
    score += weight * ((frequency * k1) / (frequency + norm))
    scores[i] = score
  }
  return { rowids, scores, length: list.length }
}

/**
 * Two phrases' hits over a dense length table, in one pass: intersection, length normalisation and
 * scores with exactly the arithmetic of `normsOf` and `addScores`, phrase 0's term added first (a
 * word pair found in most rows, `return error`, would otherwise take four passes over every hit).
 */
function scorePair(a: Postings, b: Postings, weights: number[], byRowid: Uint32Array, average: number): ScoredHits {
  const size = Math.min(a.length, b.length)
  const rowids = new Float64Array(size)
  const scores = new Float64Array(size)
  const k1 = K1 + 1
  const [wa, wb] = weights as [number, number]
  const aRowids = a.rowids
  const bRowids = b.rowids
  const aCounts = a.counts
  const bCounts = b.counts
  const gallopA = a.length > b.length * 8
  const gallopB = b.length > a.length * 8
  let n = 0
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const ra = aRowids[i]!
    const rb = bRowids[j]!
    if (ra < rb) i = gallopA ? seek(aRowids, a.length, i, rb) : i + 1
    else if (ra > rb) j = gallopB ? seek(bRowids, b.length, j, ra) : j + 1
    else {
      const norm = K1 * (1 - B + (B * (byRowid[ra] ?? 0)) / average)
      const fa = aCounts[i++]!
      const fb = bCounts[j++]!
      let score = 0
      score += wa * ((fa * k1) / (fa + norm))
      score += wb * ((fb * k1) / (fb + norm))
      rowids[n] = ra
      scores[n++] = score
    }
  }
  return { rowids, scores, length: n }
}

/**
 * Every row matching all phrases, scored with FTS5's bm25() formula: for each phrase its IDF over
 * the whole index times the saturated, length-normalised frequency in the row, summed (docs/search.md).
 */
export function scoreHits(access: IndexAccess, phrases: TokenPhrase[], cost: ReadCost): ScoredHits {
  const live = phrases.filter((phrase) => phrase.tokens.length > 0)
  if (live.length === 0) return { rowids: new Float64Array(0), scores: new Float64Array(0), length: 0 }
  const cache = cacheOf(access)
  const segments = readSegments(access.source)
  const totals = readTotals(access.source)
  const lists = live.map((phrase) => readPhrase(access.source, cache, segments, phrase, cost))
  const idfs = lists.map((list) => idf(totals.rows, list.length))
  const average = totals.tokens / totals.rows
  // One or two phrases, every length at hand (read by an earlier search of this database state): one pass.
  if (cache.lengths && 'byRowid' in cache.lengths) {
    if (lists.length === 1) return scoreOne(lists[0]!, idfs[0]!, cache.lengths.byRowid, average)
    if (lists.length === 2) return scorePair(lists[0]!, lists[1]!, idfs, cache.lengths.byRowid, average)
  }
  // One phrase: its rows are the hits, each its own frequency (no intersection to look through).
  const hits = lists.length === 1 ? { rowids: lists[0]!.rowids, at: [null], length: lists[0]!.length } : intersect(lists)
  // Each hit's length normalisation, then phrase by phrase (in query order, as bm25() adds them up).
  const norms = normsOf(access, cache, segments, hits.rowids, hits.length, average, cost)
  const scores = new Float64Array(hits.length)
  for (let p = 0; p < lists.length; p++) addScores(scores, lists[p]!.counts, hits.at[p] ?? null, norms, idfs[p]!, hits.length)
  return { rowids: hits.rowids, scores, length: hits.length }
}
