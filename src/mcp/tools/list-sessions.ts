import { Type } from '@sinclair/typebox'
import { listSessions, SessionSummary } from '../../db'
import { ChasmError } from '../../shared/errors'
import { defineTool } from './tool'

/** `list_sessions`: the newest conversations, optionally of one assistant or workspace, or since a date. */
export const listSessionsTool = defineTool({
  name: 'list_sessions',
  title: 'List recent conversations',
  description:
    'The most recently updated conversations, newest first, with title, assistant (provider), model, message count and times. ' +
    'Filter by provider, by workspace id (from list_workspaces) or by `since` (an ISO date or time). Open one with get_session.',
  input: Type.Object(
    {
      provider: Type.Optional(Type.String({ minLength: 1, description: 'only this assistant, e.g. copilot, claude-code, cursor, codex, gemini-cli' })),
      workspace: Type.Optional(Type.String({ minLength: 1, description: 'only this workspace id (from list_workspaces)' })),
      since: Type.Optional(Type.String({ minLength: 1, description: 'only sessions updated at or after this date or time, e.g. 2026-01-08 or 2026-01-08T12:00:00Z' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'sessions to return (1..200, default 20)' })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    sessions: Type.Array(SessionSummary),
    total: Type.Integer({ minimum: 0, description: 'how many sessions match in all' }),
  }),
  run({ sqlite }, { provider, workspace, since, limit }) {
    const from = since === undefined ? undefined : Date.parse(since)
    if (from !== undefined && Number.isNaN(from)) {
      throw new ChasmError('BAD_REQUEST', `Invalid argument 'since': expected an ISO date or time such as 2026-01-08 (got ${JSON.stringify(since)})`)
    }
    const page = listSessions(sqlite, { provider, workspace, since: from }, { limit: limit ?? 20, offset: 0 })
    return { sessions: page.items, total: page.meta.total }
  },
})
