import { afterAll, beforeAll } from 'bun:test'
import { appendFileSync, copyFileSync, cpSync, mkdtempSync } from 'node:fs'
import { basename, join } from 'node:path'
import { createAgency, discardRecorder } from '../../../src/agency'
import { openDatabase, replaceSession } from '../../../src/db'
import { COMMANDS } from '../../../src/cli'
import { startFakeModels, type FakeModels } from '../../agency/support/fake-models'
import { CLAUDE_SESSION, CLAUDE_TRANSCRIPT, claudeUser } from '../../support/claude-code'
import { runChasm, type Printed } from '../../support/cli'
import { sampleSession } from '../../support/sessions'
import { tempDir } from '../../support/temp'
import { until } from '../../support/wait'

const FIXTURES = join(import.meta.dir, '..', '..', 'fixtures')

/** A title as wide as titles get: CJK, emoji and Latin text, longer than any table column. */
export const WIDE_TITLE = '認証フローを直す 🔐👨‍👩‍👧 and rotate the refresh token on every login, then document it for the whole team'

/**
 * Everything the commands work on: a home with Claude Code's fixture history, and a database template
 * harvested from it plus a session with a wide title, agents (`tech-lead`, `backend-dev`, an unused
 * `spare`), swarm `dev-team` with one completed run. Every scenario gets its own copy of the database.
 */
export interface World {
  home: string
  dir: string
  models: FakeModels
  /** A fresh copy of the template database; `live` leaves dev-team's run running or paused in another (live) process. */
  db(live?: 'running' | 'paused'): string
  [Symbol.asyncDispose](): Promise<void>
}

export async function buildWorld(): Promise<World> {
  const dir = tempDir('chasm-cli-world-')
  const home = join(dir.path, 'home')
  cpSync(join(FIXTURES, 'claude-code', 'home'), home, { recursive: true })
  // Any model answers "done": the plan is unreadable (every worker gets the task), workers and synthesis say done.
  const models = startFakeModels(() => ({ text: 'done' }))
  const template = join(dir.path, 'template.db')
  const harvest = await runChasm(['harvest', 'run', '--home', home, '--db', template])
  if (harvest.code !== 0) throw new Error(`harvest failed: ${harvest.stderr}`)
  const chasm = openDatabase(template)
  replaceSession(chasm.sqlite, sampleSession())
  replaceSession(chasm.sqlite, sampleSession({ id: 'wide-1', title: WIDE_TITLE, workspace: { provider: 'claude-code', key: '/home/me/プロジェクト/認証', name: '認証', path: '/home/me/プロジェクト/認証' } }))
  const agency = createAgency({ sqlite: chasm.sqlite, env: models.env(), dataDir: join(dir.path, 'data'), recorder: discardRecorder })
  agency.createAgent({ name: 'tech-lead', instruction: 'Lead.', model: 'claude-lead' })
  agency.createAgent({ name: 'backend-dev', instruction: 'Code.', model: 'gpt-backend', tools: ['file_write'] })
  agency.createAgent({ name: 'spare', instruction: 'Wait.', model: 'gpt-spare' })
  const swarm = agency.createSwarm({ name: 'dev-team', coordinator: 'tech-lead', workers: ['backend-dev'] })
  await agency.startRun(swarm.id, { prompt: 'Build the login API' }).done
  await agency.close()
  chasm.close()

  let copies = 0
  return {
    home,
    dir: dir.path,
    models,
    db(live) {
      const path = join(dir.path, `copy-${++copies}.db`)
      copyFileSync(template, path)
      if (live) {
        // A run another process owns: pid 1 always exists, so no command takes it for abandoned.
        const db = openDatabase(path)
        db.sqlite.run(`UPDATE swarms SET status = ? WHERE id = ?`, [live, swarm.id])
        db.sqlite.run(`INSERT INTO swarm_runs (id, swarm_id, status, prompt, workspace, started_at, pid) VALUES ('live-run', ?, ?, 'Go on', ?, ?, 1)`, [swarm.id, live, dir.path, Date.now()])
        db.close()
      }
      return path
    },
    async [Symbol.asyncDispose]() {
      models.stop()
      dir[Symbol.dispose]()
    },
  }
}

/** The world of one test file: built before its tests, removed after them. */
export function worldOfFile(): () => World {
  let world: World | undefined
  beforeAll(async () => {
    world = await buildWorld()
  }, 60_000)
  afterAll(async () => {
    await world?.[Symbol.asyncDispose]()
  })
  return () => world!
}

