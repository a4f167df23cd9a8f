import { badRequest, ChasmError } from '../shared/errors'
import type { SwarmStatus } from './model'
import { TRANSITIONS, type SwarmAction } from './run/transitions'

/** An agent reference from a request, resolved: its id and name. */
export interface AgentRef {
  id: string
  name: string
}

/** Checks a swarm's resolved workers: no agent twice. */
export function checkWorkers(workers: AgentRef[]): void {
  const seen = new Set<string>()
  for (const worker of workers) {
    if (seen.has(worker.id)) throw badRequest('workers', `agent '${worker.name}' is listed twice`)
    seen.add(worker.id)
  }
}

/** The 409 for an action the status machine does not allow from `status`. */
export function illegalTransition(swarmName: string, action: SwarmAction, status: SwarmStatus): ChasmError {
  const allowed = TRANSITIONS[action].from.join(', ')
  return new ChasmError('CONFLICT', `cannot ${action} swarm '${swarmName}' while it is ${status} (allowed from: ${allowed})`)
}
