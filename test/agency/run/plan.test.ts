import { describe, expect, test } from 'bun:test'
import { parsePlan } from '../../../src/agency/run/plan'

const workers = ['frontend-dev', 'backend-dev', 'tester']
const task = 'Build a todo app'

describe('parsePlan', () => {
  test('reads the asked-for shape, keeping the swarm order and leaving unassigned workers out', () => {
    const reply = JSON.stringify({ assignments: [{ worker: 'tester', task: 'write tests' }, { worker: 'backend-dev', task: 'build the API' }] })
    expect(parsePlan(reply, workers, task)).toEqual({
      assignments: [
        { worker: 'backend-dev', task: 'build the API' },
        { worker: 'tester', task: 'write tests' },
      ],
      fallback: false,
    })
  })

  test('tolerates prose, code fences, other key names, bare arrays, name maps and letter case', () => {
    const expected = { assignments: [{ worker: 'frontend-dev', task: 'UI' }], fallback: false }
    const replies = [
      'Here is the plan:\n```json\n{"assignments": [{"worker": "frontend-dev", "task": "UI"}]}\n```\nGood luck!',
      'Plan: [{"agent": "Frontend-Dev", "subtask": "UI"}] — done.',
      '{"tasks": [{"name": "frontend-dev", "instruction": "UI"}]}',
      '{"frontend-dev": "UI"}',
      'Sure. {"plan": {"assignments": [{"assignee": "FRONTEND-DEV", "description": "UI"}]}}',
    ]
    expect(replies.map((reply) => parsePlan(reply, workers, task))).toEqual(replies.map(() => expected))
  })

  test('a worker named twice gets both subtasks; unknown workers and empty subtasks are dropped', () => {
    const reply = '{"assignments": [{"worker": "tester", "task": "unit tests"}, {"worker": "ghost", "task": "haunt"}, {"worker": "tester", "task": "e2e tests"}, {"worker": "backend-dev", "task": "  "}]}'
    expect(parsePlan(reply, workers, task)).toEqual({ assignments: [{ worker: 'tester', task: 'unit tests\n\ne2e tests' }], fallback: false })
  })

  test('anything unusable gives every worker the whole task', () => {
    const fallback = { assignments: workers.map((worker) => ({ worker, task })), fallback: true }
    const replies = ['I think we should start with the backend.', '{"assignments": [', '{"assignments": []}', '[{"worker": "nobody", "task": "x"}]', '{"a": {"b": 1}}', '']
    expect(replies.map((reply) => parsePlan(reply, workers, task))).toEqual(replies.map(() => fallback))
  })

  test('stays fast on a long reply full of unbalanced brackets', () => {
    const reply = '{['.repeat(50_000)
    const started = performance.now()
    expect(parsePlan(reply, workers, task).fallback).toBe(true)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
