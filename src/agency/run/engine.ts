import type { Logger } from '../../shared/log'
import { promptTitle } from '../../shared/title'
import type { Clock } from '../../shared/time'
import type { Agent, RunProgress, RunStatus, StepKind, StepMessage, StepStatus } from '../model'
import type { ChatMessage, ChatReply, ModelClient, ToolCall } from '../models'
import type { AgencyStore } from '../store'
import { runTool, TOOLS, toolSpecs, type ToolContext, type ToolOutcome } from '../tools'
import { RunAborted, type RunControl } from './control'
import { FINAL_ITERATION_NOTE, parsePlan, planPrompt, synthesisPrompt, workerPrompt, type Assignment, type Plan } from './plan'
import { runEventLog, type RecordingEvent, type RunRecorder } from './record'

/** An agent of a run with the client for its model. */
export interface RunAgent {
  agent: Agent
  client: ModelClient
}

/** Everything one run works on, resolved before it starts. */
export interface RunSetup {
  runId: string
  swarmId: string
  swarmName: string
  prompt: string
  workspace: string
  coordinator: RunAgent
  workers: RunAgent[]
}

/** Bounds on one run. */
export interface RunLimits {
  /** Model calls a worker may make for its subtask; the last one is asked to answer without tools. */
  maxIterations: number
}

/** Eight model calls per worker subtask. */
export const DEFAULT_RUN_LIMITS: RunLimits = { maxIterations: 8 }

/** What the engine works with, passed in by the agency. */
export interface EngineDeps {
  store: AgencyStore
  recorder: RunRecorder
  clock: Clock
  log: Logger
  limits: RunLimits
  /** What tools may do; the workspace and signal come from the run. */
  tools: Omit<ToolContext, 'workspace' | 'signal'>
  onProgress?: (event: RunProgress) => void
}

/** How a run ended. */
export interface RunOutcome {
  status: RunStatus
  result: string | null
  error: string | null
}

/** The reason stored for runs cut short by a server restart or shutdown. */
export const INTERRUPTED_BY_RESTART = 'interrupted by restart'

/** A message as stored in a step's `input`. */
const messageView = (message: ChatMessage): StepMessage =>
  message.role === 'assistant' ? { role: 'assistant', content: message.content, toolCalls: message.toolCalls } : { ...message }

const oneLine = (text: string, max = 80): string => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/**
 * Runs a swarm once: the coordinator plans, the workers do their subtasks concurrently (each in a
 * tool-calling loop of bounded length), the coordinator synthesises the answer. Every model call and
 * tool call becomes a step (stored as it starts and ends) and recording events. Pauses at step
 * boundaries, aborts at once on stop. Never throws: the outcome is stored and returned.
 */
