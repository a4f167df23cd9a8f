import { Command } from 'clipanion'
import { Type } from '@sinclair/typebox'
import { listProviders, ProviderInfo, PROVIDERS } from '../../harvest'
import { ReportCommand } from '../base-command'
import { dataOutput } from '../json-output'
import { shortTime, table } from '../output'

export class ProvidersCommand extends ReportCommand {
  static override paths = [['providers']]
  static override usage = Command.Usage({
    category: 'Harvest',
    description: 'Every supported assistant: detected on this machine or not, and what the database holds',
    examples: [['Detect providers', '$0 providers'], ['Detect in a backup of another home', '$0 providers --home /mnt/backup/home/me']],
  })
  static override jsonOutput = dataOutput(Type.Array(ProviderInfo))

  protected override readonly missingDatabase = 'empty' as const

  override async execute() {
    const providers = await this.withDb((chasm) => listProviders(chasm, PROVIDERS, this.providerContext()))
    if (this.json) return this.printJson(providers)
    const { green, dim } = this.style
    this.print(
      table(
        [{ header: 'ID', cut: false }, { header: 'NAME', drop: 3 }, { header: 'DETECTED', drop: 0 }, { header: 'SESSIONS', drop: 1 }, { header: 'LAST HARVEST', cut: false, drop: 4 }, { header: 'PATHS', min: 20, keep: 'end', drop: 2 }],
        providers.map((p) => [
          p.id,
          p.name,
          p.detected ? green('yes') : dim(p.kind === 'detect-only' ? 'no (detect-only)' : 'no'),
          p.sessions,
          shortTime(p.lastHarvestAt),
          p.paths.join(', ') || null,
        ]),
      ),
    )
  }
}
