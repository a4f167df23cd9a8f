import { Command, Option, UsageError } from 'clipanion'
import * as t from 'typanion'
import { PAGE_SIZES, USAGE_GROUPS, UsageRow } from '../../db'
import { ChasmError } from '../../shared/errors'
import { usageReport } from '../../usage'
import { ReportCommand } from '../base-command'
import { pageOutput } from '../json-output'
import { table, truncate, type Table } from '../output'
import { pricesFrom } from '../prices'

export class UsageCommand extends ReportCommand {
  static override paths = [['usage']]
  static override jsonOutput = pageOutput(UsageRow)
  static override usage = Command.Usage({
    category: 'Browse',
    description: 'Tokens and cost of your assistants, per day, model, provider, workspace or session',
    details: `
      Sums the token usage the assistants recorded (input not read from a cache, output, cache reads and
      writes) and prices it with the embedded price table, or with --prices FILE (same format as
      src/usage/prices.json). Days are UTC. A row with usage by a model the table does not price shows
      no cost ("-"), never a guess, and the models without a price are listed below the table.
    `,
    examples: [
      ['Usage per day', '$0 usage'],
      ['Per model since the start of the year', '$0 usage --by model --since 2026-01-01'],
      ['Claude Code sessions of November, as JSON', '$0 usage --by session --provider claude-code --since 2026-11-01 --until 2026-11-30 --json'],
    ],
  })

  by = Option.String('--by', 'day', { validator: t.isEnum(USAGE_GROUPS), description: `What one row sums: ${USAGE_GROUPS.join(', ')} (default day)` })
  since = Option.String('--since', { description: 'First day counted (YYYY-MM-DD, UTC)' })
  until = Option.String('--until', { description: 'Last day counted (YYYY-MM-DD, UTC)' })
  provider = Option.String('--provider', { description: 'Only this provider' })
  workspace = Option.String('--workspace', { description: 'Only this workspace id' })
  prices = Option.String('--prices', { description: 'Price table to use instead of the embedded one (JSON)' })

  override async execute() {
    const prices = await pricesFrom(this.prices)
    const page = await this.withDb(({ sqlite }) => {
      try {
        return usageReport(
          sqlite,
          { groupBy: this.by, from: this.since, to: this.until, provider: this.provider, workspace: this.workspace, limit: PAGE_SIZES.usage.max, offset: 0 },
          prices,
          { from: '--since', to: '--until' },
        )
      } catch (error) {
        // A bad date is the caller's mistake: a usage error, like any other bad option.
        throw error instanceof ChasmError && error.code === 'BAD_REQUEST' ? new UsageError(error.message) : error
      }
    })
    if (this.json) return this.printPage(page)
    if (page.items.length === 0) return this.print('No token usage recorded.\n')
    this.print(this.render(page.items))
    if (page.meta.total > page.items.length) this.print(`(the first ${page.items.length} of ${page.meta.total} rows)\n`)
    const unpriced = [...new Set(page.items.flatMap((row) => row.unpricedModels))].map((model) => model || '(no model recorded)')
    if (unpriced.length > 0) this.print(`\nNo price for: ${unpriced.join(', ')} — rows with their usage show no cost.\n`)
  }

  private render(rows: UsageRow[]): Table {
    const grouped = this.by === 'workspace' || this.by === 'session'
    const key = (row: UsageRow) => (grouped ? `${truncate(row.label, 40) ?? '-'} (${row.key ?? '-'})` : (row.key ?? '-'))
    const cost = (value: number | null) => (value === null ? null : `$${value.toFixed(2)}`)
    const sum = (pick: (row: UsageRow) => number) => rows.reduce((total, row) => total + pick(row), 0)
    const total = rows.some((row) => row.costUsd === null) ? null : sum((row) => row.costUsd!)
    return table(
      [this.by.toUpperCase(), 'SESSIONS', 'MESSAGES', 'INPUT', 'OUTPUT', 'CACHE READ', 'CACHE WRITE', 'COST'],
      [
        ...rows.map((row) => [key(row), row.sessions, row.messages, row.inputTokens, row.outputTokens, row.cacheReadTokens, row.cacheWriteTokens, cost(row.costUsd)]),
        ['total', '', sum((r) => r.messages), sum((r) => r.inputTokens), sum((r) => r.outputTokens), sum((r) => r.cacheReadTokens), sum((r) => r.cacheWriteTokens), cost(total)],
      ],
    )
  }
}
