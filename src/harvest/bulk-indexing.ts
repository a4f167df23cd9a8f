import type { Database } from 'bun:sqlite'
import { backfillSearchText, deferFullText, indexDeferred, isFullTextDeferred, messageHighWater } from '../db'

/** A harvest that has written this many messages may switch to a deferred index. */
const BULK_MIN_MESSAGES = 5_000
/** …if what it wrote is at least this share of what the database held before. */
const BULK_MIN_SHARE = 0.25
/** Deferred rows that may wait while the harvest goes on: indexing them in batches is what makes deferral pay. */
const LAG_ROWS = 20_000
/** Target length of one indexing transaction: other writers (recording) wait at most about this long. */
const SLICE_MS = 15
const MIN_SLICE_ROWS = 100
const MAX_SLICE_ROWS = 20_000

/**
 * Full-text indexing for one harvest run. Updating FTS5 row by row in small transactions dominates
 * a large import; once a run has written enough (relative to the existing corpus) the triggers are
 * deferred above a high-water mark and the index catches up in slices of ≈ 15 ms each, while the
 * harvest goes on and at its end: sessions become searchable progressively, and no transaction
 * holds the database long. A deferral left by an interrupted run is completed by the next run. Rows
 * written before texts were segmented for the index (src/db/search-text.ts) get their segmented form
 * a batch at a time, between sources.
 */
export function bulkIndexing(sqlite: Database, beforeWrite: () => Promise<void> = async () => {}) {
  const before = messageHighWater(sqlite)
  let deferred = isFullTextDeferred(sqlite)
  let backfilling = true
  let written = 0
  let rows = 2_000
  let sinceSlice = 0

  const slice = async (finish: boolean) => {
    // A turn for the thread's other work (live reads, a stop) between slices.
    await new Promise<void>((resolve) => setImmediate(resolve))
    await beforeWrite()
    const started = performance.now()
    const progress = indexDeferred(sqlite, rows, { finish })
    const took = performance.now() - started
    // Aim each slice at SLICE_MS: segment merges make some slices longer, so adapt both ways.
    if (progress.indexed > 0) rows = Math.round(Math.min(MAX_SLICE_ROWS, Math.max(MIN_SLICE_ROWS, (rows * SLICE_MS) / Math.max(took, 1))))
    deferred = progress.deferred
    return progress
  }

  return {
    /** Counts messages committed by the run; may switch to deferred indexing between sources. */
    wrote(messages: number): void {
      written += messages
      sinceSlice += messages
      if (!deferred && written >= BULK_MIN_MESSAGES && written >= before * BULK_MIN_SHARE) {
        deferFullText(sqlite)
        deferred = true
      }
    },
    /** Between sources: a batch of the segmentation backfill; a slice once enough deferred rows have piled up. */
    async step(): Promise<void> {
      if (backfilling) {
        await beforeWrite()
        backfilling = backfillSearchText(sqlite)
      }
      if (!deferred || sinceSlice < LAG_ROWS / 4) return
      sinceSlice = 0
      let progress = await slice(false)
      while (progress.pending > LAG_ROWS) progress = await slice(false)
    },
    /** At the end of the run: indexes everything deferred and ends the deferral, slice by slice. */
    async finish(): Promise<void> {
      while (backfilling) {
        await beforeWrite()
        backfilling = backfillSearchText(sqlite)
      }
      while (deferred) await slice(true)
    },
  }
}
