import type { SessionOrigin } from '../db'
import { BatchApplier, type BatchOutcome } from './applier'
import { handleEvent } from './handlers'
import type { ParsedEvents } from './events'
import type { RecordingStore } from './store'

/** One request waiting for a group commit. */
export interface GroupItem {
  parsed: ParsedEvents
  origin: SessionOrigin
}

/** Each request of a group commit either applied or failed alone (its savepoint rolled back). */
export type GroupOutcome = { ok: true; outcome: BatchOutcome } | { ok: false; error: unknown }

/** Applies one request's validated events in one transaction: all or nothing, idempotent by (session, event_id). */
export function applyEvents(store: RecordingStore, parsed: ParsedEvents, origin: SessionOrigin, now: number): BatchOutcome {
  return store.transaction(() => {
    const applier = new BatchApplier(store, now, handleEvent)
    const outcome = applier.apply(parsed, origin)
    applier.finish()
    return outcome
  })
}

/**
 * Applies several requests in ONE transaction (one commit, each session written back once). If any
 * request fails, nothing of that attempt is kept and the requests are applied again one savepoint
 * each, so only the failing ones fail. Throws only if a commit itself fails.
 */
export function applyGroup(store: RecordingStore, items: GroupItem[], now: number): GroupOutcome[] {
  try {
    return store.transaction(() => {
      const applier = new BatchApplier(store, now, handleEvent)
      const outcomes = items.map((item): GroupOutcome => ({ ok: true, outcome: applier.apply(item.parsed, item.origin) }))
      applier.finish()
      return outcomes
    })
  } catch (error) {
    if (items.length === 1) return [{ ok: false, error }]
  }
  return store.transaction(() =>
    items.map((item): GroupOutcome => {
      try {
        return { ok: true, outcome: applyEvents(store, item.parsed, item.origin, now) }
      } catch (error) {
        return { ok: false, error }
      }
    }),
  )
}
