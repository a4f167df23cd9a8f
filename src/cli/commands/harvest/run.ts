import { Type, type Static } from '@sinclair/typebox'
import { Command, Option, UsageError } from 'clipanion'
import { access, constants } from 'node:fs/promises'
import { ProviderTotals, totalsByProvider } from '../../../db'
import { detectProviders, HarvestSummary, PROVIDERS, ProviderSummary, runHarvest, type HarvestProgress } from '../../../harvest'
import { ChasmError } from '../../../shared/errors'
import { ReportCommand } from '../../base-command'
import { dataOutput } from '../../json-output'
import { clip, table } from '../../output'

/** One provider in `harvest run --json`: what this run did, whether it was detected, what the database now holds of it. */
const HarvestRunProvider = Type.Composite([
  ProviderSummary,
  Type.Object({
    detected: Type.Boolean({ description: 'its data was found on this machine (or under --home)' }),
    database: ProviderTotals,
  }),
])

/** `harvest run --json`: the summary of this run, each provider with its detection and database totals. */
export const HarvestRunReport = Type.Composite([Type.Omit(HarvestSummary, ['providers']), Type.Object({ providers: Type.Array(HarvestRunProvider) })])
export type HarvestRunReport = Static<typeof HarvestRunReport>

export class HarvestRunCommand extends ReportCommand {
  static override paths = [['harvest', 'run']]
  static override usage = Command.Usage({
    category: 'Harvest',
    description: 'Harvest chat histories into the database (incremental: unchanged sources are skipped)',
    details: `
      Reads every detected assistant's history read-only and stores it. Sessions the assistant has since
      deleted stay in the database. The table lists the providers detected on this machine (--all: every
      one): what this run read, and what the database holds. Problems with single files are listed below
      it; the exit code is 0 whenever the run completed, 1 only when it could not run.
    `,
    examples: [
      ['Harvest everything', '$0 harvest run'],
      ['Only Claude Code and Codex', '$0 harvest run --provider claude-code --provider codex'],
      ['Harvest a backup of another home into another database', '$0 harvest run --home /mnt/backup/me --db ./backup.db'],
    ],
  })
  static override jsonOutput = dataOutput(HarvestRunReport)

  protected override readonly missingDatabase = 'create' as const

  provider = Option.Array('--provider', { description: 'Only this provider (repeatable)' })
  all = Option.Boolean('--all', false, { description: 'List every provider, also those not detected on this machine' })

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
    const progress = this.context.isTTY && !this.json ? progressBar(this.context.stderr, this.width) : undefined
    // Ctrl-C / SIGTERM stop at the next source boundary: what was read stays, the database closes cleanly.
    const stop = new AbortController()
    const interrupt = () => stop.abort()
    process.once('SIGINT', interrupt)
    process.once('SIGTERM', interrupt)
    let report: HarvestRunReport
    try {
      report = await this.withDb(async (chasm) => {
        const [summary, detections] = await Promise.all([
          runHarvest(chasm, PROVIDERS, ctx, { only: this.provider, onProgress: progress, signal: stop.signal }),
          detectProviders(PROVIDERS, ctx),
        ])
        const totals = totalsByProvider(chasm.sqlite)
        const detected = new Set(detections.filter((d) => d.detected).map((d) => d.id))
        return {
          ...summary,
          providers: summary.providers.map((p) => {
            const { workspaces = 0, sessions = 0, messages = 0 } = totals[p.provider] ?? {}
            return { ...p, detected: detected.has(p.provider), database: { workspaces, sessions, messages } }
          }),
        }
      })
    } finally {
      process.off('SIGINT', interrupt)
      process.off('SIGTERM', interrupt)
    }
    if (progress) this.context.stderr.write('\r\x1b[2K')
    if (stop.signal.aborted) throw new ChasmError('INTERNAL_ERROR', 'harvest interrupted; what was read is kept, run it again to continue')
    if (this.json) return this.printJson(report)
    this.printReport(report)
  }

  private printReport(report: HarvestRunReport): void {
    const { bold, dim, yellow } = this.style
    // A provider named with --provider is shown whatever its detection.
    const shown = report.providers.filter((p) => this.all || this.provider || p.detected || p.sources > 0 || p.problems.length > 0)
    const hidden = report.providers.length - shown.length
    if (shown.length === 0) this.print('No assistant history found on this machine (chasm providers shows where it looks).\n')
    else {
      this.print(
        table(
          [
            { header: 'PROVIDER', cut: false },
            { header: 'SOURCES', drop: 5 },
            { header: 'READ', drop: 2 },
            { header: 'UNCHANGED', drop: 6 },
            { header: 'PROBLEMS', drop: 3 },
            { header: 'DB SESSIONS', drop: 1 },
            { header: 'DB MESSAGES', drop: 4 },
          ],
          shown.map((p) => [p.provider, p.sources, p.harvested, p.skipped, p.problems.length, p.database.sessions, p.database.messages]),
        ),
      )
    }
    const lines: string[] = []
    const problems = report.providers.flatMap((p) => p.problems.map((problem) => ({ provider: p.provider, ...problem })))
    if (problems.length > 0) {
      lines.push('', yellow(`${problems.length} problem(s):`))
      for (const p of problems.slice(0, 50)) lines.push(`  ${p.provider}: ${p.source}: ${p.message}`)
      if (problems.length > 50) lines.push(`  … and ${problems.length - 50} more (use --json for all)`)
    }
    const sum = (pick: (p: HarvestRunReport['providers'][number]) => number) => report.providers.reduce((n, p) => n + pick(p), 0)
    const seconds = (Date.parse(report.endedAt) - Date.parse(report.startedAt)) / 1000
    lines.push(
      '',
      `${bold('Harvest completed')} in ${seconds.toFixed(1)} s`,
      `this run:         ${sum((p) => p.harvested)} of ${sum((p) => p.sources)} source(s) read, ${sum((p) => p.skipped)} unchanged; ${sum((p) => p.sessions)} session(s) written`,
      `in the database:  ${sum((p) => p.database.sessions)} session(s), ${sum((p) => p.database.messages)} message(s)`,
    )
    if (hidden > 0) lines.push(dim(`${hidden} provider(s) not detected on this machine; --all lists them`))
    this.printFitted(lines.join('\n'))
  }
}

/** A one-line progress bar redrawn in place on a terminal, never wider than it (a wrapped line could not be redrawn). */
function progressBar(stream: NodeJS.WritableStream, columns: number) {
  let last = 0
  return ({ provider, done, total }: HarvestProgress) => {
    const now = Date.now()
    if (done !== total && now - last < 80) return
    last = now
    const count = ` ${done}/${total}`
    const width = Math.max(5, Math.min(30, columns - 16 - count.length))
    const filled = total === 0 ? width : Math.round((done / total) * width)
    stream.write(`\r\x1b[2K${clip(`${provider.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${count}`, columns - 1)}`)
  }
}
