import { Command, Option, UsageError } from 'clipanion'
import { Swarm, SwarmUpdate } from '../../../agency'
import { bodyFromOptions } from '../../body'
import { dataOutput } from '../../json-output'
import { SWARM_OPTION_OF, SwarmFieldsCommand } from './fields'

export class SwarmUpdateCommand extends SwarmFieldsCommand {
  static override paths = [['swarm', 'update']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Change a swarm (by name or id): only the options given change',
    details: `
      --worker replaces the list of workers. A live run keeps the agents it started with.
    `,
    examples: [
      ['Add a tester', '$0 swarm update dev-team --worker backend-dev --worker frontend-dev --worker tester'],
      ['Rename', '$0 swarm update dev-team --name web-team'],
    ],
  })
  static override jsonOutput = dataOutput(Swarm)

  swarm = Option.String({ name: 'swarm' })
  name = Option.String('--name', { description: 'New name' })

  override async execute() {
    const patch = bodyFromOptions(SwarmUpdate, { name: this.name, ...this.fields() }, { ...SWARM_OPTION_OF, name: '--name' })
    if (Object.keys(patch).length === 0) throw new UsageError("nothing to change: give at least one option (see 'chasm swarm update --help')")
    const swarm = await this.withAgency((agency) => agency.updateSwarm(agency.findSwarm(this.swarm).id, patch))
    if (this.json) return this.printJson(swarm)
    this.printFitted(`Updated swarm ${this.style.bold(swarm.name)} (${swarm.id})`)
  }
}
