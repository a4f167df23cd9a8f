import type { Database } from 'bun:sqlite'

/**
 * Fairness between two threads writing one database. SQLite's busy handler retries a waiting writer
 * after growing sleeps; a background thread committing back to back could win every race and keep
 * the server's writes (recording acks) waiting. The server announces each write on a shared counter;
 * the background thread checks it before every transaction and lets the server go first, so the
 * server waits at most for one background transaction.
 */
export interface WriteGate {
  /** Shared memory to hand to the background thread (`backgroundGate`). */
  readonly buffer: SharedArrayBuffer
}

const gates = new WeakMap<Database, Int32Array>()

/** Creates the gate of a connection whose writes go first; its buffer goes to the background thread. */
export function openWriteGate(sqlite: Database): WriteGate {
  const buffer = new SharedArrayBuffer(4)
  gates.set(sqlite, new Int32Array(buffer))
  return { buffer }
}

/** Runs a write (a synchronous transaction) announced on the connection's gate, if it has one. */
export function announcedWrite<T>(sqlite: Database, write: () => T): T {
  const gate = gates.get(sqlite)
  if (!gate) return write()
  Atomics.add(gate, 0, 1)
  try {
    return write()
  } finally {
    Atomics.sub(gate, 0, 1)
  }
}

/** The background side: resolves once no announced write is waiting or running. */
export function backgroundGate(buffer: SharedArrayBuffer | null) {
  const gate = buffer ? new Int32Array(buffer) : null
  return {
    async clear(): Promise<void> {
      while (gate && Atomics.load(gate, 0) > 0) await Bun.sleep(1)
    },
  }
}
