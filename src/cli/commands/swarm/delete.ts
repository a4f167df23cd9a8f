import { Command, Option } from 'clipanion'
import { Deleted } from '../../../agency'
import { AgencyCommand } from '../../agency-command'
import { dataOutput } from '../../json-output'

export class SwarmDeleteCommand extends AgencyCommand {
  static override paths = [['swarm', 'delete']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Delete a swarm (by name or id) and its runs, stopping a live one first; their sessions stay',
    examples: [['By name', '$0 swarm delete dev-team']],
  })
  static override jsonOutput = dataOutput(Deleted)

  swarm = Option.String({ name: 'swarm' })

  override async execute() {
    const deleted = await this.withAgency(async (agency) => {
      const swarm = agency.findSwarm(this.swarm)
      await agency.deleteSwarm(swarm.id)
      return swarm
    })
    if (this.json) return this.printJson({ id: deleted.id, deleted: true } satisfies Deleted)
    this.printFitted(`Deleted swarm ${deleted.name} (${deleted.id})`)
  }
}
