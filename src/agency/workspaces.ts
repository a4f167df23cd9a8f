import { chmodSync, mkdirSync, realpathSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, win32 } from 'node:path'
import { badRequest } from '../shared/errors'

/** Where runs may work: the database's data dir (default workspaces), what must stay out of reach, and `--workspace-root`. */
export interface WorkspacePolicy {
  /** The data dir of the database in use; default workspaces are `<dataDir>/workspaces/<runId>`. */
  dataDir: string
  /** The database file itself (a workspace may not contain it), or null for an in-memory database. */
  databaseFile: string | null
  /** The user's home: refused as a workspace itself (a folder inside it is fine). */
  home: string
  /** `--workspace-root`: a real path every given workspace must lie inside, or null. */
  root: string | null
  platform: NodeJS.Platform
}

/** Comparable form of a real path: case-folded where the usual file systems ignore case. */
const keyOf = (path: string, platform: NodeJS.Platform): string => (platform === 'win32' || platform === 'darwin' ? path.toLowerCase() : path)

/** `path` is `root` or lies below it (both real paths). */
function within(root: string, path: string, platform: NodeJS.Platform): boolean {
  const rel = relative(keyOf(root, platform), keyOf(path, platform))
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** The real path of `path`, or of its deepest existing ancestor with the rest appended (the data dir may not exist yet). */
function realOrPlanned(path: string): string {
  const missing: string[] = []
  for (let current = resolve(path); ; current = dirname(current)) {
    try {
      return join(realpathSync.native(current), ...missing.reverse())
    } catch {
      if (dirname(current) === current) return resolve(path)
      missing.push(current.slice(dirname(current).length).replace(/^[\\/]+/, ''))
    }
  }
}

/** Checks `--workspace-root` once at startup: an existing directory, returned as its real path. */
export function workspaceRoot(path: string): string {
  const info = statSync(path, { throwIfNoEntry: false })
  if (!info?.isDirectory()) throw badRequest('--workspace-root', `not an existing directory: ${path}`)
  return realpathSync.native(path)
}

/**
 * Checks a workspace given to a run start and returns its real path. Refused (400 naming `workspace`):
 * a relative or missing path, a filesystem root, the home folder itself, chasm's data dir, anything
 * inside it or containing it or the database, and with `--workspace-root` anything outside that root.
 */
export function checkWorkspace(requested: string, policy: WorkspacePolicy): string {
  const { platform } = policy
  const absolute = platform === 'win32' ? win32.isAbsolute(requested) : isAbsolute(requested)
  if (!absolute) throw badRequest('workspace', 'must be an absolute path')
  const info = statSync(requested, { throwIfNoEntry: false })
  if (!info?.isDirectory()) throw badRequest('workspace', `not an existing directory: ${requested}`)
  const real = realpathSync.native(requested)
  const shown = real === requested ? requested : `${requested} (${real})`
  if (dirname(real) === real) throw badRequest('workspace', `${shown} is a filesystem root; give a project folder`)
  if (keyOf(real, platform) === keyOf(realOrPlanned(policy.home), platform)) {
    throw badRequest('workspace', `${shown} is your home folder itself; give a project folder inside it`)
  }
  const dataDir = realOrPlanned(policy.dataDir)
  if (within(dataDir, real, platform)) throw badRequest('workspace', `${shown} is inside chasm's data directory (${dataDir})`)
  if (within(real, dataDir, platform)) throw badRequest('workspace', `${shown} contains chasm's data directory (${dataDir})`)
  if (policy.databaseFile && within(real, realOrPlanned(policy.databaseFile), platform)) {
    throw badRequest('workspace', `${shown} contains chasm's database (${policy.databaseFile})`)
  }
  if (policy.root && !within(policy.root, real, platform)) throw badRequest('workspace', `${shown} is outside the workspace root ${policy.root}`)
  return real
}

/** A fresh default workspace `<dataDir>/workspaces/<runId>`, created mode 0700 (its parents too, when chasm creates them). */
export function freshWorkspace(runId: string, policy: WorkspacePolicy): string {
  const path = join(policy.dataDir, 'workspaces', runId)
  mkdirSync(path, { recursive: true, mode: 0o700 })
  // mkdir's mode is filtered by the umask; the workspace itself is 0700 whatever the umask.
  if (policy.platform !== 'win32') chmodSync(path, 0o700)
  return realpathSync.native(path)
}
