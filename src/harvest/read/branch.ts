import { readJsonLines } from './jsonl'
import { asRecord, asText } from './values'

/**
 * Tools that keep a conversation as a tree of records (each naming its parent) append every branch
 * to one file; the conversation a user sees is the path from the last record back to the root.
 * A first pass over the JSONL file collects the parent links and returns that path's ids; null when
 * no record has a parent field (an older, linear file: every record is on the one branch).
 * A cycle or a missing parent ends the walk.
 */
export async function activeBranch(path: string, idKey: string, parentKey: string): Promise<Set<string> | null> {
  const parents = new Map<string, string | null>()
  let leaf: string | null = null
  let linked = false
  for await (const line of readJsonLines(path)) {
    const record = 'value' in line ? asRecord(line.value) : null
    const id = asText(record?.[idKey])
    if (!record || id === null) continue
    linked ||= parentKey in record
    if (!parents.has(id)) parents.set(id, asText(record[parentKey]))
    leaf = id
  }
  if (!linked) return null
  const branch = new Set<string>()
  for (let id = leaf; id !== null && !branch.has(id) && parents.has(id); id = parents.get(id) ?? null) branch.add(id)
  return branch
}
