import { Command, Option, UsageError } from 'clipanion'
import { Agent, AgentUpdate } from '../../../agency'
import { bodyFromOptions } from '../../body'
import { dataOutput } from '../../json-output'
import { AGENT_OPTION_OF, AgentFieldsCommand } from './fields'
import { agentText } from './show'

export class AgentsUpdateCommand extends AgentFieldsCommand {
  static override paths = [['agents', 'update']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Change an agent (by name or id): only the options given change',
    details: `
      Same rules as create. A new --model without --provider infers the provider again (keeping the old
      one when the model implies none). --max-tokens none removes the limit; --tool replaces the tool
      list (--tool none: no tools). A live run keeps the agent as it started.
    `,
    examples: [
      ['Switch the model', '$0 agents update code-assistant --model claude-sonnet-4-5'],
      ['Rename, and give it only the calculator', '$0 agents update code-assistant --name rust-helper --tool calculator'],
    ],
  })
  static override jsonOutput = dataOutput(Agent)

  agent = Option.String({ name: 'agent' })
  name = Option.String('--name', { description: 'New name' })

  override async execute() {
    const patch = bodyFromOptions(AgentUpdate, { name: this.name, ...this.fields() }, { ...AGENT_OPTION_OF, name: '--name' })
    if (Object.keys(patch).length === 0) throw new UsageError("nothing to change: give at least one option (see 'chasm agents update --help')")
    const agent = await this.withAgency((agency) => agency.updateAgent(agency.findAgent(this.agent).id, patch))
    if (this.json) return this.printJson(agent)
    this.printFitted(`Updated agent ${this.style.bold(agent.name)} (${agent.id})`)
    this.print(agentText(agent, this.width))
  }
}
