import { Command, Option, UsageError } from 'clipanion'
import { access, constants } from 'node:fs/promises'
import { PROVIDERS, runHarvest, type HarvestProgress } from '../../../harvest'
import { ChasmError } from '../../../shared/errors'
import { ReportCommand } from '../../base-command'
import { table } from '../../output'

export class HarvestRunCommand extends ReportCommand {
  static override paths = [['harvest', 'run']]
  static override usage = Command.Usage({
    category: 'Harvest',
    description: 'Harvest chat histories into the database (incremental: unchanged sources are skipped)',
    details: `
      Reads every detected assistant's history read-only and stores it. Sessions the assistant has since
      deleted stay in the database. Problems with single files are listed in the summary; the exit code
      is 0 whenever the run completed, 1 only when it could not run.
    `,
    examples: [
      ['Harvest everything', '$0 harvest run'],
      ['Only Claude Code and Codex', '$0 harvest run --provider claude-code --provider codex'],
      ['Harvest a backup of another home into another database', '$0 harvest run --home /mnt/backup/me --db ./backup.db'],
    ],
  })

  protected override readonly missingDatabase = 'create' as const

  provider = Option.Array('--provider', { description: 'Only this provider (repeatable)' })

  override async execute() {
    const unknown = (this.provider ?? []).filter((id) => !PROVIDERS.some((p) => p.id === id))
    if (unknown.length > 0) {
      throw new UsageError(`unknown provider ${unknown.join(', ')} (known: ${PROVIDERS.map((p) => p.id).join(', ')})`)
    }
    const ctx = this.providerContext()
    try {
      await access(ctx.home, constants.R_OK | constants.X_OK)
    } catch {
      throw new ChasmError('BAD_REQUEST', `cannot read home directory ${ctx.home}`)
    }
    const progress = this.context.isTTY && !this.json ? progressBar(this.context.stderr) : undefined
    // Ctrl-C / SIGTERM stop at the next source boundary: what was read stays, the database closes cleanly.
    const stop = new AbortController()
    const interrupt = () => stop.abort()
    process.once('SIGINT', interrupt)
    process.once('SIGTERM', interrupt)
    let summary
    try {
      summary = await this.withDb((chasm) => runHarvest(chasm, PROVIDERS, ctx, { only: this.provider, onProgress: progress, signal: stop.signal }))
    } finally {
      process.off('SIGINT', interrupt)
      process.off('SIGTERM', interrupt)
    }
    if (progress) this.context.stderr.write('\r\x1b[2K')
    if (stop.signal.aborted) throw new ChasmError('INTERNAL_ERROR', 'harvest interrupted; what was read is kept, run it again to continue')
    if (this.json) return this.printJson(summary)
    const { bold, yellow } = this.style
    this.print(
      table(
        ['PROVIDER', 'SOURCES', 'READ', 'SKIPPED', 'WORKSPACES', 'SESSIONS', 'MESSAGES', 'PROBLEMS'],
        summary.providers.map((p) => [p.provider, p.sources, p.harvested, p.skipped, p.workspaces, p.sessions, p.messages, p.problems.length]),
      ),
    )
    const problems = summary.providers.flatMap((p) => p.problems.map((problem) => ({ provider: p.provider, ...problem })))
    if (problems.length > 0) {
      this.print(`\n${yellow(`${problems.length} problem(s):`)}\n`)
      for (const p of problems.slice(0, 50)) this.print(`  ${p.provider}: ${p.source}: ${p.message}\n`)
      if (problems.length > 50) this.print(`  … and ${problems.length - 50} more (use --json for all)\n`)
    }
    this.print(`\n${bold('Harvest completed')} in ${((summary.endedAt - summary.startedAt) / 1000).toFixed(1)} s\n`)
  }
}

/** A one-line progress bar redrawn in place on a terminal. */
function progressBar(stream: NodeJS.WritableStream) {
  let last = 0
  return ({ provider, done, total }: HarvestProgress) => {
    const now = Date.now()
    if (done !== total && now - last < 80) return
    last = now
    const width = 30
    const filled = total === 0 ? width : Math.round((done / total) * width)
    stream.write(`\r\x1b[2K${provider.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`)
  }
}
