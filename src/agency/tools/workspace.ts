import { realpathSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep, win32 } from 'node:path'
import { ToolError } from './tool'

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/** The real path of `path`, or of its deepest existing ancestor with the rest appended (for files about to be created). */
function realpathOfExisting(path: string): string {
  const missing: string[] = []
  let current = path
  for (;;) {
    try {
      return resolve(realpathSync(current), ...missing.reverse())
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      const parent = dirname(current)
      if (parent === current) throw error
      missing.push(current.slice(parent.length).replace(/^[\\/]+/, ''))
      current = parent
    }
  }
}

/**
 * Resolves a path the model gave, relative to the workspace, and refuses anything that leaves it:
 * absolute paths, `..` that climbs out, and symlinks (of the path or any ancestor) pointing outside.
 * Returns the real absolute path to use.
 */
export function resolveInWorkspace(workspace: string, path: string): string {
  if (path.includes('\0')) throw new ToolError('path contains a NUL character')
  if (isAbsolute(path) || win32.isAbsolute(path)) {
    throw new ToolError(`absolute paths are not allowed ('${path}'); use a path relative to the workspace`)
  }
  const lexical = resolve(workspace, path)
  if (!inside(workspace, lexical)) throw new ToolError(`path '${path}' leaves the workspace`)
  let real: string
  try {
    real = realpathOfExisting(lexical)
  } catch (error) {
    throw new ToolError(`cannot resolve '${path}': ${(error as Error).message}`)
  }
  if (!inside(workspace, real)) throw new ToolError(`path '${path}' resolves (through a symlink) outside the workspace`)
  return real
}

/** The workspace-relative form of a real path inside it, with `/` separators (what tools show the model). */
export const workspaceRelative = (workspace: string, path: string): string => relative(workspace, path).split(sep).join('/') || '.'