export async function executeRun(setup: RunSetup, control: RunControl, deps: EngineDeps): Promise<RunOutcome> {
  const { store, clock, log } = deps
  const { runId, prompt } = setup
  const events = runEventLog(runId, clock)
  const toolContext: ToolContext = { ...deps.tools, workspace: setup.workspace, signal: control.signal }
  let nextIndex = 0

  const record = async (batch: RecordingEvent[]) => {
    try {
      await deps.recorder.record(batch)
    } catch (error) {
      log.warn(`agency: recording run ${runId} failed`, error)
    }
  }
  const progress = (event: RunProgress) => {
    try {
      deps.onProgress?.(event)
    } catch (error) {
      log.warn('agency: progress listener failed', error)
    }
  }

  /** A step cut short by the run's abort was stopped; one that failed on its own failed. */
  const stepStatusAfter = (error: unknown): StepStatus => (control.aborted && control.aborted.cause !== error ? 'stopped' : 'failed')

  /** One model call as a step. `fresh` is what this call sends that the agent's previous call did not. */
  const modelStep = async (
    who: RunAgent,
    kind: StepKind,
    conversation: ChatMessage[],
    fresh: StepMessage[],
    offerTools: boolean,
    annotate: (reply: ChatReply) => Record<string, unknown> = () => ({}),
  ): Promise<{ reply: ChatReply; index: number }> => {
    const index = nextIndex++
    const agent = who.agent.name
    store.insertStep(runId, { index, agent, kind, input: fresh, startedAt: clock() })
    progress({ type: 'step-start', index, agent, kind, detail: `asking ${who.client.model}` })
    let reply: ChatReply
    try {
      reply = await who.client.chat(conversation, offerTools ? toolSpecs(who.agent.tools) : [], { signal: control.signal })
    } catch (error) {
      const status = stepStatusAfter(error)
      store.endStep(runId, index, { output: { error: errorText(error) }, tokens: null, status, endedAt: clock() })
      progress({ type: 'step-end', index, agent, kind, status, detail: errorText(error) })
      throw error
    }
    store.endStep(runId, index, { output: { text: reply.text, toolCalls: reply.toolCalls, ...annotate(reply) }, tokens: reply.usage, status: 'completed', endedAt: clock() })
    const messageId = `step-${index}`
    await record([
      // Tool calls go as their own tool_call events (not `tool_calls` here) so each is recorded once.
      events.message({ message_id: messageId, role: 'assistant', content: reply.text, model: who.client.model, agent, kind, step: index }),
      ...reply.toolCalls.map((call) => events.toolCall({ message_id: messageId, call_id: `${index}:${call.id}`, name: call.name, input: call.arguments })),
    ])
    const calls = reply.toolCalls.map((call) => call.name).join(', ')
    progress({ type: 'step-end', index, agent, kind, status: 'completed', detail: calls ? `wants ${calls}` : oneLine(reply.text) })
    return { reply, index }
  }

  /** One tool call as a step; refusals and failures come back as `{ok: false}` for the model. */
  const toolStep = async (who: RunAgent, call: ToolCall, modelIndex: number): Promise<ToolOutcome> => {
    const index = nextIndex++
    const agent = who.agent.name
    store.insertStep(runId, { index, agent, kind: 'tool', input: { tool: call.name, callId: call.id, arguments: call.arguments }, startedAt: clock() })
    progress({ type: 'step-start', index, agent, kind: 'tool', detail: `${call.name} ${oneLine(JSON.stringify(call.arguments ?? {}), 60)}` })
    let outcome: ToolOutcome
    try {
      const allowed = (who.agent.tools as readonly string[]).includes(call.name)
      const tool = allowed ? TOOLS[call.name as keyof typeof TOOLS] : undefined
      outcome = tool ? await runTool(tool, call.arguments, toolContext) : { ok: false, output: `tool '${call.name}' is not available to agent '${agent}'` }
    } catch (error) {
      const status = stepStatusAfter(error)
      store.endStep(runId, index, { output: { error: errorText(error) }, tokens: null, status, endedAt: clock() })
      progress({ type: 'step-end', index, agent, kind: 'tool', status, detail: call.name })
      throw error
    }
    const status: StepStatus = outcome.ok ? 'completed' : 'failed'
    store.endStep(runId, index, { output: { text: outcome.output, isError: !outcome.ok }, tokens: null, status, endedAt: clock() })
    await record([events.toolResult({ call_id: `${modelIndex}:${call.id}`, output: outcome.output, status: outcome.ok ? 'ok' : 'error' })])
    progress({ type: 'step-end', index, agent, kind: 'tool', status, detail: `${call.name} → ${outcome.ok ? 'ok' : `error: ${oneLine(outcome.output, 60)}`}` })
    return outcome
  }

  const runWorker = async (who: RunAgent, subtask: string): Promise<string> => {
    const first: ChatMessage = { role: 'user', content: workerPrompt(prompt, subtask) }
    const conversation: ChatMessage[] = [first]
    let fresh: StepMessage[] = [{ role: 'system', content: who.agent.instruction }, messageView(first)]
    for (let iteration = 1; ; iteration++) {
      await control.checkpoint()
      const { reply, index } = await modelStep(who, 'work', conversation, fresh, who.agent.tools.length > 0)
      conversation.push({ role: 'assistant', content: reply.text, toolCalls: reply.toolCalls })
      if (reply.toolCalls.length === 0) return reply.text
      if (iteration >= deps.limits.maxIterations) {
        return `${reply.text}\n\n(stopped after ${iteration} model calls without a final answer)`.trim()
      }
      fresh = []
      for (const call of reply.toolCalls) {
        await control.checkpoint()
        const outcome = await toolStep(who, call, index)
        const result: ChatMessage = { role: 'tool', callId: call.id, name: call.name, content: outcome.output, isError: !outcome.ok }
        conversation.push(result)
        fresh.push(messageView(result))
      }
      if (iteration + 1 >= deps.limits.maxIterations) {
        const note: ChatMessage = { role: 'user', content: FINAL_ITERATION_NOTE }
        conversation.push(note)
        fresh.push(messageView(note))
      }
    }
  }

  /** Runs every worker; the first failure aborts the others, and all have settled before this returns. */
  const runWorkers = async (plan: Plan): Promise<Array<Assignment & { result: string }>> => {
    const byName = new Map(setup.workers.map((w) => [w.agent.name, w]))
    const settled = await Promise.allSettled(
      plan.assignments.map(async (assignment) => {
        try {
          return { ...assignment, result: await runWorker(byName.get(assignment.worker)!, assignment.task) }
        } catch (error) {
          if (!(error instanceof RunAborted)) control.fail(error)
          throw error
        }
      }),
    )
    const results: Array<Assignment & { result: string }> = []
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') results.push(outcome.value)
    }
    const failure = control.aborted
    if (failure) throw failure.kind === 'failed' ? failure.cause : failure
    return results
  }

  /** When this run's own status change was refused, someone else ended it (a stop, or another process's recovery). */
  const finishAsStored = async (): Promise<RunOutcome> => {
    const stored = store.runOutcome(runId)
    const outcome: RunOutcome = stored ?? { status: 'stopped', result: null, error: null }
    if (outcome.status === 'failed') return await finish(outcome, `Run failed: ${outcome.error}`)
    return await finish(outcome, outcome.status === 'stopped' ? 'Run stopped.' : null)
  }

  const finish = async (outcome: RunOutcome, closing: string | null): Promise<RunOutcome> => {
    const batch: RecordingEvent[] = closing ? [events.message({ message_id: 'run-end', role: 'system', content: closing })] : []
    await record([...batch, events.end()])
    progress({ type: 'end', ...outcome })
    return outcome
  }

  control.onPauseChange((state) => progress({ type: state }))
  progress({
    type: 'start',
    runId,
    sessionId: runId,
    swarm: setup.swarmName,
    coordinator: setup.coordinator.agent.name,
    workers: setup.workers.map((w) => w.agent.name),
    workspace: setup.workspace,
  })
  await record([
    events.start({
      // The swarm's name and the prompt's first line, cut like every derived title (docs/cli.md, "Session titles").
      title: promptTitle(`${setup.swarmName}: ${promptTitle(prompt) ?? ''}`)!,
      workspace_path: setup.workspace,
      model: setup.coordinator.client.model,
      swarm_id: setup.swarmId,
      swarm: setup.swarmName,
    }),
    events.message({ message_id: 'prompt', role: 'user', content: prompt }),
  ])

  try {
    const coordinator = setup.coordinator
    await control.checkpoint()
    const workerNames = setup.workers.map((w) => w.agent.name)
    const planRequest: ChatMessage = {
      role: 'user',
      content: planPrompt(
        prompt,
        setup.workers.map(({ agent }) => ({ name: agent.name, role: agent.role, description: agent.description, tools: agent.tools })),
      ),
    }
    let plan: Plan = { assignments: [], fallback: true }
    await modelStep(coordinator, 'plan', [planRequest], [{ role: 'system', content: coordinator.agent.instruction }, planRequest], false, (reply) => {
      plan = parsePlan(reply.text, workerNames, prompt)
      return { plan }
    })
    progress({ type: 'plan', plan })
    await record(
      plan.assignments.map((a) =>
        // Written by the coordinator (the plan's author), addressed to the worker.
        events.message({ message_id: `assign-${a.worker}`, role: 'user', content: a.task, agent: coordinator.agent.name, to: a.worker, kind: 'assignment', fallback: plan.fallback }),
      ),
    )

    const results = await runWorkers(plan)

    await control.checkpoint()
    const synthesisRequest: ChatMessage = { role: 'user', content: synthesisPrompt(prompt, results) }
    const synthesis = await modelStep(coordinator, 'synthesis', [synthesisRequest], [messageView(synthesisRequest)], false)
    const result = synthesis.reply.text

    // A pause that arrived during the last call holds the completion until resume (or stop).
    for (;;) {
      await control.checkpoint()
      const done = store.transition(setup.swarmId, 'complete', clock(), { result })
      if (done.applied) return await finish({ status: 'completed', result, error: null }, null)
      if (done.status !== 'paused') return await finishAsStored()
      control.pause()
    }
  } catch (error) {
    const aborted = control.aborted
    if (aborted?.kind === 'stopped') return await finishAsStored()
    const reason = aborted?.kind === 'interrupted' ? INTERRUPTED_BY_RESTART : errorText(aborted?.kind === 'failed' ? aborted.cause : error)
    if (aborted?.kind !== 'interrupted') log.warn(`agency: run ${runId} failed: ${reason}`)
    const failed = store.transition(setup.swarmId, 'fail', clock(), { error: reason })
    if (!failed.applied) return await finishAsStored()
    return await finish({ status: 'failed', result: null, error: reason }, `Run failed: ${reason}`)
  }
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))
