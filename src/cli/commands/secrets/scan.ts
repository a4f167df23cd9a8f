import { Command } from 'clipanion'
import { scanSecrets, SecretSighting } from '../../../export'
import { ReportCommand } from '../../base-command'
import { pageOutput } from '../../json-output'
import { table } from '../../output'

export class SecretsScanCommand extends ReportCommand {
  static override paths = [['secrets', 'scan']]
  static override jsonOutput = pageOutput(SecretSighting)
  static override usage = Command.Usage({
    category: 'Export',
    description: 'List where secrets sit in the history (kind, session, message, masked preview)',
    details: `
      Reads every title, message and tool call once, streaming over the database. Previews show a few
      leading characters and the length, never a whole secret. Nothing is changed: exports and the MCP
      server redact what this finds.
    `,
    examples: [
      ['Every secret in the history', '$0 secrets scan'],
      ['As JSON', '$0 secrets scan --json'],
    ],
  })

  override async execute() {
    const sightings: SecretSighting[] = await this.withDb(({ sqlite }) => [...scanSecrets(sqlite)])
    if (this.json) return this.printPage({ items: sightings, meta: { total: sightings.length, limit: Math.max(1, sightings.length), offset: 0 } })
    if (sightings.length === 0) return this.print('No secrets found.\n')
    this.print(table(['KIND', 'SESSION', 'MESSAGE', 'WHERE', 'PREVIEW'], sightings.map((s) => [s.kind, s.sessionId, s.messageId, s.where, s.preview])))
    const sessions = new Set(sightings.map((s) => s.sessionId)).size
    this.print(this.style.dim(`${sightings.length} secret(s) in ${sessions} session(s); exports and MCP replace them with [REDACTED:<kind>]\n`))
  }
}
