import type { ReadPoint } from '../provider'
import { isCheckpoint, resumableLines } from './resumable'
import { asRecord, asText } from './values'

/** What the first pass over a tree-shaped file knows at a line end: the parent links, the last record, whether any is linked. */
export interface BranchState {
  parents: [string, string | null][]
  leaf: string | null
  linked: boolean
}

/** The active branch of a file, the first pass's state where its complete lines end, and whether a continued read may go on. */
export interface Branch {
  /** The ids on the path from the last record to the root; null when no record has a parent field (every record is on it). */
  ids: Set<string> | null
  state: BranchState
  /** With a saved state: every record before it is on the branch exactly when it was then (else read the file whole). */
  kept: boolean
}

/**
 * Tools that keep a conversation as a tree of records (each naming its parent) append every branch
 * to one file; the conversation a user sees is the path from the last record back to the root.
 * A first pass over the JSONL file collects the parent links and returns that path's ids; null when
 * no record has a parent field (an older, linear file: every record is on the one branch).
 * A cycle or a missing parent ends the walk. Continuing from a checkpoint (`from`, `saved`), only the
 * new lines are read; a new record that forks off before the old last record changes what was on
 * the branch, and `kept` is false.
 */
export async function activeBranch(
  path: string,
  idKey: string,
  parentKey: string,
  from: Pick<ReadPoint, 'offset' | 'line'> | null = null,
  saved: BranchState | null = null,
): Promise<Branch> {
  const parents = new Map<string, string | null>(saved?.parents)
  let leaf = saved?.leaf ?? null
  let linked = saved?.linked ?? false
  let state: BranchState | null = null
  for await (const line of resumableLines(path, from)) {
    if (isCheckpoint(line)) {
      state = { parents: [...parents], leaf, linked }
      continue
    }
    const record = 'value' in line ? asRecord(line.value) : null
    const id = asText(record?.[idKey])
    if (!record || id === null) continue
    linked ||= parentKey in record
    if (!parents.has(id)) parents.set(id, asText(record[parentKey]))
    leaf = id
  }
  const ids = linked ? walk(parents, leaf) : null
  let kept = true
  if (saved) {
    const before = saved.linked ? walk(new Map(saved.parents), saved.leaf) : null
    kept = before === null ? ids === null : ids !== null && saved.parents.every(([id]) => before.has(id) === ids.has(id))
  }
  return { ids, state: state ?? { parents: [...parents], leaf, linked }, kept }
}

function walk(parents: Map<string, string | null>, leaf: string | null): Set<string> {
  const branch = new Set<string>()
  for (let id = leaf; id !== null && !branch.has(id) && parents.has(id); id = parents.get(id) ?? null) branch.add(id)
  return branch
}
