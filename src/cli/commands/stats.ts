import { Command } from 'clipanion'
import { getStats, Stats } from '../../db'
import { ReportCommand } from '../base-command'
import { dataOutput } from '../json-output'
import { table } from '../output'

export class StatsCommand extends ReportCommand {
  static override paths = [['stats']]
  static override usage = Command.Usage({
    category: 'Browse',
    description: 'Totals of the database: sessions, messages, workspaces, tool invocations per provider',
    examples: [['Show statistics', '$0 stats']],
  })
  static override jsonOutput = dataOutput(Stats)

  override async execute() {
    const stats = await this.withDb((chasm) => getStats(chasm.sqlite, chasm.path))
    if (this.json) return this.printJson(stats)
    this.print(
      table(
        [{ header: 'PROVIDER', cut: false }, 'WORKSPACES', 'SESSIONS', 'MESSAGES'],
        [
          ...Object.entries(stats.byProvider).map(([provider, t]) => [provider, t.workspaces, t.sessions, t.messages]),
          ['total', stats.totalWorkspaces, stats.totalSessions, stats.totalMessages],
        ],
      ),
    )
    this.print(
      `\ntool invocations: ${stats.totalToolInvocations}\ndatabase: ${(stats.databaseBytes / 1024 / 1024).toFixed(1)} MiB\nlast harvest: ${stats.lastHarvestAt ?? 'never'}\n`,
    )
  }
}
