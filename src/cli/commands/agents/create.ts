import { Command, Option, UsageError } from 'clipanion'
import { Agent, AgentCreate } from '../../../agency'
import { bodyFromOptions } from '../../body'
import { dataOutput } from '../../json-output'
import { AGENT_OPTION_OF, AgentFieldsCommand } from './fields'
import { agentText } from './show'

export class AgentsCreateCommand extends AgentFieldsCommand {
  static override paths = [['agents', 'create']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Create an agent',
    details: `
      --model and --instruction are required. The provider is inferred from the model (gemini* google,
      gpt*/o1*/o3*/o4* openai, claude* anthropic, ollama/… ollama, openai-compatible/… the
      CHASM_OPENAI_BASE_URL server); other models need --provider.
      Tools: file_read, file_write, terminal, code_search, http_request, calculator.
    `,
    examples: [
      ['A Rust coder on Gemini', '$0 agents create code-assistant --model gemini-2.0-flash --role coder --temperature 0.3 --instruction "You are a helpful coding assistant specializing in Rust." --tool file_read --tool file_write --tool terminal'],
      ['A local model through Ollama', '$0 agents create local-helper --model ollama/llama3.2 --instruction "Answer briefly."'],
    ],
  })
  static override jsonOutput = dataOutput(Agent)

  protected override readonly missingDatabase = 'create' as const

  name = Option.String({ name: 'name' })

  override async execute() {
    // Checked here, not by the parser: a missing required option would otherwise read as an unknown command.
    const missing = [this.model === undefined && '--model', this.instruction === undefined && '--instruction'].filter(Boolean)
    if (missing.length > 0) throw new UsageError(`missing required option${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} (see 'chasm agents create --help')`)
    const body = bodyFromOptions(AgentCreate, { name: this.name, ...this.fields() }, { ...AGENT_OPTION_OF, name: '<name>' })
    const agent = await this.withAgency((agency) => agency.createAgent(body))
    if (this.json) return this.printJson(agent)
    this.printFitted(`Created agent ${this.style.bold(agent.name)} (${agent.id})`)
    this.print(agentText(agent, this.width))
  }
}
