import { Command, Option, UsageError } from 'clipanion'
import { Swarm, SwarmCreate } from '../../../agency'
import { bodyFromOptions } from '../../body'
import { dataOutput } from '../../json-output'
import { SWARM_OPTION_OF, SwarmFieldsCommand } from './fields'
import { swarmText } from './show'

export class SwarmCreateCommand extends SwarmFieldsCommand {
  static override paths = [['swarm', 'create']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Create a swarm: a coordinator agent and its workers',
    details: `
      --coordinator and at least one --worker are required; agents are named by name or id and must exist.
    `,
    examples: [['A dev team', '$0 swarm create dev-team --coordinator tech-lead --worker backend-dev --worker frontend-dev --description "Builds web apps"']],
  })
  static override jsonOutput = dataOutput(Swarm)

  protected override readonly missingDatabase = 'create' as const

  name = Option.String({ name: 'name' })

  override async execute() {
    // Checked here, not by the parser: a missing required option would otherwise read as an unknown command.
    const missing = [this.coordinator === undefined && '--coordinator', this.workers === undefined && '--worker'].filter(Boolean)
    if (missing.length > 0) throw new UsageError(`missing required option${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} (see 'chasm swarm create --help')`)
    const body = bodyFromOptions(SwarmCreate, { name: this.name, ...this.fields() }, { ...SWARM_OPTION_OF, name: '<name>' })
    const swarm = await this.withAgency((agency) => agency.createSwarm(body))
    if (this.json) return this.printJson(swarm)
    this.printFitted(`Created swarm ${this.style.bold(swarm.name)} (${swarm.id})`)
    this.print(swarmText(swarm, null, this.width))
  }
}
