import { Type, type Static } from '@sinclair/typebox'
import { seek } from './hits'
import type { ScoredHits, SearchStore, SessionFilter, SessionView } from './store'

/** A session chosen by search: its score, the time of its last match, its best messages. */
export interface RankedSession {
  session: SessionView
  /** Its best message's score plus its title's (docs/search.md, "Scoring"). */
  score: number
  /** The time of its last matching message (a title match counts as its creation time); null without an update time. */
  time: number | null
  /** Up to `MATCHES` of its messages, best first: pk and score. */
  matches: { pk: number; score: number }[]
}

/** How results are ordered: `relevance`, best score first; `recent`, the newest last match first. */
export const SearchSort = Type.Union([Type.Literal('relevance'), Type.Literal('recent')], {
  description: 'relevance (default): best match first; recent: the session whose last matching message is newest first',
})
export type SearchSort = Static<typeof SearchSort>

const MATCHES = 3
/** A filter allowing at most this many messages is applied by restricting the hits up front. */
const PREFILTER_MESSAGES = 20_000
/** Up to this many hits, recency is computed from every hit's message row; beyond, by walking sessions newest first. */
const DIRECT_RECENCY_HITS = 5_000
/** …unless the walk visits this many sessions without filling the page (hits concentrated in few sessions). */
const WALK_LIMIT = 5_000
const BATCH = 256
/** Hits sorted up front; a walk past them continues from a heap. */
const FIRST_SORTED = 256
/** Messages tying with the k-th score walked one by one before the ties are resolved by update time. */
const TIED_MESSAGES = 256
/**
 * Title lists up to this long are walked before the messages: once they are done, an unseen session
 * is bounded by the next message alone instead of message + title (a word in a few titles would
 * otherwise keep the bound loose through thousands of messages).
 */
export const TITLES_FIRST = 4_096

/** Relevance order: score, then newer update, then session id — deterministic, whatever the row order. */
function byRelevance(a: RankedSession, b: RankedSession): number {
  return b.score - a.score || newer(a.session.updated_at, b.session.updated_at) || compareIds(a.session.id, b.session.id)
}

/** Recency order: time of the last match, then score, then session id. */
function byRecency(a: RankedSession, b: RankedSession): number {
  return newer(a.time, b.time) || b.score - a.score || compareIds(a.session.id, b.session.id)
}

/** Later times first, unknown times last. */
const newer = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a)
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const allows = (filter: SessionFilter, session: SessionView) =>
  (filter.workspace === undefined || session.workspace_id === filter.workspace) &&
  (filter.provider === undefined || session.provider === filter.provider)

/** Hits kept by a sorted list of allowed row ids. */
function restrict(hits: ScoredHits, allowed: Float64Array): ScoredHits {
  const rowids = new Float64Array(Math.min(hits.length, allowed.length))
  const scores = new Float64Array(rowids.length)
  let n = 0
  let j = 0
  for (let i = 0; i < hits.length; i++) {
    j = seek(allowed, allowed.length, j, hits.rowids[i]!)
    if (j < allowed.length && allowed[j] === hits.rowids[i]) {
      rowids[n] = hits.rowids[i]!
      scores[n++] = hits.scores[i]!
    }
  }
  return { rowids, scores, length: n }
}

/**
 * Hit indices in descending score order (equal scores by position). The first few come from one
 * selection pass and a small sort; a walk that needs more (ties, filters) gets the rest from a heap.
 */
class Descending {
  private order: number[] = []
  private position = 0
  private chosen: Uint8Array | null = null
  private heap: Int32Array | null = null
  private heapSize = 0

  constructor(private hits: ScoredHits) {}

  peek(): number | null {
    if (this.chosen === null) {
      this.order = topIndices(this.hits.scores, this.hits.length, FIRST_SORTED)
      this.chosen = new Uint8Array(this.hits.length)
      for (const i of this.order) this.chosen[i] = 1
    }
    if (this.position < this.order.length) return this.order[this.position]!
    if (this.heap === null) this.buildHeap()
    return this.heapSize > 0 ? this.heap![0]! : null
  }

  take(): number | null {
    const index = this.peek()
    if (index === null) return null
    if (this.position < this.order.length) this.position++
    else this.pop()
    return index
  }

