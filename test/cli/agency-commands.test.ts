import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { createAgency, discardRecorder } from '../../src/agency'
import { openDatabase } from '../../src/db'
import { scriptByModel, startFakeModels } from '../agency/support/fake-models'
import { runChasm } from '../support/cli'
import { tempDir } from '../support/temp'

/** A database with a small team (coordinator on Anthropic, worker on OpenAI) and swarm `dev-team`. */
function teamDb(dir: string): string {
  const path = join(dir, 'chasm.db')
  const chasm = openDatabase(path)
  const agency = createAgency({ sqlite: chasm.sqlite, env: {}, dataDir: dir, recorder: discardRecorder })
  agency.createAgent({ name: 'tech-lead', instruction: 'Lead.', model: 'claude-lead' })
  agency.createAgent({ name: 'backend-dev', instruction: 'Code.', model: 'gpt-backend', tools: ['file_write'] })
  agency.createSwarm({ name: 'dev-team', coordinator: 'tech-lead', workers: ['backend-dev'] })
  chasm.close()
  return path
}

describe('chasm agents', () => {
  test('create, list, show and delete', async () => {
    using dir = tempDir()
    const db = join(dir.path, 'chasm.db')
    const created = await runChasm([
      'agents', 'create', 'code-assistant', '--db', db, '--model', 'gemini-2.0-flash', '--role', 'coder', '--temperature', '0.3',
      '--instruction', 'You are a helpful coding assistant specializing in Rust.', '--tool', 'file_read', '--tool', 'terminal',
    ])
    expect([created.code, created.stderr]).toEqual([0, ''])
    expect(created.stdout).toContain('Created agent code-assistant (')
    expect(created.stdout).toContain('model:       gemini-2.0-flash (google)\n')
    expect(created.stdout).toContain('instruction:\n  You are a helpful coding assistant specializing in Rust.\n')

    const list = await runChasm(['agents', 'list', '--db', db])
    expect(list.stdout.split('\n').slice(0, 2).map((line) => line.split(/\s{2,}/).slice(0, 5))).toEqual([
      ['NAME', 'ROLE', 'MODEL', 'PROVIDER', 'TOOLS'],
      ['code-assistant', 'coder', 'gemini-2.0-flash', 'google', 'file_read,terminal'],
    ])
    const json = JSON.parse((await runChasm(['agents', 'list', '--db', db, '--json'])).stdout)
    expect([json.meta, json.data[0].name, json.data[0].temperature]).toEqual([{ total: 1, limit: 50, offset: 0 }, 'code-assistant', 0.3])

    const shown = JSON.parse((await runChasm(['agents', 'show', 'code-assistant', '--db', db, '--json'])).stdout).data
    expect(shown).toEqual(json.data[0])
    expect((await runChasm(['agents', 'show', shown.id, '--db', db])).stdout).toStartWith('name:        code-assistant\n')

    expect(await runChasm(['agents', 'delete', 'code-assistant', '--db', db])).toEqual({ code: 0, stdout: `Deleted agent code-assistant (${shown.id})\n`, stderr: '' })
    expect(await runChasm(['agents', 'show', 'code-assistant', '--db', db])).toEqual({ code: 1, stdout: '', stderr: 'chasm: Agent not found: code-assistant\n' })
  })

  test('bad options are usage errors (exit 2); conflicts and refusals exit 1 with one line', async () => {
    using dir = tempDir()
    const db = teamDb(dir.path)
    expect(await runChasm(['agents', 'create', 'x', '--db', db, '--model', 'gpt-4o', '--instruction', 'y', '--temperature', 'hot'])).toEqual({
      code: 2, stdout: '', stderr: 'chasm: Invalid value for --temperature: expected a number (got "hot")\nRun \'chasm --help\' for usage.\n',
    })
    expect(await runChasm(['agents', 'create', 'bad name', '--db', db, '--model', 'gpt-4o', '--instruction', 'y'])).toEqual({
      code: 2, stdout: '', stderr: `chasm: Invalid <name>: must be 1 to 64 letters, digits, '-', '_' or '.' (got "bad name")\n`,
    })
    expect(await runChasm(['agents', 'create', 'x', '--db', db, '--model', 'gpt-4o', '--instruction', 'y', '--tool', 'rm'])).toEqual({
      code: 2, stdout: '', stderr: 'chasm: Invalid --tool: must be one of "file_read", "file_write", "terminal", "code_search", "http_request", "calculator" (got "rm")\n',
    })
    // Issue 9: a missing required option is named, not reported as an unknown command.
    expect(await runChasm(['agents', 'create', 'x', '--db', db, '--instruction', 'y'])).toEqual({
      code: 2, stdout: '', stderr: "chasm: missing required option --model (see 'chasm agents create --help')\n",
    })
    expect(await runChasm(['agents', 'create', 'x', '--db', db])).toEqual({
      code: 2, stdout: '', stderr: "chasm: missing required options --model and --instruction (see 'chasm agents create --help')\n",
    })
    expect(await runChasm(['agents', 'create', 'tech-lead', '--db', db, '--model', 'gpt-4o', '--instruction', 'y'])).toEqual({
      code: 1, stdout: '', stderr: "chasm: an agent named 'tech-lead' already exists\n",
    })
    expect(await runChasm(['agents', 'create', 'x', '--db', db, '--model', 'mistral', '--instruction', 'y'])).toMatchObject({ code: 1, stderr: expect.stringContaining("cannot infer the provider of model 'mistral'") })
    expect(await runChasm(['agents', 'delete', 'backend-dev', '--db', db])).toEqual({
      code: 1, stdout: '', stderr: "chasm: agent 'backend-dev' is used by swarm 'dev-team'; remove it from the swarm first\n",
    })
  })
})

