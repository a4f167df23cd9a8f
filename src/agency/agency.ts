import type { Database } from 'bun:sqlite'
import { rmSync } from 'node:fs'
import { homedir } from 'node:os'
import type { Page, PageRequest } from '../db'
import { badRequest, ChasmError } from '../shared/errors'
import { silentLogger, type Logger } from '../shared/log'
import { systemClock, type Clock } from '../shared/time'
import { agentFieldsAfterUpdate, agentFieldsFromCreate, cloneNames, type AgentFields } from './agents'
import type { Agent, AgentClone, AgentCreate, AgentUpdate, Run, RunListItem, RunProgress, RunStart, RunStarted, Swarm, SwarmCreate, SwarmUpdate } from './model'
import { createModelClient, DEFAULT_HTTP_POLICY, resolveEndpoint, type HttpPolicy } from './models'
import { createRunControl, type RunControl } from './run/control'
import { DEFAULT_RUN_LIMITS, executeRun, INTERRUPTED_BY_RESTART, type RunLimits, type RunOutcome } from './run/engine'
import { runEventLog, type RunRecorder } from './run/record'
import { agencyStore } from './store'
import { checkWorkers, type AgentRef } from './swarms'
import { childEnvironment, CODE_SEARCH_BUDGET_MS, PUBLIC_DESTINATIONS, redactor, refuseProcessInspection, secretValues, type Destinations } from './tools'
import { checkWorkspace, freshWorkspace, workspaceRoot, type WorkspacePolicy } from './workspaces'

/** What the agency needs from its host (the server or the CLI), built once and passed in. */
export interface AgencyDeps {
  sqlite: Database
  /**
   * Where credentials and base URLs are read from at each run start (never stored). The server passes
   * the copy `withdrawSecrets` returned; terminal commands get only the allowlist of tools/environment.ts.
   */
  env: Record<string, string | undefined>
  /** The data dir of the database in use: default workspaces are `<dataDir>/workspaces/<runId>` (mode 0700). */
  dataDir: string
  /** `--workspace-root`: a workspace given to a run start must lie inside this existing folder. */
  workspaceRoot?: string | null
  /** Refused as a workspace itself (default: the user's home). */
  home?: string
  recorder: RunRecorder
  clock?: Clock
  log?: Logger
  /** `--allow-terminal`: the terminal tool may run commands. */
  allowTerminal?: boolean
  /** `--allow-http-tool`: the http_request tool may make requests. */
  allowHttpTool?: boolean
  /** Where http_request may connect (default: public addresses only). */
  destinations?: Destinations
  /** Time budget of one code_search (default 2 s). */
  searchBudgetMs?: number
  /** Secrets besides the environment's credentials (the API token) that tool output must never show. */
  secrets?: readonly string[]
  http?: Partial<HttpPolicy>
  limits?: Partial<RunLimits>
  newId?: () => string
}

/** Options of one run start. */
export interface StartOptions {
  /** Live progress of this run (the CLI's foreground display). */
  onProgress?: (event: RunProgress) => void
}

interface LiveRun {
  swarmId: string
  control: RunControl
  done: Promise<RunOutcome>
}

/**
 * How often a process with live runs reads their status, to follow a pause, resume or stop that another
 * process (the CLI, or the server for a foreground `swarm run`) wrote to the database (docs/cli.md, "Swarms").
 */
export const CONTROL_POLL_MS = 200

/**
 * The agency: agents, swarms, and the runs it executes in this process. Every method takes and returns
 * plain data (the API shapes of `model.ts`) and throws ChasmError for anything a caller can act on.
 */
