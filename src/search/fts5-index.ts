/**
 * Reads FTS5's on-disk index directly: the structure record, segment leaves and doclists (the format
 * and why it is read here are in docs/search.md, "Reading the index"). Search needs, for every hit of
 * a term, its row id and how often the term occurs there; FTS5 gives that one row at a time through
 * `bm25()`, at ~1 µs a row, while decoding the doclists costs ~10 ns a row.
 * Pure code: the shadow-table rows come from an `IndexSource` (the SQL lives in store.ts).
 */

/** The shadow-table rows the reader needs; every call must see the same snapshot (one read transaction). */
export interface IndexSource {
  /** The `block` of `%_data` row `id`, or null. */
  block(id: number): Uint8Array | null
  /** The `%_data` rows with ids `from`…`to`, in id order. */
  blocks(from: number, to: number): { id: number; block: Uint8Array }[]
  /** `%_idx.pgno` of the last entry of `segid` whose term is ≤ `key`, or null. */
  pageAtOrBefore(segid: number, key: Uint8Array): number | null
  /** `%_idx.pgno` of the first entry of `segid` whose term is ≥ `key`, or null. */
  pageAtOrAfter(segid: number, key: Uint8Array): number | null
  /** The index format version FTS5 records in `%_config` (4 unless an option changed it). */
  formatVersion(): number | null
}

/** One segment of the index. */
export interface Segment {
  segid: number
  first: number
  last: number
}

/**
 * What to keep of each row's position list: the number of occurrences, the offsets themselves
 * (for phrases), or only the last offset plus one (the end token's: the row's length).
 */
export type Detail = 'count' | 'offsets' | 'end'

/** Hits of a term (or of a prefix's terms together): row ids ascending and, per row, its `Detail`. */
export interface Postings {
  rowids: Float64Array
  /** Occurrences in the row (`count`, `offsets`), or its last offset + 1 (`end`); 0 marks a deleted row. */
  counts: Uint32Array
  length: number
  /** With positions: the token offsets of row i are `offsets[starts[i]]` … `offsets[starts[i + 1] - 1]`, ascending. */
  starts?: Uint32Array
  offsets?: Int32Array
}

/** Thrown when the index is not in a form this reader knows; search then falls back to FTS5's own ranking. */
export class UnreadableIndex extends Error {}

const AVERAGES_ROWID = 1
export const STRUCTURE_ROWID = 10
/** The `%_data` id of leaf `pgno` of segment `segid` (FTS5's FTS5_SEGMENT_ROWID: segid << 37 | pgno). */
const leafId = (segid: number, pgno: number) => segid * 2 ** 37 + pgno
/** Terms of the main index start with '0' (prefix indexes, unused here, with '1'…). */
const MAIN_INDEX = 0x30
const encoder = new TextEncoder()

/** The index key of a token: '0' followed by its UTF-8 bytes. */
export function termKey(token: string): Uint8Array {
  const bytes = encoder.encode(token)
  const key = new Uint8Array(bytes.length + 1)
  key[0] = MAIN_INDEX
  key.set(bytes, 1)
  return key
}

/** The smallest key greater than every key that starts with `prefix` (null if there is none). */
function prefixEnd(prefix: Uint8Array): Uint8Array | null {
  const end = prefix.slice()
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1
      return end.subarray(0, i + 1)
    }
  }
  return null
}