describe('chasm swarm run', () => {
  test('runs in the foreground: progress on stderr, the answer on stdout', async () => {
    using dir = tempDir()
    const db = teamDb(dir.path)
    using fake = startFakeModels(
      scriptByModel({
        'claude-lead': [{ text: '{"assignments": [{"worker": "backend-dev", "task": "write the API"}]}' }, { text: 'The API is in api.ts.' }],
        'gpt-backend': [{ toolCalls: [{ id: 'c1', name: 'file_write', arguments: { path: 'api.ts', content: 'x' } }] }, { text: 'written' }],
      }),
    )
    using workspace = tempDir()
    const result = await runChasm(['swarm', 'run', 'dev-team', 'Build the API', '--db', db, '--workspace', workspace.path], { ...fake.env(), COLUMNS: '200' })
    expect([result.code, result.stdout]).toEqual([0, 'The API is in api.ts.\n'])
    expect(result.stderr.split('\n').slice(1)).toEqual([
      '▸ tech-lead plan asking claude-lead',
      '✓ tech-lead plan {"assignments": [{"worker": "backend-dev", "task": "write the API"}]}',
      'plan: backend-dev ← write the API',
      '▸ backend-dev work asking gpt-backend',
      '✓ backend-dev work wants file_write',
      '▸ backend-dev tool file_write {"path":"api.ts","content":"x"}',
      '✓ backend-dev tool file_write → ok',
      '▸ backend-dev work asking gpt-backend',
      '✓ backend-dev work written',
      '▸ tech-lead synthesis asking claude-lead',
      '✓ tech-lead synthesis The API is in api.ts.',
      'run completed',
      '',
    ])
    expect(result.stderr.split('\n')[0]).toMatch(/^run \S+ of swarm dev-team \(tech-lead coordinating backend-dev\)$/)
    expect(await Bun.file(join(workspace.path, 'api.ts')).text()).toBe('x')
  })

  test('a failing run exits 1 with its reason; a missing key, an unknown swarm likewise', async () => {
    using dir = tempDir()
    const db = teamDb(dir.path)
    using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ status: 401, text: 'invalid x-api-key' }] }))
    const failed = await runChasm(['swarm', 'run', 'dev-team', 'Go', '--db', db], fake.env())
    expect([failed.code, failed.stdout, failed.stderr.split('\n').at(-2)]).toEqual([1, '', 'chasm: run failed: anthropic: HTTP 401: invalid x-api-key'])
    const { ANTHROPIC_API_KEY: _key, ...noKey } = fake.env()
    expect(await runChasm(['swarm', 'run', 'dev-team', 'Go', '--db', db], noKey)).toEqual({
      code: 1, stdout: '', stderr: "chasm: agent 'tech-lead' uses anthropic model 'claude-lead', but ANTHROPIC_API_KEY is not set in the server's environment\n",
    })
    expect(await runChasm(['swarm', 'run', 'nope', 'Go', '--db', db], fake.env())).toEqual({ code: 1, stdout: '', stderr: 'chasm: Swarm not found: nope\n' })
  })

  test('--json prints the progress as JSON Lines, from start to end', async () => {
    using dir = tempDir()
    const db = teamDb(dir.path)
    using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ text: 'no plan' }, { text: 'Answer.' }], 'gpt-backend': [{ text: 'done' }] }))
    const result = await runChasm(['swarm', 'run', 'dev-team', 'Go', '--db', db, '--json'], fake.env())
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line))
    expect([result.code, result.stderr, lines.every((line) => line.success === true)]).toEqual([0, '', true])
    const events = lines.map((line) => line.data)
    expect(events[0]).toMatchObject({ type: 'start', swarm: 'dev-team', coordinator: 'tech-lead', workers: ['backend-dev'] })
    expect(events.map((e) => e.type)).toEqual(['start', 'step-start', 'step-end', 'plan', 'step-start', 'step-end', 'step-start', 'step-end', 'end'])
    expect(events.at(-1)).toEqual({ type: 'end', status: 'completed', result: 'Answer.', error: null })
    const runs = JSON.parse((await runChasm(['swarm', 'runs', 'dev-team', '--db', db, '--json'])).stdout)
    expect(runs.data.map((r: { id: string; result: string }) => [r.id, r.result])).toEqual([[events[0].runId, 'Answer.']])
  })
})

