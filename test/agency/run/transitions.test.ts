import { describe, expect, test } from 'bun:test'
import { canApply, SWARM_STATUSES, TRANSITIONS, type SwarmAction } from '../../../src/agency'

describe('status machine', () => {
  test('each action is allowed exactly from the statuses the spec lists', () => {
    const actions: SwarmAction[] = ['start', 'pause', 'resume', 'stop']
    const allowed = Object.fromEntries(actions.map((action) => [action, SWARM_STATUSES.filter((status) => canApply(action, status))]))
    expect(allowed).toEqual({
      start: ['idle', 'completed', 'failed', 'stopped'],
      pause: ['running'],
      resume: ['paused'],
      stop: ['running', 'paused'],
    })
    expect(Object.fromEntries(Object.entries(TRANSITIONS).map(([action, { to }]) => [action, to]))).toEqual({
      start: 'running',
      pause: 'paused',
      resume: 'running',
      stop: 'stopped',
      complete: 'completed',
      fail: 'failed',
    })
  })
})
