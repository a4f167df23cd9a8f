/**
 * Tools that keep a conversation as a tree of records (each naming its parent) append every
 * branch to one file; the conversation a user sees is the path from the last record back to the
 * root. `activeBranch` collects that path's ids from the parent links gathered in a first pass.
 */
export class BranchLinks {
  private readonly parents = new Map<string, string | null>()
  private last: string | null = null

  /** Records one node and its parent, in file order (the last one recorded is the leaf). */
  add(id: string, parent: string | null): void {
    if (!this.parents.has(id)) this.parents.set(id, parent)
    this.last = id
  }

  /** The ids on the path from the leaf to the root; a cycle or a missing parent ends the walk. */
  activeBranch(): Set<string> {
    const branch = new Set<string>()
    let id = this.last
    while (id !== null && !branch.has(id) && this.parents.has(id)) {
      branch.add(id)
      id = this.parents.get(id) ?? null
    }
    return branch
  }
}
