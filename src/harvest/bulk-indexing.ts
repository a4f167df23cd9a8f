import type { Database } from 'bun:sqlite'
import { backfillSearchText, deferFullText, isFullTextDeferred, messageHighWater, rebuildFullText } from '../db'

/** A harvest that has written this many messages may switch to a deferred index. */
const BULK_MIN_MESSAGES = 5_000
/** …if what it wrote is at least this share of what the database held before (the rebuild re-reads everything). */
const BULK_MIN_SHARE = 0.25

/**
 * Full-text indexing for one harvest run. Updating FTS5 row by row dominates a large import; once a
 * run has written enough (relative to the existing corpus) the triggers are deferred and both
 * indexes are rebuilt once at the end — about 3× faster for a first harvest. A stale deferral left
 * by an interrupted run is completed by the next run. Rows written before texts were segmented for
 * the index (src/db/search-text.ts) get their segmented form a batch at a time, between sources.
 */
export function bulkIndexing(sqlite: Database) {
  const before = messageHighWater(sqlite)
  let deferred = isFullTextDeferred(sqlite)
  let backfilling = true
  let written = 0
  return {
    /** Counts messages committed by the run; may switch to deferred indexing between sources. */
    wrote(messages: number): void {
      written += messages
      if (!deferred && written >= BULK_MIN_MESSAGES && written >= before * BULK_MIN_SHARE) {
        deferFullText(sqlite)
        deferred = true
      }
      if (backfilling) backfilling = backfillSearchText(sqlite)
    },
    /** Finishes the segmentation backfill, and rebuilds the indexes if the run deferred them (or found them deferred). */
    finish(): void {
      while (backfilling) backfilling = backfillSearchText(sqlite)
      if (deferred) rebuildFullText(sqlite)
    },
  }
}
