import { Option } from 'clipanion'
import { AgencyCommand } from '../../agency-command'

/** The option that fills each body field, so a schema error names what the user typed. */
export const SWARM_OPTION_OF: Record<string, string> = { coordinator: '--coordinator', workers: '--worker', description: '--description' }

/** The options that set a swarm's members and description, shared by `swarm create` and `swarm update`. */
export abstract class SwarmFieldsCommand extends AgencyCommand {
  coordinator = Option.String('--coordinator', { description: 'The agent (name or id) that plans and synthesises' })
  workers = Option.Array('--worker', { description: 'An agent (name or id) that works on subtasks (repeatable, in order)' })
  description = Option.String('--description', { description: 'What the swarm is for' })

  /** The fields the options set; those not given are undefined. */
  protected fields(): Record<string, unknown> {
    return { coordinator: this.coordinator, workers: this.workers, description: this.description }
  }
}