export function createAgency(deps: AgencyDeps) {
  const store = agencyStore(deps.sqlite)
  const clock = deps.clock ?? systemClock
  const log = deps.log ?? silentLogger
  const newId = deps.newId ?? (() => crypto.randomUUID())
  const policy: HttpPolicy = { ...DEFAULT_HTTP_POLICY, ...deps.http }
  const limits: RunLimits = { ...DEFAULT_RUN_LIMITS, ...deps.limits }
  const live = new Map<string, LiveRun>()
  const workspaces: WorkspacePolicy = {
    dataDir: deps.dataDir,
    databaseFile: deps.sqlite.filename === ':memory:' || deps.sqlite.filename === '' ? null : deps.sqlite.filename,
    home: deps.home ?? homedir(),
    root: deps.workspaceRoot ? workspaceRoot(deps.workspaceRoot) : null,
    platform: process.platform,
  }
  const tools = {
    allowTerminal: deps.allowTerminal ?? false,
    allowHttp: deps.allowHttpTool ?? false,
    env: childEnvironment(deps.env),
    destinations: deps.destinations ?? PUBLIC_DESTINATIONS,
    searchBudgetMs: deps.searchBudgetMs ?? CODE_SEARCH_BUDGET_MS,
    redact: redactor(secretValues(deps.env, deps.secrets)),
  }
  if (tools.allowTerminal) {
    // Terminal commands run as this user: without this they could read the keys in /proc/<pid>/environ.
    const problem = refuseProcessInspection()
    if (problem) log.warn(`agency: terminal commands may be able to read this process's environment (${problem}); see docs/security.md`)
  }

  const agentRef = (parameter: string, ref: string): AgentRef => {
    const agent = store.findAgent(ref)
    if (!agent) throw badRequest(parameter, `no agent named '${ref}' (or with that id)`)
    return { id: agent.id, name: agent.name }
  }

  const fieldsOf = (agent: Agent): AgentFields => ({
    name: agent.name,
    description: agent.description,
    instruction: agent.instruction,
    role: agent.role,
    model: agent.model,
    provider: agent.provider,
    temperature: agent.temperature,
    maxTokens: agent.maxTokens,
    tools: agent.tools,
  })

  const liveRunOf = (swarmId: string): LiveRun | undefined => [...live.values()].find((run) => run.swarmId === swarmId)

  /**
   * Applies the stored status of every live run to its control: the status is the truth every process
   * changes (with one conditional UPDATE), the control only this process's way to act on it.
   */
  const followStoredStatus = () => {
    let statuses: Map<string, string>
    try {
      statuses = store.runStatuses([...live.keys()])
    } catch (error) {
      log.warn('agency: reading the status of live runs failed', error)
      return
    }
    for (const [runId, run] of live) {
      const status = statuses.get(runId)
      if (status === 'paused') run.control.pause()
      else if (status === 'running') run.control.resume()
      // Stopped (or deleted with its swarm) elsewhere; `completed` and `failed` are written by the run itself.
      else if (status === undefined || status === 'stopped') run.control.stop()
    }
  }
  let follower: ReturnType<typeof setInterval> | null = null
  const trackLive = () => {
    if (live.size > 0 && !follower) {
      follower = setInterval(followStoredStatus, CONTROL_POLL_MS)
      follower.unref()
    } else if (live.size === 0 && follower) {
      clearInterval(follower)
      follower = null
    }
  }

  /** A run's workspace: the given directory (checked) or a fresh one in the data dir. */
  const workspaceFor = (runId: string, requested: string | undefined): string =>
    requested === undefined ? freshWorkspace(runId, workspaces) : checkWorkspace(requested, workspaces)

  const agency = {
    listAgents: (page: PageRequest): Page<Agent> => store.listAgents(page),
    getAgent: (id: string): Agent => store.getAgent(id),
    /** An agent by id or name (the CLI's `agents show <agent>`); NOT_FOUND if neither. */
    findAgent(ref: string): Agent {
      const agent = store.findAgent(ref)
      if (!agent) throw new ChasmError('NOT_FOUND', `Agent not found: ${ref}`)
      return agent
    },
    /** Creates an agent; 400 when the provider cannot be inferred, 409 on a taken name. */
    createAgent: (body: AgentCreate): Agent => store.insertAgent(newId(), agentFieldsFromCreate(body), clock()),
    /** Applies a partial update and returns the agent; same validation as create. */
    updateAgent(id: string, patch: AgentUpdate): Agent {
      return store.updateAgent(id, agentFieldsAfterUpdate(fieldsOf(store.getAgent(id)), patch), clock())
    },
    /** Deletes an agent; 409 while a swarm uses it. */
    deleteAgent: (id: string): void => store.deleteAgent(id),
    /** Copies an agent under `name`, or `<name>-copy`, `<name>-copy-2`, … whichever is free first. */
    cloneAgent(id: string, body: AgentClone = {}): Agent {
      const fields = fieldsOf(store.getAgent(id))
      if (body.name !== undefined) return store.insertAgent(newId(), { ...fields, name: body.name }, clock())
      return store.insertAgentWithFreeName(newId(), fields, cloneNames(fields.name), clock())
    },

    listSwarms: (page: PageRequest): Page<Swarm> => store.listSwarms(page),
    getSwarm: (id: string): Swarm => store.getSwarm(id),
    /** A swarm by id or name (the CLI's `swarm run <swarm>`); NOT_FOUND if neither. */
    findSwarm(ref: string): Swarm {
      const swarm = store.findSwarm(ref)
      if (!swarm) throw new ChasmError('NOT_FOUND', `Swarm not found: ${ref}`)
      return swarm
    },
    /** Creates a swarm; its coordinator and workers are agent names or ids that must exist (400). */
    createSwarm(body: SwarmCreate): Swarm {
      const coordinator = agentRef('coordinator', body.coordinator)
      const workers = body.workers.map((ref) => agentRef('workers', ref))
      checkWorkers(workers)
      return store.insertSwarm(
        { id: newId(), name: body.name, description: body.description ?? '', coordinatorId: coordinator.id, workerIds: workers.map((w) => w.id) },
        clock(),
      )
    },
    /** Applies a partial update; a live run keeps the agents it started with. */
    updateSwarm(id: string, patch: SwarmUpdate): Swarm {
      const current = store.getSwarm(id)
      const coordinator = agentRef('coordinator', patch.coordinator ?? current.coordinator)
      const workers = patch.workers?.map((ref) => agentRef('workers', ref)) ?? null
      if (workers) checkWorkers(workers)
      return store.updateSwarm(
        id,
        {
          name: patch.name ?? current.name,
          description: patch.description ?? current.description,
          coordinatorId: coordinator.id,
          workerIds: workers?.map((w) => w.id) ?? null,
        },
        clock(),
      )
    },
    /** Deletes a swarm with its runs, stopping a live run first (one of another process stops within `CONTROL_POLL_MS`). */
    async deleteSwarm(id: string): Promise<void> {
      store.getSwarm(id)
      store.transition(id, 'stop', clock())
      const running = liveRunOf(id)
      if (running) {
        running.control.stop()
        await running.done
      }
      store.deleteSwarm(id)
    },

    /**
     * Starts a run (202 in the API): resolves every agent's provider from the environment first
     * (PROVIDER_NOT_CONFIGURED), then moves the swarm to `running` (409 if not allowed) and runs it
     * in the background. `done` settles when the run ends.
     */
    startRun(swarmId: string, body: RunStart, options: StartOptions = {}): { run: RunStarted; done: Promise<RunOutcome> } {
      const { swarm, coordinator, workers } = store.members(swarmId)
      const withClient = (agent: Agent) => ({ agent, client: createModelClient(agent, resolveEndpoint(agent, deps.env), policy) })
      const runCoordinator = withClient(coordinator)
      const runWorkers = workers.map(withClient)
      const runId = newId()
      const workspace = workspaceFor(runId, body.workspace)
      try {
        store.beginRun({ id: runId, swarmId, prompt: body.prompt, workspace }, clock())
      } catch (error) {
        if (body.workspace === undefined) rmSync(workspace, { recursive: true, force: true })
        throw error
      }
      const control = createRunControl()
      const done = executeRun(
        { runId, swarmId, swarmName: swarm.name, prompt: body.prompt, workspace, coordinator: runCoordinator, workers: runWorkers },
        control,
        {
          store,
          recorder: deps.recorder,
          clock,
          log,
          limits,
          tools,
          onProgress: options.onProgress,
        },
      )
        .catch((error): RunOutcome => {
          // Only a broken database gets here (the engine stores every other failure itself).
          log.error(`agency: run ${runId} crashed`, error)
          return { status: 'failed', result: null, error: (error as Error).message }
        })
        .finally(() => {
          live.delete(runId)
          trackLive()
        })
      live.set(runId, { swarmId, control, done })
      trackLive()
      return { run: { runId, sessionId: runId, status: 'running' }, done }
    },
    /** Pauses the live run at its next step boundary (a run of another process: within `CONTROL_POLL_MS`); 409 unless running. */
    pause(swarmId: string): Swarm {
      const runId = store.applyAction(swarmId, 'pause', clock())
      if (runId) live.get(runId)?.control.pause()
      return store.getSwarm(swarmId)
    },
    /** Resumes a paused run where it stopped, whichever process runs it; 409 unless paused. */
    resume(swarmId: string): Swarm {
      const runId = store.applyAction(swarmId, 'resume', clock())
      if (runId) live.get(runId)?.control.resume()
      return store.getSwarm(swarmId)
    },
    /**
     * Stops the live run, aborting in-flight calls at once, and returns when it has ended; a run of another
     * process is marked stopped at once and aborts within `CONTROL_POLL_MS`. 409 unless running or paused.
     */
    async stop(swarmId: string): Promise<Swarm> {
      const runId = store.applyAction(swarmId, 'stop', clock())
      const running = runId ? live.get(runId) : undefined
      if (running) {
        running.control.stop()
        await running.done
      }
      return store.getSwarm(swarmId)
    },
    listRuns: (swarmId: string, page: PageRequest): Page<RunListItem> => store.listRuns(swarmId, page),
    getRun: (swarmId: string, runId: string): Run => store.getRun(swarmId, runId),

    /**
     * At startup (server, agency commands): runs left running or paused by a chasm process that is gone
     * are marked failed ("interrupted by restart"), and their recorded sessions are closed. Returns their ids.
     */
    async recoverInterruptedRuns(): Promise<string[]> {
      const runIds = store.failOrphanedRuns(INTERRUPTED_BY_RESTART, clock())
      for (const runId of runIds) {
        // Offset the sequence so these events never collide with ids the dead process already used.
        const events = runEventLog(runId, clock, `recovery-${clock()}`)
        try {
          await deps.recorder.record([
            events.message({ message_id: 'run-end', role: 'system', content: `Run failed: ${INTERRUPTED_BY_RESTART}` }),
            events.end(),
          ])
        } catch (error) {
          log.warn(`agency: recording the end of run ${runId} failed`, error)
        }
      }
      return runIds
    },
    /** At shutdown: aborts live runs, marking them failed ("interrupted by restart"), and waits for them. */
    async close(): Promise<void> {
      const running = [...live.values()]
      for (const run of running) run.control.interrupt()
      await Promise.all(running.map((run) => run.done))
    },
  }
  return agency
}

export type Agency = ReturnType<typeof createAgency>