  /** The score of the next hit, or 0 when none is left. */
  nextScore(): number {
    const index = this.peek()
    return index === null ? 0 : this.hits.scores[index]!
  }

  private before(a: number, b: number): boolean {
    const sa = this.hits.scores[a]!
    const sb = this.hits.scores[b]!
    return sa > sb || (sa === sb && a < b)
  }

  private buildHeap(): void {
    const heap = new Int32Array(this.hits.length - this.order.length)
    let n = 0
    for (let i = 0; i < this.hits.length; i++) if (this.chosen![i] === 0) heap[n++] = i
    this.heap = heap
    this.heapSize = n
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i)
  }

  private pop(): void {
    const heap = this.heap!
    heap[0] = heap[--this.heapSize]!
    this.siftDown(0)
  }

  private siftDown(from: number): void {
    const heap = this.heap!
    let i = from
    for (;;) {
      const left = 2 * i + 1
      if (left >= this.heapSize) return
      const right = left + 1
      const child = right < this.heapSize && this.before(heap[right]!, heap[left]!) ? right : left
      if (!this.before(heap[child]!, heap[i]!)) return
      const swap = heap[i]!
      heap[i] = heap[child]!
      heap[child] = swap
      i = child
    }
  }
}

/** Indices of the `count` highest scores, highest first, ties by index: one pass keeping a small min-heap. */
function topIndices(scores: Float64Array, length: number, count: number): number[] {
  const k = Math.min(count, length)
  const heap = new Int32Array(k) // the worst of the kept indices at the root
  let size = 0
  // `a` ranks below `b`: a lower score, or the same score and a later index.
  const below = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b)
  const siftDown = (from: number) => {
    let i = from
    for (;;) {
      const left = 2 * i + 1
      if (left >= size) return
      const child = left + 1 < size && below(heap[left + 1]!, heap[left]!) ? left + 1 : left
      if (!below(heap[child]!, heap[i]!)) return
      const swap = heap[i]!
      heap[i] = heap[child]!
      heap[child] = swap
      i = child
    }
  }
  let bar = -Infinity // the root's score once the heap is full: a later index must beat it strictly
  for (let i = 0; i < length; i++) {
    if (size < k) {
      let j = size++
      heap[j] = i
      while (j > 0) {
        const parent = (j - 1) >> 1
        if (!below(heap[j]!, heap[parent]!)) break
        const swap = heap[j]!
        heap[j] = heap[parent]!
        heap[parent] = swap
        j = parent
      }
      if (size === k) bar = scores[heap[0]!]!
    } else if (scores[i]! > bar) {
      heap[0] = i
      siftDown(0)
      bar = scores[heap[0]!]!
    }
  }
  return Array.from(heap.subarray(0, size)).sort((a, b) => scores[b]! - scores[a]! || a - b)
}

/** The k best entries kept sorted (k ≤ 100): the k-th best is the bar a new candidate has to pass. */
class Best<T> {
  items: T[] = []
  constructor(
    private k: number,
    private order: (a: T, b: T) => number,
  ) {}
  add(item: T): void {
    let i = this.items.length
    while (i > 0 && this.order(item, this.items[i - 1]!) < 0) i--
    this.items.splice(i, 0, item)
    if (this.items.length > this.k * 4) this.items.length = this.k * 4
  }
  kth(): T | null {
    return this.items.length >= this.k ? this.items[this.k - 1]! : null
  }
}

/** What ranking reads: the hits, the store for rows, and the request. */
export interface RankInput {
  messages: ScoredHits
  titles: ScoredHits
  limit: number
  filter: SessionFilter
  sort: SearchSort
  /** Title lists up to this long are walked first (`TITLES_FIRST` by default; the order found is the same either way). */
  titlesFirst?: number
}

/** The sessions to return for a search, in order; exact for the documented scoring (docs/search.md). */
export function rankSessions(store: SearchStore, input: RankInput): RankedSession[] {
  const context = new Context(store, input)
  const ranked = (input.sort === 'recent' ? context.byTime() : context.byScore()).slice(0, input.limit)
  context.loadSpans(ranked.map((entry) => entry.session.pk))
  return ranked.map((entry) => ({ ...entry, matches: context.bestMessages(entry.session.pk) }))
}

