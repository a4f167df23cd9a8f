import { readJsonLines } from '../../read/jsonl'
import { ProblemList } from './problems'
import { isRecord } from './values'

/** The outcome of applying one mutation-log entry: the new root state, or why the entry was rejected. */
export type MutationResult = { state: unknown } | { error: string }

type PathKey = string | number
type Container = Record<PathKey, unknown> | unknown[]

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null
const formatPath = (path: PathKey[]) => path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('') || '<root>'
// Keys that would reach Object.prototype instead of an own property.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

function pathOf(value: unknown): PathKey[] | null {
  if (!Array.isArray(value)) return null
  for (const key of value) {
    if (typeof key === 'number' ? !Number.isInteger(key) || key < 0 : typeof key !== 'string' || UNSAFE_KEYS.has(key)) return null
  }
  return value as PathKey[]
}

/** The container holding the last key of `path`, walking from `state`; null when a step is missing. */
function parentAt(state: unknown, path: PathKey[]): Container | null {
  let current: unknown = state
  for (const key of path.slice(0, -1)) {
    if (!isContainer(current)) return null
    current = (current as Record<PathKey, unknown>)[key]
  }
  return isContainer(current) ? current : null
}

/**
 * Applies one entry of VS Code's chat mutation log (`objectMutationLog.ts`) to `state`, mutating it
 * in place like VS Code does: kind 0 replaces the state; 1 sets the value at path `k` (an empty path
 * is ignored, as VS Code does); 2 truncates the array at `k` to length `i` when given, then appends
 * the items of `v` (a missing array starts empty); 3 deletes the value at `k`.
 * An entry VS Code could not apply either is rejected with a reason and leaves the state as it was.
 */
export function applyMutation(state: unknown, entry: unknown): MutationResult {
  if (!isRecord(entry)) return { error: 'entry is not a JSON object' }
  const { kind } = entry
  if (kind === 0) return entry.v === undefined ? { error: 'initial entry has no value' } : { state: entry.v }
  if (kind !== 1 && kind !== 2 && kind !== 3) return { error: `unknown entry kind ${JSON.stringify(kind)}` }
  if (state === undefined) return { error: 'entry before the initial state' }
  const path = pathOf(entry.k)
  if (path === null) return { error: 'entry has no valid key path' }
  if (path.length === 0) return kind === 2 ? { error: 'push at the root' } : { state }
  const parent = parentAt(state, path)
  if (parent === null) return { error: `path ${formatPath(path)} does not exist` }
  const key = path[path.length - 1]!
  const slot = parent as Record<PathKey, unknown>
  if (kind !== 2) {
    slot[key] = kind === 1 ? entry.v : undefined
    return { state }
  }
  const array = slot[key] ?? []
  if (!Array.isArray(array)) return { error: `path ${formatPath(path)} is not an array` }
  const { i: start, v: items } = entry
  if (start !== undefined && (typeof start !== 'number' || !Number.isInteger(start) || start < 0 || start > array.length)) {
    return { error: `push at ${formatPath(path)} has an invalid start index` }
  }
  if (items !== undefined && !Array.isArray(items)) return { error: `push at ${formatPath(path)} has no item array` }
  if (start !== undefined) array.length = start
  // One push per item: spreading a huge array would exceed the engine's argument limit.
  for (const item of items ?? []) array.push(item)
  slot[key] = array
  return { state }
}

/** A replayed log: the final state (undefined when none could be built) and what went wrong on the way. */
export interface ReplayedLog {
  state: unknown
  problems: string[]
  /** The last line was cut off (the file is being written): the state stops before it. */
  incomplete: boolean
}

/**
 * Replays a `chatSessions/<id>.jsonl` mutation log (VS Code ≥ 1.109), streaming it line by line.
 * Bad lines are reported and skipped; the replay carries on with the next line.
 */
export async function replayMutationLog(path: string): Promise<ReplayedLog> {
  const problems = new ProblemList()
  let state: unknown
  let incomplete = false
  let lines = 0
  let failed = false
  try {
    for await (const line of readJsonLines(path)) {
      lines += 1
      if ('error' in line) {
        if (line.incomplete) incomplete = true
        problems.add(`line ${line.line}: ${line.incomplete ? 'incomplete last line dropped' : `invalid JSON (${line.error})`}`)
        continue
      }
      const result = applyMutation(state, line.value)
      if ('error' in result) problems.add(`line ${line.line}: ${result.error}`)
      else state = result.state
    }
  } catch (error) {
    failed = true
    problems.add(`read failed: ${(error as Error).message}`)
  }
  if (!failed && lines === 0) problems.add('empty file')
  else if (!failed && state === undefined) problems.add('no initial state')
  return { state, problems: problems.list(), incomplete }
}
