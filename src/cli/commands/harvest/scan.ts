import { Command } from 'clipanion'
import { Type } from '@sinclair/typebox'
import { PROVIDERS, ScanEntry, scanHarvest } from '../../../harvest'
import { ReportCommand } from '../../base-command'
import { dataOutput } from '../../json-output'
import { table } from '../../output'

export class HarvestScanCommand extends ReportCommand {
  static override paths = [['harvest', 'scan']]
  static override usage = Command.Usage({
    category: 'Harvest',
    description: 'Show what a harvest would read, per provider, without reading any session',
    examples: [['Scan this machine', '$0 harvest scan'], ['Scan a backup of another home', '$0 harvest scan --home /mnt/old-laptop/home/me']],
  })
  static override jsonOutput = dataOutput(Type.Array(ScanEntry))

  protected override readonly missingDatabase = 'empty' as const

  override async execute() {
    const entries = await this.withDb((chasm) => scanHarvest(chasm, PROVIDERS, this.providerContext()))
    if (this.json) return this.printJson(entries)
    const { green, dim } = this.style
    this.print(
      table(
        [{ header: 'PROVIDER', cut: false }, 'DETECTED', 'SOURCES', 'NEW', 'CHANGED', 'UNCHANGED', { header: 'PATHS', min: 20, keep: 'end' }],
        entries.map((e) => [
          e.provider,
          e.detected ? green('yes') : dim('no'),
          e.kind === 'detect-only' ? dim('detect-only') : e.sources,
          e.new,
          e.changed,
          e.unchanged,
          e.error ? `error: ${e.error}` : e.paths.join(', ') || null,
        ]),
      ),
    )
  }
}
