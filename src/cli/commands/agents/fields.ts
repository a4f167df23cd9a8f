import { Option } from 'clipanion'
import * as t from 'typanion'
import { AgencyCommand } from '../../agency-command'
import { listOrNone, numberOrNone } from '../../body'

/** The option that fills each body field, so a schema error names what the user typed. */
export const AGENT_OPTION_OF: Record<string, string> = {
  description: '--description', instruction: '--instruction', role: '--role', model: '--model',
  provider: '--provider', temperature: '--temperature', maxTokens: '--max-tokens', tools: '--tool',
}

/** The options that set an agent's fields, shared by `agents create` and `agents update`. */
export abstract class AgentFieldsCommand extends AgencyCommand {
  model = Option.String('--model', { description: 'Model name, e.g. gpt-4o, claude-sonnet-4-5, gemini-2.0-flash, ollama/llama3.2' })
  instruction = Option.String('--instruction', { description: "The agent's system prompt" })
  role = Option.String('--role', { description: 'assistant (default), coordinator, coder, reviewer, tester, researcher, writer, analyst, executor' })
  provider = Option.String('--provider', { description: 'openai, anthropic, google, ollama or openai-compatible (default: inferred from the model)' })
  description = Option.String('--description', { description: 'What the agent is for (shown to its coordinator)' })
  temperature = Option.String('--temperature', { validator: t.isNumber(), description: '0..2 (default 0.7)' })
  maxTokens = Option.String('--max-tokens', { description: 'Token limit per answer (none: no limit)' })
  tools = Option.Array('--tool', { description: 'A tool the agent may call (repeatable; none: no tools)' })

  /** The fields the options set; those not given are undefined. */
  protected fields(): Record<string, unknown> {
    return {
      model: this.model, instruction: this.instruction, role: this.role, provider: this.provider, description: this.description,
      temperature: this.temperature, maxTokens: numberOrNone(this.maxTokens), tools: listOrNone(this.tools),
    }
  }
}