class Context {
  private messages: ScoredHits
  private titles: ScoredHits
  private rows = new Map<number, SessionView>()
  /** Sessions the filter is checked on as they are met (filters too broad to restrict the hits up front). */
  private checkFilter: boolean
  private members = new Map<number, Set<number>>()
  private spans = new Map<number, { lo: number; hi: number; n: number } | null>()

  constructor(
    private store: SearchStore,
    private input: RankInput,
  ) {
    this.messages = input.messages
    this.titles = input.titles
    const filtered = input.filter.workspace !== undefined || input.filter.provider !== undefined
    this.checkFilter = filtered
    if (filtered && store.filterSize(input.filter) <= PREFILTER_MESSAGES) {
      // Filters before ranking: only hits in allowed sessions take part.
      this.messages = restrict(this.messages, store.filterMessages(input.filter))
      const sessions = Float64Array.from([...store.filterSessions(input.filter)]).sort()
      this.titles = restrict(this.titles, sessions)
      this.checkFilter = false
    }
  }

  /** Session rows, fetched in one query for those not yet known. */
  private load(pks: Iterable<number>): void {
    const missing = [...pks].filter((pk) => !this.rows.has(pk))
    for (let i = 0; i < missing.length; i += 1000) {
      for (const row of this.store.sessions(missing.slice(i, i + 1000))) this.rows.set(row.pk, row)
    }
  }

  private accepted(pk: number): SessionView | null {
    const row = this.rows.get(pk)
    if (!row) return null
    return !this.checkFilter || allows(this.input.filter, row) ? row : null
  }

  private titleScore(sessionPk: number): number {
    const i = seek(this.titles.rowids, this.titles.length, 0, sessionPk)
    return i < this.titles.length && this.titles.rowids[i] === sessionPk ? this.titles.scores[i]! : 0
  }

  /** Looks up the message pk ranges of sessions not yet known, in one query. */
  loadSpans(sessionPks: Iterable<number>): void {
    const missing = [...sessionPks].filter((pk) => !this.spans.has(pk))
    for (const pk of missing) this.spans.set(pk, null)
    for (let i = 0; i < missing.length; i += 1000) {
      for (const span of this.store.sessionSpans(missing.slice(i, i + 1000))) this.spans.set(span.session_pk, span)
    }
  }

  /** Indices into the message hits of one session's messages. */
  private hitsOf(sessionPk: number): number[] {
    this.loadSpans([sessionPk])
    const span = this.spans.get(sessionPk)
    if (!span) return []
    const found: number[] = []
    for (let i = seek(this.messages.rowids, this.messages.length, 0, span.lo); i < this.messages.length && this.messages.rowids[i]! <= span.hi; i++) {
      found.push(i)
    }
    // Recorded sessions can interleave their pks with others': then check membership.
    if (span.hi - span.lo + 1 === span.n || found.length === 0) return found
    let members = this.members.get(sessionPk)
    if (!members) this.members.set(sessionPk, (members = new Set(this.store.sessionMessages(sessionPk))))
    return found.filter((i) => members.has(this.messages.rowids[i]!))
  }

  private bestScoreOf(sessionPk: number): number {
    let best = 0
    for (const i of this.hitsOf(sessionPk)) best = Math.max(best, this.messages.scores[i]!)
    return best
  }

  /** A session's best messages (score, then pk). */
  bestMessages(sessionPk: number): { pk: number; score: number }[] {
    return this.hitsOf(sessionPk)
      .map((i) => ({ pk: this.messages.rowids[i]!, score: this.messages.scores[i]! }))
      .sort((a, b) => b.score - a.score || a.pk - b.pk)
      .slice(0, MATCHES)
  }

