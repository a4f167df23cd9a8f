import type { Clock } from '../../shared/time'

/** One event of the recording format, in the seed's snake_case. */
export interface RecordingEvent {
  session_id: string
  event_type: 'session_start' | 'message' | 'tool_call' | 'tool_result' | 'session_end'
  data: Record<string, unknown>
  event_id: string
  timestamp: string
}

/**
 * Where a run's conversation goes as it happens: the recording module, which stores it as a session
 * (`origin: "agency"`) and pushes it to `/ws/recording` subscribers. Events of one run arrive in order,
 * each batch after the previous one settled; a rejected batch is logged and the run goes on.
 * @example { record: (events) => recorder.submit({ events }, { origin: 'agency' }) }
 */
export interface RunRecorder {
  record(events: RecordingEvent[]): unknown
}

/** A recorder that drops everything (for callers that do not watch runs). */
export const discardRecorder: RunRecorder = { record() {} }

/**
 * Builds a run's recording events with sequential, idempotent ids (`<runId>:<n>`, or `<runId>:<scope>:<n>`
 * for events written by another process later). The session id is the run id.
 */
export function runEventLog(runId: string, clock: Clock, scope?: string) {
  const prefix = scope === undefined ? runId : `${runId}:${scope}`
  let sequence = 0
  const event = (event_type: RecordingEvent['event_type'], data: Record<string, unknown>): RecordingEvent => ({
    session_id: runId,
    event_type,
    data,
    event_id: `${prefix}:${sequence++}`,
    timestamp: new Date(clock()).toISOString(),
  })
  return {
    start: (data: { title: string; workspace_path: string; model: string; swarm_id: string; swarm: string }) =>
      event('session_start', { provider: 'agency', ...data }),
    message: (data: { message_id: string; role: 'user' | 'assistant' | 'system'; content: string } & Record<string, unknown>) =>
      event('message', data),
    toolCall: (data: { message_id: string; call_id: string; name: string; input: unknown }) => event('tool_call', data),
    toolResult: (data: { call_id: string; output: string; status: 'ok' | 'error' }) => event('tool_result', data),
    end: () => event('session_end', {}),
  }
}
