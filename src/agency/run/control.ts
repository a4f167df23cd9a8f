/** How a pause goes: asked for (in-flight calls finish first), holding at a step boundary, over. */
export type PauseState = 'pausing' | 'paused' | 'resumed'

/** Why a run's in-flight work was aborted. */
export type AbortKind = 'stopped' | 'interrupted' | 'failed'

/** The abort reason the engine sees; `cause` is the error that failed the run (for `failed`). */
export class RunAborted extends Error {
  constructor(
    readonly kind: AbortKind,
    options?: ErrorOptions,
  ) {
    super(`run ${kind}`, options)
    this.name = 'RunAborted'
  }
}

/**
 * The live handle of one run: a pause gate the engine passes at every step boundary, and an abort
 * signal that cancels in-flight model calls and tools at once.
 */
export function createRunControl() {
  const controller = new AbortController()
  // `held`: a step boundary has been reached while paused, so the run is really waiting.
  let gate: { promise: Promise<void>; release: () => void; held: boolean } | null = null
  let onChange: (state: PauseState) => void = () => {}

  const abort = (kind: AbortKind, cause?: unknown) => {
    if (controller.signal.aborted) return
    controller.abort(new RunAborted(kind, { cause }))
    gate?.release()
  }

  return {
    signal: controller.signal,
    /** The first abort's kind, or null while the run may go on. */
    get aborted(): RunAborted | null {
      return controller.signal.aborted ? (controller.signal.reason as RunAborted) : null
    },
    get paused(): boolean {
      return gate !== null
    },
    /** Holds the run at its next step boundary; in-flight calls finish and are kept. */
    pause() {
      if (gate || controller.signal.aborted) return
      let release!: () => void
      const promise = new Promise<void>((resolve) => (release = resolve))
      gate = { promise, release, held: false }
      onChange('pausing')
    },
    resume() {
      const current = gate
      gate = null
      if (!current) return
      current.release()
      onChange('resumed')
    },
    /** Calls `listener` when a pause is asked for, when it takes hold at a step boundary, and when the run resumes. */
    onPauseChange(listener: (state: PauseState) => void) {
      onChange = listener
    },
    stop: () => abort('stopped'),
    interrupt: () => abort('interrupted'),
    fail: (cause: unknown) => abort('failed', cause),
    /** A step boundary: waits while paused, throws the abort reason once aborted. */
    async checkpoint(): Promise<void> {
      controller.signal.throwIfAborted()
      while (gate) {
        const current = gate
        if (!current.held) {
          current.held = true
          onChange('paused')
        }
        await current.promise
        controller.signal.throwIfAborted()
      }
    },
  }
}

export type RunControl = ReturnType<typeof createRunControl>
