import { Command } from 'clipanion'
import { harvestStatus, HarvestStatus } from '../../../harvest'
import { ReportCommand } from '../../base-command'
import { dataOutput } from '../../json-output'
import { shortTime, table } from '../../output'

export class HarvestStatusCommand extends ReportCommand {
  static override paths = [['harvest', 'status']]
  static override usage = Command.Usage({
    category: 'Harvest',
    description: 'Recent harvest runs and the sources known per provider',
    examples: [['Show harvest status', '$0 harvest status']],
  })
  static override jsonOutput = dataOutput(HarvestStatus)

  override async execute() {
    const status = await this.withDb((chasm) => harvestStatus(chasm))
    if (this.json) return this.printJson(status)
    if (status.runs.length === 0) return this.print('No harvest has run yet. Run: chasm harvest run\n')
    this.print(table([{ header: 'STARTED', cut: false }, { header: 'ENDED', cut: false, drop: 3 }, { header: 'STATUS', drop: 0 }, { header: 'PROBLEMS', drop: 2 }, { header: 'ERROR', drop: 1 }], status.runs.map((r) => [shortTime(r.startedAt), shortTime(r.endedAt), r.status, r.problems, r.error])))
    this.print('\n')
    this.print(
      table(
        [{ header: 'PROVIDER', cut: false }, 'SOURCES', 'WITH PROBLEMS', { header: 'LAST HARVEST', cut: false }],
        status.providers.map((p) => [p.provider, p.sources, p.sourcesWithProblems, shortTime(p.lastHarvestAt)]),
      ),
    )
  }
}