describe('help', () => {
  test('issue 9: option values are named (never #0), --no-harvest is shown as such, paging options are described', async () => {
    const all = await runChasm(['--help'])
    expect(all.stdout).not.toContain('#0')
    expect(all.stdout).toContain('[--db PATH]')
    const serve = await runChasm(['api', 'serve', '--help'])
    expect(serve.stdout).toContain('--no-harvest')
    expect(serve.stdout).not.toMatch(/--harvest\b(?!-)/)
    expect(serve.stdout).toMatch(/\n {2}--token-file FILE +Read the bearer token from this file/)
    expect((await runChasm(['list', 'sessions', '--help'])).stdout).toMatch(/\n {2}--offset N +How many to skip/)
  })
})

describe('issue 15: the whole agency API from the command line', () => {
  const json = async (argv: string[], env: Record<string, string> = {}) => {
    const result = await runChasm([...argv, '--json'], env)
    return { code: result.code, body: JSON.parse(result.stdout) }
  }

  test('agents update changes only what is given; clone copies under a free name', async () => {
    using dir = tempDir()
    const db = teamDb(dir.path)
    const before = (await json(['agents', 'show', 'backend-dev', '--db', db])).body.data
    const updated = await runChasm(['agents', 'update', 'backend-dev', '--db', db, '--model', 'claude-sonnet-4-5', '--max-tokens', '800', '--tool', 'none'])
    expect([updated.code, updated.stderr]).toEqual([0, ''])
    expect(updated.stdout).toStartWith(`Updated agent backend-dev (${before.id})\n`)
    expect(updated.stdout).toContain('model:       claude-sonnet-4-5 (anthropic)\n')
    const after = (await json(['agents', 'show', 'backend-dev', '--db', db])).body.data
    expect(after).toEqual({ ...before, model: 'claude-sonnet-4-5', provider: 'anthropic', maxTokens: 800, tools: [], updatedAt: after.updatedAt })
    expect((await json(['agents', 'update', before.id, '--db', db, '--max-tokens', 'none', '--name', 'api-dev'])).body.data).toMatchObject({ name: 'api-dev', maxTokens: null })

    const copy = await json(['agents', 'clone', 'api-dev', '--db', db])
    const named = await json(['agents', 'clone', 'api-dev', '--db', db, '--name', 'api-dev-fast'])
    expect([copy.body.data.name, named.body.data.name, copy.body.data.instruction]).toEqual(['api-dev-copy', 'api-dev-fast', 'Code.'])
    expect((await runChasm(['agents', 'clone', 'api-dev', '--db', db])).stdout).toStartWith('Created agent api-dev-copy-2 (')

    expect(await runChasm(['agents', 'update', 'api-dev', '--db', db])).toEqual({
      code: 2, stdout: '', stderr: "chasm: nothing to change: give at least one option (see 'chasm agents update --help')\n",
    })
    expect(await runChasm(['agents', 'update', 'api-dev', '--db', db, '--max-tokens', 'lots'])).toEqual({
      code: 2, stdout: '', stderr: 'chasm: Invalid --max-tokens: must be an integer ≥ 1 or none (got "lots")\n',
    })
    expect(await runChasm(['agents', 'clone', 'api-dev', '--db', db, '--name', 'tech-lead'])).toEqual({
      code: 1, stdout: '', stderr: "chasm: an agent named 'tech-lead' already exists\n",
    })
    expect((await runChasm(['agents', 'update', 'nobody', '--db', db, '--role', 'coder'])).stderr).toBe('chasm: Agent not found: nobody\n')
  })

  test('swarm create, list, show, update, runs and delete', async () => {
    using dir = tempDir()
    const db = teamDb(dir.path)
    const created = await runChasm(['swarm', 'create', 'review-team', '--db', db, '--coordinator', 'tech-lead', '--worker', 'backend-dev', '--description', 'Reviews'])
    expect([created.code, created.stderr]).toEqual([0, ''])
    expect(created.stdout).toMatch(/^Created swarm review-team \([0-9a-f-]{36}\)\nname: +review-team\n/)
    expect(created.stdout).toContain('last run:    none yet (chasm swarm run review-team "<prompt>")\n')

    const list = await runChasm(['swarm', 'list', '--db', db])
    expect(list.stdout.split('\n').slice(0, 3).map((line) => line.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['NAME', 'STATUS', 'COORDINATOR', 'WORKERS'],
      ['dev-team', 'idle', 'tech-lead', 'backend-dev'],
      ['review-team', 'idle', 'tech-lead', 'backend-dev'],
    ])
    const page = (await json(['swarm', 'list', '--db', db, '--limit', '1', '--offset', '1'])).body
    expect([page.meta, page.data.map((s: { name: string }) => s.name)]).toEqual([{ total: 2, limit: 1, offset: 1 }, ['review-team']])

    const updated = (await json(['swarm', 'update', 'review-team', '--db', db, '--name', 'reviewers', '--worker', 'tech-lead'])).body.data
    expect([updated.name, updated.workers, updated.description]).toEqual(['reviewers', ['tech-lead'], 'Reviews'])

    using fake = startFakeModels(scriptByModel({ 'claude-lead': [{ text: 'no plan' }, { text: 'All good.' }], 'gpt-backend': [{ text: 'done' }] }))
    expect((await runChasm(['swarm', 'run', 'dev-team', 'Review the login\nin detail', '--db', db], fake.env())).code).toBe(0)
    const shown = await runChasm(['swarm', 'show', 'dev-team', '--db', db])
    const runId = (await json(['swarm', 'runs', 'dev-team', '--db', db])).body.data[0].id
    expect(shown.stdout).toContain(`last run:    ${runId} (completed)\n`)
    expect(shown.stdout).toContain('  prompt:    Review the login\n  result:    All good.\n')
    expect(shown.stdout).toContain(`  steps:     chasm show session ${runId}\n`)
    expect((await json(['swarm', 'show', 'dev-team', '--db', db])).body.data.lastRun).toMatchObject({ id: runId, status: 'completed', prompt: 'Review the login\nin detail' })
    // Issue 15: the run's session is titled by the swarm and the prompt's first line.
    expect((await json(['show', 'session', runId, '--db', db])).body.data.title).toBe('dev-team: Review the login')

    const runs = await runChasm(['swarm', 'runs', 'dev-team', '--db', db], { COLUMNS: '120' })
    expect(runs.stdout.split('\n')[0]!.split(/\s{2,}/)).toEqual(['ID', 'STATUS', 'STARTED', 'ENDED', 'PROMPT'])
    expect(runs.stdout).toContain('1 of 1 run(s)')

    expect(await runChasm(['swarm', 'delete', 'reviewers', '--db', db])).toEqual({ code: 0, stdout: `Deleted swarm reviewers (${updated.id})\n`, stderr: '' })
    expect((await json(['swarm', 'delete', 'dev-team', '--db', db])).body).toMatchObject({ success: true, data: { deleted: true } })
    expect((await json(['swarm', 'list', '--db', db])).body.meta.total).toBe(0)
  })

  test('swarm options are checked like the API: missing, unknown agents, bad names, illegal transitions', async () => {
    using dir = tempDir()
    const db = teamDb(dir.path)
    expect(await runChasm(['swarm', 'create', 'x', '--db', db])).toEqual({
      code: 2, stdout: '', stderr: "chasm: missing required options --coordinator and --worker (see 'chasm swarm create --help')\n",
    })
    expect(await runChasm(['swarm', 'create', 'bad name', '--db', db, '--coordinator', 'tech-lead', '--worker', 'backend-dev'])).toEqual({
      code: 2, stdout: '', stderr: `chasm: Invalid <name>: must be 1 to 64 letters, digits, '-', '_' or '.' (got "bad name")\n`,
    })
    expect(await runChasm(['swarm', 'create', 'x', '--db', db, '--coordinator', 'nobody', '--worker', 'backend-dev'])).toEqual({
      code: 1, stdout: '', stderr: "chasm: Invalid parameter 'coordinator': no agent named 'nobody' (or with that id)\n",
    })
    expect(await runChasm(['swarm', 'create', 'dev-team', '--db', db, '--coordinator', 'tech-lead', '--worker', 'backend-dev'])).toEqual({
      code: 1, stdout: '', stderr: "chasm: a swarm named 'dev-team' already exists\n",
    })
    expect(await runChasm(['swarm', 'update', 'dev-team', '--db', db])).toMatchObject({ code: 2 })
    for (const action of ['pause', 'resume', 'stop']) {
      expect((await runChasm(['swarm', action, 'dev-team', '--db', db])).stderr).toStartWith(`chasm: cannot ${action} swarm 'dev-team' while it is idle`)
    }
    expect(await runChasm(['swarm', 'runs', 'nope', '--db', db])).toEqual({ code: 1, stdout: '', stderr: 'chasm: Swarm not found: nope\n' })
  })
})
