import type { RunStatus, SwarmStatus } from '../model'

/** What can happen to a swarm: the four user actions and the two ends a run reaches on its own. */
export type SwarmAction = 'start' | 'pause' | 'resume' | 'stop' | 'complete' | 'fail'

/** The swarm status machine as a table: the statuses an action is allowed from, and where it leads. */
export const TRANSITIONS: Record<SwarmAction, { from: readonly SwarmStatus[]; to: RunStatus }> = {
  start: { from: ['idle', 'completed', 'failed', 'stopped'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  stop: { from: ['running', 'paused'], to: 'stopped' },
  complete: { from: ['running'], to: 'completed' },
  fail: { from: ['running', 'paused'], to: 'failed' },
}

/** Whether `action` is allowed while the swarm is `status`. */
export const canApply = (action: SwarmAction, status: SwarmStatus): boolean => TRANSITIONS[action].from.includes(status)
