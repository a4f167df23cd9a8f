import { Command, Option } from 'clipanion'
import { resolve } from 'node:path'
import { RunProgress, withdrawSecrets } from '../../../agency'
import { AgencyCommand } from '../../agency-command'
import { linesOutput } from '../../json-output'
import { clip, type Style } from '../../output'

export class SwarmRunCommand extends AgencyCommand {
  static override paths = [['swarm', 'run']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Run a swarm in the foreground, showing which agent does what, then print the answer',
    details: `
      Progress goes to stderr, the coordinator's final answer to stdout; with --json, stdout gets the
      progress as JSON Lines instead, ending with the line of type "end". Credentials and base URLs come
      from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, CHASM_*_BASE_URL, OLLAMA_HOST).
      Ctrl-C (or SIGTERM) stops the run, and so does chasm swarm stop from another terminal (pause and
      resume work the same way). Exit code 0 when the run completes, 1 when it fails or is stopped.
    `,
    examples: [
      ['Run the dev team', '$0 swarm run dev-team "Build a todo app with user authentication"'],
      ['Let the agents work in this folder, with a shell', '$0 swarm run dev-team "Fix the failing tests" --workspace . --allow-terminal'],
    ],
  })
  static override jsonOutput = linesOutput(RunProgress)

  swarm = Option.String({ name: 'swarm' })
  prompt = Option.String({ name: 'prompt' })
  workspace = Option.String('--workspace', { description: 'Folder the agents work in (default: a fresh folder in the data dir)' })
  allowTerminal = Option.Boolean('--allow-terminal', false, { description: "Let agents' terminal tool run shell commands in the workspace" })
  allowHttpTool = Option.Boolean('--allow-http-tool', false, { description: "Let agents' http_request tool make HTTP requests (public addresses only)" })
  workspaceRoot = Option.String('--workspace-root', { description: '--workspace must lie inside this folder' })

  override async execute(): Promise<number> {
    const { stdout, stderr } = this.context
    const style = this.style
    const show = (event: RunProgress) => {
      if (this.json) this.printJsonLine(event)
      else stderr.write(`${clip(progressLine(event, style), this.width)}\n`)
    }
    const options = {
      allowTerminal: this.allowTerminal,
      allowHttpTool: this.allowHttpTool,
      workspaceRoot: this.workspaceRoot,
      env: withdrawSecrets(this.context.runtime.env),
    }
    const outcome = await this.withAgency(async (agency) => {
      const swarm = agency.findSwarm(this.swarm)
      const workspace = this.workspace === undefined ? undefined : resolve(this.workspace)
      const started = agency.startRun(swarm.id, { prompt: this.prompt, workspace }, { onProgress: show })
      // Ctrl-C or SIGTERM stops the run (in-flight calls are aborted) instead of killing the process mid-write.
      const onInterrupt = () => void agency.stop(swarm.id).catch(() => {})
      process.once('SIGINT', onInterrupt)
      process.once('SIGTERM', onInterrupt)
      try {
        return await started.done
      } finally {
        process.off('SIGINT', onInterrupt)
        process.off('SIGTERM', onInterrupt)
      }
    }, options)
    if (!this.json && outcome.status === 'completed') stdout.write(`${outcome.result ?? ''}\n`)
    if (outcome.status === 'completed') return 0
    stderr.write(`chasm: ${outcome.status === 'failed' ? `run failed: ${outcome.error}` : 'run stopped'}\n`)
    return 1
  }
}

/** One line of live progress: who does what. */
export function progressLine(event: RunProgress, style: Style): string {
  switch (event.type) {
    case 'start':
      return style.dim(`run ${event.runId} of swarm ${event.swarm} (${event.coordinator} coordinating ${event.workers.join(', ')})`)
    case 'step-start':
      return `${style.cyan('▸')} ${style.bold(event.agent)} ${style.dim(event.kind)} ${event.detail}`
    case 'step-end': {
      const mark = event.status === 'completed' ? style.green('✓') : style.red('✗')
      return `${mark} ${style.bold(event.agent)} ${style.dim(event.kind)} ${event.detail}`
    }
    case 'plan':
      return event.plan.fallback
        ? `${style.dim('plan:')} not readable, every worker gets the whole task`
        : `${style.dim('plan:')} ${event.plan.assignments.map((a) => `${a.worker} ← ${oneLine(a.task)}`).join('; ')}`
    case 'pausing':
      return style.yellow('pausing: calls in flight finish first')
    case 'paused':
      return style.yellow('paused at a step boundary')
    case 'resumed':
      return style.green('resumed')
    case 'end':
      return event.status === 'completed' ? style.green('run completed') : style.red(`run ${event.status}${event.error ? `: ${event.error}` : ''}`)
  }
}

const oneLine = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat
}
