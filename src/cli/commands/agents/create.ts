import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { Command, Option, UsageError } from 'clipanion'
import * as t from 'typanion'
import { AgentCreate } from '../../../agency'
import { AgencyCommand } from '../../agency-command'
import { printAgent } from './show'

// The body field each option fills, so a schema error names the option the user typed.
const OPTION_OF: Record<string, string> = {
  name: '<name>', description: '--description', instruction: '--instruction', role: '--role', model: '--model',
  provider: '--provider', temperature: '--temperature', maxTokens: '--max-tokens', tools: '--tool',
}

/** What a failing value must be, from its schema: the choices of a union, a pattern's description, else TypeBox's words. */
function expectation(schema: TSchema, message: string): string {
  const choices = (schema.anyOf as Array<{ const?: unknown }> | undefined)?.map((option) => option.const)
  if (choices?.every((choice) => typeof choice === 'string')) return `must be one of ${choices.join(', ')}`
  if (typeof schema.pattern === 'string' && typeof schema.description === 'string') return `must be ${schema.description}`
  return message.toLowerCase()
}

export class AgentsCreateCommand extends AgencyCommand {
  static override paths = [['agents', 'create']]
  static override usage = Command.Usage({
    category: 'Agency',
    description: 'Create an agent',
    details: `
      The provider is inferred from the model (gemini* google, gpt*/o1*/o3*/o4* openai, claude* anthropic,
      ollama/… ollama, openai-compatible/… the CHASM_OPENAI_BASE_URL server); other models need --provider.
      Tools: file_read, file_write, terminal, code_search, http_request, calculator.
    `,
    examples: [
      ['A Rust coder on Gemini', '$0 agents create code-assistant --model gemini-2.0-flash --role coder --temperature 0.3 --instruction "You are a helpful coding assistant specializing in Rust." --tool file_read --tool file_write --tool terminal'],
      ['A local model through Ollama', '$0 agents create local-helper --model ollama/llama3.2 --instruction "Answer briefly."'],
    ],
  })

  protected override readonly missingDatabase = 'create' as const

  name = Option.String({ name: 'name' })
  // Checked in `body()`, not by the parser: a missing required option would otherwise read as an unknown command.
  model = Option.String('--model', { description: 'Model name, e.g. gpt-4o, claude-sonnet-4-5, gemini-2.0-flash, ollama/llama3.2 (required)' })
  instruction = Option.String('--instruction', { description: "The agent's system prompt (required)" })
  role = Option.String('--role', { description: 'assistant (default), coordinator, coder, reviewer, tester, researcher, writer, analyst, executor' })
  provider = Option.String('--provider', { description: 'openai, anthropic, google, ollama or openai-compatible (default: inferred)' })
  description = Option.String('--description', { description: 'What the agent is for (shown to its coordinator)' })
  temperature = Option.String('--temperature', { validator: t.isNumber(), description: '0..2 (default 0.7)' })
  maxTokens = Option.String('--max-tokens', { validator: t.isNumber(), description: 'Token limit per answer' })
  tools = Option.Array('--tool', { description: 'A tool the agent may call (repeatable)' })

  override async execute() {
    const body = this.body()
    const agent = await this.withAgency((agency) => agency.createAgent(body))
    if (this.json) return this.printJson(agent)
    this.print(`Created agent ${this.style.bold(agent.name)} (${agent.id})\n`)
    printAgent(this.context.stdout, agent)
  }

  /** The create body from the options, checked against the API's schema. */
  private body(): AgentCreate {
    const missing = [this.model === undefined && '--model', this.instruction === undefined && '--instruction'].filter(Boolean)
    if (missing.length > 0) throw new UsageError(`missing required option${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} (see 'chasm agents create --help')`)
    const body = Object.fromEntries(
      Object.entries({
        name: this.name, model: this.model, instruction: this.instruction, role: this.role, provider: this.provider,
        description: this.description, temperature: this.temperature, maxTokens: this.maxTokens, tools: this.tools,
      }).filter(([, value]) => value !== undefined),
    )
    const problem = Value.Errors(AgentCreate, body).First()
    if (problem) {
      const field = problem.path.split('/')[1] ?? ''
      throw new UsageError(`Invalid ${OPTION_OF[field] ?? field}: ${expectation(problem.schema, problem.message)} (got ${JSON.stringify(problem.value)})`)
    }
    return body as AgentCreate
  }
}
