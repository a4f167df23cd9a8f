import { describe, expect, test } from 'bun:test'
import { mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createAgency, discardRecorder } from '../../src/agency'
import { openDatabase } from '../../src/db'
import { runChasm } from '../support/cli'
import { tempDir } from '../support/temp'
import { scriptByModel, startFakeModels } from './support/fake-models'

/** A database with swarm `team` (coordinator on Anthropic, worker on OpenAI). */
function teamDb(dir: string): string {
  const path = join(dir, 'chasm.db')
  const chasm = openDatabase(path)
  const agency = createAgency({ sqlite: chasm.sqlite, env: {}, dataDir: dir, recorder: discardRecorder })
  agency.createAgent({ name: 'lead', instruction: 'Lead.', model: 'claude-lead' })
  agency.createAgent({ name: 'coder', instruction: 'Code.', model: 'gpt-coder' })
  agency.createSwarm({ name: 'team', coordinator: 'lead', workers: ['coder'] })
  chasm.close()
  return path
}

const answers = () => scriptByModel({ 'claude-lead': [{ text: '{"assignments": [{"worker": "coder", "task": "x"}]}' }, { text: 'final' }], 'gpt-coder': [{ text: 'done' }] })

describe('workspaces from the command line', () => {
  test('swarm run refuses / and, with --workspace-root, a folder outside it; a folder inside it works', async () => {
    using dir = tempDir()
    using projects = tempDir()
    using elsewhere = tempDir()
    const db = teamDb(dir.path)
    using fake = startFakeModels(answers())
    // A fresh environment per command: a run withdraws the credentials from the one it was given.
    const env = () => ({ ...fake.env(), HOME: dir.path })
    mkdirSync(join(projects.path, 'app'))
    expect(await runChasm(['swarm', 'run', 'team', 'go', '--db', db, '--workspace', '/'], env())).toEqual({
      code: 1, stdout: '', stderr: "chasm: Invalid parameter 'workspace': / is a filesystem root; give a project folder\n",
    })
    const rooted = ['--db', db, '--workspace-root', projects.path]
    const outside = realpathSync(elsewhere.path)
    expect(await runChasm(['swarm', 'run', 'team', 'go', ...rooted, '--workspace', elsewhere.path], env())).toEqual({
      code: 1, stdout: '', stderr: `chasm: Invalid parameter 'workspace': ${elsewhere.path === outside ? outside : `${elsewhere.path} (${outside})`} is outside the workspace root ${realpathSync(projects.path)}\n`,
    })
    expect(await runChasm(['swarm', 'run', 'team', 'go', ...rooted, '--workspace', join(projects.path, 'app')], env())).toMatchObject({ code: 0, stdout: 'final\n' })
    expect(await runChasm(['swarm', 'run', 'team', 'go', '--db', db, '--workspace-root', join(dir.path, 'nope')], env())).toEqual({
      code: 1, stdout: '', stderr: `chasm: Invalid parameter '--workspace-root': not an existing directory: ${join(dir.path, 'nope')}\n`,
    })
  })

  test("a run on --db keeps its default workspace under that database's own data dir (<db>-data/workspaces, 0700)", async () => {
    using dir = tempDir()
    const db = teamDb(dir.path)
    using fake = startFakeModels(answers())
    const result = await runChasm(['swarm', 'run', 'team', 'go', '--db', db, '--json'], { ...fake.env(), HOME: dir.path })
    expect(result.code).toBe(0)
    const run = JSON.parse(result.stdout.split('\n')[0]!).data
    expect(run.workspace).toBe(join(realpathSync(dir.path), 'chasm.db-data', 'workspaces', run.runId))
    expect(readdirSync(dir.path).filter((name) => !name.startsWith('chasm.db-'))).toEqual(['chasm.db'])
    if (process.platform !== 'win32') expect(statSync(run.workspace).mode & 0o777).toBe(0o700)
  })

  test('api serve refuses a --workspace-root that is not a folder, in one line', async () => {
    using dir = tempDir()
    expect(await runChasm(['api', 'serve', '--db', join(dir.path, 'chasm.db'), '--port', '0', '--no-harvest', '--workspace-root', join(dir.path, 'missing')], { HOME: dir.path })).toEqual({
      code: 1, stdout: '', stderr: `chasm: Invalid parameter '--workspace-root': not an existing directory: ${join(dir.path, 'missing')}\n`,
    })
  })
})