  /**
   * Threshold algorithm over two descending lists — message scores and title scores. A session not
   * yet met has a best message no better than the next message and a title no better than the next
   * title, so once the k-th best exact total beats that sum, no unseen session can enter the page.
   */
  byScore(): RankedSession[] {
    const best = new Best<RankedSession>(this.input.limit, byRelevance)
    const seen = new Set<number>()
    const messages = new Walk(this.messages, (rowids, scores) => {
      const sessionOf = new Map(this.store.messageSessions(rowids).map((row) => [row.pk, row.session_pk]))
      const sessions = rowids.map((pk) => sessionOf.get(pk) ?? null)
      // Rows only of sessions that can still make the page (the bar only rises).
      const bar = best.kth()?.score ?? -Infinity
      this.load(sessions.filter((pk, i): pk is number => pk !== null && !seen.has(pk) && scores[i]! + this.titleScore(pk) >= bar))
      return sessions
    })
    const titles = new Walk(this.titles, (pks, scores) => {
      const fresh = pks.filter((pk) => !seen.has(pk))
      this.loadSpans(fresh)
      const bar = best.kth()?.score ?? -Infinity
      this.load(pks.filter((pk, i) => !seen.has(pk) && this.bestScoreOf(pk) + scores[i]! >= bar))
      return pks
    })
    const titlesFirst = this.titles.length <= (this.input.titlesFirst ?? TITLES_FIRST)
    let tied = 0
    for (;;) {
      const next = messages.nextScore()
      const kth = best.kth()
      if (kth !== null && kth.score > next + titles.nextScore()) break
      if (messages.done() && titles.done()) break
      // Only sessions tying with the k-th are left to find, among many equal messages: find them by update time instead.
      if (kth !== null && titles.done() && next === kth.score && ++tied > TIED_MESSAGES) return this.resolveTies(best, seen, kth.score)
      let sessionPk: number
      let score: number
      if (!messages.done() && (titles.done() || (!titlesFirst && next >= titles.nextScore()))) {
        const message = messages.take()
        sessionPk = message.sessionPk
        if (seen.has(sessionPk)) continue
        // Met first through its best message: the title adds its exact score.
        score = message.score + this.titleScore(sessionPk)
      } else {
        const title = titles.take()
        sessionPk = title.sessionPk
        if (seen.has(sessionPk)) continue
        score = this.bestScoreOf(sessionPk) + title.score
      }
      seen.add(sessionPk)
      if (score < (best.kth()?.score ?? -Infinity)) continue
      this.load([sessionPk])
      const row = this.accepted(sessionPk)
      if (row) best.add({ session: row, score, time: null, matches: [] })
    }
    return best.items
  }

  /**
   * The rest of a relevance walk that reached a long run of messages scoring exactly the k-th score
   * `tie`, with every title visited: a session not yet met can now only tie (its best message scores
   * `tie`, it has no title match), and ties go to the newer update, then the smaller id. So sessions
   * are visited newest update first, and the walk stops once the next one is older than the k-th.
   */
  private resolveTies(best: Best<RankedSession>, seen: Set<number>, tie: number): RankedSession[] {
    for (const row of this.newest()) {
      if (newer(row.updated_at, best.kth()!.session.updated_at) > 0) break
      if (seen.has(row.pk) || !this.hitsOf(row.pk).some((i) => this.messages.scores[i] === tie)) continue
      best.add({ session: row, score: tie, time: null, matches: [] })
    }
    return best.items
  }

  /** Sessions the filter allows, newest update first, a page at a time with their message ranges. */
  private *newest(): Generator<SessionView> {
    let after: { updated: number | null; pk: number } = { updated: Number.MAX_SAFE_INTEGER, pk: Number.MAX_SAFE_INTEGER }
    for (;;) {
      const page = this.store.newestSessions(this.input.filter, after, BATCH)
      if (page.length === 0) return
      this.loadSpans(page.map((row) => row.pk))
      for (const row of page) {
        this.rows.set(row.pk, row)
        yield row
      }
      const last = page[page.length - 1]!
      after = { updated: last.updated_at, pk: last.pk }
    }
  }

  /** Recency order: from every hit's row when there are few hits, else by walking sessions newest first. */
  byTime(): RankedSession[] {
    if (this.messages.length + this.titles.length <= DIRECT_RECENCY_HITS) return this.timesFromHits()
    return this.timesByWalk() ?? this.timesFromHits()
  }

  /** A session's time: its last matching message's, a title match counting as its creation, capped at its update time. */
  private timeOf(row: SessionView, titleHit: boolean, messageTimes: (number | null)[]): number | null {
    const updated = row.updated_at
    if (updated === null) return null
    // A time is never later than the update time; a message without one, or the title, takes the session's.
    const capped = (t: number | null) => (t === null ? updated : Math.min(t, updated))
    let time = titleHit ? capped(row.created_at) : null
    for (const t of messageTimes) time = Math.max(time ?? -Infinity, capped(t))
    return time
  }

