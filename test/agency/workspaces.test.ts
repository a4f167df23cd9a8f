import { describe, expect, test } from 'bun:test'
import { mkdirSync, realpathSync, statSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { checkWorkspace, freshWorkspace, workspaceRoot, type WorkspacePolicy } from '../../src/agency/workspaces'
import { tempDir } from '../support/temp'
import { skipReason } from './support/special-files'

const outcome = (requested: string, policy: WorkspacePolicy) => {
  try {
    return checkWorkspace(requested, policy)
  } catch (error) {
    return (error as Error).message
  }
}

/** A home with a project, chasm's data dir and database inside it (as on a real machine). */
function machine(root: string) {
  const home = join(realpathSync(root), 'home')
  const dataDir = join(home, '.local', 'share', 'chasm')
  mkdirSync(join(dataDir, 'workspaces', 'old-run'), { recursive: true })
  mkdirSync(join(home, 'projects', 'app'), { recursive: true })
  const policy: WorkspacePolicy = { dataDir, databaseFile: join(dataDir, 'chasm.db'), home, root: null, platform: process.platform }
  return { home, dataDir, policy }
}

describe('a workspace given to a run', () => {
  test('is refused when it is a root, the home itself, the data dir, inside it or containing it', () => {
    using dir = tempDir()
    const { home, dataDir, policy } = machine(dir.path)
    const refused = (path: string, problem: string) => `Invalid parameter 'workspace': ${path} ${problem}`
    expect([
      outcome('/', policy),
      outcome(home, policy),
      outcome(`${home}/./`, policy),
      outcome(dataDir, policy),
      outcome(join(dataDir, 'workspaces', 'old-run'), policy),
      outcome(join(home, '.local'), policy),
      outcome('relative/dir', policy),
      outcome(join(home, 'missing'), policy),
      outcome(join(home, 'projects', 'app'), policy),
    ]).toEqual([
      refused('/', 'is a filesystem root; give a project folder'),
      refused(home, 'is your home folder itself; give a project folder inside it'),
      refused(`${home}/./ (${home})`, 'is your home folder itself; give a project folder inside it'),
      refused(dataDir, `is inside chasm's data directory (${dataDir})`),
      refused(join(dataDir, 'workspaces', 'old-run'), `is inside chasm's data directory (${dataDir})`),
      refused(join(home, '.local'), `contains chasm's data directory (${dataDir})`),
      "Invalid parameter 'workspace': must be an absolute path",
      `Invalid parameter 'workspace': not an existing directory: ${join(home, 'missing')}`,
      join(home, 'projects', 'app'),
    ])
  })

  test('a database kept outside the data dir may not be inside the workspace either', () => {
    using dir = tempDir()
    const { home, policy } = machine(dir.path)
    const databaseFile = join(home, 'projects', 'chasm.db')
    expect(outcome(join(home, 'projects'), { ...policy, databaseFile })).toBe(
      `Invalid parameter 'workspace': ${join(home, 'projects')} contains chasm's database (${databaseFile})`,
    )
  })

  test.skipIf(skipReason('symlink'))('is judged by its real path: a symlink to the home or the data dir is refused as they are', () => {
    using dir = tempDir()
    const { home, dataDir, policy } = machine(dir.path)
    symlinkSync(home, join(dir.path, 'home-link'))
    symlinkSync(dataDir, join(home, 'projects', 'data-link'))
    expect([outcome(join(dir.path, 'home-link'), policy), outcome(join(home, 'projects', 'data-link'), policy)]).toEqual([
      `Invalid parameter 'workspace': ${join(dir.path, 'home-link')} (${home}) is your home folder itself; give a project folder inside it`,
      `Invalid parameter 'workspace': ${join(home, 'projects', 'data-link')} (${dataDir}) is inside chasm's data directory (${dataDir})`,
    ])
  })

  test('with a workspace root, it must lie inside that root (after resolving symlinks)', () => {
    using dir = tempDir()
    const { home, policy } = machine(dir.path)
    mkdirSync(join(home, 'elsewhere'))
    const root = workspaceRoot(join(home, 'projects'))
    const rooted = { ...policy, root }
    expect([outcome(join(home, 'projects', 'app'), rooted), outcome(join(home, 'elsewhere'), rooted), outcome(root, rooted)]).toEqual([
      join(home, 'projects', 'app'),
      `Invalid parameter 'workspace': ${join(home, 'elsewhere')} is outside the workspace root ${root}`,
      root,
    ])
    expect(() => workspaceRoot(join(home, 'nope'))).toThrow(`Invalid parameter '--workspace-root': not an existing directory: ${join(home, 'nope')}`)
  })
})

describe('a default workspace', () => {
  test('is a fresh folder under <data dir>/workspaces, mode 0700, its new parents too', () => {
    using dir = tempDir()
    const dataDir = join(dir.path, 'db-data')
    const path = freshWorkspace('run-1', { dataDir, databaseFile: null, home: dir.path, root: null, platform: process.platform })
    expect(path).toBe(join(realpathSync(dir.path), 'db-data', 'workspaces', 'run-1'))
    if (process.platform !== 'win32') {
      expect([dataDir, join(dataDir, 'workspaces'), path].map((p) => statSync(p).mode & 0o777)).toEqual([0o700, 0o700, 0o700])
    }
  })
})