const compare = (a: Uint8Array, aLength: number, b: Uint8Array): number => {
  const n = Math.min(aLength, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return aLength - b.length
}

const startsWith = (a: Uint8Array, aLength: number, prefix: Uint8Array): boolean => {
  if (aLength < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (a[i] !== prefix[i]) return false
  return true
}

/** Varint reads (SQLite's format: big-endian groups of 7 bits, a 9th byte of 8) at a shared position. */
let at = 0
function varint(a: Uint8Array): number {
  let b = a[at++]!
  if (b < 0x80) return b
  let v = b & 0x7f
  for (let i = 1; i < 8; i++) {
    b = a[at++]!
    if (b < 0x80) return v * 128 + b
    v = v * 128 + (b & 0x7f)
  }
  return v * 256 + a[at++]!
}

/** The format this reader knows (version 5 is written with FTS5's `secure-delete` option). */
const FORMAT_VERSION = 4

/** The live segments, in the order FTS5 gives them precedence: newest first. */
export function readSegments(source: IndexSource): Segment[] {
  const version = source.formatVersion()
  if (version !== FORMAT_VERSION) throw new UnreadableIndex(`index format version ${version}`)
  const record = source.block(STRUCTURE_ROWID)
  if (!record) return []
  // A V2 record belongs to a contentless_delete table, whose tombstones this reader does not apply.
  if (record.length >= 8 && record[4] === 0xff && record[5] === 0 && record[6] === 0 && record[7] === 1) {
    throw new UnreadableIndex('structure record v2')
  }
  at = 4
  const levels = varint(record)
  varint(record) // segment count
  varint(record) // write counter
  const segments: Segment[] = []
  for (let level = 0; level < levels; level++) {
    varint(record) // segments taking part in an ongoing merge
    const count = varint(record)
    const onLevel: Segment[] = []
    for (let i = 0; i < count; i++) onLevel.push({ segid: varint(record), first: varint(record), last: varint(record) })
    // Within a level the newest segment is last; one whose pages were all merged away has first = 0.
    for (let i = count - 1; i >= 0; i--) if (onLevel[i]!.first > 0) segments.push(onLevel[i]!)
  }
  if (at > record.length) throw new UnreadableIndex('structure record truncated')
  return segments
}

/** Rows and tokens in the index (FTS5's averages record): N and N × average length for bm25(). */
export function readTotals(source: IndexSource): { rows: number; tokens: number } {
  const record = source.block(AVERAGES_ROWID)
  if (!record || record.length === 0) return { rows: 0, tokens: 0 }
  at = 0
  const rows = varint(record)
  let tokens = 0
  while (at < record.length) tokens += varint(record)
  return { rows, tokens }
}

interface Page {
  block: Uint8Array
  /** Where the page's footer (the term offsets) starts. */
  size: number
  /** Offset of the first row id if it comes before the first term, else 0. */
  firstRowid: number
  termOffsets: number[]
}

function toPage(block: Uint8Array): Page {
  if (block.length < 4) throw new UnreadableIndex('short leaf')
  const size = (block[2]! << 8) | block[3]!
  if (size < 4 || size > block.length) throw new UnreadableIndex('bad leaf size')
  const termOffsets: number[] = []
  at = size
  let offset = 0
  while (at < block.length) termOffsets.push((offset += varint(block)))
  return { block, size, firstRowid: (block[0]! << 8) | block[1]!, termOffsets }
}

/** Growable postings of one term in one segment; deleted rows are kept with count 0 until segments are merged. */
class PostingsBuilder {
  rowids = new Float64Array(16)
  counts = new Uint32Array(16)
  length = 0
  starts: Uint32Array | null = null
  offsets: Int32Array | null = null
  offsetCount = 0

  constructor(readonly detail: Detail) {
    if (detail === 'offsets') {
      this.starts = new Uint32Array(17)
      this.offsets = new Int32Array(64)
    }
  }

  add(rowid: number, count: number): void {
    if (this.length === this.rowids.length) this.grow()
    this.rowids[this.length] = rowid
    this.counts[this.length] = count
    this.length += 1
    if (this.starts) this.starts[this.length] = this.offsetCount
  }

  /** Makes room for `more` rows (an estimate from the bytes about to be decoded). */
  reserve(more: number): void {
    if (this.rowids.length < this.length + more) this.resize(this.length + more)
  }

  offset(value: number): void {
    if (this.offsetCount === this.offsets!.length) this.growOffsets()
    this.offsets![this.offsetCount++] = value
  }

  growOffsets(): void {
    const offsets = new Int32Array(this.offsetCount * 2)
    offsets.set(this.offsets!)
    this.offsets = offsets
  }

  /** Records the offsets decoded since the last `add` as belonging to the row being added next. */
  endRow(rowid: number, count: number): void {
    if (this.length === this.rowids.length) this.grow()
    this.rowids[this.length] = rowid
    this.counts[this.length] = count
    this.length += 1
    this.starts![this.length] = this.offsetCount
  }

  grow(): void {
    this.resize(this.rowids.length * 2)
  }

  private resize(capacity: number): void {
    const rowids = new Float64Array(capacity)
    rowids.set(this.rowids)
    this.rowids = rowids
    const counts = new Uint32Array(capacity)
    counts.set(this.counts)
    this.counts = counts
    if (this.starts) {
      const starts = new Uint32Array(capacity + 1)
      starts.set(this.starts)
      this.starts = starts
    }
  }

  build(): Postings {
    const postings: Postings = { rowids: this.rowids, counts: this.counts, length: this.length }
    if (this.starts) {
      postings.starts = this.starts
      postings.offsets = this.offsets!
    }
    return postings
  }
}

/**
 * Decodes one doclist that starts at `pos` on `pages[index]` (just after its term). It ends at `end`
 * on that page, or — when it is the page's last term — continues over the following pages up to the
 * next page that starts a term. A page's first row id is stored whole, later ones as deltas; a
 * position list may run over a page boundary, and an empty one marks a deleted row.
 */
function readDoclist(pages: Page[], index: number, pos: number, end: number, out: PostingsBuilder): void {
  const detail = out.detail
  let page = pages[index]!
  let limit = end
  at = pos
  // A term written as the last thing on a page has its first row id at the start of the next page.
  while (at >= page.size) {
    index += 1
    if (index >= pages.length) throw new UnreadableIndex('doclist runs past the segment')
    page = pages[index]!
    at = 4
    limit = page.termOffsets.length > 0 ? page.termOffsets[0]! : page.size
  }
  let block = page.block
  let rowid = varint(block)
  let wholeRowidNext = false
  for (;;) {
    // Sizes and row id deltas are mostly one byte: read those inline.
    let size = block[at]!
    if (size < 0x80) at++
    else size = varint(block)
    let remaining = size >>> 1
    let count = 0
    let offset = 0
    // Position list: one varint per occurrence (offset delta + 2); a single column, so no column markers.
    while (remaining > 0) {
      const stop = Math.min(at + remaining, page.size)
      remaining -= stop - at
      if (detail === 'count') {
        for (; at < stop; at++) if (block[at]! < 0x80) count += 1
      } else {
        while (at < stop) {
          const b = block[at]!
          if (b < 0x80) {
            at++
            offset += b - 2
          } else {
            offset += varint(block) - 2
          }
          if (detail === 'offsets') {
            if (out.offsetCount === out.offsets!.length) out.growOffsets()
            out.offsets![out.offsetCount++] = offset
          }
          count += 1
        }
        if (at !== stop) throw new UnreadableIndex('position split inside a varint')
      }
      if (remaining > 0) {
        index += 1
        if (index >= pages.length) throw new UnreadableIndex('position list runs past the segment')
        page = pages[index]!
        block = page.block
        at = 4
        limit = page.termOffsets.length > 0 ? page.termOffsets[0]! : page.size
        wholeRowidNext = true
      }
    }
    if (detail === 'offsets') out.endRow(rowid, count)
    else {
      if (out.length === out.rowids.length) out.grow()
      out.rowids[out.length] = rowid
      out.counts[out.length++] = detail === 'end' && count > 0 ? offset + 1 : count
    }
    if (at < limit) {
      if (wholeRowidNext) {
        if (at !== page.firstRowid) throw new UnreadableIndex('row id not where the page header says')
        rowid = varint(block)
        wholeRowidNext = false
      } else {
        const delta = block[at]!
        if (delta < 0x80) {
          at++
          rowid += delta
        } else {
          rowid += varint(block)
        }
      }
      continue
    }
    // This page's part of the doclist is done: it ended before a term, or it goes on to the next page.
    if (limit < page.size) return
    for (;;) {
      index += 1
      if (index >= pages.length) return
      page = pages[index]!
      block = page.block
      if (page.firstRowid !== 0 && page.firstRowid < page.size) {
        at = page.firstRowid
        rowid = varint(block)
        limit = page.termOffsets.length > 0 ? page.termOffsets[0]! : page.size
        wholeRowidNext = false
        break
      }
      if (page.termOffsets.length > 0) return
    }
  }
}

/**
 * Calls `take` for every term of a segment from `from` on (keys compared bytewise) until `past`
 * says a term is beyond the range; `take` decides whether to decode its doclist. `single`: one
 * term is read, so its output can be sized from the pages up front.
 */
function scanSegment(
  source: IndexSource,
  segment: Segment,
  cost: ReadCost,
  single: boolean,
  from: Uint8Array,
  endKey: Uint8Array | null,
  past: (term: Uint8Array, length: number) => boolean,
  take: (term: Uint8Array, length: number, read: (out: PostingsBuilder) => void) => void,
): number {
  const startValue = source.pageAtOrBefore(segment.segid, from)
  const endValue = endKey === null ? null : source.pageAtOrAfter(segment.segid, endKey)
  const first = Math.max(segment.first, startValue === null ? segment.first : startValue >>> 1)
  const last = Math.min(segment.last, endValue === null ? segment.last : endValue >>> 1)
  if (first > last) return 0
  if (cost.bytes + (last - first + 1) * PAGE_BYTES > cost.limit) throw new TooMuchToRead()
  const rows = source.blocks(leafId(segment.segid, first), leafId(segment.segid, last))
  let bytes = 0
  const bytesBefore: number[] = []
  const pages = rows.map((row, i) => {
    if (row.id !== leafId(segment.segid, first + i)) throw new UnreadableIndex('missing leaf')
    bytesBefore.push(bytes)
    bytes += row.block.length
    return toPage(row.block)
  })
  let term = new Uint8Array(64)
  for (let index = 0; index < pages.length; index++) {
    const page = pages[index]!
    let termLength = 0
    for (let t = 0; t < page.termOffsets.length; t++) {
      at = page.termOffsets[t]!
      // The first term on a page is stored whole; later ones share a prefix with the one before.
      const keep = t === 0 ? 0 : varint(page.block)
      const fresh = varint(page.block)
      if (keep > termLength || at + fresh > page.size) throw new UnreadableIndex('bad term')
      if (keep + fresh > term.length) {
        const grown = new Uint8Array((keep + fresh) * 2)
        grown.set(term.subarray(0, keep))
        term = grown
      }
      term.set(page.block.subarray(at, at + fresh), keep)
      termLength = keep + fresh
      const doclistStart = at + fresh
      if (compare(term, termLength, from) < 0) continue
      if (past(term, termLength)) return bytes
      const isLast = t === page.termOffsets.length - 1
      take(term, termLength, (out) => {
        // One term's doclist over the following pages holds at most a row per 2 of their bytes.
        if (single && isLast) out.reserve((bytes - bytesBefore[index]!) >>> 1)
        readDoclist(pages, index, doclistStart, isLast ? page.size : page.termOffsets[t + 1]!, out)
      })
    }
  }
  return bytes
}

/** Entries of newer segments replace those of older ones row by row; rows left with count 0 were deleted. */
/**
 * Merges one term's postings from every segment (newest first): for a row in several segments the
 * newest entry wins, and rows whose winning entry is a deletion (count 0) are dropped. Segments
 * mostly hold disjoint row ranges, so runs are copied whole between the other segments' heads.
 */
function mergeSegments(perSegment: Postings[]): Postings {
  const lists = perSegment.filter((list) => list.length > 0)
  if (lists.length === 0) return EMPTY
  const concatenated = concatenate(lists)
  if (concatenated) return concatenated
  const withOffsets = lists.some((list) => list.starts !== undefined)
  let total = 0
  let totalOffsets = 0
  for (const list of lists) {
    total += list.length
    if (list.starts) totalOffsets += list.starts[list.length]!
  }
  const rowids = new Float64Array(total)
  const counts = new Uint32Array(total)
  const starts = withOffsets ? new Uint32Array(total + 1) : null
  const offsets = withOffsets ? new Int32Array(totalOffsets) : null
  const cursor = new Array<number>(lists.length).fill(0)
  let n = 0
  let o = 0
  const copy = (list: Postings, from: number, to: number) => {
    const fromRowids = list.rowids
    const fromCounts = list.counts
    if (!starts) {
      // Deleted rows (count 0) are overwritten by the next row: n only moves past live ones.
      for (let i = from; i < to; i++) {
        const count = fromCounts[i]!
        rowids[n] = fromRowids[i]!
        counts[n] = count
        n += count === 0 ? 0 : 1
      }
      return
    }
    const fromStarts = list.starts!
    const fromOffsets = list.offsets!
    for (let i = from; i < to; i++) {
      if (fromCounts[i] === 0) continue
      rowids[n] = fromRowids[i]!
      counts[n] = fromCounts[i]!
      for (let k = fromStarts[i]!; k < fromStarts[i + 1]!; k++) offsets![o++] = fromOffsets[k]!
      starts[n + 1] = o
      n++
    }
  }
  for (;;) {
    // The list with the lowest head row (the newest on equal rows), and the next lowest head among the others.
    let first = -1
    let next = Infinity
    for (let l = 0; l < lists.length; l++) {
      if (cursor[l]! >= lists[l]!.length) continue
      const head = lists[l]!.rowids[cursor[l]!]!
      if (first === -1 || head < lists[first]!.rowids[cursor[first]!]!) {
        if (first !== -1) next = Math.min(next, lists[first]!.rowids[cursor[first]!]!)
        first = l
      } else {
        next = Math.min(next, head)
      }
    }
    if (first === -1) break
    const list = lists[first]!
    const head = list.rowids[cursor[first]!]!
    if (head === next) {
      // The same row in older segments: their entries are superseded.
      copy(list, cursor[first]!, cursor[first]! + 1)
      cursor[first]! += 1
      for (let l = 0; l < lists.length; l++) {
        if (l !== first && cursor[l]! < lists[l]!.length && lists[l]!.rowids[cursor[l]!] === head) cursor[l]! += 1
      }
      continue
    }
    const end = next === Infinity ? list.length : lowerBound(list.rowids, list.length, cursor[first]!, next)
    copy(list, cursor[first]!, end)
    cursor[first] = end
  }
  const merged: Postings = { rowids, counts, length: n }
  if (starts) {
    merged.starts = starts
    merged.offsets = offsets!
  }
  return merged
}

/**
 * The common case, in one copy per segment: segments holding disjoint row ranges (older segments
 * lower rows, as a rebuild and new writes leave them) and no deleted rows. Null otherwise.
 */
function concatenate(lists: Postings[]): Postings | null {
  if (lists.some((list) => list.starts !== undefined)) return null
  let total = 0
  for (let l = lists.length - 1; l >= 0; l--) {
    const list = lists[l]!
    if (l < lists.length - 1 && list.rowids[0]! <= lists[l + 1]!.rowids[lists[l + 1]!.length - 1]!) return null
    if (list.counts.subarray(0, list.length).includes(0)) return null
    total += list.length
  }
  if (lists.length === 1) return lists[0]!
  const rowids = new Float64Array(total)
  const counts = new Uint32Array(total)
  let n = 0
  for (let l = lists.length - 1; l >= 0; l--) {
    const list = lists[l]!
    rowids.set(list.rowids.subarray(0, list.length), n)
    counts.set(list.counts.subarray(0, list.length), n)
    n += list.length
  }
  return { rowids, counts, length: total }
}

/** The first index in [from, length) whose row id is ≥ `rowid`. */
function lowerBound(rowids: Float64Array, length: number, from: number, rowid: number): number {
  let lo = from
  let hi = length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (rowids[mid]! < rowid) lo = mid + 1
    else hi = mid
  }
  return lo
}

const EMPTY: Postings = { rowids: new Float64Array(0), counts: new Uint32Array(0), length: 0 }

/** Leaf bytes a search has read, and how many it may read (about 5 ms of work per MB). */
export interface ReadCost {
  bytes: number
  limit: number
}

/** Thrown before reading leaves that would take a search past its `ReadCost.limit`. */
export class TooMuchToRead extends Error {}

/** FTS5's default leaf size; the budget check estimates a page range's bytes with it before reading it. */
const PAGE_BYTES = 4050

/** The postings of one token across all segments. */
export function readToken(source: IndexSource, segments: Segment[], key: Uint8Array, detail: Detail, cost: ReadCost): Postings {
  const perSegment: Postings[] = []
  const after = new Uint8Array(key.length + 1)
  after.set(key)
  for (const segment of segments) {
    const out = new PostingsBuilder(detail)
    cost.bytes += scanSegment(
      source,
      segment,
      cost,
      true,
      key,
      after,
      (term, length) => compare(term, length, key) > 0,
      (_term, _length, read) => read(out),
    )
    perSegment.push(out.build())
  }
  return perSegment.length === 0 ? EMPTY : mergeSegments(perSegment)
}

/** The postings of every token that starts with `prefix`, added up row by row (as FTS5 does for `prefix*`). */
export function readPrefix(source: IndexSource, segments: Segment[], prefix: Uint8Array, detail: 'count' | 'offsets', cost: ReadCost): Postings {
  const end = prefixEnd(prefix)
  // Per term, its postings in each segment (newest first), merged per term before the terms are added up.
  const byTerm = new Map<string, (Postings | null)[]>()
  segments.forEach((segment, s) => {
    cost.bytes += scanSegment(
      source,
      segment,
      cost,
      false,
      prefix,
      end,
      (term, length) => !startsWith(term, length, prefix),
      (term, length, read) => {
        const out = new PostingsBuilder(detail)
        read(out)
        const name = Buffer.from(term.subarray(0, length)).toString('latin1')
        let lists = byTerm.get(name)
        if (!lists) byTerm.set(name, (lists = new Array<Postings | null>(segments.length).fill(null)))
        lists[s] = out.build()
      },
    )
  })
  const terms = [...byTerm.values()].map((lists) => mergeSegments(lists.map((list) => list ?? EMPTY)))
  if (terms.length === 0) return EMPTY
  if (terms.length === 1) return terms[0]!
  return detail === 'offsets' ? unionWithPositions(terms) : unionCounts(terms)
}

/** Adds up counts of several row-sorted lists, a window of row ids at a time (dense, no sorting). */
function unionCounts(lists: Postings[]): Postings {
  const WINDOW = 1 << 16
  const acc = new Uint32Array(WINDOW)
  const cursor = new Array<number>(lists.length).fill(0)
  const out = new PostingsBuilder('count')
  for (;;) {
    let next = Infinity
    for (let l = 0; l < lists.length; l++) if (cursor[l]! < lists[l]!.length) next = Math.min(next, lists[l]!.rowids[cursor[l]!]!)
    if (next === Infinity) return out.build()
    const base = next
    const top = base + WINDOW
    let high = 0
    for (let l = 0; l < lists.length; l++) {
      const list = lists[l]!
      let c = cursor[l]!
      while (c < list.length && list.rowids[c]! < top) {
        const slot = list.rowids[c]! - base
        acc[slot]! += list.counts[c]!
        if (slot >= high) high = slot + 1
        c++
      }
      cursor[l] = c
    }
    for (let slot = 0; slot < high; slot++) {
      if (acc[slot]! > 0) {
        out.add(base + slot, acc[slot]!)
        acc[slot] = 0
      }
    }
  }
}

/** Union of several lists keeping positions (a prefix inside a phrase): pairwise merges. */
function unionWithPositions(lists: Postings[]): Postings {
  let merged = lists[0]!
  for (let i = 1; i < lists.length; i++) merged = unionPair(merged, lists[i]!)
  return merged
}

function unionPair(a: Postings, b: Postings): Postings {
  const out = new PostingsBuilder('offsets')
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const ra = i < a.length ? a.rowids[i]! : Infinity
    const rb = j < b.length ? b.rowids[j]! : Infinity
    const rowid = Math.min(ra, rb)
    let pa = ra === rowid ? a.starts![i]! : 0
    const ea = ra === rowid ? a.starts![i + 1]! : 0
    let pb = rb === rowid ? b.starts![j]! : 0
    const eb = rb === rowid ? b.starts![j + 1]! : 0
    let count = 0
    while (pa < ea || pb < eb) {
      const va = pa < ea ? a.offsets![pa]! : Infinity
      const vb = pb < eb ? b.offsets![pb]! : Infinity
      if (va <= vb) {
        out.offset(va)
        pa++
        if (va === vb) pb++
      } else {
        out.offset(vb)
        pb++
      }
      count++
    }
    out.endRow(rowid, count)
    if (ra === rowid) i++
    if (rb === rowid) j++
  }
  return out.build()
}