/** How one command is run in the contract tests: its arguments, and the world it needs. */
export interface Scenario {
  args: string[]
  live?: 'running' | 'paused'
  /** Its stdout is a document (Markdown, an answer), printed whole rather than fitted to the width. */
  document?: boolean
  /** For a command that runs until stopped: what happens meanwhile; it is stopped (as by Ctrl-C) after. */
  whileRunning?: (printed: Printed) => Promise<void>
}

/**
 * `watch` on its own copy of the home: prompts are appended to a transcript until one is printed (one
 * written before watching starts is caught up quietly, and with --json nothing says when that is).
 */
function watchScenario(world: World): Scenario {
  const home = mkdtempSync(join(world.dir, 'watch-home-'))
  cpSync(world.home, home, { recursive: true })
  let prompts = 0
  const appendPrompt = () => {
    const text = `a prompt written while watching ${'and a long line '.repeat(10)}`
    appendFileSync(join(home, CLAUDE_TRANSCRIPT), claudeUser(CLAUDE_SESSION, `watched-${basename(home)}-${++prompts}`, text))
  }
  return {
    args: ['--home', home],
    async whileRunning(printed) {
      await until(
        () => {
          if (printed.stdout().endsWith('\n')) return true
          appendPrompt()
          return false
        },
        'a prompt printed',
        { pollMs: 250 },
      )
    },
  }
}

/** One successful run of every command that prints data; a new command needs one (the contract tests fail without). */
export const SCENARIOS: Record<string, (world: World) => Scenario> = {
  'harvest scan': (w) => ({ args: ['--home', w.home] }),
  'harvest run': (w) => ({ args: ['--home', w.home, '--all'] }),
  'harvest status': () => ({ args: [] }),
  'list workspaces': () => ({ args: [] }),
  'list sessions': () => ({ args: [] }),
  'show session': () => ({ args: ['wide-1'], document: true }),
  search: () => ({ args: ['authentication'] }),
  stats: () => ({ args: [] }),
  usage: () => ({ args: ['--by', 'model'] }),
  export: (w) => ({ args: ['--all', '--out', `${w.dir}/export`] }),
  'secrets scan': () => ({ args: [] }),
  providers: (w) => ({ args: ['--home', w.home] }),
  'agents list': () => ({ args: [] }),
  'agents create': () => ({ args: ['reviewer', '--model', 'claude-sonnet-4-5', '--instruction', 'Review.', '--tool', 'file_read'] }),
  'agents show': () => ({ args: ['backend-dev'] }),
  'agents update': () => ({ args: ['backend-dev', '--temperature', '0.2', '--max-tokens', 'none'] }),
  'agents clone': () => ({ args: ['backend-dev'] }),
  'agents delete': () => ({ args: ['spare'] }),
  'swarm list': () => ({ args: [] }),
  'swarm create': () => ({ args: ['review-team', '--coordinator', 'tech-lead', '--worker', 'spare'] }),
  'swarm show': () => ({ args: ['dev-team'] }),
  'swarm update': () => ({ args: ['dev-team', '--description', 'Builds APIs'] }),
  'swarm delete': () => ({ args: ['dev-team'] }),
  'swarm run': () => ({ args: ['dev-team', 'Add a logout endpoint'], document: true }),
  'swarm runs': () => ({ args: ['dev-team'] }),
  'swarm pause': () => ({ args: ['dev-team'], live: 'running' }),
  'swarm resume': () => ({ args: ['dev-team'], live: 'paused' }),
  'swarm stop': () => ({ args: ['dev-team'], live: 'running' }),
  watch: watchScenario,
}

/** Commands without `--json`, each with the reason; every other command must print data and have a scenario. */
export const WITHOUT_JSON: Record<string, string> = {
  'api serve': 'a server: what it serves is the API itself',
  mcp: 'a server: it speaks the Model Context Protocol on stdin/stdout',
  'export session': 'prints the document itself (Markdown, JSON or HTML), not data about it',
}

/** Every registered command with its path as typed (`agents create`). */
export const registered = () => COMMANDS.map((command) => ({ command, path: command.paths![0]!.join(' ') }))

/** Runs a command's scenario on a fresh copy of the world's database. */
export async function runScenario(world: World, path: string, extra: string[] = [], env: Record<string, string> = {}) {
  const scenario = SCENARIOS[path]!(world)
  const db = world.db(scenario.live)
  const result = await runChasm([...path.split(' '), ...scenario.args, '--db', db, ...extra], { ...world.models.env(), HOME: world.dir, ...env }, false, scenario.whileRunning)
  return { ...result, scenario }
}
