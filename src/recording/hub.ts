import type { Logger } from '../shared/log'
import { toIso } from '../shared/time'
import type { RecordingEvent } from './events'
import type { CommittedEvent } from './model'

/** An event as the recorder committed it; turned into a `CommittedEvent` only if someone listens. */
export interface RecordedEvent {
  event: RecordingEvent
  seq: number
  /** When it happened, epoch ms. */
  time: number
}

/** Receives each committed event of a session it subscribed to. */
export type EventListener = (event: CommittedEvent) => void

/** In-process pub/sub of committed events, keyed by session id. */
export interface Hub {
  /** Starts delivering the session's events to `listener`; returns the function that stops it. */
  subscribe(sessionId: string, listener: EventListener): () => void
  /** Delivers events, in the order given, to every current subscriber of each event's session. */
  publish(events: readonly RecordedEvent[]): void
}

/**
 * A hub that delivers synchronously: called right after each commit, in commit order, every
 * subscriber sees each event of its session exactly once and in `seq` order.
 */
export function createHub(log: Logger): Hub {
  const listeners = new Map<string, Set<EventListener>>()
  return {
    subscribe(sessionId, listener) {
      let set = listeners.get(sessionId)
      if (!set) {
        set = new Set()
        listeners.set(sessionId, set)
      }
      set.add(listener)
      return () => {
        const current = listeners.get(sessionId)
        if (!current?.delete(listener)) return
        if (current.size === 0) listeners.delete(sessionId)
      }
    },
    publish(events) {
      if (listeners.size === 0) return
      for (const { event, seq, time } of events) {
        const set = listeners.get(event.session_id)
        if (!set) continue
        const committed: CommittedEvent = {
          session_id: event.session_id,
          event_type: event.event_type,
          event_id: event.event_id ?? null,
          seq,
          timestamp: toIso(time)!,
          data: event.data,
        }
        // A copy: a listener may (un)subscribe while we deliver.
        for (const listener of [...set]) {
          try {
            listener(committed)
          } catch (error) {
            log.error(`recording subscriber of session ${event.session_id} failed`, error)
          }
        }
      }
    },
  }
}
