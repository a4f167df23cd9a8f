import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import pkg from '../package.json'
import { TARGETS } from '../scripts/build'

// GitHub Actions cannot run here: these check what can be checked without it, so a workflow is
// never found broken only when a tag is pushed.

const root = join(import.meta.dir, '..')

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  'runs-on'?: string
  uses?: string
  needs?: string | string[]
  permissions?: Record<string, string>
  'timeout-minutes'?: number
  strategy?: { matrix?: { os?: string[]; include?: Record<string, string>[] } }
  steps?: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  concurrency?: { group?: string }
  jobs: Record<string, Job>
}

const workflow = (name: string) => Bun.YAML.parse(readFileSync(join(root, '.github', 'workflows', name), 'utf8')) as Workflow
const ci = workflow('ci.yml')
const release = workflow('release.yml')
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((job) => job.steps ?? [])
const needs = (job: Job) => [job.needs ?? []].flat()

describe('GitHub workflows', () => {
  test('CI: read-only token, a concurrency group, a timeout, Bun pinned, the README test command on three OSes', () => {
    expect(ci.permissions).toEqual({ contents: 'read' })
    expect(ci.concurrency?.group).toBeString()
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call'])
    const job = ci.jobs.test!
    expect(job['timeout-minutes']).toBeGreaterThan(0)
    expect(job.strategy?.matrix?.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest'])
    expect(steps(ci).filter((step) => step.run !== undefined).map((step) => step.run)).toContain('bun run test')
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('bun run test')
  })

  test('release: builds only after CI passed on the tagged commit, and only the publishing job may write', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } })
    expect(release.permissions).toEqual({ contents: 'read' })
    expect(release.jobs.ci?.uses).toBe('./.github/workflows/ci.yml')
    expect(needs(release.jobs.build!)).toEqual(['ci'])
    expect(needs(release.jobs.smoke!)).toEqual(['build'])
    expect(needs(release.jobs.publish!)).toEqual(['smoke'])
    const writers = Object.entries(release.jobs).filter(([, job]) => Object.values(job.permissions ?? {}).includes('write'))
    expect(writers.map(([name, job]) => [name, job.permissions])).toEqual([['publish', { contents: 'write' }]])
    for (const [name, job] of Object.entries(release.jobs)) if (job['runs-on']) expect({ name, timeout: job['timeout-minutes']! > 0 }).toEqual({ name, timeout: true })
  })

  test('release: every build target is smoke-tested on its own OS, at least linux-x64, darwin-arm64 and windows-x64', () => {
    const include = release.jobs.smoke!.strategy!.matrix!.include!
    expect(include.map((entry) => entry.target).sort()).toEqual([...TARGETS].sort())
    const osOf = Object.fromEntries(include.map((entry) => [entry.target, entry.os]))
    expect([osOf['linux-x64'], osOf['darwin-arm64'], osOf['windows-x64']]).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest'])
    for (const entry of include) expect({ target: entry.target, archive: entry.archive }).toEqual({ target: entry.target, archive: entry.target!.startsWith('windows') ? 'zip' : 'tar.gz' })
    expect(TARGETS).toContain('linux-x64-baseline')
    expect(TARGETS).toContain('windows-x64-baseline')
  })

  test('every Bun is pinned to the version CI installs, and every script a workflow runs exists', () => {
    const ciBun = readFileSync(join(root, '.ci', 'run'), 'utf8').match(/BUN_VERSION=(\S+)/)?.[1]
    for (const step of [...steps(ci), ...steps(release)]) {
      if (step.uses?.startsWith('oven-sh/setup-bun')) expect(step.with?.['bun-version']).toBe(ciBun)
      for (const script of step.run?.matchAll(/bun (scripts\/\S+\.ts)/g) ?? []) expect({ script: script[1], exists: existsSync(join(root, script[1]!)) }).toEqual({ script: script[1], exists: true })
      for (const name of step.run?.matchAll(/bun run (\S+)/g) ?? []) expect(Object.keys(pkg.scripts)).toContain(name[1]!)
    }
    expect(pkg.devDependencies['@types/bun']).toBe(ciBun!)
  })
})
