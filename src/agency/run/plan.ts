/** The prompts of a run and the tolerant reading of the coordinator's plan. */
import type { Assignment, Plan } from '../model'

export type { Assignment, Plan }

/** What the coordinator is told about a worker. */
export interface WorkerInfo {
  name: string
  role: string
  description: string
  tools: readonly string[]
}


/** The coordinator's planning request: the task and the team, and the JSON shape to answer with. */
export function planPrompt(task: string, workers: WorkerInfo[]): string {
  const team = workers
    .map((w) => `- ${w.name} (${w.role})${w.description ? `: ${w.description}` : ''}${w.tools.length ? ` [tools: ${w.tools.join(', ')}]` : ''}`)
    .join('\n')
  return [
    'You coordinate a team of workers. Split the task below into subtasks and assign each to the worker best suited for it.',
    `Task:\n${task}`,
    `Workers:\n${team}`,
    'Answer with JSON only, in exactly this form:',
    '{"assignments": [{"worker": "<worker name>", "task": "<the subtask for that worker>"}]}',
    'Leave out workers who are not needed. Each subtask must be self-contained: the worker sees only its subtask and the task.',
  ].join('\n\n')
}

/** A worker's first message: the overall task and its own subtask. */
export function workerPrompt(task: string, subtask: string): string {
  if (subtask === task) return task
  return `Overall task (for context):\n${task}\n\nYour subtask:\n${subtask}\n\nDo your subtask and reply with its result.`
}

/** Added after tool results once a worker reaches its last allowed model call. */
export const FINAL_ITERATION_NOTE = 'You have reached the step limit: do not call any more tools, answer now with what you have.'

/** The coordinator's synthesis request: the task and every worker's result. */
export function synthesisPrompt(task: string, results: Array<Assignment & { result: string }>): string {
  const sections = results.map((r) => `## ${r.worker}\nSubtask: ${r.task}\n\nResult:\n${r.result || '(no answer)'}`).join('\n\n')
  return `Task:\n${task}\n\nYour team's results:\n\n${sections}\n\nWrite the final answer to the task for the user, using these results.`
}

/**
 * Reads the coordinator's plan from its reply, tolerantly: JSON inside prose or a code fence, an
 * `assignments`/`tasks`/`plan` array or a bare array, or an object mapping worker names to subtasks; keys
 * `worker`/`agent`/`name`/`assignee` and `task`/`subtask`/`instruction`/`description`; worker names matched
 * case-insensitively. Unknown workers are dropped; a worker named twice gets both subtasks. When nothing
 * usable remains, every worker gets the whole task (`fallback: true`).
 */
export function parsePlan(reply: string, workers: readonly string[], task: string): Plan {
  const byName = new Map(workers.map((name) => [name.toLowerCase(), name]))
  const tasks = new Map<string, string[]>()
  for (const entry of planEntries(reply)) {
    const worker = byName.get(entry.worker.trim().toLowerCase())
    const subtask = entry.task.trim()
    if (!worker || subtask === '') continue
    tasks.set(worker, [...(tasks.get(worker) ?? []), subtask])
  }
  if (tasks.size === 0) return { assignments: workers.map((worker) => ({ worker, task })), fallback: true }
  // Workers keep the swarm's order, whatever order the coordinator listed them in.
  const assignments = workers.filter((w) => tasks.has(w)).map((worker) => ({ worker, task: tasks.get(worker)!.join('\n\n') }))
  return { assignments, fallback: false }
}

const WORKER_KEYS = ['worker', 'agent', 'name', 'assignee', 'to']
const TASK_KEYS = ['task', 'subtask', 'instruction', 'instructions', 'description', 'assignment']
const LIST_KEYS = ['assignments', 'tasks', 'plan', 'subtasks', 'steps', 'workers']

function planEntries(reply: string): Assignment[] {
  for (const candidate of jsonCandidates(reply)) {
    const entries = entriesOf(candidate)
    if (entries.length > 0) return entries
  }
  return []
}

function entriesOf(value: unknown): Assignment[] {
  if (Array.isArray(value)) return value.flatMap((item) => (entryOf(item) ? [entryOf(item)!] : []))
  if (typeof value !== 'object' || value === null) return []
  const record = value as Record<string, unknown>
  for (const key of LIST_KEYS) {
    if (key in record) {
      const nested = entriesOf(record[key])
      if (nested.length > 0) return nested
    }
  }
  // `{"frontend-dev": "build the UI", …}`
  return Object.entries(record).flatMap(([worker, task]) => (typeof task === 'string' ? [{ worker, task }] : []))
}

function entryOf(item: unknown): Assignment | null {
  if (typeof item !== 'object' || item === null) return null
  const record = item as Record<string, unknown>
  const worker = WORKER_KEYS.map((key) => record[key]).find((v): v is string => typeof v === 'string')
  const task = TASK_KEYS.map((key) => record[key]).find((v): v is string => typeof v === 'string')
  return worker !== undefined && task !== undefined ? { worker, task } : null
}

/** Every JSON value the reply might hold: the whole text, fenced blocks, then each balanced `{…}`/`[…]` span. */
function* jsonCandidates(reply: string): Generator<unknown> {
  const texts = [reply, ...[...reply.matchAll(/```(?:json)?\s*([\s\S]*?)```/gi)].map((m) => m[1]!)]
  for (const text of texts) {
    const parsed = tryParse(text)
    if (parsed !== undefined) yield parsed
  }
  // Bounded: a long reply full of brackets must not cost quadratic time.
  let attempts = 0
  for (let start = 0; start < reply.length && attempts < 200; start++) {
    const open = reply[start]
    if (open !== '{' && open !== '[') continue
    attempts++
    const end = balancedEnd(reply, start)
    if (end === -1) continue
    const parsed = tryParse(reply.slice(start, end + 1))
    if (parsed !== undefined) {
      yield parsed
      start = end
    }
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text.trim())
  } catch {
    return undefined
  }
}

/** Index of the bracket closing the one at `start` (strings respected), or -1. */
function balancedEnd(text: string, start: number): number {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}