  private timesFromHits(): RankedSession[] {
    const found = new Map<number, { best: number; times: (number | null)[] }>()
    for (let start = 0; start < this.messages.length; start += 1000) {
      const end = Math.min(this.messages.length, start + 1000)
      const scoreOf = new Map<number, number>()
      for (let i = start; i < end; i++) scoreOf.set(this.messages.rowids[i]!, this.messages.scores[i]!)
      for (const row of this.store.messageRows(this.messages.rowids.subarray(start, end))) {
        let entry = found.get(row.session_pk)
        if (!entry) found.set(row.session_pk, (entry = { best: 0, times: [] }))
        entry.best = Math.max(entry.best, scoreOf.get(row.pk)!)
        entry.times.push(row.timestamp)
      }
    }
    for (let i = 0; i < this.titles.length; i++) {
      const pk = this.titles.rowids[i]!
      if (!found.has(pk)) found.set(pk, { best: 0, times: [] })
    }
    this.load(found.keys())
    const ranked: RankedSession[] = []
    for (const [pk, entry] of found) {
      const row = this.accepted(pk)
      if (!row) continue
      const title = this.titleScore(pk)
      ranked.push({ session: row, score: entry.best + title, time: this.timeOf(row, this.hasTitle(pk), entry.times), matches: [] })
    }
    return ranked.sort(byRecency)
  }

  private hasTitle(sessionPk: number): boolean {
    const i = seek(this.titles.rowids, this.titles.length, 0, sessionPk)
    return i < this.titles.length && this.titles.rowids[i] === sessionPk
  }

  /**
   * Walks sessions newest update first: a session's time is at most its update time, so once the
   * k-th best time is later than the next session's update, the page is final. Null when the walk
   * meets too many sessions without matches (then every hit is looked up instead).
   */
  private timesByWalk(): RankedSession[] | null {
    const best = new Best<RankedSession>(this.input.limit, byRecency)
    let walked = 0
    for (const row of this.newest()) {
      const kth = best.kth()
      if (kth !== null && kth.time !== null && (row.updated_at === null || row.updated_at < kth.time)) break
      if (++walked > WALK_LIMIT) return null
      const titleHit = this.hasTitle(row.pk)
      const hits = this.hitsOf(row.pk)
      if (!titleHit && hits.length === 0) continue
      let top = 0
      for (const i of hits) top = Math.max(top, this.messages.scores[i]!)
      const times = row.updated_at === null || hits.length === 0 ? [] : this.store.messageRows(hits.map((i) => this.messages.rowids[i]!)).map((m) => m.timestamp)
      best.add({ session: row, score: top + this.titleScore(row.pk), time: this.timeOf(row, titleHit, times), matches: [] })
    }
    return best.items
  }
}

/** Hits in descending score order with their sessions, looked up a growing batch at a time. */
class Walk {
  private order: Descending
  private queue: { score: number; sessionPk: number }[] = []
  private batch = BATCH / 2

  /** `sessionsOf` gives the session of each row id of a batch (null for a row gone since); the scores come along. */
  constructor(
    private hits: ScoredHits,
    private sessionsOf: (rowids: number[], scores: number[]) => (number | null)[],
  ) {
    this.order = new Descending(hits)
  }

  private fill(): void {
    if (this.queue.length > 0) return
    const indices: number[] = []
    // Batches grow: a walk that goes on (ties, filters) needs many lookups, one statement each.
    this.batch = Math.min(this.batch * 2, 2048)
    for (let i = 0; i < this.batch; i++) {
      const index = this.order.take()
      if (index === null) break
      indices.push(index)
    }
    if (indices.length === 0) return
    const sessions = this.sessionsOf(
      indices.map((i) => this.hits.rowids[i]!),
      indices.map((i) => this.hits.scores[i]!),
    )
    indices.forEach((index, i) => {
      const sessionPk = sessions[i]
      if (sessionPk !== null && sessionPk !== undefined) this.queue.push({ score: this.hits.scores[index]!, sessionPk })
    })
    this.queue.reverse()
  }

  done(): boolean {
    this.fill()
    return this.queue.length === 0
  }

  /** The score of the next hit, or 0 when none is left. */
  nextScore(): number {
    this.fill()
    return this.queue.length === 0 ? 0 : this.queue[this.queue.length - 1]!.score
  }

  take(): { score: number; sessionPk: number } {
    this.fill()
    return this.queue.pop()!
  }
}
