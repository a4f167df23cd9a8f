import { Command, Option } from 'clipanion'
import { Deleted } from '../../../agency'
import { AgencyCommand } from '../../agency-command'
import { dataOutput } from '../../json-output'

export class AgentsDeleteCommand extends AgencyCommand {
  static override paths = [['agents', 'delete']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Delete an agent (by name or id); refused while a swarm uses it',
    examples: [['By name', '$0 agents delete code-assistant']],
  })
  static override jsonOutput = dataOutput(Deleted)

  agent = Option.String({ name: 'agent' })

  override async execute() {
    const deleted = await this.withAgency((agency) => {
      const agent = agency.findAgent(this.agent)
      agency.deleteAgent(agent.id)
      return agent
    })
    if (this.json) return this.printJson({ id: deleted.id, deleted: true } satisfies Deleted)
    this.printFitted(`Deleted agent ${deleted.name} (${deleted.id})`)
  }
}
